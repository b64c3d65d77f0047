//! iCalendar feeds (METHOD:PUBLISH): the whole event, one session, and personal agendas at
//! unguessable URLs for registrants and speakers (subscribable as webcal://).

use crate::app::feeds::personal_agenda;
use crate::app::feeds::{entries, last_change};
use crate::db::queries;
use crate::domain::calendar::{self, Method};
use crate::domain::vocab::SessionStatus;
use crate::error::{AppError, AppResult};
use crate::http::HttpState;
use crate::http::extract::ApiPath;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

pub fn ics_response(body: String, filename: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}

#[utoipa::path(get, path = "/api/v1/events/{slug}/calendar.ics", tag = "calendar", params(("slug" = String, Path)),
    responses((status = 200, content_type = "text/calendar", description = "Every published session"), (status = 404, body = crate::error::Problem)))]
pub async fn event_feed(
    State(state): State<HttpState>,
    ApiPath(slug): ApiPath<String>,
) -> AppResult<Response> {
    let db = &state.db.conn;
    let event = queries::event_by_slug(db, &slug).await?;
    let sessions = queries::sessions_of_event(db, event.id, false).await?;
    let entries = entries(db, &state, &event, &sessions, false).await?;
    let body = calendar::build(
        Method::Publish,
        Some(&event.title),
        &entries,
        last_change(&event, &sessions),
    );
    Ok(ics_response(body, &format!("{}.ics", event.slug)))
}

#[utoipa::path(get, path = "/api/v1/events/{slug}/sessions/{id}/calendar.ics", tag = "calendar", params(("slug" = String, Path), ("id" = i64, Path)),
    responses((status = 200, content_type = "text/calendar"), (status = 404, body = crate::error::Problem)))]
pub async fn session_feed(
    State(state): State<HttpState>,
    ApiPath((slug, id)): ApiPath<(String, i64)>,
) -> AppResult<Response> {
    let db = &state.db.conn;
    let event = queries::event_by_slug(db, &slug).await?;
    let session = queries::session_in_event(db, event.id, id).await?;
    if session.status != SessionStatus::Published {
        return Err(AppError::NotFound("session"));
    }
    let entries = entries(db, &state, &event, std::slice::from_ref(&session), false).await?;
    let body = calendar::build(
        Method::Publish,
        None,
        &entries,
        last_change(&event, std::slice::from_ref(&session)),
    );
    Ok(ics_response(
        body,
        &format!("{}-session-{}.ics", event.slug, session.id),
    ))
}

/// A registrant's confirmed sessions or a speaker's slots, with meeting links.
#[utoipa::path(get, path = "/api/v1/feeds/{file}", tag = "calendar", params(("file" = String, Path, description = "`{token}.ics`")),
    responses((status = 200, content_type = "text/calendar"), (status = 404, body = crate::error::Problem)))]
pub async fn personal_feed(
    State(state): State<HttpState>,
    ApiPath(file): ApiPath<String>,
) -> AppResult<Response> {
    Ok(ics_response(
        personal_agenda(&state, file).await?,
        "agenda.ics",
    ))
}
