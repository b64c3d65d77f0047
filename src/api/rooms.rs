//! Rooms and venues of an event: `/api/v1/events/{slug}/rooms[/{id}]`.

use crate::api::Items;
use crate::app::catalogue::rooms::create_room as add_room;
use crate::app::catalogue::rooms::{NewRoom, RoomChanges, RoomView, seats};
use crate::db::entities::room;
use crate::db::queries;
use crate::domain::text::clean;
use crate::error::AppResult;
use crate::http::HttpState;
use crate::http::auth::OrganiserOf;
use crate::http::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use sea_orm::{ActiveModelTrait, ModelTrait, Set};

#[utoipa::path(get, path = "/api/v1/events/{slug}/rooms", tag = "programme", params(("slug" = String, Path)), responses((status = 200, body = Items<RoomView>)))]
pub async fn list_rooms(
    State(state): State<HttpState>,
    ApiPath(slug): ApiPath<String>,
) -> AppResult<Json<Items<RoomView>>> {
    let event = queries::event_by_slug(&state.db.conn, &slug).await?;
    let rooms = queries::rooms_of_event(&state.db.conn, event.id).await?;
    Ok(Json(
        rooms
            .into_iter()
            .map(RoomView::from)
            .collect::<Vec<_>>()
            .into(),
    ))
}

#[utoipa::path(post, path = "/api/v1/events/{slug}/rooms", tag = "programme", params(("slug" = String, Path)), request_body = NewRoom, security(("bearer" = [])),
    responses((status = 201, body = RoomView), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_room(
    State(state): State<HttpState>,
    access: OrganiserOf,
    ApiJson(input): ApiJson<NewRoom>,
) -> AppResult<(StatusCode, Json<RoomView>)> {
    Ok((
        StatusCode::CREATED,
        Json(add_room(&state, access.event.id, input).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/events/{slug}/rooms/{id}", tag = "programme", params(("slug" = String, Path), ("id" = i64, Path)),
    responses((status = 200, body = RoomView), (status = 404, body = crate::error::Problem)))]
pub async fn get_room(
    State(state): State<HttpState>,
    ApiPath((slug, id)): ApiPath<(String, i64)>,
) -> AppResult<Json<RoomView>> {
    let event = queries::event_by_slug(&state.db.conn, &slug).await?;
    Ok(Json(
        queries::room_in_event(&state.db.conn, event.id, id)
            .await?
            .into(),
    ))
}

#[utoipa::path(patch, path = "/api/v1/events/{slug}/rooms/{id}", tag = "programme", params(("slug" = String, Path), ("id" = i64, Path)), request_body = RoomChanges,
    security(("bearer" = [])), responses((status = 200, body = RoomView), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update_room(
    State(state): State<HttpState>,
    access: OrganiserOf,
    ApiPath((_slug, id)): ApiPath<(String, i64)>,
    ApiJson(changes): ApiJson<RoomChanges>,
) -> AppResult<Json<RoomView>> {
    let txn = state.db.begin_write().await?;
    let event = access.event;
    let mut active: room::ActiveModel = queries::room_in_event(&*txn, event.id, id).await?.into();
    if let Some(name) = changes.name {
        active.name = Set(name.into_inner());
    }
    if let Some(venue) = changes.venue {
        active.venue = Set(clean(venue));
    }
    if let Some(capacity) = changes.capacity {
        active.capacity = Set(seats(capacity)?);
    }
    let saved = active.update(&*txn).await?;
    txn.commit().await?;
    Ok(Json(saved.into()))
}

/// Sessions in a deleted room keep their time and lose the room (the conflict check then flags them).
#[utoipa::path(delete, path = "/api/v1/events/{slug}/rooms/{id}", tag = "programme", params(("slug" = String, Path), ("id" = i64, Path)),
    security(("bearer" = [])), responses((status = 204), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn delete_room(
    State(state): State<HttpState>,
    access: OrganiserOf,
    ApiPath((_slug, id)): ApiPath<(String, i64)>,
) -> AppResult<StatusCode> {
    let txn = state.db.begin_write().await?;
    let event = access.event;
    queries::room_in_event(&*txn, event.id, id)
        .await?
        .delete(&*txn)
        .await?;
    txn.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
