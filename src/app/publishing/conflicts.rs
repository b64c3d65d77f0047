//! `GET /api/v1/events/{slug}/conflicts`: every problem of the programme (drafts included),
//! from the pure checks in `domain::conflicts`.

use crate::app::AppState;
use crate::db::entities::{event, participant, session, speaker};
use crate::db::queries;
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
    let sessions: Vec<session::Model> = queries::sessions_of_event(db, event.id, true)
        .await?
        .into_iter()
        .filter(|s| s.status != SessionStatus::Cancelled)
        .collect();
    let ids: Vec<i64> = sessions.iter().map(|s| s.id).collect();
    let speakers: HashMap<i64, speaker::Model> = queries::speakers_of_event(db, event.id)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let mut slots = Vec::new();
    for p in queries::participants_of_sessions(db, &ids).await? {
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

#[derive(Serialize, ToSchema)]
pub struct Published {
    /// The draft sessions this publication made public.
    pub published: Vec<i64>,
    /// Warnings remain visible to organisers but do not block.
    pub warnings: usize,
    /// The programme version now public (a new one only if something changed).
    pub version: Option<i32>,
    /// What this publication changed in the public programme.
    pub changes: Vec<crate::domain::versions::SessionChange>,
}

/// Refuses with 409, listing them, when error-level conflicts remain among `conflicts`.
pub fn refuse_blocking<'a>(conflicts: impl Iterator<Item = &'a Conflict>) -> AppResult<()> {
    let blocking: Vec<&Conflict> = conflicts
        .filter(|c| c.severity == Severity::Error)
        .collect();
    if blocking.is_empty() {
        return Ok(());
    }
    Err(crate::error::AppError::Conflict {
        detail: format!(
            "{} error-level conflicts must be solved before publishing",
            blocking.len()
        ),
        field: None,
        extra: Some(serde_json::json!({ "conflicts": blocking })),
    })
}

/// Publishes every draft session of the event, unless error-level conflicts remain (409,
/// listing them), and records the new version of the programme.
pub async fn publish(state: &AppState, event_id: i64, publisher_id: i64) -> AppResult<Published> {
    let txn = state.db.begin_write().await?;
    let event = queries::event_for_update(&*txn, event_id).await?;
    let report = conflicts_of(state, &event).await?;
    refuse_blocking(report.conflicts.iter())?;
    let drafts: Vec<i64> = queries::sessions_of_event(&*txn, event.id, true)
        .await?
        .into_iter()
        .filter(|s| s.status == SessionStatus::Draft)
        .map(|s| s.id)
        .collect();
    session::Entity::update_many()
        .col_expr(
            session::Column::Status,
            sea_orm::sea_query::Expr::value(SessionStatus::Published),
        )
        .col_expr(
            session::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(state.clock.now()),
        )
        .filter(session::Column::Id.is_in(drafts.clone()))
        .exec(&*txn)
        .await?;
    let publisher = crate::app::publishing::versions::publisher_email(&*txn, publisher_id).await?;
    let (version, changes) = crate::app::publishing::versions::record_version(
        &*txn,
        &event,
        publisher,
        state.clock.now(),
    )
    .await?;
    txn.commit().await?;
    Ok(Published {
        published: drafts,
        warnings: report.warnings,
        version,
        changes,
    })
}
