//! The standard frab fields every reader understands, whichever tool wrote the file: a
//! session's start, duration, room and persons, and the conference around them. Both readers
//! fall back on these when a file carries no Convene schedule of its own.

use super::*;
use crate::domain::local_time::resolve_local;
use crate::domain::vocab::SessionKind;
use crate::domain::zone::Zone;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::Value;

/// Minutes of a frab duration (`01:30` or `01:30:00`).
pub(super) fn duration_minutes(text: &str) -> Option<i64> {
    let mut parts = text.trim().split(':');
    let hours: i64 = parts.next()?.parse().ok()?;
    let minutes: i64 = parts.next()?.parse().ok()?;
    if !(0..60).contains(&minutes) {
        return None;
    }
    let total = hours.checked_mul(60)?.checked_add(minutes)?;
    (0..=MAX_DURATION_MINUTES).contains(&total).then_some(total)
}

/// The conference's `day_change` (`04:00`): a local start before it belongs to the night after
/// its day, so the calendar date is the next one. `None` (midnight) when absent or unreadable.
pub(super) fn day_change(text: Option<&str>) -> Option<chrono::NaiveTime> {
    let text = text?.trim();
    chrono::NaiveTime::parse_from_str(text, "%H:%M")
        .or_else(|_| chrono::NaiveTime::parse_from_str(text, "%H:%M:%S"))
        .ok()
}

/// A pentabarf start: the day's date and a local `HH:MM` (or `HH:MM:SS`) read in `zone`; `None`
/// when the file gives neither. A start before `day_change` is on the next calendar date (a
/// 01:30 talk of a day that changes at 04:00 is in the small hours after it).
fn local_start(
    day: Option<&str>,
    start: Option<&str>,
    day_change: Option<chrono::NaiveTime>,
    zone: Zone,
) -> Option<Result<DateTime<Utc>, String>> {
    let (day, start) = (day?, start?);
    let date = match NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d") {
        Ok(date) => date,
        Err(_) => return Some(Err(format!("the day's date '{day}' is not YYYY-MM-DD"))),
    };
    let time = chrono::NaiveTime::parse_from_str(start.trim(), "%H:%M")
        .or_else(|_| chrono::NaiveTime::parse_from_str(start.trim(), "%H:%M:%S"));
    let Ok(time) = time else {
        return Some(Err(format!("'{start}' is not a local HH:MM time")));
    };
    let date = match day_change {
        Some(change) if time < change => match date.succ_opt() {
            Some(next) => next,
            None => return Some(Err(format!("the day's date '{day}' is out of range"))),
        },
        _ => date,
    };
    Some(resolve_local(date.and_time(time), zone).map_err(|e| e.to_string()))
}

/// No programme item lasts longer than a week; a longer duration is a broken file.
const MAX_DURATION_MINUTES: i64 = 7 * 24 * 60;

/// A session from the standard frab fields (a file from another tool).
pub(super) struct FrabEvent {
    pub(super) guid: Option<String>,
    pub(super) id: Option<i64>,
    pub(super) date: Option<String>,
    /// pentabarf files carry no `<date>`: the `<day date>` around the event and its local
    /// `<start>`, read in the schedule's zone.
    pub(super) day: Option<String>,
    pub(super) start: Option<String>,
    pub(super) duration: Option<String>,
    pub(super) room: Option<String>,
    pub(super) title: Option<String>,
    pub(super) kind: Option<String>,
    pub(super) language: Option<String>,
    pub(super) abstract_text: Option<String>,
    pub(super) persons: Vec<(Option<String>, String, Option<String>)>,
    pub(super) track: Option<String>,
    /// url, title
    pub(super) links: Vec<(String, Option<String>)>,
    pub(super) line: Option<u64>,
    pub(super) path: String,
}

pub(super) fn session_from_frab(
    event: FrabEvent,
    zone: Zone,
    day_change: Option<chrono::NaiveTime>,
    errors: &mut Vec<ReadError>,
) -> Option<SessionEntry> {
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
        None => match local_start(
            event.day.as_deref(),
            event.start.as_deref(),
            day_change,
            zone,
        ) {
            Some(Ok(instant)) => instant,
            Some(Err(reason)) => {
                errors.push(read_error(event.line, at("start"), reason));
                return None;
            }
            None => {
                errors.push(read_error(event.line, at("date"), "missing"));
                return None;
            }
        },
    };
    let Some(minutes) = event.duration.as_deref().and_then(duration_minutes) else {
        errors.push(read_error(
            event.line,
            at("duration"),
            "missing, not HH:MM, or longer than a week",
        ));
        return None;
    };
    let Some(ends_at) = starts_at.checked_add_signed(Duration::minutes(minutes)) else {
        errors.push(read_error(event.line, at("date"), "is out of range"));
        return None;
    };
    let room = event.room.filter(|r| !r.is_empty() && r != ONLINE_ROOM);
    let guid = event
        .guid
        .filter(|g| uuid::Uuid::parse_str(g).is_ok())
        .unwrap_or_else(|| derived_guid(&format!("import:{title}:{starts_at}")));
    let label = event.kind.as_deref().map(str::trim).unwrap_or_default();
    let kind = SessionKind::nearest(label);
    // Kept to be shown beside the kind when it says more than the kind's own name.
    let kind_label =
        (!label.is_empty() && !label.eq_ignore_ascii_case(kind.as_str())).then(|| label.to_owned());
    Some(SessionEntry {
        id: event.id.unwrap_or(0),
        kind: kind.as_str().to_owned(),
        kind_label,
        attendance: if room.is_some() { "on_site" } else { "virtual" }.into(),
        room,
        ends_at,
        starts_at,
        language: event.language.unwrap_or_else(|| "en".into()),
        description: event.abstract_text.unwrap_or_default(),
        questions: vec![],
        status: None,
        track: event.track.filter(|t| !t.trim().is_empty()),
        links: event
            .links
            .into_iter()
            .filter(|(url, _)| !url.trim().is_empty())
            .map(|(url, title)| LinkEntry {
                url,
                title: title.filter(|t| !t.trim().is_empty()),
            })
            .collect(),
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

/// The conference's standard fields, as text from either format.
pub(super) struct FrabConference {
    pub(super) title: Option<String>,
    pub(super) acronym: Option<String>,
    pub(super) start: Option<String>,
    pub(super) end: Option<String>,
    pub(super) zone: Option<String>,
}

pub(super) fn conference_from_frab(
    FrabConference {
        title,
        acronym,
        start,
        end,
        zone,
    }: FrabConference,
    home: Zone,
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
    // A file that names no zone is read in the zone of the event it is imported into.
    let timezone = match zone
        .as_deref()
        .filter(|z| !z.trim().is_empty())
        .map(str::parse::<Zone>)
    {
        None => Some(home),
        Some(Ok(zone)) => Some(zone),
        Some(Err(e)) => {
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
pub(super) fn assemble(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_with_or_without_seconds() {
        assert_eq!(duration_minutes("01:30"), Some(90));
        assert_eq!(duration_minutes("00:45:00"), Some(45));
        assert_eq!(duration_minutes("an hour"), None);
        assert_eq!(duration_minutes("99999999999:00"), None);
        assert_eq!(duration_minutes("-01:00"), None);
        assert_eq!(duration_minutes("01:75"), None);
    }
}
