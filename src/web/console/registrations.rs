//! Registrations in the console: counts per session and mode, seats left, waitlists in order,
//! a search by name, email or city, one registration's page where a seat is decided by hand,
//! and the CSV export.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Uri, header};
use axum::response::{IntoResponse, Response};
use axum_csrf::CsrfToken;
use minijinja::{Value, context};

use super::{EventConsole, Form, Frame, Problems, as_api_input, done, render_page, with_cookies};
use super::{done_key, query_value};
use crate::app::registration::attendance::{
    RegistrationSearch, SeatDecision, attendance_report, decide_seat, registration_of_event,
    registrations_csv, search_registrations,
};
use crate::error::AppResult;
use crate::http::HttpState;
use crate::http::extract::ApiPath;

pub async fn registrations_page(
    State(state): State<HttpState>,
    console: EventConsole,
    uri: Uri,
    csrf: CsrfToken,
) -> AppResult<Response> {
    let event = &console.event;
    let search_text = query_value(&uri, "q").unwrap_or_default();
    let report = attendance_report(&state, event.id).await?;
    // Waitlists are shown by name: the report gives them as registration ids, in order.
    let everyone = search_registrations(
        &state,
        event.id,
        &RegistrationSearch {
            q: None,
            status: None,
        },
    )
    .await?;
    let wanted = search_text.trim();
    let found = if wanted.is_empty() {
        None
    } else {
        Some(
            search_registrations(
                &state,
                event.id,
                &RegistrationSearch {
                    q: Some(wanted.to_owned()),
                    status: None,
                },
            )
            .await?,
        )
    };
    let names: HashMap<i64, &str> = everyone.iter().map(|r| (r.id, r.name.as_str())).collect();
    let sessions: Vec<Value> = report
        .sessions
        .iter()
        .map(|s| {
            let left = s.onsite_capacity.map(|c| (c - s.confirmed_on_site).max(0));
            context! {
                title => &s.title, on_site => s.confirmed_on_site, online => s.confirmed_virtual,
                capacity => s.onsite_capacity, left => left, waitlisted => s.waitlisted,
                waitlist => s.waitlist.iter().map(|id| context! {
                    name => names.get(id).copied().unwrap_or("?"),
                    href => format!("/admin/events/{}/registrations/{id}", event.slug),
                }).collect::<Vec<_>>(),
            }
        })
        .collect();
    let rows: Vec<Value> = found
        .as_ref()
        .unwrap_or(&everyone)
        .iter()
        .map(|r| {
            context! {
                name => &r.name, email => &r.email, city => &r.city, country => &r.country,
                attendance => r.attendance.as_str(), status => r.status.as_str(),
                seats => r.sessions.len(),
                waitlisted => r.sessions.iter().filter(|s| s.status.as_str() == "waitlisted").count(),
                href => format!("/admin/events/{}/registrations/{}", event.slug, r.id),
            }
        })
        .collect();
    let path = format!("/admin/events/{}/registrations", event.slug);
    let response = render_page(
        "console/registrations.html",
        Frame {
            lang: console.user.lang,
            path: &path,
            user: Some(&console.user),
            event: Some(event),
            section: "registrations",
            csrf: &csrf,
        },
        &Problems::default(),
        done_key(&uri).as_deref(),
        context! {
            total => report.registrations, by_mode => &report.by_mode, sessions => sessions, rows => rows,
            q => search_text, action => &path, csv => format!("{path}.csv"),
        },
    )?;
    Ok(with_cookies(Some(&console.user), csrf, response))
}

pub async fn registrations_csv_file(
    State(state): State<HttpState>,
    console: EventConsole,
) -> AppResult<Response> {
    let bytes = registrations_csv(&state, console.event.id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}-registrations.csv\"",
                    console.event.slug
                ),
            ),
            (header::CACHE_CONTROL, "no-store, private".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

async fn registration_view_page(
    state: &HttpState,
    console: &EventConsole,
    id: i64,
    done: Option<&str>,
    csrf: &CsrfToken,
    problems: &Problems,
) -> AppResult<Response> {
    let event = &console.event;
    let registration = registration_of_event(state, event.id, id).await?;
    let seats: Vec<Value> = registration
        .sessions
        .iter()
        .map(|s| {
            context! {
                title => &s.title, mode => s.mode.as_str(), status => s.status.as_str(),
                position => s.waitlist_position, time => &s.dated_time,
                action => format!("/admin/events/{}/registrations/{id}/sessions/{}", event.slug, s.session_id),
            }
        })
        .collect();
    let path = format!("/admin/events/{}/registrations/{id}", event.slug);
    render_page(
        "console/registration.html",
        Frame {
            lang: console.user.lang,
            path: &path,
            user: Some(&console.user),
            event: Some(event),
            section: "registrations",
            csrf,
        },
        problems,
        done,
        context! {
            registration => context! {
                name => &registration.name, email => &registration.email, organisation => &registration.organisation,
                city => &registration.city, country => &registration.country, attendance => registration.attendance.as_str(),
                timezone => registration.timezone.name(), language => &registration.language, status => registration.status.as_str(),
                single_email => registration.single_email, created_at => registration.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            },
            seats => seats, active => registration.status.as_str() == "active",
            back => format!("/admin/events/{}/registrations", event.slug),
        },
    )
}

pub async fn registration_page(
    State(state): State<HttpState>,
    console: EventConsole,
    ApiPath((_slug, id)): ApiPath<(String, i64)>,
    uri: Uri,
    csrf: CsrfToken,
) -> AppResult<Response> {
    let response = registration_view_page(
        &state,
        &console,
        id,
        done_key(&uri).as_deref(),
        &csrf,
        &Problems::default(),
    )
    .await?;
    Ok(with_cookies(Some(&console.user), csrf, response))
}

/// An organiser gives a seat (even past capacity: their call) or frees one, which serves the
/// waitlist: the API's `POST …/registrations/{id}/sessions/{session_id}`.
pub async fn seat_form(
    State(state): State<HttpState>,
    console: EventConsole,
    ApiPath((_slug, id, session_id)): ApiPath<(String, i64, i64)>,
    csrf: CsrfToken,
    body: Bytes,
) -> AppResult<Response> {
    let form = Form::read(&body)?;
    let problems = if !form.csrf_ok(&csrf) {
        Problems::stale_form(console.user.lang)
    } else {
        let decided =
            match as_api_input::<SeatDecision>(serde_json::json!({ "action": form.get("action") }))
            {
                Ok(decision) => {
                    decide_seat(&state, console.event.id, id, session_id, decision).await
                }
                Err(error) => Err(error),
            };
        match decided {
            Ok(_) => {
                return Ok(done(
                    &format!("/admin/events/{}/registrations/{id}", console.event.slug),
                    "seat_decided",
                ));
            }
            Err(error) => Problems::of(error)?,
        }
    };
    let response = registration_view_page(&state, &console, id, None, &csrf, &problems).await?;
    Ok(with_cookies(Some(&console.user), csrf, response))
}
