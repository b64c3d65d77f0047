//! The schedule assistant's model: what a programme must respect (hard rules), what makes one
//! placement better than another (soft rules, weighted), and the search for the best plan, done
//! by the Pumpkin constraint solver. Pure: the facts come in as a [`Problem`], the plan goes out
//! as [`Placement`]s; `app::planning` loads the one and stages the other.
//!
//! Times are whole minutes from the plan's origin (local midnight of the event's first day in
//! the event's zone), so that every rule is integer arithmetic the solver can propagate.

mod candidates;
mod explain;
pub mod sample;
mod solver;
#[cfg(test)]
mod tests;

pub use explain::{ConflictingRule, RuleRef};
pub use solver::{Outcome, SearchStatus, SolveStats, propose};

use crate::domain::availability::{Window, covers};
use crate::domain::vocab::{AttendanceMode, Contribution};
use crate::domain::zone::Zone;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;

/// How a day of the event is held: what sessions it can carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DayAttendance {
    Virtual,
    OnSite,
    Hybrid,
    /// A rest or travel day: no session.
    None,
}

impl DayAttendance {
    pub fn of_event(attendance: AttendanceMode) -> Self {
        match attendance {
            AttendanceMode::Virtual => DayAttendance::Virtual,
            AttendanceMode::OnSite => DayAttendance::OnSite,
            AttendanceMode::Hybrid => DayAttendance::Hybrid,
        }
    }

    /// Whether a session held `session`-wise can take place on such a day. A hybrid session
    /// happens in a room and is streamed, so it needs a day with people on site.
    pub fn admits(self, session: AttendanceMode) -> bool {
        match (self, session) {
            (DayAttendance::None, _) => false,
            (DayAttendance::Hybrid, _) => true,
            (DayAttendance::Virtual, mode) => mode == AttendanceMode::Virtual,
            (DayAttendance::OnSite, mode) => mode != AttendanceMode::Virtual,
        }
    }
}

/// One day of the event's day plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanDay {
    #[schema(value_type = String, example = "2021-12-07")]
    pub date: NaiveDate,
    pub attendance: DayAttendance,
}

/// Every day of the event following the event's attendance, except the days `given` names.
/// Refuses a day outside the event or named twice, with the index of the offending entry.
pub fn day_plan(
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    attendance: AttendanceMode,
    given: &[PlanDay],
) -> Result<Vec<PlanDay>, (usize, String)> {
    for (index, day) in given.iter().enumerate() {
        if day.date < starts_on || day.date > ends_on {
            return Err((
                index,
                format!(
                    "{} is not a day of the event ({starts_on} to {ends_on})",
                    day.date
                ),
            ));
        }
        if given[..index].iter().any(|d| d.date == day.date) {
            return Err((index, format!("{} is listed twice", day.date)));
        }
    }
    Ok(starts_on
        .iter_days()
        .take_while(|d| *d <= ends_on)
        .map(|date| {
            given
                .iter()
                .find(|d| d.date == date)
                .copied()
                .unwrap_or(PlanDay {
                    date,
                    attendance: DayAttendance::of_event(attendance),
                })
        })
        .collect())
}

/// "This session ends before that one starts."
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Ordering {
    pub before: i64,
    pub after: i64,
}

/// The organiser's rules for the programme, stored with the event.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SchedulingRules {
    /// Sessions that stay exactly where they are (time and room).
    #[serde(default)]
    pub fixed_sessions: Vec<i64>,
    /// Pairs of sessions: `before` ends no later than `after` starts.
    #[serde(default)]
    pub ordering: Vec<Ordering>,
    /// Sessions that open their day: nothing else starts earlier that day.
    #[serde(default)]
    pub first_of_day: Vec<i64>,
    /// The session that closes the event: every other one has ended when it starts.
    #[serde(default)]
    pub last_of_event: Option<i64>,
    /// Minutes each person has between two of their sessions.
    #[serde(default)]
    pub buffer_minutes: u32,
}

impl SchedulingRules {
    /// Every session id the rules name, with the field that names it.
    pub fn named_sessions(&self) -> Vec<(String, i64)> {
        let mut named = Vec::new();
        for (i, id) in self.fixed_sessions.iter().enumerate() {
            named.push((format!("fixed_sessions[{i}]"), *id));
        }
        for (i, rule) in self.ordering.iter().enumerate() {
            named.push((format!("ordering[{i}].before"), rule.before));
            named.push((format!("ordering[{i}].after"), rule.after));
        }
        for (i, id) in self.first_of_day.iter().enumerate() {
            named.push((format!("first_of_day[{i}]"), *id));
        }
        if let Some(id) = self.last_of_event {
            named.push(("last_of_event".into(), id));
        }
        named
    }

    /// Why these rules cannot be kept, as (field, reason), before any session is looked at.
    pub fn problem(&self) -> Option<(String, String)> {
        if self.buffer_minutes > MAX_BUFFER_MINUTES {
            return Some((
                "buffer_minutes".into(),
                format!("must be at most {MAX_BUFFER_MINUTES}"),
            ));
        }
        if self.fixed_sessions.len() + self.ordering.len() + self.first_of_day.len() > 1000 {
            return Some(("ordering".into(), "at most 1000 rules".into()));
        }
        for (i, rule) in self.ordering.iter().enumerate() {
            if rule.before == rule.after {
                return Some((
                    format!("ordering[{i}].after"),
                    "a session cannot come before itself".into(),
                ));
            }
        }
        None
    }
}

const MAX_BUFFER_MINUTES: u32 = 240;

/// Sociable hours in one zone: sessions followed from there should fall between `from` and `to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ZoneHours {
    pub timezone: Zone,
    #[serde(with = "hour_minute")]
    #[schema(value_type = String, example = "08:00")]
    pub from: NaiveTime,
    #[serde(with = "hour_minute")]
    #[schema(value_type = String, example = "20:00")]
    pub to: NaiveTime,
}

/// A wall-clock time as organisers type it, `08:00`; the reason in words when it is not one.
pub fn hour_minute(raw: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(raw.trim(), "%H:%M")
        .map_err(|_| format!("'{raw}' is not a time like 08:00"))
}

mod hour_minute {
    use chrono::NaiveTime;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(time: &NaiveTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&time.format("%H:%M").to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
        super::hour_minute(&String::deserialize(d)?).map_err(D::Error::custom)
    }
}

/// The hours a person is not asked to work outside of, in their own zone.
pub const SOCIABLE_FROM: (u32, u32) = (8, 0);
pub const SOCIABLE_TO: (u32, u32) = (20, 0);

pub fn sociable_hours(zone: Zone) -> ZoneHours {
    ZoneHours {
        timezone: zone,
        from: NaiveTime::from_hms_opt(SOCIABLE_FROM.0, SOCIABLE_FROM.1, 0).unwrap_or_default(),
        to: NaiveTime::from_hms_opt(SOCIABLE_TO.0, SOCIABLE_TO.1, 0).unwrap_or_default(),
    }
}

/// What the organiser asks of one proposal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ProposalOptions {
    /// Published sessions stay where they are (unless that place now breaks a hard rule).
    pub pin_published: bool,
    /// Sociable hours per display zone; by default 08:00 to 20:00 in each of the event's
    /// display zones.
    pub zone_hours: Option<Vec<ZoneHours>>,
    /// Sessions start on this grid of local times, in minutes.
    pub grid_minutes: u32,
    /// Overrides the rules' buffer between a person's sessions.
    pub buffer_minutes: Option<u32>,
    /// The search stops here with the best plan found and its gap.
    pub time_limit_seconds: u32,
}

impl Default for ProposalOptions {
    fn default() -> Self {
        ProposalOptions {
            pin_published: true,
            zone_hours: None,
            grid_minutes: 15,
            buffer_minutes: None,
            time_limit_seconds: 10,
        }
    }
}

impl ProposalOptions {
    /// Why these options cannot be used, as (field, reason).
    pub fn problem(&self) -> Option<(String, String)> {
        if ![5, 10, 15, 20, 30, 60].contains(&self.grid_minutes) {
            return Some((
                "grid_minutes".into(),
                "must be 5, 10, 15, 20, 30 or 60".into(),
            ));
        }
        if !(1..=300).contains(&self.time_limit_seconds) {
            return Some((
                "time_limit_seconds".into(),
                "must be between 1 and 300".into(),
            ));
        }
        if self.buffer_minutes.is_some_and(|b| b > MAX_BUFFER_MINUTES) {
            return Some((
                "buffer_minutes".into(),
                format!("must be at most {MAX_BUFFER_MINUTES}"),
            ));
        }
        let hours = self.zone_hours.as_deref().unwrap_or_default();
        if hours.len() > 8 {
            return Some(("zone_hours".into(), "at most 8 zones".into()));
        }
        for (i, zone) in hours.iter().enumerate() {
            if zone.from >= zone.to {
                return Some((
                    format!("zone_hours[{i}].to"),
                    "must be later than from".into(),
                ));
            }
            if hours[..i].iter().any(|z| z.timezone == zone.timezone) {
                return Some((
                    format!("zone_hours[{i}].timezone"),
                    "is listed twice".into(),
                ));
            }
        }
        None
    }
}

/// Where a session is: its start and its room (none for virtual sessions).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placement {
    pub starts_at: DateTime<Utc>,
    pub room_id: Option<i64>,
}

#[derive(Clone, Debug)]
pub struct PlanRoom {
    pub id: i64,
    pub name: String,
    pub seats: Option<u32>,
    /// Empty: always available.
    pub available: Vec<Window>,
}

#[derive(Clone, Debug)]
pub struct PlanPerson {
    pub name: String,
    pub zone: Zone,
    /// Empty: always available.
    pub available: Vec<Window>,
}

/// One person's part in a session.
#[derive(Clone, Copy, Debug)]
pub struct Part {
    /// Index into [`Problem::people`].
    pub person: usize,
    pub contribution: Contribution,
}

impl Part {
    /// A pre-recorded message needs neither its author's time nor their presence.
    pub fn is_recorded(&self) -> bool {
        self.contribution == Contribution::PreRecorded
    }
}

#[derive(Clone, Debug)]
pub struct PlanSession {
    pub id: i64,
    pub title: String,
    pub minutes: u32,
    pub attendance: AttendanceMode,
    pub seats_needed: Option<u32>,
    /// Where the working copy has it now.
    pub current: Placement,
    /// Where the published programme has it, for published sessions.
    pub published: Option<Placement>,
    /// How many people (speakers and registrants) would be told if it moved.
    pub notified: u32,
    pub parts: Vec<Part>,
}

impl PlanSession {
    pub fn needs_room(&self) -> bool {
        self.attendance != AttendanceMode::Virtual
    }
}

/// Two sessions with registrants in common.
#[derive(Clone, Copy, Debug)]
pub struct Shared {
    pub a: usize,
    pub b: usize,
    pub attendees: u32,
}

/// Everything the assistant knows about one event.
#[derive(Clone, Debug)]
pub struct Problem {
    pub zone: Zone,
    pub days: Vec<PlanDay>,
    /// Sociable hours used when the options give none: the event's display zones.
    pub display_zones: Vec<Zone>,
    pub rooms: Vec<PlanRoom>,
    pub people: Vec<PlanPerson>,
    pub sessions: Vec<PlanSession>,
    pub shared: Vec<Shared>,
    pub rules: SchedulingRules,
}

/// The weights of the soft rules, in points. Minutes outside display-zone hours are not among
/// them: they are minimised first, so no number of these points can buy one such minute.
pub mod weights {
    /// Per minute a live speaker speaks outside 08:00-20:00 in their own zone.
    pub const LIVE_SPEAKER_MINUTE: u32 = 10;
    /// Per minute a pre-recorded contribution airs outside its author's hours.
    pub const RECORDED_SPEAKER_MINUTE: u32 = 1;
    /// Per published session that moves.
    pub const PUBLISHED_MOVE: u32 = 600;
    /// Per person who would receive an update because a published session moved.
    pub const PERSON_UPDATED: u32 = 30;
    /// Per session in another room than it has now.
    pub const ROOM_CHANGE: u32 = 60;
    /// Per registrant of both of two sessions that overlap.
    pub const SHARED_OVERLAP: u32 = 60;
    /// Per registrant and minute waited between two of their sessions on the same day.
    pub const SHARED_GAP_MINUTE: u32 = 1;
}

/// Only the pairs of sessions with the most registrants in common are weighed.
pub const PAIRS_CONSIDERED: usize = 200;

/// Minutes outside sociable hours in one display zone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct ZoneMinutes {
    pub timezone: Zone,
    pub minutes_outside: u32,
}

/// A plan's soft rules, one by one, and their weighted sum.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Score {
    /// Minutes of sessions outside `zone_hours`, summed over display zones (minimised first).
    pub display_zone_minutes_outside: u32,
    pub display_zones: Vec<ZoneMinutes>,
    /// Minutes live remote speakers speak outside 08:00-20:00 in their own zone.
    pub live_speaker_minutes_outside: u32,
    /// The same for pre-recorded contributions (weighed less).
    pub recorded_speaker_minutes_outside: u32,
    /// Published sessions that would move.
    pub published_sessions_moved: u32,
    /// People who would receive an update about a moved published session.
    pub people_updated: u32,
    /// Sessions in another room than the current plan's.
    pub room_changes: u32,
    /// Registrants of two overlapping sessions, summed over such pairs.
    pub shared_attendee_overlaps: u32,
    /// Minutes registrants wait between two of their sessions on one day, summed.
    pub shared_attendee_gap_minutes: u32,
    /// Everything above but the display-zone minutes, in weighted points (minimised second).
    pub weighted_total: u64,
}

/// A hard rule a plan breaks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Violation {
    #[serde(flatten)]
    pub rule: RuleRef,
    pub session_ids: Vec<i64>,
    pub message: String,
}

/// The parts of a plan's cost that one session's placement decides alone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UnaryCost {
    pub display: u32,
    pub live: u32,
    pub recorded: u32,
    pub moved: bool,
    pub people_updated: u32,
    pub room_change: bool,
}

impl UnaryCost {
    pub fn weighted(&self) -> u32 {
        self.live * weights::LIVE_SPEAKER_MINUTE
            + self.recorded * weights::RECORDED_SPEAKER_MINUTE
            + u32::from(self.moved) * weights::PUBLISHED_MOVE
            + self.people_updated * weights::PERSON_UPDATED
            + u32::from(self.room_change) * weights::ROOM_CHANGE
    }
}

/// The sociable hours a proposal judges display zones by.
pub fn zone_hours_of(problem: &Problem, options: &ProposalOptions) -> Vec<ZoneHours> {
    options.zone_hours.clone().unwrap_or_else(|| {
        problem
            .display_zones
            .iter()
            .map(|z| sociable_hours(*z))
            .collect()
    })
}

/// Minutes of `[starts_at, starts_at + minutes)` outside `hours` on every local day it touches.
pub fn minutes_outside(hours: &ZoneHours, starts_at: DateTime<Utc>, minutes: u32) -> u32 {
    let tz = hours.timezone.tz();
    let ends_at = starts_at + Duration::minutes(i64::from(minutes));
    let first = starts_at.with_timezone(&tz).date_naive();
    let last = ends_at.with_timezone(&tz).date_naive();
    let mut inside = 0;
    for day in first.iter_days().take_while(|d| *d <= last) {
        let (Some(open), Some(close)) = (
            local_instant(tz, day, hours.from),
            local_instant(tz, day, hours.to),
        ) else {
            continue;
        };
        let from = open.max(starts_at);
        let to = close.min(ends_at);
        if to > from {
            inside += (to - from).num_minutes();
        }
    }
    minutes.saturating_sub(u32::try_from(inside).unwrap_or(u32::MAX))
}

/// A wall-clock time on a date in `tz`; the earlier instant when the clocks go back, the
/// first instant after the gap when they go forward.
pub fn local_instant(tz: Tz, day: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    let local = day.and_time(time);
    tz.from_local_datetime(&local)
        .earliest()
        .or_else(|| {
            tz.from_local_datetime(&(local + Duration::hours(1)))
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc))
}

/// The zones' hours a session is judged by: every display zone for a session followed from
/// afar (virtual, hybrid); for an on-site one only the event's zone, at 08:00-20:00 unless
/// `hours` sets it.
pub fn judged_hours(
    problem: &Problem,
    hours: &[ZoneHours],
    session: &PlanSession,
) -> Vec<ZoneHours> {
    if session.attendance != AttendanceMode::OnSite {
        return hours.to_vec();
    }
    let home = hours.iter().find(|z| z.timezone == problem.zone);
    vec![
        home.copied()
            .unwrap_or_else(|| sociable_hours(problem.zone)),
    ]
}

/// What one session's placement costs on its own, judged as the plan's display zones and the
/// session's speakers see it. Sessions followed from afar (virtual, hybrid) are judged in every
/// display zone; on-site ones only where they happen, in the event's zone.
pub fn unary_cost(
    problem: &Problem,
    hours: &[ZoneHours],
    session: &PlanSession,
    placement: Placement,
) -> UnaryCost {
    let display = judged_hours(problem, hours, session)
        .iter()
        .map(|zone| minutes_outside(zone, placement.starts_at, session.minutes))
        .sum();
    let (mut live, mut recorded) = (0, 0);
    for part in &session.parts {
        let remote = session.attendance == AttendanceMode::Virtual
            || matches!(
                part.contribution,
                Contribution::Remote | Contribution::PreRecorded
            );
        if !remote {
            continue;
        }
        let person = &problem.people[part.person];
        let outside = minutes_outside(
            &sociable_hours(person.zone),
            placement.starts_at,
            session.minutes,
        );
        if part.is_recorded() {
            recorded += outside;
        } else {
            live += outside;
        }
    }
    UnaryCost {
        display,
        live,
        recorded,
        ..placement_change(session, placement)
    }
}

/// The part of [`unary_cost`] that depends on where, not when: moves and room changes.
pub(crate) fn placement_change(session: &PlanSession, placement: Placement) -> UnaryCost {
    let moved = session.published.is_some_and(|p| p != placement);
    UnaryCost {
        moved,
        people_updated: if moved { session.notified } else { 0 },
        room_change: session.current.room_id.is_some()
            && placement.room_id.is_some()
            && session.current.room_id != placement.room_id,
        ..UnaryCost::default()
    }
}

/// The index of the plan day a start falls on, in the event's zone.
pub fn day_index(problem: &Problem, starts_at: DateTime<Utc>) -> Option<usize> {
    let date = starts_at.with_timezone(&problem.zone.tz()).date_naive();
    problem.days.iter().position(|d| d.date == date)
}

/// The instant minutes are counted from: local midnight of the event's first day.
pub fn origin(problem: &Problem) -> DateTime<Utc> {
    let first = problem.days.first().map(|d| d.date).unwrap_or_default();
    local_instant(problem.zone.tz(), first, NaiveTime::MIN).unwrap_or_default()
}

/// The hard rules `plan` breaks and its score. `plan` holds one placement per session of the
/// problem, in order. Used to check a proposal before it is applied and to score the current
/// programme beside a proposal.
pub fn evaluate(
    problem: &Problem,
    options: &ProposalOptions,
    plan: &[Placement],
) -> (Vec<Violation>, Score) {
    let hours = zone_hours_of(problem, options);
    let buffer = options
        .buffer_minutes
        .unwrap_or(problem.rules.buffer_minutes);
    let pins = explain::pins(problem, options);
    let mut violations = Vec::new();
    let mut score = Score {
        display_zones: hours
            .iter()
            .map(|z| ZoneMinutes {
                timezone: z.timezone,
                minutes_outside: 0,
            })
            .collect(),
        ..Score::default()
    };
    let ends =
        |i: usize| plan[i].starts_at + Duration::minutes(i64::from(problem.sessions[i].minutes));
    for (i, (session, placement)) in problem.sessions.iter().zip(plan).enumerate() {
        for rule in candidates::placement_breaks(problem, i, *placement, pins[i]) {
            violations.push(Violation {
                message: rule.words(problem).0,
                rule,
                session_ids: vec![session.id],
            });
        }
        let cost = unary_cost(problem, &hours, session, *placement);
        for zone in judged_hours(problem, &hours, session) {
            let minutes = minutes_outside(&zone, placement.starts_at, session.minutes);
            match score
                .display_zones
                .iter_mut()
                .find(|z| z.timezone == zone.timezone)
            {
                Some(slot) => slot.minutes_outside += minutes,
                None => score.display_zones.push(ZoneMinutes {
                    timezone: zone.timezone,
                    minutes_outside: minutes,
                }),
            }
        }
        score.display_zone_minutes_outside += cost.display;
        score.live_speaker_minutes_outside += cost.live;
        score.recorded_speaker_minutes_outside += cost.recorded;
        score.published_sessions_moved += u32::from(cost.moved);
        score.people_updated += cost.people_updated;
        score.room_changes += u32::from(cost.room_change);
        score.weighted_total += u64::from(cost.weighted());
    }
    // No person in two places, with the buffer between their sessions.
    let pad = Duration::minutes(i64::from(buffer));
    for (person, list) in busy_people(problem) {
        for (k, &a) in list.iter().enumerate() {
            for &b in &list[k + 1..] {
                if plan[a].starts_at < ends(b) + pad && plan[b].starts_at < ends(a) + pad {
                    let rule = RuleRef::PersonOnce {
                        person: problem.people[person].name.clone(),
                    };
                    violations.push(Violation {
                        message: rule.words(problem).0,
                        rule,
                        session_ids: vec![problem.sessions[a].id, problem.sessions[b].id],
                    });
                }
            }
        }
    }
    // One session at a time per room.
    for a in 0..plan.len() {
        for b in a + 1..plan.len() {
            if plan[a].room_id.is_some()
                && plan[a].room_id == plan[b].room_id
                && plan[a].starts_at < ends(b)
                && plan[b].starts_at < ends(a)
            {
                let rule = RuleRef::RoomOnce;
                violations.push(Violation {
                    message: rule.words(problem).0,
                    rule,
                    session_ids: vec![problem.sessions[a].id, problem.sessions[b].id],
                });
            }
        }
    }
    violations.extend(explain::order_breaks(problem, plan));
    for pair in problem.shared.iter().take(PAIRS_CONSIDERED) {
        let (a, b) = (pair.a, pair.b);
        if plan[a].starts_at < ends(b) && plan[b].starts_at < ends(a) {
            score.shared_attendee_overlaps += pair.attendees;
            score.weighted_total += u64::from(pair.attendees) * u64::from(weights::SHARED_OVERLAP);
        } else if day_index(problem, plan[a].starts_at) == day_index(problem, plan[b].starts_at) {
            let gap = if plan[a].starts_at < plan[b].starts_at {
                plan[b].starts_at - ends(a)
            } else {
                plan[a].starts_at - ends(b)
            };
            let minutes = u32::try_from(gap.num_minutes()).unwrap_or(0);
            score.shared_attendee_gap_minutes += pair.attendees * minutes;
            score.weighted_total += u64::from(pair.attendees)
                * u64::from(minutes)
                * u64::from(weights::SHARED_GAP_MINUTE);
        }
    }
    (violations, score)
}

/// Each person taking part live in two sessions or more, with those sessions (by index), in
/// person order.
pub(crate) fn busy_people(problem: &Problem) -> Vec<(usize, Vec<usize>)> {
    let mut sessions_of: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, session) in problem.sessions.iter().enumerate() {
        for part in session.parts.iter().filter(|p| !p.is_recorded()) {
            let list = sessions_of.entry(part.person).or_default();
            if !list.contains(&i) {
                list.push(i);
            }
        }
    }
    let mut people: Vec<_> = sessions_of
        .into_iter()
        .filter(|(_, l)| l.len() > 1)
        .collect();
    people.sort();
    people
}

/// Whether a person is available for the whole of a session placed at `placement`.
pub(crate) fn person_available(
    person: &PlanPerson,
    starts_at: DateTime<Utc>,
    minutes: u32,
) -> bool {
    covers(
        &person.available,
        starts_at,
        starts_at + Duration::minutes(i64::from(minutes)),
    )
}
