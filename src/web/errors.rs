//! Browser routes answer errors as pages in the reader's language, saying what happened and
//! what to do next; API routes (`/api/…`) keep problem+json. Handlers and extractors return the
//! same `AppError` everywhere: this layer turns the problem+json they produce into a page for
//! any reader that asks for HTML (browsers do, for pages and forms alike), so no error reaches a
//! browser as raw JSON, while a script calling a page route (`/speak/{token}` takes JSON too)
//! still gets problem+json.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use axum_extra::extract::cookie::CookieJar;
use minijinja::context;

use super::{LANG_COOKIE, page, render, words};
use crate::domain::text::UiLanguage;

/// Problem bodies are small; a larger one is passed on as it is.
const MOST_PROBLEM_BYTES: usize = 64 * 1024;

pub async fn html_errors(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if path.starts_with("/api/") || path == "/health" {
        return next.run(request).await;
    }
    if !wants_html(request.headers()) {
        return next.run(request).await;
    }
    let lang = reader_language(request.headers(), request.uri().query());
    let response = next.run(request).await;
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if !is_problem {
        return response;
    }
    let status = response.status();
    let retry_after = response.headers().get(header::RETRY_AFTER).cloned();
    let Ok(bytes) = axum::body::to_bytes(response.into_body(), MOST_PROBLEM_BYTES).await else {
        return error_page(status, lang, None, retry_after);
    };
    let detail = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|problem| problem["detail"].as_str().map(str::to_owned));
    error_page(status, lang, detail, retry_after)
}

fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("text/html"))
}

/// `?lang=`, else the remembered choice, else the browser's first preference.
fn reader_language(headers: &HeaderMap, query: Option<&str>) -> UiLanguage {
    let asked = query.and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(key, _)| key == "lang")
            .map(|(_, value)| value.into_owned())
    });
    let remembered = || {
        CookieJar::from_headers(headers)
            .get(LANG_COOKIE)
            .map(|c| c.value().to_owned())
    };
    let preferred = || {
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(|tag| tag.trim().to_lowercase())
    };
    UiLanguage::for_code(
        &asked
            .or_else(remembered)
            .or_else(preferred)
            .unwrap_or_default(),
    )
}

/// What happened and what to do next, by status.
fn explanation(status: StatusCode, lang: UiLanguage) -> (&'static str, &'static str) {
    match (status, lang) {
        (StatusCode::NOT_FOUND, UiLanguage::Fr) => (
            "Page introuvable",
            "Ce lien ne mène à rien ici. Vérifiez l'adresse, ou repartez du lien reçu par courriel.",
        ),
        (StatusCode::NOT_FOUND, UiLanguage::En) => (
            "Page not found",
            "Nothing is found at this address. Check the link, or start again from the one in your email.",
        ),
        (StatusCode::GONE, UiLanguage::Fr) => (
            "Ce lien ne sert plus",
            "Il a déjà été utilisé, a expiré ou a été remplacé. Demandez un nouveau lien aux organisateurs.",
        ),
        (StatusCode::GONE, UiLanguage::En) => (
            "This link no longer works",
            "It has been used, has expired or was replaced. Ask the organisers for a new link.",
        ),
        (StatusCode::FORBIDDEN, UiLanguage::Fr) => (
            "Accès refusé",
            "Cette page est réservée aux organisateurs de l'événement. Connectez-vous avec un compte autorisé.",
        ),
        (StatusCode::FORBIDDEN, UiLanguage::En) => (
            "Access refused",
            "This page is for the event's organisers. Sign in with an account that may see it.",
        ),
        (StatusCode::TOO_MANY_REQUESTS, UiLanguage::Fr) => {
            ("Trop de demandes", "Patientez un instant, puis réessayez.")
        }
        (StatusCode::TOO_MANY_REQUESTS, UiLanguage::En) => {
            ("Too many requests", "Wait a moment, then try again.")
        }
        (status, UiLanguage::Fr) if status.is_client_error() => (
            "Demande refusée",
            "Ce qui a été envoyé n'a pas pu être accepté. Revenez à la page précédente et corrigez-le.",
        ),
        (status, UiLanguage::En) if status.is_client_error() => (
            "Request refused",
            "What was sent could not be accepted. Go back to the previous page and correct it.",
        ),
        (_, UiLanguage::Fr) => (
            "Erreur de notre côté",
            "Rien n'a été enregistré à moitié. Réessayez dans quelques minutes ; si cela persiste, prévenez les organisateurs.",
        ),
        (_, UiLanguage::En) => (
            "Something went wrong on our side",
            "Nothing was half-saved. Try again in a few minutes; if it keeps happening, tell the organisers.",
        ),
    }
}

fn error_page(
    status: StatusCode,
    lang: UiLanguage,
    detail: Option<String>,
    retry_after: Option<HeaderValue>,
) -> Response {
    let (title, advice) = explanation(status, lang);
    // The detail is written in English; it is shown to English readers, and to others only
    // when it is all there is to say about a refused request.
    let detail = detail.filter(|_| lang == UiLanguage::En && !status.is_server_error());
    let html = render(
        "error.html",
        context! { lang => lang.code(), t => words(lang), title, advice, detail, status => status.as_u16() },
    )
    .unwrap_or_else(|_| format!("<!DOCTYPE html><title>{title}</title><h1>{title}</h1><p>{advice}</p>"));
    let mut response = page(html);
    *response.status_mut() = status;
    if let Some(wait) = retry_after {
        response.headers_mut().insert(header::RETRY_AFTER, wait);
    }
    response
}
