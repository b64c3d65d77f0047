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

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, TimeZone, Utc};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesPI, BytesStart, BytesText, Event};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::zone::Zone;

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
fn acronym(slug: &str) -> String {
    slug.replace('-', "_")
}

fn hh_mm(minutes: i64) -> String {
    // The formats cap durations at 99:59.
    let minutes = minutes.clamp(0, 99 * 60 + 59);
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

struct Placed<'a> {
    session: &'a SessionEntry,
    local_start: DateTime<chrono_tz::Tz>,
    local_end: DateTime<chrono_tz::Tz>,
    room: String,
}

/// Sessions grouped by local day (in the event's zone), then by room, in time order.
fn days(schedule: &Schedule) -> Vec<(NaiveDate, Vec<Placed<'_>>)> {
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

fn room_names(schedule: &Schedule) -> Vec<String> {
    let mut names: Vec<String> = schedule.rooms.iter().map(|r| r.name.clone()).collect();
    if schedule.sessions.iter().any(|s| s.room.is_none()) {
        names.push(ONLINE_ROOM.into());
    }
    names
}

fn event_slug(schedule: &Schedule, session: &SessionEntry) -> String {
    let title = slug::slugify(&session.title);
    let title: String = title.chars().take(48).collect();
    format!(
        "{}-{}-{}",
        acronym(&schedule.conference.slug),
        session.id,
        title.trim_end_matches('-')
    )
}

fn session_url(schedule: &Schedule, session: &SessionEntry) -> Option<String> {
    schedule
        .conference
        .url
        .as_ref()
        .map(|u| format!("{u}#session-{}", session.id))
}

fn rfc3339<T: TimeZone>(at: &DateTime<T>) -> String
where
    T::Offset: std::fmt::Display,
{
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `schedule.json`, valid against the c3voc JSON schema.
pub fn to_frab_json(schedule: &Schedule, version: &str) -> Value {
    let conference = &schedule.conference;
    let days: Vec<Value> = days(schedule)
        .into_iter()
        .enumerate()
        .map(|(index, (date, placed))| {
            let day_start = placed.iter().map(|p| p.local_start).min();
            let day_end = placed.iter().map(|p| p.local_end).max();
            let mut rooms: BTreeMap<String, Vec<Value>> = BTreeMap::new();
            for p in &placed {
                let s = p.session;
                rooms.entry(p.room.clone()).or_default().push(json!({
                    "guid": s.guid,
                    "id": s.id,
                    "date": rfc3339(&p.local_start),
                    "start": p.local_start.format("%H:%M").to_string(),
                    "duration": hh_mm((s.ends_at - s.starts_at).num_minutes()),
                    "room": p.room,
                    "slug": event_slug(schedule, s),
                    "url": session_url(schedule, s).unwrap_or_default(),
                    "title": s.title,
                    "subtitle": "",
                    "track": s.kind,
                    "type": s.kind,
                    "language": s.language,
                    "abstract": s.description,
                    "description": s.questions.join("\n"),
                    "persons": s.persons.iter().map(|person| json!({
                        "guid": person.guid,
                        "name": person.name,
                        // Not in the format: readers ignore it, Convene reads it back.
                        "role": person.role,
                    })).collect::<Vec<_>>(),
                    "links": [],
                }));
            }
            json!({
                "index": index + 1,
                "date": date.to_string(),
                "day_start": day_start.map(|d| rfc3339(&d)),
                "day_end": day_end.map(|d| rfc3339(&d)),
                "rooms": rooms,
            })
        })
        .collect();
    let mut conf = json!({
        "acronym": acronym(&conference.slug),
        "title": conference.title,
        "description": conference.description,
        "start": conference.starts_on.to_string(),
        "end": conference.ends_on.to_string(),
        "daysCount": (conference.ends_on - conference.starts_on).num_days() + 1,
        "timeslot_duration": "00:15",
        "time_zone_name": conference.timezone.name(),
        "rooms": room_names(schedule).iter().map(|name| json!({
            "name": name,
            "guid": derived_guid(&format!("room:{}:{name}", conference.slug)),
        })).collect::<Vec<_>>(),
        "days": days,
    });
    if let Some(url) = &conference.url {
        conf["url"] = json!(url);
    }
    json!({
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": { "name": "Convene", "version": env!("CARGO_PKG_VERSION") },
        "schedule": {
            "version": version,
            "conference": conf,
            "convene": schedule,
        }
    })
}

fn text_element<W: std::io::Write>(
    writer: &mut Writer<W>,
    name: &str,
    text: &str,
) -> std::io::Result<()> {
    writer
        .create_element(name)
        .write_text_content(BytesText::new(text))?;
    Ok(())
}

/// `schedule.xml`, valid against the c3voc XSD.
pub fn to_frab_xml(schedule: &Schedule, version: &str) -> Result<String, std::io::Error> {
    let conference = &schedule.conference;
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    writer.write_event(Event::Start(BytesStart::new("schedule")))?;
    writer
        .create_element("generator")
        .with_attributes([("name", "Convene"), ("version", env!("CARGO_PKG_VERSION"))])
        .write_empty()?;
    text_element(&mut writer, "version", version)?;
    writer.write_event(Event::Start(BytesStart::new("conference")))?;
    // The whole schedule for Convene; `?>` cannot occur inside a processing instruction.
    let carried = serde_json::to_string(schedule)
        .map_err(std::io::Error::other)?
        .replace("?>", "?\\u003e");
    writer.write_event(Event::PI(BytesPI::new(format!("convene {carried}"))))?;
    text_element(&mut writer, "title", &conference.title)?;
    text_element(&mut writer, "acronym", &acronym(&conference.slug))?;
    text_element(&mut writer, "start", &conference.starts_on.to_string())?;
    text_element(&mut writer, "end", &conference.ends_on.to_string())?;
    text_element(
        &mut writer,
        "days",
        &((conference.ends_on - conference.starts_on).num_days() + 1).to_string(),
    )?;
    text_element(&mut writer, "timeslot_duration", "00:15")?;
    if let Some(url) = &conference.url {
        text_element(&mut writer, "url", url)?;
    }
    text_element(&mut writer, "time_zone_name", conference.timezone.name())?;
    writer.write_event(Event::End(BytesEnd::new("conference")))?;
    for (index, (date, placed)) in days(schedule).into_iter().enumerate() {
        let start = placed.iter().map(|p| p.local_start).min();
        let end = placed.iter().map(|p| p.local_end).max();
        let mut day = BytesStart::new("day");
        day.push_attribute(("index", (index + 1).to_string().as_str()));
        day.push_attribute(("date", date.to_string().as_str()));
        day.push_attribute((
            "start",
            start.map(|d| rfc3339(&d)).unwrap_or_default().as_str(),
        ));
        day.push_attribute(("end", end.map(|d| rfc3339(&d)).unwrap_or_default().as_str()));
        writer.write_event(Event::Start(day))?;
        let mut current_room: Option<String> = None;
        for p in &placed {
            if current_room.as_deref() != Some(p.room.as_str()) {
                if current_room.is_some() {
                    writer.write_event(Event::End(BytesEnd::new("room")))?;
                }
                let mut room = BytesStart::new("room");
                room.push_attribute(("name", p.room.as_str()));
                room.push_attribute((
                    "guid",
                    derived_guid(&format!("room:{}:{}", conference.slug, p.room)).as_str(),
                ));
                writer.write_event(Event::Start(room))?;
                current_room = Some(p.room.clone());
            }
            let s = p.session;
            let mut event = BytesStart::new("event");
            event.push_attribute(("guid", s.guid.as_str()));
            event.push_attribute(("id", s.id.to_string().as_str()));
            writer.write_event(Event::Start(event))?;
            text_element(&mut writer, "room", &p.room)?;
            text_element(&mut writer, "title", &s.title)?;
            text_element(&mut writer, "subtitle", "")?;
            text_element(&mut writer, "type", &s.kind)?;
            text_element(&mut writer, "date", &rfc3339(&p.local_start))?;
            text_element(
                &mut writer,
                "start",
                &p.local_start.format("%H:%M").to_string(),
            )?;
            text_element(
                &mut writer,
                "duration",
                &hh_mm((s.ends_at - s.starts_at).num_minutes()),
            )?;
            text_element(&mut writer, "abstract", &s.description)?;
            text_element(&mut writer, "slug", &event_slug(schedule, s))?;
            text_element(&mut writer, "track", &s.kind)?;
            text_element(&mut writer, "language", &s.language)?;
            text_element(&mut writer, "description", &s.questions.join("\n"))?;
            if let Some(url) = session_url(schedule, s) {
                text_element(&mut writer, "url", &url)?;
            }
            writer.write_event(Event::Start(BytesStart::new("persons")))?;
            for person in &s.persons {
                writer
                    .create_element("person")
                    .with_attribute(("guid", person.guid.as_str()))
                    .write_text_content(BytesText::new(&person.name))?;
            }
            writer.write_event(Event::End(BytesEnd::new("persons")))?;
            writer.write_event(Event::End(BytesEnd::new("event")))?;
        }
        if current_room.is_some() {
            writer.write_event(Event::End(BytesEnd::new("room")))?;
        }
        writer.write_event(Event::End(BytesEnd::new("day")))?;
    }
    writer.write_event(Event::End(BytesEnd::new("schedule")))?;
    String::from_utf8(writer.into_inner()).map_err(std::io::Error::other)
}

/// Why a document could not be read: where (line, or JSON path) and what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ReadError {
    pub line: Option<u64>,
    pub field: String,
    pub reason: String,
}

fn read_error(line: Option<u64>, field: impl Into<String>, reason: impl Into<String>) -> ReadError {
    ReadError {
        line,
        field: field.into(),
        reason: reason.into(),
    }
}

/// Minutes of a frab duration (`01:30` or `01:30:00`).
fn duration_minutes(text: &str) -> Option<i64> {
    let mut parts = text.trim().split(':');
    let hours: i64 = parts.next()?.parse().ok()?;
    let minutes: i64 = parts.next()?.parse().ok()?;
    Some(hours * 60 + minutes)
}

/// A session from the standard frab fields (a file from another tool).
struct FrabEvent {
    guid: Option<String>,
    id: Option<i64>,
    date: Option<String>,
    duration: Option<String>,
    room: Option<String>,
    title: Option<String>,
    kind: Option<String>,
    language: Option<String>,
    abstract_text: Option<String>,
    persons: Vec<(Option<String>, String, Option<String>)>,
    line: Option<u64>,
    path: String,
}

fn session_from_frab(event: FrabEvent, errors: &mut Vec<ReadError>) -> Option<SessionEntry> {
    let at = |field: &str| format!("{}.{field}", event.path);
    let Some(title) = event.title.filter(|t| !t.trim().is_empty()) else {
        errors.push(read_error(event.line, at("title"), "missing"));
        return None;
    };
    let starts_at = match event.date.as_deref().map(DateTime::parse_from_rfc3339) {
        Some(Ok(date)) => date.with_timezone(&Utc),
        Some(Err(e)) => {
            errors.push(read_error(
                event.line,
                at("date"),
                format!("not an RFC 3339 date-time with offset: {e}"),
            ));
            return None;
        }
        None => {
            errors.push(read_error(event.line, at("date"), "missing"));
            return None;
        }
    };
    let Some(minutes) = event.duration.as_deref().and_then(duration_minutes) else {
        errors.push(read_error(
            event.line,
            at("duration"),
            "missing or not HH:MM",
        ));
        return None;
    };
    let room = event.room.filter(|r| !r.is_empty() && r != ONLINE_ROOM);
    let guid = event
        .guid
        .filter(|g| uuid::Uuid::parse_str(g).is_ok())
        .unwrap_or_else(|| derived_guid(&format!("import:{title}:{starts_at}")));
    Some(SessionEntry {
        id: event.id.unwrap_or(0),
        kind: event.kind.unwrap_or_else(|| "other".into()),
        attendance: if room.is_some() { "on_site" } else { "virtual" }.into(),
        room,
        ends_at: starts_at + Duration::minutes(minutes),
        starts_at,
        language: event.language.unwrap_or_else(|| "en".into()),
        description: event.abstract_text.unwrap_or_default(),
        questions: vec![],
        status: None,
        persons: event
            .persons
            .into_iter()
            .map(|(guid, name, role)| PersonEntry {
                guid: guid.unwrap_or_else(|| derived_guid(&format!("person:{name}"))),
                name,
                role: role.unwrap_or_else(|| "speaker".into()),
                contribution: None,
                talk_title: None,
                honorific: None,
                position: None,
                organisation: None,
                city: None,
                country: None,
                timezone: None,
                language: None,
            })
            .collect(),
        guid,
        title,
    })
}

fn conference_from_frab(
    title: Option<String>,
    acronym: Option<String>,
    start: Option<String>,
    end: Option<String>,
    zone: Option<String>,
    line_of_field: &dyn Fn(&str) -> Option<u64>,
    errors: &mut Vec<ReadError>,
) -> Option<Conference> {
    let date = |field: &str, text: Option<String>, errors: &mut Vec<ReadError>| {
        let text = text.unwrap_or_default();
        let day = text.get(..10).unwrap_or_default();
        NaiveDate::parse_from_str(day, "%Y-%m-%d")
            .map_err(|_| {
                errors.push(read_error(
                    line_of_field(field),
                    format!("conference.{field}"),
                    format!("'{text}' is not a date"),
                ))
            })
            .ok()
    };
    let starts_on = date("start", start, errors);
    let ends_on = date("end", end, errors);
    let timezone = match zone.as_deref().unwrap_or("UTC").parse::<Zone>() {
        Ok(zone) => Some(zone),
        Err(e) => {
            errors.push(read_error(
                line_of_field("time_zone_name"),
                "conference.time_zone_name",
                e.to_string(),
            ));
            None
        }
    };
    Some(Conference {
        slug: acronym.unwrap_or_default().replace('_', "-"),
        title: title.unwrap_or_default(),
        description: String::new(),
        starts_on: starts_on?,
        ends_on: ends_on?,
        timezone: timezone?,
        url: None,
        extras: Value::Null,
    })
}

/// A schedule read from standard frab fields: its rooms are those the sessions use.
fn assemble(
    conference: Option<Conference>,
    sessions: Vec<SessionEntry>,
    errors: Vec<ReadError>,
) -> Result<Schedule, Vec<ReadError>> {
    let mut rooms: Vec<RoomEntry> = Vec::new();
    for name in sessions.iter().filter_map(|s| s.room.as_ref()) {
        if !rooms.iter().any(|r| &r.name == name) {
            rooms.push(RoomEntry {
                name: name.clone(),
                venue: None,
                capacity: None,
            });
        }
    }
    match conference {
        Some(conference) if errors.is_empty() => Ok(Schedule {
            conference,
            rooms,
            sessions,
        }),
        _ => Err(errors),
    }
}

/// Reads `schedule.json` (Convene's own export, or any frab/c3voc JSON).
pub fn from_frab_json(text: &str) -> Result<Schedule, Vec<ReadError>> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        vec![read_error(
            Some(e.line() as u64),
            "",
            format!("not JSON: {e}"),
        )]
    })?;
    if let Some(carried) = value.pointer("/schedule/convene") {
        return serde_path_to_error::deserialize(carried).map_err(|e| {
            vec![read_error(
                None,
                format!("schedule.convene.{}", e.path()),
                e.inner().to_string(),
            )]
        });
    }
    let Some(conf) = value.pointer("/schedule/conference") else {
        return Err(vec![read_error(None, "schedule.conference", "missing")]);
    };
    let text_at = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
    let mut errors = Vec::new();
    let conference = conference_from_frab(
        text_at(conf, "title"),
        text_at(conf, "acronym"),
        text_at(conf, "start"),
        text_at(conf, "end"),
        text_at(conf, "time_zone_name"),
        // JSON errors name their place by path; there are no lines to give.
        &|_| None,
        &mut errors,
    );
    let mut sessions = Vec::new();
    for (d, day) in conf
        .get("days")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        for (room, events) in day
            .get("rooms")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            for (i, event) in events.as_array().into_iter().flatten().enumerate() {
                let persons = event
                    .get("persons")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|p| {
                        let name = text_at(p, "name").or_else(|| text_at(p, "public_name"))?;
                        Some((text_at(p, "guid"), name, text_at(p, "role")))
                    })
                    .collect();
                let found = session_from_frab(
                    FrabEvent {
                        guid: text_at(event, "guid"),
                        id: event.get("id").and_then(Value::as_i64),
                        date: text_at(event, "date"),
                        duration: text_at(event, "duration"),
                        room: Some(room.clone()),
                        title: text_at(event, "title"),
                        kind: text_at(event, "type"),
                        language: text_at(event, "language"),
                        abstract_text: text_at(event, "abstract"),
                        persons,
                        line: None,
                        path: format!("schedule.conference.days[{d}].rooms.{room}[{i}]"),
                    },
                    &mut errors,
                );
                sessions.extend(found);
            }
        }
    }
    assemble(conference, sessions, errors)
}

fn line_of(text: &str, byte: u64) -> u64 {
    let end = usize::try_from(byte).unwrap_or(usize::MAX).min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count() as u64
        + 1
}

/// Reads `schedule.xml` (Convene's own export, or any frab XML).
pub fn from_frab_xml(text: &str) -> Result<Schedule, Vec<ReadError>> {
    use quick_xml::Reader;
    let mut reader = Reader::from_str(text);
    let mut path: Vec<String> = Vec::new();
    let mut errors = Vec::new();
    let mut conf: BTreeMap<String, String> = BTreeMap::new();
    // Where each conference field ended, and where the conference began (for missing ones).
    let mut conf_lines: BTreeMap<String, u64> = BTreeMap::new();
    let mut conference_line: Option<u64> = None;
    let mut events: Vec<FrabEvent> = Vec::new();
    let mut current: Option<FrabEvent> = None;
    let mut person: Option<Option<String>> = None;
    let mut room_name: Option<String> = None;
    let mut text_buf = String::new();
    loop {
        let position = reader.buffer_position();
        let line = Some(line_of(text, position));
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => {
                return Err(vec![read_error(
                    Some(line_of(text, reader.error_position())),
                    path.join("/"),
                    format!("malformed XML: {e}"),
                )]);
            }
        };
        match event {
            Event::Eof => break,
            Event::PI(pi)
                if path.last().map(String::as_str) == Some("conference")
                    && pi.target() == b"convene" =>
            {
                let json = String::from_utf8_lossy(pi.content()).into_owned();
                return serde_json::from_str::<Schedule>(json.trim()).map_err(|e| {
                    vec![read_error(
                        line,
                        "conference/?convene",
                        format!("unreadable Convene data: {e}"),
                    )]
                });
            }
            Event::Start(start) => {
                let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                let attr = |key: &str| {
                    start
                        .try_get_attribute(key)
                        .ok()
                        .flatten()
                        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
                };
                match name.as_str() {
                    "room" if path.last().map(String::as_str) == Some("day") => {
                        room_name = attr("name")
                    }
                    "event" => {
                        current = Some(FrabEvent {
                            guid: attr("guid"),
                            id: attr("id").and_then(|v| v.parse().ok()),
                            date: None,
                            duration: None,
                            room: room_name.clone(),
                            title: None,
                            kind: None,
                            language: None,
                            abstract_text: None,
                            persons: vec![],
                            line,
                            path: format!("event[guid={}]", attr("guid").unwrap_or_default()),
                        })
                    }
                    "person" => person = Some(attr("guid")),
                    "conference" => conference_line = line,
                    _ => {}
                }
                path.push(name);
                text_buf.clear();
            }
            Event::Text(t) => {
                text_buf.push_str(&t.decode().map(|c| c.into_owned()).unwrap_or_default());
            }
            Event::GeneralRef(r) => {
                let name = String::from_utf8_lossy(&r).into_owned();
                let resolved = match name.as_str() {
                    "amp" => "&".to_owned(),
                    "lt" => "<".to_owned(),
                    "gt" => ">".to_owned(),
                    "quot" => "\"".to_owned(),
                    "apos" => "'".to_owned(),
                    other => r
                        .resolve_char_ref()
                        .ok()
                        .flatten()
                        .map(String::from)
                        .unwrap_or_else(|| format!("&{other};")),
                };
                text_buf.push_str(&resolved);
            }
            Event::CData(c) => text_buf.push_str(&String::from_utf8_lossy(&c)),
            Event::End(_) => {
                let name = path.pop().unwrap_or_default();
                let parent = path.last().map(String::as_str);
                let value = std::mem::take(&mut text_buf).trim().to_owned();
                match (parent, name.as_str()) {
                    (Some("conference"), field) => {
                        conf.insert(field.to_owned(), value);
                        conf_lines.extend(line.map(|line| (field.to_owned(), line)));
                    }
                    (Some("event"), field) => {
                        if let Some(e) = current.as_mut() {
                            match field {
                                "date" => e.date = Some(value),
                                "duration" => e.duration = Some(value),
                                "title" => e.title = Some(value),
                                "type" => e.kind = Some(value),
                                "language" => e.language = Some(value),
                                "abstract" => e.abstract_text = Some(value),
                                "room" if !value.is_empty() => e.room = Some(value),
                                _ => {}
                            }
                        }
                    }
                    (Some("persons"), "person") => {
                        if let (Some(e), Some(guid)) = (current.as_mut(), person.take()) {
                            e.persons.push((guid, value, None));
                        }
                    }
                    (_, "event") => events.extend(current.take()),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    let conference = conference_from_frab(
        conf.get("title").cloned(),
        conf.get("acronym").cloned(),
        conf.get("start").cloned(),
        conf.get("end").cloned(),
        conf.get("time_zone_name").cloned(),
        &|field| conf_lines.get(field).copied().or(conference_line),
        &mut errors,
    );
    let sessions: Vec<SessionEntry> = events
        .into_iter()
        .filter_map(|event| session_from_frab(event, &mut errors))
        .collect();
    assemble(conference, sessions, errors)
}
