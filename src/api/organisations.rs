//! The directory of organisations and cities: `/api/v1/organisations[/{id}]`.

use crate::api::Items;
use crate::app::catalogue::organisations::{
    NewOrganisation, OrganisationChanges, OrganisationView, find,
};
use crate::db::entities::organisation;
use crate::domain::text::clean;
use crate::error::AppResult;
use crate::http::HttpState;
use crate::http::auth::Organiser;
use crate::http::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use sea_orm::{ActiveModelTrait, EntityTrait, ModelTrait, QueryOrder, Set};

#[utoipa::path(get, path = "/api/v1/organisations", tag = "directory", responses((status = 200, body = Items<OrganisationView>)))]
pub async fn list_organisations(
    State(state): State<HttpState>,
) -> AppResult<Json<Items<OrganisationView>>> {
    let all = organisation::Entity::find()
        .order_by_asc(organisation::Column::Name)
        .all(&state.db.conn)
        .await?;
    Ok(Json(
        all.into_iter()
            .map(OrganisationView::from)
            .collect::<Vec<_>>()
            .into(),
    ))
}

#[utoipa::path(post, path = "/api/v1/organisations", tag = "directory", request_body = NewOrganisation, security(("bearer" = [])),
    responses((status = 201, body = OrganisationView), (status = 401, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_organisation(
    State(state): State<HttpState>,
    _organiser: Organiser,
    ApiJson(input): ApiJson<NewOrganisation>,
) -> AppResult<(StatusCode, Json<OrganisationView>)> {
    let saved = organisation::ActiveModel {
        name: Set(input.name.into_inner()),
        city: Set(clean(input.city)),
        country: Set(clean(input.country)),
        created_at: Set(state.clock.now()),
        ..Default::default()
    }
    .insert(&state.db.conn)
    .await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

#[utoipa::path(get, path = "/api/v1/organisations/{id}", tag = "directory", params(("id" = i64, Path)),
    responses((status = 200, body = OrganisationView), (status = 404, body = crate::error::Problem)))]
pub async fn get_organisation(
    State(state): State<HttpState>,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<OrganisationView>> {
    Ok(Json(find(&state, id).await?.into()))
}

#[utoipa::path(patch, path = "/api/v1/organisations/{id}", tag = "directory", params(("id" = i64, Path)), request_body = OrganisationChanges,
    security(("bearer" = [])), responses((status = 200, body = OrganisationView), (status = 401, body = crate::error::Problem)))]
pub async fn update_organisation(
    State(state): State<HttpState>,
    _organiser: Organiser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(changes): ApiJson<OrganisationChanges>,
) -> AppResult<Json<OrganisationView>> {
    let mut active: organisation::ActiveModel = find(&state, id).await?.into();
    if let Some(name) = changes.name {
        active.name = Set(name.into_inner());
    }
    if let Some(city) = changes.city {
        active.city = Set(clean(city));
    }
    if let Some(country) = changes.country {
        active.country = Set(clean(country));
    }
    Ok(Json(active.update(&state.db.conn).await?.into()))
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
    find(&state, id).await?.delete(&state.db.conn).await?;
    Ok(StatusCode::NO_CONTENT)
}
