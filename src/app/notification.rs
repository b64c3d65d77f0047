//! Turning programme changes into email: who must hear about a session, and the outbox rows
//! that tell them. Every function here runs inside the caller's transaction.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::app::AppState;
use crate::db::columns::stored_json;
use crate::db::entities::{attendance, event, participant, registration, session, speaker};
use crate::db::queries;
use crate::db::queries::Edition;
use crate::domain::calendar::PartStat;
use crate::domain::calendar::Party;
use crate::domain::programme::ZonePlan;
use crate::domain::programme::group_runs;
use crate::domain::text::UiLanguage;
use crate::domain::vocab::RegistrationStatus;
use crate::domain::vocab::SeatStatus;
use crate::domain::vocab::{ParticipantStatus, Role};
use crate::domain::zone::DisplayZone;
use crate::error::AppResult;
use crate::mail::compose::{Invitee, MailLinks};
use crate::mail::compose::{Recipient, SessionFacts, SessionMail, session_email};
use crate::mail::outbox::{NewMail, enqueue};

/// The host part of every calendar UID Convene writes (`session-7@host`, `slot-12@host`).
pub fn calendar_host(state: &AppState) -> String {
    url::Url::parse(&state.settings.public_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "convene".into())
}

/// The calendar UID of a session: the same for every recipient and every update.
pub fn session_uid(state: &AppState, session_id: i64) -> String {
    format!("session-{session_id}@{}", calendar_host(state))
}

pub fn organiser_of(state: &AppState, event: &event::Model) -> Party {
    Party {
        email: event
            .organiser_email
            .clone()
            .unwrap_or_else(|| state.settings.organiser_email.clone()),
        name: event
            .organiser_name
            .clone()
            .unwrap_or_else(|| event.title.clone()),
    }
}

/// "M. Tunç Soyer, Maire, Municipalité Métropolitaine d'Izmir" — how programmes name speakers,
/// followed by their talk when they give one.
pub fn speaker_line(speaker: &speaker::Model, talk_title: Option<&str>) -> String {
    let name = match &speaker.honorific {
        Some(honorific) => format!("{honorific} {}", speaker.name),
        None => speaker.name.clone(),
    };
    let mut parts = vec![name];
    parts.extend(speaker.position.clone());
    parts.extend(speaker.organisation.clone());
    let line = parts.join(", ");
    // The same line goes to French and English readers: a dash reads right in both, where
    // guillemets are French typography only.
    match talk_title {
        Some(title) => format!("{line} — {title}"),
        None => line,
    }
}

/// Everything an email or feed entry says about a session. `with_link` decides whether the
/// online meeting link goes in: only for people entitled to it.
pub async fn session_facts(
    db: &impl ConnectionTrait,
    state: &AppState,
    event: &event::Model,
    session: &session::Model,
    with_link: bool,
    edition: Edition,
) -> AppResult<SessionFacts> {
    let mut facts = sessions_facts(
        db,
        state,
        event,
        std::slice::from_ref(session),
        with_link,
        edition,
    )
    .await?;
    Ok(facts.remove(0))
}

/// The facts of several sessions of one event, with three queries whatever their number.
pub async fn sessions_facts(
    db: &impl ConnectionTrait,
    state: &AppState,
    event: &event::Model,
    sessions: &[session::Model],
    with_link: bool,
    edition: Edition,
) -> AppResult<Vec<SessionFacts>> {
    let speakers = queries::speakers_of_event(db, event.id).await?;
    let ids: Vec<i64> = sessions.iter().map(|s| s.id).collect();
    let participants = queries::participants_of_sessions(db, &ids, edition).await?;
    let rooms = queries::rooms_of_event(db, event.id).await?;
    let event_zones: Vec<DisplayZone> = stored_json(&event.display_zones, "events.display_zones")?;
    // The zones each session is printed in, as on the programme.
    let plan = ZonePlan::new(&event_zones, event.timezone, &[], event.attendance);
    let mut all = Vec::with_capacity(sessions.len());
    for session in sessions {
        let announced: Vec<(Role, String)> = participants
            .iter()
            .filter(|p| p.session_id == session.id)
            .filter(|p| {
                p.status != ParticipantStatus::Declined && p.status != ParticipantStatus::Withdrawn
            })
            .filter_map(|p| {
                let speaker = speakers.iter().find(|s| s.id == p.speaker_id)?;
                Some((p.role, speaker_line(speaker, p.talk_title.as_deref())))
            })
            .collect();
        let roles = group_runs(announced, |(role, _)| *role)
            .into_iter()
            .map(|(role, people)| (role, people.into_iter().map(|(_, line)| line).collect()))
            .collect();
        let location = match session
            .room_id
            .and_then(|id| rooms.iter().find(|r| r.id == id))
        {
            Some(room) => Some(match room.venue.clone().or(event.venue.clone()) {
                Some(venue) => format!("{}, {venue}", room.name),
                None => room.name.clone(),
            }),
            None if session.attendance.has_room() => event.venue.clone(),
            None => None,
        };
        all.push(SessionFacts {
            uid: session_uid(state, session.id),
            sequence: session.revision.max(0) as u32,
            title: session.title.clone(),
            event_title: event.title.clone(),
            event_zones: plan
                .zones_for(session.attendance, session.streamed)
                .into_iter()
                .cloned()
                .collect(),
            starts_at: session.starts_at,
            ends_at: session.ends_at,
            description: session.description.clone(),
            location,
            online_url: if with_link {
                session.online_url.clone()
            } else {
                None
            },
            roles,
            questions: stored_json(&session.questions, "sessions.questions")?,
            organiser: organiser_of(state, event),
        });
    }
    Ok(all)
}

pub fn registrant(registration: &registration::Model) -> AppResult<Recipient> {
    Ok(Recipient {
        name: registration.name.clone(),
        email: registration.email.clone(),
        lang: UiLanguage::for_code(&registration.language),
        zone: registration.timezone,
    })
}

pub fn feed_url(state: &AppState, token: &str) -> String {
    format!("{}/api/v1/feeds/{token}.ics", state.settings.public_url)
}

/// The SEQUENCE the next email about a speaker's slot carries; the slot's counter then rises,
/// so that every later email is newer to their calendar.
pub(crate) async fn next_slot_sequence(
    db: &impl ConnectionTrait,
    slot: &participant::Model,
) -> AppResult<u32> {
    let current = participant::Entity::find_by_id(slot.id)
        .one(db)
        .await?
        .map_or(slot.calendar_sequence, |p| p.calendar_sequence);
    participant::Entity::update_many()
        .col_expr(
            participant::Column::CalendarSequence,
            sea_orm::sea_query::Expr::value(current + 1),
        )
        .filter(participant::Column::Id.eq(slot.id))
        .exec(db)
        .await?;
    Ok(u32::try_from(current).unwrap_or(0))
}

/// Raises the registrant's own SEQUENCE for one seat (its cancellation, or a seat given again
/// after one) and returns the new step: their calendar then takes the next email as newer.
pub(crate) async fn step_seat_sequence(
    db: &impl ConnectionTrait,
    seat: &attendance::Model,
) -> AppResult<i32> {
    let current = attendance::Entity::find_by_id(seat.id)
        .one(db)
        .await?
        .map_or(seat.calendar_sequence, |s| s.calendar_sequence);
    attendance::Entity::update_many()
        .col_expr(
            attendance::Column::CalendarSequence,
            sea_orm::sea_query::Expr::value(current + 1),
        )
        .filter(attendance::Column::Id.eq(seat.id))
        .exec(db)
        .await?;
    Ok(current + 1)
}

/// Queues one session email to a registrant for the given attendance; `seat_sequence` is the
/// seat's own steps above the session's revision.
#[allow(clippy::too_many_arguments)]
pub async fn mail_attendee(
    db: &impl ConnectionTrait,
    state: &AppState,
    event: &event::Model,
    facts: &SessionFacts,
    registration: &registration::Model,
    seat_sequence: i32,
    kind: SessionMail,
    dedup_key: String,
) -> AppResult<()> {
    let mail = attendee_mail(
        state,
        event,
        facts,
        registration,
        seat_sequence,
        kind,
        dedup_key,
        None,
    )?;
    enqueue(db, mail, state.clock.now()).await?;
    Ok(())
}

/// The email `mail_attendee` queues, composed but not yet queued; `manage_url` goes in when
/// known (while registering).
#[allow(clippy::too_many_arguments)]
pub fn attendee_mail(
    state: &AppState,
    event: &event::Model,
    facts: &SessionFacts,
    registration: &registration::Model,
    seat_sequence: i32,
    kind: SessionMail,
    dedup_key: String,
    manage_url: Option<&str>,
) -> AppResult<NewMail> {
    let now = state.clock.now();
    let recipient = registrant(registration)?;
    let composed = session_email(
        facts,
        &kind,
        &recipient,
        &MailLinks {
            feed: Some(&feed_url(state, &registration.feed_token)),
            manage: manage_url,
        },
        &Invitee {
            calendar: !registration.single_email,
            ..Invitee::attendee(facts, seat_sequence, event.rsvp_attendees)
        },
        now,
    )?;
    let mail_kind = match kind {
        SessionMail::Cancel => "cancellation",
        SessionMail::Update(..) => "update",
        _ => "invitation",
    };
    Ok(NewMail {
        dedup_key,
        event_id: Some(event.id),
        kind: mail_kind,
        sender: facts.organiser.email.clone(),
        recipient: recipient.email,
        subject: composed.subject,
        message: composed.message,
    })
}

/// After a published session changed in a way calendars show (its revision was raised): an
/// update, or a cancellation, to every confirmed attendee and every confirmed speaker.
pub async fn session_changed(
    db: &impl ConnectionTrait,
    state: &AppState,
    event: &event::Model,
    session: &session::Model,
    kind: SessionMail,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let facts = session_facts(db, state, event, session, true, Edition::Published).await?;
    let method = if kind == SessionMail::Cancel {
        "cancel"
    } else {
        "request"
    };
    let mut queued = 0;
    let seats = attendance::Entity::find()
        .filter(attendance::Column::SessionId.eq(session.id))
        .filter(attendance::Column::Status.eq(SeatStatus::Confirmed))
        .order_by_asc(attendance::Column::Id)
        .all(db)
        .await?;
    for seat in seats {
        let Some(registration) = registration::Entity::find_by_id(seat.registration_id)
            .one(db)
            .await?
        else {
            continue;
        };
        if registration.status != RegistrationStatus::Active {
            continue;
        }
        let key = format!("attendance-{}-rev-{}-{method}", seat.id, session.revision);
        mail_attendee(
            db,
            state,
            event,
            &facts,
            &registration,
            seat.calendar_sequence,
            kind.clone(),
            key,
        )
        .await?;
        queued += 1;
    }
    let speakers = participant::Entity::find()
        .filter(participant::Column::SessionId.eq(session.id))
        .filter(participant::Column::Status.eq(ParticipantStatus::Confirmed))
        .all(db)
        .await?;
    for slot in speakers {
        let Some(person) = speaker::Entity::find_by_id(slot.speaker_id).one(db).await? else {
            continue;
        };
        let Some(email) = person.email.clone() else {
            continue;
        };
        let recipient = Recipient {
            name: person.name.clone(),
            email: email.clone(),
            lang: UiLanguage::for_code(&person.language),
            zone: person.timezone,
        };
        let feed = person
            .feed_token
            .as_deref()
            .map(|token| feed_url(state, token));
        // Speakers' calendars reply: organisers want to know who still comes after a change.
        let sequence = next_slot_sequence(db, &slot).await?;
        let invitee = Invitee::speaker(&facts, slot.id, sequence, slot.role, PartStat::Accepted);
        let composed = session_email(
            &facts,
            &kind,
            &recipient,
            &MailLinks::feed(feed.as_deref()),
            &invitee,
            now,
        )?;
        let dedup_key = format!("participant-{}-rev-{}-{method}", slot.id, session.revision);
        enqueue(
            db,
            NewMail {
                dedup_key,
                event_id: Some(event.id),
                kind: if method == "cancel" {
                    "cancellation"
                } else {
                    "update"
                },
                sender: facts.organiser.email.clone(),
                recipient: email,
                subject: composed.subject,
                message: composed.message,
            },
            now,
        )
        .await?;
        queued += 1;
    }
    Ok(queued)
}
