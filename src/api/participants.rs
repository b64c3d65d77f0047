//! Who speaks in a session, in which role and order:
//! `/api/v1/events/{slug}/sessions/{id}/participants[/{participant_id}]`.

use crate::api::Items;
use crate::app::catalogue::participants::list_participants as participants_of;
use crate::app::catalogue::participants::update_participant as change_participant;
use crate::app::catalogue::participants::{
    NewParticipant, ParticipantChanges, ParticipantView, add_participant, remove_participant,
};
use crate::db::queries;
use crate::error::AppResult;
use crate::http::HttpState;
use crate::http::auth::{MaybeOrganiser, OrganiserOf};
use crate::http::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

#[utoipa::path(get, path = "/api/v1/events/{slug}/sessions/{id}/participants", tag = "programme", params(("slug" = String, Path), ("id" = i64, Path)),
    responses((status = 200, body = Items<ParticipantView>), (status = 404, body = crate::error::Problem)))]
pub async fn list_participants(
    State(state): State<HttpState>,
    viewer: MaybeOrganiser,
    ApiPath((slug, id)): ApiPath<(String, i64)>,
) -> AppResult<Json<Items<ParticipantView>>> {
    let event = queries::event_by_slug(&state.db.conn, &slug).await?;
    let organiser_view = viewer.sees_drafts_of(&state, event.id).await?;
    Ok(Json(
        participants_of(&state, &event, id, organiser_view)
            .await?
            .into(),
    ))
}

#[utoipa::path(post, path = "/api/v1/events/{slug}/sessions/{id}/participants", tag = "programme", params(("slug" = String, Path), ("id" = i64, Path)),
    request_body = NewParticipant, security(("bearer" = [])),
    responses((status = 201, body = ParticipantView), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_participant(
    State(state): State<HttpState>,
    access: OrganiserOf,
    ApiPath((_slug, id)): ApiPath<(String, i64)>,
    ApiJson(input): ApiJson<NewParticipant>,
) -> AppResult<(StatusCode, Json<ParticipantView>)> {
    Ok((
        StatusCode::CREATED,
        Json(add_participant(&state, &access.event, id, input).await?),
    ))
}

#[utoipa::path(patch, path = "/api/v1/events/{slug}/sessions/{id}/participants/{participant_id}", tag = "programme",
    params(("slug" = String, Path), ("id" = i64, Path), ("participant_id" = i64, Path)), request_body = ParticipantChanges, security(("bearer" = [])),
    responses((status = 200, body = ParticipantView), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update_participant(
    State(state): State<HttpState>,
    access: OrganiserOf,
    ApiPath((_slug, id, participant_id)): ApiPath<(String, i64, i64)>,
    ApiJson(changes): ApiJson<ParticipantChanges>,
) -> AppResult<Json<ParticipantView>> {
    Ok(Json(
        change_participant(&state, access.event, id, participant_id, changes).await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/events/{slug}/sessions/{id}/participants/{participant_id}", tag = "programme",
    params(("slug" = String, Path), ("id" = i64, Path), ("participant_id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn delete_participant(
    State(state): State<HttpState>,
    access: OrganiserOf,
    ApiPath((_slug, id, participant_id)): ApiPath<(String, i64, i64)>,
) -> AppResult<StatusCode> {
    remove_participant(&state, &access.event, id, participant_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
