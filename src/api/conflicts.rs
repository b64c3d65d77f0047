//! `GET /api/v1/events/{slug}/conflicts`: every problem of the programme (drafts included),
//! from the pure checks in `domain::conflicts`.

use crate::app::publishing::conflicts::{ConflictReport, conflicts_of};
use crate::app::publishing::publication::publish as publish_working_copy;
use crate::app::publishing::publication::{PublishPreview, PublishRequest, Published, preview};
use crate::error::AppResult;
use crate::http::HttpState;
use crate::http::auth::OrganiserOf;
use crate::http::extract::OptionalApiJson;
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

/// Publishes the working copy: drafts become public and staged changes replace the published
/// values, each person holding a changed session getting one update; or only the `sessions`
/// listed, for an urgent change. Refused while error-level conflicts remain that are not
/// acknowledged by id (409, listing them). The body may be left out.
#[utoipa::path(post, path = "/api/v1/events/{slug}/publish", tag = "programme", summary = "Publish the working copy", params(("slug" = String, Path)), security(("bearer" = [])),
    request_body(content = Option<PublishRequest>, content_type = "application/json"),
    responses((status = 200, body = Published), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
        (status = 409, description = "Error-level conflicts remain", body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn publish(
    State(state): State<HttpState>,
    access: OrganiserOf,
    OptionalApiJson(request): OptionalApiJson<PublishRequest>,
) -> AppResult<Json<Published>> {
    Ok(Json(
        publish_working_copy(
            &state,
            access.event.id,
            Some(access.organiser.user_id),
            request,
        )
        .await?,
    ))
}

/// What publishing now would change, whom it would email, and what stands in its way.
#[utoipa::path(get, path = "/api/v1/events/{slug}/publish/preview", tag = "programme", summary = "Preview the next publication", params(("slug" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = PublishPreview), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
pub async fn preview_publication(
    State(state): State<HttpState>,
    access: OrganiserOf,
) -> AppResult<Json<PublishPreview>> {
    Ok(Json(preview(&state, &access.event).await?))
}
