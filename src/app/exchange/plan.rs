//! The middle step of an import: parse (the readers in `domain::schedule`) → **plan** → apply.
//! Every entry of the file is checked into the typed inputs the catalogue takes, and every
//! problem is collected with its place in the file, so that a file with any problem imports
//! nothing and the organiser sees all of them at once.

use crate::app::catalogue::sessions::SessionLink;
use crate::domain::schedule::{Schedule, SessionEntry};
use crate::domain::text::{LanguageCode, Line, Text, Title, WebUrl};
use crate::domain::vocab::{AttendanceMode, Contribution, Role, SessionKind};
use crate::domain::zone::Zone;
use crate::error::{AppResult, FieldErrors};
use chrono::{DateTime, Utc};
use std::collections::HashSet;
use std::str::FromStr;

pub(super) struct ImportPlan {
    pub rooms: Vec<PlannedRoom>,
    /// Each person once (by guid), in the order the file names them.
    pub people: Vec<PlannedPerson>,
    pub sessions: Vec<PlannedSession>,
}

pub(super) struct PlannedRoom {
    pub name: Title,
    pub venue: Option<Line>,
    pub capacity: Option<u32>,
}

pub(super) struct PlannedPerson {
    pub guid: String,
    pub name: Title,
    pub honorific: Option<Line>,
    pub position: Option<Line>,
    pub organisation: Option<Line>,
    pub city: Option<Line>,
    pub country: Option<Line>,
    pub timezone: Option<Zone>,
    pub language: Option<LanguageCode>,
}

pub(super) struct PlannedSession {
    pub guid: String,
    pub title: Title,
    pub kind: SessionKind,
    pub kind_label: Option<Line>,
    pub description: Text,
    pub questions: Vec<Text>,
    pub attendance: AttendanceMode,
    /// The room's name as the file gives it; None for sessions held online only.
    pub room: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub language: LanguageCode,
    pub track: Option<Line>,
    pub links: Vec<SessionLink>,
    pub line_up: Vec<PlannedSlot>,
}

pub(super) struct PlannedSlot {
    pub person_guid: String,
    pub role: Role,
    pub talk_title: Option<Line>,
    pub contribution: Option<Contribution>,
}

/// Checks the whole schedule; refuses with every problem found (422, each by its path).
pub(super) fn plan(schedule: &Schedule) -> AppResult<ImportPlan> {
    let mut errors = FieldErrors::default();
    let rooms = schedule
        .rooms
        .iter()
        .filter_map(|room| {
            let at = |field: &str| format!("rooms[{}].{field}", room.name);
            Some(PlannedRoom {
                name: errors.check(&at("name"), Title::from_str(&room.name))?,
                venue: optional(&mut errors, &at("venue"), room.venue.as_deref())?,
                capacity: match room.capacity {
                    Some(seats) => Some(errors.check(&at("capacity"), u32::try_from(seats))?),
                    None => None,
                },
            })
        })
        .collect();
    let mut seen = HashSet::new();
    let mut people = Vec::new();
    for person in schedule.sessions.iter().flat_map(|s| &s.persons) {
        if !seen.insert(person.guid.clone()) {
            continue;
        }
        let at = |field: &str| format!("persons[{}].{field}", person.guid);
        let name = errors.check(&at("name"), Title::from_str(&person.name));
        let honorific = optional(&mut errors, &at("honorific"), person.honorific.as_deref());
        let position = optional(&mut errors, &at("position"), person.position.as_deref());
        let organisation = optional(
            &mut errors,
            &at("organisation"),
            person.organisation.as_deref(),
        );
        let city = optional(&mut errors, &at("city"), person.city.as_deref());
        let country = optional(&mut errors, &at("country"), person.country.as_deref());
        let timezone = optional(&mut errors, &at("timezone"), person.timezone.as_deref());
        let language = optional(&mut errors, &at("language"), person.language.as_deref());
        if let (
            Some(name),
            Some(honorific),
            Some(position),
            Some(organisation),
            Some(city),
            Some(country),
            Some(timezone),
            Some(language),
        ) = (
            name,
            honorific,
            position,
            organisation,
            city,
            country,
            timezone,
            language,
        ) {
            people.push(PlannedPerson {
                guid: person.guid.clone(),
                name,
                honorific,
                position,
                organisation,
                city,
                country,
                timezone,
                language,
            });
        }
    }
    let sessions = schedule
        .sessions
        .iter()
        .filter_map(|entry| planned_session(&mut errors, entry))
        .collect();
    errors.into_result()?;
    Ok(ImportPlan {
        rooms,
        people,
        sessions,
    })
}

fn planned_session(errors: &mut FieldErrors, entry: &SessionEntry) -> Option<PlannedSession> {
    let at = |field: &str| format!("sessions[{}].{field}", entry.guid);
    let title = errors.check(&at("title"), Title::from_str(&entry.title));
    let kind = errors.check(&at("kind"), SessionKind::from_str(&entry.kind));
    let kind_label = optional(errors, &at("kind_label"), entry.kind_label.as_deref());
    let description = errors.check(&at("description"), Text::from_str(&entry.description));
    let questions: Vec<Option<Text>> = entry
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| errors.check(&at(&format!("questions[{i}]")), Text::from_str(q)))
        .collect();
    let attendance = errors.check(
        &at("attendance"),
        AttendanceMode::from_str(&entry.attendance),
    );
    let language = errors.check(&at("language"), LanguageCode::from_str(&entry.language));
    let track = optional(errors, &at("track"), entry.track.as_deref());
    // A link is kept when it can be followed from Convene: real files carry bare hosts
    // ("nymtech.net") and paths relative to a site Convene is not, which are left out rather
    // than refusing the whole file.
    let links: Vec<Option<SessionLink>> = entry
        .links
        .iter()
        .enumerate()
        .filter_map(|(i, link)| {
            let url = WebUrl::from_str(&link.url).ok()?;
            let at_title = at(&format!("links[{i}].title"));
            Some(
                optional(errors, &at_title, link.title.as_deref())
                    .map(|title| SessionLink { url, title }),
            )
        })
        .collect();
    let line_up: Vec<Option<PlannedSlot>> = entry
        .persons
        .iter()
        .enumerate()
        .map(|(i, person)| {
            let contribution = match person.contribution.as_deref() {
                Some(text) => Some(errors.check(
                    &at(&format!("persons[{i}].contribution")),
                    Contribution::from_str(text),
                )?),
                None => None,
            };
            Some(PlannedSlot {
                person_guid: person.guid.clone(),
                // Another tool's roles ("Moderator", "submitter") that are not ours read as
                // speaking in the session.
                role: person.role.parse().unwrap_or(Role::Speaker),
                talk_title: optional(
                    errors,
                    &at(&format!("persons[{i}].talk_title")),
                    person.talk_title.as_deref(),
                )?,
                contribution,
            })
        })
        .collect();
    Some(PlannedSession {
        guid: entry.guid.clone(),
        title: title?,
        kind: kind?,
        kind_label: kind_label?,
        description: description?,
        questions: questions.into_iter().collect::<Option<_>>()?,
        attendance: attendance?,
        room: entry.room.clone(),
        starts_at: entry.starts_at,
        ends_at: entry.ends_at,
        language: language?,
        track: track?,
        links: links.into_iter().collect::<Option<_>>()?,
        line_up: line_up.into_iter().collect::<Option<_>>()?,
    })
}

/// An optional value of the file, checked: `Some(None)` when absent or blank, `Some(Some(v))`
/// when valid, `None` (with the error recorded) when refused.
fn optional<T: FromStr>(
    errors: &mut FieldErrors,
    field: &str,
    raw: Option<&str>,
) -> Option<Option<T>>
where
    T::Err: std::fmt::Display,
{
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        None => Some(None),
        Some(raw) => errors.check(field, T::from_str(raw)).map(Some),
    }
}
