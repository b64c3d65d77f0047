//! The history of an event's published programme: every publication that changed something is
//! kept whole, and any two can be compared.
//! `GET /api/v1/events/{slug}/versions`, `.../versions/{number}`, `.../changelog?from=&to=`.

use crate::api::Items;
use crate::app::publishing::versions::{
    Changelog, VersionSummary, VersionView, read_snapshot, version_number, versions_of,
};
use crate::app::publishing::versions::{ChangelogQuery, changelog_between};
use crate::domain::versions::{Snapshot, changelog};
use crate::error::AppResult;
use crate::http::HttpState;
use crate::http::auth::OrganiserOf;
use crate::http::extract::{ApiPath, ApiQuery};
use axum::Json;
use axum::extract::State;

#[utoipa::path(get, path = "/api/v1/events/{slug}/versions", tag = "programme", params(("slug" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Items<VersionSummary>), (status = 403, body = crate::error::Problem)))]
pub async fn list_versions(
    State(state): State<HttpState>,
    access: OrganiserOf,
) -> AppResult<Json<Items<VersionSummary>>> {
    let mut previous = Snapshot::default();
    let mut items = Vec::new();
    for model in versions_of(&state.db.conn, access.event.id).await? {
        let snapshot = read_snapshot(&model)?;
        items.push(VersionSummary {
            number: model.number,
            published_at: model.published_at,
            published_by: model.published_by,
            sessions: snapshot.sessions.len(),
            changes: changelog(&previous, &snapshot).len(),
        });
        previous = snapshot;
    }
    Ok(Json(items.into()))
}

#[utoipa::path(get, path = "/api/v1/events/{slug}/versions/{number}", tag = "programme", params(("slug" = String, Path), ("number" = i32, Path)),
    security(("bearer" = [])), responses((status = 200, body = VersionView), (status = 404, body = crate::error::Problem)))]
pub async fn get_version(
    State(state): State<HttpState>,
    access: OrganiserOf,
    ApiPath((_slug, number)): ApiPath<(String, i32)>,
) -> AppResult<Json<VersionView>> {
    let model = version_number(&state.db.conn, access.event.id, number).await?;
    Ok(Json(VersionView {
        programme: read_snapshot(&model)?,
        number: model.number,
        published_at: model.published_at,
        published_by: model.published_by,
    }))
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
