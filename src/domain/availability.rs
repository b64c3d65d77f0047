//! Availability windows: when a person or a room can be scheduled. No windows means "any time";
//! windows that touch or overlap count as one, so 9–12 and 12–18 cover a 11:30–12:30 session.

use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Window {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// Sorted, with touching or overlapping windows merged.
pub fn merged(windows: &[Window]) -> Vec<Window> {
    let mut sorted = windows.to_vec();
    sorted.sort_by_key(|w| w.starts_at);
    let mut out: Vec<Window> = Vec::with_capacity(sorted.len());
    for w in sorted {
        match out.last_mut() {
            Some(last) if w.starts_at <= last.ends_at => last.ends_at = last.ends_at.max(w.ends_at),
            _ => out.push(w),
        }
    }
    out
}

/// Whether the span lies wholly inside the windows (always true when none were given).
pub fn covers(windows: &[Window], starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> bool {
    windows.is_empty()
        || merged(windows)
            .iter()
            .any(|w| w.starts_at <= starts_at && ends_at <= w.ends_at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(start: &str, end: &str) -> Window {
        Window {
            starts_at: start.parse().unwrap(),
            ends_at: end.parse().unwrap(),
        }
    }

    #[test]
    fn no_windows_means_always_available() {
        assert!(covers(
            &[],
            "2021-12-07T13:00:00Z".parse().unwrap(),
            "2021-12-07T14:30:00Z".parse().unwrap()
        ));
    }

    #[test]
    fn touching_windows_cover_a_session_across_their_seam() {
        let windows = [
            w("2021-12-07T12:00:00Z", "2021-12-07T18:00:00Z"),
            w("2021-12-07T09:00:00Z", "2021-12-07T12:00:00Z"),
        ];
        assert_eq!(merged(&windows).len(), 1);
        assert!(covers(
            &windows,
            "2021-12-07T11:30:00Z".parse().unwrap(),
            "2021-12-07T12:30:00Z".parse().unwrap()
        ));
    }

    #[test]
    fn a_session_sticking_out_of_every_window_is_not_covered() {
        let windows = [
            w("2021-12-07T09:00:00Z", "2021-12-07T11:00:00Z"),
            w("2021-12-07T12:00:00Z", "2021-12-07T18:00:00Z"),
        ];
        assert!(!covers(
            &windows,
            "2021-12-07T10:30:00Z".parse().unwrap(),
            "2021-12-07T12:30:00Z".parse().unwrap()
        ));
        assert!(!covers(
            &windows,
            "2021-12-07T17:30:00Z".parse().unwrap(),
            "2021-12-07T18:30:00Z".parse().unwrap()
        ));
    }
}
