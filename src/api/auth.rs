//! Organiser sign-in: `POST /api/v1/auth/token`.

use axum::extract::State;
use axum::{Json, http::StatusCode};

use crate::app::accounts::{Credentials, IssuedToken, issue_token as sign_in};
use crate::error::AppResult;
use crate::http::HttpState;
use crate::http::extract::{ApiJson, ClientAddress};

/// Exchanges an organiser's email and password for a bearer token. Attempts are limited per
/// client and per account (`CONVENE_SIGNIN_LIMIT` a minute, 10 by default): past it, 429 with
/// `Retry-After`.
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "auth", request_body = Credentials,
    responses((status = 201, body = IssuedToken), (status = 401, body = crate::error::Problem),
              (status = 429, description = "Too many sign-in attempts from this client or for this account", body = crate::error::Problem)))]
pub async fn issue_token(
    State(state): State<HttpState>,
    ClientAddress(client): ClientAddress,
    ApiJson(credentials): ApiJson<Credentials>,
) -> AppResult<(StatusCode, Json<IssuedToken>)> {
    state.limit_sign_in(client, &credentials.email)?;
    Ok((
        StatusCode::CREATED,
        Json(sign_in(&state, credentials).await?),
    ))
}
