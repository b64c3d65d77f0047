//! The schedule assistant over HTTP: `GET`/`PUT /api/v1/events/{slug}/scheduling-rules`,
//! `POST /api/v1/events/{slug}/schedule-proposals` and `…/schedule-proposals/apply`.

use axum::Json;
use axum::extract::State;

use crate::app::planning::{
    Applied, ApplyProposal, Proposal, apply_schedule, propose_schedule, scheduling_rules,
    set_scheduling_rules,
};
use crate::domain::planner::{ProposalOptions, SchedulingRules};
use crate::error::AppResult;
use crate::http::HttpState;
use crate::http::auth::OrganiserOf;
use crate::http::extract::{ApiJson, OptionalApiJson};

/// The organiser's rules the assistant keeps: sessions fixed in place, "this before that",
/// sessions that open their day, the session that closes the event, the buffer between a
/// person's sessions.
#[utoipa::path(get, path = "/api/v1/events/{slug}/scheduling-rules", tag = "programme", params(("slug" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = SchedulingRules), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
pub async fn get_scheduling_rules(access: OrganiserOf) -> AppResult<Json<SchedulingRules>> {
    Ok(Json(scheduling_rules(&access.event)?))
}

/// Replaces the rules; a rule naming a session outside the event is refused by field.
#[utoipa::path(put, path = "/api/v1/events/{slug}/scheduling-rules", tag = "programme", params(("slug" = String, Path)), security(("bearer" = [])),
    request_body = SchedulingRules,
    responses((status = 200, body = SchedulingRules), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn put_scheduling_rules(
    State(state): State<HttpState>,
    access: OrganiserOf,
    ApiJson(rules): ApiJson<SchedulingRules>,
) -> AppResult<Json<SchedulingRules>> {
    Ok(Json(
        set_scheduling_rules(&state.db.conn, &access.event, rules).await?,
    ))
}

/// A programme for every session of the working copy that breaks no hard rule (the day plan,
/// rooms and seats, people once at a time with the buffer, availability, fixed, ordering and,
/// with `pin_published`, published places), the best found within `time_limit_seconds` for the
/// display zones' hours first and the weighted soft rules second. Changes nothing. When no such
/// programme exists: 409 with `conflicting_rules`, a set of rules that cannot all hold.
#[utoipa::path(post, path = "/api/v1/events/{slug}/schedule-proposals", tag = "programme", summary = "Propose a programme", params(("slug" = String, Path)), security(("bearer" = [])),
    request_body(content = Option<ProposalOptions>, content_type = "application/json"),
    responses((status = 200, body = Proposal), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
        (status = 409, description = "No programme keeps every rule (`conflicting_rules`), or none was found in time", body = crate::error::Problem),
        (status = 422, body = crate::error::Problem)))]
pub async fn propose(
    State(state): State<HttpState>,
    access: OrganiserOf,
    OptionalApiJson(options): OptionalApiJson<ProposalOptions>,
) -> AppResult<Json<Proposal>> {
    Ok(Json(
        propose_schedule(&state, &access.event, options).await?,
    ))
}

/// Stages a proposal (post it back as it came): drafts move at once, published sessions get a
/// staged change for the next publication. Checked again first: 409 with `hard_violations` if
/// the programme changed so that it no longer holds.
#[utoipa::path(post, path = "/api/v1/events/{slug}/schedule-proposals/apply", tag = "programme", summary = "Apply a proposal", params(("slug" = String, Path)), security(("bearer" = [])),
    request_body = ApplyProposal,
    responses((status = 200, body = Applied), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn apply(
    State(state): State<HttpState>,
    access: OrganiserOf,
    ApiJson(request): ApiJson<ApplyProposal>,
) -> AppResult<Json<Applied>> {
    Ok(Json(apply_schedule(&state, &access.event, request).await?))
}
