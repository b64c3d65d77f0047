//! The organisers' console under `/admin`: first run, sign-in, events, the programme builder
//! and publishing, server-rendered from `templates/console/` like the public pages. It is one
//! more interface over `app/`: every action calls the same use case, with the same typed input
//! and validation, as the JSON API (a form is read into the API's own input type), so the two
//! cannot disagree. Pages work without JavaScript; `console.js` adds drag and drop.
//!
//! Signing in issues the same token as `POST /api/v1/auth/token` and keeps it in an HttpOnly,
//! SameSite=Lax cookie scoped to `/admin`; signing out revokes it. Every form carries a CSRF
//! token (axum_csrf, as the public forms).

mod access;
mod assistant;
mod events;
mod files;
mod mail;
mod programme;
mod publishing;
mod registrations;
mod speakers;
mod words;

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_csrf::CsrfToken;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use minijinja::Value;
use serde::de::DeserializeOwned;

use super::{LANG_COOKIE, page, render};
use crate::app::accounts::{TokenOwner, owner_of_token};
use crate::db::entities::{event, user};
use crate::domain::text::UiLanguage;
use crate::error::{AppError, AppResult, FieldError};
use crate::http::HttpState;
use crate::http::auth::Organiser;
use crate::http::extract::{parse_json, refuse_form_controls};

pub use words::console_words;

/// The session cookie: the sign-in token itself, sent only to the console.
pub const SESSION_COOKIE: &str = "convene_session";

pub fn router() -> Router<HttpState> {
    Router::new()
        .route("/admin", get(events::events_page))
        .route("/admin/", get(|| async { Redirect::to("/admin") }))
        .route(
            "/admin/setup/{token}",
            get(access::setup_page).post(access::setup_form),
        )
        .route(
            "/admin/login",
            get(access::login_page).post(access::login_form),
        )
        .route("/admin/logout", post(access::logout_form))
        .route(
            "/admin/welcome/{token}",
            get(access::welcome_page).post(access::welcome_form),
        )
        .route(
            "/admin/password",
            get(access::password_page).post(access::password_form),
        )
        .route(
            "/admin/events/new",
            get(events::new_event_page).post(events::new_event_form),
        )
        .route("/admin/events/{slug}", get(events::hub_page))
        .route(
            "/admin/events/{slug}/edit",
            get(events::edit_event_page).post(events::edit_event_form),
        )
        .route(
            "/admin/events/{slug}/rooms",
            get(events::rooms_page).post(events::add_room_form),
        )
        .route(
            "/admin/events/{slug}/programme",
            get(programme::programme_page),
        )
        .route(
            "/admin/events/{slug}/sessions",
            post(programme::new_session_form),
        )
        .route(
            "/admin/events/{slug}/sessions/{id}",
            get(programme::session_page).post(programme::edit_session_form),
        )
        .route(
            "/admin/events/{slug}/sessions/{id}/move",
            post(programme::move_form),
        )
        .route(
            "/admin/events/{slug}/sessions/{id}/duplicate",
            post(programme::duplicate_form),
        )
        .route(
            "/admin/events/{slug}/sessions/{id}/cancel",
            post(programme::cancel_form),
        )
        .route(
            "/admin/events/{slug}/sessions/{id}/participants",
            post(programme::add_participant_form),
        )
        .route(
            "/admin/events/{slug}/sessions/{id}/participants/{participant_id}",
            post(programme::edit_participant_form),
        )
        .route(
            "/admin/events/{slug}/sessions/{id}/participants/{participant_id}/remove",
            post(programme::remove_participant_form),
        )
        .route(
            "/admin/events/{slug}/registrations",
            get(registrations::registrations_page),
        )
        .route(
            "/admin/events/{slug}/registrations.csv",
            get(registrations::registrations_csv_file),
        )
        .route(
            "/admin/events/{slug}/registrations/{id}",
            get(registrations::registration_page),
        )
        .route(
            "/admin/events/{slug}/registrations/{id}/sessions/{session_id}",
            post(registrations::seat_form),
        )
        .route(
            "/admin/events/{slug}/speakers",
            get(speakers::speakers_page),
        )
        .route(
            "/admin/events/{slug}/organisers",
            post(speakers::co_organiser_form),
        )
        .route(
            "/admin/events/{slug}/speakers/invite",
            post(speakers::invite_form),
        )
        .route(
            "/admin/events/{slug}/speakers/{id}",
            get(speakers::speaker_page).post(speakers::availability_form),
        )
        .route(
            "/admin/events/{slug}/files",
            get(files::files_page).post(files::upload_form),
        )
        .route(
            "/admin/events/{slug}/files/import",
            post(files::import_form),
        )
        .route(
            "/admin/events/{slug}/assistant",
            get(assistant::assistant_page).post(assistant::propose_form),
        )
        .route(
            "/admin/events/{slug}/assistant/apply",
            post(assistant::apply_form),
        )
        .route(
            "/admin/events/{slug}/assistant/rules",
            post(assistant::rules_form),
        )
        .route("/admin/events/{slug}/outbox", get(mail::outbox_page))
        .route("/admin/events/{slug}/outbox/retry", post(mail::retry_form))
        .route("/admin/events/{slug}/outbox/{id}", get(mail::email_page))
        .route(
            "/admin/events/{slug}/publish",
            get(publishing::publish_page).post(publishing::publish_form),
        )
}

/// The console's language: `?lang=` (remembered), else the remembered choice, else `default`
/// (the event's language on an event's pages), else the browser's preference.
fn console_language(
    parts_query: Option<&str>,
    headers: &HeaderMap,
    default: Option<&str>,
) -> (UiLanguage, Option<Cookie<'static>>) {
    let asked = parts_query.and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(key, _)| key == "lang")
            .map(|(_, value)| value.into_owned())
    });
    if let Some(code @ ("fr" | "en")) = asked.as_deref() {
        return (
            UiLanguage::for_code(code),
            Some(super::remembered(LANG_COOKIE, code)),
        );
    }
    let remembered = CookieJar::from_headers(headers)
        .get(LANG_COOKIE)
        .map(|c| c.value().to_owned());
    let preferred = || {
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(|tag| tag.trim().to_lowercase())
    };
    let code = remembered
        .or_else(|| default.map(str::to_owned))
        .or_else(preferred)
        .unwrap_or_default();
    (UiLanguage::for_code(&code), None)
}

/// A signed-in organiser, with the token their cookie carries. Without a valid session the
/// request is sent to the sign-in page, which leads back here afterwards.
pub struct SignedIn {
    pub account: user::Model,
    pub organiser: Organiser,
    pub token: String,
    pub lang: UiLanguage,
    /// A language choice made with `?lang=`, to remember.
    remembered: Option<Cookie<'static>>,
}

fn to_sign_in(parts: &Parts) -> Response {
    let here = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/admin");
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("next", here);
    Redirect::to(&format!("/admin/login?{}", query.finish())).into_response()
}

impl FromRequestParts<HttpState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &HttpState) -> Result<Self, Response> {
        let jar = CookieJar::from_headers(&parts.headers);
        let Some(token) = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()) else {
            return Err(to_sign_in(parts));
        };
        let account = match owner_of_token(state, &token).await {
            Ok(TokenOwner::Valid(account)) => account,
            Ok(TokenOwner::Expired | TokenOwner::Unknown) => return Err(to_sign_in(parts)),
            Err(error) => return Err(error.into_response()),
        };
        let (lang, remembered) = console_language(parts.uri.query(), &parts.headers, None);
        Ok(SignedIn {
            organiser: Organiser {
                user_id: account.id,
                is_admin: account.is_admin,
            },
            account,
            token,
            lang,
            remembered,
        })
    }
}

/// A signed-in organiser of the event named by `{slug}`, with the event: anyone else signed in
/// gets the 403 page. The console speaks the event's language unless the organiser chose.
pub struct EventConsole {
    pub user: SignedIn,
    pub event: event::Model,
}

impl FromRequestParts<HttpState> for EventConsole {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &HttpState) -> Result<Self, Response> {
        let mut user = SignedIn::from_request_parts(parts, state).await?;
        let found = async {
            let params = RawPathParams::from_request_parts(parts, state)
                .await
                .map_err(|e| AppError::BadRequest(e.body_text()))?;
            let slug = params
                .iter()
                .find(|(name, _)| *name == "slug")
                .map(|(_, value)| value.to_owned())
                .ok_or(AppError::NotFound("event"))?;
            let event = crate::db::queries::event_by_slug(&state.db.conn, &slug).await?;
            user.organiser.require_event(state, event.id).await?;
            Ok::<_, AppError>(event)
        }
        .await;
        let event = found.map_err(IntoResponse::into_response)?;
        if user.remembered.is_none() {
            user.lang = console_language(
                parts.uri.query(),
                &parts.headers,
                Some(&event.default_language),
            )
            .0;
        }
        Ok(EventConsole { user, event })
    }
}

/// A submitted form: its fields as typed, in order, with repeated names kept.
pub struct Form {
    pairs: Vec<(String, String)>,
}

impl Form {
    /// Reads an `application/x-www-form-urlencoded` body; a control character is refused (422).
    pub fn read(body: &[u8]) -> AppResult<Form> {
        refuse_form_controls(body)?;
        Ok(Form {
            pairs: form_urlencoded::parse(body).into_owned().collect(),
        })
    }

    /// The first value of `name`, trimmed; empty when absent.
    pub fn get(&self, name: &str) -> &str {
        self.pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.trim())
            .unwrap_or("")
    }

    /// Every value of `name`, in order (repeated rows of a form).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.trim())
            .collect()
    }

    /// Whether the form has a field `name` at all (an edit form may leave some out).
    pub fn has(&self, name: &str) -> bool {
        self.pairs.iter().any(|(key, _)| key == name)
    }

    pub fn checked(&self, name: &str) -> bool {
        !self.get(name).is_empty()
    }

    /// A value left empty means "not given".
    pub fn optional(&self, name: &str) -> serde_json::Value {
        match self.get(name) {
            "" => serde_json::Value::Null,
            value => value.into(),
        }
    }

    /// Whether the form's CSRF token matches the cookie's.
    pub fn csrf_ok(&self, csrf: &CsrfToken) -> bool {
        csrf.verify(self.get("authenticity_token")).is_ok()
    }

    /// The typed values to show again beside their errors (first value per name).
    pub fn shown(&self) -> Value {
        let mut first: BTreeMap<&str, &str> = BTreeMap::new();
        for (key, value) in &self.pairs {
            if key != "authenticity_token" {
                first.entry(key.as_str()).or_insert(value.as_str());
            }
        }
        Value::from_iter(first)
    }
}

/// Reads a form's values, gathered as the JSON the API takes, into the API's input type: the
/// same parse, the same checks, the same field names in the errors. Where the API stops at the
/// first refused field, a form shows them all: each refused field is taken out and the rest
/// read again, until a read fails only on what was taken out.
pub fn as_api_input<T: DeserializeOwned>(json: serde_json::Value) -> AppResult<T> {
    let mut json = json;
    let mut refused: Vec<FieldError> = Vec::new();
    // Each round takes one field out, so the rounds end; the bound is only a guard.
    for _ in 0..64 {
        let bytes = serde_json::to_vec(&json).map_err(|e| AppError::Internal(e.into()))?;
        let error = match parse_json::<T>(&bytes) {
            Ok(value) if refused.is_empty() => return Ok(value),
            Ok(_) => break,
            Err(AppError::Invalid(errors)) => errors,
            Err(other) => return Err(other),
        };
        let mut progressed = false;
        for field in error {
            let top = top_level(&field.field).to_owned();
            let seen = refused.iter().any(|r| top_level(&r.field) == top);
            if !seen {
                if let Some(fields) = json.as_object_mut() {
                    progressed |= fields.remove(&top).is_some();
                }
                refused.push(field);
            }
        }
        if !progressed {
            break;
        }
    }
    Err(AppError::Invalid(refused))
}

/// `display_zones` of `display_zones[1].timezone`.
fn top_level(path: &str) -> &str {
    path.split(['.', '[']).next().unwrap_or(path)
}

/// Refused fields, to show beside their inputs: the first reason per field, and the list.
#[derive(Default)]
pub struct Problems {
    pub by_field: BTreeMap<String, String>,
    pub listed: Vec<FieldError>,
    pub notice: Option<String>,
    /// The form's CSRF token did not match: the form comes back, answered 403, nothing done.
    pub csrf_failed: bool,
}

impl Problems {
    /// The problems of a refused input, or the error itself when it is not about fields
    /// (a missing session, a database failure): those get their own page.
    pub fn of(error: AppError) -> Result<Problems, AppError> {
        let errors = match error {
            AppError::Invalid(errors) => errors,
            AppError::Conflict {
                detail,
                field: Some(field),
                ..
            } => vec![FieldError::new(field, detail)],
            AppError::Conflict {
                detail,
                field: None,
                ..
            } => {
                return Ok(Problems {
                    notice: Some(detail),
                    ..Problems::default()
                });
            }
            other => return Err(other),
        };
        let mut problems = Problems::default();
        for error in errors {
            problems
                .by_field
                .entry(error.field.clone())
                .or_insert_with(|| error.reason.clone());
            problems.listed.push(error);
        }
        Ok(problems)
    }

    /// A form sent with a missing or stale CSRF token.
    pub fn stale_form(lang: UiLanguage) -> Problems {
        Problems {
            notice: Some(word(lang, "csrf_failed")),
            csrf_failed: true,
            ..Problems::default()
        }
    }

    pub fn notice(text: impl Into<String>) -> Problems {
        Problems {
            notice: Some(text.into()),
            ..Problems::default()
        }
    }

    fn context(&self) -> Value {
        minijinja::context! {
            field_errors => &self.by_field,
            errors => self.listed.iter().map(|e| minijinja::context! { field => &e.field, reason => &e.reason }).collect::<Vec<_>>(),
            problem_notice => &self.notice,
        }
    }
}

/// The value of `name` in the request's query, if any.
pub fn query_value(uri: &axum::http::Uri, name: &str) -> Option<String> {
    uri.query().and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    })
}

/// The notice a page shows after a form succeeded (`?done=`).
pub fn done_key(uri: &axum::http::Uri) -> Option<String> {
    query_value(uri, "done")
}

/// Errors about an input that a form names with a prefix (`person_email` for a new person's
/// `email`), renamed so they stand beside the form's own fields.
pub fn with_field_prefix(error: AppError, prefix: &str) -> AppError {
    match error {
        AppError::Invalid(errors) => AppError::Invalid(
            errors
                .into_iter()
                .map(|e| FieldError::new(format!("{prefix}{}", e.field), e.reason))
                .collect(),
        ),
        other => other,
    }
}

/// A word of the console in `lang`.
pub fn word(lang: UiLanguage, key: &str) -> String {
    console_words(lang)
        .get_attr(key)
        .ok()
        .filter(|v| !v.is_undefined())
        .map(|v| v.to_string())
        .unwrap_or_default()
}

/// What every console page shows around its content.
pub struct Frame<'a> {
    pub lang: UiLanguage,
    pub path: &'a str,
    pub user: Option<&'a SignedIn>,
    pub event: Option<&'a event::Model>,
    /// The console page of the event being shown, for the navigation.
    pub section: &'a str,
    pub csrf: &'a CsrfToken,
}

/// Renders a console page, with the done-notice named by `?done=` if it is one of ours.
pub fn render_page(
    template: &str,
    frame: Frame<'_>,
    problems: &Problems,
    done: Option<&str>,
    content: Value,
) -> AppResult<Response> {
    let t = console_words(frame.lang);
    let done_text = done
        .map(|key| word(frame.lang, key))
        .filter(|text| !text.is_empty());
    let languages: Vec<Value> = [("fr", "Français"), ("en", "English")]
        .into_iter()
        .map(|(code, name)| {
            minijinja::context! {
                code, name, current => frame.lang.code() == code,
                href => format!("{}{}lang={code}", frame.path, if frame.path.contains('?') { '&' } else { '?' }),
            }
        })
        .collect();
    let csrf = frame
        .csrf
        .authenticity_token()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("CSRF token: {e:?}")))?;
    let html = render(
        template,
        minijinja::value::merge_maps([
            minijinja::context! {
                lang => frame.lang.code(), t => t, languages => languages, csrf => csrf,
                account => frame.user.map(|u| minijinja::context! { name => &u.account.name, email => &u.account.email }),
                event => frame.event.map(|e| minijinja::context! { slug => &e.slug, title => &e.title }),
                section => frame.section, done => done_text,
            },
            problems.context(),
            content,
        ]),
    )?;
    let mut response = page(html);
    if problems.csrf_failed {
        *response.status_mut() = axum::http::StatusCode::FORBIDDEN;
    }
    // Console pages are private; a shared computer's back button must not show them after sign-out.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store, private"),
    );
    Ok(response)
}

/// After a successful form: back to a page, with a notice naming what was done.
pub fn done(path: &str, key: &str) -> Response {
    let separator = if path.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{path}{separator}done={key}")).into_response()
}

/// The session cookie for `token`, living as long as the token.
fn session_cookie(token: String, settings: &crate::config::Settings) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token))
        .path("/admin")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(settings.public_url.starts_with("https://"))
        .max_age(time::Duration::hours(settings.token_ttl_hours))
        .build()
}

fn ended_session_cookie() -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, "")).path("/admin").build()
}

/// A console answer with the cookies it must set: the CSRF token and a language choice.
pub fn with_cookies(user: Option<&SignedIn>, csrf: CsrfToken, response: Response) -> Response {
    let jar = CookieJar::new();
    let jar = match user.and_then(|u| u.remembered.clone()) {
        Some(cookie) => jar.add(cookie),
        None => jar,
    };
    (jar, csrf, response).into_response()
}
