//! Reminders before sessions: an event's rules ("24 hours before", "15 minutes before") and
//! which reminders are due at a given moment. Pure: the worker in `app::reminders` reads the
//! seats and the clock and asks here.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The longest lead time a rule may take: four weeks.
pub const MAX_MINUTES_BEFORE: u32 = 4 * 7 * 24 * 60;
/// Rules per event: enough for "a week, a day, an hour, a quarter of an hour" and then some.
pub const MAX_RULES: usize = 6;

/// "Remind attendees this many minutes before each session starts."
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReminderRule {
    /// 1 to 40320 (four weeks).
    #[schema(minimum = 1, maximum = 40320)]
    pub minutes_before: u32,
}

impl ReminderRule {
    pub fn lead(self) -> Duration {
        Duration::minutes(i64::from(self.minutes_before))
    }
}

/// Checks a set of rules; the error names the index at fault. Returns them sorted, longest
/// lead first.
pub fn checked_rules(rules: &[ReminderRule]) -> Result<Vec<ReminderRule>, (String, String)> {
    if rules.len() > MAX_RULES {
        return Err((
            "rules".into(),
            format!("at most {MAX_RULES} reminder rules per event"),
        ));
    }
    for (i, rule) in rules.iter().enumerate() {
        if rule.minutes_before == 0 || rule.minutes_before > MAX_MINUTES_BEFORE {
            return Err((
                format!("rules[{i}].minutes_before"),
                format!("must be from 1 to {MAX_MINUTES_BEFORE} minutes (four weeks)"),
            ));
        }
        if rules[..i].contains(rule) {
            return Err((
                format!("rules[{i}].minutes_before"),
                "the same lead time is given twice".into(),
            ));
        }
    }
    let mut sorted = rules.to_vec();
    sorted.sort_by(|a, b| b.cmp(a));
    Ok(sorted)
}

/// Whether the reminder `rule` for a session starting at `starts_at` is due at `now` for a seat
/// given at `seat_given_at`: its time has come, the session has not started, and the seat was
/// held before the reminder's time (someone who registers an hour before is not told "tomorrow").
pub fn is_due(
    rule: ReminderRule,
    starts_at: DateTime<Utc>,
    seat_given_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> bool {
    let due_at = starts_at - rule.lead();
    due_at <= now && now < starts_at && seat_given_at <= due_at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn a_reminder_is_due_from_its_time_until_the_session_starts() {
        let rule = ReminderRule { minutes_before: 15 };
        let starts = at("2021-12-07T13:00:00Z");
        let given = at("2021-11-01T09:00:00Z");
        assert!(!is_due(rule, starts, given, at("2021-12-07T12:44:59Z")));
        assert!(is_due(rule, starts, given, at("2021-12-07T12:45:00Z")));
        assert!(is_due(rule, starts, given, at("2021-12-07T12:59:59Z")));
        assert!(!is_due(rule, starts, given, at("2021-12-07T13:00:00Z")));
    }

    #[test]
    fn a_seat_given_after_the_reminder_time_gets_none() {
        let day = ReminderRule {
            minutes_before: 1440,
        };
        let starts = at("2021-12-07T13:00:00Z");
        assert!(!is_due(
            day,
            starts,
            at("2021-12-07T10:00:00Z"),
            at("2021-12-07T12:00:00Z")
        ));
        assert!(is_due(
            day,
            starts,
            at("2021-12-06T10:00:00Z"),
            at("2021-12-06T13:00:10Z")
        ));
    }

    #[test]
    fn rules_are_checked_and_sorted() {
        let rules = [
            ReminderRule { minutes_before: 15 },
            ReminderRule {
                minutes_before: 1440,
            },
        ];
        assert_eq!(
            checked_rules(&rules).unwrap(),
            vec![
                ReminderRule {
                    minutes_before: 1440
                },
                ReminderRule { minutes_before: 15 }
            ]
        );
        assert_eq!(
            checked_rules(&[ReminderRule { minutes_before: 0 }])
                .unwrap_err()
                .0,
            "rules[0].minutes_before"
        );
        assert_eq!(
            checked_rules(&[rules[0], rules[0]]).unwrap_err().0,
            "rules[1].minutes_before"
        );
    }
}
