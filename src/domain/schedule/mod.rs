//! Schedule exchange in the frab family of formats (`schedule.xml` and its JSON sibling, as
//! read by Giggity, ConfClerk, the c3voc pipeline and friends). Pure: documents in, documents out.
//!
//! The formats have no place for Convene's richer facts (roles, attendance modes, guiding
//! questions, display zones). They travel beside the standard fields in places readers ignore:
//! a `convene` member of the JSON `schedule` object (the schema allows extra members there) and
//! extra members on each person; in XML, a `<?convene …?>` processing instruction inside
//! `<conference>` (applications skip processing instructions meant for others, and XSD
//! validation ignores them). Both hold the whole [`Schedule`], so Convene-to-Convene round trips
//! lose nothing, while a plain frab file still imports from its standard fields.

mod frab;
mod frab_json;
mod frab_xml;

pub use frab_json::{from_frab_json, to_frab_json};
pub use frab_xml::{from_frab_xml, to_frab_xml};

use crate::domain::zone::Zone;
use chrono::{DateTime, NaiveDate, SecondsFormat, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// Everything an exchange carries, in Convene's terms.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Schedule {
    pub conference: Conference,
    pub rooms: Vec<RoomEntry>,
    pub sessions: Vec<SessionEntry>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Conference {
    pub slug: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub timezone: Zone,
    /// The programme page, when known.
    #[serde(default)]
    pub url: Option<String>,
    /// Convene's event fields beyond the format (kind, attendance, venue, zones, questions…).
    #[serde(default)]
    pub extras: Value,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoomEntry {
    pub name: String,
    #[serde(default)]
    pub venue: Option<String>,
    #[serde(default)]
    pub capacity: Option<i32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionEntry {
    pub guid: String,
    pub id: i64,
    pub title: String,
    pub kind: String,
    /// The type as the file named it, when that is more than `kind` ("Long talk (45 minutes)").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind_label: Option<String>,
    pub attendance: String,
    /// None for sessions held online only.
    #[serde(default)]
    pub room: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub language: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub questions: Vec<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub persons: Vec<PersonEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub track: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<LinkEntry>,
}

/// A link a schedule gives a session: slides, a recording, its page elsewhere.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LinkEntry {
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PersonEntry {
    pub guid: String,
    pub name: String,
    pub role: String,
    #[serde(default)]
    pub contribution: Option<String>,
    #[serde(default)]
    pub talk_title: Option<String>,
    #[serde(default)]
    pub honorific: Option<String>,
    #[serde(default)]
    pub position: Option<String>,
    #[serde(default)]
    pub organisation: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub timezone: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
}

/// The room name frab readers see for online-only sessions.
pub const ONLINE_ROOM: &str = "Online";

/// A stable UUID for a name inside this schedule (rooms, and ids without a stored guid).
pub fn derived_guid(scope: &str) -> String {
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, scope.as_bytes()).to_string()
}

/// frab acronyms: lower-case letters, digits and `_` (the JSON schema refuses `-` after the first).
pub(super) fn acronym(slug: &str) -> String {
    slug.replace('-', "_")
}

pub(super) fn hh_mm(minutes: i64) -> String {
    // The formats cap durations at 99:59.
    let minutes = minutes.clamp(0, 99 * 60 + 59);
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

pub(super) struct Placed<'a> {
    session: &'a SessionEntry,
    local_start: DateTime<chrono_tz::Tz>,
    local_end: DateTime<chrono_tz::Tz>,
    room: String,
}

/// Sessions grouped by local day (in the event's zone), then by room, in time order.
pub(super) fn days(schedule: &Schedule) -> Vec<(NaiveDate, Vec<Placed<'_>>)> {
    let tz = schedule.conference.timezone.tz();
    let mut by_day: BTreeMap<NaiveDate, Vec<Placed<'_>>> = BTreeMap::new();
    for session in &schedule.sessions {
        let local_start = session.starts_at.with_timezone(&tz);
        by_day
            .entry(local_start.date_naive())
            .or_default()
            .push(Placed {
                local_start,
                local_end: session.ends_at.with_timezone(&tz),
                room: session.room.clone().unwrap_or_else(|| ONLINE_ROOM.into()),
                session,
            });
    }
    by_day
        .into_iter()
        .map(|(day, mut placed)| {
            placed.sort_by_key(|p| (p.room.clone(), p.session.starts_at, p.session.id));
            (day, placed)
        })
        .collect()
}

pub(super) fn room_names(schedule: &Schedule) -> Vec<String> {
    let mut names: Vec<String> = schedule.rooms.iter().map(|r| r.name.clone()).collect();
    if schedule.sessions.iter().any(|s| s.room.is_none()) {
        names.push(ONLINE_ROOM.into());
    }
    names
}

pub(super) fn event_slug(schedule: &Schedule, session: &SessionEntry) -> String {
    let title = slug::slugify(&session.title);
    let title: String = title.chars().take(48).collect();
    format!(
        "{}-{}-{}",
        acronym(&schedule.conference.slug),
        session.id,
        title.trim_end_matches('-')
    )
}

pub(super) fn session_url(schedule: &Schedule, session: &SessionEntry) -> Option<String> {
    schedule
        .conference
        .url
        .as_ref()
        .map(|u| format!("{u}#session-{}", session.id))
}

pub(super) fn rfc3339<T: TimeZone>(at: &DateTime<T>) -> String
where
    T::Offset: std::fmt::Display,
{
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Why a document could not be read: where (line, or JSON path) and what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ReadError {
    pub line: Option<u64>,
    pub field: String,
    pub reason: String,
}

pub(super) fn read_error(
    line: Option<u64>,
    field: impl Into<String>,
    reason: impl Into<String>,
) -> ReadError {
    ReadError {
        line,
        field: field.into(),
        reason: reason.into(),
    }
}

/// A small two-day peer-learning schedule (Sfax, June 2019) for the format modules' tests: an
/// on-site workshop in a room with a moderator, and an online session without a room.
#[cfg(test)]
pub(crate) fn sample() -> Schedule {
    let at = |text: &str| {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    };
    let person = |guid: &str, name: &str, role: &str| PersonEntry {
        guid: guid.into(),
        name: name.into(),
        role: role.into(),
        contribution: Some("live".into()),
        talk_title: None,
        honorific: None,
        position: None,
        organisation: Some("MPI Europe".into()),
        city: Some("Brussels".into()),
        country: None,
        timezone: Some("Europe/Brussels".into()),
        language: Some("en".into()),
    };
    Schedule {
        conference: Conference {
            slug: "sfax-2019".into(),
            title: "Building trust through strengthened cooperation".into(),
            description: String::new(),
            starts_on: NaiveDate::from_ymd_opt(2019, 6, 25).unwrap(),
            ends_on: NaiveDate::from_ymd_opt(2019, 6, 26).unwrap(),
            timezone: "Africa/Tunis".parse().unwrap(),
            url: None,
            extras: Value::Null,
        },
        rooms: vec![RoomEntry {
            name: "Salle A".into(),
            venue: Some("Sfax".into()),
            capacity: Some(40),
        }],
        sessions: vec![
            SessionEntry {
                guid: derived_guid("sfax-2019/session/1"),
                id: 1,
                title: "Consultation mechanisms".into(),
                kind: "workshop".into(),
                kind_label: None,
                track: None,
                links: vec![],
                attendance: "on_site".into(),
                room: Some("Salle A".into()),
                starts_at: at("2019-06-25T08:30:00Z"),
                ends_at: at("2019-06-25T10:00:00Z"),
                language: "en".into(),
                description: "How cities consult their residents & CSOs.".into(),
                questions: vec!["How do you work with CSOs in your city?".into()],
                status: Some("published".into()),
                persons: vec![person("p-1", "Camille Le Coz", "moderator")],
            },
            SessionEntry {
                guid: derived_guid("sfax-2019/session/2"),
                id: 2,
                title: "Online follow-up".into(),
                kind: "dialogue".into(),
                kind_label: None,
                track: None,
                links: vec![],
                attendance: "virtual".into(),
                room: None,
                starts_at: at("2019-06-26T13:00:00Z"),
                ends_at: at("2019-06-26T14:00:00Z"),
                language: "fr".into(),
                description: String::new(),
                questions: vec![],
                status: Some("published".into()),
                persons: vec![],
            },
        ],
    }
}

/// What a reader must recover of `sample()` from the standard frab fields alone.
#[cfg(test)]
pub(crate) fn assert_sample_read_from_standard_fields(read: &Schedule) {
    let expected = &sample().sessions[0];
    assert_eq!(read.sessions.len(), 2);
    let workshop = read
        .sessions
        .iter()
        .find(|s| s.title == expected.title)
        .unwrap();
    assert_eq!(
        (workshop.starts_at, workshop.ends_at),
        (expected.starts_at, expected.ends_at)
    );
    assert_eq!(workshop.room.as_deref(), Some("Salle A"));
    assert_eq!(workshop.persons[0].name, "Camille Le Coz");
}

/// The readers take files from anywhere: whatever they are given, they answer a schedule or
/// errors, and never panic (truncated files, random bytes spliced into a real export, garbage).
#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    fn plain_xml() -> String {
        let text = to_frab_xml(&sample(), "1").unwrap();
        let start = text.find("<?convene").unwrap();
        let end = start + text[start..].find("?>").unwrap() + 2;
        format!("{}{}", &text[..start], &text[end..])
    }

    fn plain_json() -> String {
        let mut value = to_frab_json(&sample(), "1");
        value["schedule"].as_object_mut().unwrap().remove("convene");
        value.to_string()
    }

    /// `text` with the characters from `at` (a fraction of its length) replaced by `splice`.
    fn spliced(text: &str, at: f64, cut: usize, splice: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        let start = ((chars.len() as f64) * at) as usize;
        let end = (start + cut).min(chars.len());
        chars[..start]
            .iter()
            .chain(splice.chars().collect::<Vec<_>>().iter())
            .chain(chars[end..].iter())
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn the_xml_reader_never_panics(at in 0.0f64..1.0, cut in 0usize..40, splice in "\\PC{0,12}|[<>&;#x0-9/\"' ]{0,12}|[0-9]{1,12}:[0-9]{1,3}") {
            let _ = from_frab_xml(&spliced(&plain_xml(), at, cut, &splice), sample().conference.timezone);
        }

        #[test]
        fn the_json_reader_never_panics(at in 0.0f64..1.0, cut in 0usize..40, splice in "\\PC{0,12}|[\\[\\]{}:,\"0-9.e-]{0,12}|[0-9]{1,12}:[0-9]{1,3}") {
            let _ = from_frab_json(&spliced(&plain_json(), at, cut, &splice), sample().conference.timezone);
        }

        #[test]
        fn garbage_is_refused_not_a_panic(text in "\\PC{0,200}") {
            prop_assert!(from_frab_xml(&text, sample().conference.timezone).is_err());
            prop_assert!(from_frab_json(&text, sample().conference.timezone).is_err());
        }
    }
}
