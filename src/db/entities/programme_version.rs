use sea_orm::entity::prelude::*;

/// One publication of an event's programme, kept whole.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "programme_versions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub event_id: i64,
    /// 1, 2, 3… per event.
    pub number: i32,
    pub published_at: DateTimeUtc,
    pub published_by: Option<String>,
    /// JSON of `domain::versions::Snapshot`.
    pub snapshot: String,
    /// JSON list of the conflict ids the publisher acknowledged to publish this version.
    pub acknowledged: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
