//! The organisers' side of attendance: counts per session and mode, waitlists, which cities and
//! countries took part, a CSV export, and manual confirm or cancel of a seat.

use crate::app::AppState;
use crate::app::registration::capacity::confirmed_count;
use crate::app::registration::capacity::onsite_capacity;
use crate::app::registration::views::RegistrationView;
use crate::app::registration::views::registration_view;
use crate::app::registration::waitlist::invite_to_seat;
use crate::app::registration::waitlist::promote_waitlist;
use crate::app::registration::waitlist::release_seat;
use crate::db::entities::attendance;
use crate::db::entities::registration;
use crate::db::queries;
use crate::domain::vocab::Mode;
use crate::domain::vocab::RegistrationStatus;
use crate::domain::vocab::SeatStatus;
use crate::error::AppError;
use crate::error::AppResult;
use sea_orm::{ActiveModelTrait, Set};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RegistrationSearch {
    /// Matches name, email, organisation, city or country (case-insensitive).
    pub q: Option<String>,
    /// `active`, `cancelled` or `erased`.
    pub status: Option<RegistrationStatus>,
}

pub(crate) async fn matching(
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

#[derive(Serialize, ToSchema)]
pub struct AttendanceReport {
    pub registrations: u64,
    pub by_mode: BTreeMap<Mode, u64>,
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

pub(crate) fn ranked(counts: BTreeMap<(String, Option<String>), u64>) -> Vec<PlaceCount> {
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

/// Spreadsheets run cells that start with = + - @ as formulas (CSV injection); a leading
/// apostrophe keeps them text.
pub(crate) fn spreadsheet_safe(field: &str) -> String {
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

/// An organiser decides one seat by hand: confirms it (with its invitation) or cancels it (and
/// serves the waitlist).
pub async fn decide_seat(
    state: &AppState,
    event_id: i64,
    registration_id: i64,
    session_id: i64,
    decision: SeatDecision,
) -> AppResult<RegistrationView> {
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let event = queries::event_for_update(&*txn, event_id).await?;
    let model = registration::Entity::find_by_id(registration_id)
        .filter(registration::Column::EventId.eq(event.id))
        .one(&*txn)
        .await?
        .filter(|r| r.status == RegistrationStatus::Active)
        .ok_or(AppError::NotFound("registration"))?;
    let seat = attendance::Entity::find()
        .filter(attendance::Column::RegistrationId.eq(model.id))
        .filter(attendance::Column::SessionId.eq(session_id))
        .one(&*txn)
        .await?
        .ok_or(AppError::NotFound("seat"))?;
    let session = queries::session_for_update(&*txn, event.id, session_id).await?;
    match decision.action {
        SeatAction::Confirm if seat.status != SeatStatus::Confirmed => {
            let mut active: attendance::ActiveModel = seat.into();
            active.status = Set(SeatStatus::Confirmed);
            active.updated_at = Set(now);
            let seat = active.update(&*txn).await?;
            let facts = crate::app::notification::session_facts(
                &*txn,
                state,
                &event,
                &session,
                true,
                crate::db::queries::Edition::Published,
            )
            .await?;
            invite_to_seat(&*txn, state, &event, &facts, &session, &model, &seat).await?;
        }
        SeatAction::Cancel if seat.status != SeatStatus::Cancelled => {
            if let Some(freed) =
                release_seat(&*txn, state, &event, &model, seat, false, now).await?
            {
                promote_waitlist(&*txn, state, &event, &freed, now).await?;
            }
        }
        _ => {}
    }
    let view = registration_view(&*txn, state, model, None).await?;
    txn.commit_attendance().await?;
    state.mail_queued();
    Ok(view)
}

/// Counts per session and mode, waitlists, and which cities and countries take part.
pub async fn attendance_report(state: &AppState, event_id: i64) -> AppResult<AttendanceReport> {
    let db = &state.db.conn;
    let active = registration::Entity::find()
        .filter(registration::Column::EventId.eq(event_id))
        .filter(registration::Column::Status.eq(RegistrationStatus::Active))
        .all(db)
        .await?;
    let mut by_mode = BTreeMap::new();
    let mut cities = BTreeMap::new();
    let mut countries = BTreeMap::new();
    for r in &active {
        *by_mode.entry(r.attendance).or_insert(0) += 1;
        if let Some(city) = &r.city {
            *cities.entry((city.clone(), r.country.clone())).or_insert(0) += 1;
        }
        if let Some(country) = &r.country {
            *countries.entry((country.clone(), None)).or_insert(0) += 1;
        }
    }
    let mut sessions = Vec::new();
    for session in queries::sessions_of_event(db, event_id, true).await? {
        let waitlist: Vec<i64> = attendance::Entity::find()
            .filter(attendance::Column::SessionId.eq(session.id))
            .filter(attendance::Column::Status.eq(SeatStatus::Waitlisted))
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
    Ok(AttendanceReport {
        registrations: active.len() as u64,
        by_mode,
        sessions,
        cities: ranked(cities),
        countries: ranked(countries),
    })
}

/// Every registration and seat of the event as a spreadsheet-safe CSV.
pub async fn registrations_csv(state: &AppState, event_id: i64) -> AppResult<Vec<u8>> {
    let db = &state.db.conn;
    let sessions = queries::sessions_of_event(db, event_id, true).await?;
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
        .filter(registration::Column::EventId.eq(event_id))
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
                r.attendance.to_string(),
                r.language.clone(),
                r.timezone.to_string(),
                r.status.to_string(),
                seat.session_id.to_string(),
                title.to_owned(),
                seat.mode.to_string(),
                seat.status.to_string(),
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
    Ok(bytes)
}

/// The registrations matching `search`, each with its seats: shared by the API and the console.
pub async fn search_registrations(
    state: &AppState,
    event_id: i64,
    search: &RegistrationSearch,
) -> AppResult<Vec<RegistrationView>> {
    let mut found = Vec::new();
    for model in matching(state, event_id, search).await? {
        found.push(registration_view(&state.db.conn, state, model, None).await?);
    }
    Ok(found)
}

/// One registration of the event, with its seats, for the organisers.
pub async fn registration_of_event(
    state: &AppState,
    event_id: i64,
    registration_id: i64,
) -> AppResult<RegistrationView> {
    let model = registration::Entity::find_by_id(registration_id)
        .filter(registration::Column::EventId.eq(event_id))
        .one(&state.db.conn)
        .await?
        .ok_or(AppError::NotFound("registration"))?;
    registration_view(&state.db.conn, state, model, None).await
}
