//! `/speak/{token}`: the invited speaker's page: the slot in their zone and the event's, a
//! confirm/decline form with a note and availability windows. The same URL takes JSON.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use minijinja::context;

use super::{page, render, words};
use crate::app::speaking::{Answer, Decision, answer, invitation_by_token};
use crate::domain::text::UiLanguage;
use crate::error::{AppError, AppResult};
use crate::http::HttpState;
use crate::http::extract::refuse_form_controls;
use crate::http::extract::{ApiPath, parse_json};

pub async fn speak_page(
    State(state): State<HttpState>,
    ApiPath(token): ApiPath<String>,
) -> AppResult<Response> {
    let found = invitation_by_token(&state.db.conn, &token, state.clock.now()).await?;
    let lang = found.lang();
    let html = render(
        "speak.html",
        context! {
            lang => lang.code(), t => words(lang), private => true, title => &found.session.title, event_title => &found.event.title,
            role => found.role()?.label(lang), talk_title => &found.slot.talk_title,
            times => found.times()?, token => &token, zone => &found.person.timezone,
            first_day => found.event.starts_on.to_string(), last_day => found.event.ends_on.to_string(),
        },
    )?;
    Ok(page(html))
}

/// The answer arrives from the page's form (`decision=confirm&note=…&available_from=…`) or as
/// JSON with the same fields.
pub async fn speak_answer(
    State(state): State<HttpState>,
    ApiPath(token): ApiPath<String>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Response> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let given: Answer = if is_json {
        parse_json(&body)?
    } else {
        refuse_form_controls(&body)?;
        let form = serde_html_form::Deserializer::new(form_urlencoded::parse(&body));
        serde_path_to_error::deserialize(form).map_err(|e| {
            let field = e.path().to_string();
            let field = if field == "." {
                "decision".to_owned()
            } else {
                field
            };
            AppError::invalid(field, format!("choose confirm or decline ({})", e.inner()))
        })?
    };
    let decision = given.decision;
    let lang = invitation_by_token(&state.db.conn, &token, state.clock.now())
        .await
        .map(|found| found.lang())
        .unwrap_or(UiLanguage::En);
    let participant = answer(&state, &token, given).await?;
    if is_json {
        return Ok(axum::Json(participant).into_response());
    }
    let t = words(lang);
    let key = match decision {
        Decision::Confirm => "answered_confirm",
        Decision::Decline => "answered_decline",
    };
    let message = t.get_attr(key).map(|v| v.to_string()).unwrap_or_default();
    let html = render(
        "speak.html",
        context! { lang => lang.code(), t => t, private => true, answered => message, title => "", event_title => "" },
    )?;
    Ok(page(html))
}
