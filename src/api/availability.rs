//! Availability windows of speakers and rooms:
//! `GET|PUT /api/v1/events/{slug}/speakers/{id}/availability` and `.../rooms/{id}/availability`.
//! Windows are typed in the speaker's own zone (rooms: the event's zone) and stored as instants;
//! a PUT replaces the whole list, so a client never has to diff.

use crate::app::catalogue::availability::{
    AvailabilityInput, AvailabilityView, Owner, availability_of, set_availability,
};
use crate::error::AppResult;
use crate::http::HttpState;
use crate::http::auth::OrganiserOf;
use crate::http::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;

#[utoipa::path(get, path = "/api/v1/events/{slug}/speakers/{id}/availability", tag = "programme",
    params(("slug" = String, Path), ("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = AvailabilityView), (status = 404, body = crate::error::Problem)))]
pub async fn speaker_availability(
    State(state): State<HttpState>,
    access: OrganiserOf,
    ApiPath((_slug, id)): ApiPath<(String, i64)>,
) -> AppResult<Json<AvailabilityView>> {
    Ok(Json(
        availability_of(&state, &access.event, Owner::Speaker(id)).await?,
    ))
}

/// Replaces the speaker's windows, typed in the speaker's zone.
#[utoipa::path(put, path = "/api/v1/events/{slug}/speakers/{id}/availability", tag = "programme",
    params(("slug" = String, Path), ("id" = i64, Path)), request_body = AvailabilityInput, security(("bearer" = [])),
    responses((status = 200, body = AvailabilityView), (status = 422, body = crate::error::Problem)))]
pub async fn set_speaker_availability(
    State(state): State<HttpState>,
    access: OrganiserOf,
    ApiPath((_slug, id)): ApiPath<(String, i64)>,
    ApiJson(input): ApiJson<AvailabilityInput>,
) -> AppResult<Json<AvailabilityView>> {
    Ok(Json(
        set_availability(&state, &access.event, Owner::Speaker(id), input).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/events/{slug}/rooms/{id}/availability", tag = "programme",
    params(("slug" = String, Path), ("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = AvailabilityView), (status = 404, body = crate::error::Problem)))]
pub async fn room_availability(
    State(state): State<HttpState>,
    access: OrganiserOf,
    ApiPath((_slug, id)): ApiPath<(String, i64)>,
) -> AppResult<Json<AvailabilityView>> {
    Ok(Json(
        availability_of(&state, &access.event, Owner::Room(id)).await?,
    ))
}

/// Replaces the room's windows, typed in the event's zone.
#[utoipa::path(put, path = "/api/v1/events/{slug}/rooms/{id}/availability", tag = "programme",
    params(("slug" = String, Path), ("id" = i64, Path)), request_body = AvailabilityInput, security(("bearer" = [])),
    responses((status = 200, body = AvailabilityView), (status = 422, body = crate::error::Problem)))]
pub async fn set_room_availability(
    State(state): State<HttpState>,
    access: OrganiserOf,
    ApiPath((_slug, id)): ApiPath<(String, i64)>,
    ApiJson(input): ApiJson<AvailabilityInput>,
) -> AppResult<Json<AvailabilityView>> {
    Ok(Json(
        set_availability(&state, &access.event, Owner::Room(id), input).await?,
    ))
}
