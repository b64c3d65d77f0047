//! Counters of committed changes, which tell the cache of public reads (`public_reads`) when
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
    /// The payload of the PostgreSQL notification.
    pub fn as_str(self) -> &'static str {
        match self {
            Changed::Anything => "anything",
            Changed::AttendanceOnly => "attendance",
        }
    }

    pub fn from_payload(payload: &str) -> Self {
        match payload {
            "attendance" => Changed::AttendanceOnly,
            // Unknown news is treated as the widest change.
            _ => Changed::Anything,
        }
    }
}

#[derive(Default, Debug)]
pub struct Generations {
    anything: AtomicU64,
    attendance: AtomicU64,
}

impl Generations {
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
            assert_eq!(Changed::from_payload(changed.as_str()), changed);
        }
        assert_eq!(Changed::from_payload(""), Changed::Anything);
    }
}
