//! The directory of organisations and cities: `/api/v1/organisations[/{id}]`.

use crate::api::Items;
use crate::app::catalogue::organisations::{
    NewOrganisation, OrganisationChanges, OrganisationView, create_organisation as create,
    delete_organisation as delete, list_organisations as list, organisation,
    update_organisation as update,
};
use crate::error::AppResult;
use crate::http::HttpState;
use crate::http::auth::Organiser;
use crate::http::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

#[utoipa::path(get, path = "/api/v1/organisations", tag = "directory", responses((status = 200, body = Items<OrganisationView>)))]
pub async fn list_organisations(
    State(state): State<HttpState>,
) -> AppResult<Json<Items<OrganisationView>>> {
    Ok(Json(list(&state).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/organisations", tag = "directory", request_body = NewOrganisation, security(("bearer" = [])),
    responses((status = 201, body = OrganisationView), (status = 401, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_organisation(
    State(state): State<HttpState>,
    _organiser: Organiser,
    ApiJson(input): ApiJson<NewOrganisation>,
) -> AppResult<(StatusCode, Json<OrganisationView>)> {
    Ok((StatusCode::CREATED, Json(create(&state, input).await?)))
}

#[utoipa::path(get, path = "/api/v1/organisations/{id}", tag = "directory", params(("id" = i64, Path)),
    responses((status = 200, body = OrganisationView), (status = 404, body = crate::error::Problem)))]
pub async fn get_organisation(
    State(state): State<HttpState>,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<OrganisationView>> {
    Ok(Json(organisation(&state, id).await?))
}

#[utoipa::path(patch, path = "/api/v1/organisations/{id}", tag = "directory", params(("id" = i64, Path)), request_body = OrganisationChanges,
    security(("bearer" = [])), responses((status = 200, body = OrganisationView), (status = 401, body = crate::error::Problem)))]
pub async fn update_organisation(
    State(state): State<HttpState>,
    _organiser: Organiser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(changes): ApiJson<OrganisationChanges>,
) -> AppResult<Json<OrganisationView>> {
    Ok(Json(update(&state, id, changes).await?))
}

/// Only administrators remove entries from the shared directory; speakers keep their
/// organisation's name as text.
#[utoipa::path(delete, path = "/api/v1/organisations/{id}", tag = "directory", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 403, body = crate::error::Problem)))]
pub async fn delete_organisation(
    State(state): State<HttpState>,
    organiser: Organiser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<StatusCode> {
    organiser.require_admin()?;
    delete(&state, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
