//! Reading times typed by people: either an instant with an explicit offset, or a wall-clock time
//! read in a given zone. Times that do not exist or occur twice in that zone are refused, never guessed.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, LocalResult, NaiveDateTime, Offset, TimeZone, Utc};

use super::text::deserialize_via_from_str;
use super::zone::Zone;

/// What someone typed: `2021-12-07T16:00:00+03:00` (an instant) or `2021-12-07T16:00` (a wall-clock time).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeInput {
    Instant(DateTime<FixedOffset>),
    Local(NaiveDateTime),
}

impl FromStr for TimeInput {
    type Err = String;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let raw = raw.trim();
        if let Ok(instant) = DateTime::parse_from_rfc3339(raw) {
            return Ok(TimeInput::Instant(instant));
        }
        for format in [
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
        ] {
            if let Ok(local) = NaiveDateTime::parse_from_str(raw, format) {
                return Ok(TimeInput::Local(local));
            }
        }
        Err(format!(
            "'{raw}' is neither an RFC 3339 instant with offset (2021-12-07T16:00:00+03:00) \
             nor a local date-time (2021-12-07T16:00)"
        ))
    }
}
deserialize_via_from_str!(TimeInput);

/// Why a wall-clock time cannot be turned into one instant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LocalTimeError {
    /// The clocks jump over this time (spring forward).
    Nonexistent { local: NaiveDateTime, zone: Zone },
    /// The clocks pass this time twice (fall back); the two offsets it could mean.
    Ambiguous {
        local: NaiveDateTime,
        zone: Zone,
        earlier: FixedOffset,
        later: FixedOffset,
    },
}

impl fmt::Display for LocalTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LocalTimeError::Nonexistent { local, zone } => write!(
                f,
                "{} does not exist in {zone}: the clocks skip it when daylight saving time starts; choose another time",
                local.format("%Y-%m-%d %H:%M")
            ),
            LocalTimeError::Ambiguous {
                local,
                zone,
                earlier,
                later,
            } => write!(
                f,
                "{} happens twice in {zone} (at UTC{} and again at UTC{}) when the clocks go back; \
                 give an explicit offset, e.g. {}{} or {}{}",
                local.format("%Y-%m-%d %H:%M"),
                earlier,
                later,
                local.format("%Y-%m-%dT%H:%M:%S"),
                earlier,
                local.format("%Y-%m-%dT%H:%M:%S"),
                later,
            ),
        }
    }
}

impl TimeInput {
    /// The instant meant: an explicit offset is taken as is, a wall-clock time is read in `zone`.
    pub fn resolve(self, zone: Zone) -> Result<DateTime<Utc>, LocalTimeError> {
        match self {
            TimeInput::Instant(instant) => Ok(instant.with_timezone(&Utc)),
            TimeInput::Local(local) => resolve_local(local, zone),
        }
    }
}

/// Reads a wall-clock time in `zone`, refusing gaps and overlaps.
pub fn resolve_local(local: NaiveDateTime, zone: Zone) -> Result<DateTime<Utc>, LocalTimeError> {
    match zone.tz().from_local_datetime(&local) {
        LocalResult::Single(instant) => Ok(instant.with_timezone(&Utc)),
        LocalResult::None => Err(LocalTimeError::Nonexistent { local, zone }),
        LocalResult::Ambiguous(earlier, later) => Err(LocalTimeError::Ambiguous {
            local,
            zone,
            earlier: earlier.offset().fix(),
            later: later.offset().fix(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn zone(name: &str) -> Zone {
        name.parse().unwrap()
    }

    fn local(text: &str) -> TimeInput {
        text.parse().unwrap()
    }

    #[test]
    fn izmir_wall_clock_becomes_utc() {
        let instant = local("2021-12-07T16:00")
            .resolve(zone("Europe/Istanbul"))
            .unwrap();
        assert_eq!(instant.to_rfc3339(), "2021-12-07T13:00:00+00:00");
    }

    #[test]
    fn an_explicit_offset_wins_over_the_zone() {
        let instant = local("2021-12-07T16:00:00+03:00")
            .resolve(zone("America/Toronto"))
            .unwrap();
        assert_eq!(instant.to_rfc3339(), "2021-12-07T13:00:00+00:00");
    }

    #[test]
    fn spring_forward_gaps_are_refused() {
        for (when, name) in [
            ("2026-03-29T02:30", "Europe/Paris"),
            ("2026-03-08T02:30", "America/Toronto"),
            ("2026-10-04T02:30", "Australia/Sydney"),
        ] {
            let err = local(when).resolve(zone(name)).unwrap_err();
            assert!(
                matches!(err, LocalTimeError::Nonexistent { .. }),
                "{when} {name}: {err}"
            );
            assert!(err.to_string().contains("does not exist"));
        }
    }

    #[test]
    fn fall_back_overlaps_are_refused_with_both_offsets() {
        let err = local("2026-10-25T02:30")
            .resolve(zone("Europe/Paris"))
            .unwrap_err();
        assert_eq!(err.to_string().matches("+02:00").count(), 2, "{err}");
        assert!(
            err.to_string().contains("2026-10-25T02:30:00+01:00"),
            "{err}"
        );
        for (when, name) in [
            ("2026-11-01T01:30", "America/Toronto"),
            ("2026-04-05T02:30", "Australia/Sydney"),
        ] {
            let err = local(when).resolve(zone(name)).unwrap_err();
            assert!(
                matches!(err, LocalTimeError::Ambiguous { .. }),
                "{when} {name}: {err}"
            );
        }
    }

    #[test]
    fn an_overlap_time_with_an_offset_is_accepted() {
        let instant = local("2026-10-25T02:30:00+01:00")
            .resolve(zone("Europe/Paris"))
            .unwrap();
        assert_eq!(instant.to_rfc3339(), "2026-10-25T01:30:00+00:00");
    }

    #[test]
    fn garbage_is_explained() {
        let err = "tomorrow at noon".parse::<TimeInput>().unwrap_err();
        assert!(err.contains("RFC 3339"));
    }

    const ZONES: &[&str] = &[
        "Europe/Paris",
        "Europe/Istanbul",
        "America/Toronto",
        "America/Sao_Paulo",
        "Australia/Sydney",
        "Australia/Lord_Howe",
        "Asia/Kolkata",
        "Asia/Kathmandu",
        "America/St_Johns",
        "Pacific/Apia",
        "Pacific/Chatham",
        "Africa/Casablanca",
        "Asia/Tehran",
        "Europe/London",
        "Pacific/Kiritimati",
    ];

    proptest! {
        /// Whatever is typed as a time, in whatever zone, is read or refused: never a panic
        /// (years at chrono's edges, offsets of ±99 hours, garbage).
        #[test]
        fn any_typed_time_is_read_or_refused_without_panicking(
            text in "(-?[0-9]{1,6}-[0-9]{1,2}-[0-9]{1,2}T[0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2})?([+-][0-9]{2}:[0-9]{2}|Z)?)|\\PC{0,40}",
            zone_index in 0..ZONES.len(),
        ) {
            if let Ok(input) = text.parse::<TimeInput>() {
                let _ = input.resolve(zone(ZONES[zone_index]));
            }
        }

        /// Every instant shown as wall-clock time and read back gives the same instant, or is
        /// refused as ambiguous (then one of the two candidates is that instant). Never a wrong one.
        #[test]
        fn wall_clock_round_trips_across_transitions(
            zone_index in 0..ZONES.len(),
            minutes in 0i64..(60 * 24 * 365 * 12),
        ) {
            let zone = zone(ZONES[zone_index]);
            let instant = NaiveDate::from_ymd_opt(2018, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap().and_utc()
                + chrono::Duration::minutes(minutes);
            let wall = instant.with_timezone(&zone.tz()).naive_local();
            match resolve_local(wall, zone) {
                Ok(back) => prop_assert_eq!(back, instant),
                Err(LocalTimeError::Ambiguous { earlier, later, .. }) => {
                    let candidates = [earlier, later].map(|offset| (wall - offset).and_utc());
                    prop_assert!(candidates.contains(&instant));
                }
                Err(other) => prop_assert!(false, "a shown time cannot be nonexistent: {}", other),
            }
        }
    }
}
