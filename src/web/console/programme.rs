//! The programme builder: one day of the event as a timetable (rooms and the online stage side
//! by side, each session a block at its time in the event's zone with its other zones beside
//! it, its conflicts on it), the drafts beside the grid, and each session's page (edit, move,
//! duplicate, cancel, its participants).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use axum_csrf::CsrfToken;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use minijinja::{Value, context};
use serde_json::json;

use super::done_key;
use super::{
    EventConsole, Form, Frame, Problems, as_api_input, done, query_value, render_page,
    with_cookies, with_field_prefix, word,
};
use crate::app::catalogue::participants::{
    NewParticipant, ParticipantChanges, add_new_person_as_participant, add_participant,
    remove_participant, update_participant,
};
use crate::app::catalogue::sessions::{
    Move, NewSession, SessionChanges, SessionView, create_session, delete_session,
    duplicate_session, move_session, people_of_event, update_session, working_sessions,
};
use crate::app::catalogue::speakers::NewSpeaker;
use crate::app::publishing::conflicts::conflicts_of;
use crate::db::columns::stored_json;
use crate::db::entities::{event, room};
use crate::db::queries;
use crate::domain::conflicts::{Conflict, Severity};
use crate::domain::format::day_label;
use crate::domain::text::UiLanguage;
use crate::domain::timetable::{DayGrid, local_parts, zone_span_text};
use crate::domain::vocab::SessionStatus;
use crate::domain::zone::DisplayZone;
use crate::error::{AppError, AppResult};
use crate::http::HttpState;
use crate::http::extract::ApiPath;
use crate::web::ZONE_NAMES;

fn event_days(event: &event::Model) -> Vec<NaiveDate> {
    event
        .starts_on
        .iter_days()
        .take_while(|day| *day <= event.ends_on)
        .collect()
}

fn conflict_lines(conflicts: &[&Conflict], lang: UiLanguage) -> Vec<Value> {
    conflicts
        .iter()
        .map(|c| {
            context! {
                id => &c.id,
                blocking => c.severity == Severity::Error,
                message => match lang { UiLanguage::Fr => &c.message_fr, UiLanguage::En => &c.message_en },
            }
        })
        .collect()
}

/// What the timetable and the lists need to know of one session.
fn block(
    session: &SessionView,
    event: &event::Model,
    zones: &[DisplayZone],
    conflicts: &[&Conflict],
    lang: UiLanguage,
) -> Value {
    let (day, starts) = local_parts(event.timezone, session.starts_at);
    let (_, ends) = local_parts(event.timezone, session.ends_at);
    let elsewhere: Vec<String> = zones
        .iter()
        .filter(|z| z.timezone != event.timezone)
        .map(|z| zone_span_text(z, day, session.starts_at, session.ends_at))
        .collect();
    let people: Vec<&str> = session
        .participants
        .iter()
        .filter_map(|p| p.speaker.as_ref().map(|s| s.name.as_str()))
        .collect();
    context! {
        id => session.id, title => &session.title, kind => session.kind.as_str(),
        status => session.status.as_str(), unpublished => session.unpublished_changes == Some(true),
        attendance => session.attendance.as_str(), day => day.to_string(), day_label => day_label(day, lang),
        time => format!("{starts}\u{2013}{ends}"), starts => starts, ends => ends, elsewhere => elsewhere.join(" · "),
        people => people.join(", "), conflicts => conflict_lines(conflicts, lang),
        blocking => conflicts.iter().any(|c| c.severity == Severity::Error),
        minutes => (session.ends_at - session.starts_at).num_minutes(),
        href => format!("/admin/events/{}/sessions/{}", event.slug, session.id),
    }
}

fn room_choices(rooms: &[room::Model]) -> Vec<Value> {
    rooms
        .iter()
        .map(|r| context! { id => r.id, name => &r.name, capacity => r.capacity })
        .collect()
}

fn day_choices(event: &event::Model, lang: UiLanguage) -> Vec<Value> {
    event_days(event)
        .into_iter()
        .map(|d| context! { date => d.to_string(), label => day_label(d, lang) })
        .collect()
}

async fn programme_view(
    state: &HttpState,
    console: &EventConsole,
    chosen_day: Option<&str>,
    done: Option<&str>,
    csrf: &CsrfToken,
    problems: &Problems,
    form: Option<&Form>,
) -> AppResult<Response> {
    let event = &console.event;
    let lang = console.user.lang;
    let zones: Vec<DisplayZone> = stored_json(&event.display_zones, "events.display_zones")?;
    let sessions = working_sessions(state, event).await?;
    let report = conflicts_of(state, event).await?;
    let rooms = queries::rooms_of_event(&state.db.conn, event.id).await?;
    let days = event_days(event);
    let day = chosen_day
        .and_then(|d| d.parse::<NaiveDate>().ok())
        .filter(|d| days.contains(d))
        .or_else(|| days.first().copied())
        .unwrap_or(event.starts_on);
    let concerning = |id: i64| -> Vec<&Conflict> {
        report
            .conflicts
            .iter()
            .filter(|c| c.session_ids.contains(&id))
            .collect()
    };

    let on_day: Vec<&SessionView> = sessions
        .iter()
        .filter(|s| local_parts(event.timezone, s.starts_at).0 == day)
        .collect();
    let spans: Vec<_> = on_day.iter().map(|s| (s.starts_at, s.ends_at)).collect();
    let grid = DayGrid::covering(day, event.timezone, &spans);

    // Columns: each room, then the online stage for sessions without one.
    let mut columns: Vec<(Option<i64>, String)> =
        rooms.iter().map(|r| (Some(r.id), r.name.clone())).collect();
    columns.push((None, word(lang, "virtual_stage")));
    let mut blocks: HashMap<Option<i64>, Vec<Value>> = HashMap::new();
    for session in &on_day {
        let placed = grid.place(event.timezone, session.starts_at, session.ends_at);
        let column = session
            .room_id
            .filter(|id| rooms.iter().any(|r| r.id == *id));
        let mut shown = block(session, event, &zones, &concerning(session.id), lang);
        shown =
            context! { css => format!("at-{} span-{}", placed.first_row, placed.rows), ..shown };
        blocks.entry(column).or_default().push(shown);
    }
    let columns: Vec<Value> = columns
        .into_iter()
        .enumerate()
        .map(|(index, (room_id, name))| {
            context! {
                room => room_id.map(|id| id.to_string()).unwrap_or_default(), name => name,
                column => index + 2, blocks => blocks.remove(&room_id).unwrap_or_default(),
            }
        })
        .collect();

    let in_event = |s: &&SessionView| days.contains(&local_parts(event.timezone, s.starts_at).0);
    let drafts: Vec<Value> = sessions
        .iter()
        .filter(|s| s.status == SessionStatus::Draft)
        .filter(in_event)
        .map(|s| block(s, event, &zones, &concerning(s.id), lang))
        .collect();
    let unscheduled: Vec<Value> = sessions
        .iter()
        .filter(|s| !in_event(s))
        .map(|s| block(s, event, &zones, &concerning(s.id), lang))
        .collect();
    let path = format!("/admin/events/{}/programme", event.slug);
    let day_links: Vec<Value> = days
        .iter()
        .map(|d| {
            context! {
                label => day_label(*d, lang), current => *d == day,
                href => format!("{path}?day={d}"),
                count => sessions.iter().filter(|s| local_parts(event.timezone, s.starts_at).0 == *d).count(),
            }
        })
        .collect();
    let new_values = match form {
        Some(form) => form.shown(),
        None => {
            context! { day => day.to_string(), kind => "plenary", attendance => event.attendance.as_str() }
        }
    };
    let hours: Vec<Value> = grid
        .hours()
        .into_iter()
        .map(|(label, row)| context! { label, row })
        .collect();
    let here = format!("{path}?day={day}");
    render_page(
        "console/programme.html",
        Frame {
            lang,
            path: &here,
            user: Some(&console.user),
            event: Some(event),
            section: "programme",
            csrf,
        },
        problems,
        done,
        context! {
            day => day.to_string(), day_label => day_label(day, lang), days => day_links,
            zone => event.timezone.name(), first_hour => grid.first_hour, rows => grid.rows, hours => hours,
            columns => columns, column_count => rooms.len() + 1,
            drafts => drafts, unscheduled => unscheduled,
            day_choices => day_choices(event, lang), rooms => room_choices(&rooms),
            form => new_values, new_action => format!("/admin/events/{}/sessions", event.slug),
            errors_total => report.errors, warnings_total => report.warnings,
        },
    )
}

pub async fn programme_page(
    State(state): State<HttpState>,
    console: EventConsole,
    uri: Uri,
    csrf: CsrfToken,
) -> AppResult<Response> {
    let day = query_value(&uri, "day");
    let response = programme_view(
        &state,
        &console,
        day.as_deref(),
        done_key(&uri).as_deref(),
        &csrf,
        &Problems::default(),
        None,
    )
    .await?;
    Ok(with_cookies(Some(&console.user), csrf, response))
}

/// "2019-06-25" and "09:30" as the API's local date-time, read in the event's zone.
fn local_time(day: &str, time: &str) -> String {
    format!("{day}T{time}")
}

fn id_or_text(text: &str) -> serde_json::Value {
    match text {
        "" => serde_json::Value::Null,
        digits => digits
            .parse::<i64>()
            .map(serde_json::Value::from)
            .unwrap_or_else(|_| digits.into()),
    }
}

/// The session form as the API's JSON (creation and edit take the same fields).
fn session_json(form: &Form) -> serde_json::Value {
    let mut json = json!({
        "title": form.get("title"),
        "kind": form.get("kind"),
        "starts_at": local_time(form.get("day"), form.get("starts")),
        "ends_at": local_time(form.get("day"), form.get("ends")),
        "attendance": form.get("attendance"),
        "room_id": id_or_text(form.get("room")),
        "online_url": form.optional("online_url"),
        "description": form.get("description"),
    });
    if !form.get("language").is_empty() {
        json["language"] = form.get("language").into();
    }
    if form.has("capacity") {
        json["capacity"] = id_or_text(form.get("capacity"));
    }
    if form.has("questions") {
        json["questions"] = form
            .get("questions")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .into();
    }
    json
}

pub async fn new_session_form(
    State(state): State<HttpState>,
    console: EventConsole,
    csrf: CsrfToken,
    body: Bytes,
) -> AppResult<Response> {
    let form = Form::read(&body)?;
    let problems = if !form.csrf_ok(&csrf) {
        Problems::stale_form(console.user.lang)
    } else {
        let created = match as_api_input::<NewSession>(session_json(&form)) {
            Ok(input) => {
                create_session(&state, &console.event, input, console.user.account.id).await
            }
            Err(error) => Err(error),
        };
        match created {
            Ok(session) => {
                return Ok(done(
                    &format!(
                        "/admin/events/{}/sessions/{}",
                        console.event.slug, session.id
                    ),
                    "session_created",
                ));
            }
            Err(error) => Problems::of(error)?,
        }
    };
    let day = form.get("day").to_owned();
    let response = programme_view(
        &state,
        &console,
        Some(&day),
        None,
        &csrf,
        &problems,
        Some(&form),
    )
    .await?;
    Ok(with_cookies(Some(&console.user), csrf, response))
}

async fn session_view_page(
    state: &HttpState,
    console: &EventConsole,
    id: i64,
    done: Option<&str>,
    csrf: &CsrfToken,
    problems: &Problems,
    form: Option<&Form>,
) -> AppResult<Response> {
    let event = &console.event;
    let lang = console.user.lang;
    let sessions = working_sessions(state, event).await?;
    let session = sessions
        .iter()
        .find(|s| s.id == id)
        .ok_or(AppError::NotFound("session"))?;
    let zones: Vec<DisplayZone> = stored_json(&event.display_zones, "events.display_zones")?;
    let report = conflicts_of(state, event).await?;
    let concerning: Vec<&Conflict> = report
        .conflicts
        .iter()
        .filter(|c| c.session_ids.contains(&id))
        .collect();
    let rooms = queries::rooms_of_event(&state.db.conn, event.id).await?;
    let people = people_of_event(state, event.id).await?;
    let shown = block(session, event, &zones, &concerning, lang);
    let (day, starts) = local_parts(event.timezone, session.starts_at);
    let (_, ends) = local_parts(event.timezone, session.ends_at);
    let values = match form {
        Some(form) => form.shown(),
        None => context! {
            title => &session.title, kind => session.kind.as_str(), day => day.to_string(), starts => starts, ends => ends,
            attendance => session.attendance.as_str(), room => session.room_id.map(|r| r.to_string()).unwrap_or_default(),
            online_url => &session.online_url, description => &session.description, capacity => session.capacity,
            language => &session.language, questions => session.questions.join("\n"),
        },
    };
    let participants: Vec<Value> = session
        .participants
        .iter()
        .map(|p| {
            context! {
                id => p.id, name => p.speaker.as_ref().map(|s| s.name.clone()).unwrap_or_default(),
                role => p.role.as_str(), order => p.order, talk_title => &p.talk_title,
                contribution => p.contribution.as_str(), status => p.status.as_str(),
                action => format!("/admin/events/{}/sessions/{}/participants/{}", event.slug, id, p.id),
            }
        })
        .collect();
    let people: Vec<Value> = people
        .iter()
        .map(|p| context! { id => p.id, name => &p.name, zone => p.timezone.name() })
        .collect();
    let path = format!("/admin/events/{}/sessions/{id}", event.slug);
    render_page(
        "console/session.html",
        Frame {
            lang,
            path: &path,
            user: Some(&console.user),
            event: Some(event),
            section: "programme",
            csrf,
        },
        problems,
        done,
        context! {
            session => shown, form => values, action => &path, participants => participants, people => people,
            day_choices => day_choices(event, lang), rooms => room_choices(&rooms), zone => event.timezone.name(),
            zone_names => &*ZONE_NAMES, default_zone => event.timezone.name(), event_language => &event.default_language,
            public => session.status != SessionStatus::Draft, cancelled => session.status == SessionStatus::Cancelled,
            programme_href => format!("/admin/events/{}/programme?day={day}", event.slug),
        },
    )
}

pub async fn session_page(
    State(state): State<HttpState>,
    console: EventConsole,
    ApiPath((_slug, id)): ApiPath<(String, i64)>,
    uri: Uri,
    csrf: CsrfToken,
) -> AppResult<Response> {
    let response = session_view_page(
        &state,
        &console,
        id,
        done_key(&uri).as_deref(),
        &csrf,
        &Problems::default(),
        None,
    )
    .await?;
    Ok(with_cookies(Some(&console.user), csrf, response))
}

/// Runs a form's action: back to the session page with a notice, or the page again with the
/// problems beside the fields.
async fn session_action(
    state: &HttpState,
    console: &EventConsole,
    id: i64,
    csrf: CsrfToken,
    form: &Form,
    done_word: &str,
    action: impl Future<Output = AppResult<()>>,
) -> AppResult<Response> {
    let problems = if !form.csrf_ok(&csrf) {
        Problems::stale_form(console.user.lang)
    } else {
        match action.await {
            Ok(()) => {
                return Ok(done(
                    &format!("/admin/events/{}/sessions/{id}", console.event.slug),
                    done_word,
                ));
            }
            Err(error) => Problems::of(error)?,
        }
    };
    let response =
        session_view_page(state, console, id, None, &csrf, &problems, Some(form)).await?;
    Ok(with_cookies(Some(&console.user), csrf, response))
}

pub async fn edit_session_form(
    State(state): State<HttpState>,
    console: EventConsole,
    ApiPath((_slug, id)): ApiPath<(String, i64)>,
    csrf: CsrfToken,
    body: Bytes,
) -> AppResult<Response> {
    let form = Form::read(&body)?;
    let edit = async {
        let changes = as_api_input::<SessionChanges>(session_json(&form))?;
        update_session(
            &state,
            console.event.clone(),
            id,
            changes,
            console.user.account.id,
        )
        .await
        .map(|_| ())
    };
    session_action(
        &state,
        &console,
        id,
        csrf.clone(),
        &form,
        "session_saved",
        edit,
    )
    .await
}

/// A move from the drag and drop (the script fills this form) or typed in the session page's
/// move form, the keyboard way to do the same. Back to the day it was moved to.
pub async fn move_form(
    State(state): State<HttpState>,
    console: EventConsole,
    ApiPath((_slug, id)): ApiPath<(String, i64)>,
    csrf: CsrfToken,
    body: Bytes,
) -> AppResult<Response> {
    let form = Form::read(&body)?;
    let lang = console.user.lang;
    let problems = if !form.csrf_ok(&csrf) {
        Problems::stale_form(lang)
    } else {
        let day = form.get("day").parse::<NaiveDate>();
        let time = NaiveTime::parse_from_str(form.get("starts"), "%H:%M");
        let room = match form.get("room") {
            "" => Ok(None),
            text => text.parse::<i64>().map(Some),
        };
        let mut refused = Vec::new();
        if day.is_err() {
            refused.push(crate::error::FieldError::new(
                "day",
                "choose a day of the event",
            ));
        }
        if time.is_err() {
            refused.push(crate::error::FieldError::new(
                "starts",
                "write the start as HH:MM, e.g. 09:30",
            ));
        }
        if room.is_err() {
            refused.push(crate::error::FieldError::new(
                "room",
                "choose a room of the event",
            ));
        }
        let moved = match (day, time, room) {
            (Ok(day), Ok(time), Ok(room_id)) => {
                let to = Move {
                    starts_at_local: NaiveDateTime::new(day, time),
                    room_id,
                };
                move_session(
                    &state,
                    console.event.clone(),
                    id,
                    to,
                    console.user.account.id,
                )
                .await
                .map(|_| day)
            }
            _ => Err(AppError::Invalid(refused)),
        };
        match moved {
            Ok(day) => {
                let back = if form.get("back") == "session" {
                    format!("/admin/events/{}/sessions/{id}", console.event.slug)
                } else {
                    format!("/admin/events/{}/programme?day={day}", console.event.slug)
                };
                return Ok(done(&back, "session_moved"));
            }
            Err(error) => Problems::of(error)?,
        }
    };
    let response = session_view_page(&state, &console, id, None, &csrf, &problems, None).await?;
    Ok(with_cookies(Some(&console.user), csrf, response))
}

pub async fn duplicate_form(
    State(state): State<HttpState>,
    console: EventConsole,
    ApiPath((_slug, id)): ApiPath<(String, i64)>,
    csrf: CsrfToken,
    body: Bytes,
) -> AppResult<Response> {
    let form = Form::read(&body)?;
    if !form.csrf_ok(&csrf) {
        let problems = Problems::stale_form(console.user.lang);
        let response =
            session_view_page(&state, &console, id, None, &csrf, &problems, None).await?;
        return Ok(with_cookies(Some(&console.user), csrf, response));
    }
    let copy = duplicate_session(&state, &console.event, id).await?;
    Ok(done(
        &format!("/admin/events/{}/sessions/{}", console.event.slug, copy.id),
        "session_duplicated",
    ))
}

/// Cancels a session: a draft is deleted; a public one is cancelled at the next publication.
pub async fn cancel_form(
    State(state): State<HttpState>,
    console: EventConsole,
    ApiPath((_slug, id)): ApiPath<(String, i64)>,
    csrf: CsrfToken,
    body: Bytes,
) -> AppResult<Response> {
    let form = Form::read(&body)?;
    if !form.csrf_ok(&csrf) {
        let problems = Problems::stale_form(console.user.lang);
        let response =
            session_view_page(&state, &console, id, None, &csrf, &problems, None).await?;
        return Ok(with_cookies(Some(&console.user), csrf, response));
    }
    let slug = console.event.slug.clone();
    match delete_session(&state, console.event, id).await? {
        Some(_) => Ok(done(
            &format!("/admin/events/{slug}/sessions/{id}"),
            "session_cancelled",
        )),
        None => Ok(done(
            &format!("/admin/events/{slug}/programme"),
            "draft_deleted",
        )),
    }
}

fn part_json(form: &Form, speaker_id: i64) -> serde_json::Value {
    let mut json = json!({
        "speaker_id": speaker_id,
        "role": form.get("role"),
        "talk_title": form.optional("talk_title"),
    });
    if !form.get("order").is_empty() {
        json["order"] = id_or_text(form.get("order"));
    }
    if !form.get("contribution").is_empty() {
        json["contribution"] = form.get("contribution").into();
    }
    json
}

/// Adds someone already in the event's people, or a new person typed in the same form.
pub async fn add_participant_form(
    State(state): State<HttpState>,
    console: EventConsole,
    ApiPath((_slug, id)): ApiPath<(String, i64)>,
    csrf: CsrfToken,
    body: Bytes,
) -> AppResult<Response> {
    let form = Form::read(&body)?;
    let event = console.event.clone();
    let add = async {
        let chosen = form.get("speaker_id");
        if chosen.is_empty() && form.get("person_name").is_empty() {
            return Err(AppError::invalid(
                "speaker_id",
                "choose a person, or type a new person's name",
            ));
        }
        if chosen.is_empty() {
            let mut person = json!({
                "name": form.get("person_name"),
                "email": form.optional("person_email"),
                "timezone": form.optional("person_timezone"),
                "language": form.optional("person_language"),
            });
            if let Some(fields) = person.as_object_mut() {
                fields.retain(|_, v| !v.is_null());
            }
            let person =
                as_api_input::<NewSpeaker>(person).map_err(|e| with_field_prefix(e, "person_"))?;
            let part = as_api_input::<NewParticipant>(part_json(&form, 0))?;
            add_new_person_as_participant(&state, &event, id, person, part).await?;
        } else {
            let speaker_id = chosen
                .parse::<i64>()
                .map_err(|_| AppError::invalid("speaker_id", "choose a person of the event"))?;
            let part = as_api_input::<NewParticipant>(part_json(&form, speaker_id))?;
            add_participant(&state, &event, id, part).await?;
        }
        Ok(())
    };
    session_action(
        &state,
        &console,
        id,
        csrf.clone(),
        &form,
        "participant_added",
        add,
    )
    .await
}

pub async fn edit_participant_form(
    State(state): State<HttpState>,
    console: EventConsole,
    ApiPath((_slug, id, participant_id)): ApiPath<(String, i64, i64)>,
    csrf: CsrfToken,
    body: Bytes,
) -> AppResult<Response> {
    let form = Form::read(&body)?;
    let event = console.event.clone();
    let edit = async {
        let mut json = json!({
            "role": form.get("role"),
            "talk_title": form.optional("talk_title"),
            "contribution": form.get("contribution"),
        });
        if !form.get("order").is_empty() {
            json["order"] = id_or_text(form.get("order"));
        }
        let changes = as_api_input::<ParticipantChanges>(json)?;
        update_participant(&state, event, id, participant_id, changes).await?;
        Ok(())
    };
    session_action(
        &state,
        &console,
        id,
        csrf.clone(),
        &form,
        "participant_saved",
        edit,
    )
    .await
}

pub async fn remove_participant_form(
    State(state): State<HttpState>,
    console: EventConsole,
    ApiPath((_slug, id, participant_id)): ApiPath<(String, i64, i64)>,
    csrf: CsrfToken,
    body: Bytes,
) -> AppResult<Response> {
    let form = Form::read(&body)?;
    let event = console.event.clone();
    let remove = async { remove_participant(&state, &event, id, participant_id).await };
    session_action(
        &state,
        &console,
        id,
        csrf.clone(),
        &form,
        "participant_removed",
        remove,
    )
    .await
}
