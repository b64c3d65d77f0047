use sea_orm::entity::prelude::*;

use crate::domain::zone::Zone;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "speakers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub event_id: i64,
    pub name: String,
    pub honorific: Option<String>,
    pub position: Option<String>,
    pub organisation: Option<String>,
    pub organisation_id: Option<i64>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub email: Option<String>,
    pub language: String,
    pub timezone: Zone,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Unguessable name of the speaker's personal calendar feed.
    pub feed_token: Option<String>,
    /// Identifier in exchanged schedules (frab `guid`); derived from the id when not imported.
    pub guid: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
