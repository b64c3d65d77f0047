//! Convene: a backend for international summits and peer-learning events.
//!
//! `build_app` assembles the one router that both `main` and the tests serve.

pub mod api;
pub mod app;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod http;
pub mod mail;
pub mod security;
pub mod startup;
pub mod telemetry;
pub mod web;

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Request, StatusCode, header};
use axum::response::IntoResponse;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa_swagger_ui::SwaggerUi;

use crate::app::AppState;
use crate::error::AppError;
use crate::http::HttpState;

/// Largest request body accepted anywhere (imports included).
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// What the documentation page may load: only Convene itself (the Swagger UI bundle styles
/// its elements inline, and draws its icons as data URLs).
const DOCS_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// The documentation page, at a stable address without a trailing slash, loading the vendored
/// Swagger UI from `/api/docs/ui/`.
const DOCS_PAGE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Convene API</title>
<link rel="stylesheet" href="/api/docs/ui/swagger-ui.css">
<link rel="stylesheet" href="/api/docs/ui/index.css">
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/api/docs/ui/swagger-ui-bundle.js"></script>
<script src="/api/docs/ui/swagger-ui-standalone-preset.js"></script>
<script src="/api/docs/ui/swagger-initializer.js"></script>
</body>
</html>
"#;

pub fn build_app(state: AppState) -> Router {
    let state = HttpState::new(state);
    let (api, openapi) = api::router(&state).split_for_parts();
    let openapi = api::document::complete(openapi);
    let request_id = HeaderName::from_static("x-request-id");
    Router::new()
        .merge(api)
        .merge(web::router(&state))
        // The documentation page and its assets are served from the binary: it works offline,
        // and loads nothing from elsewhere.
        .merge(
            Router::from(
                SwaggerUi::new("/api/docs/ui")
                    .url("/api/openapi.json", openapi)
                    // No badge fetched from validator.swagger.io.
                    .config(utoipa_swagger_ui::Config::new(["/api/openapi.json"]).validator_url("none")),
            )
            .route("/api/docs", axum::routing::get(|| async { axum::response::Html(DOCS_PAGE) }))
            .layer(SetResponseHeaderLayer::overriding(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(DOCS_POLICY),
            )),
        )
        .fallback(|| async { AppError::NotFound("page") })
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed })
        // Browser routes answer errors as pages in the reader's language; /api keeps problem+json.
        .layer(axum::middleware::from_fn(web::errors::html_errors))
        // No answer is sniffed into something it is not (JSON read as HTML, say).
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        // Responses compressed already (the cached reads) pass through untouched.
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        .layer(CatchPanicLayer::custom(|_| AppError::Internal(anyhow::anyhow!("a request handler panicked")).into_response()))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
            let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %request.method(), uri = %request.uri(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .with_state(state)
}
