use sea_orm::entity::prelude::*;

use crate::domain::vocab::{AttendanceMode, EventKind};
use crate::domain::zone::Zone;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub slug: String,
    pub title: String,
    pub description: String,
    pub kind: EventKind,
    pub attendance: AttendanceMode,
    pub timezone: Zone,
    pub starts_on: Date,
    pub ends_on: Date,
    pub venue: Option<String>,
    pub default_language: String,
    /// `[{label, timezone, abbreviation}]`, in printing order.
    pub display_zones: Json,
    /// Guiding questions for the whole event (peer-learning papers end with them).
    pub questions: Json,
    /// Background papers: `[{title, author, url, language, summary}]`.
    pub documents: Json,
    pub organiser_name: Option<String>,
    pub organiser_email: Option<String>,
    pub rsvp_attendees: bool,
    pub onsite_capacity: Option<i32>,
    pub virtual_capacity: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// `[{minutes_before}]`: when attendees are reminded of each session they hold a seat in.
    pub reminder_rules: Json,
    /// The days the organiser set in the day plan; the others follow `attendance`.
    pub day_plan: Json,
    pub scheduling_rules: Json,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::session::Entity")]
    Session,
}

impl Related<super::session::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Session.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
