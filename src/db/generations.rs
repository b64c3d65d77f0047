//! Counters of committed changes, which tell the cache of public reads (`http::read_cache`) when
//! its copies are stale. Two kinds: anything that shows in the programme, the feeds or the
//! exports, and attendance only (registrations and seats), which shows only in personal feeds.
//! A registration burst, when a summit is announced, thus leaves the cached programme alone.

use std::sync::atomic::{AtomicU64, Ordering};

/// What a committed write changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Changed {
    /// Events, sessions, people, rooms: anything (the safe default).
    Anything,
    /// Registrations and their seats only.
    AttendanceOnly,
}

impl Changed {
    pub fn as_str(self) -> &'static str {
        match self {
            Changed::Anything => "anything",
            Changed::AttendanceOnly => "attendance",
        }
    }

    /// The payload of a PostgreSQL notification: what changed, and which process changed it.
    pub fn payload(self, origin: &str) -> String {
        format!("{}:{origin}", self.as_str())
    }

    /// What a notification says changed, and where it came from.
    pub fn from_payload(payload: &str) -> (Self, &str) {
        let (what, origin) = payload.split_once(':').unwrap_or((payload, ""));
        let changed = match what {
            "attendance" => Changed::AttendanceOnly,
            // Unknown news is treated as the widest change.
            _ => Changed::Anything,
        };
        (changed, origin)
    }
}

#[derive(Debug)]
pub struct Generations {
    anything: AtomicU64,
    attendance: AtomicU64,
    /// This process's own announced writes, counted from before their commit, so that a
    /// follower can tell other processes' writes from ours (SQLite).
    own_anything: AtomicU64,
    own_attendance: AtomicU64,
    /// Names this process in the notifications it sends (PostgreSQL).
    pub origin: String,
}

impl Default for Generations {
    fn default() -> Self {
        Generations {
            anything: AtomicU64::new(0),
            attendance: AtomicU64::new(0),
            own_anything: AtomicU64::new(0),
            own_attendance: AtomicU64::new(0),
            origin: uuid::Uuid::new_v4().simple().to_string(),
        }
    }
}

impl Generations {
    /// Call before committing a write that others will hear of; `own_write_failed` if the
    /// commit then fails.
    pub fn own_write_started(&self, changed: Changed) {
        self.own_counter(changed).fetch_add(1, Ordering::AcqRel);
    }

    pub fn own_write_failed(&self, changed: Changed) {
        self.own_counter(changed).fetch_sub(1, Ordering::AcqRel);
    }

    /// This process's writes so far: (anything, attendance only).
    pub fn own_writes(&self) -> (u64, u64) {
        (
            self.own_anything.load(Ordering::Acquire),
            self.own_attendance.load(Ordering::Acquire),
        )
    }

    fn own_counter(&self, changed: Changed) -> &AtomicU64 {
        match changed {
            Changed::Anything => &self.own_anything,
            Changed::AttendanceOnly => &self.own_attendance,
        }
    }

    pub fn moved(&self, changed: Changed) {
        match changed {
            Changed::Anything => self.anything.fetch_add(1, Ordering::Release),
            Changed::AttendanceOnly => self.attendance.fetch_add(1, Ordering::Release),
        };
    }

    /// Moves on with every change except attendance-only ones.
    pub fn for_public_reads(&self) -> u64 {
        self.anything.load(Ordering::Acquire)
    }

    /// Moves on with every change (a sum of two counters that only grow).
    pub fn for_personal_reads(&self) -> u64 {
        self.anything.load(Ordering::Acquire) + self.attendance.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attendance_moves_only_the_personal_generation() {
        let generations = Generations::default();
        let (public, personal) = (
            generations.for_public_reads(),
            generations.for_personal_reads(),
        );
        generations.moved(Changed::AttendanceOnly);
        assert_eq!(generations.for_public_reads(), public);
        assert_ne!(generations.for_personal_reads(), personal);
        let personal = generations.for_personal_reads();
        generations.moved(Changed::Anything);
        assert_ne!(generations.for_public_reads(), public);
        assert_ne!(generations.for_personal_reads(), personal);
    }

    #[test]
    fn notification_payloads_round_trip_and_unknown_ones_mean_anything() {
        for changed in [Changed::Anything, Changed::AttendanceOnly] {
            assert_eq!(
                Changed::from_payload(&changed.payload("abc")),
                (changed, "abc")
            );
        }
        assert_eq!(Changed::from_payload(""), (Changed::Anything, ""));
    }
}
