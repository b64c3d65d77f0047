//! `GET|POST /events/{slug}/register`: the registration form. It posts back to itself with a
//! CSRF token (signed cookie + form field); errors come back inline, next to their fields;
//! success leads to the registrant's management page.

use std::collections::BTreeMap;
use std::str::FromStr;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_csrf::CsrfToken;
use axum_extra::extract::CookieJar;
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::{Viewer, ViewerQuery, ZONE_NAMES, page, render, words};
use crate::app::AppState;
use crate::app::registration::register::{NewRegistration, register_attendee};
use crate::db::entities::event;
use crate::db::queries;
use crate::domain::format::dated_times_text;
use crate::domain::text::{Email, LanguageCode, Title, UiLanguage};
use crate::domain::vocab::AttendanceMode;
use crate::domain::vocab::Mode;
use crate::domain::zone::{DisplayZone, Zone};
use crate::error::{AppError, AppResult, FieldError};
use crate::http::HttpState;
use crate::http::extract::parse_form;
use crate::http::extract::{ApiPath, ApiQuery, PublicWrite};

/// The form as typed: every field text, so nothing is lost when it comes back with errors.
#[derive(Deserialize, Serialize, Default)]
#[serde(default)]
pub struct RegisterForm {
    #[serde(skip_serializing)]
    authenticity_token: String,
    name: String,
    email: String,
    organisation: String,
    city: String,
    country: String,
    attendance: String,
    language: String,
    timezone: String,
    session_ids: Vec<String>,
    /// `invitations` (the default) or `single`.
    delivery: String,
}

#[derive(Serialize)]
struct OfferedSession {
    id: i64,
    title: String,
    time: String,
    attendance: AttendanceMode,
}

/// What the form shows besides the typed values.
struct Outcome<'a> {
    status: StatusCode,
    errors: Vec<FieldError>,
    notice: Option<&'a str>,
}

async fn render_form(
    state: &AppState,
    event: &event::Model,
    viewer: &Viewer,
    form: &RegisterForm,
    csrf: &CsrfToken,
    outcome: Outcome<'_>,
) -> AppResult<Response> {
    let lang = viewer.lang;
    let t = words(lang);
    let zone = form
        .timezone
        .parse::<Zone>()
        .ok()
        .or(viewer.zone)
        .unwrap_or(event.timezone);
    let own = DisplayZone::named(zone);
    let sessions = queries::sessions_of_event(&state.db.conn, event.id, false).await?;
    let on_site_offered = sessions
        .iter()
        .any(|s| s.attendance != AttendanceMode::Virtual);
    let offered: Vec<OfferedSession> = sessions
        .into_iter()
        .map(|s| OfferedSession {
            id: s.id,
            time: dated_times_text(&own, s.starts_at, s.ends_at, lang),
            title: s.title,
            attendance: s.attendance,
        })
        .collect();
    // The first reason per form field: `session_ids[2]` is shown on the sessions group.
    let mut field_errors: BTreeMap<String, String> = BTreeMap::new();
    let mut listed = Vec::new();
    for error in &outcome.errors {
        let field = error.field.split('[').next().unwrap_or_default().to_owned();
        let label = t
            .get_attr(&field)
            .ok()
            .filter(|v| !v.is_undefined())
            .map(|v| v.to_string())
            .unwrap_or_else(|| field.clone());
        listed.push(context! { anchor => &field, label => label, reason => &error.reason });
        field_errors
            .entry(field)
            .or_insert_with(|| error.reason.clone());
    }
    let chosen_ids: Vec<i64> = form
        .session_ids
        .iter()
        .filter_map(|id| id.parse().ok())
        .collect();
    let mut shown = serde_json::to_value(form).map_err(|e| AppError::Internal(e.into()))?;
    shown["language"] = if form.language.is_empty() {
        lang.code().into()
    } else {
        form.language.clone().into()
    };
    shown["timezone"] = zone.name().into();
    let html = render(
        "register.html",
        context! {
            lang => lang.code(), t => t, languages => viewer.language_links(&format!("/events/{}/register", event.slug)),
            event_title => &event.title, slug => &event.slug, private => true,
            csrf => csrf.authenticity_token().map_err(|e| AppError::Internal(anyhow::anyhow!("CSRF token: {e:?}")))?,
            form => shown, chosen_ids => chosen_ids, sessions => offered, on_site_offered => on_site_offered,
            zone_names => &*ZONE_NAMES, field_errors => field_errors, errors => listed, notice => outcome.notice,
        },
    )?;
    Ok((outcome.status, page(html)).into_response())
}

pub async fn register_page(
    State(state): State<HttpState>,
    ApiPath(slug): ApiPath<String>,
    ApiQuery(query): ApiQuery<ViewerQuery>,
    jar: CookieJar,
    csrf: CsrfToken,
) -> AppResult<Response> {
    let event = queries::event_by_slug(&state.db.conn, &slug).await?;
    let (viewer, jar) = Viewer::resolve(&query, jar, &event.default_language);
    let form = RegisterForm::default();
    let outcome = Outcome {
        status: StatusCode::OK,
        errors: vec![],
        notice: None,
    };
    let response = render_form(&state, &event, &viewer, &form, &csrf, outcome).await?;
    Ok((jar, csrf, response).into_response())
}

fn optional(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

/// Reads the typed form into the API's input, collecting every refused field at once.
fn read_form(form: &RegisterForm) -> Result<NewRegistration, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut check = |field: &str, result: Result<(), String>| {
        if let Err(reason) = result {
            errors.push(FieldError::new(field, reason));
        }
    };
    let name = Title::from_str(&form.name);
    check("name", name.as_ref().map(|_| ()).map_err(|e| e.to_string()));
    let email = Email::from_str(form.email.trim());
    check(
        "email",
        email.as_ref().map(|_| ()).map_err(|e| e.to_string()),
    );
    let attendance = match form.attendance.as_str() {
        "" => Ok(Mode::Virtual),
        chosen => chosen
            .parse::<Mode>()
            .map_err(|_| "choose online or on site".to_owned()),
    };
    check(
        "attendance",
        attendance.as_ref().map(|_| ()).map_err(Clone::clone),
    );
    let language = optional(&form.language)
        .map(|l| LanguageCode::from_str(&l))
        .transpose();
    check(
        "language",
        language.as_ref().map(|_| ()).map_err(|e| e.to_string()),
    );
    let timezone = optional(&form.timezone)
        .map(|z| Zone::from_str(&z))
        .transpose();
    check(
        "timezone",
        timezone.as_ref().map(|_| ()).map_err(|e| e.to_string()),
    );
    let mut ids = Vec::new();
    for (index, id) in form.session_ids.iter().enumerate() {
        match id.parse::<i64>() {
            Ok(id) => ids.push(id),
            Err(_) => errors.push(FieldError::new(
                format!("session_ids[{index}]"),
                "not a session",
            )),
        }
    }
    match (name, email, attendance, language, timezone) {
        (Ok(name), Ok(email), Ok(attendance), Ok(language), Ok(timezone)) if errors.is_empty() => {
            Ok(NewRegistration {
                name,
                email,
                organisation: optional(&form.organisation),
                city: optional(&form.city),
                country: optional(&form.country),
                attendance,
                language,
                timezone,
                session_ids: if ids.is_empty() { None } else { Some(ids) },
                single_email: form.delivery == "single",
            })
        }
        _ => Err(errors),
    }
}

pub async fn register_form(
    State(state): State<HttpState>,
    _limit: PublicWrite,
    ApiPath(slug): ApiPath<String>,
    jar: CookieJar,
    csrf: CsrfToken,
    body: Bytes,
) -> AppResult<Response> {
    let event = queries::event_by_slug(&state.db.conn, &slug).await?;
    let (viewer, jar) = Viewer::resolve(&ViewerQuery::default(), jar, &event.default_language);
    let form: RegisterForm = parse_form(&body)?;
    // The form's language is the reader's choice for this page too.
    let viewer = Viewer {
        lang: optional(&form.language)
            .map(|l| UiLanguage::for_code(&l))
            .unwrap_or(viewer.lang),
        ..viewer
    };
    let t_notice = |key: &str| -> String {
        words(viewer.lang)
            .get_attr(key)
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    if csrf.verify(&form.authenticity_token).is_err() {
        let notice = t_notice("csrf_failed");
        let outcome = Outcome {
            status: StatusCode::FORBIDDEN,
            errors: vec![],
            notice: Some(&notice),
        };
        let response = render_form(&state, &event, &viewer, &form, &csrf, outcome).await?;
        return Ok((jar, csrf, response).into_response());
    }
    let input = match read_form(&form) {
        Ok(input) => input,
        Err(errors) => {
            let outcome = Outcome {
                // 200, not 422: the page is the answer a person reads (browsers log 4xx as errors).
                status: StatusCode::OK,
                errors,
                notice: None,
            };
            let response = render_form(&state, &event, &viewer, &form, &csrf, outcome).await?;
            return Ok((jar, csrf, response).into_response());
        }
    };
    match register_attendee(&state, &slug, input).await {
        Ok(registered) => match registered.manage_token {
            Some(token) => Ok((jar, Redirect::to(&format!("/r/{token}"))).into_response()),
            None => {
                let notice = t_notice("already_registered");
                let outcome = Outcome {
                    status: StatusCode::OK,
                    errors: vec![],
                    notice: Some(&notice),
                };
                let response = render_form(
                    &state,
                    &event,
                    &viewer,
                    &RegisterForm::default(),
                    &csrf,
                    outcome,
                )
                .await?;
                Ok((jar, csrf, response).into_response())
            }
        },
        Err(AppError::Invalid(errors)) => {
            let outcome = Outcome {
                // 200, not 422: the page is the answer a person reads (browsers log 4xx as errors).
                status: StatusCode::OK,
                errors,
                notice: None,
            };
            let response = render_form(&state, &event, &viewer, &form, &csrf, outcome).await?;
            Ok((jar, csrf, response).into_response())
        }
        Err(other) => Err(other),
    }
}
