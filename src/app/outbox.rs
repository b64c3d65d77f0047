//! The organisers' view of an event's email queue: counts, failures, and a retry.

use crate::app::AppState;
use crate::db::entities::outbox;
use crate::domain::vocab::MailStatus;
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct OutboxView {
    pub pending: u64,
    pub sending: u64,
    pub sent: u64,
    pub dead: u64,
    /// Dead letters and emails waiting for a retry, newest first (at most 200).
    pub failures: Vec<FailedEmail>,
}

#[derive(Serialize, ToSchema)]
pub struct FailedEmail {
    pub id: i64,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub status: MailStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub next_attempt_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct Retried {
    pub requeued: u64,
}

/// The event's queue: counts by state and the latest failures.
pub async fn outbox_of(db: &impl ConnectionTrait, event_id: i64) -> AppResult<OutboxView> {
    let of_event = || outbox::Entity::find().filter(outbox::Column::EventId.eq(event_id));
    let count = |status: MailStatus| {
        of_event()
            .filter(outbox::Column::Status.eq(status))
            .count(db)
    };
    let failures = of_event()
        .filter(outbox::Column::LastError.is_not_null())
        .filter(outbox::Column::Status.is_in([MailStatus::Dead, MailStatus::Pending]))
        .order_by_desc(outbox::Column::Id)
        .limit(200)
        .all(db)
        .await?
        .into_iter()
        .map(|row| FailedEmail {
            id: row.id,
            kind: row.kind,
            recipient: row.recipient,
            subject: row.subject,
            status: row.status,
            attempts: row.attempts,
            last_error: row.last_error,
            next_attempt_at: row.next_attempt_at,
        })
        .collect();
    Ok(OutboxView {
        pending: count(MailStatus::Pending).await?,
        sending: count(MailStatus::Sending).await?,
        sent: count(MailStatus::Sent).await?,
        dead: count(MailStatus::Dead).await?,
        failures,
    })
}

/// Puts the event's dead letters back in the queue; returns how many.
pub async fn requeue_dead(state: &AppState, event_id: i64) -> AppResult<u64> {
    let txn = state.db.begin_write().await?;
    let result = outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value(MailStatus::Pending))
        .col_expr(outbox::Column::Attempts, Expr::value(0))
        .col_expr(
            outbox::Column::NextAttemptAt,
            Expr::value(state.clock.now()),
        )
        .filter(outbox::Column::EventId.eq(event_id))
        .filter(outbox::Column::Status.eq(MailStatus::Dead))
        .exec(&*txn)
        .await?;
    txn.commit_bookkeeping().await?;
    state.mail_queued();
    Ok(result.rows_affected)
}

/// One email of the queue as the organisers' list shows it.
#[derive(Serialize)]
pub struct QueuedEmail {
    pub id: i64,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub status: MailStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl From<outbox::Model> for QueuedEmail {
    fn from(row: outbox::Model) -> Self {
        QueuedEmail {
            id: row.id,
            kind: row.kind,
            recipient: row.recipient,
            subject: row.subject,
            status: row.status,
            attempts: row.attempts,
            last_error: row.last_error,
            created_at: row.created_at,
            sent_at: row.sent_at,
        }
    }
}

/// The event's emails in `status` (every state when `None`), newest first, at most `limit`.
pub async fn emails_of(
    state: &AppState,
    event_id: i64,
    status: Option<MailStatus>,
    limit: u64,
) -> AppResult<Vec<QueuedEmail>> {
    let mut query = outbox::Entity::find().filter(outbox::Column::EventId.eq(event_id));
    if let Some(status) = status {
        query = query.filter(outbox::Column::Status.eq(status));
    }
    Ok(query
        .order_by_desc(outbox::Column::Id)
        .limit(limit)
        .all(&state.db.conn)
        .await?
        .into_iter()
        .map(QueuedEmail::from)
        .collect())
}

/// What one email said: its text as the reader's mail program shows it, and the names of its
/// attachments (the calendar invitation).
#[derive(Serialize)]
pub struct EmailContent {
    pub email: QueuedEmail,
    pub text: String,
    pub attachments: Vec<String>,
}

pub async fn email_of_event(state: &AppState, event_id: i64, id: i64) -> AppResult<EmailContent> {
    let row = outbox::Entity::find_by_id(id)
        .filter(outbox::Column::EventId.eq(event_id))
        .one(&state.db.conn)
        .await?
        .ok_or(crate::error::AppError::NotFound("email"))?;
    let parsed = mail_parser::MessageParser::default().parse(row.message.as_bytes());
    let text = parsed
        .as_ref()
        .and_then(|m| m.body_text(0))
        .map(|t| t.into_owned())
        .unwrap_or_default();
    let attachments = parsed
        .as_ref()
        .map(|m| {
            m.attachments()
                .map(|a| {
                    use mail_parser::MimeHeaders;
                    a.attachment_name()
                        .map(str::to_owned)
                        .or_else(|| {
                            a.content_type().map(|c| {
                                format!("{}/{}", c.ctype(), c.subtype().unwrap_or_default())
                            })
                        })
                        .unwrap_or_default()
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(EmailContent {
        email: row.into(),
        text,
        attachments,
    })
}
