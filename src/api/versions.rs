//! The history of an event's published programme: every publication that changed something is
//! kept whole, and any two can be compared.
//! `GET /api/v1/events/{slug}/versions`, `.../versions/{number}`, `.../changelog?from=&to=`.

use crate::api::Items;
use crate::app::publishing::versions::{
    Changelog, VersionSummary, VersionView, read_snapshot, version_number, versions_of,
};
use crate::domain::versions::{Snapshot, changelog};
use crate::error::{AppError, AppResult};
use crate::http::auth::OrganiserOf;
use crate::http::extract::{ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

#[utoipa::path(get, path = "/api/v1/events/{slug}/versions", tag = "programme", params(("slug" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Items<VersionSummary>), (status = 403, body = crate::error::Problem)))]
pub async fn list_versions(
    State(state): State<AppState>,
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
    State(state): State<AppState>,
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

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ChangelogQuery {
    /// The earlier version; 0 is the empty programme before the first publication.
    /// Default: the version before `to`.
    pub from: Option<i32>,
    /// The later version; default: the latest.
    pub to: Option<i32>,
}

#[utoipa::path(get, path = "/api/v1/events/{slug}/changelog", tag = "programme", params(("slug" = String, Path), ChangelogQuery),
    security(("bearer" = [])), responses((status = 200, body = Changelog), (status = 404, body = crate::error::Problem)))]
pub async fn get_changelog(
    State(state): State<AppState>,
    access: OrganiserOf,
    ApiQuery(query): ApiQuery<ChangelogQuery>,
) -> AppResult<Json<Changelog>> {
    let db = &state.db.conn;
    let latest = versions_of(db, access.event.id)
        .await?
        .last()
        .map_or(0, |v| v.number);
    let to = query.to.unwrap_or(latest);
    let from = query.from.unwrap_or((to - 1).max(0));
    if from < 0 || from > to {
        return Err(AppError::invalid(
            "from",
            format!("must be between 0 and to ({to})"),
        ));
    }
    let snapshot_at = |number: i32| async move {
        if number == 0 {
            Ok(Snapshot::default())
        } else {
            read_snapshot(&version_number(db, access.event.id, number).await?)
        }
    };
    let (before, after) = (snapshot_at(from).await?, snapshot_at(to).await?);
    Ok(Json(Changelog {
        from,
        to,
        changes: changelog(&before, &after),
    }))
}
