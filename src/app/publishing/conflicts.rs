//! `GET /api/v1/events/{slug}/conflicts`: every problem of the programme (drafts included),
//! from the pure checks in `domain::conflicts`.

use crate::app::AppState;
use crate::app::publishing::working::working_copy;
use crate::db::entities::{event, participant, session, speaker};
use crate::db::queries;
use crate::db::queries::Edition;
use crate::domain::conflicts::{
    Conflict, Elsewhere, EventFacts, RoomFacts, SessionFacts, Severity, SlotFacts, find_conflicts,
};
use crate::domain::vocab::SessionStatus;
use crate::error::AppResult;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct ConflictReport {
    pub errors: usize,
    pub warnings: usize,
    pub conflicts: Vec<Conflict>,
}

pub(crate) fn person_key(speaker: &speaker::Model) -> String {
    speaker
        .email
        .as_deref()
        .map(str::to_lowercase)
        .unwrap_or_else(|| format!("speaker-{}", speaker.id))
}

pub async fn conflicts_of(state: &AppState, event: &event::Model) -> AppResult<ConflictReport> {
    conflicts_in(&state.db.conn, event).await
}

/// The conflicts as `db` sees the programme: inside a transaction, with its uncommitted changes.
pub async fn conflicts_in(
    db: &impl ConnectionTrait,
    event: &event::Model,
) -> AppResult<ConflictReport> {
    let mut availability =
        crate::app::catalogue::availability::availability_of_event(db, event.id).await?;
    let rooms: HashMap<i64, RoomFacts> = queries::rooms_of_event(db, event.id)
        .await?
        .into_iter()
        .map(|r| {
            (
                r.id,
                RoomFacts {
                    id: r.id,
                    name: r.name,
                    capacity: r.capacity,
                    available: availability.rooms.remove(&r.id).unwrap_or_default(),
                },
            )
        })
        .collect();
    // The programme as it will be once published: every session's working copy.
    let sessions: Vec<session::Model> = queries::sessions_of_event(db, event.id, true)
        .await?
        .into_iter()
        .map(working_copy)
        .filter(|s| {
            s.as_ref()
                .map_or(true, |s| s.status != SessionStatus::Cancelled)
        })
        .collect::<AppResult<_>>()?;
    let ids: Vec<i64> = sessions.iter().map(|s| s.id).collect();
    let speakers: HashMap<i64, speaker::Model> = queries::speakers_of_event(db, event.id)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let mut slots = Vec::new();
    for p in queries::participants_of_sessions(db, &ids, Edition::Working).await? {
        let Some(person) = speakers.get(&p.speaker_id) else {
            continue;
        };
        slots.push(SlotFacts {
            session_id: p.session_id,
            speaker_id: p.speaker_id,
            person: person_key(person),
            name: person.name.clone(),
            role: p.role,
            contribution: p.contribution,
            status: p.status,
            zone: person.timezone,
            available: availability
                .speakers
                .get(&p.speaker_id)
                .cloned()
                .unwrap_or_default(),
        });
    }
    // The same people (by email) in other events' published sessions.
    let emails: Vec<String> = speakers
        .values()
        .filter_map(|s| s.email.as_deref().map(str::to_lowercase))
        .collect();
    let mut elsewhere = Vec::new();
    if !emails.is_empty() {
        let twins = speaker::Entity::find()
            .filter(speaker::Column::EventId.ne(event.id))
            .filter(speaker::Column::Email.is_not_null())
            .all(db)
            .await?;
        for twin in twins
            .into_iter()
            .filter(|t| emails.contains(&person_key(t)))
        {
            for slot in participant::Entity::find()
                .filter(participant::Column::SpeakerId.eq(twin.id))
                .all(db)
                .await?
            {
                let Some(other) = session::Entity::find_by_id(slot.session_id).one(db).await?
                else {
                    continue;
                };
                if other.status != SessionStatus::Published {
                    continue;
                }
                let other_event = queries::event_for_read(db, other.event_id).await?;
                elsewhere.push(Elsewhere {
                    person: person_key(&twin),
                    event_title: other_event.title,
                    title: other.title,
                    starts_at: other.starts_at,
                    ends_at: other.ends_at,
                });
            }
        }
    }
    let facts: Vec<SessionFacts> = sessions
        .into_iter()
        .map(|s| {
            Ok(SessionFacts {
                attendance: s.attendance,
                room: s.room_id.and_then(|id| rooms.get(&id).cloned()),
                has_link: s.online_url.is_some(),
                id: s.id,
                title: s.title,
                starts_at: s.starts_at,
                ends_at: s.ends_at,
                capacity: s.capacity,
            })
        })
        .collect::<AppResult<_>>()?;
    let event_facts = EventFacts {
        starts_on: event.starts_on,
        ends_on: event.ends_on,
        zone: event.timezone,
    };
    let conflicts = find_conflicts(&event_facts, &facts, &slots, &elsewhere);
    Ok(ConflictReport {
        errors: conflicts
            .iter()
            .filter(|c| c.severity == Severity::Error)
            .count(),
        warnings: conflicts
            .iter()
            .filter(|c| c.severity == Severity::Warning)
            .count(),
        conflicts,
    })
}

/// Refuses with 409, listing them, when error-level conflicts remain among `conflicts` that
/// the organiser did not acknowledge.
pub fn refuse_blocking<'a>(
    conflicts: impl Iterator<Item = &'a Conflict>,
    acknowledged: &[String],
) -> AppResult<()> {
    let blocking: Vec<&Conflict> = conflicts
        .filter(|c| c.severity == Severity::Error)
        .filter(|c| !acknowledged.contains(&c.id))
        .collect();
    if blocking.is_empty() {
        return Ok(());
    }
    Err(crate::error::AppError::Conflict {
        detail: format!(
            "{} error-level conflicts must be solved (or acknowledged by id) before publishing",
            blocking.len()
        ),
        field: None,
        extra: Some(serde_json::json!({ "conflicts": blocking })),
    })
}
