//! The people of an event's programme: `/api/v1/events/{slug}/speakers[/{id}]`.
//! Emails are personal data: only the event's organisers see them.

use crate::api::Items;
use crate::app::catalogue::speakers::create_speaker as add_speaker;
use crate::app::catalogue::speakers::update_speaker as change_speaker;
use crate::app::catalogue::speakers::{NewSpeaker, SpeakerChanges, SpeakerView};
use crate::db::queries;
use crate::error::AppResult;
use crate::http::HttpState;
use crate::http::auth::{MaybeOrganiser, OrganiserOf};
use crate::http::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use sea_orm::ModelTrait;

#[utoipa::path(get, path = "/api/v1/events/{slug}/speakers", tag = "programme", params(("slug" = String, Path)), responses((status = 200, body = Items<SpeakerView>)))]
pub async fn list_speakers(
    State(state): State<HttpState>,
    viewer: MaybeOrganiser,
    ApiPath(slug): ApiPath<String>,
) -> AppResult<Json<Items<SpeakerView>>> {
    let event = queries::event_by_slug(&state.db.conn, &slug).await?;
    let show_email = viewer.sees_drafts_of(&state, event.id).await?;
    let speakers = queries::speakers_of_event(&state.db.conn, event.id).await?;
    Ok(Json(
        speakers
            .into_iter()
            .map(|s| SpeakerView::new(s, show_email))
            .collect::<Vec<_>>()
            .into(),
    ))
}

#[utoipa::path(post, path = "/api/v1/events/{slug}/speakers", tag = "programme", params(("slug" = String, Path)), request_body = NewSpeaker, security(("bearer" = [])),
    responses((status = 201, body = SpeakerView), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_speaker(
    State(state): State<HttpState>,
    access: OrganiserOf,
    ApiJson(input): ApiJson<NewSpeaker>,
) -> AppResult<(StatusCode, Json<SpeakerView>)> {
    Ok((
        StatusCode::CREATED,
        Json(add_speaker(&state, &access.event, input).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/events/{slug}/speakers/{id}", tag = "programme", params(("slug" = String, Path), ("id" = i64, Path)),
    responses((status = 200, body = SpeakerView), (status = 404, body = crate::error::Problem)))]
pub async fn get_speaker(
    State(state): State<HttpState>,
    viewer: MaybeOrganiser,
    ApiPath((slug, id)): ApiPath<(String, i64)>,
) -> AppResult<Json<SpeakerView>> {
    let event = queries::event_by_slug(&state.db.conn, &slug).await?;
    let show_email = viewer.sees_drafts_of(&state, event.id).await?;
    Ok(Json(SpeakerView::new(
        queries::speaker_in_event(&state.db.conn, event.id, id).await?,
        show_email,
    )))
}

#[utoipa::path(patch, path = "/api/v1/events/{slug}/speakers/{id}", tag = "programme", params(("slug" = String, Path), ("id" = i64, Path)), request_body = SpeakerChanges,
    security(("bearer" = [])), responses((status = 200, body = SpeakerView), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update_speaker(
    State(state): State<HttpState>,
    access: OrganiserOf,
    ApiPath((_slug, id)): ApiPath<(String, i64)>,
    ApiJson(changes): ApiJson<SpeakerChanges>,
) -> AppResult<Json<SpeakerView>> {
    Ok(Json(
        change_speaker(&state, access.event, id, changes).await?,
    ))
}

/// Removes the speaker and every slot they had.
#[utoipa::path(delete, path = "/api/v1/events/{slug}/speakers/{id}", tag = "programme", params(("slug" = String, Path), ("id" = i64, Path)),
    security(("bearer" = [])), responses((status = 204), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn delete_speaker(
    State(state): State<HttpState>,
    access: OrganiserOf,
    ApiPath((_slug, id)): ApiPath<(String, i64)>,
) -> AppResult<StatusCode> {
    let txn = state.db.begin_write().await?;
    let event = access.event;
    queries::speaker_in_event(&*txn, event.id, id)
        .await?
        .delete(&*txn)
        .await?;
    txn.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
