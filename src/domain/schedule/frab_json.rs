//! `schedule.json` (c3voc's JSON schema): the writer, and the reader of Convene's own exports and
//! of any frab/c3voc JSON.

use super::frab::{
    FrabConference, FrabEvent, assemble, conference_from_frab, day_change, session_from_frab,
};
use super::*;
use serde_json::{Value, json};
use std::collections::BTreeMap;

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
                    "track": s.track.as_deref().unwrap_or(&s.kind),
                    "type": s.kind_label.as_deref().unwrap_or(&s.kind),
                    "language": s.language,
                    "abstract": s.description,
                    "description": s.questions.join("\n"),
                    "persons": s.persons.iter().map(|person| json!({
                        "guid": person.guid,
                        "name": person.name,
                        // Not in the format: readers ignore it, Convene reads it back.
                        "role": person.role,
                    })).collect::<Vec<_>>(),
                    "links": s.links.iter().map(|link| json!({
                        "url": link.url,
                        "title": link.title.as_deref().unwrap_or(&link.url),
                    })).collect::<Vec<_>>(),
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

/// Reads `schedule.json` (Convene's own export, or any frab/c3voc JSON).
pub fn from_frab_json(text: &str, home: Zone) -> Result<Schedule, Vec<ReadError>> {
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
        FrabConference {
            title: text_at(conf, "title"),
            acronym: text_at(conf, "acronym"),
            start: text_at(conf, "start"),
            end: text_at(conf, "end"),
            zone: text_at(conf, "time_zone_name"),
        },
        home,
        // JSON errors name their place by path; there are no lines to give.
        &|_| None,
        &mut errors,
    );
    let zone = conference.as_ref().map_or(home, |c| c.timezone);
    let change = day_change(conf.get("day_change").and_then(Value::as_str));
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
                let persons = people_of(event.get("persons"));
                let found = session_from_frab(
                    FrabEvent {
                        guid: text_at(event, "guid"),
                        id: event.get("id").and_then(Value::as_i64),
                        date: text_at(event, "date"),
                        day: text_at(day, "date"),
                        start: text_at(event, "start"),
                        duration: text_at(event, "duration"),
                        room: Some(room.clone()),
                        title: text_at(event, "title"),
                        kind: text_at(event, "type"),
                        language: text_at(event, "language"),
                        abstract_text: text_at(event, "abstract"),
                        persons,
                        track: track_of(event),
                        links: links_of(event),
                        line: None,
                        path: format!("schedule.conference.days[{d}].rooms.{room}[{i}]"),
                    },
                    zone,
                    change,
                    &mut errors,
                );
                sessions.extend(found);
            }
        }
    }
    // The c3voc "schedule 2.0" layout (the CCC hub): a flat list of events with start and end
    // instants, their room as an object and `participants` instead of `persons`.
    let events = value.pointer("/schedule/events").and_then(Value::as_array);
    for (i, event) in events.into_iter().flatten().enumerate() {
        let path = format!("schedule.events[{i}]");
        let start = text_at(event, "start");
        let end = text_at(event, "end");
        let duration = match (start.as_deref(), end.as_deref()) {
            (Some(start), Some(end)) => {
                match (
                    chrono::DateTime::parse_from_rfc3339(start),
                    chrono::DateTime::parse_from_rfc3339(end),
                ) {
                    (Ok(start), Ok(end)) if end > start => {
                        let minutes = (end - start).num_minutes();
                        Some(format!("{:02}:{:02}", minutes / 60, minutes % 60))
                    }
                    (Ok(_), Ok(_)) => {
                        errors.push(read_error(
                            None,
                            format!("{path}.end"),
                            "is not after start",
                        ));
                        continue;
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        let room = match event.get("room") {
            Some(Value::Object(room)) => {
                room.get("name").and_then(Value::as_str).map(str::to_owned)
            }
            Some(Value::String(name)) => Some(name.clone()),
            _ => None,
        };
        let persons = people_of(event.get("participants").or_else(|| event.get("persons")));
        let found = session_from_frab(
            FrabEvent {
                guid: text_at(event, "guid"),
                id: event.get("id").and_then(Value::as_i64),
                date: start,
                day: None,
                start: None,
                duration,
                room,
                title: text_at(event, "title"),
                kind: text_at(event, "type"),
                language: text_at(event, "language"),
                abstract_text: text_at(event, "abstract"),
                persons,
                track: track_of(event),
                links: links_of(event),
                line: None,
                path,
            },
            zone,
            change,
            &mut errors,
        );
        sessions.extend(found);
    }
    assemble(conference, sessions, errors)
}

/// An event's track: a name (frab, pretalx) or an object with its name or slug (the hub).
fn track_of(event: &Value) -> Option<String> {
    match event.get("track")? {
        Value::String(name) => Some(name.clone()),
        Value::Object(track) => track
            .get("name")
            .or_else(|| track.get("slug"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        _ => None,
    }
}

/// An event's links: `{"url", "title"}` objects (or bare URLs).
fn links_of(event: &Value) -> Vec<(String, Option<String>)> {
    event
        .get("links")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|link| match link {
            Value::String(url) => Some((url.clone(), None)),
            Value::Object(fields) => Some((
                fields.get("url")?.as_str()?.to_owned(),
                fields
                    .get("title")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            )),
            _ => None,
        })
        .collect()
}

/// An event's people (frab `persons`, the hub's `participants`): guid, name, role.
fn people_of(list: Option<&Value>) -> Vec<(Option<String>, String, Option<String>)> {
    let text_at = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| {
            let name = text_at(p, "name").or_else(|| text_at(p, "public_name"))?;
            Some((text_at(p, "guid"), name, text_at(p, "role")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::schedule::{assert_sample_read_from_standard_fields, sample};

    #[test]
    fn convene_json_round_trips_whole() {
        let schedule = sample();
        let text = to_frab_json(&schedule, "1").to_string();
        assert_eq!(
            from_frab_json(&text, sample().conference.timezone).unwrap(),
            schedule
        );
    }

    #[test]
    fn a_plain_frab_json_is_read_from_its_standard_fields() {
        let mut value = to_frab_json(&sample(), "1");
        value["schedule"].as_object_mut().unwrap().remove("convene");
        let read = from_frab_json(&value.to_string(), sample().conference.timezone).unwrap();
        assert_sample_read_from_standard_fields(&read);
    }

    #[test]
    fn unreadable_json_names_its_line() {
        let errors =
            from_frab_json("{\n\"schedule\": [\n", sample().conference.timezone).unwrap_err();
        assert!(errors[0].line.is_some(), "{errors:?}");
    }
}
