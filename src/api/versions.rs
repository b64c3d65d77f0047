//! The history of an event's published programme: every publication that changed something is
//! kept whole, and any two can be compared.
//! `GET /api/v1/events/{slug}/versions`, `.../versions/{number}`, `.../changelog?from=&to=`.

use crate::api::Items;
use crate::app::publishing::versions::{
    Changelog, VersionSummary, VersionView, version_summaries, version_view,
};
use crate::app::publishing::versions::{ChangelogQuery, changelog_between};
use crate::error::AppResult;
use crate::http::HttpState;
use crate::http::auth::OrganiserOf;
use crate::http::extract::{ApiPath, ApiQuery};
use axum::Json;
use axum::extract::State;

#[utoipa::path(get, path = "/api/v1/events/{slug}/versions", tag = "programme", summary = "The published versions of the programme", params(("slug" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Items<VersionSummary>), (status = 403, body = crate::error::Problem)))]
pub async fn list_versions(
    State(state): State<HttpState>,
    access: OrganiserOf,
) -> AppResult<Json<Items<VersionSummary>>> {
    Ok(Json(
        version_summaries(&state, access.event.id).await?.into(),
    ))
}

#[utoipa::path(get, path = "/api/v1/events/{slug}/versions/{number}", tag = "programme", summary = "One published version, whole", params(("slug" = String, Path), ("number" = i32, Path)),
    security(("bearer" = [])), responses((status = 200, body = VersionView), (status = 404, body = crate::error::Problem)))]
pub async fn get_version(
    State(state): State<HttpState>,
    access: OrganiserOf,
    ApiPath((_slug, number)): ApiPath<(String, i32)>,
) -> AppResult<Json<VersionView>> {
    Ok(Json(version_view(&state, access.event.id, number).await?))
}

#[utoipa::path(get, path = "/api/v1/events/{slug}/changelog", tag = "programme", params(("slug" = String, Path), ChangelogQuery),
    security(("bearer" = [])), responses((status = 200, body = Changelog), (status = 404, body = crate::error::Problem)))]
pub async fn get_changelog(
    State(state): State<HttpState>,
    access: OrganiserOf,
    ApiQuery(query): ApiQuery<ChangelogQuery>,
) -> AppResult<Json<Changelog>> {
    Ok(Json(
        changelog_between(&state, access.event.id, query).await?,
    ))
}
