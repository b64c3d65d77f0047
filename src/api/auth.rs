//! Organiser sign-in (`POST /api/v1/auth/token`) and the bearer-token extractors.

use axum::extract::{FromRequestParts, RawPathParams, State};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::{Json, http::StatusCode};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::ApiJson;
use crate::db::entities::{api_token, event, event_organiser, user};
use crate::error::{AppError, AppResult};
use crate::security;
use crate::state::AppState;

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
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "auth", request_body = Credentials,
    responses((status = 201, body = IssuedToken), (status = 401, body = crate::error::Problem)))]
pub async fn issue_token(
    State(state): State<AppState>,
    ApiJson(credentials): ApiJson<Credentials>,
) -> AppResult<(StatusCode, Json<IssuedToken>)> {
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
    Ok((StatusCode::CREATED, Json(IssuedToken { token, expires_at })))
}

static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    security::hash_password("not anyone's password").unwrap_or_default()
});

/// A signed-in organiser. As an extractor it refuses requests without a valid token (401).
#[derive(Clone, Debug)]
pub struct Organiser {
    pub user_id: i64,
    pub is_admin: bool,
}

impl Organiser {
    /// 403 unless this organiser runs the event (administrators run every event).
    pub async fn require_event(&self, state: &AppState, event_id: i64) -> AppResult<()> {
        if self.is_admin || self.organises(state, event_id).await? {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "you are not an organiser of this event",
            ))
        }
    }

    pub async fn organises(&self, state: &AppState, event_id: i64) -> AppResult<bool> {
        Ok(self.is_admin
            || event_organiser::Entity::find_by_id((event_id, self.user_id))
                .one(&state.db.conn)
                .await?
                .is_some())
    }

    pub fn require_admin(&self) -> AppResult<()> {
        if self.is_admin {
            Ok(())
        } else {
            Err(AppError::Forbidden("only administrators may do this"))
        }
    }
}

impl FromRequestParts<AppState> for Organiser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        MaybeOrganiser::from_request_parts(parts, state)
            .await?
            .0
            .ok_or(AppError::Unauthorized(
                "this needs an organiser token: Authorization: Bearer <token>",
            ))
    }
}

/// An organiser of the event named by the `{slug}` path segment, with that event loaded.
/// Runs before the body is read, so a foreign organiser gets 403 whatever they sent.
pub struct OrganiserOf {
    pub organiser: Organiser,
    pub event: event::Model,
}

impl FromRequestParts<AppState> for OrganiserOf {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let organiser = Organiser::from_request_parts(parts, state).await?;
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|e| AppError::BadRequest(e.body_text()))?;
        let slug = params
            .iter()
            .find(|(name, _)| *name == "slug")
            .map(|(_, value)| value.to_owned())
            .ok_or(AppError::NotFound("event"))?;
        let event = crate::db::queries::event_by_slug(&state.db.conn, &slug).await?;
        organiser.require_event(state, event.id).await?;
        Ok(OrganiserOf { organiser, event })
    }
}

/// For public reads that show organisers more (drafts, meeting links). A token that is present
/// but invalid is still refused, so a client learns its token has expired.
pub struct MaybeOrganiser(pub Option<Organiser>);

impl FromRequestParts<AppState> for MaybeOrganiser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(header) = parts.headers.get(AUTHORIZATION) else {
            return Ok(MaybeOrganiser(None));
        };
        let token = header
            .to_str()
            .ok()
            .and_then(|value| {
                value
                    .strip_prefix("Bearer ")
                    .or_else(|| value.strip_prefix("bearer "))
            })
            .map(str::trim)
            .ok_or(AppError::Unauthorized(
                "the Authorization header must read: Bearer <token>",
            ))?;
        let found = api_token::Entity::find()
            .filter(api_token::Column::TokenHash.eq(security::token_hash(token)))
            .find_also_related(user::Entity)
            .one(&state.db.conn)
            .await?;
        match found {
            Some((token, Some(account))) if token.expires_at > state.clock.now() => {
                Ok(MaybeOrganiser(Some(Organiser {
                    user_id: account.id,
                    is_admin: account.is_admin,
                })))
            }
            Some(_) => Err(AppError::Unauthorized(
                "this token has expired; ask for a new one at /api/v1/auth/token",
            )),
            None => Err(AppError::Unauthorized(
                "unknown token; ask for one at /api/v1/auth/token",
            )),
        }
    }
}

impl MaybeOrganiser {
    /// Whether the caller may see the event's unpublished parts.
    pub async fn sees_drafts_of(&self, state: &AppState, event_id: i64) -> AppResult<bool> {
        match &self.0 {
            Some(organiser) => organiser.organises(state, event_id).await,
            None => Ok(false),
        }
    }
}

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
