//! `/r/{token}`: the registrant's own page, reached from the confirmation email. See one's
//! sessions in one's zone, switch mode, add or drop sessions, cancel, erase.
//!
//! These forms need no separate CSRF token: the unguessable token in the URL is the secret a
//! forged request would need.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::{page, render, words};
use crate::app::AppState;
use crate::app::registration::self_service::{
    RegistrationChanges, cancel_by_token, erase_by_token, update_by_token, view_by_token,
};
use crate::db::queries;
use crate::domain::format::dated_times_text;
use crate::domain::text::UiLanguage;
use crate::domain::vocab::Mode;
use crate::domain::vocab::RegistrationStatus;
use crate::domain::vocab::SeatStatus;
use crate::domain::zone::{DisplayZone, Zone};
use crate::error::{AppError, AppResult};
use crate::http::HttpState;
use crate::http::extract::parse_form;
use crate::http::extract::{ApiPath, ApiQuery};

#[derive(Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    done: Option<String>,
}

#[derive(Serialize)]
struct Offered {
    id: i64,
    title: String,
    time: String,
    chosen: bool,
}

async fn render_manage(
    state: &AppState,
    token: &str,
    done: Option<&str>,
    errors: Vec<String>,
    status: StatusCode,
) -> AppResult<Response> {
    let (view, event) = view_by_token(state, token).await?;
    let lang = UiLanguage::for_code(&view.language);
    let t = words(lang);
    let done = done.and_then(|key| {
        t.get_attr(key)
            .ok()
            .filter(|v| !v.is_undefined())
            .map(|v| v.to_string())
    });
    let zone: Zone = view.timezone;
    let own = DisplayZone::named(zone);
    let offered: Vec<Offered> = queries::sessions_of_event(&state.db.conn, event.id, false)
        .await?
        .into_iter()
        .map(|s| Offered {
            chosen: view
                .sessions
                .iter()
                .any(|seat| seat.session_id == s.id && seat.status != SeatStatus::Cancelled),
            time: dated_times_text(&own, s.starts_at, s.ends_at, lang),
            id: s.id,
            title: s.title,
        })
        .collect();
    let html = render(
        "manage.html",
        context! {
            lang => lang.code(), t => t, event_title => &event.title, private => true,
            name => &view.name, status => &view.status, attendance => &view.attendance,
            sessions => &view.sessions, feed_url => &view.feed_url, offered => offered, single_email => view.single_email,
            active => view.status == RegistrationStatus::Active, base => format!("/r/{token}"), done => done, errors => errors,
        },
    )?;
    Ok((status, page(html)).into_response())
}

pub async fn manage_page(
    State(state): State<HttpState>,
    ApiPath(token): ApiPath<String>,
    ApiQuery(query): ApiQuery<Done>,
) -> AppResult<Response> {
    render_manage(
        &state,
        &token,
        query.done.as_deref(),
        vec![],
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ChangeForm {
    attendance: String,
    session_ids: Vec<String>,
    /// `invitations` or `single`; absent leaves the choice as it was.
    delivery: String,
}

pub async fn update_form(
    State(state): State<HttpState>,
    ApiPath(token): ApiPath<String>,
    body: Bytes,
) -> AppResult<Response> {
    let form: ChangeForm = parse_form(&body)?;
    let attendance = form.attendance.parse::<Mode>().ok();
    let ids: Vec<i64> = form
        .session_ids
        .iter()
        .filter_map(|id| id.parse().ok())
        .collect();
    let changes = RegistrationChanges {
        attendance,
        session_ids: Some(ids),
        timezone: None,
        language: None,
        single_email: match form.delivery.as_str() {
            "single" => Some(true),
            "invitations" => Some(false),
            _ => None,
        },
    };
    match update_by_token(&state, &token, changes).await {
        Ok(_) => Ok(Redirect::to(&format!("/r/{token}?done=saved")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let reasons = errors
                .into_iter()
                .map(|e| format!("{}: {}", e.field, e.reason))
                .collect();
            render_manage(
                &state,
                &token,
                None,
                reasons,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(AppError::Conflict { detail, .. }) => {
            render_manage(&state, &token, None, vec![detail], StatusCode::CONFLICT).await
        }
        Err(other) => Err(other),
    }
}

pub async fn cancel_form(
    State(state): State<HttpState>,
    ApiPath(token): ApiPath<String>,
) -> AppResult<Response> {
    cancel_by_token(&state, &token).await?;
    Ok(Redirect::to(&format!("/r/{token}?done=cancelled_done")).into_response())
}

pub async fn erase_form(
    State(state): State<HttpState>,
    ApiPath(token): ApiPath<String>,
) -> AppResult<Response> {
    let (view, event) = view_by_token(&state, &token).await?;
    let lang = UiLanguage::for_code(&view.language);
    erase_by_token(&state, &token).await?;
    let t = words(lang);
    let html = render(
        "speak.html",
        context! { lang => lang.code(), t => t, private => true, event_title => &event.title, title => "",
        answered => words(lang).get_attr("erased").map(|v| v.to_string()).unwrap_or_default() },
    )?;
    Ok(page(html))
}
