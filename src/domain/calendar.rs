//! iCalendar objects (RFC 5545) for feeds (METHOD:PUBLISH) and iTIP invitations (RFC 5546:
//! REQUEST, CANCEL), built with the `icalendar` crate.
//!
//! Times are written in UTC (`DTSTART:20211207T130000Z`) rather than as TZID + VTIMEZONE: every
//! client (Google, Outlook, Apple, Thunderbird) shows a UTC time in its reader's own zone, the
//! `icalendar` crate cannot build VTIMEZONE components, and a hand-made VTIMEZONE that drifts from
//! the client's tz data moves meetings by an hour. Sessions do not recur, so nothing is lost.

use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus, Property};

pub const PRODID: &str = "-//Convene//Convene summit programmes//EN";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// A feed: entries without a conversation.
    Publish,
    /// An invitation or an update of one (same UID, higher SEQUENCE).
    Request,
    /// The entry is withdrawn.
    Cancel,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Publish => "PUBLISH",
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryStatus {
    Confirmed,
    Tentative,
    Cancelled,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Party {
    pub email: String,
    pub name: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttendeeRole {
    /// Whoever chairs the session (a moderator).
    Chair,
    /// A speaker: their presence is what the slot is for.
    Required,
    /// An attendee: the session takes place without them.
    Optional,
}

/// Where the recipient stands (RFC 5545 PARTSTAT): it follows their answer, so that a client
/// shows the entry as accepted once they confirmed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartStat {
    NeedsAction,
    Accepted,
    Declined,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attendee {
    pub party: Party,
    pub role: AttendeeRole,
    pub partstat: PartStat,
    /// Ask the client to reply to the ORGANIZER.
    pub rsvp: bool,
}

/// One session as a calendar entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The same for every recipient and every update of the session.
    pub uid: String,
    pub sequence: u32,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub summary: String,
    pub description: String,
    pub location: Option<String>,
    /// The online meeting link: URL and RFC 7986 CONFERENCE.
    pub online_url: Option<String>,
    pub status: EntryStatus,
    pub organizer: Option<Party>,
    pub attendees: Vec<Attendee>,
}

/// A display name made safe for a quoted parameter: no quotes, no line breaks.
fn parameter_text(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_control())
        .map(|c| if c == '"' { '\'' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}

fn party_property(key: &str, party: &Party) -> Property {
    let mut property = Property::new(key, format!("mailto:{}", party.email));
    let name = parameter_text(&party.name);
    if !name.is_empty() {
        property.add_parameter("CN", &name);
    }
    property
}

fn event_of(method: Method, entry: &Entry, dtstamp: DateTime<Utc>) -> Event {
    let mut event = Event::new();
    event
        .uid(&entry.uid)
        .timestamp(dtstamp)
        .sequence(entry.sequence)
        .starts(entry.starts_at)
        .ends(entry.ends_at)
        .summary(&entry.summary)
        .description(&entry.description)
        .status(match (method, entry.status) {
            (Method::Cancel, _) | (_, EntryStatus::Cancelled) => EventStatus::Cancelled,
            (_, EntryStatus::Tentative) => EventStatus::Tentative,
            (_, EntryStatus::Confirmed) => EventStatus::Confirmed,
        });
    if let Some(location) = &entry.location {
        event.location(location);
    }
    if let Some(url) = &entry.online_url {
        event.url(url);
        let mut conference = Property::new("CONFERENCE", url);
        conference
            .add_parameter("VALUE", "URI")
            .add_parameter("FEATURE", "AUDIO,VIDEO");
        event.append_property(conference);
    }
    if let Some(organizer) = &entry.organizer {
        event.append_property(party_property("ORGANIZER", organizer));
    }
    for attendee in &entry.attendees {
        let mut property = party_property("ATTENDEE", &attendee.party);
        property
            .add_parameter("CUTYPE", "INDIVIDUAL")
            .add_parameter(
                "ROLE",
                match attendee.role {
                    AttendeeRole::Chair => "CHAIR",
                    AttendeeRole::Required => "REQ-PARTICIPANT",
                    AttendeeRole::Optional => "OPT-PARTICIPANT",
                },
            )
            .add_parameter(
                "PARTSTAT",
                match attendee.partstat {
                    PartStat::NeedsAction => "NEEDS-ACTION",
                    PartStat::Accepted => "ACCEPTED",
                    PartStat::Declined => "DECLINED",
                },
            )
            .add_parameter("RSVP", if attendee.rsvp { "TRUE" } else { "FALSE" });
        // ATTENDEE may repeat; a plain append would keep only the last one.
        event.append_multi_property(property);
    }
    // Outlook shows TRANSP and a busy status; a summit session makes its attendees busy.
    event.add_property("TRANSP", "OPAQUE");
    event.done()
}

/// A whole calendar object: VERSION, PRODID, METHOD and one VEVENT per entry.
pub fn build(
    method: Method,
    name: Option<&str>,
    entries: &[Entry],
    dtstamp: DateTime<Utc>,
) -> String {
    let mut calendar = Calendar::empty();
    calendar
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", PRODID))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", method.as_str()));
    if let Some(name) = name {
        calendar.append_property(Property::new("X-WR-CALNAME", name));
        calendar.append_property(Property::new("NAME", name));
    }
    for entry in entries {
        calendar.push(event_of(method, entry, dtstamp));
    }
    calendar.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        Entry {
            uid: "session-1@convene.test".into(),
            sequence: 2,
            starts_at: "2021-12-07T13:00:00Z".parse().unwrap(),
            ends_at: "2021-12-07T14:30:00Z".parse().unwrap(),
            summary: "Dialogue des maires; cohésion, sociale".into(),
            description: "Bienvenue et ouverture: Tunç Soyer\nQuestions:\n- Quels défis ?".into(),
            location: None,
            online_url: Some("https://meet.example.org/izmir".into()),
            status: EntryStatus::Confirmed,
            organizer: Some(Party {
                email: "organisers@izmir.example".into(),
                name: "Izmir \"Summit\"\r\nBcc: x".into(),
            }),
            attendees: vec![Attendee {
                party: Party {
                    email: "ulas@example.org".into(),
                    name: "Ülaş Bayraktar".into(),
                },
                role: AttendeeRole::Optional,
                partstat: PartStat::Accepted,
                rsvp: false,
            }],
        }
    }

    fn parsed(text: &str) -> icalendar::Calendar {
        text.parse::<icalendar::Calendar>()
            .expect("our own output parses")
    }

    #[test]
    fn an_invitation_carries_method_uid_sequence_and_utc_times() {
        let text = build(
            Method::Request,
            None,
            &[entry()],
            "2021-11-01T09:00:00Z".parse().unwrap(),
        );
        assert!(text.contains("METHOD:REQUEST\r\n"));
        assert!(text.contains(&format!("PRODID:{PRODID}\r\n")));
        assert!(text.contains("DTSTART:20211207T130000Z\r\n"));
        assert!(text.contains("DTEND:20211207T143000Z\r\n"));
        assert!(text.contains("SEQUENCE:2\r\n"));
        assert!(text.contains("DTSTAMP:20211101T090000Z\r\n"));
        assert!(text.contains("STATUS:CONFIRMED\r\n"));
        assert!(text.contains("SUMMARY:Dialogue des maires\\; cohésion\\, sociale\r\n"));
        let calendar = parsed(&text);
        let event = calendar
            .components
            .iter()
            .find_map(|c| c.as_event())
            .unwrap();
        assert_eq!(event.get_uid(), Some("session-1@convene.test"));
        assert_eq!(
            event.get_summary(),
            Some("Dialogue des maires; cohésion, sociale")
        );
        assert_eq!(
            event.get_description(),
            Some("Bienvenue et ouverture: Tunç Soyer\nQuestions:\n- Quels défis ?")
        );
    }

    #[test]
    fn display_names_cannot_break_out_of_their_parameter() {
        let text = build(Method::Request, None, &[entry()], Utc::now());
        let unfolded = text.replace("\r\n ", "");
        let organizer = unfolded
            .lines()
            .find(|l| l.starts_with("ORGANIZER"))
            .unwrap();
        assert_eq!(
            organizer,
            "ORGANIZER;CN=\"Izmir 'Summit'Bcc: x\":mailto:organisers@izmir.example"
        );
        let attendee = unfolded
            .lines()
            .find(|l| l.starts_with("ATTENDEE"))
            .unwrap();
        assert!(
            attendee.contains("CN=Ülaş Bayraktar")
                && attendee.contains("ROLE=OPT-PARTICIPANT")
                && attendee.contains("PARTSTAT=ACCEPTED")
                && attendee.contains("RSVP=FALSE"),
            "{attendee}"
        );
    }

    #[test]
    fn lines_are_folded_at_75_octets() {
        let mut long = entry();
        long.description =
            "Quels sont les principaux défis qui nuisent à la cohésion sociale ? ".repeat(6);
        let text = build(Method::Publish, Some("Izmir"), &[long.clone()], Utc::now());
        assert!(text.split("\r\n").all(|line| line.len() <= 75), "{text}");
        let calendar = parsed(&text);
        let event = calendar
            .components
            .iter()
            .find_map(|c| c.as_event())
            .unwrap();
        assert_eq!(event.get_description(), Some(long.description.as_str()));
    }

    #[test]
    fn a_cancellation_is_cancelled_whatever_the_entry_says() {
        let text = build(Method::Cancel, None, &[entry()], Utc::now());
        assert!(text.contains("METHOD:CANCEL\r\n") && text.contains("STATUS:CANCELLED\r\n"));
    }

    #[test]
    fn online_sessions_carry_url_and_conference() {
        let text = build(Method::Publish, None, &[entry()], Utc::now()).replace("\r\n ", "");
        assert!(text.contains("URL:https://meet.example.org/izmir\r\n"));
        let conference = text.lines().find(|l| l.starts_with("CONFERENCE")).unwrap();
        assert!(
            conference.contains("VALUE=URI")
                && conference.contains("FEATURE=\"AUDIO,VIDEO\"")
                && conference.ends_with(":https://meet.example.org/izmir"),
            "{conference}"
        );
    }
}
