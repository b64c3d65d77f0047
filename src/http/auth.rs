//! Who is calling: the bearer-token extractors shared by the JSON API and the pages.

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use sea_orm::EntityTrait;

use crate::app::AppState;
use crate::app::accounts::{TokenOwner, owner_of_token};
use crate::db::entities::{event, event_organiser};
use crate::error::{AppError, AppResult};
use crate::http::HttpState;

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

impl FromRequestParts<HttpState> for Organiser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &HttpState,
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

impl FromRequestParts<HttpState> for OrganiserOf {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &HttpState,
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

impl FromRequestParts<HttpState> for MaybeOrganiser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &HttpState,
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
        match owner_of_token(state, token).await? {
            TokenOwner::Valid(account) => Ok(MaybeOrganiser(Some(Organiser {
                user_id: account.id,
                is_admin: account.is_admin,
            }))),
            TokenOwner::Expired => Err(AppError::Unauthorized(
                "this token has expired; ask for a new one at /api/v1/auth/token",
            )),
            TokenOwner::Unknown => Err(AppError::Unauthorized(
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
