//! Availability windows of speakers and rooms:
//! `GET|PUT /api/v1/events/{slug}/speakers/{id}/availability` and `.../rooms/{id}/availability`.
//! Windows are typed in the speaker's own zone (rooms: the event's zone) and stored as instants;
//! a PUT replaces the whole list, so a client never has to diff.

use crate::app::AppState;
use crate::app::catalogue::availability::{
    AvailabilityInput, AvailabilityView, Owner, replace_windows, resolve_windows, view,
};
use crate::db::queries;
use crate::domain::zone::Zone;
use crate::error::{AppResult, FieldErrors};
use crate::http::HttpState;
use crate::http::auth::OrganiserOf;
use crate::http::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;

async fn owner_zone(state: &AppState, access: &OrganiserOf, owner: Owner) -> AppResult<Zone> {
    let db = &state.db.conn;
    match owner {
        Owner::Speaker(id) => {
            let person = queries::speaker_in_event(db, access.event.id, id).await?;
            Ok(person.timezone)
        }
        Owner::Room(id) => {
            queries::room_in_event(db, access.event.id, id).await?;
            Ok(access.event.timezone)
        }
    }
}

async fn put(
    state: &AppState,
    access: &OrganiserOf,
    owner: Owner,
    input: AvailabilityInput,
) -> AppResult<AvailabilityView> {
    let zone = owner_zone(state, access, owner).await?;
    let mut errors = FieldErrors::default();
    let windows = resolve_windows(&mut errors, "windows", zone, &input.windows);
    errors.into_result()?;
    let txn = state.db.begin_write().await?;
    replace_windows(&*txn, access.event.id, owner, &windows).await?;
    let answer = view(&*txn, access.event.id, owner, zone).await?;
    txn.commit().await?;
    Ok(answer)
}

#[utoipa::path(get, path = "/api/v1/events/{slug}/speakers/{id}/availability", tag = "programme",
    params(("slug" = String, Path), ("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = AvailabilityView), (status = 404, body = crate::error::Problem)))]
pub async fn speaker_availability(
    State(state): State<HttpState>,
    access: OrganiserOf,
    ApiPath((_slug, id)): ApiPath<(String, i64)>,
) -> AppResult<Json<AvailabilityView>> {
    let owner = Owner::Speaker(id);
    let zone = owner_zone(&state, &access, owner).await?;
    Ok(Json(
        view(&state.db.conn, access.event.id, owner, zone).await?,
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
    Ok(Json(put(&state, &access, Owner::Speaker(id), input).await?))
}

#[utoipa::path(get, path = "/api/v1/events/{slug}/rooms/{id}/availability", tag = "programme",
    params(("slug" = String, Path), ("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = AvailabilityView), (status = 404, body = crate::error::Problem)))]
pub async fn room_availability(
    State(state): State<HttpState>,
    access: OrganiserOf,
    ApiPath((_slug, id)): ApiPath<(String, i64)>,
) -> AppResult<Json<AvailabilityView>> {
    let owner = Owner::Room(id);
    let zone = owner_zone(&state, &access, owner).await?;
    Ok(Json(
        view(&state.db.conn, access.event.id, owner, zone).await?,
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
    Ok(Json(put(&state, &access, Owner::Room(id), input).await?))
}
