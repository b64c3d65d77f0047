//! The event's mail in the console: the queue by state, failures with the server's answer, a
//! retry of dead letters, and what each email said.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use axum_csrf::CsrfToken;
use minijinja::context;

use super::done_key;
use super::{EventConsole, Form, Frame, Problems, done, render_page, with_cookies};
use crate::app::outbox::{email_of_event, emails_of, outbox_of, requeue_dead};
use crate::domain::vocab::MailStatus;
use crate::error::{AppError, AppResult};
use crate::http::HttpState;
use crate::http::extract::ApiPath;

/// The most emails one page lists.
const LISTED: u64 = 200;

pub async fn outbox_page(
    State(state): State<HttpState>,
    console: EventConsole,
    uri: Uri,
    csrf: CsrfToken,
) -> AppResult<Response> {
    let event = &console.event;
    let chosen = uri.query().and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(key, _)| key == "status")
            .and_then(|(_, value)| value.parse::<MailStatus>().ok())
    });
    let counts = outbox_of(&state.db.conn, event.id).await?;
    let emails = emails_of(&state, event.id, chosen, LISTED).await?;
    let path = format!("/admin/events/{}/outbox", event.slug);
    let response = render_page(
        "console/outbox.html",
        Frame {
            lang: console.user.lang,
            path: &path,
            user: Some(&console.user),
            event: Some(event),
            section: "outbox",
            csrf: &csrf,
        },
        &Problems::default(),
        done_key(&uri).as_deref(),
        context! {
            counts => counts, emails => emails, chosen => chosen.map(MailStatus::as_str),
            base => &path, listed => LISTED,
        },
    )?;
    Ok(with_cookies(Some(&console.user), csrf, response))
}

pub async fn email_page(
    State(state): State<HttpState>,
    console: EventConsole,
    ApiPath((_slug, id)): ApiPath<(String, i64)>,
    csrf: CsrfToken,
) -> AppResult<Response> {
    let event = &console.event;
    let content = email_of_event(&state, event.id, id).await?;
    let path = format!("/admin/events/{}/outbox/{id}", event.slug);
    let response = render_page(
        "console/email.html",
        Frame {
            lang: console.user.lang,
            path: &path,
            user: Some(&console.user),
            event: Some(event),
            section: "outbox",
            csrf: &csrf,
        },
        &Problems::default(),
        None,
        context! { content => content, back => format!("/admin/events/{}/outbox", event.slug) },
    )?;
    Ok(with_cookies(Some(&console.user), csrf, response))
}

/// Puts the dead letters back in the queue, as `POST …/outbox/retry`.
pub async fn retry_form(
    State(state): State<HttpState>,
    console: EventConsole,
    csrf: CsrfToken,
    body: Bytes,
) -> AppResult<Response> {
    let form = Form::read(&body)?;
    if !form.csrf_ok(&csrf) {
        return Err(AppError::Forbidden(
            "the form had expired; reload the page and try again",
        ));
    }
    requeue_dead(&state, console.event.id).await?;
    Ok(done(
        &format!("/admin/events/{}/outbox", console.event.slug),
        "retried",
    ))
}
