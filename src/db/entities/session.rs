use sea_orm::entity::prelude::*;

use crate::domain::vocab::{AttendanceMode, SessionKind, SessionStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub event_id: i64,
    pub title: String,
    pub kind: SessionKind,
    pub description: String,
    /// Guiding questions, in order.
    pub questions: Json,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub attendance: AttendanceMode,
    pub room_id: Option<i64>,
    /// Only ever shown to organisers and confirmed registrants.
    pub online_url: Option<String>,
    pub capacity: Option<i32>,
    pub language: String,
    pub interpretation_languages: Json,
    pub streamed: bool,
    pub recorded: bool,
    pub status: SessionStatus,
    /// Calendar SEQUENCE: bumped whenever a published session changes in a way attendees must see.
    pub revision: i32,
    /// Identifier in exchanged schedules (frab `guid`); derived from the id when not imported.
    pub guid: Option<String>,
    /// The session type as another tool named it, when it differs from `kind` (an import's
    /// "Long talk (45 minutes)"); shown beside the kind.
    pub kind_label: Option<String>,
    /// The organisers' working copy of a public session: JSON of
    /// `app::publishing::working::WorkingValues`, applied by the next publication. The other
    /// columns keep what the public sees until then.
    pub staged: Option<String>,
    /// The track a schedule file gave the session ("Security", "Art & Beauty").
    pub track: Option<String>,
    /// Links a schedule file gave it: JSON list of `{"url", "title"}`.
    pub links: Option<Json>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::event::Entity",
        from = "Column::EventId",
        to = "super::event::Column::Id"
    )]
    Event,
}

impl Related<super::event::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Event.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
