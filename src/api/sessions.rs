//! Sessions of an event: `/api/v1/events/{slug}/sessions[/{id}]`.
//! The public sees published sessions without their meeting link; organisers see everything.

use crate::api::Items;
use crate::app::catalogue::sessions::{
    NewSession, SessionChanges, SessionView, apply_session_changes, calendar_facts, insert_session,
    participants_by_session, session_view,
};
use crate::app::notification as notify;
use crate::db::entities::session;
use crate::db::queries;
use crate::domain::vocab::SessionStatus;
use crate::error::{AppError, AppResult};
use crate::http::auth::{MaybeOrganiser, OrganiserOf};
use crate::http::extract::{ApiJson, ApiPath};
use crate::mail::compose::SessionMail;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use sea_orm::ModelTrait;

#[utoipa::path(get, path = "/api/v1/events/{slug}/sessions", tag = "programme", params(("slug" = String, Path)),
    responses((status = 200, description = "Published sessions, or all of them for the event's organisers", body = Items<SessionView>)))]
pub async fn list_sessions(
    State(state): State<AppState>,
    viewer: MaybeOrganiser,
    ApiPath(slug): ApiPath<String>,
) -> AppResult<Json<Items<SessionView>>> {
    let db = &state.db.conn;
    let event = queries::event_by_slug(db, &slug).await?;
    let organiser_view = viewer.sees_drafts_of(&state, event.id).await?;
    let sessions = queries::sessions_of_event(db, event.id, organiser_view).await?;
    let ids: Vec<i64> = sessions.iter().map(|s| s.id).collect();
    let mut participants = participants_by_session(db, event.id, &ids).await?;
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
    State(state): State<AppState>,
    access: OrganiserOf,
    ApiJson(input): ApiJson<NewSession>,
) -> AppResult<(StatusCode, Json<SessionView>)> {
    let txn = state.db.begin_write().await?;
    let event = access.event;
    let saved = insert_session(&*txn, &event, input, state.clock.now()).await?;
    txn.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(SessionView::new(saved, vec![], true)?),
    ))
}

#[utoipa::path(get, path = "/api/v1/events/{slug}/sessions/{id}", tag = "programme", params(("slug" = String, Path), ("id" = i64, Path)),
    responses((status = 200, body = SessionView), (status = 404, body = crate::error::Problem)))]
pub async fn get_session(
    State(state): State<AppState>,
    viewer: MaybeOrganiser,
    ApiPath((slug, id)): ApiPath<(String, i64)>,
) -> AppResult<Json<SessionView>> {
    let db = &state.db.conn;
    let event = queries::event_by_slug(db, &slug).await?;
    let organiser_view = viewer.sees_drafts_of(&state, event.id).await?;
    let model = queries::session_in_event(db, event.id, id).await?;
    if !organiser_view && model.status == SessionStatus::Draft.as_str() {
        return Err(AppError::NotFound("session"));
    }
    Ok(Json(
        session_view(db, event.id, model, organiser_view).await?,
    ))
}

#[utoipa::path(patch, path = "/api/v1/events/{slug}/sessions/{id}", tag = "programme", params(("slug" = String, Path), ("id" = i64, Path)), request_body = SessionChanges,
    security(("bearer" = [])), responses((status = 200, body = SessionView), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update_session(
    State(state): State<AppState>,
    access: OrganiserOf,
    ApiPath((_slug, id)): ApiPath<(String, i64)>,
    ApiJson(changes): ApiJson<SessionChanges>,
) -> AppResult<Json<SessionView>> {
    let txn = state.db.begin_write().await?;
    let event = access.event;
    let current = queries::session_for_update(&*txn, event.id, id).await?;
    let before = calendar_facts(&current)?;
    let before_revision = current.revision;
    let now = state.clock.now();
    let saved = apply_session_changes(&*txn, &event, current, changes, now).await?;
    // A new revision means people holding the published entry must hear of it, in this same
    // transaction: the change and its emails commit together or not at all.
    if saved.revision > before_revision {
        let after = calendar_facts(&saved)?;
        let kind = if after.status == SessionStatus::Cancelled {
            SessionMail::Cancel
        } else {
            SessionMail::Update(before.changes_to(&after))
        };
        notify::session_changed(&*txn, &state, &event, &saved, kind, now).await?;
    }
    let mut view = session_view(&*txn, event.id, saved, true).await?;
    txn.commit().await?;
    state.mail_queued();
    let report = crate::app::publishing::conflicts::conflicts_of(&state, &event).await?;
    view.conflicts = Some(
        report
            .conflicts
            .into_iter()
            .filter(|c| c.session_ids.contains(&id))
            .collect(),
    );
    Ok(Json(view))
}

/// Removes the session and its participants; nothing else.
#[utoipa::path(delete, path = "/api/v1/events/{slug}/sessions/{id}", tag = "programme", params(("slug" = String, Path), ("id" = i64, Path)),
    security(("bearer" = [])), responses((status = 204), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn delete_session(
    State(state): State<AppState>,
    access: OrganiserOf,
    ApiPath((_slug, id)): ApiPath<(String, i64)>,
) -> AppResult<StatusCode> {
    let txn = state.db.begin_write().await?;
    let event = access.event;
    let doomed = queries::session_for_update(&*txn, event.id, id).await?;
    // Whoever holds a published entry gets a cancellation before the session disappears.
    if doomed.status == SessionStatus::Published.as_str() {
        let cancelled = session::Model {
            revision: doomed.revision + 1,
            status: SessionStatus::Cancelled.as_str().to_owned(),
            ..doomed.clone()
        };
        notify::session_changed(
            &*txn,
            &state,
            &event,
            &cancelled,
            SessionMail::Cancel,
            state.clock.now(),
        )
        .await?;
    }
    doomed.delete(&*txn).await?;
    txn.commit().await?;
    state.mail_queued();
    Ok(StatusCode::NO_CONTENT)
}
