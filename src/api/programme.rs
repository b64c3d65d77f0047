//! `GET /api/v1/events/{slug}/programme`: the published programme grouped by day, each session
//! printed in the reader's zones and language, its speakers under their role headings.

use crate::app::programme::{Programme, build_programme};
use crate::domain::text::UiLanguage;
use crate::domain::zone::Zone;
use crate::error::AppResult;
use crate::http::HttpState;
use crate::http::extract::{ApiPath, ApiQuery};
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProgrammeQuery {
    /// Zones to print every session in (repeatable, at most 10); default: the event's display zones.
    #[serde(default)]
    #[param(max_items = 10)]
    pub tz: Vec<Zone>,
    /// `fr` or `en`; default: the event's language.
    #[serde(default)]
    pub lang: Option<UiLanguage>,
}

#[utoipa::path(get, path = "/api/v1/events/{slug}/programme", tag = "programme", params(("slug" = String, Path), ProgrammeQuery),
    responses((status = 200, body = Programme), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn get_programme(
    State(state): State<HttpState>,
    ApiPath(slug): ApiPath<String>,
    ApiQuery(query): ApiQuery<ProgrammeQuery>,
) -> AppResult<Json<Programme>> {
    Ok(Json(
        build_programme(&state, &slug, &query.tz, query.lang).await?,
    ))
}
