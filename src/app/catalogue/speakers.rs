//! The people of an event's programme: `/api/v1/events/{slug}/speakers[/{id}]`.
//! Emails are personal data: only the event's organisers see them.

use crate::app::AppState;
use crate::db::entities::{event, organisation, speaker};
use crate::db::queries;
use crate::domain::text::Line;
use crate::domain::text::clean;
use crate::domain::text::{Email, LanguageCode, Title};
use crate::domain::zone::Zone;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSpeaker {
    pub name: Title,
    #[serde(default)]
    pub honorific: Option<Line>,
    #[serde(default)]
    pub position: Option<Line>,
    #[serde(default)]
    pub organisation: Option<Line>,
    /// Links the speaker to an entry of the organisations directory.
    #[serde(default)]
    pub organisation_id: Option<i64>,
    #[serde(default)]
    pub city: Option<Line>,
    #[serde(default)]
    pub country: Option<Line>,
    #[serde(default)]
    pub email: Option<Email>,
    /// Defaults to the event's language.
    #[serde(default)]
    pub language: Option<LanguageCode>,
    /// Defaults to the event's zone.
    #[serde(default)]
    pub timezone: Option<Zone>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpeakerChanges {
    pub name: Option<Title>,
    #[serde(default, with = "::serde_with::rust::double_option")]
    pub honorific: Option<Option<Line>>,
    #[serde(default, with = "::serde_with::rust::double_option")]
    pub position: Option<Option<Line>>,
    #[serde(default, with = "::serde_with::rust::double_option")]
    pub organisation: Option<Option<Line>>,
    #[serde(default, with = "::serde_with::rust::double_option")]
    #[schema(value_type = Option<i64>)]
    pub organisation_id: Option<Option<i64>>,
    #[serde(default, with = "::serde_with::rust::double_option")]
    pub city: Option<Option<Line>>,
    #[serde(default, with = "::serde_with::rust::double_option")]
    pub country: Option<Option<Line>>,
    #[serde(default, with = "::serde_with::rust::double_option")]
    pub email: Option<Option<Email>>,
    pub language: Option<LanguageCode>,
    pub timezone: Option<Zone>,
}

#[derive(Serialize, ToSchema, Clone)]
pub struct SpeakerView {
    pub id: i64,
    pub name: String,
    pub honorific: Option<String>,
    pub position: Option<String>,
    pub organisation: Option<String>,
    pub organisation_id: Option<i64>,
    pub city: Option<String>,
    pub country: Option<String>,
    /// Present for the event's organisers only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub language: String,
    pub timezone: Zone,
    /// The speaker's personal calendar feed (their slots, with meeting links), for organisers
    /// to pass on; a path under the public URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feed_path: Option<String>,
}

impl SpeakerView {
    pub fn new(model: speaker::Model, show_email: bool) -> Self {
        SpeakerView {
            id: model.id,
            name: model.name,
            honorific: model.honorific,
            position: model.position,
            organisation: model.organisation,
            organisation_id: model.organisation_id,
            city: model.city,
            country: model.country,
            email: model.email.filter(|_| show_email),
            feed_path: model
                .feed_token
                .filter(|_| show_email)
                .map(|token| format!("/api/v1/feeds/{token}.ics")),
            language: model.language,
            timezone: model.timezone,
        }
    }
}

pub(crate) async fn check_organisation(
    db: &impl ConnectionTrait,
    id: Option<i64>,
) -> AppResult<()> {
    match id {
        Some(id)
            if organisation::Entity::find_by_id(id)
                .one(db)
                .await?
                .is_none() =>
        {
            Err(AppError::invalid(
                "organisation_id",
                format!("there is no organisation {id}"),
            ))
        }
        _ => Ok(()),
    }
}

pub async fn insert_speaker(
    db: &impl ConnectionTrait,
    event: &event::Model,
    input: NewSpeaker,
    now: DateTime<Utc>,
) -> AppResult<speaker::Model> {
    check_organisation(db, input.organisation_id).await?;
    Ok(speaker::ActiveModel {
        event_id: Set(event.id),
        name: Set(input.name.into_inner()),
        honorific: Set(clean(input.honorific)),
        position: Set(clean(input.position)),
        organisation: Set(clean(input.organisation)),
        organisation_id: Set(input.organisation_id),
        city: Set(clean(input.city)),
        country: Set(clean(input.country)),
        email: Set(input.email.map(|e| e.as_str().to_owned())),
        language: Set(input
            .language
            .map(|l| l.as_str().to_owned())
            .unwrap_or_else(|| event.default_language.clone())),
        timezone: Set(input.timezone.unwrap_or(event.timezone)),
        created_at: Set(now),
        updated_at: Set(now),
        feed_token: Set(Some(crate::security::new_token())),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Changes a speaker; fields left out keep their value.
pub async fn update_speaker(
    state: &AppState,
    event: event::Model,
    id: i64,
    changes: SpeakerChanges,
) -> AppResult<SpeakerView> {
    let txn = state.db.begin_write().await?;
    let mut active: speaker::ActiveModel =
        queries::speaker_in_event(&*txn, event.id, id).await?.into();
    if let Some(name) = changes.name {
        active.name = Set(name.into_inner());
    }
    if let Some(v) = changes.honorific {
        active.honorific = Set(clean(v));
    }
    if let Some(v) = changes.position {
        active.position = Set(clean(v));
    }
    if let Some(v) = changes.organisation {
        active.organisation = Set(clean(v));
    }
    if let Some(v) = changes.organisation_id {
        check_organisation(&*txn, v).await?;
        active.organisation_id = Set(v);
    }
    if let Some(v) = changes.city {
        active.city = Set(clean(v));
    }
    if let Some(v) = changes.country {
        active.country = Set(clean(v));
    }
    if let Some(v) = changes.email {
        active.email = Set(v.map(|e| e.as_str().to_owned()));
    }
    if let Some(v) = changes.language {
        active.language = Set(v.as_str().to_owned());
    }
    if let Some(v) = changes.timezone {
        active.timezone = Set(v);
    }
    active.updated_at = Set(state.clock.now());
    let saved = active.update(&*txn).await?;
    txn.commit().await?;
    Ok(SpeakerView::new(saved, true))
}

/// Adds a person to the event's programme: shared by the API and the console.
pub async fn create_speaker(
    state: &AppState,
    event: &event::Model,
    input: NewSpeaker,
) -> AppResult<SpeakerView> {
    let txn = state.db.begin_write().await?;
    let saved = insert_speaker(&*txn, event, input, state.clock.now()).await?;
    txn.commit().await?;
    Ok(SpeakerView::new(saved, true))
}
