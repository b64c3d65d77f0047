//! Events: `/api/v1/events[/{slug}]`, and who organises them.

use crate::api::Items;
use crate::app::catalogue::events::{
    EventChanges, EventView, NewEvent, NewOrganiser, capacity, check_event, insert_event,
};
use crate::db::columns::stored_json;
use crate::db::columns::to_json;
use crate::db::entities::{event, event_organiser, user};
use crate::db::queries;
use crate::domain::text::clean;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::http::auth::{Organiser, OrganiserOf};
use crate::http::extract::{ApiJson, ApiPath};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, ModelTrait, QueryFilter, QueryOrder, Set,
};

#[utoipa::path(get, path = "/api/v1/events", tag = "events", responses((status = 200, body = Items<EventView>)))]
pub async fn list_events(State(state): State<AppState>) -> AppResult<Json<Items<EventView>>> {
    let events = event::Entity::find()
        .order_by_asc(event::Column::StartsOn)
        .order_by_asc(event::Column::Id)
        .all(&state.db.conn)
        .await?;
    Ok(Json(
        events
            .into_iter()
            .map(EventView::from_model)
            .collect::<AppResult<Vec<_>>>()?
            .into(),
    ))
}

#[utoipa::path(post, path = "/api/v1/events", tag = "events", request_body = NewEvent, security(("bearer" = [])),
    responses((status = 201, body = EventView), (status = 401, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_event(
    State(state): State<AppState>,
    organiser: Organiser,
    ApiJson(input): ApiJson<NewEvent>,
) -> AppResult<(StatusCode, Json<EventView>)> {
    let txn = state.db.begin_write().await?;
    let saved = insert_event(&*txn, organiser.user_id, input, state.clock.now()).await?;
    txn.commit().await?;
    Ok((StatusCode::CREATED, Json(EventView::from_model(saved)?)))
}

#[utoipa::path(get, path = "/api/v1/events/{slug}", tag = "events", params(("slug" = String, Path)),
    responses((status = 200, body = EventView), (status = 404, body = crate::error::Problem)))]
pub async fn get_event(
    State(state): State<AppState>,
    ApiPath(slug): ApiPath<String>,
) -> AppResult<Json<EventView>> {
    Ok(Json(EventView::from_model(
        queries::event_by_slug(&state.db.conn, &slug).await?,
    )?))
}

#[utoipa::path(patch, path = "/api/v1/events/{slug}", tag = "events", params(("slug" = String, Path)), request_body = EventChanges, security(("bearer" = [])),
    responses((status = 200, body = EventView), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update_event(
    State(state): State<AppState>,
    access: OrganiserOf,
    ApiJson(changes): ApiJson<EventChanges>,
) -> AppResult<Json<EventView>> {
    let txn = state.db.begin_write().await?;
    let current = queries::event_for_update(&*txn, access.event.id).await?;
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
    errors.into_result()?;

    let mut active: event::ActiveModel = current.into();
    if let Some(title) = changes.title {
        active.title = Set(title.into_inner());
    }
    if let Some(description) = changes.description {
        active.description = Set(description);
    }
    if let Some(kind) = changes.kind {
        active.kind = Set(kind.as_str().to_owned());
    }
    if let Some(attendance) = changes.attendance {
        active.attendance = Set(attendance.as_str().to_owned());
    }
    if let Some(zone) = changes.timezone {
        active.timezone = Set(zone.name().to_owned());
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
    active.starts_on = Set(starts_on);
    active.ends_on = Set(ends_on);
    active.display_zones = Set(to_json(&display_zones));
    active.questions = Set(to_json(&questions));
    active.updated_at = Set(state.clock.now());
    let saved = active.update(&*txn).await?;
    txn.commit().await?;
    Ok(Json(EventView::from_model(saved)?))
}

#[utoipa::path(delete, path = "/api/v1/events/{slug}", tag = "events", params(("slug" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn delete_event(
    State(state): State<AppState>,
    access: OrganiserOf,
) -> AppResult<StatusCode> {
    let txn = state.db.begin_write().await?;
    let current = access.event;
    current.delete(&*txn).await?;
    txn.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Gives another account the right to edit this event.
#[utoipa::path(post, path = "/api/v1/events/{slug}/organisers", tag = "events", params(("slug" = String, Path)), request_body = NewOrganiser,
    security(("bearer" = [])), responses((status = 204), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn add_organiser(
    State(state): State<AppState>,
    access: OrganiserOf,
    ApiJson(input): ApiJson<NewOrganiser>,
) -> AppResult<StatusCode> {
    let txn = state.db.begin_write().await?;
    let current = access.event;
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
    Ok(StatusCode::NO_CONTENT)
}
