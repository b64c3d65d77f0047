//! The organisers' view of an event's email queue: counts, failures, and a retry.

use crate::app::outbox::{OutboxView, Retried, outbox_of, requeue_dead};
use crate::error::AppResult;
use crate::http::HttpState;
use crate::http::auth::OrganiserOf;
use axum::Json;
use axum::extract::State;

#[utoipa::path(get, path = "/api/v1/events/{slug}/outbox", tag = "calendar", params(("slug" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = OutboxView), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
pub async fn show_outbox(
    State(state): State<HttpState>,
    access: OrganiserOf,
) -> AppResult<Json<OutboxView>> {
    Ok(Json(outbox_of(&state.db.conn, access.event.id).await?))
}

/// Puts the event's dead letters back in the queue, due now, with a fresh attempt budget.
#[utoipa::path(post, path = "/api/v1/events/{slug}/outbox/retry", tag = "calendar", params(("slug" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Retried), (status = 403, body = crate::error::Problem)))]
pub async fn retry_dead(
    State(state): State<HttpState>,
    access: OrganiserOf,
) -> AppResult<Json<Retried>> {
    Ok(Json(Retried {
        requeued: requeue_dead(&state, access.event.id).await?,
    }))
}
