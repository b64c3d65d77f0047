use sea_orm::entity::prelude::*;

use crate::domain::vocab::{Mode, SeatStatus};

/// One registrant at one session: their mode and whether they hold a seat or wait for one.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attendances")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub registration_id: i64,
    pub session_id: i64,
    pub mode: Mode,
    /// `confirmed`, `waitlisted` or `cancelled`; the waitlist is served in id order.
    pub status: SeatStatus,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Steps of the registrant's own entry beyond the session's revision (their seat cancelled,
    /// given again): their SEQUENCE is `revision + calendar_sequence`, and never goes back.
    pub calendar_sequence: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
