//! Accounts: administrators create organiser accounts (`POST /api/v1/users`).

use crate::app::accounts::upsert_account;
use crate::app::accounts::{NewUser, UserView};
use crate::db::entities::user;
use crate::error::{AppError, AppResult};
use crate::http::auth::Organiser;
use crate::http::extract::ApiJson;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

#[utoipa::path(post, path = "/api/v1/users", tag = "auth", request_body = NewUser, security(("bearer" = [])),
    responses((status = 201, body = UserView), (status = 403, body = crate::error::Problem), (status = 409, body = crate::error::Problem)))]
pub async fn create_user(
    State(state): State<AppState>,
    organiser: Organiser,
    ApiJson(input): ApiJson<NewUser>,
) -> AppResult<(StatusCode, Json<UserView>)> {
    organiser.require_admin()?;
    if input.password.chars().count() < 8 {
        return Err(AppError::invalid(
            "password",
            "must be at least 8 characters long",
        ));
    }
    let taken = user::Entity::find()
        .filter(user::Column::Email.eq(input.email.normalized()))
        .one(&state.db.conn)
        .await?;
    if taken.is_some() {
        return Err(AppError::conflict(
            "email",
            "an account with this email already exists",
        ));
    }
    let saved = upsert_account(
        &state.db,
        input.email.as_str(),
        &input.name.into_inner(),
        &input.password,
        input.is_admin,
        state.clock.now(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(UserView {
            id: saved.id,
            email: saved.email,
            name: saved.name,
            is_admin: saved.is_admin,
        }),
    ))
}
