//! iCalendar feeds (METHOD:PUBLISH): the whole event, one session, and personal agendas at
//! unguessable URLs for registrants and speakers (subscribable as webcal://).

use crate::app::AppState;
use crate::app::notification as notify;
use crate::db::entities::{attendance, event, participant, registration, session, speaker};
use crate::db::queries;
use crate::domain::calendar::{self, Entry, EntryStatus, Method};
use crate::domain::text::UiLanguage;
use crate::domain::vocab::{ParticipantStatus, RegistrationStatus, SeatStatus, SessionStatus};
use crate::error::{AppError, AppResult};
use crate::mail::compose::calendar_description;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

/// The feed's DTSTAMP: when what it shows last changed, not when it was asked for, so that an
/// unchanged feed is the same bytes (and the same ETag) from one poll to the next.
pub(crate) fn last_change(
    event: &event::Model,
    sessions: &[session::Model],
) -> chrono::DateTime<chrono::Utc> {
    sessions
        .iter()
        .map(|s| s.updated_at)
        .fold(event.updated_at, std::cmp::max)
}

/// Feed entries for `sessions`; cancelled ones stay in personal feeds as CANCELLED so clients
/// that subscribed remove them.
pub(crate) async fn entries(
    db: &impl ConnectionTrait,
    state: &AppState,
    event: &event::Model,
    sessions: &[session::Model],
    with_link: bool,
) -> AppResult<Vec<Entry>> {
    let lang = UiLanguage::for_code(&event.default_language);
    let all_facts = notify::sessions_facts(
        db,
        state,
        event,
        sessions,
        with_link,
        crate::db::queries::Edition::Published,
    )
    .await?;
    let mut entries = Vec::with_capacity(sessions.len());
    for (session, facts) in sessions.iter().zip(all_facts) {
        entries.push(Entry {
            description: calendar_description(&facts, lang),
            uid: facts.uid,
            sequence: facts.sequence,
            starts_at: facts.starts_at,
            ends_at: facts.ends_at,
            summary: facts.title,
            location: facts.location,
            online_url: facts.online_url,
            status: if session.status == SessionStatus::Cancelled {
                EntryStatus::Cancelled
            } else {
                EntryStatus::Confirmed
            },
            organizer: None,
            attendees: vec![],
        });
    }
    Ok(entries)
}

/// The personal agenda behind a registrant's or speaker's feed token (`{token}.ics`): their
/// confirmed sessions, with meeting links.
pub async fn personal_agenda(state: &AppState, file: String) -> AppResult<String> {
    let db = &state.db.conn;
    let token = file.strip_suffix(".ics").unwrap_or(&file);
    if token.len() < 32 {
        return Err(AppError::NotFound("feed"));
    }
    let (event, session_ids, name) = if let Some(registration) = registration::Entity::find()
        .filter(registration::Column::FeedToken.eq(token))
        .filter(registration::Column::Status.eq(RegistrationStatus::Active))
        .one(db)
        .await?
    {
        let seats = attendance::Entity::find()
            .filter(attendance::Column::RegistrationId.eq(registration.id))
            .filter(attendance::Column::Status.eq(SeatStatus::Confirmed))
            .all(db)
            .await?;
        let event = queries::event_for_read(db, registration.event_id).await?;
        (
            event,
            seats.into_iter().map(|s| s.session_id).collect::<Vec<_>>(),
            registration.name,
        )
    } else if let Some(person) = speaker::Entity::find()
        .filter(speaker::Column::FeedToken.eq(token))
        .one(db)
        .await?
    {
        let slots = participant::Entity::find()
            .filter(participant::Column::SpeakerId.eq(person.id))
            .filter(
                participant::Column::Status
                    .is_not_in([ParticipantStatus::Declined, ParticipantStatus::Withdrawn]),
            )
            .all(db)
            .await?;
        let event = queries::event_for_read(db, person.event_id).await?;
        (
            event,
            slots.into_iter().map(|p| p.session_id).collect(),
            person.name,
        )
    } else {
        return Err(AppError::NotFound("feed"));
    };
    let sessions = session::Entity::find()
        .filter(session::Column::Id.is_in(session_ids))
        .filter(session::Column::Status.ne(SessionStatus::Draft))
        .order_by_asc(session::Column::StartsAt)
        .all(db)
        .await?;
    let entries = entries(db, state, &event, &sessions, true).await?;
    let body = calendar::build(
        Method::Publish,
        Some(&format!("{} — {name}", event.title)),
        &entries,
        last_change(&event, &sessions),
    );
    Ok(body)
}
