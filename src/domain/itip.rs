//! Reading an iTIP REPLY (RFC 5546 §3.2.3): the answer a calendar sends back when its user
//! presses Accept or Decline. Only what Convene acts on is read: the entry's UID and SEQUENCE,
//! and the one ATTENDEE who answers with their PARTSTAT. The calendar text is parsed by the
//! `icalendar` crate; this module only normalises what clients write differently (bare LF line
//! endings, `MAILTO:` in capitals, quoted names folded mid-word).

use icalendar::parser::{Component, read_calendar, unfold};

/// What the attendee answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    Accepted,
    Declined,
    Tentative,
    /// Anything else a client may send (`DELEGATED`, `NEEDS-ACTION`), kept as written.
    Other(String),
}

impl Answer {
    fn parse(value: &str) -> Answer {
        match value.trim().to_ascii_uppercase().as_str() {
            "ACCEPTED" => Answer::Accepted,
            "DECLINED" => Answer::Declined,
            "TENTATIVE" => Answer::Tentative,
            other => Answer::Other(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Answer::Accepted => "ACCEPTED",
            Answer::Declined => "DECLINED",
            Answer::Tentative => "TENTATIVE",
            Answer::Other(other) => other,
        }
    }
}

/// One reply, as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub uid: String,
    /// The SEQUENCE of the entry the attendee answered (0 when absent, RFC 5545 §3.8.7.4).
    pub sequence: i64,
    /// The answering attendee's address, lower-cased.
    pub attendee: String,
    pub answer: Answer,
    /// The ORGANIZER's address, lower-cased, when given.
    pub organizer: Option<String>,
}

/// Why a calendar text is not a reply Convene can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotAReply {
    /// The text does not parse as iCalendar.
    Unreadable(String),
    /// `METHOD` is not `REPLY` (a REQUEST forwarded back, a COUNTER, a PUBLISH…).
    Method(String),
    /// No VEVENT, or one without UID.
    NoEntry,
    /// A reply names exactly one ATTENDEE with a PARTSTAT; this one names none or several.
    Attendees(usize),
}

impl std::fmt::Display for NotAReply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotAReply::Unreadable(why) => write!(f, "the calendar does not parse: {why}"),
            NotAReply::Method(method) if method.is_empty() => {
                write!(f, "the calendar has no METHOD; only METHOD:REPLY is read")
            }
            NotAReply::Method(method) => {
                write!(
                    f,
                    "METHOD:{method} is not a reply; only METHOD:REPLY is read"
                )
            }
            NotAReply::NoEntry => write!(f, "the calendar holds no VEVENT with a UID"),
            NotAReply::Attendees(n) => write!(
                f,
                "a reply names exactly one answering ATTENDEE; this one names {n}"
            ),
        }
    }
}

/// Reads a REPLY from the text of a `text/calendar` or `application/ics` part.
pub fn read_reply(text: &str) -> Result<Reply, NotAReply> {
    // Parsers expect CRLF; mail relays and some clients deliver bare LF.
    let normalised = text.replace("\r\n", "\n").replace('\n', "\r\n");
    let unfolded = unfold(&normalised);
    let calendar = read_calendar(&unfolded).map_err(|e| {
        NotAReply::Unreadable(e.lines().next().unwrap_or("unknown error").to_owned())
    })?;
    let method = calendar
        .properties
        .iter()
        .find(|p| p.name.as_str().eq_ignore_ascii_case("METHOD"))
        .map(|p| p.val.as_str().trim().to_ascii_uppercase())
        .unwrap_or_default();
    if method != "REPLY" {
        return Err(NotAReply::Method(method));
    }
    let event = calendar
        .components
        .iter()
        .find(|c| c.name.as_str().eq_ignore_ascii_case("VEVENT"))
        .ok_or(NotAReply::NoEntry)?;
    let uid = value(event, "UID")
        .map(str::trim)
        .filter(|uid| !uid.is_empty())
        .ok_or(NotAReply::NoEntry)?
        .to_owned();
    let sequence = value(event, "SEQUENCE")
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or(0);
    let answering: Vec<(String, Answer)> = event
        .properties
        .iter()
        .filter(|p| p.name.as_str().eq_ignore_ascii_case("ATTENDEE"))
        .filter_map(|p| {
            let partstat = p
                .params
                .iter()
                .find(|param| param.key.as_str().eq_ignore_ascii_case("PARTSTAT"))?
                .val
                .as_ref()?;
            Some((address(p.val.as_str()), Answer::parse(partstat.as_str())))
        })
        .collect();
    let [(attendee, answer)] =
        <[_; 1]>::try_from(answering).map_err(|all: Vec<_>| NotAReply::Attendees(all.len()))?;
    Ok(Reply {
        uid,
        sequence,
        attendee,
        answer,
        organizer: value(event, "ORGANIZER").map(address),
    })
}

fn value<'a>(component: &'a Component<'_>, name: &str) -> Option<&'a str> {
    component
        .properties
        .iter()
        .find(|p| p.name.as_str().eq_ignore_ascii_case(name))
        .map(|p| p.val.as_str())
}

/// `MAILTO:Ana@Example.org` → `ana@example.org`.
fn address(value: &str) -> String {
    let value = value.trim();
    let bare = match value.get(..7) {
        Some(scheme) if scheme.eq_ignore_ascii_case("mailto:") => &value[7..],
        _ => value,
    };
    bare.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPLY: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:slot-4@convene.test\r\nDTSTAMP:20211201T100000Z\r\nSEQUENCE:2\r\nORGANIZER;CN=Secretariat:mailto:Secretariat@Example.org\r\nATTENDEE;ROLE=REQ-PARTICIPANT;CN=\"Ana\r\n  Lopes\";PARTSTAT=ACCEPTED:MAILTO:Ana@Example.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    #[test]
    fn a_reply_gives_its_uid_sequence_attendee_and_answer() {
        let reply = read_reply(REPLY).unwrap();
        assert_eq!(reply.uid, "slot-4@convene.test");
        assert_eq!(reply.sequence, 2);
        assert_eq!(reply.attendee, "ana@example.org");
        assert_eq!(reply.answer, Answer::Accepted);
        assert_eq!(reply.organizer.as_deref(), Some("secretariat@example.org"));
    }

    #[test]
    fn bare_line_feeds_read_the_same() {
        assert_eq!(read_reply(&REPLY.replace("\r\n", "\n")), read_reply(REPLY));
    }

    #[test]
    fn a_request_is_not_a_reply() {
        let request = REPLY.replace("METHOD:REPLY", "METHOD:REQUEST");
        assert_eq!(
            read_reply(&request),
            Err(NotAReply::Method("REQUEST".into()))
        );
    }

    #[test]
    fn a_reply_without_sequence_answers_sequence_zero() {
        let reply = read_reply(&REPLY.replace("SEQUENCE:2\r\n", "")).unwrap();
        assert_eq!(reply.sequence, 0);
    }

    #[test]
    fn two_answering_attendees_are_refused() {
        let two = REPLY.replace(
            "END:VEVENT",
            "ATTENDEE;PARTSTAT=DECLINED:mailto:other@example.org\r\nEND:VEVENT",
        );
        assert_eq!(read_reply(&two), Err(NotAReply::Attendees(2)));
    }

    #[test]
    fn garbage_is_unreadable_not_a_panic() {
        assert!(matches!(
            read_reply("BEGIN:VCALENDAR\r\nthis is not"),
            Err(NotAReply::Unreadable(_) | NotAReply::Method(_))
        ));
    }
}
