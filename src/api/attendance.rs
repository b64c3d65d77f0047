//! The organisers' side of attendance: counts per session and mode, waitlists, which cities and
//! countries took part, a CSV export, and manual confirm or cancel of a seat.

use crate::api::Items;
use crate::app::registration::attendance::attendance_report as report_of;
use crate::app::registration::attendance::decide_seat as decide;
use crate::app::registration::attendance::registrations_csv as csv_of;
use crate::app::registration::attendance::{
    AttendanceReport, RegistrationSearch, SeatDecision, search_registrations,
};
use crate::app::registration::views::RegistrationView;
use crate::error::AppResult;
use crate::http::HttpState;
use crate::http::auth::OrganiserOf;
use crate::http::extract::{ApiPath, ApiQuery};
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

#[utoipa::path(get, path = "/api/v1/events/{slug}/registrations", tag = "attendance", params(("slug" = String, Path), RegistrationSearch), security(("bearer" = [])),
    responses((status = 200, body = Items<RegistrationView>), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
pub async fn list_registrations(
    State(state): State<HttpState>,
    access: OrganiserOf,
    ApiQuery(search): ApiQuery<RegistrationSearch>,
) -> AppResult<Json<Items<RegistrationView>>> {
    Ok(Json(
        search_registrations(&state, access.event.id, &search)
            .await?
            .into(),
    ))
}

#[utoipa::path(get, path = "/api/v1/events/{slug}/attendance", tag = "attendance", params(("slug" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = AttendanceReport), (status = 403, body = crate::error::Problem)))]
pub async fn attendance_report(
    State(state): State<HttpState>,
    access: OrganiserOf,
) -> AppResult<Json<AttendanceReport>> {
    Ok(Json(report_of(&state, access.event.id).await?))
}

/// One row per registration and session, for spreadsheets.
#[utoipa::path(get, path = "/api/v1/events/{slug}/registrations.csv", tag = "attendance", params(("slug" = String, Path)), security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv"), (status = 403, body = crate::error::Problem)))]
pub async fn registrations_csv(
    State(state): State<HttpState>,
    access: OrganiserOf,
) -> AppResult<Response> {
    let bytes = csv_of(&state, access.event.id).await?;
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
    State(state): State<HttpState>,
    access: OrganiserOf,
    ApiPath((_slug, id, session_id)): ApiPath<(String, i64, i64)>,
    crate::http::extract::ApiJson(decision): crate::http::extract::ApiJson<SeatDecision>,
) -> AppResult<Json<RegistrationView>> {
    Ok(Json(
        decide(&state, access.event.id, id, session_id, decision).await?,
    ))
}
