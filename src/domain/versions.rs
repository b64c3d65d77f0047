//! Published versions of a programme and what changed between two of them. A version is the
//! public programme as it stood when published; the changelog compares two, session by session.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::vocab::{AttendanceMode, Role, SessionKind, SessionStatus};

/// The public programme at one publication (no meeting links: versions are for the record).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Snapshot {
    pub sessions: Vec<SessionSnapshot>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SessionSnapshot {
    pub id: i64,
    pub title: String,
    pub kind: SessionKind,
    pub status: SessionStatus,
    pub attendance: AttendanceMode,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub room: Option<String>,
    pub revision: i32,
    pub speakers: Vec<SpeakerSnapshot>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SpeakerSnapshot {
    pub speaker_id: i64,
    pub name: String,
    pub role: Role,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

/// One field of a session that differs, as readable text on both sides.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldChange {
    pub field: &'static str,
    pub before: String,
    pub after: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct SessionChange {
    pub session_id: i64,
    pub title: String,
    pub change: ChangeKind,
    /// For `changed`: the fields that differ.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldChange>,
}

fn speakers_text(speakers: &[SpeakerSnapshot]) -> String {
    speakers
        .iter()
        .map(|s| format!("{} ({})", s.name, s.role))
        .collect::<Vec<_>>()
        .join(", ")
}

fn field_changes(before: &SessionSnapshot, after: &SessionSnapshot) -> Vec<FieldChange> {
    let mut fields = Vec::new();
    let mut compare = |field: &'static str, a: String, b: String| {
        if a != b {
            fields.push(FieldChange {
                field,
                before: a,
                after: b,
            });
        }
    };
    compare("title", before.title.clone(), after.title.clone());
    compare("kind", before.kind.to_string(), after.kind.to_string());
    compare(
        "status",
        before.status.to_string(),
        after.status.to_string(),
    );
    compare(
        "attendance",
        before.attendance.to_string(),
        after.attendance.to_string(),
    );
    compare(
        "starts_at",
        before.starts_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        after.starts_at.to_rfc3339_opts(SecondsFormat::Secs, true),
    );
    compare(
        "ends_at",
        before.ends_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        after.ends_at.to_rfc3339_opts(SecondsFormat::Secs, true),
    );
    compare(
        "room",
        before.room.clone().unwrap_or_default(),
        after.room.clone().unwrap_or_default(),
    );
    compare(
        "speakers",
        speakers_text(&before.speakers),
        speakers_text(&after.speakers),
    );
    fields
}

/// What changed from `before` to `after`, in the order of the later programme, removals last.
pub fn changelog(before: &Snapshot, after: &Snapshot) -> Vec<SessionChange> {
    let mut out = Vec::new();
    for now in &after.sessions {
        match before.sessions.iter().find(|s| s.id == now.id) {
            None => out.push(SessionChange {
                session_id: now.id,
                title: now.title.clone(),
                change: ChangeKind::Added,
                fields: vec![],
            }),
            Some(then) => {
                let fields = field_changes(then, now);
                if !fields.is_empty() {
                    out.push(SessionChange {
                        session_id: now.id,
                        title: now.title.clone(),
                        change: ChangeKind::Changed,
                        fields,
                    });
                }
            }
        }
    }
    for then in &before.sessions {
        if !after.sessions.iter().any(|s| s.id == then.id) {
            out.push(SessionChange {
                session_id: then.id,
                title: then.title.clone(),
                change: ChangeKind::Removed,
                fields: vec![],
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(id: i64, start: &str) -> SessionSnapshot {
        SessionSnapshot {
            id,
            title: format!("Session {id}"),
            kind: SessionKind::Plenary,
            status: SessionStatus::Published,
            attendance: AttendanceMode::Virtual,
            starts_at: start.parse().unwrap(),
            ends_at: start.parse::<DateTime<Utc>>().unwrap() + chrono::Duration::minutes(90),
            room: None,
            revision: 0,
            speakers: vec![SpeakerSnapshot {
                speaker_id: 1,
                name: "Tunç Soyer".into(),
                role: Role::Opening,
            }],
        }
    }

    #[test]
    fn identical_versions_have_an_empty_changelog() {
        let v = Snapshot {
            sessions: vec![session(1, "2021-12-07T13:00:00Z")],
        };
        assert!(changelog(&v, &v).is_empty());
    }

    #[test]
    fn added_moved_and_removed_sessions_are_reported() {
        let before = Snapshot {
            sessions: vec![
                session(1, "2021-12-07T13:00:00Z"),
                session(2, "2021-12-08T13:00:00Z"),
            ],
        };
        let mut moved = session(1, "2021-12-07T14:00:00Z");
        moved.revision = 1;
        moved.speakers.clear();
        let after = Snapshot {
            sessions: vec![moved, session(3, "2021-12-09T09:00:00Z")],
        };
        let log = changelog(&before, &after);
        let summary: Vec<(i64, ChangeKind)> =
            log.iter().map(|c| (c.session_id, c.change)).collect();
        assert_eq!(
            summary,
            [
                (1, ChangeKind::Changed),
                (3, ChangeKind::Added),
                (2, ChangeKind::Removed)
            ]
        );
        let fields: Vec<&str> = log[0].fields.iter().map(|f| f.field).collect();
        assert_eq!(fields, ["starts_at", "ends_at", "speakers"]);
        assert_eq!(log[0].fields[2].before, "Tunç Soyer (opening)");
        assert_eq!(log[0].fields[2].after, "");
    }
}
