//! The places a session could go, as two independent choices the solver combines: a start
//! (every grid time of every day, plus where it is now and where it is published) and a lane (a
//! room, or none). Each option carries its own cost and the rules it would break, so the solver
//! only chooses among them and the explainer can lift a rule by letting its options back in.
//! Keeping time and room apart keeps the model small: starts plus rooms, not starts times rooms.

use super::explain::RuleRef;
use super::{
    Placement, PlanSession, Problem, ZoneHours, day_index, local_instant, unary_cost, weights,
};
use crate::domain::availability::covers;
use chrono::{DateTime, Duration, NaiveTime, Utc};

#[derive(Clone, Debug)]
pub(crate) struct StartOption {
    pub at: DateTime<Utc>,
    /// Minutes from the plan's origin.
    pub minute: i32,
    pub day: i32,
    /// Minutes outside display-zone hours.
    pub display: u32,
    /// Weighted points of the speakers' own hours.
    pub points: u32,
    pub breaks: Vec<RuleRef>,
}

#[derive(Clone, Debug)]
pub(crate) struct LaneOption {
    /// 0: no room needed; 1..=R: that room; above: an on-site session left without a room
    /// (only when its room rule is lifted), one lane of its own.
    pub lane: i32,
    pub room_id: Option<i64>,
    /// Weighted points of a room change.
    pub points: u32,
    pub breaks: Vec<RuleRef>,
}

/// Session `i`'s starts, on the problem's grid.
pub(crate) fn starts_of(
    problem: &Problem,
    hours: &[ZoneHours],
    grid_minutes: u32,
    pinned: bool,
    i: usize,
) -> Vec<StartOption> {
    let session = &problem.sessions[i];
    let tz = problem.zone.tz();
    let origin = super::origin(problem);
    let length = Duration::minutes(i64::from(session.minutes));
    let mut instants = Vec::new();
    for day in &problem.days {
        let Some(midnight) = local_instant(tz, day.date + Duration::days(1), NaiveTime::MIN) else {
            continue;
        };
        let mut minute = 0;
        while minute + session.minutes <= 24 * 60 {
            let time = NaiveTime::MIN + Duration::minutes(i64::from(minute));
            if let Some(at) = local_instant(tz, day.date, time)
                && at + length <= midnight
                && !instants.contains(&at)
            {
                instants.push(at);
            }
            minute += grid_minutes;
        }
    }
    for extra in [Some(session.current), session.published]
        .into_iter()
        .flatten()
    {
        if !instants.contains(&extra.starts_at) {
            instants.push(extra.starts_at);
        }
    }
    instants
        .into_iter()
        .map(|at| {
            let cost = unary_cost(
                problem,
                hours,
                session,
                Placement {
                    starts_at: at,
                    room_id: None,
                },
            );
            StartOption {
                at,
                minute: i32::try_from((at - origin).num_minutes()).unwrap_or(i32::MAX),
                day: day_index(problem, at).map_or(-1, |d| d as i32),
                display: cost.display,
                points: cost.live * weights::LIVE_SPEAKER_MINUTE
                    + cost.recorded * weights::RECORDED_SPEAKER_MINUTE,
                breaks: start_breaks(problem, i, at, pinned),
            }
        })
        .collect()
}

/// The rules a start breaks, whatever the room.
fn start_breaks(problem: &Problem, i: usize, at: DateTime<Utc>, pinned: bool) -> Vec<RuleRef> {
    let session = &problem.sessions[i];
    let mut broken = Vec::new();
    let day = day_index(problem, at);
    let last_minute = at + Duration::minutes(i64::from(session.minutes)) - Duration::minutes(1);
    if !day.is_some_and(|d| problem.days[d].attendance.admits(session.attendance))
        || day_index(problem, last_minute) != day
    {
        broken.push(RuleRef::DayPlan {
            session_id: session.id,
        });
    }
    for part in session.parts.iter().filter(|p| !p.is_recorded()) {
        let person = &problem.people[part.person];
        let rule = RuleRef::SpeakerAvailability {
            person: person.name.clone(),
        };
        if !super::person_available(person, at, session.minutes) && !broken.contains(&rule) {
            broken.push(rule);
        }
    }
    if problem.rules.fixed_sessions.contains(&session.id) && at != session.current.starts_at {
        broken.push(RuleRef::Fixed {
            session_id: session.id,
        });
    }
    if pinned && session.published.is_some_and(|p| p.starts_at != at) {
        broken.push(RuleRef::PinnedPublished {
            session_id: session.id,
        });
    }
    broken
}

/// Session `i`'s lanes: every room for a session held on site, none for a virtual one (which
/// keeps whatever room it has).
pub(crate) fn lanes_of(problem: &Problem, pinned: bool, i: usize) -> Vec<LaneOption> {
    let session = &problem.sessions[i];
    if !session.needs_room() {
        return vec![LaneOption {
            lane: 0,
            room_id: session.current.room_id,
            points: 0,
            breaks: Vec::new(),
        }];
    }
    let mut lanes: Vec<LaneOption> = problem
        .rooms
        .iter()
        .enumerate()
        .map(|(r, room)| {
            let mut breaks = Vec::new();
            if session
                .seats_needed
                .is_some_and(|n| room.seats.is_some_and(|seats| seats < n))
            {
                breaks.push(RuleRef::RoomSeats {
                    session_id: session.id,
                });
            }
            lane_pins(problem, session, Some(room.id), pinned, &mut breaks);
            LaneOption {
                lane: i32::try_from(r + 1).unwrap_or(i32::MAX),
                room_id: Some(room.id),
                points: if session.current.room_id.is_some_and(|id| id != room.id) {
                    weights::ROOM_CHANGE
                } else {
                    0
                },
                breaks,
            }
        })
        .collect();
    let mut roomless = vec![RuleRef::RoomSeats {
        session_id: session.id,
    }];
    lane_pins(problem, session, None, pinned, &mut roomless);
    lanes.push(LaneOption {
        lane: i32::try_from(problem.rooms.len() + 1 + i).unwrap_or(i32::MAX),
        room_id: None,
        points: 0,
        breaks: roomless,
    });
    lanes
}

fn lane_pins(
    problem: &Problem,
    session: &PlanSession,
    room_id: Option<i64>,
    pinned: bool,
    breaks: &mut Vec<RuleRef>,
) {
    if problem.rules.fixed_sessions.contains(&session.id) && session.current.room_id != room_id {
        breaks.push(RuleRef::Fixed {
            session_id: session.id,
        });
    }
    if pinned && session.published.is_some_and(|p| p.room_id != room_id) {
        breaks.push(RuleRef::PinnedPublished {
            session_id: session.id,
        });
    }
}

/// Every rule session `i` at `placement` breaks on its own (`pinned`: its published place is
/// pinned), as the solver's options see it.
pub(crate) fn placement_breaks(
    problem: &Problem,
    i: usize,
    placement: Placement,
    pinned: bool,
) -> Vec<RuleRef> {
    let mut broken = start_breaks(problem, i, placement.starts_at, pinned);
    let lane = lanes_of(problem, pinned, i)
        .into_iter()
        .find(|l| l.room_id == placement.room_id);
    let lane_breaks = match lane {
        Some(lane) => lane.breaks,
        None => vec![RuleRef::RoomSeats {
            session_id: problem.sessions[i].id,
        }],
    };
    if problem.sessions[i].needs_room()
        && let Some(room_id) = placement.room_id
        && !room_free(problem, i, room_id, placement.starts_at)
    {
        broken.push(RuleRef::RoomAvailability { room_id });
    }
    for rule in lane_breaks {
        if !broken.contains(&rule) {
            broken.push(rule);
        }
    }
    broken
}

/// Whether a room is free for the whole session starting `at`.
pub(crate) fn room_free(problem: &Problem, i: usize, room_id: i64, at: DateTime<Utc>) -> bool {
    let session = &problem.sessions[i];
    problem
        .rooms
        .iter()
        .find(|r| r.id == room_id)
        .is_none_or(|room| {
            covers(
                &room.available,
                at,
                at + Duration::minutes(i64::from(session.minutes)),
            )
        })
}

/// The points of a move away from the published place, paid when start or room differs.
pub(crate) fn move_points(session: &PlanSession) -> u32 {
    weights::PUBLISHED_MOVE + session.notified * weights::PERSON_UPDATED
}
