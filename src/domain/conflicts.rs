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
    Conflict {
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

pub fn find_conflicts(
    event: &EventFacts,
    sessions: &[SessionFacts],
    slots: &[SlotFacts],
    elsewhere: &[Elsewhere],
) -> Vec<Conflict> {
    let mut found = Vec::new();
    let session = |id: i64| sessions.iter().find(|s| s.id == id);
    let first_day = event
        .starts_on
        .and_hms_opt(0, 0, 0)
        .and_then(|d| super::local_time::resolve_local(d, event.zone).ok());
    let after_last = event
        .ends_on
        .succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|d| super::local_time::resolve_local(d, event.zone).ok());

    for s in sessions {
        if s.attendance.has_room() && s.room.is_none() {
            found.push(conflict(
                ConflictKind::OnSiteWithoutRoom,
                Severity::Error,
                vec![s.id],
                vec![],
                format!("« {} » a lieu sur place mais n'a pas de salle.", s.title),
                format!("\"{}\" is held on site but has no room.", s.title),
            ));
        }
        if s.attendance.is_online() && !s.has_link {
            found.push(conflict(
                ConflictKind::VirtualWithoutLink,
                Severity::Error,
                vec![s.id],
                vec![],
                format!(
                    "« {} » est en ligne mais n'a pas de lien de connexion.",
                    s.title
                ),
                format!("\"{}\" is online but has no meeting link.", s.title),
            ));
        }
        if first_day.is_some_and(|d| s.starts_at < d) || after_last.is_some_and(|d| s.ends_at > d) {
            found.push(conflict(
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
            ));
        }
        if let Some(room) = &s.room
            && !covers(&room.available, s.starts_at, s.ends_at)
        {
            found.push(conflict(
                ConflictKind::RoomUnavailable,
                Severity::Error,
                vec![s.id],
                vec![],
                format!(
                    "La salle {} n'est pas disponible pour « {} ».",
                    room.name, s.title
                ),
                format!("Room {} is not available for \"{}\".", room.name, s.title),
            ));
        }
        if let (Some(capacity), Some(room)) = (s.capacity, &s.room)
            && let Some(seats) = room.capacity
            && capacity > seats
        {
            found.push(conflict(
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
            ));
        }
    }
    for (i, a) in sessions.iter().enumerate() {
        for b in &sessions[i + 1..] {
            if let (Some(ra), Some(rb)) = (&a.room, &b.room)
                && ra.id == rb.id
                && overlap((a.starts_at, a.ends_at), (b.starts_at, b.ends_at))
            {
                found.push(conflict(
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
                ));
            }
        }
    }

    let active: Vec<&SlotFacts> = slots
        .iter()
        .filter(|p| {
            !matches!(
                p.status,
                ParticipantStatus::Declined | ParticipantStatus::Withdrawn
            )
        })
        .collect();
    for p in slots
        .iter()
        .filter(|p| p.status == ParticipantStatus::Declined)
    {
        found.push(conflict(
            ConflictKind::DeclinedStillListed,
            Severity::Warning,
            vec![p.session_id],
            vec![p.speaker_id],
            format!("{} a décliné mais figure encore au programme.", p.name),
            format!("{} declined but is still listed.", p.name),
        ));
    }
    for (i, a) in active.iter().enumerate() {
        let Some(sa) = session(a.session_id) else {
            continue;
        };
        if !covers(&a.available, sa.starts_at, sa.ends_at) {
            found.push(conflict(
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
            ));
        }
        if a.contribution == Contribution::Remote && touches_night(a.zone, sa.starts_at, sa.ends_at)
        {
            found.push(conflict(
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
            ));
        }
        for b in &active[i + 1..] {
            if a.person != b.person {
                continue;
            }
            let Some(sb) = session(b.session_id) else {
                continue;
            };
            if sa.id == sb.id {
                found.push(conflict(
                    ConflictKind::TwoRolesAtOnce,
                    Severity::Warning,
                    vec![sa.id],
                    vec![a.speaker_id],
                    format!("{} a deux rôles dans « {} ».", a.name, sa.title),
                    format!("{} has two roles in \"{}\".", a.name, sa.title),
                ));
            } else if overlap((sa.starts_at, sa.ends_at), (sb.starts_at, sb.ends_at)) {
                found.push(conflict(
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
            } else if let (Some(ra), Some(rb)) = (&sa.room, &sb.room) {
                let gap = if sa.ends_at <= sb.starts_at {
                    sb.starts_at - sa.ends_at
                } else {
                    sa.starts_at - sb.ends_at
                };
                if ra.id != rb.id && gap < TRANSITION {
                    found.push(conflict(
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
                    ));
                }
            }
        }
        for other in elsewhere.iter().filter(|o| o.person == a.person) {
            if overlap((sa.starts_at, sa.ends_at), (other.starts_at, other.ends_at)) {
                found.push(conflict(
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
                ));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn event() -> EventFacts {
        EventFacts {
            starts_on: "2021-12-07".parse().unwrap(),
            ends_on: "2021-12-10".parse().unwrap(),
            zone: "Europe/Istanbul".parse().unwrap(),
        }
    }

    fn hall() -> RoomFacts {
        RoomFacts {
            id: 1,
            name: "Hall".into(),
            capacity: Some(100),
            available: vec![],
        }
    }

    fn session(id: i64, start: &str, end: &str, room: Option<RoomFacts>) -> SessionFacts {
        SessionFacts {
            id,
            title: format!("S{id}"),
            starts_at: at(start),
            ends_at: at(end),
            attendance: AttendanceMode::OnSite,
            room,
            has_link: false,
            capacity: None,
        }
    }

    fn slot(
        session_id: i64,
        speaker_id: i64,
        person: &str,
        zone: &str,
        contribution: Contribution,
    ) -> SlotFacts {
        SlotFacts {
            session_id,
            speaker_id,
            person: person.into(),
            name: person.into(),
            role: Role::Panelist,
            contribution,
            status: ParticipantStatus::Confirmed,
            zone: zone.parse().unwrap(),
            available: vec![],
        }
    }

    fn kinds(found: &[Conflict]) -> Vec<ConflictKind> {
        found.iter().map(|c| c.kind).collect()
    }

    #[test]
    fn a_clean_programme_has_no_conflict() {
        let sessions = [
            session(
                1,
                "2021-12-10T11:30:00Z",
                "2021-12-10T12:00:00Z",
                Some(hall()),
            ),
            session(
                2,
                "2021-12-10T12:00:00Z",
                "2021-12-10T13:00:00Z",
                Some(hall()),
            ),
        ];
        let slots = [
            slot(1, 1, "a", "Europe/Istanbul", Contribution::Live),
            slot(2, 1, "a", "Europe/Istanbul", Contribution::Live),
        ];
        assert!(find_conflicts(&event(), &sessions, &slots, &[]).is_empty());
    }

    #[test]
    fn rooms_people_links_and_dates_are_checked() {
        let mut online = session(3, "2021-12-07T13:00:00Z", "2021-12-07T14:30:00Z", None);
        online.attendance = AttendanceMode::Virtual;
        let mut big = session(
            4,
            "2021-12-11T10:00:00Z",
            "2021-12-11T11:00:00Z",
            Some(hall()),
        );
        big.capacity = Some(500);
        let sessions = [
            session(
                1,
                "2021-12-10T11:00:00Z",
                "2021-12-10T12:00:00Z",
                Some(hall()),
            ),
            session(
                2,
                "2021-12-10T11:30:00Z",
                "2021-12-10T12:30:00Z",
                Some(hall()),
            ),
            online,
            big,
            session(5, "2021-12-09T10:00:00Z", "2021-12-09T11:00:00Z", None),
        ];
        let slots = [
            slot(1, 1, "a", "Europe/Istanbul", Contribution::Live),
            slot(2, 1, "a", "Europe/Istanbul", Contribution::Live),
        ];
        let found = find_conflicts(&event(), &sessions, &slots, &[]);
        let kinds = kinds(&found);
        for expected in [
            ConflictKind::RoomDoubleBooked,
            ConflictKind::SpeakerOverlap,
            ConflictKind::VirtualWithoutLink,
            ConflictKind::OutsideEventDates,
            ConflictKind::CapacityExceedsRoom,
            ConflictKind::OnSiteWithoutRoom,
        ] {
            assert!(
                kinds.contains(&expected),
                "{expected:?} missing from {kinds:?}"
            );
        }
        assert!(found.iter().all(|c| c.severity == Severity::Error));
        assert!(
            found
                .iter()
                .all(|c| !c.message_fr.is_empty() && !c.message_en.is_empty())
        );
    }

    #[test]
    fn speakers_get_warnings_for_nights_two_roles_declines_and_short_transitions() {
        let side = RoomFacts {
            id: 2,
            name: "Side room".into(),
            capacity: None,
            available: vec![],
        };
        let sessions = [
            session(
                1,
                "2021-12-08T16:15:00Z",
                "2021-12-08T17:30:00Z",
                Some(hall()),
            ),
            session(
                2,
                "2021-12-08T17:35:00Z",
                "2021-12-08T18:00:00Z",
                Some(side),
            ),
        ];
        let mut declined = slot(2, 3, "c", "Europe/Paris", Contribution::Live);
        declined.status = ParticipantStatus::Declined;
        let slots = [
            // 16:15 UTC is 1:15 in Tokyo.
            slot(1, 1, "tokyo", "Asia/Tokyo", Contribution::Remote),
            slot(1, 2, "b", "Europe/Paris", Contribution::Live),
            slot(1, 2, "b", "Europe/Paris", Contribution::Live),
            slot(2, 2, "b", "Europe/Paris", Contribution::Live),
            declined,
            // A video message recorded beforehand is never a night-time problem.
            slot(1, 4, "recorded", "Asia/Tokyo", Contribution::PreRecorded),
        ];
        let found = find_conflicts(&event(), &sessions, &slots, &[]);
        let kinds = kinds(&found);
        assert_eq!(
            kinds
                .iter()
                .filter(|k| **k == ConflictKind::LiveRemoteAtNight)
                .count(),
            1
        );
        assert!(kinds.contains(&ConflictKind::TwoRolesAtOnce));
        assert!(kinds.contains(&ConflictKind::DeclinedStillListed));
        assert!(kinds.contains(&ConflictKind::NoTransitionTime));
        assert!(
            found.iter().all(|c| c.severity == Severity::Warning),
            "{found:?}"
        );
    }

    #[test]
    fn a_person_speaking_elsewhere_at_the_same_time_clashes() {
        let sessions = [session(
            1,
            "2021-12-10T11:00:00Z",
            "2021-12-10T12:00:00Z",
            Some(hall()),
        )];
        let slots = [slot(
            1,
            1,
            "mayor@example.org",
            "Europe/Istanbul",
            Contribution::Live,
        )];
        let elsewhere = [Elsewhere {
            person: "mayor@example.org".into(),
            event_title: "Intercultural cities".into(),
            title: "Keynote".into(),
            starts_at: at("2021-12-10T11:30:00Z"),
            ends_at: at("2021-12-10T12:30:00Z"),
        }];
        let found = find_conflicts(&event(), &sessions, &slots, &elsewhere);
        assert_eq!(kinds(&found), [ConflictKind::SpeakerOverlap]);
        assert!(found[0].message_en.contains("Intercultural cities"));
    }
}

#[cfg(test)]
mod availability_tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn a_speaker_or_room_scheduled_outside_their_windows_is_an_error() {
        let morning = Window {
            starts_at: at("2021-12-10T06:00:00Z"),
            ends_at: at("2021-12-10T10:00:00Z"),
        };
        let hall = RoomFacts {
            id: 1,
            name: "Hall".into(),
            capacity: None,
            available: vec![morning],
        };
        let sessions = [SessionFacts {
            id: 1,
            title: "Afternoon".into(),
            starts_at: at("2021-12-10T11:00:00Z"),
            ends_at: at("2021-12-10T12:00:00Z"),
            attendance: AttendanceMode::OnSite,
            room: Some(hall),
            has_link: false,
            capacity: None,
        }];
        let slots = [SlotFacts {
            session_id: 1,
            speaker_id: 7,
            person: "mayor".into(),
            name: "Mayor".into(),
            role: Role::Opening,
            contribution: Contribution::Live,
            status: ParticipantStatus::Confirmed,
            zone: "Europe/Istanbul".parse().unwrap(),
            available: vec![morning],
        }];
        let event = EventFacts {
            starts_on: "2021-12-07".parse().unwrap(),
            ends_on: "2021-12-10".parse().unwrap(),
            zone: "Europe/Istanbul".parse().unwrap(),
        };
        let found = find_conflicts(&event, &sessions, &slots, &[]);
        let kinds: Vec<_> = found.iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            [
                ConflictKind::RoomUnavailable,
                ConflictKind::OutsideAvailability
            ]
        );
        assert!(found.iter().all(|c| c.severity == Severity::Error));
        assert_eq!(found[1].speaker_ids, [7]);
    }
}
