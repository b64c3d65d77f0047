//! Events: `/api/v1/events[/{slug}]`, and who organises them.

use crate::app::AppState;
use crate::app::catalogue::sessions::check_questions;
use crate::db::columns::stored_json;
use crate::db::columns::to_json;
use crate::db::entities::user;
use crate::db::entities::{event, event_organiser};
use crate::db::queries;
use crate::domain::planner::{PlanDay, SchedulingRules, day_plan};
use crate::domain::text::Line;
use crate::domain::text::Text;
use crate::domain::text::clean;
use crate::domain::text::{Email, LanguageCode, Slug, Title, WebUrl};
use crate::domain::vocab::{AttendanceMode, EventKind};
use crate::domain::zone::{DisplayZone, Zone};
use crate::error::{AppError, AppResult, FieldErrors};
use chrono::Datelike;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A background paper of a peer-learning event.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub title: Title,
    #[serde(default)]
    pub author: Option<Line>,
    #[serde(default)]
    pub url: Option<WebUrl>,
    #[serde(default)]
    pub language: Option<LanguageCode>,
    #[serde(default)]
    pub summary: Option<Text>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEvent {
    pub slug: Slug,
    pub title: Title,
    #[serde(default)]
    pub description: Option<Text>,
    pub kind: EventKind,
    pub attendance: AttendanceMode,
    /// The home zone: local times typed for this event are read in it.
    pub timezone: Zone,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    #[serde(default)]
    pub venue: Option<Line>,
    #[serde(default)]
    pub default_language: Option<LanguageCode>,
    /// The zones every session is printed in; defaults to the home zone alone.
    #[serde(default)]
    pub display_zones: Option<Vec<DisplayZone>>,
    #[serde(default)]
    #[schema(max_items = 100)]
    pub questions: Vec<Text>,
    #[serde(default)]
    pub documents: Vec<Document>,
    #[serde(default)]
    pub organiser_name: Option<Line>,
    #[serde(default)]
    pub organiser_email: Option<Email>,
    /// Ask attendees' calendars to reply (off: a summit of thousands would flood the organisers).
    #[serde(default)]
    pub rsvp_attendees: bool,
    #[serde(default)]
    pub onsite_capacity: Option<u32>,
    #[serde(default)]
    pub virtual_capacity: Option<u32>,
    /// How days are held, for the days that differ from `attendance` (e.g. a rest day).
    #[serde(default)]
    pub day_plan: Vec<PlanDay>,
}

/// Every field optional; `null` clears an optional field.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct EventChanges {
    pub title: Option<Title>,
    pub description: Option<Text>,
    pub kind: Option<EventKind>,
    pub attendance: Option<AttendanceMode>,
    pub timezone: Option<Zone>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    #[serde(default, with = "::serde_with::rust::double_option")]
    pub venue: Option<Option<Line>>,
    pub default_language: Option<LanguageCode>,
    pub display_zones: Option<Vec<DisplayZone>>,
    #[schema(max_items = 100)]
    pub questions: Option<Vec<Text>>,
    pub documents: Option<Vec<Document>>,
    #[serde(default, with = "::serde_with::rust::double_option")]
    pub organiser_name: Option<Option<Line>>,
    #[serde(default, with = "::serde_with::rust::double_option")]
    pub organiser_email: Option<Option<Email>>,
    pub rsvp_attendees: Option<bool>,
    #[serde(default, with = "::serde_with::rust::double_option")]
    #[schema(value_type = Option<u32>)]
    pub onsite_capacity: Option<Option<u32>>,
    #[serde(default, with = "::serde_with::rust::double_option")]
    #[schema(value_type = Option<u32>)]
    pub virtual_capacity: Option<Option<u32>>,
    /// Replaces the day plan's days; days left out follow `attendance`.
    pub day_plan: Option<Vec<PlanDay>>,
}

#[derive(Serialize, ToSchema)]
pub struct EventView {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub description: String,
    pub kind: EventKind,
    pub attendance: AttendanceMode,
    pub timezone: Zone,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub venue: Option<String>,
    pub default_language: String,
    pub display_zones: Vec<DisplayZone>,
    pub questions: Vec<String>,
    pub documents: Vec<Document>,
    pub organiser_name: Option<String>,
    pub organiser_email: Option<String>,
    pub rsvp_attendees: bool,
    pub onsite_capacity: Option<i32>,
    pub virtual_capacity: Option<i32>,
    /// Every day of the event and how it is held (`virtual`, `on_site`, `hybrid` or `none`).
    pub day_plan: Vec<PlanDay>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl EventView {
    pub fn from_model(model: event::Model) -> AppResult<Self> {
        Ok(EventView {
            day_plan: day_plan_of(&model)?,
            kind: model.kind,
            attendance: model.attendance,
            display_zones: stored_json(&model.display_zones, "events.display_zones")?,
            questions: stored_json(&model.questions, "events.questions")?,
            documents: stored_json(&model.documents, "events.documents")?,
            id: model.id,
            slug: model.slug,
            title: model.title,
            description: model.description,
            timezone: model.timezone,
            starts_on: model.starts_on,
            ends_on: model.ends_on,
            venue: model.venue,
            default_language: model.default_language,
            organiser_name: model.organiser_name,
            organiser_email: model.organiser_email,
            rsvp_attendees: model.rsvp_attendees,
            onsite_capacity: model.onsite_capacity,
            virtual_capacity: model.virtual_capacity,
            created_at: model.created_at,
            updated_at: model.updated_at,
        })
    }
}

/// Every day of the event and how it is held: the days the organiser set, the others following
/// the event's attendance.
pub fn day_plan_of(event: &event::Model) -> AppResult<Vec<PlanDay>> {
    let given: Vec<PlanDay> = stored_json(&event.day_plan, "events.day_plan")?;
    // Days left outside after the event's dates changed no longer apply.
    let given: Vec<PlanDay> = given
        .into_iter()
        .filter(|d| (event.starts_on..=event.ends_on).contains(&d.date))
        .collect();
    day_plan(event.starts_on, event.ends_on, event.attendance, &given)
        .map_err(|(_, why)| AppError::Internal(anyhow::anyhow!("stored day plan: {why}")))
}

/// The day plan's given days as stored, refused by field when a day is outside the event.
fn checked_day_plan(
    errors: &mut FieldErrors,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    attendance: AttendanceMode,
    days: Vec<PlanDay>,
) -> serde_json::Value {
    if let Err((index, why)) = day_plan(starts_on, ends_on, attendance, &days) {
        errors.add(format!("day_plan[{index}].date"), why);
    }
    to_json(&days)
}

/// The checks that involve more than one field, shared by create and update.
/// Events happen within these years; a date outside them is a typing slip (year 0, 10000).
const FIRST_YEAR: i32 = 1970;
const LAST_YEAR: i32 = 2200;

pub(crate) fn check_event(
    errors: &mut FieldErrors,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    zones: &[DisplayZone],
    questions: &[String],
) {
    if ends_on < starts_on {
        errors.add(
            "ends_on",
            format!("must not be before starts_on ({starts_on})"),
        );
    }
    if (ends_on - starts_on).num_days() > 366 {
        errors.add("ends_on", "an event may last at most a year");
    }
    for (field, day) in [("starts_on", starts_on), ("ends_on", ends_on)] {
        if !(FIRST_YEAR..=LAST_YEAR).contains(&day.year()) {
            errors.add(
                field,
                format!("must be between {FIRST_YEAR} and {LAST_YEAR}"),
            );
        }
    }
    if zones.len() > 8 {
        errors.add(
            "display_zones",
            "at most 8 zones can be printed beside each session",
        );
    }
    for (index, zone) in zones.iter().enumerate() {
        if let Some((field, reason)) = zone.problem() {
            errors.add(format!("display_zones[{index}].{field}"), reason);
        }
    }
    check_questions(errors, questions);
}

pub(crate) fn capacity(value: Option<u32>, field: &str, errors: &mut FieldErrors) -> Option<i32> {
    value.and_then(|v| errors.check(field, i32::try_from(v).map_err(|_| "is too large")))
}

/// Creates an event and makes `organiser` one of its organisers. Shared with the demo loader.
/// Creates an event organised by `organiser_id`: shared by the API and the console.
pub async fn create_event(
    state: &AppState,
    organiser_id: i64,
    input: NewEvent,
) -> AppResult<EventView> {
    let txn = state.db.begin_write().await?;
    let saved = insert_event(&*txn, organiser_id, input, state.clock.now()).await?;
    txn.commit().await?;
    EventView::from_model(saved)
}

pub async fn insert_event(
    db: &impl ConnectionTrait,
    organiser_id: i64,
    input: NewEvent,
    now: DateTime<Utc>,
) -> AppResult<event::Model> {
    let display_zones = input
        .display_zones
        .unwrap_or_else(|| vec![DisplayZone::named(input.timezone)]);
    let questions: Vec<String> = input
        .questions
        .iter()
        .map(|q| q.trim().to_owned())
        .collect();
    let mut errors = FieldErrors::default();
    check_event(
        &mut errors,
        input.starts_on,
        input.ends_on,
        &display_zones,
        &questions,
    );
    let onsite_capacity = capacity(input.onsite_capacity, "onsite_capacity", &mut errors);
    let virtual_capacity = capacity(input.virtual_capacity, "virtual_capacity", &mut errors);
    let day_plan = checked_day_plan(
        &mut errors,
        input.starts_on,
        input.ends_on,
        input.attendance,
        input.day_plan,
    );
    errors.into_result()?;
    if event::Entity::find()
        .filter(event::Column::Slug.eq(input.slug.as_str()))
        .one(db)
        .await?
        .is_some()
    {
        return Err(AppError::conflict(
            "slug",
            format!("the slug '{}' is already taken", input.slug.as_str()),
        ));
    }
    let saved = event::ActiveModel {
        slug: Set(input.slug.as_str().to_owned()),
        title: Set(input.title.into_inner()),
        description: Set(input.description.unwrap_or_default().into()),
        kind: Set(input.kind),
        attendance: Set(input.attendance),
        timezone: Set(input.timezone),
        starts_on: Set(input.starts_on),
        ends_on: Set(input.ends_on),
        venue: Set(clean(input.venue)),
        default_language: Set(input
            .default_language
            .map(|l| l.as_str().to_owned())
            .unwrap_or_else(|| "en".into())),
        display_zones: Set(to_json(&display_zones)),
        questions: Set(to_json(&questions)),
        documents: Set(to_json(&input.documents)),
        organiser_name: Set(clean(input.organiser_name)),
        organiser_email: Set(input.organiser_email.map(|e| e.as_str().to_owned())),
        rsvp_attendees: Set(input.rsvp_attendees),
        onsite_capacity: Set(onsite_capacity),
        virtual_capacity: Set(virtual_capacity),
        day_plan: Set(day_plan),
        scheduling_rules: Set(to_json(&SchedulingRules::default())),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    event_organiser::ActiveModel {
        event_id: Set(saved.id),
        user_id: Set(organiser_id),
    }
    .insert(db)
    .await?;
    Ok(saved)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganiser {
    /// The email of an existing account.
    pub email: Email,
}

/// Changes an event's settings; fields left out keep their value.
pub async fn update_event(
    state: &AppState,
    event_id: i64,
    changes: EventChanges,
) -> AppResult<EventView> {
    let txn = state.db.begin_write().await?;
    let current = queries::event_for_update(&*txn, event_id).await?;
    let display_zones = match changes.display_zones {
        Some(zones) => zones,
        None => stored_json(&current.display_zones, "events.display_zones")?,
    };
    let questions: Vec<String> = match changes.questions {
        Some(questions) => questions.iter().map(|q| q.trim().to_owned()).collect(),
        None => stored_json(&current.questions, "events.questions")?,
    };
    let starts_on = changes.starts_on.unwrap_or(current.starts_on);
    let ends_on = changes.ends_on.unwrap_or(current.ends_on);
    let mut errors = FieldErrors::default();
    check_event(&mut errors, starts_on, ends_on, &display_zones, &questions);
    let onsite_capacity = changes
        .onsite_capacity
        .map(|c| capacity(c, "onsite_capacity", &mut errors));
    let virtual_capacity = changes
        .virtual_capacity
        .map(|c| capacity(c, "virtual_capacity", &mut errors));
    let day_plan = changes.day_plan.map(|days| {
        checked_day_plan(
            &mut errors,
            starts_on,
            ends_on,
            changes.attendance.unwrap_or(current.attendance),
            days,
        )
    });
    errors.into_result()?;

    let mut active: event::ActiveModel = current.into();
    if let Some(title) = changes.title {
        active.title = Set(title.into_inner());
    }
    if let Some(description) = changes.description {
        active.description = Set(description.into());
    }
    if let Some(kind) = changes.kind {
        active.kind = Set(kind);
    }
    if let Some(attendance) = changes.attendance {
        active.attendance = Set(attendance);
    }
    if let Some(zone) = changes.timezone {
        active.timezone = Set(zone);
    }
    if let Some(venue) = changes.venue {
        active.venue = Set(clean(venue));
    }
    if let Some(language) = changes.default_language {
        active.default_language = Set(language.as_str().to_owned());
    }
    if let Some(documents) = changes.documents {
        active.documents = Set(to_json(&documents));
    }
    if let Some(name) = changes.organiser_name {
        active.organiser_name = Set(clean(name));
    }
    if let Some(email) = changes.organiser_email {
        active.organiser_email = Set(email.map(|e| e.as_str().to_owned()));
    }
    if let Some(rsvp) = changes.rsvp_attendees {
        active.rsvp_attendees = Set(rsvp);
    }
    if let Some(capacity) = onsite_capacity {
        active.onsite_capacity = Set(capacity);
    }
    if let Some(capacity) = virtual_capacity {
        active.virtual_capacity = Set(capacity);
    }
    if let Some(days) = day_plan {
        active.day_plan = Set(days);
    }
    active.starts_on = Set(starts_on);
    active.ends_on = Set(ends_on);
    active.display_zones = Set(to_json(&display_zones));
    active.questions = Set(to_json(&questions));
    active.updated_at = Set(state.clock.now());
    let saved = active.update(&*txn).await?;
    txn.commit().await?;
    EventView::from_model(saved)
}

/// Makes an existing account an organiser of the event (again: no change).
pub async fn add_organiser(
    state: &AppState,
    current: event::Model,
    input: NewOrganiser,
) -> AppResult<()> {
    let txn = state.db.begin_write().await?;
    let account = user::Entity::find()
        .filter(user::Column::Email.eq(input.email.normalized()))
        .one(&*txn)
        .await?
        .ok_or_else(|| {
            AppError::invalid(
                "email",
                "no account has this email; an administrator creates accounts at /api/v1/users",
            )
        })?;
    if event_organiser::Entity::find_by_id((current.id, account.id))
        .one(&*txn)
        .await?
        .is_none()
    {
        event_organiser::ActiveModel {
            event_id: Set(current.id),
            user_id: Set(account.id),
        }
        .insert(&*txn)
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Every event, in date order.
pub async fn list_events(state: &AppState) -> AppResult<Vec<EventView>> {
    let events = event::Entity::find()
        .order_by_asc(event::Column::StartsOn)
        .order_by_asc(event::Column::Id)
        .all(&state.db.conn)
        .await?;
    events
        .into_iter()
        .map(EventView::from_model)
        .collect::<AppResult<Vec<_>>>()
}

/// The events an organiser runs, in date order (administrators run every event).
pub async fn events_organised_by(
    state: &AppState,
    user_id: i64,
    is_admin: bool,
) -> AppResult<Vec<EventView>> {
    if is_admin {
        return list_events(state).await;
    }
    let theirs: Vec<i64> = event_organiser::Entity::find()
        .filter(event_organiser::Column::UserId.eq(user_id))
        .all(&state.db.conn)
        .await?
        .into_iter()
        .map(|link| link.event_id)
        .collect();
    let events = event::Entity::find()
        .filter(event::Column::Id.is_in(theirs))
        .order_by_asc(event::Column::StartsOn)
        .order_by_asc(event::Column::Id)
        .all(&state.db.conn)
        .await?;
    events.into_iter().map(EventView::from_model).collect()
}
