//! The directory of organisations and cities: `/api/v1/organisations[/{id}]`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use sea_orm::{ActiveModelTrait, EntityTrait, ModelTrait, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::Organiser;
use super::extract::{ApiJson, ApiPath};
use super::{Items, clean};
use crate::db::entities::organisation;
use crate::domain::text::Title;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganisation {
    #[schema(value_type = String, example = "Municipalité Métropolitaine d'Izmir")]
    pub name: Title,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationChanges {
    #[schema(value_type = Option<String>)]
    pub name: Option<Title>,
    #[serde(default, with = "::serde_with::rust::double_option")]
    #[schema(value_type = Option<String>)]
    pub city: Option<Option<String>>,
    #[serde(default, with = "::serde_with::rust::double_option")]
    #[schema(value_type = Option<String>)]
    pub country: Option<Option<String>>,
}

#[derive(Serialize, ToSchema)]
pub struct OrganisationView {
    pub id: i64,
    pub name: String,
    pub city: Option<String>,
    pub country: Option<String>,
}

impl From<organisation::Model> for OrganisationView {
    fn from(model: organisation::Model) -> Self {
        OrganisationView {
            id: model.id,
            name: model.name,
            city: model.city,
            country: model.country,
        }
    }
}

async fn find(state: &AppState, id: i64) -> AppResult<organisation::Model> {
    organisation::Entity::find_by_id(id)
        .one(&state.db.conn)
        .await?
        .ok_or(AppError::NotFound("organisation"))
}

#[utoipa::path(get, path = "/api/v1/organisations", tag = "directory", responses((status = 200, body = Items<OrganisationView>)))]
pub async fn list_organisations(
    State(state): State<AppState>,
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
    State(state): State<AppState>,
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
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<OrganisationView>> {
    Ok(Json(find(&state, id).await?.into()))
}

#[utoipa::path(patch, path = "/api/v1/organisations/{id}", tag = "directory", params(("id" = i64, Path)), request_body = OrganisationChanges,
    security(("bearer" = [])), responses((status = 200, body = OrganisationView), (status = 401, body = crate::error::Problem)))]
pub async fn update_organisation(
    State(state): State<AppState>,
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
    State(state): State<AppState>,
    organiser: Organiser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<StatusCode> {
    organiser.require_admin()?;
    find(&state, id).await?.delete(&state.db.conn).await?;
    Ok(StatusCode::NO_CONTENT)
}
