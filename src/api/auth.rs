//! Organiser sign-in: `POST /api/v1/auth/token`.

use axum::extract::State;
use axum::{Json, http::StatusCode};

use crate::app::accounts::{Credentials, IssuedToken, issue_token as sign_in};
use crate::error::AppResult;
use crate::http::HttpState;
use crate::http::extract::ApiJson;

/// Exchanges an organiser's email and password for a bearer token.
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "auth", request_body = Credentials,
    responses((status = 201, body = IssuedToken), (status = 401, body = crate::error::Problem)))]
pub async fn issue_token(
    State(state): State<HttpState>,
    ApiJson(credentials): ApiJson<Credentials>,
) -> AppResult<(StatusCode, Json<IssuedToken>)> {
    Ok((
        StatusCode::CREATED,
        Json(sign_in(&state, credentials).await?),
    ))
}
