//! `schedule.xml` (frab's XML, valid against the c3voc XSD): the writer, and the reader of
//! Convene's own exports and of any frab XML.

use super::frab::{
    FrabConference, FrabEvent, assemble, conference_from_frab, day_change, session_from_frab,
};
use super::*;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesPI, BytesStart, BytesText, Event};
use std::collections::BTreeMap;

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
            text_element(
                &mut writer,
                "type",
                s.kind_label.as_deref().unwrap_or(&s.kind),
            )?;
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
            text_element(&mut writer, "track", s.track.as_deref().unwrap_or(&s.kind))?;
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

/// Line numbers of byte positions that only move forward: each call counts only the newlines
/// since the previous one, so reading a document counts each line once (recounting from the top
/// for every token made a 700 KB file take 35 s).
struct Lines<'a> {
    text: &'a [u8],
    counted_to: usize,
    line: u64,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Lines {
            text: text.as_bytes(),
            counted_to: 0,
            line: 1,
        }
    }

    fn at(&mut self, byte: u64) -> u64 {
        let end = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        if end < self.counted_to {
            // Positions do not go back while reading; count afresh if one ever does.
            return 1 + self.text[..end].iter().filter(|b| **b == b'\n').count() as u64;
        }
        self.line += self.text[self.counted_to..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64;
        self.counted_to = end;
        self.line
    }
}

/// Reads `schedule.xml` (Convene's own export, or any frab XML); `home` is the zone of the event
/// it is imported into, in which a file that names no zone is read.
pub fn from_frab_xml(text: &str, home: Zone) -> Result<Schedule, Vec<ReadError>> {
    use quick_xml::Reader;
    let mut reader = Reader::from_str(text);
    let mut lines = Lines::new(text);
    let mut path: Vec<String> = Vec::new();
    let mut errors = Vec::new();
    let mut conf: BTreeMap<String, String> = BTreeMap::new();
    // Where each conference field ended, and where the conference began (for missing ones).
    let mut conf_lines: BTreeMap<String, u64> = BTreeMap::new();
    let mut conference_line: Option<u64> = None;
    let mut events: Vec<FrabEvent> = Vec::new();
    let mut current: Option<FrabEvent> = None;
    let mut person: Option<Option<String>> = None;
    let mut link_href: Option<String> = None;
    let mut room_name: Option<String> = None;
    let mut day_date: Option<String> = None;
    let mut text_buf = String::new();
    loop {
        let position = reader.buffer_position();
        let line = Some(lines.at(position));
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => {
                return Err(vec![read_error(
                    Some(lines.at(reader.error_position())),
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
                    "day" => day_date = attr("date"),
                    "event" => {
                        current = Some(FrabEvent {
                            guid: attr("guid"),
                            id: attr("id").and_then(|v| v.parse().ok()),
                            date: None,
                            day: day_date.clone(),
                            start: None,
                            duration: None,
                            room: room_name.clone(),
                            title: None,
                            kind: None,
                            language: None,
                            abstract_text: None,
                            persons: vec![],
                            track: None,
                            links: vec![],
                            line,
                            path: format!("event[guid={}]", attr("guid").unwrap_or_default()),
                        })
                    }
                    "person" => person = Some(attr("guid")),
                    "link" => link_href = attr("href"),
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
                    other => match r.resolve_char_ref().ok().flatten() {
                        Some(character) => String::from(character),
                        None => {
                            // Refused with its line; a file with problems imports nothing.
                            errors.push(read_error(
                                line,
                                path.join("/"),
                                format!(
                                    "&{other}; is not defined: use the character itself, a numeric reference (&#287;) or one of &amp; &lt; &gt; &quot; &apos;"
                                ),
                            ));
                            String::new()
                        }
                    },
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
                                "date" if !value.is_empty() => e.date = Some(value),
                                "start" => e.start = Some(value),
                                "duration" => e.duration = Some(value),
                                "title" => e.title = Some(value),
                                "type" => e.kind = Some(value),
                                "language" => e.language = Some(value),
                                "abstract" => e.abstract_text = Some(value),
                                "room" if !value.is_empty() => e.room = Some(value),
                                "track" => e.track = Some(value),
                                _ => {}
                            }
                        }
                    }
                    (Some("links"), "link") => {
                        if let (Some(e), Some(href)) = (current.as_mut(), link_href.take()) {
                            e.links.push((href, Some(value)));
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
        FrabConference {
            title: conf.get("title").cloned(),
            acronym: conf.get("acronym").cloned(),
            start: conf.get("start").cloned(),
            end: conf.get("end").cloned(),
            zone: conf.get("time_zone_name").cloned(),
        },
        home,
        &|field| conf_lines.get(field).copied().or(conference_line),
        &mut errors,
    );
    let zone = conference.as_ref().map_or(home, |c| c.timezone);
    let change = day_change(conf.get("day_change").map(String::as_str));
    let sessions: Vec<SessionEntry> = events
        .into_iter()
        .filter_map(|event| session_from_frab(event, zone, change, &mut errors))
        .collect();
    assemble(conference, sessions, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::schedule::{assert_sample_read_from_standard_fields, sample};

    #[test]
    fn a_talk_after_midnight_stays_in_the_night_its_day_gives_it() {
        // pentabarf: local starts under <day date>, a day that changes at 04:00.
        let xml = r#"<schedule><conference><title>Night</title><start>2021-02-06</start>
<end>2021-02-07</end><day_change>04:00</day_change><time_zone_name>Europe/Brussels</time_zone_name></conference>
<day date="2021-02-06" index="1"><room name="K.1"><event id="1"><start>23:30</start><duration>00:30</duration>
<title>Late</title></event><event id="2"><start>01:30</start><duration>00:30</duration><title>Later</title>
</event></room></day></schedule>"#;
        let schedule = from_frab_xml(xml, "Europe/Brussels".parse().unwrap()).unwrap();
        let starts: Vec<String> = schedule
            .sessions
            .iter()
            .map(|s| s.starts_at.to_rfc3339())
            .collect();
        assert_eq!(
            starts,
            ["2021-02-06T22:30:00+00:00", "2021-02-07T00:30:00+00:00"]
        );
    }

    #[test]
    fn convene_xml_round_trips_whole() {
        let schedule = sample();
        let text = to_frab_xml(&schedule, "1").unwrap();
        assert_eq!(
            from_frab_xml(&text, sample().conference.timezone).unwrap(),
            schedule
        );
    }

    #[test]
    fn a_plain_frab_xml_is_read_from_its_standard_fields() {
        let text = to_frab_xml(&sample(), "1").unwrap();
        let start = text.find("<?convene").unwrap();
        let end = start + text[start..].find("?>").unwrap() + 2;
        let plain = format!("{}{}", &text[..start], &text[end..]);
        let read = from_frab_xml(&plain, sample().conference.timezone).unwrap();
        assert_sample_read_from_standard_fields(&read);
    }

    #[test]
    fn line_numbers_count_forward_and_survive_a_step_back() {
        let text = "a\nb\nc\nd";
        let mut lines = Lines::new(text);
        assert_eq!(lines.at(0), 1);
        assert_eq!(lines.at(2), 2);
        assert_eq!(lines.at(6), 4);
        assert_eq!(lines.at(3), 2);
        assert_eq!(lines.at(100), 4);
    }

    #[test]
    fn undefined_entities_are_refused_with_their_line_and_numeric_references_are_text() {
        let text = to_frab_xml(&sample(), "1").unwrap();
        let start = text.find("<?convene").unwrap();
        let end = start + text[start..].find("?>").unwrap() + 2;
        let plain = format!("{}{}", &text[..start], &text[end..]);
        let numeric = plain.replace("Consultation mechanisms", "Do&#287;an &amp; co");
        let read = from_frab_xml(&numeric, sample().conference.timezone).unwrap();
        assert!(read.sessions.iter().any(|s| s.title == "Doğan & co"));
        let undefined = plain.replace("Consultation mechanisms", "Caf&eacute;");
        let errors = from_frab_xml(&undefined, sample().conference.timezone).unwrap_err();
        let line = undefined[..undefined.find("Caf&eacute;").unwrap()]
            .matches('\n')
            .count() as u64
            + 1;
        assert_eq!(errors[0].line, Some(line), "{errors:?}");
        assert!(
            errors[0].reason.contains("&eacute; is not defined"),
            "{errors:?}"
        );
    }

    #[test]
    fn malformed_xml_names_its_line() {
        let errors = from_frab_xml(
            "<schedule>\n<conference>\n<title>x</conference>",
            sample().conference.timezone,
        )
        .unwrap_err();
        assert_eq!(errors[0].line, Some(3), "{errors:?}");
    }
}
