//! Availability windows of speakers and rooms:
//! `GET|PUT /api/v1/events/{slug}/speakers/{id}/availability` and `.../rooms/{id}/availability`.
//! Windows are typed in the speaker's own zone (rooms: the event's zone) and stored as instants;
//! a PUT replaces the whole list, so a client never has to diff.

use crate::db::entities::availability_window as window;
use crate::domain::availability::{Window, merged};
use crate::domain::local_time::TimeInput;
use crate::domain::zone::Zone;
use crate::error::{AppResult, FieldErrors};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;

/// More windows than this is a mistake, not a schedule.
const MAX_WINDOWS: usize = 100;

#[derive(Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WindowInput {
    /// Local time in the owner's zone (`2021-12-07T09:00`) or an instant with offset.
    pub starts_at: TimeInput,
    pub ends_at: TimeInput,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AvailabilityInput {
    /// The complete list; an empty list means "available at any time".
    pub windows: Vec<WindowInput>,
}

#[derive(Serialize, ToSchema)]
pub struct WindowView {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The same window in the owner's zone, as RFC 3339 with offset.
    pub local_starts_at: String,
    pub local_ends_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct AvailabilityView {
    /// The zone the windows were read in and are shown in.
    pub zone: String,
    pub windows: Vec<WindowView>,
}

/// Reads windows typed in `zone`, naming `{prefix}[i].starts_at` etc. in errors.
pub fn resolve_windows(
    errors: &mut FieldErrors,
    prefix: &str,
    zone: Zone,
    inputs: &[WindowInput],
) -> Vec<Window> {
    if inputs.len() > MAX_WINDOWS {
        errors.add(prefix, format!("at most {MAX_WINDOWS} windows"));
        return vec![];
    }
    let mut windows = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        let start = errors.check(
            &format!("{prefix}[{i}].starts_at"),
            input.starts_at.resolve(zone),
        );
        let end = errors.check(
            &format!("{prefix}[{i}].ends_at"),
            input.ends_at.resolve(zone),
        );
        if let (Some(starts_at), Some(ends_at)) = (start, end) {
            if ends_at <= starts_at {
                errors.add(
                    format!("{prefix}[{i}].ends_at"),
                    format!("must be after starts_at ({})", starts_at.to_rfc3339()),
                );
            } else {
                windows.push(Window { starts_at, ends_at });
            }
        }
    }
    merged(&windows)
}

#[derive(Clone, Copy)]
pub enum Owner {
    Speaker(i64),
    Room(i64),
}

/// Replaces the owner's windows (inside the caller's transaction).
pub async fn replace_windows(
    db: &impl ConnectionTrait,
    event_id: i64,
    owner: Owner,
    windows: &[Window],
) -> AppResult<()> {
    let delete = window::Entity::delete_many().filter(window::Column::EventId.eq(event_id));
    match owner {
        Owner::Speaker(id) => delete.filter(window::Column::SpeakerId.eq(id)),
        Owner::Room(id) => delete.filter(window::Column::RoomId.eq(id)),
    }
    .exec(db)
    .await?;
    for w in windows {
        let (speaker_id, room_id) = match owner {
            Owner::Speaker(id) => (Some(id), None),
            Owner::Room(id) => (None, Some(id)),
        };
        window::ActiveModel {
            event_id: Set(event_id),
            speaker_id: Set(speaker_id),
            room_id: Set(room_id),
            starts_at: Set(w.starts_at),
            ends_at: Set(w.ends_at),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Every window of the event, by speaker and by room.
pub struct EventAvailability {
    pub speakers: HashMap<i64, Vec<Window>>,
    pub rooms: HashMap<i64, Vec<Window>>,
}

pub async fn availability_of_event(
    db: &impl ConnectionTrait,
    event_id: i64,
) -> AppResult<EventAvailability> {
    let mut out = EventAvailability {
        speakers: HashMap::new(),
        rooms: HashMap::new(),
    };
    for w in window::Entity::find()
        .filter(window::Column::EventId.eq(event_id))
        .all(db)
        .await?
    {
        let value = Window {
            starts_at: w.starts_at,
            ends_at: w.ends_at,
        };
        if let Some(id) = w.speaker_id {
            out.speakers.entry(id).or_default().push(value);
        } else if let Some(id) = w.room_id {
            out.rooms.entry(id).or_default().push(value);
        }
    }
    Ok(out)
}

pub(crate) async fn view(
    db: &impl ConnectionTrait,
    event_id: i64,
    owner: Owner,
    zone: Zone,
) -> AppResult<AvailabilityView> {
    let all = availability_of_event(db, event_id).await?;
    let windows = match owner {
        Owner::Speaker(id) => all.speakers.get(&id),
        Owner::Room(id) => all.rooms.get(&id),
    }
    .map(|w| merged(w))
    .unwrap_or_default();
    let tz = zone.tz();
    Ok(AvailabilityView {
        zone: zone.to_string(),
        windows: windows
            .into_iter()
            .map(|w| WindowView {
                starts_at: w.starts_at,
                ends_at: w.ends_at,
                local_starts_at: w.starts_at.with_timezone(&tz).to_rfc3339(),
                local_ends_at: w.ends_at.with_timezone(&tz).to_rfc3339(),
            })
            .collect(),
    })
}

/// The zone an owner's windows are typed and shown in: the speaker's own, the event's for a room.
async fn owner_zone(
    db: &impl ConnectionTrait,
    event: &crate::db::entities::event::Model,
    owner: Owner,
) -> AppResult<Zone> {
    match owner {
        Owner::Speaker(id) => Ok(crate::db::queries::speaker_in_event(db, event.id, id)
            .await?
            .timezone),
        Owner::Room(id) => {
            crate::db::queries::room_in_event(db, event.id, id).await?;
            Ok(event.timezone)
        }
    }
}

/// The owner's windows, in the owner's zone.
pub async fn availability_of(
    state: &crate::app::AppState,
    event: &crate::db::entities::event::Model,
    owner: Owner,
) -> AppResult<AvailabilityView> {
    let zone = owner_zone(&state.db.conn, event, owner).await?;
    view(&state.db.conn, event.id, owner, zone).await
}

/// Replaces the owner's windows, typed in the owner's zone: shared by the API and the console.
pub async fn set_availability(
    state: &crate::app::AppState,
    event: &crate::db::entities::event::Model,
    owner: Owner,
    input: AvailabilityInput,
) -> AppResult<AvailabilityView> {
    let zone = owner_zone(&state.db.conn, event, owner).await?;
    let mut errors = FieldErrors::default();
    let windows = resolve_windows(&mut errors, "windows", zone, &input.windows);
    errors.into_result()?;
    let txn = state.db.begin_write().await?;
    replace_windows(&*txn, event.id, owner, &windows).await?;
    let answer = view(&*txn, event.id, owner, zone).await?;
    txn.commit().await?;
    Ok(answer)
}
