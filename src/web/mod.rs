//! Server-rendered pages for people with a browser (one more interface over `app/`, like the JSON
//! API; it never imports `api/`): the programme (`/events/{slug}`), the
//! registration form (`/events/{slug}/register`), the registrant's management page
//! (`/r/{token}`) and the speaker's answer page (`/speak/{token}`). Templates live in
//! `templates/pages/` (auto-escaped), the one stylesheet and script in `templates/assets/`.
//!
//! The reader's zone and language come from the query (`?tz=`, `?lang=`), else from cookies
//! set when they chose, else from the event; pages work without JavaScript, which only adds
//! zone detection.

pub mod console;
pub mod errors;
mod manage;
mod programme;
mod register;
mod speak;
mod words;

use std::sync::LazyLock;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::middleware::from_fn_with_state;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use chrono_tz::TZ_VARIANTS;
use minijinja::Environment;
use serde::Deserialize;

use crate::domain::text::UiLanguage;
use crate::domain::zone::Zone;
use crate::error::{AppError, AppResult};
use crate::http::HttpState;
use crate::http::read_cache::{self, Kind};

pub use words::words;

static PAGES: LazyLock<Result<Environment<'static>, minijinja::Error>> = LazyLock::new(|| {
    let mut env = Environment::new();
    for (name, source) in [
        ("base.html", include_str!("../../templates/pages/base.html")),
        (
            "programme.html",
            include_str!("../../templates/pages/programme.html"),
        ),
        (
            "register.html",
            include_str!("../../templates/pages/register.html"),
        ),
        (
            "manage.html",
            include_str!("../../templates/pages/manage.html"),
        ),
        (
            "speak.html",
            include_str!("../../templates/pages/speak.html"),
        ),
        (
            "error.html",
            include_str!("../../templates/pages/error.html"),
        ),
        (
            "console/base.html",
            include_str!("../../templates/console/base.html"),
        ),
        (
            "console/macros.html",
            include_str!("../../templates/console/macros.html"),
        ),
        (
            "console/setup.html",
            include_str!("../../templates/console/setup.html"),
        ),
        (
            "console/login.html",
            include_str!("../../templates/console/login.html"),
        ),
        (
            "console/password.html",
            include_str!("../../templates/console/password.html"),
        ),
        (
            "console/events.html",
            include_str!("../../templates/console/events.html"),
        ),
        (
            "console/event_form.html",
            include_str!("../../templates/console/event_form.html"),
        ),
        (
            "console/hub.html",
            include_str!("../../templates/console/hub.html"),
        ),
        (
            "console/rooms.html",
            include_str!("../../templates/console/rooms.html"),
        ),
        (
            "console/programme.html",
            include_str!("../../templates/console/programme.html"),
        ),
        (
            "console/session.html",
            include_str!("../../templates/console/session.html"),
        ),
        (
            "console/registrations.html",
            include_str!("../../templates/console/registrations.html"),
        ),
        (
            "console/registration.html",
            include_str!("../../templates/console/registration.html"),
        ),
        (
            "console/outbox.html",
            include_str!("../../templates/console/outbox.html"),
        ),
        (
            "console/email.html",
            include_str!("../../templates/console/email.html"),
        ),
        (
            "console/files.html",
            include_str!("../../templates/console/files.html"),
        ),
        (
            "console/speakers.html",
            include_str!("../../templates/console/speakers.html"),
        ),
        (
            "console/speaker.html",
            include_str!("../../templates/console/speaker.html"),
        ),
        (
            "console/welcome.html",
            include_str!("../../templates/console/welcome.html"),
        ),
        (
            "console/publish.html",
            include_str!("../../templates/console/publish.html"),
        ),
        (
            "console/assistant.html",
            include_str!("../../templates/console/assistant.html"),
        ),
    ] {
        env.add_template(name, source)?;
    }
    Ok(env)
});

/// Compiles every page template, so that start-up stops on one that does not compile instead of
/// the first reader who needs it finding out.
/// minijinja's errors are not `Clone`; the kept one is handed out as a copy of its kind and text.
fn owned(error: &minijinja::Error) -> minijinja::Error {
    minijinja::Error::new(error.kind(), error.to_string())
}

pub fn templates_ready() -> Result<(), minijinja::Error> {
    PAGES.as_ref().map(|_| ()).map_err(owned)
}

const STYLESHEET: &str = include_str!("../../templates/assets/convene.css");
const SCRIPT: &str = include_str!("../../templates/assets/convene.js");
const FAVICON: &str = include_str!("../../templates/assets/favicon.svg");
const CONSOLE_SCRIPT: &str = include_str!("../../templates/assets/console.js");

/// The console's stylesheet, with the timetable's row classes: a strict CSP forbids inline
/// styles, so each grid line a session can start on or span gets a class of its own.
static CONSOLE_STYLESHEET: LazyLock<String> = LazyLock::new(|| {
    use std::fmt::Write;
    let mut css = include_str!("../../templates/assets/console.css").to_owned();
    let most_rows = 24 * 60 / crate::domain::timetable::ROW_MINUTES;
    for n in 1..=most_rows {
        let _ = writeln!(
            css,
            ".at-{n}{{grid-row-start:{n}}}.span-{n}{{grid-row-end:span {n}}}.rows-{n}{{grid-template-rows:repeat({n},var(--row))}}"
        );
    }
    css
});

/// Renders a page template (HTML-escaped).
fn render(name: &str, context: minijinja::Value) -> AppResult<String> {
    PAGES
        .as_ref()
        .map_err(owned)
        .and_then(|pages| pages.get_template(name))
        .and_then(|template| template.render(context))
        .map_err(|e| AppError::Internal(e.into()))
}

/// Security headers for every HTML page: our own stylesheet and script only, no framing,
/// forms only to ourselves.
fn page(html: String) -> Response {
    let mut response = Html(html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
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

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
        .into_response()
}

/// The canonical zone names a reader can pick, sorted (no aliases such as `US/Eastern`).
pub static ZONE_NAMES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let regions = [
        "Africa/",
        "America/",
        "Antarctica/",
        "Asia/",
        "Atlantic/",
        "Australia/",
        "Europe/",
        "Indian/",
        "Pacific/",
    ];
    let mut names: Vec<&'static str> = TZ_VARIANTS
        .iter()
        .map(|tz| tz.name())
        .filter(|name| regions.iter().any(|r| name.starts_with(r)) || *name == "UTC")
        .collect();
    names.sort_unstable();
    names
});

pub const ZONE_COOKIE: &str = "convene_tz";
pub const LANG_COOKIE: &str = "convene_lang";

#[derive(Deserialize, Default)]
pub struct ViewerQuery {
    #[serde(default)]
    tz: Option<String>,
    #[serde(default)]
    lang: Option<String>,
}

/// Who is reading: their language and, once known, their zone.
pub struct Viewer {
    pub lang: UiLanguage,
    pub zone: Option<Zone>,
    /// Whether the reader (or their cookie) chose the zone; otherwise the page script may detect it.
    pub chosen: bool,
}

impl Viewer {
    /// Reads the choice from the query, else the cookies; a new choice is remembered in the jar.
    fn resolve(query: &ViewerQuery, jar: CookieJar, default_lang: &str) -> (Viewer, CookieJar) {
        let mut jar = jar;
        let lang = match query.lang.as_deref() {
            Some(code @ ("fr" | "en")) => {
                jar = jar.add(remembered(LANG_COOKIE, code));
                UiLanguage::for_code(code)
            }
            _ => UiLanguage::for_code(
                jar.get(LANG_COOKIE)
                    .map(|c| c.value())
                    .unwrap_or(default_lang),
            ),
        };
        let (zone, chosen) = match query.tz.as_deref().map(str::trim) {
            // An empty choice means "only the event's zones", and is remembered as such.
            Some("") => {
                jar = jar.add(remembered(ZONE_COOKIE, "-"));
                (None, true)
            }
            Some(name) => match name.parse::<Zone>() {
                Ok(zone) => {
                    jar = jar.add(remembered(ZONE_COOKIE, zone.name()));
                    (Some(zone), true)
                }
                Err(_) => (None, false),
            },
            None => match jar.get(ZONE_COOKIE).map(|c| c.value().to_owned()) {
                Some(value) if value == "-" => (None, true),
                Some(value) => match value.parse::<Zone>() {
                    Ok(zone) => (Some(zone), true),
                    Err(_) => (None, false),
                },
                None => (None, false),
            },
        };
        (Viewer { lang, zone, chosen }, jar)
    }

    /// Links to the same page in each language, keeping the zone.
    fn language_links(&self, path: &str) -> Vec<minijinja::Value> {
        [("fr", "Français"), ("en", "English")]
            .into_iter()
            .map(|(code, name)| {
                let mut query = form_urlencoded::Serializer::new(String::new());
                query.append_pair("lang", code);
                if let Some(zone) = self.zone {
                    query.append_pair("tz", zone.name());
                }
                minijinja::context! {
                    code => code, name => name, current => self.lang.code() == code,
                    href => format!("{path}?{}", query.finish()),
                }
            })
            .collect()
    }
}

fn remembered(name: &'static str, value: &str) -> Cookie<'static> {
    Cookie::build((name, value.to_owned()))
        .path("/")
        .same_site(SameSite::Lax)
        .http_only(true)
        .max_age(time::Duration::days(365))
        .build()
}

pub fn router(state: &HttpState) -> Router<HttpState> {
    // The programme page is what an announcement sends everyone to: kept by the read cache,
    // keyed also on the remembered zone and language.
    let page = Kind::Page {
        cookies: &[ZONE_COOKIE, LANG_COOKIE],
    };
    let programme = Router::new()
        .route("/events/{slug}", get(programme::programme_page))
        .route_layer(read_cache::compression())
        .route_layer(from_fn_with_state((state.clone(), page), read_cache::serve));
    Router::new()
        .merge(programme)
        .route(
            "/assets/convene.css",
            get(|| async { asset("text/css; charset=utf-8", STYLESHEET) }),
        )
        .route(
            "/assets/convene.js",
            get(|| async { asset("text/javascript; charset=utf-8", SCRIPT) }),
        )
        .route(
            "/assets/favicon.svg",
            get(|| async { asset("image/svg+xml", FAVICON) }),
        )
        .route(
            "/assets/console.css",
            get(|| async { asset("text/css; charset=utf-8", CONSOLE_STYLESHEET.as_str()) }),
        )
        .route(
            "/assets/console.js",
            get(|| async { asset("text/javascript; charset=utf-8", CONSOLE_SCRIPT) }),
        )
        .route(
            "/favicon.ico",
            get(|| async { asset("image/svg+xml", FAVICON) }),
        )
        .route(
            "/events/{slug}/register",
            get(register::register_page).post(register::register_form),
        )
        .route(
            "/speak/{token}",
            get(speak::speak_page).post(speak::speak_answer),
        )
        .route("/r/{token}", get(manage::manage_page))
        .route("/r/{token}/update", post(manage::update_form))
        .route("/r/{token}/cancel", post(manage::cancel_form))
        .route("/r/{token}/erase", post(manage::erase_form))
        .merge(console::router())
}
