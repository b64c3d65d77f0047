//! Sessions of an event: `/api/v1/events/{slug}/sessions[/{id}]`.
//! The public sees published sessions without their meeting link; organisers see everything.

use crate::api::Items;
use crate::app::catalogue::sessions::create_session as new_session;
use crate::app::catalogue::sessions::delete_session as remove_session;
use crate::app::catalogue::sessions::update_session as change_session;
use crate::app::catalogue::sessions::{
    NewSession, SessionChanges, SessionView, participants_by_session, session_view,
};
use crate::db::queries;
use crate::db::queries::Edition;
use crate::domain::vocab::SessionStatus;
use crate::error::{AppError, AppResult};
use crate::http::HttpState;
use crate::http::auth::{MaybeOrganiser, OrganiserOf};
use crate::http::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

#[utoipa::path(get, path = "/api/v1/events/{slug}/sessions", tag = "programme", params(("slug" = String, Path)),
    responses((status = 200, description = "Published sessions, or all of them for the event's organisers", body = Items<SessionView>)))]
pub async fn list_sessions(
    State(state): State<HttpState>,
    viewer: MaybeOrganiser,
    ApiPath(slug): ApiPath<String>,
) -> AppResult<Json<Items<SessionView>>> {
    let db = &state.db.conn;
    let event = queries::event_by_slug(db, &slug).await?;
    let organiser_view = viewer.sees_drafts_of(&state, event.id).await?;
    let sessions = queries::sessions_of_event(db, event.id, organiser_view).await?;
    let ids: Vec<i64> = sessions.iter().map(|s| s.id).collect();
    let edition = Edition::seen_by_organiser(organiser_view);
    let mut participants = participants_by_session(db, event.id, &ids, edition).await?;
    let views = sessions
        .into_iter()
        .map(|s| {
            let own = participants.remove(&s.id).unwrap_or_default();
            SessionView::new(s, own, organiser_view)
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok(Json(views.into()))
}

#[utoipa::path(post, path = "/api/v1/events/{slug}/sessions", tag = "programme", params(("slug" = String, Path)), request_body = NewSession, security(("bearer" = [])),
    responses((status = 201, body = SessionView), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_session(
    State(state): State<HttpState>,
    access: OrganiserOf,
    ApiJson(input): ApiJson<NewSession>,
) -> AppResult<(StatusCode, Json<SessionView>)> {
    let created = new_session(&state, &access.event, input, access.organiser.user_id).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[utoipa::path(get, path = "/api/v1/events/{slug}/sessions/{id}", tag = "programme", params(("slug" = String, Path), ("id" = i64, Path)),
    responses((status = 200, body = SessionView), (status = 404, body = crate::error::Problem)))]
pub async fn get_session(
    State(state): State<HttpState>,
    viewer: MaybeOrganiser,
    ApiPath((slug, id)): ApiPath<(String, i64)>,
) -> AppResult<Json<SessionView>> {
    let db = &state.db.conn;
    let event = queries::event_by_slug(db, &slug).await?;
    let organiser_view = viewer.sees_drafts_of(&state, event.id).await?;
    let model = queries::session_in_event(db, event.id, id).await?;
    if !organiser_view && model.status == SessionStatus::Draft {
        return Err(AppError::NotFound("session"));
    }
    Ok(Json(
        session_view(db, event.id, model, organiser_view).await?,
    ))
}

#[utoipa::path(patch, path = "/api/v1/events/{slug}/sessions/{id}", tag = "programme", params(("slug" = String, Path), ("id" = i64, Path)), request_body = SessionChanges,
    security(("bearer" = [])), responses((status = 200, body = SessionView), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update_session(
    State(state): State<HttpState>,
    access: OrganiserOf,
    ApiPath((_slug, id)): ApiPath<(String, i64)>,
    ApiJson(changes): ApiJson<SessionChanges>,
) -> AppResult<Json<SessionView>> {
    Ok(Json(
        change_session(&state, access.event, id, changes, access.organiser.user_id).await?,
    ))
}

/// Deletes a draft session with its participants (204). A session the public has seen is
/// cancelled instead: the cancellation is staged in the working copy (202, the session as it
/// now reads) and announced to everyone holding it by the next publication.
#[utoipa::path(delete, path = "/api/v1/events/{slug}/sessions/{id}", tag = "programme", params(("slug" = String, Path), ("id" = i64, Path)),
    security(("bearer" = [])), responses((status = 204, description = "The draft is gone"), (status = 202, description = "Cancellation staged", body = SessionView), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn delete_session(
    State(state): State<HttpState>,
    access: OrganiserOf,
    ApiPath((_slug, id)): ApiPath<(String, i64)>,
) -> AppResult<axum::response::Response> {
    use axum::response::IntoResponse;
    Ok(match remove_session(&state, access.event, id).await? {
        None => StatusCode::NO_CONTENT.into_response(),
        Some(staged) => (StatusCode::ACCEPTED, Json(staged)).into_response(),
    })
}
