//! What is wrong with a programme: clashes of people and rooms, missing rooms or links,
//! sessions outside the event, night-time live contributions, and more. Pure: it looks only at
//! the facts it is given.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use serde::Serialize;

use super::availability::{Window, covers};
use super::vocab::{AttendanceMode, Contribution, ParticipantStatus, Role};
use super::zone::Zone;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConflictKind {
    SpeakerOverlap,
    RoomDoubleBooked,
    OnSiteWithoutRoom,
    VirtualWithoutLink,
    OutsideEventDates,
    CapacityExceedsRoom,
    DeclinedStillListed,
    LiveRemoteAtNight,
    TwoRolesAtOnce,
    NoTransitionTime,
    OutsideAvailability,
    RoomUnavailable,
}

/// Errors stop publication; warnings are for the organisers to judge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Conflict {
    /// Stable while the same rule concerns the same sessions and people, so that an organiser
    /// can acknowledge it when publishing (`speaker_overlap:3+5:2`).
    pub id: String,
    pub kind: ConflictKind,
    pub severity: Severity,
    pub session_ids: Vec<i64>,
    pub speaker_ids: Vec<i64>,
    pub message_fr: String,
    pub message_en: String,
}

pub struct EventFacts {
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub zone: Zone,
}

pub struct SessionFacts {
    pub id: i64,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub attendance: AttendanceMode,
    pub room: Option<RoomFacts>,
    pub has_link: bool,
    pub capacity: Option<i32>,
}

#[derive(Clone)]
pub struct RoomFacts {
    pub id: i64,
    pub name: String,
    pub capacity: Option<i32>,
    /// When the room can be used; empty means any time.
    pub available: Vec<Window>,
}

pub struct SlotFacts {
    pub session_id: i64,
    pub speaker_id: i64,
    /// The same person across events: their lower-cased email, else their speaker id.
    pub person: String,
    pub name: String,
    pub role: Role,
    pub contribution: Contribution,
    pub status: ParticipantStatus,
    pub zone: Zone,
    /// When the person said they can take part; empty means any time.
    pub available: Vec<Window>,
}

/// A session of another event a person of this one also speaks in.
pub struct Elsewhere {
    pub person: String,
    pub event_title: String,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// The shortest gap between a speaker's sessions in different rooms.
pub const TRANSITION: Duration = Duration::minutes(15);

fn overlap(a: (DateTime<Utc>, DateTime<Utc>), b: (DateTime<Utc>, DateTime<Utc>)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

fn conflict(
    kind: ConflictKind,
    severity: Severity,
    sessions: Vec<i64>,
    speakers: Vec<i64>,
    fr: String,
    en: String,
) -> Conflict {
    let joined = |ids: &[i64]| ids.iter().map(i64::to_string).collect::<Vec<_>>().join("+");
    let name = serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    Conflict {
        id: format!("{name}:{}:{}", joined(&sessions), joined(&speakers)),
        kind,
        severity,
        session_ids: sessions,
        speaker_ids: speakers,
        message_fr: fr,
        message_en: en,
    }
}

/// Whether any minute of the span falls between 22:00 and 07:00 in `zone`.
fn touches_night(zone: Zone, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
    let (night_end, night_start) = (
        NaiveTime::from_hms_opt(7, 0, 0).unwrap_or_default(),
        NaiveTime::from_hms_opt(22, 0, 0).unwrap_or_default(),
    );
    let mut at = start;
    while at < end {
        let local = at.with_timezone(&zone.tz()).time();
        if local >= night_start || local < night_end {
            return true;
        }
        at += Duration::minutes(5);
    }
    false
}

/// Every conflict of a programme, in a stable order: each session's own problems, rooms booked
/// twice, declined speakers still listed, then each speaker's problems. One function per rule
/// below; this only walks the programme and applies them.
pub fn find_conflicts(
    event: &EventFacts,
    sessions: &[SessionFacts],
    slots: &[SlotFacts],
    elsewhere: &[Elsewhere],
) -> Vec<Conflict> {
    let dates = EventDates::of(event);
    let session = |id: i64| sessions.iter().find(|s| s.id == id);
    let mut found = Vec::new();
    for s in sessions {
        found.extend(SESSION_RULES.iter().filter_map(|rule| rule(&dates, s)));
    }
    for (i, a) in sessions.iter().enumerate() {
        found.extend(
            sessions[i + 1..]
                .iter()
                .filter_map(|b| room_double_booked(a, b)),
        );
    }
    found.extend(slots.iter().filter_map(declined_still_listed));
    let active: Vec<&SlotFacts> = slots
        .iter()
        .filter(|p| {
            !matches!(
                p.status,
                ParticipantStatus::Declined | ParticipantStatus::Withdrawn
            )
        })
        .collect();
    for (i, a) in active.iter().enumerate() {
        let Some(sa) = session(a.session_id) else {
            continue;
        };
        found.extend(SLOT_RULES.iter().filter_map(|rule| rule(a, sa)));
        for b in active[i + 1..].iter().filter(|b| b.person == a.person) {
            if let Some(sb) = session(b.session_id) {
                found.extend(same_person_twice(a, sa, b, sb));
            }
        }
        found.extend(
            elsewhere
                .iter()
                .filter(|o| o.person == a.person)
                .filter_map(|other| busy_elsewhere(a, sa, other)),
        );
    }
    found
}

/// The event's first and last instants, in its own zone.
struct EventDates<'a> {
    event: &'a EventFacts,
    first_day: Option<DateTime<Utc>>,
    after_last: Option<DateTime<Utc>>,
}

impl<'a> EventDates<'a> {
    fn of(event: &'a EventFacts) -> Self {
        let midnight = |day: NaiveDate| {
            day.and_hms_opt(0, 0, 0)
                .and_then(|d| super::local_time::resolve_local(d, event.zone).ok())
        };
        EventDates {
            event,
            first_day: midnight(event.starts_on),
            after_last: event.ends_on.succ_opt().and_then(midnight),
        }
    }
}

/// The rules about one session on its own, in the order they are reported.
const SESSION_RULES: &[fn(&EventDates, &SessionFacts) -> Option<Conflict>] = &[
    on_site_without_room,
    virtual_without_link,
    outside_event_dates,
    room_unavailable,
    capacity_exceeds_room,
];

fn on_site_without_room(_: &EventDates, s: &SessionFacts) -> Option<Conflict> {
    (s.attendance.has_room() && s.room.is_none()).then(|| {
        conflict(
            ConflictKind::OnSiteWithoutRoom,
            Severity::Error,
            vec![s.id],
            vec![],
            format!("« {} » a lieu sur place mais n'a pas de salle.", s.title),
            format!("\"{}\" is held on site but has no room.", s.title),
        )
    })
}

fn virtual_without_link(_: &EventDates, s: &SessionFacts) -> Option<Conflict> {
    (s.attendance.is_online() && !s.has_link).then(|| {
        conflict(
            ConflictKind::VirtualWithoutLink,
            Severity::Error,
            vec![s.id],
            vec![],
            format!(
                "« {} » est en ligne mais n'a pas de lien de connexion.",
                s.title
            ),
            format!("\"{}\" is online but has no meeting link.", s.title),
        )
    })
}

fn outside_event_dates(dates: &EventDates, s: &SessionFacts) -> Option<Conflict> {
    let outside = dates.first_day.is_some_and(|d| s.starts_at < d)
        || dates.after_last.is_some_and(|d| s.ends_at > d);
    let event = dates.event;
    outside.then(|| {
        conflict(
            ConflictKind::OutsideEventDates,
            Severity::Error,
            vec![s.id],
            vec![],
            format!(
                "« {} » sort des dates de l'événement ({} – {}).",
                s.title, event.starts_on, event.ends_on
            ),
            format!(
                "\"{}\" falls outside the event's dates ({} – {}).",
                s.title, event.starts_on, event.ends_on
            ),
        )
    })
}

fn room_unavailable(_: &EventDates, s: &SessionFacts) -> Option<Conflict> {
    let room = s.room.as_ref()?;
    (!covers(&room.available, s.starts_at, s.ends_at)).then(|| {
        conflict(
            ConflictKind::RoomUnavailable,
            Severity::Error,
            vec![s.id],
            vec![],
            format!(
                "La salle {} n'est pas disponible pour « {} ».",
                room.name, s.title
            ),
            format!("Room {} is not available for \"{}\".", room.name, s.title),
        )
    })
}

fn capacity_exceeds_room(_: &EventDates, s: &SessionFacts) -> Option<Conflict> {
    let (capacity, room) = (s.capacity?, s.room.as_ref()?);
    let seats = room.capacity?;
    (capacity > seats).then(|| {
        conflict(
            ConflictKind::CapacityExceedsRoom,
            Severity::Error,
            vec![s.id],
            vec![],
            format!(
                "« {} » annonce {capacity} places mais la salle {} n'en a que {seats}.",
                s.title, room.name
            ),
            format!(
                "\"{}\" offers {capacity} seats but room {} holds only {seats}.",
                s.title, room.name
            ),
        )
    })
}

fn room_double_booked(a: &SessionFacts, b: &SessionFacts) -> Option<Conflict> {
    let (ra, rb) = (a.room.as_ref()?, b.room.as_ref()?);
    (ra.id == rb.id && overlap((a.starts_at, a.ends_at), (b.starts_at, b.ends_at))).then(|| {
        conflict(
            ConflictKind::RoomDoubleBooked,
            Severity::Error,
            vec![a.id, b.id],
            vec![],
            format!(
                "La salle {} accueille en même temps « {} » et « {} ».",
                ra.name, a.title, b.title
            ),
            format!(
                "Room {} hosts \"{}\" and \"{}\" at the same time.",
                ra.name, a.title, b.title
            ),
        )
    })
}

fn declined_still_listed(p: &SlotFacts) -> Option<Conflict> {
    (p.status == ParticipantStatus::Declined).then(|| {
        conflict(
            ConflictKind::DeclinedStillListed,
            Severity::Warning,
            vec![p.session_id],
            vec![p.speaker_id],
            format!("{} a décliné mais figure encore au programme.", p.name),
            format!("{} declined but is still listed.", p.name),
        )
    })
}

/// The rules about one speaker in one session, in the order they are reported.
const SLOT_RULES: &[fn(&SlotFacts, &SessionFacts) -> Option<Conflict>] =
    &[outside_availability, live_remote_at_night];

fn outside_availability(a: &SlotFacts, sa: &SessionFacts) -> Option<Conflict> {
    (!covers(&a.available, sa.starts_at, sa.ends_at)).then(|| {
        conflict(
            ConflictKind::OutsideAvailability,
            Severity::Error,
            vec![sa.id],
            vec![a.speaker_id],
            format!(
                "{} n'est pas disponible pour « {} » (d'après ses disponibilités).",
                a.name, sa.title
            ),
            format!(
                "{} is not available for \"{}\" (per their availability).",
                a.name, sa.title
            ),
        )
    })
}

fn live_remote_at_night(a: &SlotFacts, sa: &SessionFacts) -> Option<Conflict> {
    (a.contribution == Contribution::Remote && touches_night(a.zone, sa.starts_at, sa.ends_at))
        .then(|| {
            conflict(
                ConflictKind::LiveRemoteAtNight,
                Severity::Warning,
                vec![sa.id],
                vec![a.speaker_id],
                format!(
                    "{} intervient en direct à distance pendant sa nuit ({}).",
                    a.name, a.zone
                ),
                format!(
                    "{} speaks live and remotely during their night ({}).",
                    a.name, a.zone
                ),
            )
        })
}

/// One person in two slots: two roles in one session, two sessions at once, or too little time
/// to change rooms between them.
fn same_person_twice(
    a: &SlotFacts,
    sa: &SessionFacts,
    b: &SlotFacts,
    sb: &SessionFacts,
) -> Option<Conflict> {
    if sa.id == sb.id {
        return Some(conflict(
            ConflictKind::TwoRolesAtOnce,
            Severity::Warning,
            vec![sa.id],
            vec![a.speaker_id],
            format!("{} a deux rôles dans « {} ».", a.name, sa.title),
            format!("{} has two roles in \"{}\".", a.name, sa.title),
        ));
    }
    if overlap((sa.starts_at, sa.ends_at), (sb.starts_at, sb.ends_at)) {
        return Some(conflict(
            ConflictKind::SpeakerOverlap,
            Severity::Error,
            vec![sa.id, sb.id],
            vec![a.speaker_id, b.speaker_id],
            format!(
                "{} est attendu·e en même temps dans « {} » et « {} ».",
                a.name, sa.title, sb.title
            ),
            format!(
                "{} is expected in \"{}\" and \"{}\" at the same time.",
                a.name, sa.title, sb.title
            ),
        ));
    }
    let (ra, rb) = (sa.room.as_ref()?, sb.room.as_ref()?);
    let gap = if sa.ends_at <= sb.starts_at {
        sb.starts_at - sa.ends_at
    } else {
        sa.starts_at - sb.ends_at
    };
    (ra.id != rb.id && gap < TRANSITION).then(|| {
        conflict(
            ConflictKind::NoTransitionTime,
            Severity::Warning,
            vec![sa.id, sb.id],
            vec![a.speaker_id],
            format!(
                "{} n'a que {} min pour passer de {} à {}.",
                a.name,
                gap.num_minutes(),
                ra.name,
                rb.name
            ),
            format!(
                "{} has only {} min to get from {} to {}.",
                a.name,
                gap.num_minutes(),
                ra.name,
                rb.name
            ),
        )
    })
}

fn busy_elsewhere(a: &SlotFacts, sa: &SessionFacts, other: &Elsewhere) -> Option<Conflict> {
    overlap((sa.starts_at, sa.ends_at), (other.starts_at, other.ends_at)).then(|| {
        conflict(
            ConflictKind::SpeakerOverlap,
            Severity::Error,
            vec![sa.id],
            vec![a.speaker_id],
            format!(
                "{} intervient au même moment dans « {} » ({}).",
                a.name, other.title, other.event_title
            ),
            format!(
                "{} also speaks at that time in \"{}\" ({}).",
                a.name, other.title, other.event_title
            ),
        )
    })
}

#[cfg(test)]
mod tests;
