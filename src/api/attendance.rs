//! The organisers' side of attendance: counts per session and mode, waitlists, which cities and
//! countries took part, a CSV export, and manual confirm or cancel of a seat.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::Items;
use super::auth::OrganiserOf;
use super::extract::{ApiPath, ApiQuery};
use super::registrations::{
    Mode, RegistrationView, confirmed_count, invite_to_seat, onsite_capacity, promote_waitlist,
    registration_view, release_seat,
};
use crate::db::entities::{attendance, registration};
use crate::db::queries;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RegistrationSearch {
    /// Matches name, email, organisation, city or country (case-insensitive).
    pub q: Option<String>,
    /// `active`, `cancelled` or `erased`.
    pub status: Option<String>,
}

async fn matching(
    state: &AppState,
    event_id: i64,
    search: &RegistrationSearch,
) -> AppResult<Vec<registration::Model>> {
    let mut query = registration::Entity::find()
        .filter(registration::Column::EventId.eq(event_id))
        .order_by_asc(registration::Column::Id);
    if let Some(status) = &search.status {
        query = query.filter(registration::Column::Status.eq(status.as_str()));
    }
    let all = query.all(&state.db.conn).await?;
    let Some(needle) = search
        .q
        .as_deref()
        .map(str::to_lowercase)
        .filter(|q| !q.trim().is_empty())
    else {
        return Ok(all);
    };
    Ok(all
        .into_iter()
        .filter(|r| {
            [
                Some(&r.name),
                Some(&r.email),
                r.organisation.as_ref(),
                r.city.as_ref(),
                r.country.as_ref(),
            ]
            .into_iter()
            .flatten()
            .any(|field| field.to_lowercase().contains(&needle))
        })
        .collect())
}

#[utoipa::path(get, path = "/api/v1/events/{slug}/registrations", tag = "attendance", params(("slug" = String, Path), RegistrationSearch), security(("bearer" = [])),
    responses((status = 200, body = Items<RegistrationView>), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
pub async fn list_registrations(
    State(state): State<AppState>,
    access: OrganiserOf,
    ApiQuery(search): ApiQuery<RegistrationSearch>,
) -> AppResult<Json<Items<RegistrationView>>> {
    let mut items = Vec::new();
    for model in matching(&state, access.event.id, &search).await? {
        items.push(registration_view(&state.db.conn, &state, model, None).await?);
    }
    Ok(Json(items.into()))
}

#[derive(Serialize, ToSchema)]
pub struct AttendanceReport {
    pub registrations: u64,
    pub by_mode: BTreeMap<String, u64>,
    pub sessions: Vec<SessionCounts>,
    /// Which cities took part (active registrations), most first.
    pub cities: Vec<PlaceCount>,
    pub countries: Vec<PlaceCount>,
}

#[derive(Serialize, ToSchema)]
pub struct SessionCounts {
    pub session_id: i64,
    pub title: String,
    pub onsite_capacity: Option<i64>,
    pub confirmed_on_site: i64,
    pub confirmed_virtual: i64,
    pub waitlisted: usize,
    /// Registration ids in the order their seats will be given.
    pub waitlist: Vec<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct PlaceCount {
    pub name: String,
    pub country: Option<String>,
    pub registrations: u64,
}

fn ranked(counts: BTreeMap<(String, Option<String>), u64>) -> Vec<PlaceCount> {
    let mut places: Vec<PlaceCount> = counts
        .into_iter()
        .map(|((name, country), registrations)| PlaceCount {
            name,
            country,
            registrations,
        })
        .collect();
    places.sort_by(|a, b| {
        b.registrations
            .cmp(&a.registrations)
            .then(a.name.cmp(&b.name))
    });
    places
}

#[utoipa::path(get, path = "/api/v1/events/{slug}/attendance", tag = "attendance", params(("slug" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = AttendanceReport), (status = 403, body = crate::error::Problem)))]
pub async fn attendance_report(
    State(state): State<AppState>,
    access: OrganiserOf,
) -> AppResult<Json<AttendanceReport>> {
    let db = &state.db.conn;
    let active = registration::Entity::find()
        .filter(registration::Column::EventId.eq(access.event.id))
        .filter(registration::Column::Status.eq("active"))
        .all(db)
        .await?;
    let mut by_mode = BTreeMap::new();
    let mut cities = BTreeMap::new();
    let mut countries = BTreeMap::new();
    for r in &active {
        *by_mode.entry(r.attendance.clone()).or_insert(0) += 1;
        if let Some(city) = &r.city {
            *cities.entry((city.clone(), r.country.clone())).or_insert(0) += 1;
        }
        if let Some(country) = &r.country {
            *countries.entry((country.clone(), None)).or_insert(0) += 1;
        }
    }
    let mut sessions = Vec::new();
    for session in queries::sessions_of_event(db, access.event.id, true).await? {
        let waitlist: Vec<i64> = attendance::Entity::find()
            .filter(attendance::Column::SessionId.eq(session.id))
            .filter(attendance::Column::Status.eq("waitlisted"))
            .order_by_asc(attendance::Column::UpdatedAt)
            .order_by_asc(attendance::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(|seat| seat.registration_id)
            .collect();
        sessions.push(SessionCounts {
            session_id: session.id,
            onsite_capacity: onsite_capacity(db, &session).await?,
            confirmed_on_site: confirmed_count(db, session.id, Mode::OnSite).await?,
            confirmed_virtual: confirmed_count(db, session.id, Mode::Virtual).await?,
            waitlisted: waitlist.len(),
            waitlist,
            title: session.title,
        });
    }
    Ok(Json(AttendanceReport {
        registrations: active.len() as u64,
        by_mode,
        sessions,
        cities: ranked(cities),
        countries: ranked(countries),
    }))
}

/// One row per registration and session, for spreadsheets.
#[utoipa::path(get, path = "/api/v1/events/{slug}/registrations.csv", tag = "attendance", params(("slug" = String, Path)), security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv"), (status = 403, body = crate::error::Problem)))]
pub async fn registrations_csv(
    State(state): State<AppState>,
    access: OrganiserOf,
) -> AppResult<Response> {
    let db = &state.db.conn;
    let sessions = queries::sessions_of_event(db, access.event.id, true).await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = [
        "registration_id",
        "name",
        "email",
        "organisation",
        "city",
        "country",
        "attendance",
        "language",
        "timezone",
        "status",
        "session_id",
        "session",
        "seat_mode",
        "seat_status",
        "registered_at",
    ];
    writer
        .write_record(header)
        .map_err(|e| AppError::Internal(e.into()))?;
    for r in registration::Entity::find()
        .filter(registration::Column::EventId.eq(access.event.id))
        .order_by_asc(registration::Column::Id)
        .all(db)
        .await?
    {
        let seats = attendance::Entity::find()
            .filter(attendance::Column::RegistrationId.eq(r.id))
            .order_by_asc(attendance::Column::SessionId)
            .all(db)
            .await?;
        for seat in seats {
            let title = sessions
                .iter()
                .find(|s| s.id == seat.session_id)
                .map(|s| s.title.as_str())
                .unwrap_or_default();
            let record = [
                r.id.to_string(),
                r.name.clone(),
                r.email.clone(),
                r.organisation.clone().unwrap_or_default(),
                r.city.clone().unwrap_or_default(),
                r.country.clone().unwrap_or_default(),
                r.attendance.clone(),
                r.language.clone(),
                r.timezone.clone(),
                r.status.clone(),
                seat.session_id.to_string(),
                title.to_owned(),
                seat.mode.clone(),
                seat.status.clone(),
                r.created_at.to_rfc3339(),
            ];
            writer
                .write_record(record.iter().map(|field| spreadsheet_safe(field)))
                .map_err(|e| AppError::Internal(e.into()))?;
        }
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}-registrations.csv\"",
                    access.event.slug
                ),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Spreadsheets run cells that start with = + - @ as formulas (CSV injection); a leading
/// apostrophe keeps them text.
fn spreadsheet_safe(field: &str) -> String {
    if field.starts_with(['=', '+', '-', '@']) {
        format!("'{field}")
    } else {
        field.to_owned()
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeatDecision {
    /// `confirm` gives the seat even beyond capacity (an organiser's call); `cancel` frees it.
    pub action: SeatAction,
}

#[derive(Deserialize, ToSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SeatAction {
    Confirm,
    Cancel,
}

#[utoipa::path(post, path = "/api/v1/events/{slug}/registrations/{id}/sessions/{session_id}", tag = "attendance",
    params(("slug" = String, Path), ("id" = i64, Path), ("session_id" = i64, Path)), request_body = SeatDecision, security(("bearer" = [])),
    responses((status = 200, body = RegistrationView), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn decide_seat(
    State(state): State<AppState>,
    access: OrganiserOf,
    ApiPath((_slug, id, session_id)): ApiPath<(String, i64, i64)>,
    super::extract::ApiJson(decision): super::extract::ApiJson<SeatDecision>,
) -> AppResult<Json<RegistrationView>> {
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let event = queries::event_for_update(&*txn, access.event.id).await?;
    let model = registration::Entity::find_by_id(id)
        .filter(registration::Column::EventId.eq(event.id))
        .one(&*txn)
        .await?
        .filter(|r| r.status == "active")
        .ok_or(AppError::NotFound("registration"))?;
    let seat = attendance::Entity::find()
        .filter(attendance::Column::RegistrationId.eq(model.id))
        .filter(attendance::Column::SessionId.eq(session_id))
        .one(&*txn)
        .await?
        .ok_or(AppError::NotFound("seat"))?;
    let session = queries::session_for_update(&*txn, event.id, session_id).await?;
    match decision.action {
        SeatAction::Confirm if seat.status != "confirmed" => {
            let seat_id = seat.id;
            let mut active: attendance::ActiveModel = seat.into();
            active.status = Set("confirmed".into());
            active.updated_at = Set(now);
            active.update(&*txn).await?;
            let facts = crate::notify::session_facts(&*txn, &state, &event, &session, true).await?;
            invite_to_seat(&*txn, &state, &event, &facts, &session, &model, seat_id).await?;
        }
        SeatAction::Cancel if seat.status != "cancelled" => {
            if let Some(freed) = release_seat(&*txn, &state, &event, &model, seat, now).await? {
                promote_waitlist(&*txn, &state, &event, &freed, now).await?;
            }
        }
        _ => {}
    }
    let view = registration_view(&*txn, &state, model, None).await?;
    txn.commit_attendance().await?;
    state.mail_queued();
    Ok(Json(view))
}
