//! Calendar replies in: `POST /api/v1/inbound/email` takes a raw message (`message/rfc822`) from
//! a mail provider's inbound webhook, authorised by `Authorization: Bearer` and the secret in
//! `CONVENE_INBOUND_SECRET`; `GET /api/v1/events/{slug}/replies` lists what was received about an
//! event and what became of it. The SMTP receiver (`CONVENE_INBOUND_SMTP_ADDR`) feeds the same
//! use case.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, header};

use crate::api::Items;
use crate::app::inbound::{
    Channel, ReplyReceipt, ReplyRecord, inbound_secret_matches, receive_reply, replies_of_event,
};
use crate::error::{AppError, AppResult};
use crate::http::HttpState;
use crate::http::auth::OrganiserOf;

#[utoipa::path(post, path = "/api/v1/inbound/email", tag = "calendar",
    request_body(content((String = "message/rfc822")), description = "The whole received message, headers and body, as the provider forwards it"),
    security(("bearer" = [])),
    responses(
        (status = 200, body = ReplyReceipt, description = "Received and recorded: `outcome` says whether it was applied, and `reason` why (a forged or stale reply is refused here, not with an error status, so that the provider does not retry it)"),
        (status = 401, body = crate::error::Problem), (status = 404, body = crate::error::Problem, description = "No CONVENE_INBOUND_SECRET is configured"),
        (status = 415, body = crate::error::Problem)))]
pub async fn receive_email(
    State(state): State<HttpState>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Json<ReplyReceipt>> {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    inbound_secret_matches(&state, presented.trim())?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<mime::Mime>().ok());
    if content_type.is_none_or(|m| m.essence_str() != "message/rfc822") {
        return Err(AppError::UnsupportedMediaType(
            "send the raw message as Content-Type: message/rfc822",
        ));
    }
    Ok(Json(receive_reply(&state, &body, Channel::Http).await?))
}

#[utoipa::path(get, path = "/api/v1/events/{slug}/replies", tag = "calendar", params(("slug" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Items<ReplyRecord>, description = "The latest 500 calendar replies about the event, newest first"),
        (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
pub async fn list_replies(
    State(state): State<HttpState>,
    access: OrganiserOf,
) -> AppResult<Json<Items<ReplyRecord>>> {
    Ok(Json(
        replies_of_event(&state, access.event.id, 500).await?.into(),
    ))
}
