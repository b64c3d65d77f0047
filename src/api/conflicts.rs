//! `GET /api/v1/events/{slug}/conflicts`: every problem of the programme (drafts included),
//! from the pure checks in `domain::conflicts`.

use crate::app::publishing::conflicts::{ConflictReport, Published, conflicts_of};
use crate::db::entities::session;
use crate::db::queries;
use crate::domain::conflicts::{Conflict, Severity};
use crate::domain::vocab::SessionStatus;
use crate::error::AppResult;
use crate::http::auth::OrganiserOf;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

#[utoipa::path(get, path = "/api/v1/events/{slug}/conflicts", tag = "programme", params(("slug" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = ConflictReport), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
pub async fn list_conflicts(
    State(state): State<AppState>,
    access: OrganiserOf,
) -> AppResult<Json<ConflictReport>> {
    Ok(Json(conflicts_of(&state, &access.event).await?))
}

/// Publishes every draft session, unless error-level conflicts remain (409, listing them).
#[utoipa::path(post, path = "/api/v1/events/{slug}/publish", tag = "programme", params(("slug" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Published), (status = 409, description = "Error-level conflicts remain", body = crate::error::Problem)))]
pub async fn publish(
    State(state): State<AppState>,
    access: OrganiserOf,
) -> AppResult<Json<Published>> {
    let txn = state.db.begin_write().await?;
    let event = queries::event_for_update(&*txn, access.event.id).await?;
    let report = conflicts_of(&state, &event).await?;
    if report.errors > 0 {
        let blocking: Vec<&Conflict> = report
            .conflicts
            .iter()
            .filter(|c| c.severity == Severity::Error)
            .collect();
        return Err(crate::error::AppError::Conflict {
            detail: format!(
                "{} error-level conflicts must be solved before publishing",
                report.errors
            ),
            field: None,
            extra: Some(serde_json::json!({ "conflicts": blocking })),
        });
    }
    let drafts: Vec<i64> = queries::sessions_of_event(&*txn, event.id, true)
        .await?
        .into_iter()
        .filter(|s| s.status == SessionStatus::Draft.as_str())
        .map(|s| s.id)
        .collect();
    session::Entity::update_many()
        .col_expr(
            session::Column::Status,
            sea_orm::sea_query::Expr::value(SessionStatus::Published.as_str()),
        )
        .col_expr(
            session::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(state.clock.now()),
        )
        .filter(session::Column::Id.is_in(drafts.clone()))
        .exec(&*txn)
        .await?;
    let publisher =
        crate::app::publishing::versions::publisher_email(&*txn, access.organiser.user_id).await?;
    let (version, changes) = crate::app::publishing::versions::record_version(
        &*txn,
        &event,
        publisher,
        state.clock.now(),
    )
    .await?;
    txn.commit().await?;
    Ok(Json(Published {
        published: drafts,
        warnings: report.warnings,
        version,
        changes,
    }))
}
