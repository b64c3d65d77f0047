//! The capacity rules: how many seats a session has on site, how many places the event has per
//! mode, and whether a new seat is confirmed or waits.

use crate::db::entities::{attendance, event, registration, room, session};
use crate::domain::seating::{Taken, is_full};
use crate::domain::vocab::Mode;
use crate::domain::vocab::RegistrationStatus;
use crate::domain::vocab::SeatStatus;
use crate::error::AppResult;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

/// Seats a session has for on-site attendees: its own capacity, else its room's; `None` is unlimited.
pub(crate) async fn onsite_capacity(
    db: &impl ConnectionTrait,
    session: &session::Model,
) -> AppResult<Option<i64>> {
    if let Some(capacity) = session.capacity {
        return Ok(Some(i64::from(capacity)));
    }
    Ok(match session.room_id {
        Some(id) => room::Entity::find_by_id(id)
            .one(db)
            .await?
            .and_then(|r| r.capacity)
            .map(i64::from),
        None => None,
    })
}

pub(crate) async fn confirmed_count(
    db: &impl ConnectionTrait,
    session_id: i64,
    mode: Mode,
) -> AppResult<i64> {
    Ok(attendance::Entity::find()
        .filter(attendance::Column::SessionId.eq(session_id))
        .filter(attendance::Column::Mode.eq(mode.as_str()))
        .filter(attendance::Column::Status.eq(SeatStatus::Confirmed))
        .count(db)
        .await? as i64)
}

/// The event-wide limit for `mode` and the active registrations in that mode (every active
/// registration takes a place, seated or waiting), leaving out registration `excluding`.
pub(crate) async fn event_places(
    db: &impl ConnectionTrait,
    event: &event::Model,
    mode: Mode,
    excluding: Option<i64>,
) -> AppResult<Taken> {
    let limit = match mode {
        Mode::OnSite => event.onsite_capacity,
        Mode::Virtual => event.virtual_capacity,
    };
    let Some(limit) = limit else {
        return Ok((None, 0));
    };
    let mut query = registration::Entity::find()
        .filter(registration::Column::EventId.eq(event.id))
        .filter(registration::Column::Status.eq(RegistrationStatus::Active))
        .filter(registration::Column::Attendance.eq(mode.as_str()));
    if let Some(id) = excluding {
        query = query.filter(registration::Column::Id.ne(id));
    }
    Ok((Some(i64::from(limit)), query.count(db).await? as i64))
}

/// A session's on-site seats and how many are confirmed.
pub(crate) async fn onsite_seats(
    db: &impl ConnectionTrait,
    session: &session::Model,
) -> AppResult<Taken> {
    Ok(match onsite_capacity(db, session).await? {
        Some(capacity) => (
            Some(capacity),
            confirmed_count(db, session.id, Mode::OnSite).await?,
        ),
        None => (None, 0),
    })
}

/// Confirmed or waitlisted, deciding for one session under its lock.
pub(crate) async fn seat_status(
    db: &impl ConnectionTrait,
    session: &session::Model,
    mode: Mode,
    event_room: bool,
) -> AppResult<SeatStatus> {
    if !event_room {
        return Ok(SeatStatus::Waitlisted);
    }
    if mode == Mode::Virtual || !is_full(onsite_seats(db, session).await?) {
        return Ok(SeatStatus::Confirmed);
    }
    Ok(SeatStatus::Waitlisted)
}
