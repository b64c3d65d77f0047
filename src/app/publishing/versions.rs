//! The history of an event's published programme: every publication that changed something is
//! kept whole, and any two can be compared.
//! `GET /api/v1/events/{slug}/versions`, `.../versions/{number}`, `.../changelog?from=&to=`.

use crate::app::AppState;
use crate::app::publishing::working::working_copy;
use crate::db::entities::{event, programme_version as version, user};
use crate::db::queries;
use crate::db::queries::Edition;
use crate::domain::versions::{
    SessionChange, SessionSnapshot, Snapshot, SpeakerSnapshot, changelog,
};
use crate::domain::vocab::SessionStatus;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::Deserialize;
use serde::Serialize;
use std::collections::HashMap;
use utoipa::IntoParams;
use utoipa::ToSchema;

/// The public programme as it stands now: published sessions, and cancelled ones (which
/// readers were told about), with rooms and speakers by name.
pub async fn current_snapshot(
    db: &impl ConnectionTrait,
    event: &event::Model,
) -> AppResult<Snapshot> {
    snapshot_of(db, event, Edition::Published).await
}

/// The programme as the organisers' working copy would publish it (drafts included).
pub async fn working_snapshot(
    db: &impl ConnectionTrait,
    event: &event::Model,
) -> AppResult<Snapshot> {
    snapshot_of(db, event, Edition::Working).await
}

async fn snapshot_of(
    db: &impl ConnectionTrait,
    event: &event::Model,
    edition: Edition,
) -> AppResult<Snapshot> {
    let sessions: Vec<_> = queries::sessions_of_event(db, event.id, true)
        .await?
        .into_iter()
        .map(|s| match edition {
            Edition::Working => working_copy(s).map(|mut s| {
                if s.status == SessionStatus::Draft {
                    s.status = SessionStatus::Published;
                }
                s
            }),
            Edition::Published => Ok(s),
        })
        .filter(|s| {
            s.as_ref()
                .map_or(true, |s| s.status != SessionStatus::Draft)
        })
        .collect::<AppResult<_>>()?;
    let ids: Vec<i64> = sessions.iter().map(|s| s.id).collect();
    let rooms: HashMap<i64, String> = queries::rooms_of_event(db, event.id)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    let names: HashMap<i64, String> = queries::speakers_of_event(db, event.id)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let mut speakers: HashMap<i64, Vec<SpeakerSnapshot>> = HashMap::new();
    for p in queries::participants_of_sessions(db, &ids, edition).await? {
        speakers
            .entry(p.session_id)
            .or_default()
            .push(SpeakerSnapshot {
                speaker_id: p.speaker_id,
                name: names.get(&p.speaker_id).cloned().unwrap_or_default(),
                role: p.role,
            });
    }
    Ok(Snapshot {
        sessions: sessions
            .into_iter()
            .map(|s| SessionSnapshot {
                speakers: speakers.remove(&s.id).unwrap_or_default(),
                room: s.room_id.and_then(|id| rooms.get(&id).cloned()),
                id: s.id,
                title: s.title,
                kind: s.kind,
                status: s.status,
                attendance: s.attendance,
                starts_at: s.starts_at,
                ends_at: s.ends_at,
                revision: s.revision,
            })
            .collect(),
    })
}

fn to_json_text(ids: &[String]) -> AppResult<String> {
    serde_json::to_string(ids).map_err(|e| AppError::Internal(e.into()))
}

/// The conflict ids acknowledged when `model` was published.
pub(crate) fn read_acknowledged(model: &version::Model) -> AppResult<Vec<String>> {
    serde_json::from_str(&model.acknowledged).map_err(|e| {
        AppError::Internal(anyhow::anyhow!(
            "unreadable acknowledgements of programme version {}: {e}",
            model.id
        ))
    })
}

pub(crate) fn read_snapshot(model: &version::Model) -> AppResult<Snapshot> {
    serde_json::from_str(&model.snapshot).map_err(|e| {
        AppError::Internal(anyhow::anyhow!(
            "unreadable snapshot of programme version {}: {e}",
            model.id
        ))
    })
}

pub(crate) async fn versions_of(
    db: &impl ConnectionTrait,
    event_id: i64,
) -> AppResult<Vec<version::Model>> {
    Ok(version::Entity::find()
        .filter(version::Column::EventId.eq(event_id))
        .order_by_asc(version::Column::Number)
        .all(db)
        .await?)
}

/// The conflicts the latest version was published despite (each version records them all).
pub async fn acknowledged_before(
    db: &impl ConnectionTrait,
    event_id: i64,
) -> AppResult<Vec<String>> {
    match version::Entity::find()
        .filter(version::Column::EventId.eq(event_id))
        .order_by_desc(version::Column::Number)
        .one(db)
        .await?
    {
        Some(latest) => read_acknowledged(&latest),
        None => Ok(vec![]),
    }
}

/// Records a new version if the public programme differs from the last one. Returns the
/// version now current (None before the first publication) and what changed.
pub async fn record_version(
    db: &impl ConnectionTrait,
    event: &event::Model,
    publisher: Option<String>,
    acknowledged: &[String],
    now: DateTime<Utc>,
) -> AppResult<(Option<i32>, Vec<SessionChange>)> {
    let last = version::Entity::find()
        .filter(version::Column::EventId.eq(event.id))
        .order_by_desc(version::Column::Number)
        .one(db)
        .await?;
    let previous = match &last {
        Some(model) => read_snapshot(model)?,
        None => Snapshot::default(),
    };
    let current = current_snapshot(db, event).await?;
    let changes = changelog(&previous, &current);
    if changes.is_empty() {
        return Ok((last.map(|v| v.number), changes));
    }
    let number = last.map_or(1, |v| v.number + 1);
    version::ActiveModel {
        event_id: Set(event.id),
        number: Set(number),
        published_at: Set(now),
        published_by: Set(publisher),
        snapshot: Set(serde_json::to_string(&current).map_err(|e| AppError::Internal(e.into()))?),
        acknowledged: Set(to_json_text(acknowledged)?),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((Some(number), changes))
}

pub async fn publisher_email(db: &impl ConnectionTrait, user_id: i64) -> AppResult<Option<String>> {
    Ok(user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .map(|u| u.email))
}

#[derive(Serialize, ToSchema)]
pub struct VersionSummary {
    pub number: i32,
    pub published_at: DateTime<Utc>,
    pub published_by: Option<String>,
    /// The error-level conflicts the publisher acknowledged to publish this version.
    pub acknowledged: Vec<String>,
    pub sessions: usize,
    /// How many sessions were added, changed or removed since the version before.
    pub changes: usize,
}

#[derive(Serialize, ToSchema)]
pub struct VersionView {
    pub number: i32,
    pub published_at: DateTime<Utc>,
    pub published_by: Option<String>,
    /// The error-level conflicts the publisher acknowledged to publish this version.
    pub acknowledged: Vec<String>,
    pub programme: Snapshot,
}

pub(crate) async fn version_number(
    db: &impl ConnectionTrait,
    event_id: i64,
    number: i32,
) -> AppResult<version::Model> {
    version::Entity::find()
        .filter(version::Column::EventId.eq(event_id))
        .filter(version::Column::Number.eq(number))
        .one(db)
        .await?
        .ok_or(AppError::NotFound("programme version"))
}

/// Every version of the event's programme, oldest first, with how much each one changed.
pub async fn version_summaries(state: &AppState, event_id: i64) -> AppResult<Vec<VersionSummary>> {
    let mut previous = Snapshot::default();
    let mut items = Vec::new();
    for model in versions_of(&state.db.conn, event_id).await? {
        let snapshot = read_snapshot(&model)?;
        items.push(VersionSummary {
            number: model.number,
            published_at: model.published_at,
            acknowledged: read_acknowledged(&model)?,
            sessions: snapshot.sessions.len(),
            changes: changelog(&previous, &snapshot).len(),
            published_by: model.published_by,
        });
        previous = snapshot;
    }
    Ok(items)
}

pub async fn version_view(state: &AppState, event_id: i64, number: i32) -> AppResult<VersionView> {
    let model = version_number(&state.db.conn, event_id, number).await?;
    Ok(VersionView {
        programme: read_snapshot(&model)?,
        acknowledged: read_acknowledged(&model)?,
        number: model.number,
        published_at: model.published_at,
        published_by: model.published_by,
    })
}

#[derive(Serialize, ToSchema)]
pub struct Changelog {
    pub from: i32,
    pub to: i32,
    pub changes: Vec<SessionChange>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChangelogQuery {
    /// The earlier version; 0 is the empty programme before the first publication.
    /// Default: the version before `to`.
    #[param(minimum = 0)]
    pub from: Option<i32>,
    /// The later version; default: the latest.
    #[param(minimum = 0)]
    pub to: Option<i32>,
}

/// What changed between two published versions (by default the last two).
pub async fn changelog_between(
    state: &AppState,
    event_id: i64,
    query: ChangelogQuery,
) -> AppResult<Changelog> {
    let db = &state.db.conn;
    let latest = versions_of(db, event_id)
        .await?
        .last()
        .map_or(0, |v| v.number);
    let to = query.to.unwrap_or(latest);
    if !(0..=latest).contains(&to) {
        return Err(AppError::invalid(
            "to",
            format!("must be between 0 and the latest version ({latest})"),
        ));
    }
    let from = query.from.unwrap_or((to - 1).max(0));
    if from < 0 || from > to {
        return Err(AppError::invalid(
            "from",
            format!("must be between 0 and to ({to})"),
        ));
    }
    let snapshot_at = |number: i32| async move {
        if number == 0 {
            Ok(Snapshot::default())
        } else {
            read_snapshot(&version_number(db, event_id, number).await?)
        }
    };
    let (before, after) = (snapshot_at(from).await?, snapshot_at(to).await?);
    Ok(Changelog {
        from,
        to,
        changes: changelog(&before, &after),
    })
}
