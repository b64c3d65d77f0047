//! The organisers' side of attendance: counts per session and mode, waitlists, which cities and
//! countries took part, a CSV export, and manual confirm or cancel of a seat.

use crate::api::Items;
use crate::app::registration::attendance::{
    AttendanceReport, RegistrationSearch, SeatAction, SeatDecision, SessionCounts, matching,
    ranked, spreadsheet_safe,
};
use crate::app::registration::capacity::{confirmed_count, onsite_capacity};
use crate::app::registration::register::Mode;
use crate::app::registration::views::{RegistrationView, registration_view};
use crate::app::registration::waitlist::{invite_to_seat, promote_waitlist, release_seat};
use crate::db::entities::{attendance, registration};
use crate::db::queries;
use crate::error::{AppError, AppResult};
use crate::http::auth::OrganiserOf;
use crate::http::extract::{ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use std::collections::BTreeMap;

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

#[utoipa::path(post, path = "/api/v1/events/{slug}/registrations/{id}/sessions/{session_id}", tag = "attendance",
    params(("slug" = String, Path), ("id" = i64, Path), ("session_id" = i64, Path)), request_body = SeatDecision, security(("bearer" = [])),
    responses((status = 200, body = RegistrationView), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn decide_seat(
    State(state): State<AppState>,
    access: OrganiserOf,
    ApiPath((_slug, id, session_id)): ApiPath<(String, i64, i64)>,
    crate::http::extract::ApiJson(decision): crate::http::extract::ApiJson<SeatDecision>,
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
            let facts =
                crate::app::notification::session_facts(&*txn, &state, &event, &session, true)
                    .await?;
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
