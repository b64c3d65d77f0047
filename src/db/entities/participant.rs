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
    /// An organiser's edit of a public participant, JSON of `StagedSlot`: the public keeps the
    /// columns above until the next publication.
    pub staged: Option<String>,
    /// SEQUENCE of the speaker's own calendar entry for this slot (UID `slot-{id}@…`): the
    /// next email about it carries this value, then it rises. It never goes back.
    pub calendar_sequence: i32,
    /// How the speaker's last answer arrived: `link` (their `/speak` page) or `calendar` (an
    /// iTIP REPLY); empty until they answer.
    pub answered_by: Option<String>,
}

/// What an organiser may change about a participant of a public session before publishing it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StagedSlot {
    pub role: Role,
    pub talk_title: Option<String>,
    pub position: i32,
    pub contribution: Contribution,
}

impl StagedSlot {
    pub fn of(model: &Model) -> Self {
        StagedSlot {
            role: model.role,
            talk_title: model.talk_title.clone(),
            position: model.position,
            contribution: model.contribution,
        }
    }

    /// `model` as its working copy reads: the staged values over the published ones.
    pub fn onto(self, model: Model) -> Model {
        Model {
            role: self.role,
            talk_title: self.talk_title,
            position: self.position,
            contribution: self.contribution,
            ..model
        }
    }
}

impl Model {
    /// The participant as the organisers' working copy has it.
    pub fn working(self) -> Model {
        match self
            .staged
            .as_deref()
            .and_then(|json| serde_json::from_str::<StagedSlot>(json).ok())
        {
            Some(staged) => staged.onto(self),
            None => self,
        }
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
