//! The lookups the use cases share: each answers `StoreError::NotFound` when the row is missing, and
//! scopes child rows (sessions, speakers, rooms) to their event so ids cannot cross events.

use sea_orm::sea_query::LockType;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use std::collections::HashMap;

use super::entities::{attendance, event, participant, room, session, speaker};
use super::error::{StoreError, StoreResult};
use crate::domain::vocab::SeatStatus;

pub async fn event_by_slug(db: &impl ConnectionTrait, slug: &str) -> StoreResult<event::Model> {
    event::Entity::find()
        .filter(event::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound("event"))
}

pub async fn session_in_event(
    db: &impl ConnectionTrait,
    event_id: i64,
    id: i64,
) -> StoreResult<session::Model> {
    session::Entity::find_by_id(id)
        .filter(session::Column::EventId.eq(event_id))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound("session"))
}

/// Row locks here are `FOR NO KEY UPDATE`: they serialise the writers of a row as `FOR UPDATE`
/// would, but let other transactions insert rows that refer to it (a foreign key check takes a
/// `KEY SHARE` lock). With `FOR UPDATE`, a registration holding its event's row and waiting for a
/// session row deadlocked against a session change holding that session and queueing an email
/// that refers to the event.
pub const ROW_LOCK: LockType = LockType::NoKeyUpdate;

/// The session row locked for the rest of the transaction (on PostgreSQL; SQLite writers are
/// already serialised by the write gate), for updates that derive values from it.
pub async fn session_for_update(
    db: &impl ConnectionTrait,
    event_id: i64,
    id: i64,
) -> StoreResult<session::Model> {
    session::Entity::find_by_id(id)
        .filter(session::Column::EventId.eq(event_id))
        .lock(ROW_LOCK)
        .one(db)
        .await?
        .ok_or(StoreError::NotFound("session"))
}

/// The event named by `slug`, locked for the rest of the transaction.
pub async fn event_by_slug_for_update(
    db: &impl ConnectionTrait,
    slug: &str,
) -> StoreResult<event::Model> {
    event::Entity::find()
        .filter(event::Column::Slug.eq(slug))
        .lock(ROW_LOCK)
        .one(db)
        .await?
        .ok_or(StoreError::NotFound("event"))
}

pub async fn event_for_update(db: &impl ConnectionTrait, id: i64) -> StoreResult<event::Model> {
    event::Entity::find_by_id(id)
        .lock(ROW_LOCK)
        .one(db)
        .await?
        .ok_or(StoreError::NotFound("event"))
}

pub async fn event_for_read(db: &impl ConnectionTrait, id: i64) -> StoreResult<event::Model> {
    event::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(StoreError::NotFound("event"))
}

pub async fn speaker_in_event(
    db: &impl ConnectionTrait,
    event_id: i64,
    id: i64,
) -> StoreResult<speaker::Model> {
    speaker::Entity::find_by_id(id)
        .filter(speaker::Column::EventId.eq(event_id))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound("speaker"))
}

pub async fn room_in_event(
    db: &impl ConnectionTrait,
    event_id: i64,
    id: i64,
) -> StoreResult<room::Model> {
    room::Entity::find_by_id(id)
        .filter(room::Column::EventId.eq(event_id))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound("room"))
}

pub async fn participant_in_session(
    db: &impl ConnectionTrait,
    session_id: i64,
    id: i64,
) -> StoreResult<participant::Model> {
    participant::Entity::find_by_id(id)
        .filter(participant::Column::SessionId.eq(session_id))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound("participant"))
}

/// An event's sessions in time order; only published ones unless `include_drafts`.
pub async fn sessions_of_event(
    db: &impl ConnectionTrait,
    event_id: i64,
    include_drafts: bool,
) -> StoreResult<Vec<session::Model>> {
    let mut query = session::Entity::find().filter(session::Column::EventId.eq(event_id));
    if !include_drafts {
        query = query
            .filter(session::Column::Status.eq(crate::domain::vocab::SessionStatus::Published));
    }
    Ok(query
        .order_by_asc(session::Column::StartsAt)
        .order_by_asc(session::Column::Id)
        .all(db)
        .await?)
}

/// Which line-up to read: the one the public sees, or the organisers' working copy (with
/// participants added since the last publication, without those they removed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edition {
    Published,
    Working,
}

impl Edition {
    /// Organisers read their working copy; everyone else the published programme.
    pub fn seen_by_organiser(organiser: bool) -> Self {
        if organiser {
            Edition::Working
        } else {
            Edition::Published
        }
    }
}

/// The participants of the given sessions, in printing order.
pub async fn participants_of_sessions(
    db: &impl ConnectionTrait,
    session_ids: &[i64],
    edition: Edition,
) -> StoreResult<Vec<participant::Model>> {
    if session_ids.is_empty() {
        return Ok(vec![]);
    }
    let working = matches!(edition, Edition::Working);
    let edition = match edition {
        Edition::Published => participant::Column::Published.eq(true),
        Edition::Working => participant::Column::Withdrawn.eq(false),
    };
    let mut line_up = participant::Entity::find()
        .filter(participant::Column::SessionId.is_in(session_ids.iter().copied()))
        .filter(edition)
        .order_by_asc(participant::Column::SessionId)
        .order_by_asc(participant::Column::Position)
        .order_by_asc(participant::Column::Id)
        .all(db)
        .await?;
    if working {
        // Staged edits read over the published values, and may reorder the line-up.
        line_up = line_up
            .into_iter()
            .map(participant::Model::working)
            .collect();
        line_up.sort_by_key(|p| (p.session_id, p.position, p.id));
    }
    Ok(line_up)
}

pub async fn speakers_of_event(
    db: &impl ConnectionTrait,
    event_id: i64,
) -> StoreResult<Vec<speaker::Model>> {
    Ok(speaker::Entity::find()
        .filter(speaker::Column::EventId.eq(event_id))
        .order_by_asc(speaker::Column::Name)
        .order_by_asc(speaker::Column::Id)
        .all(db)
        .await?)
}

pub async fn rooms_of_event(
    db: &impl ConnectionTrait,
    event_id: i64,
) -> StoreResult<Vec<room::Model>> {
    Ok(room::Entity::find()
        .filter(room::Column::EventId.eq(event_id))
        .order_by_asc(room::Column::Id)
        .all(db)
        .await?)
}

/// How many wait for a seat at each of `session_ids` (sessions nobody waits for are left out).
pub async fn waitlist_lengths(
    db: &impl ConnectionTrait,
    session_ids: &[i64],
) -> StoreResult<HashMap<i64, u64>> {
    let counted: Vec<(i64, i64)> = attendance::Entity::find()
        .select_only()
        .column(attendance::Column::SessionId)
        .column_as(attendance::Column::Id.count(), "waiting")
        .filter(attendance::Column::SessionId.is_in(session_ids.iter().copied()))
        .filter(attendance::Column::Status.eq(SeatStatus::Waitlisted))
        .group_by(attendance::Column::SessionId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(counted
        .into_iter()
        .map(|(session, waiting)| (session, u64::try_from(waiting).unwrap_or(0)))
        .collect())
}
