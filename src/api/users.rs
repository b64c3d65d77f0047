//! Accounts: administrators create organiser accounts (`POST /api/v1/users`).

use crate::app::accounts::create_user as new_account;
use crate::app::accounts::{NewUser, UserView};
use crate::error::AppResult;
use crate::http::HttpState;
use crate::http::auth::Organiser;
use crate::http::extract::ApiJson;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

#[utoipa::path(post, path = "/api/v1/users", tag = "auth", request_body = NewUser, security(("bearer" = [])),
    responses((status = 201, body = UserView), (status = 403, body = crate::error::Problem), (status = 409, body = crate::error::Problem)))]
pub async fn create_user(
    State(state): State<HttpState>,
    organiser: Organiser,
    ApiJson(input): ApiJson<NewUser>,
) -> AppResult<(StatusCode, Json<UserView>)> {
    organiser.require_admin()?;
    Ok((StatusCode::CREATED, Json(new_account(&state, input).await?)))
}
