//! What changed about a session, as its attendees' calendars see it. Drives SEQUENCE and the
//! "what changed" line of update emails.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::vocab::{AttendanceMode, SessionStatus};

/// The parts of a session that a calendar entry shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarFacts {
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub attendance: AttendanceMode,
    pub room_id: Option<i64>,
    pub online_url: Option<String>,
    pub status: SessionStatus,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Title,
    Time,
    Place,
    Link,
    Status,
}

impl CalendarFacts {
    pub fn changes_to(&self, after: &CalendarFacts) -> Vec<Change> {
        let mut changes = Vec::new();
        if self.title != after.title {
            changes.push(Change::Title);
        }
        if self.starts_at != after.starts_at || self.ends_at != after.ends_at {
            changes.push(Change::Time);
        }
        if self.room_id != after.room_id || self.attendance != after.attendance {
            changes.push(Change::Place);
        }
        if self.online_url != after.online_url {
            changes.push(Change::Link);
        }
        if self.status != after.status {
            changes.push(Change::Status);
        }
        changes
    }

    /// Whether going from `self` to `after` must raise the calendar SEQUENCE: a change that
    /// people who already hold the published entry must see. Drafts have no audience yet, and
    /// a first publication starts at the current revision.
    pub fn needs_new_revision(&self, after: &CalendarFacts) -> bool {
        self.status != SessionStatus::Draft && !self.changes_to(after).is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn published() -> CalendarFacts {
        CalendarFacts {
            title: "Dialogue".into(),
            starts_at: "2021-12-07T13:00:00Z".parse().unwrap(),
            ends_at: "2021-12-07T14:30:00Z".parse().unwrap(),
            attendance: AttendanceMode::Virtual,
            room_id: None,
            online_url: Some("https://meet.example/a".into()),
            status: SessionStatus::Published,
        }
    }

    #[test]
    fn a_moved_published_session_needs_a_new_revision() {
        let moved = CalendarFacts {
            starts_at: "2021-12-07T13:15:00Z".parse().unwrap(),
            ..published()
        };
        assert_eq!(published().changes_to(&moved), vec![Change::Time]);
        assert!(published().needs_new_revision(&moved));
    }

    #[test]
    fn saving_without_change_keeps_the_revision() {
        assert!(!published().needs_new_revision(&published()));
    }

    #[test]
    fn first_publication_keeps_the_revision_and_cancellation_raises_it() {
        let draft = CalendarFacts {
            status: SessionStatus::Draft,
            ..published()
        };
        assert!(!draft.needs_new_revision(&published()));
        let cancelled = CalendarFacts {
            status: SessionStatus::Cancelled,
            ..published()
        };
        assert!(published().needs_new_revision(&cancelled));
    }
}
