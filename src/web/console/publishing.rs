//! Publishing in the console: the working copy against the published programme (what will
//! change, which emails it will send, the conflicts that block it and those that may be
//! acknowledged), the publish button, and the history of published versions with their changes.
//! The preview is the API's (`GET …/publish/preview`): a trial publication rolled back.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use axum_csrf::CsrfToken;
use minijinja::{Value, context};

use super::done_key;
use super::{EventConsole, Form, Frame, Problems, done, render_page, with_cookies};
use crate::app::publishing::publication::{PublishRequest, preview, publish};
use crate::app::publishing::versions::{ChangelogQuery, changelog_between, version_summaries};
use crate::domain::conflicts::Conflict;
use crate::domain::text::UiLanguage;
use crate::domain::versions::{ChangeKind, SessionChange};
use crate::error::AppResult;
use crate::http::HttpState;

fn conflict_rows(conflicts: &[Conflict], lang: UiLanguage) -> Vec<Value> {
    conflicts
        .iter()
        .map(|c| {
            context! {
                id => &c.id,
                message => match lang { UiLanguage::Fr => &c.message_fr, UiLanguage::En => &c.message_en },
            }
        })
        .collect()
}

fn change_rows(changes: &[SessionChange]) -> Vec<Value> {
    changes
        .iter()
        .map(|c| {
            let kind = match c.change {
                ChangeKind::Added => "added",
                ChangeKind::Removed => "removed",
                ChangeKind::Changed => "changed",
            };
            context! {
                title => &c.title, kind => kind,
                fields => c.fields.iter().map(|f| context! { field => f.field, before => &f.before, after => &f.after }).collect::<Vec<_>>(),
            }
        })
        .collect()
}

async fn publish_view(
    state: &HttpState,
    console: &EventConsole,
    done: Option<&str>,
    csrf: &CsrfToken,
    problems: &Problems,
) -> AppResult<Response> {
    let event = &console.event;
    let lang = console.user.lang;
    let planned = preview(state, event).await?;
    let mut recipients: Vec<&str> = planned
        .emails
        .iter()
        .map(|e| e.recipient.as_str())
        .collect();
    recipients.sort_unstable();
    recipients.dedup();
    let mut versions = Vec::new();
    for summary in version_summaries(state, event.id).await?.into_iter().rev() {
        let changelog = changelog_between(
            state,
            event.id,
            ChangelogQuery {
                from: None,
                to: Some(summary.number),
            },
        )
        .await?;
        versions.push(context! {
            number => summary.number, published_at => summary.published_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            published_by => summary.published_by, acknowledged => summary.acknowledged, sessions => summary.sessions,
            changes => change_rows(&changelog.changes),
        });
    }
    let nothing = planned.would_publish.is_empty() && planned.would_update.is_empty();
    let path = format!("/admin/events/{}/publish", event.slug);
    render_page(
        "console/publish.html",
        Frame {
            lang,
            path: &path,
            user: Some(&console.user),
            event: Some(event),
            section: "publish",
            csrf,
        },
        problems,
        done,
        context! {
            nothing => nothing, would_publish => planned.would_publish.len(), would_update => planned.would_update.len(),
            changes => change_rows(&planned.changes),
            emails => planned.emails.iter().map(|e| context! { recipient => &e.recipient, kind => &e.kind, subject => &e.subject }).collect::<Vec<_>>(),
            recipients => recipients.len(),
            blocking => conflict_rows(&planned.blocking, lang), acknowledged_before => planned.acknowledged,
            warnings => conflict_rows(&planned.warnings, lang), versions => versions, action => &path,
        },
    )
}

pub async fn publish_page(
    State(state): State<HttpState>,
    console: EventConsole,
    uri: Uri,
    csrf: CsrfToken,
) -> AppResult<Response> {
    let response = publish_view(
        &state,
        &console,
        done_key(&uri).as_deref(),
        &csrf,
        &Problems::default(),
    )
    .await?;
    Ok(with_cookies(Some(&console.user), csrf, response))
}

/// Publishes the whole working copy with the conflicts the organiser ticked acknowledged.
pub async fn publish_form(
    State(state): State<HttpState>,
    console: EventConsole,
    csrf: CsrfToken,
    body: Bytes,
) -> AppResult<Response> {
    let form = Form::read(&body)?;
    let problems = if !form.csrf_ok(&csrf) {
        Problems::stale_form(console.user.lang)
    } else {
        let request = PublishRequest {
            sessions: None,
            acknowledge: form
                .all("acknowledge")
                .into_iter()
                .map(str::to_owned)
                .collect(),
        };
        match publish(
            &state,
            console.event.id,
            Some(console.user.account.id),
            request,
        )
        .await
        {
            Ok(_) => {
                return Ok(done(
                    &format!("/admin/events/{}/publish", console.event.slug),
                    "published_done",
                ));
            }
            Err(error) => Problems::of(error)?,
        }
    };
    let response = publish_view(&state, &console, None, &csrf, &problems).await?;
    Ok(with_cookies(Some(&console.user), csrf, response))
}
