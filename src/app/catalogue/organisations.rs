//! The directory of organisations and cities: `/api/v1/organisations[/{id}]`.

use crate::app::AppState;
use crate::db::entities::organisation;
use crate::domain::text::Title;
use crate::domain::text::{Line, clean};
use crate::error::{AppError, AppResult};
use sea_orm::{ActiveModelTrait, EntityTrait, ModelTrait, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganisation {
    pub name: Title,
    #[serde(default)]
    pub city: Option<Line>,
    #[serde(default)]
    pub country: Option<Line>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationChanges {
    pub name: Option<Title>,
    #[serde(default, with = "::serde_with::rust::double_option")]
    pub city: Option<Option<Line>>,
    #[serde(default, with = "::serde_with::rust::double_option")]
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

/// The whole directory, by name.
pub async fn list_organisations(state: &AppState) -> AppResult<Vec<OrganisationView>> {
    let all = organisation::Entity::find()
        .order_by_asc(organisation::Column::Name)
        .all(&state.db.conn)
        .await?;
    Ok(all.into_iter().map(OrganisationView::from).collect())
}

pub async fn organisation(state: &AppState, id: i64) -> AppResult<OrganisationView> {
    Ok(find(state, id).await?.into())
}

pub async fn create_organisation(
    state: &AppState,
    input: NewOrganisation,
) -> AppResult<OrganisationView> {
    let saved = organisation::ActiveModel {
        name: Set(input.name.into_inner()),
        city: Set(clean(input.city)),
        country: Set(clean(input.country)),
        created_at: Set(state.clock.now()),
        ..Default::default()
    }
    .insert(&state.db.conn)
    .await?;
    Ok(saved.into())
}

/// Changes an entry; fields left out keep their value, `null` clears city and country.
pub async fn update_organisation(
    state: &AppState,
    id: i64,
    changes: OrganisationChanges,
) -> AppResult<OrganisationView> {
    let mut active: organisation::ActiveModel = find(state, id).await?.into();
    if let Some(name) = changes.name {
        active.name = Set(name.into_inner());
    }
    if let Some(city) = changes.city {
        active.city = Set(clean(city));
    }
    if let Some(country) = changes.country {
        active.country = Set(clean(country));
    }
    Ok(active.update(&state.db.conn).await?.into())
}

/// Removes an entry; speakers keep their organisation's name as text.
pub async fn delete_organisation(state: &AppState, id: i64) -> AppResult<()> {
    find(state, id).await?.delete(&state.db.conn).await?;
    Ok(())
}
