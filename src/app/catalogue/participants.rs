//! Who speaks in a session, in which role and order:
//! `/api/v1/events/{slug}/sessions/{id}/participants[/{participant_id}]`.

use crate::app::AppState;
use crate::db::entities::event;
use crate::db::entities::{participant, session, speaker};
use crate::db::error::StoreError;
use crate::db::queries;
use crate::domain::text::Line;
use crate::domain::text::clean;
use crate::domain::vocab::{AttendanceMode, Contribution, ParticipantStatus, Role};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewParticipant {
    pub speaker_id: i64,
    pub role: Role,
    /// For panelists: the practice or talk presented.
    #[serde(default)]
    pub talk_title: Option<Line>,
    /// Printing order within the session; defaults to after the last one.
    #[serde(default)]
    pub order: Option<i32>,
    /// Defaults to `remote` in virtual sessions, `live` otherwise (`pre_recorded` for video messages).
    #[serde(default)]
    pub contribution: Option<Contribution>,
    /// Defaults to `proposed`.
    #[serde(default)]
    pub status: Option<ParticipantStatus>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParticipantChanges {
    pub role: Option<Role>,
    #[serde(default, with = "::serde_with::rust::double_option")]
    pub talk_title: Option<Option<Line>>,
    pub order: Option<i32>,
    pub contribution: Option<Contribution>,
    pub status: Option<ParticipantStatus>,
}

/// The speaker as a programme prints them beside a role.
#[derive(Serialize, ToSchema, Clone)]
pub struct SpeakerSummary {
    pub name: String,
    pub honorific: Option<String>,
    pub position: Option<String>,
    pub organisation: Option<String>,
    pub city: Option<String>,
}

#[derive(Serialize, ToSchema, Clone)]
pub struct ParticipantView {
    pub id: i64,
    pub session_id: i64,
    pub speaker_id: i64,
    pub role: Role,
    pub talk_title: Option<String>,
    pub order: i32,
    pub contribution: Contribution,
    pub status: ParticipantStatus,
    pub status_changed_at: DateTime<Utc>,
    pub speaker: Option<SpeakerSummary>,
}

impl ParticipantView {
    pub fn new(model: participant::Model, speaker: Option<&speaker::Model>) -> AppResult<Self> {
        Ok(ParticipantView {
            role: model.role,
            contribution: model.contribution,
            status: model.status,
            id: model.id,
            session_id: model.session_id,
            speaker_id: model.speaker_id,
            talk_title: model.talk_title,
            order: model.position,
            status_changed_at: model.status_changed_at,
            speaker: speaker.map(|s| SpeakerSummary {
                name: s.name.clone(),
                honorific: s.honorific.clone(),
                position: s.position.clone(),
                organisation: s.organisation.clone(),
                city: s.city.clone(),
            }),
        })
    }
}

pub(crate) fn default_contribution(session: &session::Model, role: Role) -> Contribution {
    if role == Role::VideoMessage {
        Contribution::PreRecorded
    } else if session.attendance == AttendanceMode::Virtual {
        Contribution::Remote
    } else {
        Contribution::Live
    }
}

pub async fn insert_participant(
    db: &impl ConnectionTrait,
    session: &session::Model,
    input: NewParticipant,
    now: DateTime<Utc>,
) -> AppResult<(participant::Model, speaker::Model)> {
    let speaker = match queries::speaker_in_event(db, session.event_id, input.speaker_id).await {
        Ok(speaker) => speaker,
        Err(StoreError::NotFound(_)) => {
            return Err(AppError::invalid(
                "speaker_id",
                format!("this event has no speaker {}", input.speaker_id),
            ));
        }
        Err(other) => return Err(other.into()),
    };
    let order = match input.order {
        Some(order) => order,
        None => {
            let last = participant::Entity::find()
                .filter(participant::Column::SessionId.eq(session.id))
                .order_by_desc(participant::Column::Position)
                .one(db)
                .await?;
            last.map_or(1, |p| p.position + 1)
        }
    };
    let saved = participant::ActiveModel {
        session_id: Set(session.id),
        speaker_id: Set(speaker.id),
        role: Set(input.role),
        talk_title: Set(clean(input.talk_title)),
        position: Set(order),
        contribution: Set(input
            .contribution
            .unwrap_or_else(|| default_contribution(session, input.role))),
        status: Set(input.status.unwrap_or(ParticipantStatus::Proposed)),
        status_changed_at: Set(now),
        note: Set(None),
        created_at: Set(now),
        // Someone added to a session the public already sees appears at the next publication.
        published: Set(!crate::app::publishing::working::is_public(session)),
        withdrawn: Set(false),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((saved, speaker))
}

/// Changes a participant's role, order, talk or status in session `id`.
pub async fn update_participant(
    state: &AppState,
    event: event::Model,
    id: i64,
    participant_id: i64,
    changes: ParticipantChanges,
) -> AppResult<ParticipantView> {
    let txn = state.db.begin_write().await?;
    let session = queries::session_in_event(&*txn, event.id, id).await?;
    let current = queries::participant_in_session(&*txn, session.id, participant_id).await?;
    let speaker = queries::speaker_in_event(&*txn, event.id, current.speaker_id).await?;
    // Someone the public already sees in a public session keeps their published role, order
    // and talk until the next publication; the edit waits in the working copy.
    let staging = current.published && crate::app::publishing::working::is_public(&session);
    let mut target = current.clone().working();
    if let Some(role) = changes.role {
        target.role = role;
    }
    if let Some(title) = changes.talk_title {
        target.talk_title = clean(title);
    }
    if let Some(order) = changes.order {
        target.position = order;
    }
    if let Some(contribution) = changes.contribution {
        target.contribution = contribution;
    }
    let mut active: participant::ActiveModel = current.clone().into();
    if staging {
        let wanted = participant::StagedSlot::of(&target);
        let staged = (wanted != participant::StagedSlot::of(&current))
            .then(|| serde_json::to_string(&wanted))
            .transpose()
            .map_err(|e| AppError::Internal(e.into()))?;
        active.staged.set_if_not_equals(staged);
    } else {
        active.role.set_if_not_equals(target.role);
        active.talk_title.set_if_not_equals(target.talk_title);
        active.position.set_if_not_equals(target.position);
        active.contribution.set_if_not_equals(target.contribution);
    }
    // A speaker's answer is a fact, not a plan: it holds at once.
    if let Some(status) = changes.status {
        active.status = Set(status);
        active.status_changed_at = Set(state.clock.now());
    }
    let saved = if active.is_changed() {
        active.update(&*txn).await?
    } else {
        current
    };
    txn.commit().await?;
    ParticipantView::new(saved.working(), Some(&speaker))
}

/// The line-up of session `id`: the published one, or the working copy for its organisers.
pub async fn list_participants(
    state: &AppState,
    event: &event::Model,
    id: i64,
    organiser_view: bool,
) -> AppResult<Vec<ParticipantView>> {
    let db = &state.db.conn;
    let session = queries::session_in_event(db, event.id, id).await?;
    if !organiser_view && !crate::app::publishing::working::is_public(&session) {
        return Err(AppError::NotFound("session"));
    }
    let edition = queries::Edition::seen_by_organiser(organiser_view);
    let mut grouped =
        crate::app::catalogue::sessions::participants_by_session(db, event.id, &[id], edition)
            .await?;
    Ok(grouped.remove(&id).unwrap_or_default())
}

/// Adds a participant to session `id` (publicly at the next publication if the session is
/// already public).
pub async fn add_participant(
    state: &AppState,
    event: &event::Model,
    id: i64,
    input: NewParticipant,
) -> AppResult<ParticipantView> {
    let txn = state.db.begin_write().await?;
    let session = queries::session_in_event(&*txn, event.id, id).await?;
    let (saved, speaker) = insert_participant(&*txn, &session, input, state.clock.now()).await?;
    txn.commit().await?;
    ParticipantView::new(saved, Some(&speaker))
}

/// Removes a participant from session `id`.
pub async fn remove_participant(
    state: &AppState,
    event: &event::Model,
    id: i64,
    participant_id: i64,
) -> AppResult<()> {
    let txn = state.db.begin_write().await?;
    let session = queries::session_in_event(&*txn, event.id, id).await?;
    let slot = queries::participant_in_session(&*txn, session.id, participant_id).await?;
    if slot.withdrawn {
        return Err(AppError::NotFound("participant"));
    }
    withdraw(&*txn, slot).await?;
    txn.commit().await?;
    Ok(())
}

/// Takes a participant out of the working copy: gone at once if the public never saw them,
/// else still public until the next publication.
pub(crate) async fn withdraw(db: &impl ConnectionTrait, slot: participant::Model) -> AppResult<()> {
    if slot.published {
        let mut active: participant::ActiveModel = slot.into();
        active.withdrawn = Set(true);
        active.update(db).await?;
    } else {
        sea_orm::ModelTrait::delete(slot, db).await?;
    }
    Ok(())
}

/// Adds a person new to the event and gives them a part in session `id`, in one transaction:
/// a refused part leaves no orphan person behind. The console's "new person" form.
pub async fn add_new_person_as_participant(
    state: &AppState,
    event: &event::Model,
    id: i64,
    person: crate::app::catalogue::speakers::NewSpeaker,
    part: NewParticipant,
) -> AppResult<ParticipantView> {
    let txn = state.db.begin_write().await?;
    let now = state.clock.now();
    let session = queries::session_in_event(&*txn, event.id, id).await?;
    let speaker =
        crate::app::catalogue::speakers::insert_speaker(&*txn, event, person, now).await?;
    let part = NewParticipant {
        speaker_id: speaker.id,
        ..part
    };
    let (saved, speaker) = insert_participant(&*txn, &session, part, now).await?;
    txn.commit().await?;
    ParticipantView::new(saved, Some(&speaker))
}
