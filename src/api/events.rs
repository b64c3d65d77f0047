//! Events: `/api/v1/events[/{slug}]`, and who organises them.

use crate::api::Items;
use crate::app::catalogue::events::add_organiser as add_event_organiser;
use crate::app::catalogue::events::list_events as all_events;
use crate::app::catalogue::events::update_event as change_event;
use crate::app::catalogue::events::{
    EventChanges, EventView, NewEvent, NewOrganiser, create_event as create_new_event,
};
use crate::db::queries;
use crate::error::AppResult;
use crate::http::HttpState;
use crate::http::auth::{Organiser, OrganiserOf};
use crate::http::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use sea_orm::ModelTrait;

#[utoipa::path(get, path = "/api/v1/events", tag = "events", responses((status = 200, body = Items<EventView>)))]
pub async fn list_events(State(state): State<HttpState>) -> AppResult<Json<Items<EventView>>> {
    Ok(Json(all_events(&state).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/events", tag = "events", request_body = NewEvent, security(("bearer" = [])),
    responses((status = 201, body = EventView), (status = 401, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_event(
    State(state): State<HttpState>,
    organiser: Organiser,
    ApiJson(input): ApiJson<NewEvent>,
) -> AppResult<(StatusCode, Json<EventView>)> {
    Ok((
        StatusCode::CREATED,
        Json(create_new_event(&state, organiser.user_id, input).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/events/{slug}", tag = "events", params(("slug" = String, Path)),
    responses((status = 200, body = EventView), (status = 404, body = crate::error::Problem)))]
pub async fn get_event(
    State(state): State<HttpState>,
    ApiPath(slug): ApiPath<String>,
) -> AppResult<Json<EventView>> {
    Ok(Json(EventView::from_model(
        queries::event_by_slug(&state.db.conn, &slug).await?,
    )?))
}

#[utoipa::path(patch, path = "/api/v1/events/{slug}", tag = "events", params(("slug" = String, Path)), request_body = EventChanges, security(("bearer" = [])),
    responses((status = 200, body = EventView), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update_event(
    State(state): State<HttpState>,
    access: OrganiserOf,
    ApiJson(changes): ApiJson<EventChanges>,
) -> AppResult<Json<EventView>> {
    Ok(Json(change_event(&state, access.event.id, changes).await?))
}

#[utoipa::path(delete, path = "/api/v1/events/{slug}", tag = "events", params(("slug" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn delete_event(
    State(state): State<HttpState>,
    access: OrganiserOf,
) -> AppResult<StatusCode> {
    let txn = state.db.begin_write().await?;
    let current = access.event;
    current.delete(&*txn).await?;
    txn.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Gives another account the right to edit this event.
#[utoipa::path(post, path = "/api/v1/events/{slug}/organisers", tag = "events", params(("slug" = String, Path)), request_body = NewOrganiser,
    security(("bearer" = [])), responses((status = 204), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn add_organiser(
    State(state): State<HttpState>,
    access: OrganiserOf,
    ApiJson(input): ApiJson<NewOrganiser>,
) -> AppResult<StatusCode> {
    add_event_organiser(&state, access.event, input).await?;
    Ok(StatusCode::NO_CONTENT)
}
