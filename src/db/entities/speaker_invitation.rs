use sea_orm::entity::prelude::*;

/// An invitation to take a slot; the answer link's token is stored hashed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "speaker_invitations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub participant_id: i64,
    #[sea_orm(unique)]
    pub token_hash: String,
    pub expires_at: DateTimeUtc,
    /// Set once answered: the link works once.
    pub answered_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    /// Set when a newer invitation to the same slot replaced this one: its link is retired.
    pub superseded_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
