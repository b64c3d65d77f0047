//! Schedule exchange: `GET /api/v1/events/{slug}/schedule.xml` and `schedule.json` (frab /
//! c3voc formats, public, published sessions only, no meeting links or emails), and
//! `POST /api/v1/events/{slug}/import` (either format, or Convene's own JSON export), with
//! `?dry_run=true` to see what would be created or changed without writing anything.

use crate::app::exchange::{
    ImportReport, ScheduleFormat, export_schedule, import_schedule, read_schedule,
};
use crate::error::AppResult;
use crate::http::HttpState;
use crate::http::auth::OrganiserOf;
use crate::http::extract::{ApiPath, ApiQuery};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;

#[utoipa::path(get, path = "/api/v1/events/{slug}/schedule.xml", tag = "calendar", params(("slug" = String, Path)),
    responses((status = 200, content_type = "application/xml", body = String), (status = 404, body = crate::error::Problem)))]
pub async fn schedule_xml(
    State(state): State<HttpState>,
    ApiPath(slug): ApiPath<String>,
) -> AppResult<Response> {
    let xml = export_schedule(&state, &slug, ScheduleFormat::Xml).await?;
    Ok((
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        xml,
    )
        .into_response())
}

#[utoipa::path(get, path = "/api/v1/events/{slug}/schedule.json", tag = "calendar", params(("slug" = String, Path)),
    responses((status = 200, body = Object), (status = 404, body = crate::error::Problem)))]
pub async fn schedule_json(
    State(state): State<HttpState>,
    ApiPath(slug): ApiPath<String>,
) -> AppResult<Response> {
    let json = export_schedule(&state, &slug, ScheduleFormat::Json).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], json).into_response())
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Report what would change without writing anything.
    #[serde(default)]
    pub dry_run: bool,
}

#[utoipa::path(post, path = "/api/v1/events/{slug}/import", tag = "programme", params(("slug" = String, Path), ImportQuery),
    request_body(content((String = "application/xml"), (Object = "application/json")),
        description = "A frab or pentabarf schedule.xml, a frab/pretalx/c3voc schedule.json, or Convene's own export"),
    security(("bearer" = [])),
    responses((status = 200, body = ImportReport), (status = 415, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn import(
    State(state): State<HttpState>,
    access: OrganiserOf,
    ApiQuery(query): ApiQuery<ImportQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Json<ImportReport>> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let schedule = read_schedule(content_type, body, access.event.timezone).await?;
    Ok(Json(
        import_schedule(&state, &access.event, schedule, query.dry_run, &|_, _| {}).await?,
    ))
}
