//! `GET`/`PUT /api/v1/events/{slug}/reminders`: when attendees are reminded of each session
//! they hold a seat in (`{"rules": [{"minutes_before": 1440}, {"minutes_before": 15}]}`).

use axum::Json;
use axum::extract::State;

use crate::app::reminders::{ReminderRules, reminder_rules, set_reminder_rules};
use crate::error::AppResult;
use crate::http::HttpState;
use crate::http::auth::OrganiserOf;
use crate::http::extract::ApiJson;

#[utoipa::path(get, path = "/api/v1/events/{slug}/reminders", tag = "attendance", params(("slug" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = ReminderRules), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
pub async fn get_reminders(access: OrganiserOf) -> AppResult<Json<ReminderRules>> {
    Ok(Json(reminder_rules(&access.event)?))
}

#[utoipa::path(put, path = "/api/v1/events/{slug}/reminders", tag = "attendance", params(("slug" = String, Path)), security(("bearer" = [])),
    request_body = ReminderRules,
    responses((status = 200, body = ReminderRules), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn set_reminders(
    State(state): State<HttpState>,
    access: OrganiserOf,
    ApiJson(rules): ApiJson<ReminderRules>,
) -> AppResult<Json<ReminderRules>> {
    Ok(Json(
        set_reminder_rules(&state, &access.event, rules).await?,
    ))
}
