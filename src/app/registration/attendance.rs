//! The organisers' side of attendance: counts per session and mode, waitlists, which cities and
//! countries took part, a CSV export, and manual confirm or cancel of a seat.

use crate::db::entities::registration;
use crate::error::AppResult;
use crate::state::AppState;
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
    pub status: Option<String>,
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
