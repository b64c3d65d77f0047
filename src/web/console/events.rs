//! Events in the console: the list (`/admin`), creating and editing one, its dashboard
//! (`/admin/events/{slug}`) linking every console page of the event, and its rooms.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use axum_csrf::CsrfToken;
use minijinja::{Value, context};
use serde_json::json;

use super::{
    EventConsole, Form, Frame, Problems, SignedIn, as_api_input, done, done_key, render_page,
    with_cookies,
};
use crate::app::catalogue::events::{
    EventChanges, EventView, NewEvent, create_event, events_organised_by, update_event,
};
use crate::app::catalogue::rooms::{NewRoom, RoomView, create_room};
use crate::app::catalogue::sessions::working_sessions;
use crate::app::publishing::conflicts::conflicts_of;
use crate::db::queries;
use crate::domain::vocab::SessionStatus;
use crate::domain::zone::{DisplayZone, Zone, ZonePrinting};
use crate::error::AppResult;
use crate::http::HttpState;
use crate::web::ZONE_NAMES;

pub async fn events_page(
    State(state): State<HttpState>,
    user: SignedIn,
    uri: Uri,
    csrf: CsrfToken,
) -> AppResult<Response> {
    let events = events_organised_by(&state, user.account.id, user.account.is_admin).await?;
    let response = render_page(
        "console/events.html",
        Frame {
            lang: user.lang,
            path: "/admin",
            user: Some(&user),
            event: None,
            section: "events",
            csrf: &csrf,
        },
        &Problems::default(),
        done_key(&uri).as_deref(),
        context! { events => events },
    )?;
    Ok(with_cookies(Some(&user), csrf, response))
}

/// A number typed in a form: a number when it reads as one, else the text, which the API's
/// parse refuses naming the field.
fn number_or_text(text: &str) -> serde_json::Value {
    match text {
        "" => serde_json::Value::Null,
        digits => digits
            .parse::<u64>()
            .map(serde_json::Value::from)
            .unwrap_or_else(|_| digits.into()),
    }
}

/// The display-zone rows that were filled in, as the API takes them.
fn zone_rows(form: &Form) -> Vec<serde_json::Value> {
    let labels = form.all("zone_label");
    let zones = form.all("zone_timezone");
    let abbreviations = form.all("zone_abbreviation");
    let prints = form.all("zone_print");
    let at = |values: &[&str], i: usize| values.get(i).copied().unwrap_or("").to_owned();
    (0..labels.len().max(zones.len()))
        .filter(|&i| !(at(&labels, i).is_empty() && at(&zones, i).is_empty()))
        .map(|i| {
            let abbreviation = at(&abbreviations, i);
            let print = at(&prints, i);
            json!({
                "label": at(&labels, i),
                "timezone": at(&zones, i),
                "abbreviation": if abbreviation.is_empty() { serde_json::Value::Null } else { abbreviation.into() },
                "print": if print.is_empty() { serde_json::Value::Null } else { print.into() },
            })
        })
        .collect()
}

fn document_rows(form: &Form) -> Vec<serde_json::Value> {
    let titles = form.all("document_title");
    let urls = form.all("document_url");
    let authors = form.all("document_author");
    let at = |values: &[&str], i: usize| values.get(i).copied().unwrap_or("").to_owned();
    (0..titles.len())
        .filter(|&i| !(at(&titles, i).is_empty() && at(&urls, i).is_empty()))
        .map(|i| {
            let url = at(&urls, i);
            let author = at(&authors, i);
            json!({
                "title": at(&titles, i),
                "url": if url.is_empty() { serde_json::Value::Null } else { url.into() },
                "author": if author.is_empty() { serde_json::Value::Null } else { author.into() },
            })
        })
        .collect()
}

fn question_lines(form: &Form) -> Vec<String> {
    form.get("questions")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The event form as the API's JSON: the same document for creating (with the slug) and editing.
fn event_json(form: &Form, creating: bool) -> serde_json::Value {
    let mut json = json!({
        "title": form.get("title"),
        "description": form.get("description"),
        "kind": form.get("kind"),
        "attendance": form.get("attendance"),
        "timezone": form.get("timezone"),
        "starts_on": form.get("starts_on"),
        "ends_on": form.get("ends_on"),
        "venue": form.optional("venue"),
        "display_zones": zone_rows(form),
        "questions": question_lines(form),
        "documents": document_rows(form),
        "organiser_name": form.optional("organiser_name"),
        "organiser_email": form.optional("organiser_email"),
        "rsvp_attendees": form.checked("rsvp_attendees"),
        "onsite_capacity": number_or_text(form.get("onsite_capacity")),
        "virtual_capacity": number_or_text(form.get("virtual_capacity")),
    });
    if !form.get("default_language").is_empty() {
        json["default_language"] = form.get("default_language").into();
    }
    // No rows: the event's own zone alone, as the API's default for a new event.
    if zone_rows(form).is_empty() {
        match form.get("timezone").parse::<Zone>() {
            Ok(zone) => json["display_zones"] = json!([DisplayZone::named(zone)]),
            Err(_) => {
                if let Some(fields) = json.as_object_mut() {
                    fields.remove("display_zones");
                }
            }
        }
    }
    if creating {
        json["slug"] = form.get("slug").into();
    }
    json
}

/// What the event form shows: the typed values, else the event's, else a new event's defaults.
fn form_values(form: Option<&Form>, event: Option<&EventView>) -> Value {
    if let Some(form) = form {
        let zones: Vec<serde_json::Value> = zone_rows(form);
        return context! {
            values => form.shown(), zones => with_blank_rows(zones, 2), questions => form.get("questions"),
            documents => with_blank_rows(document_rows(form), 1),
        };
    }
    match event {
        Some(event) => {
            let zones: Vec<serde_json::Value> = event
                .display_zones
                .iter()
                .map(|z| {
                    json!({
                        "label": z.label, "timezone": z.timezone.name(), "abbreviation": z.abbreviation,
                        "print": z.print.map(|p| match p { ZonePrinting::EverySession => "every_session", ZonePrinting::FollowedFromAfar => "followed_from_afar" }),
                    })
                })
                .collect();
            let documents: Vec<serde_json::Value> = event
                .documents
                .iter()
                .map(|d| serde_json::to_value(d).unwrap_or_default())
                .collect();
            context! {
                values => context! {
                    slug => &event.slug, title => &event.title, description => &event.description,
                    kind => event.kind.as_str(), attendance => event.attendance.as_str(), timezone => event.timezone.name(),
                    starts_on => event.starts_on.to_string(), ends_on => event.ends_on.to_string(), venue => &event.venue,
                    default_language => &event.default_language, organiser_name => &event.organiser_name,
                    organiser_email => &event.organiser_email, rsvp_attendees => event.rsvp_attendees,
                    onsite_capacity => event.onsite_capacity, virtual_capacity => event.virtual_capacity,
                },
                zones => with_blank_rows(zones, 2), questions => event.questions.join("\n"),
                documents => with_blank_rows(documents, 1),
            }
        }
        None => context! {
            values => context! { kind => "peer_learning", attendance => "on_site", default_language => "fr" },
            zones => with_blank_rows(vec![], 3), questions => "", documents => with_blank_rows(vec![], 2),
        },
    }
}

fn with_blank_rows(mut rows: Vec<serde_json::Value>, blanks: usize) -> Vec<serde_json::Value> {
    rows.extend((0..blanks).map(|_| json!({})));
    rows
}

fn event_form_page(
    user: &SignedIn,
    event: Option<&crate::db::entities::event::Model>,
    path: &str,
    csrf: &CsrfToken,
    problems: &Problems,
    values: Value,
) -> AppResult<Response> {
    render_page(
        "console/event_form.html",
        Frame {
            lang: user.lang,
            path,
            user: Some(user),
            event,
            section: "edit",
            csrf,
        },
        problems,
        None,
        context! { creating => event.is_none(), action => path, zone_names => &*ZONE_NAMES, ..values },
    )
}

pub async fn new_event_page(user: SignedIn, csrf: CsrfToken) -> AppResult<Response> {
    let response = event_form_page(
        &user,
        None,
        "/admin/events/new",
        &csrf,
        &Problems::default(),
        form_values(None, None),
    )?;
    Ok(with_cookies(Some(&user), csrf, response))
}

pub async fn new_event_form(
    State(state): State<HttpState>,
    user: SignedIn,
    csrf: CsrfToken,
    body: Bytes,
) -> AppResult<Response> {
    let form = Form::read(&body)?;
    let problems = if !form.csrf_ok(&csrf) {
        Problems::stale_form(user.lang)
    } else {
        let created = match as_api_input::<NewEvent>(event_json(&form, true)) {
            Ok(input) => create_event(&state, user.account.id, input).await,
            Err(error) => Err(error),
        };
        match created {
            Ok(event) => {
                return Ok(done(
                    &format!("/admin/events/{}", event.slug),
                    "event_created",
                ));
            }
            Err(error) => Problems::of(error)?,
        }
    };
    let response = event_form_page(
        &user,
        None,
        "/admin/events/new",
        &csrf,
        &problems,
        form_values(Some(&form), None),
    )?;
    Ok(with_cookies(Some(&user), csrf, response))
}

pub async fn edit_event_page(console: EventConsole, csrf: CsrfToken) -> AppResult<Response> {
    let path = format!("/admin/events/{}/edit", console.event.slug);
    let view = EventView::from_model(console.event.clone())?;
    let response = event_form_page(
        &console.user,
        Some(&console.event),
        &path,
        &csrf,
        &Problems::default(),
        form_values(None, Some(&view)),
    )?;
    Ok(with_cookies(Some(&console.user), csrf, response))
}

pub async fn edit_event_form(
    State(state): State<HttpState>,
    console: EventConsole,
    csrf: CsrfToken,
    body: Bytes,
) -> AppResult<Response> {
    let form = Form::read(&body)?;
    let path = format!("/admin/events/{}/edit", console.event.slug);
    let problems = if !form.csrf_ok(&csrf) {
        Problems::stale_form(console.user.lang)
    } else {
        let saved = match as_api_input::<EventChanges>(event_json(&form, false)) {
            Ok(changes) => update_event(&state, console.event.id, changes).await,
            Err(error) => Err(error),
        };
        match saved {
            Ok(event) => {
                return Ok(done(
                    &format!("/admin/events/{}", event.slug),
                    "event_saved",
                ));
            }
            Err(error) => Problems::of(error)?,
        }
    };
    let response = event_form_page(
        &console.user,
        Some(&console.event),
        &path,
        &csrf,
        &problems,
        form_values(Some(&form), None),
    )?;
    Ok(with_cookies(Some(&console.user), csrf, response))
}

/// The event's dashboard: where it stands, and a link to each of its console pages.
pub async fn hub_page(
    State(state): State<HttpState>,
    console: EventConsole,
    uri: Uri,
    csrf: CsrfToken,
) -> AppResult<Response> {
    let event = &console.event;
    let sessions = working_sessions(&state, event).await?;
    let report = conflicts_of(&state, event).await?;
    let drafts = sessions
        .iter()
        .filter(|s| s.status == SessionStatus::Draft)
        .count();
    let unpublished = sessions
        .iter()
        .filter(|s| s.unpublished_changes == Some(true))
        .count();
    let view = EventView::from_model(event.clone())?;
    let path = format!("/admin/events/{}", event.slug);
    let response = render_page(
        "console/hub.html",
        Frame {
            lang: console.user.lang,
            path: &path,
            user: Some(&console.user),
            event: Some(event),
            section: "hub",
            csrf: &csrf,
        },
        &Problems::default(),
        done_key(&uri).as_deref(),
        context! {
            view => view, sessions => sessions.len(), drafts => drafts, unpublished => unpublished,
            blocking => report.errors, warnings => report.warnings,
        },
    )?;
    Ok(with_cookies(Some(&console.user), csrf, response))
}

async fn rooms_view(
    state: &HttpState,
    console: &EventConsole,
    uri: Option<&Uri>,
    csrf: &CsrfToken,
    problems: &Problems,
    form: Option<&Form>,
) -> AppResult<Response> {
    let rooms: Vec<RoomView> = queries::rooms_of_event(&state.db.conn, console.event.id)
        .await?
        .into_iter()
        .map(RoomView::from)
        .collect();
    let path = format!("/admin/events/{}/rooms", console.event.slug);
    render_page(
        "console/rooms.html",
        Frame {
            lang: console.user.lang,
            path: &path,
            user: Some(&console.user),
            event: Some(&console.event),
            section: "rooms",
            csrf,
        },
        problems,
        uri.and_then(done_key).as_deref(),
        context! { rooms => rooms, action => &path, form => form.map(Form::shown) },
    )
}

pub async fn rooms_page(
    State(state): State<HttpState>,
    console: EventConsole,
    uri: Uri,
    csrf: CsrfToken,
) -> AppResult<Response> {
    let response = rooms_view(
        &state,
        &console,
        Some(&uri),
        &csrf,
        &Problems::default(),
        None,
    )
    .await?;
    Ok(with_cookies(Some(&console.user), csrf, response))
}

pub async fn add_room_form(
    State(state): State<HttpState>,
    console: EventConsole,
    csrf: CsrfToken,
    body: Bytes,
) -> AppResult<Response> {
    let form = Form::read(&body)?;
    let problems = if !form.csrf_ok(&csrf) {
        Problems::stale_form(console.user.lang)
    } else {
        let input = json!({
            "name": form.get("name"), "venue": form.optional("venue"),
            "capacity": number_or_text(form.get("capacity")),
        });
        let added = match as_api_input::<NewRoom>(input) {
            Ok(input) => create_room(&state, console.event.id, input).await,
            Err(error) => Err(error),
        };
        match added {
            Ok(_) => {
                return Ok(done(
                    &format!("/admin/events/{}/rooms", console.event.slug),
                    "room_added",
                ));
            }
            Err(error) => Problems::of(error)?,
        }
    };
    let response = rooms_view(&state, &console, None, &csrf, &problems, Some(&form)).await?;
    Ok(with_cookies(Some(&console.user), csrf, response))
}
