//! `GET /api/v1/events/{slug}/conflicts`: every problem of the programme (drafts included),
//! from the pure checks in `domain::conflicts`.

use crate::app::publishing::conflicts::publish as publish_drafts;
use crate::app::publishing::conflicts::{ConflictReport, Published, conflicts_of};
use crate::error::AppResult;
use crate::http::HttpState;
use crate::http::auth::OrganiserOf;
use axum::Json;
use axum::extract::State;

#[utoipa::path(get, path = "/api/v1/events/{slug}/conflicts", tag = "programme", params(("slug" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = ConflictReport), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
pub async fn list_conflicts(
    State(state): State<HttpState>,
    access: OrganiserOf,
) -> AppResult<Json<ConflictReport>> {
    Ok(Json(conflicts_of(&state, &access.event).await?))
}

/// Publishes every draft session, unless error-level conflicts remain (409, listing them).
#[utoipa::path(post, path = "/api/v1/events/{slug}/publish", tag = "programme", params(("slug" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Published), (status = 409, description = "Error-level conflicts remain", body = crate::error::Problem)))]
pub async fn publish(
    State(state): State<HttpState>,
    access: OrganiserOf,
) -> AppResult<Json<Published>> {
    Ok(Json(
        publish_drafts(&state, access.event.id, access.organiser.user_id).await?,
    ))
}
