use sea_orm::entity::prelude::*;

use crate::domain::vocab::{Contribution, ParticipantStatus, Role};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "session_participants")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub session_id: i64,
    pub speaker_id: i64,
    pub role: Role,
    pub talk_title: Option<String>,
    /// Printing order within the session (the API calls it `order`).
    pub position: i32,
    pub contribution: Contribution,
    pub status: ParticipantStatus,
    pub status_changed_at: DateTimeUtc,
    pub note: Option<String>,
    pub created_at: DateTimeUtc,
    /// False until the programme is next published (added to a session the public already sees).
    pub published: bool,
    /// Removed by an organiser from a public session: gone from the working copy, still public
    /// until the next publication.
    pub withdrawn: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
