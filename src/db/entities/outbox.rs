use sea_orm::entity::prelude::*;

use crate::domain::vocab::MailStatus;

/// An email waiting to leave, written in the same transaction as the change that caused it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Unique per intended message, so a repeated cause cannot queue it twice.
    #[sea_orm(unique)]
    pub dedup_key: String,
    pub event_id: Option<i64>,
    pub kind: String,
    pub sender: String,
    pub recipient: String,
    pub subject: String,
    /// The complete RFC 5322 message, rendered when queued.
    pub message: String,
    /// `pending`, `sending`, `sent` or `dead`.
    pub status: MailStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    /// A claim by a worker; a claim that outlives it (crashed worker) is taken over.
    pub locked_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
