//! Speaker slot invitations: the organiser invites a participant
//! (`POST …/participants/{participant_id}/invite`), the speaker answers through a personal,
//! expiring, single-use link (`/speak/{token}`, page or JSON), and the organisers are told.

use crate::app::speaking::InvitationSent;
use crate::app::speaking::invite as invite_to_slot;
use crate::error::AppResult;
use crate::http::HttpState;
use crate::http::auth::OrganiserOf;
use crate::http::extract::ApiPath;
use axum::Json;
use axum::extract::State;

#[utoipa::path(post, path = "/api/v1/events/{slug}/sessions/{id}/participants/{participant_id}/invite", tag = "programme",
    params(("slug" = String, Path), ("id" = i64, Path), ("participant_id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = InvitationSent), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn invite(
    State(state): State<HttpState>,
    access: OrganiserOf,
    ApiPath((_slug, id, participant_id)): ApiPath<(String, i64, i64)>,
) -> AppResult<Json<InvitationSent>> {
    Ok(Json(
        invite_to_slot(&state, access.event, id, participant_id).await?,
    ))
}
