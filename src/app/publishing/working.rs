//! The organisers' working copy of a published programme. Edits to a session the public already
//! sees are kept in `sessions.staged` until the next publication; the session's own columns
//! keep the published values, so every public reader (programme, feeds, exports, invitations)
//! goes on showing the last published version without knowing staging exists.

use crate::db::entities::session;
use crate::domain::vocab::{AttendanceMode, SessionKind, SessionStatus};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Everything about a session that an organiser edits and the public reads.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkingValues {
    title: String,
    kind: SessionKind,
    kind_label: Option<String>,
    #[serde(default)]
    track: Option<String>,
    #[serde(default)]
    links: Option<serde_json::Value>,
    description: String,
    questions: serde_json::Value,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    attendance: AttendanceMode,
    room_id: Option<i64>,
    online_url: Option<String>,
    capacity: Option<i32>,
    language: String,
    interpretation_languages: serde_json::Value,
    streamed: bool,
    recorded: bool,
    status: SessionStatus,
}

impl WorkingValues {
    fn of(model: &session::Model) -> Self {
        WorkingValues {
            title: model.title.clone(),
            kind: model.kind,
            kind_label: model.kind_label.clone(),
            track: model.track.clone(),
            links: model.links.clone(),
            description: model.description.clone(),
            questions: model.questions.clone(),
            starts_at: model.starts_at,
            ends_at: model.ends_at,
            attendance: model.attendance,
            room_id: model.room_id,
            online_url: model.online_url.clone(),
            capacity: model.capacity,
            language: model.language.clone(),
            interpretation_languages: model.interpretation_languages.clone(),
            streamed: model.streamed,
            recorded: model.recorded,
            status: model.status,
        }
    }

    fn onto(self, model: session::Model) -> session::Model {
        session::Model {
            title: self.title,
            kind: self.kind,
            kind_label: self.kind_label,
            track: self.track,
            links: self.links,
            description: self.description,
            questions: self.questions,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            attendance: self.attendance,
            room_id: self.room_id,
            online_url: self.online_url,
            capacity: self.capacity,
            language: self.language,
            interpretation_languages: self.interpretation_languages,
            streamed: self.streamed,
            recorded: self.recorded,
            status: self.status,
            ..model
        }
    }
}

/// Whether the public already sees this session (published, or cancelled after publication):
/// then edits are staged rather than applied.
pub fn is_public(model: &session::Model) -> bool {
    model.status != SessionStatus::Draft
}

/// The session as organisers are preparing it: its staged values over the published ones.
/// `staged` stays set on the answer, so callers can tell a pending change.
pub fn working_copy(model: session::Model) -> AppResult<session::Model> {
    let Some(staged) = model.staged.as_deref() else {
        return Ok(model);
    };
    let values: WorkingValues = serde_json::from_str(staged).map_err(|e| {
        AppError::Internal(anyhow::anyhow!(
            "unreadable working copy of session {}: {e}",
            model.id
        ))
    })?;
    Ok(values.onto(model))
}

/// What to store in `sessions.staged` so that the working copy reads `working` while the
/// public keeps `published`: nothing when the two agree.
pub fn staged_column(published: &session::Model, working: &session::Model) -> Option<String> {
    let wanted = WorkingValues::of(working);
    (wanted != WorkingValues::of(published))
        .then(|| serde_json::to_string(&wanted).expect("working values serialise"))
}
