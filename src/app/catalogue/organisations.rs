//! The directory of organisations and cities: `/api/v1/organisations[/{id}]`.

use crate::app::AppState;
use crate::db::entities::organisation;
use crate::domain::text::Line;
use crate::domain::text::Title;
use crate::error::{AppError, AppResult};
use sea_orm::EntityTrait;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganisation {
    #[schema(value_type = String, example = "Municipalité Métropolitaine d'Izmir")]
    pub name: Title,
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 300)]
    pub city: Option<Line>,
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 300)]
    pub country: Option<Line>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationChanges {
    #[schema(value_type = Option<String>)]
    pub name: Option<Title>,
    #[serde(default, with = "::serde_with::rust::double_option")]
    #[schema(value_type = Option<String>, max_length = 300)]
    pub city: Option<Option<Line>>,
    #[serde(default, with = "::serde_with::rust::double_option")]
    #[schema(value_type = Option<String>, max_length = 300)]
    pub country: Option<Option<Line>>,
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

pub(crate) async fn find(state: &AppState, id: i64) -> AppResult<organisation::Model> {
    organisation::Entity::find_by_id(id)
        .one(&state.db.conn)
        .await?
        .ok_or(AppError::NotFound("organisation"))
}
