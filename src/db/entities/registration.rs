use sea_orm::entity::prelude::*;

use crate::domain::vocab::{Mode, RegistrationStatus};
use crate::domain::zone::Zone;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "registrations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub event_id: i64,
    pub name: String,
    pub email: String,
    pub email_key: String,
    pub organisation: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    /// `virtual` or `on_site`.
    pub attendance: Mode,
    pub language: String,
    pub timezone: Zone,
    /// `active`, `cancelled` or `erased`.
    pub status: RegistrationStatus,
    /// SHA-256 of the private management token; the token itself is only ever emailed.
    pub manage_token_hash: String,
    /// Unguessable name of the personal calendar feed (a read-only capability, kept as is so
    /// the feed URL can be repeated in every email).
    pub feed_token: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// One email carrying all their sessions and their feed, instead of one invitation per
    /// session.
    pub single_email: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
