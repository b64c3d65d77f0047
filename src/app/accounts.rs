//! Accounts: sign-in tokens for organisers, and the accounts administrators create.

use crate::app::AppState;
use crate::domain::text::{Email, Title};
use crate::error::{AppError, AppResult};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub email: Email,
    pub name: Title,
    /// At least 8 characters.
    #[schema(min_length = 8, max_length = 1000)]
    pub password: String,
    #[serde(default)]
    pub is_admin: bool,
}

#[derive(Serialize, ToSchema)]
pub struct UserView {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub is_admin: bool,
}

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use crate::db::entities::{api_token, user};
use crate::security;
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    #[schema(example = "admin@convene.localhost")]
    pub email: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct IssuedToken {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// Exchanges an organiser's email and password for a bearer token.
pub async fn issue_token(state: &AppState, credentials: Credentials) -> AppResult<IssuedToken> {
    let account = user::Entity::find()
        .filter(user::Column::Email.eq(credentials.email.trim().to_lowercase()))
        .one(&state.db.conn)
        .await?;
    // Verify against a throwaway hash when the account is unknown, so timing does not tell.
    let stored = account
        .as_ref()
        .map(|a| a.password_hash.clone())
        .unwrap_or_else(|| DUMMY_HASH.clone());
    let password = credentials.password;
    let valid = tokio::task::spawn_blocking(move || security::verify_password(&password, &stored))
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let account = match account {
        Some(account) if valid => account,
        _ => return Err(AppError::Unauthorized("unknown email or wrong password")),
    };
    let token = security::new_token();
    let now = state.clock.now();
    let expires_at = now + Duration::hours(state.settings.token_ttl_hours);
    api_token::ActiveModel {
        user_id: Set(account.id),
        token_hash: Set(security::token_hash(&token)),
        expires_at: Set(expires_at),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&state.db.conn)
    .await?;
    Ok(IssuedToken { token, expires_at })
}

static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    security::hash_password("not anyone's password").unwrap_or_default()
});

/// Creates or updates an account; used at start-up for `CONVENE_ADMIN_*` and by the users API.
pub async fn upsert_account(
    state_db: &crate::db::Db,
    email: &str,
    name: &str,
    password: &str,
    is_admin: bool,
    now: DateTime<Utc>,
) -> anyhow::Result<user::Model> {
    let email = email.trim().to_lowercase();
    let password = password.to_owned();
    let hash = tokio::task::spawn_blocking(move || security::hash_password(&password)).await??;
    let txn = state_db.begin_write().await?;
    let existing = user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .one(&*txn)
        .await?;
    let saved = match existing {
        Some(found) => {
            let mut active: user::ActiveModel = found.into();
            active.password_hash = Set(hash);
            active.is_admin = Set(is_admin);
            active.update(&*txn).await?
        }
        None => {
            user::ActiveModel {
                email: Set(email),
                name: Set(name.to_owned()),
                password_hash: Set(hash),
                is_admin: Set(is_admin),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&*txn)
            .await?
        }
    };
    txn.commit().await?;
    Ok(saved)
}

/// An administrator creates an account.
pub async fn create_user(state: &AppState, input: NewUser) -> AppResult<UserView> {
    if !(8..=1000).contains(&input.password.chars().count()) {
        return Err(AppError::invalid(
            "password",
            "must be 8 to 1000 characters long",
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
    Ok(UserView {
        id: saved.id,
        email: saved.email,
        name: saved.name,
        is_admin: saved.is_admin,
    })
}
