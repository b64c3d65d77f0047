//! Reminders before each session: the event's rules (`GET`/`PUT …/reminders`), and the scan
//! that queues due reminders through the outbox. The scan keeps no state of its own: what is
//! due is derived from the seats, the rules and the clock, and what was queued already is known
//! by its deduplication key, so a restart (or a second process) picks up exactly where things
//! stand.

use std::collections::HashSet;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::app::notification as notify;
use crate::db::columns::stored_json;
use crate::db::entities::{attendance, event, outbox, registration, session};
use crate::db::queries::Edition;
use crate::domain::reminders::{ReminderRule, checked_rules, is_due};
use crate::domain::vocab::{Mode, RegistrationStatus, SeatStatus, SessionStatus};
use crate::error::{AppError, AppResult};
use crate::mail::compose::reminder_email;
use crate::mail::outbox::{NewMail, ROWS_PER_STATEMENT, enqueue_all};

/// An event's reminder rules, as read and written through the API.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReminderRules {
    /// Longest lead first; an empty list sends no reminders.
    #[schema(max_items = 6)]
    pub rules: Vec<ReminderRule>,
}

pub fn reminder_rules(event: &event::Model) -> AppResult<ReminderRules> {
    Ok(ReminderRules {
        rules: stored_json(&event.reminder_rules, "events.reminder_rules")?,
    })
}

pub async fn set_reminder_rules(
    state: &AppState,
    event: &event::Model,
    rules: ReminderRules,
) -> AppResult<ReminderRules> {
    let rules =
        checked_rules(&rules.rules).map_err(|(field, why)| AppError::invalid(field, why))?;
    let mut active: event::ActiveModel = event.clone().into();
    active.reminder_rules = Set(serde_json::to_value(&rules).map_err(anyhow::Error::from)?);
    active.update(&state.db.conn).await?;
    Ok(ReminderRules { rules })
}

/// Queues every reminder due now and not queued before; returns how many were queued.
pub async fn queue_due_reminders(state: &AppState) -> AppResult<u64> {
    let now = state.clock.now();
    let db = &state.db.conn;
    let mut queued = 0;
    for event in event::Entity::find().all(db).await? {
        let rules = reminder_rules(&event)?.rules;
        let Some(longest) = rules.iter().map(|r| r.lead()).max() else {
            continue;
        };
        let sessions = session::Entity::find()
            .filter(session::Column::EventId.eq(event.id))
            .filter(session::Column::Status.eq(SessionStatus::Published))
            .filter(session::Column::StartsAt.gt(now))
            .filter(session::Column::StartsAt.lte(now + longest))
            .all(db)
            .await?;
        if sessions.is_empty() {
            continue;
        }
        let mails = due_for_event(state, &event, &rules, &sessions, now).await?;
        queued += enqueue_all(db, mails, now).await?;
    }
    if queued > 0 {
        state.mail_queued();
    }
    Ok(queued)
}

fn dedup_key(seat: &attendance::Model, rule: ReminderRule, starts_at: DateTime<Utc>) -> String {
    // The start time is part of the key: a session moved later gets its reminders again.
    format!(
        "reminder-{}-{}-{}",
        seat.id,
        rule.minutes_before,
        starts_at.timestamp()
    )
}

async fn due_for_event(
    state: &AppState,
    event: &event::Model,
    rules: &[ReminderRule],
    sessions: &[session::Model],
    now: DateTime<Utc>,
) -> AppResult<Vec<NewMail>> {
    let db = &state.db.conn;
    let ids: Vec<i64> = sessions.iter().map(|s| s.id).collect();
    let seats = attendance::Entity::find()
        .filter(attendance::Column::SessionId.is_in(ids))
        .filter(attendance::Column::Status.eq(SeatStatus::Confirmed))
        .all(db)
        .await?;
    let mut due: Vec<(&attendance::Model, &session::Model, ReminderRule, String)> = Vec::new();
    for seat in &seats {
        let Some(session) = sessions.iter().find(|s| s.id == seat.session_id) else {
            continue;
        };
        for rule in rules {
            if is_due(*rule, session.starts_at, seat.updated_at, now) {
                due.push((
                    seat,
                    session,
                    *rule,
                    dedup_key(seat, *rule, session.starts_at),
                ));
            }
        }
    }
    if due.is_empty() {
        return Ok(Vec::new());
    }
    let mut queued_before: HashSet<String> = HashSet::new();
    for chunk in due.chunks(ROWS_PER_STATEMENT) {
        queued_before.extend(
            outbox::Entity::find()
                .select_only()
                .column(outbox::Column::DedupKey)
                .filter(outbox::Column::DedupKey.is_in(chunk.iter().map(|d| d.3.clone())))
                .into_tuple::<String>()
                .all(db)
                .await?,
        );
    }
    due.retain(|d| !queued_before.contains(&d.3));
    if due.is_empty() {
        return Ok(Vec::new());
    }
    let holder_ids: Vec<i64> = due.iter().map(|d| d.0.registration_id).collect();
    let mut holders = Vec::new();
    for chunk in holder_ids.chunks(ROWS_PER_STATEMENT) {
        holders.extend(
            registration::Entity::find()
                .filter(registration::Column::Id.is_in(chunk.iter().copied()))
                .filter(registration::Column::Status.eq(RegistrationStatus::Active))
                .all(db)
                .await?,
        );
    }
    let with_link =
        notify::sessions_facts(db, state, event, sessions, true, Edition::Published).await?;
    let without_link =
        notify::sessions_facts(db, state, event, sessions, false, Edition::Published).await?;
    let mut mails = Vec::with_capacity(due.len());
    for (seat, session, rule, key) in due {
        let Some(holder) = holders.iter().find(|r| r.id == seat.registration_id) else {
            continue;
        };
        let at = sessions
            .iter()
            .position(|s| s.id == session.id)
            .unwrap_or(0);
        // The meeting link is for those who follow the session online.
        let facts = if seat.mode == Mode::Virtual {
            &with_link[at]
        } else {
            &without_link[at]
        };
        let recipient = notify::registrant(holder)?;
        let composed = reminder_email(
            facts,
            &recipient,
            rule.minutes_before,
            Some(&notify::feed_url(state, &holder.feed_token)),
        )?;
        mails.push(NewMail {
            dedup_key: key,
            event_id: Some(event.id),
            kind: "reminder",
            sender: facts.organiser.email.clone(),
            recipient: recipient.email,
            subject: composed.subject,
            message: composed.message,
        });
    }
    Ok(mails)
}

/// Looks for due reminders every `interval` (and once at start, so that a restart catches up at
/// once) until shutdown.
pub async fn run_reminder_worker(
    state: AppState,
    interval: StdDuration,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        if let Err(error) = queue_due_reminders(&state).await {
            tracing::warn!(%error, "could not queue reminders; trying again at the next scan");
        }
        tokio::select! {
            () = tokio::time::sleep(interval) => {}
            _ = shutdown.changed() => return,
        }
    }
}
