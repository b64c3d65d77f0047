//! Composing emails: subjects and bodies from `templates/email/` (text and auto-escaped HTML,
//! French or English), and the iMIP MIME structure calendar clients expect:
//! `multipart/mixed{ multipart/alternative{ text/plain, text/html, text/calendar; method=… }, invite.ics }`.
//! No I/O: the templates are compiled into the binary.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use lettre::Message;
use lettre::message::MessageBuilder;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use minijinja::{Environment, context};
use serde::Serialize;

use crate::domain::calendar::{
    self, Attendee, AttendeeRole, Entry, EntryStatus, Method, PartStat, Party,
};
use crate::domain::changes::{CalendarFacts, Change};
use crate::domain::format::{dated_times_text, instant_text};
use crate::domain::text::UiLanguage;
use crate::domain::vocab::Role;
use crate::domain::zone::{DisplayZone, Zone};

static TEMPLATES: LazyLock<Result<Environment<'static>, minijinja::Error>> = LazyLock::new(|| {
    let mut env = Environment::new();
    for (name, source) in [
        (
            "session.fr.txt",
            include_str!("../../templates/email/session.fr.txt"),
        ),
        (
            "session.en.txt",
            include_str!("../../templates/email/session.en.txt"),
        ),
        (
            "session.fr.html",
            include_str!("../../templates/email/session.fr.html"),
        ),
        (
            "session.en.html",
            include_str!("../../templates/email/session.en.html"),
        ),
        (
            "registration.fr.txt",
            include_str!("../../templates/email/registration.fr.txt"),
        ),
        (
            "registration.en.txt",
            include_str!("../../templates/email/registration.en.txt"),
        ),
        (
            "registration.fr.html",
            include_str!("../../templates/email/registration.fr.html"),
        ),
        (
            "registration.en.html",
            include_str!("../../templates/email/registration.en.html"),
        ),
        (
            "reminder.fr.txt",
            include_str!("../../templates/email/reminder.fr.txt"),
        ),
        (
            "reminder.en.txt",
            include_str!("../../templates/email/reminder.en.txt"),
        ),
    ] {
        env.add_template(name, source)?;
    }
    Ok(env)
});

/// Compiles every email template, so that start-up stops on one that does not compile instead of
/// the first reader who needs it finding out.
/// minijinja's errors are not `Clone`; the kept one is handed out as a copy of its kind and text.
fn owned(error: &minijinja::Error) -> minijinja::Error {
    minijinja::Error::new(error.kind(), error.to_string())
}

pub fn templates_ready() -> Result<(), minijinja::Error> {
    TEMPLATES.as_ref().map(|_| ()).map_err(owned)
}

fn render(name: &str, ctx: minijinja::Value) -> anyhow::Result<String> {
    let templates = TEMPLATES.as_ref().map_err(owned)?;
    Ok(templates.get_template(name)?.render(ctx)?)
}

/// Who an email is for, and how they read times.
#[derive(Clone, Debug)]
pub struct Recipient {
    pub name: String,
    pub email: String,
    pub lang: UiLanguage,
    pub zone: Zone,
}

/// What a session email is about.
#[derive(Clone, Debug, PartialEq)]
pub enum SessionMail {
    /// A confirmed seat (or a speaker's confirmed slot).
    Invitation,
    /// A waitlisted seat became free.
    Promoted,
    /// What changed, and the session as it was before, so the email can say "previously".
    Update(Vec<Change>, CalendarFacts),
    Cancel,
    /// The speaker declined their slot: it leaves their calendar, marked declined.
    SpeakerDeclined,
    /// A speaker asked to take a slot: tentative, with the link to answer.
    SpeakerInvitation {
        role: Role,
        talk_title: Option<String>,
        answer_url: String,
    },
}

/// The session as every email about it describes it.
#[derive(Clone, Debug)]
pub struct SessionFacts {
    pub uid: String,
    pub sequence: u32,
    pub title: String,
    pub event_title: String,
    pub event_zones: Vec<DisplayZone>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub description: String,
    pub location: Option<String>,
    pub online_url: Option<String>,
    pub roles: Vec<(Role, Vec<String>)>,
    pub questions: Vec<String>,
    pub organiser: Party,
}

/// A composed email: what the outbox stores.
#[derive(Clone, Debug)]
pub struct Composed {
    pub subject: String,
    pub message: String,
}

fn change_words(changes: &[Change], lang: UiLanguage) -> String {
    changes
        .iter()
        .map(|change| match (change, lang) {
            (Change::Title, UiLanguage::Fr) => "titre",
            (Change::Time, UiLanguage::Fr) => "horaire",
            (Change::Place, UiLanguage::Fr) => "lieu",
            (Change::Link, UiLanguage::Fr) => "lien de connexion",
            (Change::Status, UiLanguage::Fr) => "statut",
            (Change::Title, UiLanguage::En) => "title",
            (Change::Time, UiLanguage::En) => "time",
            (Change::Place, UiLanguage::En) => "place",
            (Change::Link, UiLanguage::En) => "meeting link",
            (Change::Status, UiLanguage::En) => "status",
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn subject(kind: &SessionMail, title: &str, when: &str, lang: UiLanguage) -> String {
    match (kind, lang) {
        (SessionMail::Invitation, UiLanguage::Fr) => format!("Invitation : {title} ({when})"),
        (SessionMail::Invitation, UiLanguage::En) => format!("Invitation: {title} ({when})"),
        (SessionMail::Promoted, UiLanguage::Fr) => format!("Place confirmée : {title} ({when})"),
        (SessionMail::Promoted, UiLanguage::En) => format!("Seat confirmed: {title} ({when})"),
        (SessionMail::Update(changes, _), UiLanguage::Fr) => format!(
            "Modifié ({}) : {title} ({when})",
            change_words(changes, lang)
        ),
        (SessionMail::Update(changes, _), UiLanguage::En) => format!(
            "Updated ({}): {title} ({when})",
            change_words(changes, lang)
        ),
        (SessionMail::Cancel, UiLanguage::Fr) => format!("Annulé : {title}"),
        (SessionMail::Cancel, UiLanguage::En) => format!("Cancelled: {title}"),
        (SessionMail::SpeakerDeclined, UiLanguage::Fr) => format!("Décliné : {title} ({when})"),
        (SessionMail::SpeakerDeclined, UiLanguage::En) => format!("Declined: {title} ({when})"),
        (SessionMail::SpeakerInvitation { .. }, UiLanguage::Fr) => {
            format!("Invitation à intervenir : {title} ({when})")
        }
        (SessionMail::SpeakerInvitation { .. }, UiLanguage::En) => {
            format!("Speaker invitation: {title} ({when})")
        }
    }
}

/// The calendar DESCRIPTION: the session text, speakers by role, guiding questions.
pub fn calendar_description(facts: &SessionFacts, lang: UiLanguage) -> String {
    let mut text = facts.description.trim().to_owned();
    for (role, people) in &facts.roles {
        text.push_str(&format!("\n\n{}:\n", role.label(lang)));
        text.push_str(
            &people
                .iter()
                .map(|p| format!("- {p}"))
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
    if !facts.questions.is_empty() {
        text.push_str(if lang == UiLanguage::Fr {
            "\n\nQuestions :\n"
        } else {
            "\n\nQuestions:\n"
        });
        text.push_str(
            &facts
                .questions
                .iter()
                .map(|q| format!("- {q}"))
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
    text.trim().to_owned()
}

/// Control characters never reach a header, whatever a name holds.
fn header_text(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Where every message Convene writes starts: From, To, Subject (RFC 2047-encoded by lettre
/// when not ASCII), a Message-ID under the sender's domain; lettre adds Date, and MIME-Version
/// with the body's Content-Type and transfer encoding.
fn message(from: &Party, to: &Party, subject: &str) -> anyhow::Result<MessageBuilder> {
    let sender = mailbox(from)?;
    let id = format!("<{}@{}>", uuid::Uuid::new_v4(), sender.email.domain());
    Ok(Message::builder()
        .message_id(Some(id))
        .from(sender)
        .to(mailbox(to)?)
        .subject(subject))
}

/// A short notice to an event's organisers (a speaker answered, say): plain UTF-8 text.
pub fn notice_email(organiser: &Party, subject: &str, text: String) -> anyhow::Result<Composed> {
    plain_email(organiser, organiser, subject, text)
}

/// A plain UTF-8 text email from `from` to `to` (a co-organiser's invitation, say).
pub fn plain_email(
    from: &Party,
    to: &Party,
    subject: &str,
    text: String,
) -> anyhow::Result<Composed> {
    let subject = header_text(subject);
    let message = message(from, to, &subject)?.singlepart(SinglePart::plain(text))?;
    Ok(Composed {
        subject,
        message: String::from_utf8_lossy(&message.formatted()).into_owned(),
    })
}

fn mailbox(party: &Party) -> anyhow::Result<Mailbox> {
    let name = header_text(&party.name);
    Ok(Mailbox::new(
        (!name.is_empty()).then_some(name),
        party.email.parse()?,
    ))
}

#[derive(Serialize)]
struct RoleGroup {
    label: &'static str,
    people: Vec<String>,
}

/// How one recipient stands in the calendar entry an email carries. Attendees share the
/// session's entry (its UID, its SEQUENCE = the session's revision). A speaker's slot is an entry
/// of their own (`slot-{participant}@…`, its own SEQUENCE): it is tentative until they confirm,
/// which the attendees' entry never is, and their answer must not touch anyone else's entry.
#[derive(Clone, Debug)]
pub struct Invitee {
    pub uid: String,
    pub sequence: u32,
    pub role: AttendeeRole,
    pub partstat: PartStat,
    /// Ask the calendar to reply to the organiser.
    pub rsvp: bool,
    /// Whether the email carries the calendar entry at all: a registrant who chose one email
    /// and their feed holds no entry of their own, and is told of changes in words only.
    pub calendar: bool,
}

/// The personal links an email may carry.
#[derive(Clone, Copy, Debug, Default)]
pub struct MailLinks<'a> {
    /// The recipient's calendar subscription.
    pub feed: Option<&'a str>,
    /// Their registration page (known only while registering: the token is stored hashed).
    pub manage: Option<&'a str>,
}

impl<'a> MailLinks<'a> {
    pub fn feed(feed: Option<&'a str>) -> Self {
        MailLinks { feed, manage: None }
    }
}

impl Invitee {
    /// A registrant holding a seat: they asked for it, so they have accepted. Their SEQUENCE is
    /// the session's revision plus their seat's own steps (a cancelled seat, given again).
    pub fn attendee(facts: &SessionFacts, seat_sequence: i32, rsvp: bool) -> Self {
        Invitee {
            uid: facts.uid.clone(),
            sequence: facts.sequence + u32::try_from(seat_sequence).unwrap_or(0),
            role: AttendeeRole::Optional,
            partstat: PartStat::Accepted,
            rsvp,
            calendar: true,
        }
    }

    /// A speaker in their slot: moderators chair, everyone else is required; their answer so
    /// far; replies asked for, so that Accept and Decline reach the organisers.
    pub fn speaker(
        facts: &SessionFacts,
        participant_id: i64,
        sequence: u32,
        role: Role,
        partstat: PartStat,
    ) -> Self {
        let host = facts
            .uid
            .split_once('@')
            .map_or("convene", |(_, host)| host);
        Invitee {
            uid: format!("slot-{participant_id}@{host}"),
            sequence,
            role: if role == Role::Moderator {
                AttendeeRole::Chair
            } else {
                AttendeeRole::Required
            },
            partstat,
            rsvp: true,
            calendar: true,
        }
    }
}

pub fn session_email(
    facts: &SessionFacts,
    kind: &SessionMail,
    recipient: &Recipient,
    links: &MailLinks,
    invitee: &Invitee,
    dtstamp: DateTime<Utc>,
) -> anyhow::Result<Composed> {
    let lang = recipient.lang;
    let own_zone = DisplayZone::named(recipient.zone);
    let day = instant_text(&own_zone, facts.starts_at, lang);
    // "Paris: mardi 7 décembre 2021, 14h CET (UTC+1)" → the date part for the subject.
    let when = day
        .split_once(": ")
        .map_or(day.as_str(), |(_, rest)| rest)
        .to_owned();
    let (method, status) = match kind {
        SessionMail::Cancel | SessionMail::SpeakerDeclined => {
            (Method::Cancel, EntryStatus::Cancelled)
        }
        SessionMail::SpeakerInvitation { .. } => (Method::Request, EntryStatus::Tentative),
        _ => (Method::Request, EntryStatus::Confirmed),
    };
    let entry = Entry {
        uid: invitee.uid.clone(),
        sequence: invitee.sequence,
        starts_at: facts.starts_at,
        ends_at: facts.ends_at,
        summary: facts.title.clone(),
        description: calendar_description(facts, lang),
        location: facts.location.clone(),
        online_url: facts.online_url.clone(),
        status,
        organizer: Some(facts.organiser.clone()),
        attendees: vec![Attendee {
            party: Party {
                email: recipient.email.clone(),
                name: recipient.name.clone(),
            },
            role: invitee.role,
            partstat: invitee.partstat,
            rsvp: invitee.rsvp,
        }],
    };
    let ics = calendar::build(method, None, &[entry], dtstamp);

    let (role_label, talk_title, action_url) = match kind {
        SessionMail::SpeakerInvitation {
            role,
            talk_title,
            answer_url,
        } => (
            Some(role.label(lang)),
            talk_title.clone(),
            Some(answer_url.clone()),
        ),
        _ => (None, None, None),
    };
    let kind_name = match kind {
        SessionMail::Invitation => "invitation",
        SessionMail::Promoted => "promoted",
        SessionMail::Update(..) => "update",
        SessionMail::Cancel => "cancel",
        SessionMail::SpeakerDeclined => "declined",
        SessionMail::SpeakerInvitation { .. } => "speaker",
    };
    let changes = match kind {
        SessionMail::Update(changes, _) => change_words(changes, lang),
        _ => String::new(),
    };
    // An update says what the session was: the old time in the reader's zone, the old title.
    let (was_time, was_title) = match kind {
        SessionMail::Update(changes, before) => (
            changes.contains(&Change::Time).then(|| {
                dated_times_text(&own_zone, before.starts_at, before.ends_at, lang)
                    .split_once(": ")
                    .map(|(_, rest)| rest.to_owned())
                    .unwrap_or_default()
            }),
            changes
                .contains(&Change::Title)
                .then(|| before.title.clone()),
        ),
        _ => (None, None),
    };
    let roles: Vec<RoleGroup> = facts
        .roles
        .iter()
        .map(|(role, people)| RoleGroup {
            label: role.label(lang),
            people: people.clone(),
        })
        .collect();
    let zone_lines: Vec<String> = facts
        .event_zones
        .iter()
        .map(|z| dated_times_text(z, facts.starts_at, facts.ends_at, lang))
        .collect();
    let action_label = match lang {
        UiLanguage::Fr => "Confirmer ou décliner",
        UiLanguage::En => "Confirm or decline",
    };
    let ctx = context! {
        kind => kind_name,
        name => &recipient.name,
        title => &facts.title,
        event_title => &facts.event_title,
        // "Wednesday 8 December 2021, 8:00–9:30 AM EST (UTC-5)": the date once, then the span.
        your_time => dated_times_text(&own_zone, facts.starts_at, facts.ends_at, lang).split_once(": ").map(|(_, t)| t.to_owned()).unwrap_or_default(),
        zone_lines => zone_lines,
        location => &facts.location,
        online_url => if matches!(kind, SessionMail::Cancel | SessionMail::SpeakerDeclined) { None } else { facts.online_url.clone() },
        description => facts.description.trim(),
        roles => roles,
        questions => &facts.questions,
        changes => changes,
        was_time => was_time,
        was_title => was_title,
        role => role_label,
        talk_title => talk_title,
        action_url => action_url,
        action_label => action_label,
        feed_url => links.feed,
        manage_url => links.manage,
        subscribed => !invitee.calendar,
        organiser => &facts.organiser.name,
    };
    let text = render(&format!("session.{}.txt", lang.code()), ctx.clone())?;
    let html = render(&format!("session.{}.html", lang.code()), ctx)?;
    let subject = header_text(&subject(kind, &facts.title, &when, lang));

    let calendar_type = ContentType::parse(&format!(
        "text/calendar; method={}; charset=UTF-8",
        method.as_str()
    ))?;
    let to = Party {
        email: recipient.email.clone(),
        name: recipient.name.clone(),
    };
    let builder = message(&facts.organiser, &to, &subject)?.reply_to(mailbox(&facts.organiser)?);
    let message = if invitee.calendar {
        builder.multipart(
            MultiPart::mixed()
                .multipart(
                    MultiPart::alternative()
                        .singlepart(SinglePart::plain(text))
                        .singlepart(SinglePart::html(html))
                        .singlepart(
                            SinglePart::builder()
                                .header(calendar_type)
                                .body(ics.clone()),
                        ),
                )
                .singlepart(
                    Attachment::new("invite.ics".to_owned())
                        .body(ics, ContentType::parse("application/ics")?),
                ),
        )?
    } else {
        builder.multipart(MultiPart::alternative_plain_html(text, html))?
    };
    Ok(Composed {
        subject,
        message: String::from_utf8_lossy(&message.formatted()).into_owned(),
    })
}

/// One line of the registration summary.
#[derive(Clone, Debug, Serialize)]
pub struct SessionLine {
    pub title: String,
    pub time: String,
    pub status: String,
}

/// Which registration summary: recorded, or cancelled as a whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Summary {
    Recorded,
    Cancelled,
}

/// The registration summary. `single_email`: the registrant chose this one email (with their
/// feed) instead of one invitation per session.
#[allow(clippy::too_many_arguments)]
pub fn registration_email(
    summary: Summary,
    recipient: &Recipient,
    organiser: &Party,
    event_title: &str,
    attendance: &str,
    sessions: &[SessionLine],
    manage_url: Option<&str>,
    feed_url: &str,
    single_email: bool,
) -> anyhow::Result<Composed> {
    let lang = recipient.lang;
    let ctx = context! {
        kind => match summary { Summary::Recorded => "recorded", Summary::Cancelled => "cancelled" },
        single => single_email,
        name => &recipient.name,
        event_title => event_title,
        attendance => attendance,
        sessions => sessions,
        manage_url => manage_url,
        feed_url => feed_url,
        organiser => &organiser.name,
    };
    let text = render(&format!("registration.{}.txt", lang.code()), ctx.clone())?;
    let html = render(&format!("registration.{}.html", lang.code()), ctx)?;
    let subject = header_text(&match (summary, lang) {
        (Summary::Recorded, UiLanguage::Fr) => format!("Inscription enregistrée : {event_title}"),
        (Summary::Recorded, UiLanguage::En) => format!("Registration recorded: {event_title}"),
        (Summary::Cancelled, UiLanguage::Fr) => format!("Inscription annulée : {event_title}"),
        (Summary::Cancelled, UiLanguage::En) => format!("Registration cancelled: {event_title}"),
    });
    let to = Party {
        email: recipient.email.clone(),
        name: recipient.name.clone(),
    };
    let message = message(organiser, &to, &subject)?
        .multipart(MultiPart::alternative_plain_html(text, html))?;
    Ok(Composed {
        subject,
        message: String::from_utf8_lossy(&message.formatted()).into_owned(),
    })
}

/// "24 hours", "15 minutes", "2 days", "1 hour 30 minutes", in the reader's language.
pub fn lead_words(minutes: u32, lang: UiLanguage) -> String {
    let (days, hours, mins) = if minutes.is_multiple_of(24 * 60) && minutes > 24 * 60 {
        (minutes / (24 * 60), 0, 0)
    } else {
        (0, minutes / 60, minutes % 60)
    };
    let unit = |n: u32, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut parts = Vec::new();
    match lang {
        UiLanguage::Fr => {
            if days > 0 {
                parts.push(unit(days, "jour", "jours"));
            }
            if hours > 0 {
                parts.push(unit(hours, "heure", "heures"));
            }
            if mins > 0 {
                parts.push(unit(mins, "minute", "minutes"));
            }
        }
        UiLanguage::En => {
            if days > 0 {
                parts.push(unit(days, "day", "days"));
            }
            if hours > 0 {
                parts.push(unit(hours, "hour", "hours"));
            }
            if mins > 0 {
                parts.push(unit(mins, "minute", "minutes"));
            }
        }
    }
    parts.join(" ")
}

/// A reminder before a session: plain text, the recipient's time first, then the event's
/// zones; the meeting link only when `facts` carries it (a confirmed virtual seat).
pub fn reminder_email(
    facts: &SessionFacts,
    recipient: &Recipient,
    minutes_before: u32,
    feed_url: Option<&str>,
) -> anyhow::Result<Composed> {
    let lang = recipient.lang;
    let own_zone = DisplayZone::named(recipient.zone);
    let your_time = dated_times_text(&own_zone, facts.starts_at, facts.ends_at, lang);
    let your_time = your_time
        .split_once(": ")
        .map_or(your_time.as_str(), |(_, t)| t)
        .to_owned();
    let zone_lines: Vec<String> = facts
        .event_zones
        .iter()
        .map(|z| dated_times_text(z, facts.starts_at, facts.ends_at, lang))
        .collect();
    let lead = lead_words(minutes_before, lang);
    let ctx = context! {
        name => &recipient.name,
        title => &facts.title,
        event_title => &facts.event_title,
        lead => &lead,
        your_time => &your_time,
        zone_lines => zone_lines,
        location => &facts.location,
        online_url => &facts.online_url,
        feed_url => feed_url,
        organiser => &facts.organiser.name,
    };
    let text = render(&format!("reminder.{}.txt", lang.code()), ctx)?;
    let subject = header_text(&match lang {
        UiLanguage::Fr => format!("Rappel : {} dans {lead}", facts.title),
        UiLanguage::En => format!("Reminder: {} in {lead}", facts.title),
    });
    let to = Party {
        email: recipient.email.clone(),
        name: recipient.name.clone(),
    };
    let message = message(&facts.organiser, &to, &subject)?
        .reply_to(mailbox(&facts.organiser)?)
        .singlepart(SinglePart::plain(text))?;
    Ok(Composed {
        subject,
        message: String::from_utf8_lossy(&message.formatted()).into_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lead_times_read_as_people_say_them() {
        assert_eq!(lead_words(1440, UiLanguage::En), "24 hours");
        assert_eq!(lead_words(15, UiLanguage::En), "15 minutes");
        assert_eq!(lead_words(90, UiLanguage::Fr), "1 heure 30 minutes");
        assert_eq!(lead_words(2880, UiLanguage::Fr), "2 jours");
        assert_eq!(lead_words(60, UiLanguage::En), "1 hour");
    }

    fn previously() -> CalendarFacts {
        CalendarFacts {
            title: "Atelier 1".into(),
            starts_at: "2021-12-08T12:00:00Z".parse().unwrap(),
            ends_at: "2021-12-08T13:30:00Z".parse().unwrap(),
            attendance: crate::domain::vocab::AttendanceMode::Virtual,
            room_id: None,
            online_url: None,
            status: crate::domain::vocab::SessionStatus::Published,
        }
    }

    fn facts() -> SessionFacts {
        SessionFacts {
            uid: "session-1@convene.test".into(),
            sequence: 0,
            title: "Atelier <b>1</b> : Bâtir des villes résilientes".into(),
            event_title: "3e Sommet".into(),
            event_zones: vec![DisplayZone {
                label: "Izmir".into(),
                timezone: "Europe/Istanbul".parse().unwrap(),
                abbreviation: Some("TRT".into()),
                print: None,
            }],
            starts_at: "2021-12-08T13:00:00Z".parse().unwrap(),
            ends_at: "2021-12-08T14:30:00Z".parse().unwrap(),
            description: "Résilience.".into(),
            location: None,
            online_url: Some("https://meet.example.org/a".into()),
            roles: vec![(Role::Moderator, vec!["Güldem Özatağan".into()])],
            questions: vec!["Priorités ?".into()],
            organiser: Party {
                email: "organisers@izmir.example".into(),
                name: "Izmir".into(),
            },
        }
    }

    fn recipient(lang: UiLanguage) -> Recipient {
        Recipient {
            name: "Ülaş\r\nBcc: evil@example.org".into(),
            email: "ulas@example.org".into(),
            lang,
            zone: "America/Toronto".parse().unwrap(),
        }
    }

    #[test]
    fn the_invitation_is_rendered_in_the_readers_language_and_zone() {
        let composed = session_email(
            &facts(),
            &SessionMail::Invitation,
            &recipient(UiLanguage::Fr),
            &MailLinks::default(),
            &Invitee::attendee(&facts(), 0, false),
            Utc::now(),
        )
        .unwrap();
        assert!(
            composed.subject.starts_with("Invitation : Atelier"),
            "{}",
            composed.subject
        );
        assert!(
            composed
                .subject
                .contains("mercredi 8 décembre 2021, 8h EST"),
            "{}",
            composed.subject
        );
        let headers = composed.message.split("\r\n\r\n").next().unwrap();
        assert!(
            !headers.contains("\r\nBcc:"),
            "no header injection: {headers}"
        );
        assert!(
            headers.contains("To: =?utf-8?"),
            "non-ASCII names are encoded: {headers}"
        );
        assert!(composed.message.contains("method=REQUEST"));
        assert!(composed.message.contains("invite.ics"));
    }

    #[test]
    fn html_in_titles_is_escaped_in_the_html_part() {
        let ctx_html = {
            let composed = session_email(
                &facts(),
                &SessionMail::Invitation,
                &recipient(UiLanguage::En),
                &MailLinks::default(),
                &Invitee::attendee(&facts(), 0, false),
                Utc::now(),
            )
            .unwrap();
            composed.message
        };
        assert!(
            !ctx_html.contains("<b>1</b>") || ctx_html.contains("text/plain"),
            "raw HTML only in the text part"
        );
        let html = render("session.en.html", context! { title => "<script>x</script>", roles => Vec::<String>::new(), zone_lines => Vec::<String>::new() }).unwrap();
        assert!(html.contains("&lt;script&gt;") && !html.contains("<script>"));
    }

    #[test]
    fn an_update_says_what_changed() {
        let composed = session_email(
            &facts(),
            &SessionMail::Update(vec![Change::Time, Change::Place], previously()),
            &recipient(UiLanguage::En),
            &MailLinks::default(),
            &Invitee::attendee(&facts(), 0, false),
            Utc::now(),
        )
        .unwrap();
        assert!(
            composed
                .subject
                .starts_with("Updated (time, place): Atelier"),
            "{}",
            composed.subject
        );
        // The old time, in the reader's zone (Toronto), with its date.
        let text = mail_parser::MessageParser::default()
            .parse(composed.message.as_bytes())
            .unwrap()
            .body_text(0)
            .unwrap()
            .into_owned();
        assert!(
            text.contains("Previously: Wednesday 8 December 2021, 7:00"),
            "{text}"
        );
        let cancel = session_email(
            &facts(),
            &SessionMail::Cancel,
            &recipient(UiLanguage::Fr),
            &MailLinks::default(),
            &Invitee::attendee(&facts(), 0, false),
            Utc::now(),
        )
        .unwrap();
        assert!(cancel.subject.starts_with("Annulé : "));
        assert!(cancel.message.contains("method=CANCEL"));
    }
}
