//! Server-rendered pages. For now the registrant's management page (`/r/{token}`) that every
//! confirmation email links to, and the speaker's answer page (`/speak/{token}`); the programme
//! and registration pages are still to come.
//!
//! The page's forms need no separate CSRF token: the unguessable management token in the URL
//! is the secret a forged request would need.

use std::sync::LazyLock;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use minijinja::{Environment, context};

use crate::api::extract::{ApiPath, parse_json};
use crate::api::registrations::{cancel_by_token, erase_by_token, view_by_token};
use crate::api::speaking::{Answer, Decision, answer, invitation_by_token};
use crate::domain::text::UiLanguage;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

static PAGES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    for (name, source) in [
        (
            "manage.html",
            include_str!("../../templates/pages/manage.html"),
        ),
        (
            "speak.html",
            include_str!("../../templates/pages/speak.html"),
        ),
    ] {
        if let Err(error) = env.add_template(name, source) {
            tracing::error!(%error, name, "page template does not compile");
        }
    }
    env
});

/// Security headers for every HTML page: no scripts, no framing, forms only to ourselves.
fn page(html: String) -> Response {
    let mut response = Html(html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn words(lang: UiLanguage) -> minijinja::Value {
    match lang {
        UiLanguage::Fr => context! {
            title => "Votre inscription", hello => "Bonjour", status => "statut", sessions => "Vos séances", session => "Séance",
            time => "Heure (votre fuseau)", seat => "Place", join => "Rejoindre en ligne", feed => "Votre agenda personnel (abonnement)",
            change => "Modifier", cancel => "Annuler mon inscription", erase => "Effacer mes données",
            erase_note => "L'effacement annule aussi l'inscription et supprime vos données personnelles ; il est définitif.",
        },
        UiLanguage::En => context! {
            title => "Your registration", hello => "Hello", status => "status", sessions => "Your sessions", session => "Session",
            time => "Time (your zone)", seat => "Seat", join => "Join online", feed => "Your personal calendar (subscribe)",
            change => "Change", cancel => "Cancel my registration", erase => "Erase my data",
            erase_note => "Erasing also cancels your registration and deletes your personal data; it cannot be undone.",
        },
    }
}

async fn manage_page(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> AppResult<Response> {
    render_manage(&state, &token, None).await
}

async fn render_manage(state: &AppState, token: &str, done: Option<&str>) -> AppResult<Response> {
    let (view, event_title) = view_by_token(state, token).await?;
    let lang = UiLanguage::for_code(&view.language);
    let html = PAGES
        .get_template("manage.html")
        .and_then(|template| {
            template.render(context! {
                lang => lang.code(), t => words(lang), event_title => event_title, name => &view.name, status => &view.status,
                attendance => &view.attendance, sessions => &view.sessions, feed_url => &view.feed_url,
                active => view.status == "active", base => format!("/r/{token}"), done => done,
            })
        })
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(page(html))
}

async fn cancel_form(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> AppResult<Response> {
    cancel_by_token(&state, &token).await?;
    Ok(Redirect::to(&format!("/r/{token}")).into_response())
}

async fn erase_form(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> AppResult<Response> {
    erase_by_token(&state, &token).await?;
    Ok(page("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Erased</title></head><body><main><p>Your data has been erased. / Vos données ont été effacées.</p></main></body></html>".into()))
}

fn speak_words(lang: UiLanguage) -> minijinja::Value {
    match lang {
        UiLanguage::Fr => context! {
            role => "Votre rôle", question => "Pouvez-vous intervenir ?", confirm => "Oui, je confirme", decline => "Non, je décline",
            note => "Un mot pour les organisateurs (facultatif)", send => "Envoyer", thanks => "Merci",
        },
        UiLanguage::En => context! {
            role => "Your role", question => "Can you take this slot?", confirm => "Yes, I confirm", decline => "No, I decline",
            note => "A note for the organisers (optional)", send => "Send", thanks => "Thank you",
        },
    }
}

async fn speak_page(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> AppResult<Response> {
    let found = invitation_by_token(&state.db.conn, &token, state.clock.now()).await?;
    let lang = found.lang();
    let html = PAGES
        .get_template("speak.html")
        .and_then(|template| {
            template.render(context! {
                lang => lang.code(), t => speak_words(lang), title => &found.session.title, event_title => &found.event.title,
                role => found.role().map(|r| r.label(lang)).unwrap_or_default(), talk_title => &found.slot.talk_title,
                times => found.times().unwrap_or_default(), token => &token,
            })
        })
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(page(html))
}

/// The answer arrives from the page's form (`decision=confirm&note=…`) or as JSON with the same fields.
async fn speak_answer(
    State(state): State<AppState>,
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
        serde_html_form::from_bytes(&body).map_err(|e| {
            AppError::invalid("decision", format!("choose confirm or decline ({e})"))
        })?
    };
    let decision = given.decision;
    let participant = answer(&state, &token, given).await?;
    if is_json {
        return Ok(axum::Json(participant).into_response());
    }
    let lang = UiLanguage::En;
    let message = match decision {
        Decision::Confirm => {
            "Your answer is recorded: you confirmed. A calendar invitation is on its way. / Votre confirmation est enregistrée."
        }
        Decision::Decline => "Your answer is recorded: you declined. / Votre refus est enregistré.",
    };
    let html = PAGES
        .get_template("speak.html")
        .and_then(|template| template.render(context! { lang => lang.code(), t => speak_words(lang), answered => message, title => "", event_title => "" }))
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(page(html))
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/speak/{token}", get(speak_page).post(speak_answer))
        .route("/r/{token}", get(manage_page))
        .route("/r/{token}/cancel", post(cancel_form))
        .route("/r/{token}/erase", post(erase_form))
}
