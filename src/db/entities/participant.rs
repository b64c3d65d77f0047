use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "session_participants")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub session_id: i64,
    pub speaker_id: i64,
    pub role: String,
    pub talk_title: Option<String>,
    /// Printing order within the session (the API calls it `order`).
    pub position: i32,
    pub contribution: String,
    pub status: String,
    pub status_changed_at: DateTimeUtc,
    pub note: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
