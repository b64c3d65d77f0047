//! Attendance: public registration with seat limits and a waitlist, self-service through a
//! private link, and the organisers' list.
//!
//! Seats are counted and given inside one write transaction with the event's row locked
//! (`FOR NO KEY UPDATE` on PostgreSQL; the write gate on SQLite), so the last seat goes to exactly
//! one person however many ask at once. Every email is queued in that same transaction.

use crate::app::registration::register::{NewRegistration, register_attendee};
use crate::app::registration::self_service::{
    RegistrationChanges, cancel_by_token, erase_by_token, update_by_token, view_by_token,
};
use crate::app::registration::views::RegistrationView;
use crate::error::AppResult;
use crate::http::HttpState;
use crate::http::extract::{ApiJson, ApiPath, PublicWrite};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

#[utoipa::path(post, path = "/api/v1/events/{slug}/registrations", tag = "attendance", params(("slug" = String, Path)), request_body = NewRegistration,
    responses((status = 201, body = RegistrationView), (status = 200, description = "Already registered: the existing registration", body = RegistrationView),
              (status = 422, body = crate::error::Problem), (status = 429, body = crate::error::Problem)))]
pub async fn register(
    State(state): State<HttpState>,
    _limit: PublicWrite,
    ApiPath(slug): ApiPath<String>,
    ApiJson(input): ApiJson<NewRegistration>,
) -> AppResult<(StatusCode, Json<RegistrationView>)> {
    let registered = register_attendee(&state, &slug, input).await?;
    let status = if registered.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(registered.view)))
}

#[utoipa::path(get, path = "/api/v1/registrations/{token}", tag = "attendance", params(("token" = String, Path)),
    responses((status = 200, body = RegistrationView), (status = 404, body = crate::error::Problem)))]
pub async fn get_registration(
    State(state): State<HttpState>,
    ApiPath(token): ApiPath<String>,
) -> AppResult<Json<RegistrationView>> {
    let (view, _) = view_by_token(&state, &token).await?;
    Ok(Json(view))
}

/// Self-service: switch mode, add or drop sessions, change zone or language.
#[utoipa::path(patch, path = "/api/v1/registrations/{token}", tag = "attendance", params(("token" = String, Path)), request_body = RegistrationChanges,
    responses((status = 200, body = RegistrationView), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update_registration(
    State(state): State<HttpState>,
    ApiPath(token): ApiPath<String>,
    ApiJson(changes): ApiJson<RegistrationChanges>,
) -> AppResult<Json<RegistrationView>> {
    Ok(Json(update_by_token(&state, &token, changes).await?))
}

/// Cancels the whole registration.
#[utoipa::path(delete, path = "/api/v1/registrations/{token}", tag = "attendance", params(("token" = String, Path)),
    responses((status = 200, body = RegistrationView), (status = 404, body = crate::error::Problem)))]
pub async fn cancel_registration(
    State(state): State<HttpState>,
    ApiPath(token): ApiPath<String>,
) -> AppResult<Json<RegistrationView>> {
    Ok(Json(cancel_by_token(&state, &token).await?))
}

/// Erases the registrant's personal data (GDPR art. 17): seats are released as by a
/// cancellation, then name, email, organisation and place are overwritten. The anonymous row
/// stays so that counts and the waitlist order remain right.
#[utoipa::path(post, path = "/api/v1/registrations/{token}/erase", tag = "attendance", params(("token" = String, Path)),
    responses((status = 204), (status = 404, body = crate::error::Problem)))]
pub async fn erase_registration(
    State(state): State<HttpState>,
    ApiPath(token): ApiPath<String>,
) -> AppResult<StatusCode> {
    erase_by_token(&state, &token).await?;
    Ok(StatusCode::NO_CONTENT)
}
