//! iCalendar feeds (METHOD:PUBLISH): the whole event, one session, and personal agendas at
//! unguessable URLs for registrants and speakers (subscribable as webcal://).

use crate::app::AppState;
use crate::app::notification as notify;
use crate::db::entities::{event, session};
use crate::domain::calendar::{Entry, EntryStatus};
use crate::domain::text::UiLanguage;
use crate::domain::vocab::SessionStatus;
use crate::error::AppResult;
use crate::mail::compose::calendar_description;
use sea_orm::ConnectionTrait;

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
    let all_facts = notify::sessions_facts(db, state, event, sessions, with_link).await?;
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
