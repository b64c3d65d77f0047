//! Who speaks in a session, in which role and order:
//! `/api/v1/events/{slug}/sessions/{id}/participants[/{participant_id}]`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ModelTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::{MaybeOrganiser, OrganiserOf};
use super::extract::{ApiJson, ApiPath};
use super::{Items, clean, stored};
use crate::db::entities::{participant, session, speaker};
use crate::db::queries;
use crate::domain::vocab::{AttendanceMode, Contribution, ParticipantStatus, Role, SessionStatus};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewParticipant {
    pub speaker_id: i64,
    pub role: Role,
    /// For panelists: the practice or talk presented.
    #[serde(default)]
    pub talk_title: Option<String>,
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
    #[schema(value_type = Option<String>)]
    pub talk_title: Option<Option<String>>,
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
            role: stored(&model.role, "session_participants.role")?,
            contribution: stored(&model.contribution, "session_participants.contribution")?,
            status: stored(&model.status, "session_participants.status")?,
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

fn default_contribution(session: &session::Model, role: Role) -> Contribution {
    if role == Role::VideoMessage {
        Contribution::PreRecorded
    } else if session.attendance == AttendanceMode::Virtual.as_str() {
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
        Err(AppError::NotFound(_)) => {
            return Err(AppError::invalid(
                "speaker_id",
                format!("this event has no speaker {}", input.speaker_id),
            ));
        }
        Err(other) => return Err(other),
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
        role: Set(input.role.as_str().to_owned()),
        talk_title: Set(clean(input.talk_title)),
        position: Set(order),
        contribution: Set(input
            .contribution
            .unwrap_or_else(|| default_contribution(session, input.role))
            .as_str()
            .to_owned()),
        status: Set(input
            .status
            .unwrap_or(ParticipantStatus::Proposed)
            .as_str()
            .to_owned()),
        status_changed_at: Set(now),
        note: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((saved, speaker))
}

#[utoipa::path(get, path = "/api/v1/events/{slug}/sessions/{id}/participants", tag = "programme", params(("slug" = String, Path), ("id" = i64, Path)),
    responses((status = 200, body = Items<ParticipantView>), (status = 404, body = crate::error::Problem)))]
pub async fn list_participants(
    State(state): State<AppState>,
    viewer: MaybeOrganiser,
    ApiPath((slug, id)): ApiPath<(String, i64)>,
) -> AppResult<Json<Items<ParticipantView>>> {
    let db = &state.db.conn;
    let event = queries::event_by_slug(db, &slug).await?;
    let session = queries::session_in_event(db, event.id, id).await?;
    if session.status == SessionStatus::Draft.as_str()
        && !viewer.sees_drafts_of(&state, event.id).await?
    {
        return Err(AppError::NotFound("session"));
    }
    let mut grouped = super::sessions::participants_by_session(db, event.id, &[session.id]).await?;
    Ok(Json(grouped.remove(&session.id).unwrap_or_default().into()))
}

#[utoipa::path(post, path = "/api/v1/events/{slug}/sessions/{id}/participants", tag = "programme", params(("slug" = String, Path), ("id" = i64, Path)),
    request_body = NewParticipant, security(("bearer" = [])),
    responses((status = 201, body = ParticipantView), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_participant(
    State(state): State<AppState>,
    access: OrganiserOf,
    ApiPath((_slug, id)): ApiPath<(String, i64)>,
    ApiJson(input): ApiJson<NewParticipant>,
) -> AppResult<(StatusCode, Json<ParticipantView>)> {
    let txn = state.db.begin_write().await?;
    let event = access.event;
    let session = queries::session_in_event(&*txn, event.id, id).await?;
    let (saved, speaker) = insert_participant(&*txn, &session, input, state.clock.now()).await?;
    txn.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(ParticipantView::new(saved, Some(&speaker))?),
    ))
}

#[utoipa::path(patch, path = "/api/v1/events/{slug}/sessions/{id}/participants/{participant_id}", tag = "programme",
    params(("slug" = String, Path), ("id" = i64, Path), ("participant_id" = i64, Path)), request_body = ParticipantChanges, security(("bearer" = [])),
    responses((status = 200, body = ParticipantView), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update_participant(
    State(state): State<AppState>,
    access: OrganiserOf,
    ApiPath((_slug, id, participant_id)): ApiPath<(String, i64, i64)>,
    ApiJson(changes): ApiJson<ParticipantChanges>,
) -> AppResult<Json<ParticipantView>> {
    let txn = state.db.begin_write().await?;
    let event = access.event;
    let session = queries::session_in_event(&*txn, event.id, id).await?;
    let current = queries::participant_in_session(&*txn, session.id, participant_id).await?;
    let speaker = queries::speaker_in_event(&*txn, event.id, current.speaker_id).await?;
    let mut active: participant::ActiveModel = current.into();
    if let Some(role) = changes.role {
        active.role = Set(role.as_str().to_owned());
    }
    if let Some(title) = changes.talk_title {
        active.talk_title = Set(clean(title));
    }
    if let Some(order) = changes.order {
        active.position = Set(order);
    }
    if let Some(contribution) = changes.contribution {
        active.contribution = Set(contribution.as_str().to_owned());
    }
    if let Some(status) = changes.status {
        active.status = Set(status.as_str().to_owned());
        active.status_changed_at = Set(state.clock.now());
    }
    let saved = active.update(&*txn).await?;
    txn.commit().await?;
    Ok(Json(ParticipantView::new(saved, Some(&speaker))?))
}

#[utoipa::path(delete, path = "/api/v1/events/{slug}/sessions/{id}/participants/{participant_id}", tag = "programme",
    params(("slug" = String, Path), ("id" = i64, Path), ("participant_id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn delete_participant(
    State(state): State<AppState>,
    access: OrganiserOf,
    ApiPath((_slug, id, participant_id)): ApiPath<(String, i64, i64)>,
) -> AppResult<StatusCode> {
    let txn = state.db.begin_write().await?;
    let event = access.event;
    let session = queries::session_in_event(&*txn, event.id, id).await?;
    queries::participant_in_session(&*txn, session.id, participant_id)
        .await?
        .delete(&*txn)
        .await?;
    txn.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
