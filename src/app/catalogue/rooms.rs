//! Rooms and venues of an event: `/api/v1/events/{slug}/rooms[/{id}]`.

use crate::db::entities::room;
use crate::domain::text::Line;
use crate::domain::text::Title;
use crate::domain::text::clean;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRoom {
    pub name: Title,
    #[serde(default)]
    pub venue: Option<Line>,
    #[serde(default)]
    pub capacity: Option<u32>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoomChanges {
    pub name: Option<Title>,
    #[serde(default, with = "::serde_with::rust::double_option")]
    pub venue: Option<Option<Line>>,
    #[serde(default, with = "::serde_with::rust::double_option")]
    #[schema(value_type = Option<u32>)]
    pub capacity: Option<Option<u32>>,
}

#[derive(Serialize, ToSchema)]
pub struct RoomView {
    pub id: i64,
    pub name: String,
    pub venue: Option<String>,
    pub capacity: Option<i32>,
}

impl From<room::Model> for RoomView {
    fn from(model: room::Model) -> Self {
        RoomView {
            id: model.id,
            name: model.name,
            venue: model.venue,
            capacity: model.capacity,
        }
    }
}

pub(crate) fn seats(capacity: Option<u32>) -> AppResult<Option<i32>> {
    capacity
        .map(|c| i32::try_from(c).map_err(|_| AppError::invalid("capacity", "is too large")))
        .transpose()
}

pub async fn insert_room(
    db: &impl ConnectionTrait,
    event_id: i64,
    input: NewRoom,
    now: DateTime<Utc>,
) -> AppResult<room::Model> {
    Ok(room::ActiveModel {
        event_id: Set(event_id),
        name: Set(input.name.into_inner()),
        venue: Set(clean(input.venue)),
        capacity: Set(seats(input.capacity)?),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Adds a room to the event: shared by the API and the console.
pub async fn create_room(
    state: &crate::app::AppState,
    event_id: i64,
    input: NewRoom,
) -> AppResult<RoomView> {
    let txn = state.db.begin_write().await?;
    let saved = insert_room(&*txn, event_id, input, state.clock.now()).await?;
    txn.commit().await?;
    Ok(saved.into())
}
