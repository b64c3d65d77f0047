//! Conditional GET for the public reads (programme JSON, calendar feeds, schedule exports):
//! a strong `ETag` (a digest of the body), `Last-Modified` (when this process first served that
//! body), and `304 Not Modified` for `If-None-Match` / `If-Modified-Since`. Calendar clients
//! poll their subscriptions every few minutes; most polls then cost no body at all.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::Digest;

/// The largest body we hash; anything larger goes out unconditional.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// Per path and query: the last body's tag and since when it has been served.
#[derive(Default, Clone)]
pub struct Validators(Arc<Mutex<HashMap<String, (String, SystemTime)>>>);

fn is_public_read(path: &str) -> bool {
    path.starts_with("/api/v1/events/")
        && (path.ends_with("/programme")
            || path.ends_with("/calendar.ics")
            || path.ends_with("/schedule.xml")
            || path.ends_with("/schedule.json"))
}

pub async fn conditional_get(
    State(validators): State<Validators>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::GET || !is_public_read(request.uri().path()) {
        return next.run(request).await;
    }
    let key = request.uri().to_string();
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    let if_modified_since = request
        .headers()
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok());
    let response = next.run(request).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let digest = sha2::Sha256::digest(&bytes);
    // Weak: the same representation may go out gzip- or brotli-encoded.
    let etag = format!("W/\"{}\"", hex::encode(&digest[..12]));
    let modified = {
        let mut seen = validators.0.lock().unwrap_or_else(|e| e.into_inner());
        let entry = seen
            .entry(key)
            .or_insert_with(|| (etag.clone(), SystemTime::now()));
        if entry.0 != etag {
            *entry = (etag.clone(), SystemTime::now());
        }
        entry.1
    };
    let last_modified = httpdate::fmt_http_date(modified);
    if let Ok(value) = HeaderValue::from_str(&etag) {
        parts.headers.insert(header::ETAG, value);
    }
    if let Ok(value) = HeaderValue::from_str(&last_modified) {
        parts.headers.insert(header::LAST_MODIFIED, value);
    }
    parts.headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60, must-revalidate"),
    );
    // If-None-Match wins over If-Modified-Since (RFC 9110, 13.2.2).
    let not_modified = match (&if_none_match, if_modified_since) {
        (Some(tags), _) => tags
            .to_str()
            .map(|t| t.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
            .unwrap_or(false),
        (None, Some(since)) => httpdate::fmt_http_date(since) == last_modified || since > modified,
        (None, None) => false,
    };
    if not_modified {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}
