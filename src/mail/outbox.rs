//! The durable outbox. An email is a row written in the same transaction as the change that
//! causes it (so it cannot be lost or sent for a change that rolled back), with a unique
//! deduplication key (so a repeated cause cannot queue it twice). Workers claim due rows
//! (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so several processes share the queue), send them,
//! and retry failures with exponential backoff until a dead-letter state.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use futures::StreamExt;
use sea_orm::sea_query::{Expr, LockBehavior, LockType, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use tokio::sync::{Notify, watch};

use super::transport::Transport;
use crate::clock::Clock;
use crate::db::Db;
use crate::db::entities::outbox;
use crate::domain::vocab::MailStatus;

/// After this many failed attempts an email is dead-lettered for an organiser to look at.
pub const MAX_ATTEMPTS: i32 = 8;
const BATCH: u64 = 64;
/// Each SMTP connection spends ~40 ms per message waiting on a delayed ACK (lettre leaves Nagle on),
/// so throughput comes from many connections at once.
const PARALLEL_SENDS: usize = 64;

/// What delivering the outbox needs: the queue, the transport, the time, and how long a claim
/// on an email lasts before another worker may take it over.
#[derive(Clone)]
pub struct Courier {
    pub db: Db,
    pub mailer: Arc<Transport>,
    pub clock: Arc<dyn Clock>,
    pub lease_seconds: i64,
}

pub struct NewMail {
    pub dedup_key: String,
    pub event_id: Option<i64>,
    pub kind: &'static str,
    pub sender: String,
    pub recipient: String,
    pub subject: String,
    pub message: String,
}

/// Queues an email inside the caller's transaction. Returns false when an email with the same
/// deduplication key was queued before (nothing is written then).
pub async fn enqueue(
    db: &impl ConnectionTrait,
    mail: NewMail,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    Ok(enqueue_all(db, vec![mail], now).await? == 1)
}

/// Queues several emails in one statement (a registration's invitations and confirmation);
/// returns how many were new.
pub async fn enqueue_all(
    db: &impl ConnectionTrait,
    mails: Vec<NewMail>,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let mut queued = 0;
    let mut mails = mails.into_iter().peekable();
    while mails.peek().is_some() {
        // Bounded statements: SQLite takes at most 32,766 parameters, PostgreSQL 65,535.
        let rows: Vec<outbox::ActiveModel> = mails
            .by_ref()
            .take(ROWS_PER_STATEMENT)
            .map(|mail| outbox_row(mail, now))
            .collect();
        queued += outbox::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::column(outbox::Column::DedupKey)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(queued)
}

/// Rows written by one multi-row INSERT at most, so that a statement stays under the
/// databases' parameter limits whatever the width of the table.
pub const ROWS_PER_STATEMENT: usize = 1000;

fn outbox_row(mail: NewMail, now: DateTime<Utc>) -> outbox::ActiveModel {
    outbox::ActiveModel {
        dedup_key: Set(mail.dedup_key),
        event_id: Set(mail.event_id),
        kind: Set(mail.kind.to_owned()),
        sender: Set(mail.sender),
        recipient: Set(mail.recipient),
        subject: Set(mail.subject),
        message: Set(mail.message),
        status: Set(MailStatus::Pending),
        attempts: Set(0),
        next_attempt_at: Set(now),
        locked_until: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        ..Default::default()
    }
}

/// Delay before attempt `attempts + 1`: 10 s, 20 s, 40 s … capped at an hour.
pub fn backoff(attempts: i32) -> Duration {
    let exponent = attempts.clamp(1, 12) as u32 - 1;
    Duration::seconds((10i64 << exponent).min(3600))
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryReport {
    pub sent: usize,
    pub retrying: usize,
    pub dead: usize,
}

/// Claims due emails: pending ones whose time has come, and ones whose claim has lapsed
/// (their worker died mid-send). Claiming counts as an attempt.
async fn claim(state: &Courier, now: DateTime<Utc>) -> Result<Vec<outbox::Model>, DbErr> {
    let txn = state.db.begin_write().await?;
    let due = outbox::Column::Status
        .eq(MailStatus::Pending)
        .and(outbox::Column::NextAttemptAt.lte(now));
    let lapsed = outbox::Column::Status
        .eq(MailStatus::Sending)
        .and(outbox::Column::LockedUntil.lt(now));
    let rows = outbox::Entity::find()
        .filter(due.or(lapsed))
        .order_by_asc(outbox::Column::Id)
        .limit(BATCH)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .all(&*txn)
        .await?;
    if rows.is_empty() {
        return Ok(rows);
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let lease = now + Duration::seconds(state.lease_seconds);
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value(MailStatus::Sending))
        .col_expr(outbox::Column::LockedUntil, Expr::value(lease))
        .col_expr(
            outbox::Column::Attempts,
            Expr::col(outbox::Column::Attempts).add(1),
        )
        .filter(outbox::Column::Id.is_in(ids))
        .exec(&*txn)
        .await?;
    txn.commit_bookkeeping().await?;
    Ok(rows
        .into_iter()
        .map(|row| outbox::Model {
            attempts: row.attempts + 1,
            ..row
        })
        .collect())
}

/// What happened to one email.
enum Outcome {
    Sent,
    Retrying,
    Dead,
}

/// Sends one claimed email and records the result at once, so that a crash can only ever
/// repeat the sends that were in flight, not a whole batch.
async fn send_and_record(state: &Courier, row: outbox::Model) -> Result<Outcome, DbErr> {
    let result = state
        .mailer
        .send(&row.sender, &row.recipient, row.message.as_bytes())
        .await;
    let now = state.clock.now();
    let update = outbox::Entity::update_many()
        .filter(outbox::Column::Id.eq(row.id))
        .col_expr(
            outbox::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        );
    let (update, outcome) = match result {
        Ok(()) => (
            update
                .col_expr(outbox::Column::Status, Expr::value(MailStatus::Sent))
                .col_expr(outbox::Column::SentAt, Expr::value(Some(now))),
            Outcome::Sent,
        ),
        Err(failure) if failure.permanent || row.attempts >= MAX_ATTEMPTS => {
            tracing::warn!(id = row.id, recipient = %row.recipient, error = %failure.message, "email dead-lettered");
            let update = update
                .col_expr(outbox::Column::Status, Expr::value(MailStatus::Dead))
                .col_expr(
                    outbox::Column::LastError,
                    Expr::value(Some(failure.message)),
                );
            (update, Outcome::Dead)
        }
        Err(failure) => {
            tracing::info!(id = row.id, attempts = row.attempts, error = %failure.message, "email will be retried");
            let update = update
                .col_expr(outbox::Column::Status, Expr::value(MailStatus::Pending))
                .col_expr(
                    outbox::Column::NextAttemptAt,
                    Expr::value(now + backoff(row.attempts)),
                )
                .col_expr(
                    outbox::Column::LastError,
                    Expr::value(Some(failure.message)),
                );
            (update, Outcome::Retrying)
        }
    };
    let txn = state.db.begin_write().await?;
    update.exec(&*txn).await?;
    txn.commit_bookkeeping().await?;
    Ok(outcome)
}

/// How many emails are waiting to go out now (pending and due).
pub async fn due_count(state: &Courier) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    outbox::Entity::find()
        .filter(outbox::Column::Status.eq(MailStatus::Pending))
        .filter(outbox::Column::NextAttemptAt.lte(state.clock.now()))
        .count(&state.db.conn)
        .await
}

/// Sends what is due, once. Returns what happened; call again while `sent + dead > 0` to drain.
pub async fn deliver_due(state: &Courier) -> Result<DeliveryReport, DbErr> {
    let claimed = claim(state, state.clock.now()).await?;
    let outcomes: Vec<Result<Outcome, DbErr>> = futures::stream::iter(claimed)
        .map(|row| send_and_record(state, row))
        .buffer_unordered(PARALLEL_SENDS)
        .collect()
        .await;
    let mut report = DeliveryReport::default();
    for outcome in outcomes {
        match outcome? {
            Outcome::Sent => report.sent += 1,
            Outcome::Retrying => report.retrying += 1,
            Outcome::Dead => report.dead += 1,
        }
    }
    Ok(report)
}

/// The background worker: delivers whenever woken (a commit queued mail) or every second, and
/// on shutdown finishes the batch in flight before returning.
pub async fn run_worker(state: Courier, wake: Arc<Notify>, mut shutdown: watch::Receiver<bool>) {
    loop {
        if *shutdown.borrow() {
            return;
        }
        match deliver_due(&state).await {
            Ok(report) if report.sent + report.retrying + report.dead > 0 => continue,
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "outbox delivery failed; retrying shortly"),
        }
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(StdDuration::from_secs(1)) => {}
            _ = shutdown.changed() => {}
        }
    }
}

/// Builds the transport named by the settings.
pub fn transport_for(settings: &crate::config::Settings) -> anyhow::Result<Arc<Transport>> {
    Ok(Arc::new(Transport::from_settings(
        settings.smtp_url.as_deref(),
        &settings.mail_dir,
    )?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff(1), Duration::seconds(10));
        assert_eq!(backoff(2), Duration::seconds(20));
        assert_eq!(backoff(4), Duration::seconds(80));
        assert_eq!(backoff(12), Duration::seconds(3600));
    }
}
