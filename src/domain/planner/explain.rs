//! The hard rules by name: which ones a placement breaks, and how to say so to an organiser
//! when they cannot all hold.

use super::candidates::placement_breaks;
use super::{Placement, Problem, ProposalOptions, Violation, day_index};
use crate::domain::vocab::AttendanceMode;
use chrono::Duration;
use serde::Serialize;
use utoipa::ToSchema;

/// One hard rule of the problem.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RuleRef {
    /// The session's attendance mode fits only some days of the day plan.
    DayPlan {
        session_id: i64,
    },
    /// An on-site or hybrid session needs a room with enough seats.
    RoomSeats {
        session_id: i64,
    },
    RoomAvailability {
        room_id: i64,
    },
    SpeakerAvailability {
        person: String,
    },
    Fixed {
        session_id: i64,
    },
    PinnedPublished {
        session_id: i64,
    },
    /// No person in two sessions at once, with the buffer between them.
    PersonOnce {
        person: String,
    },
    /// A room holds one session at a time.
    RoomOnce,
    Ordering {
        before: i64,
        after: i64,
    },
    FirstOfDay {
        session_id: i64,
    },
    LastOfEvent {
        session_id: i64,
    },
}

/// A rule among a set that cannot all hold, in words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct ConflictingRule {
    #[serde(flatten)]
    pub rule: RuleRef,
    pub message: String,
    pub message_fr: String,
}

impl RuleRef {
    /// The rule in English and in French.
    pub fn words(&self, problem: &Problem) -> (String, String) {
        let title = |id: &i64| {
            problem.sessions.iter().find(|s| s.id == *id).map_or_else(
                || format!("session {id}"),
                |s| format!("\u{201c}{}\u{201d}", s.title),
            )
        };
        match self {
            RuleRef::DayPlan { session_id } => {
                let (en, fr) = match problem.sessions.iter().find(|s| s.id == *session_id) {
                    Some(s) if s.attendance == AttendanceMode::Virtual => {
                        ("virtual or hybrid", "virtuel ou hybride")
                    }
                    _ => ("on-site or hybrid", "sur place ou hybride"),
                };
                (
                    format!(
                        "{} can only take place on an {en} day of the day plan.",
                        title(session_id)
                    ),
                    format!(
                        "{} ne peut avoir lieu qu'un jour {fr} du plan des journées.",
                        title(session_id)
                    ),
                )
            }
            RuleRef::RoomSeats { session_id } => {
                let seats = problem
                    .sessions
                    .iter()
                    .find(|s| s.id == *session_id)
                    .and_then(|s| s.seats_needed);
                match seats {
                    Some(n) => (
                        format!(
                            "{} needs a room with at least {n} seats.",
                            title(session_id)
                        ),
                        format!(
                            "{} demande une salle d'au moins {n} places.",
                            title(session_id)
                        ),
                    ),
                    None => (
                        format!("{} needs a room.", title(session_id)),
                        format!("{} demande une salle.", title(session_id)),
                    ),
                }
            }
            RuleRef::RoomAvailability { room_id } => {
                let name = problem
                    .rooms
                    .iter()
                    .find(|r| r.id == *room_id)
                    .map_or_else(|| format!("room {room_id}"), |r| r.name.clone());
                (
                    format!("Room {name} can only be used when it is available."),
                    format!("La salle {name} n'est utilisable que lorsqu'elle est disponible."),
                )
            }
            RuleRef::SpeakerAvailability { person } => (
                format!("{person} speaks only within their availability."),
                format!("{person} n'intervient que dans ses disponibilités."),
            ),
            RuleRef::Fixed { session_id } => (
                format!("{} is fixed where it is.", title(session_id)),
                format!("{} est fixée à sa place.", title(session_id)),
            ),
            RuleRef::PinnedPublished { session_id } => (
                format!(
                    "{} is published and stays at its published place.",
                    title(session_id)
                ),
                format!(
                    "{} est publiée et reste à sa place publiée.",
                    title(session_id)
                ),
            ),
            RuleRef::PersonOnce { person } => (
                format!(
                    "{person} cannot be in two sessions at once (nor without {} minutes between them).",
                    problem.rules.buffer_minutes
                ),
                format!(
                    "{person} ne peut pas être dans deux sessions à la fois (ni sans {} minutes entre elles).",
                    problem.rules.buffer_minutes
                ),
            ),
            RuleRef::RoomOnce => (
                "A room holds one session at a time.".into(),
                "Une salle n'accueille qu'une session à la fois.".into(),
            ),
            RuleRef::Ordering { before, after } => (
                format!("{} ends before {} starts.", title(before), title(after)),
                format!(
                    "{} se termine avant le début de {}.",
                    title(before),
                    title(after)
                ),
            ),
            RuleRef::FirstOfDay { session_id } => (
                format!("{} opens its day.", title(session_id)),
                format!("{} ouvre sa journée.", title(session_id)),
            ),
            RuleRef::LastOfEvent { session_id } => (
                format!("{} closes the event.", title(session_id)),
                format!("{} clôt l'événement.", title(session_id)),
            ),
        }
    }

    pub fn described(self, problem: &Problem) -> ConflictingRule {
        let (message, message_fr) = self.words(problem);
        ConflictingRule {
            rule: self,
            message,
            message_fr,
        }
    }
}

/// Which sessions are pinned: published ones, when the options pin them, whose published place
/// still keeps every other rule of their own. A published session whose speaker is no longer
/// available then is free to move, at the cost of a move.
pub(crate) fn pins(problem: &Problem, options: &ProposalOptions) -> Vec<bool> {
    problem
        .sessions
        .iter()
        .enumerate()
        .map(|(i, s)| {
            options.pin_published
                && s.published
                    .is_some_and(|p| placement_breaks(problem, i, p, false).is_empty())
        })
        .collect()
}

/// The ordering rules (this before that, first of the day, last of the event) `plan` breaks.
pub(crate) fn order_breaks(problem: &Problem, plan: &[Placement]) -> Vec<Violation> {
    let index = |id: i64| problem.sessions.iter().position(|s| s.id == id);
    let start = |i: usize| plan[i].starts_at;
    let end =
        |i: usize| plan[i].starts_at + Duration::minutes(i64::from(problem.sessions[i].minutes));
    let mut broken = Vec::new();
    let mut add = |rule: RuleRef, ids: Vec<i64>| {
        broken.push(Violation {
            message: rule.words(problem).0,
            rule,
            session_ids: ids,
        });
    };
    for rule in &problem.rules.ordering {
        if let (Some(a), Some(b)) = (index(rule.before), index(rule.after))
            && end(a) > start(b)
        {
            add(
                RuleRef::Ordering {
                    before: rule.before,
                    after: rule.after,
                },
                vec![rule.before, rule.after],
            );
        }
    }
    for id in &problem.rules.first_of_day {
        let Some(f) = index(*id) else { continue };
        let day = day_index(problem, start(f));
        let earlier: Vec<i64> = (0..plan.len())
            .filter(|&j| j != f && day_index(problem, start(j)) == day && start(j) < start(f))
            .map(|j| problem.sessions[j].id)
            .collect();
        if !earlier.is_empty() {
            add(
                RuleRef::FirstOfDay { session_id: *id },
                [vec![*id], earlier].concat(),
            );
        }
    }
    if let Some(l) = problem.rules.last_of_event.and_then(index) {
        let later: Vec<i64> = (0..plan.len())
            .filter(|&j| j != l && end(j) > start(l))
            .map(|j| problem.sessions[j].id)
            .collect();
        if !later.is_empty() {
            add(
                RuleRef::LastOfEvent {
                    session_id: problem.sessions[l].id,
                },
                [vec![problem.sessions[l].id], later].concat(),
            );
        }
    }
    broken
}
