//! Speakers in the console: everyone taking part with their zone, language, sessions and roles;
//! the board of answers (confirmed, declined with their note, not answered; by link or from
//! their calendar); inviting one speaker or everyone not yet invited, and reminding those who
//! have not answered; each person's availability, typed and shown in their own zone.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use axum_csrf::CsrfToken;
use minijinja::{Value, context};
use serde_json::json;

use super::done_key;
use super::{
    EventConsole, Form, Frame, Problems, as_api_input, done, render_page, with_cookies,
    with_field_prefix,
};
use crate::app::catalogue::availability::{
    AvailabilityInput, Owner, availability_of, set_availability,
};
use crate::app::speaking::{Invitations, Round, invite_round, speaker_board};
use crate::db::queries;
use crate::error::AppResult;
use crate::http::HttpState;
use crate::http::extract::ApiPath;

async fn board_view(
    state: &HttpState,
    console: &EventConsole,
    done: Option<&str>,
    csrf: &CsrfToken,
    problems: &Problems,
    round: Option<&Invitations>,
) -> AppResult<Response> {
    let event = &console.event;
    let board = speaker_board(state, event).await?;
    let mut people: Vec<Value> = Vec::with_capacity(board.len());
    for person in &board {
        let availability = availability_of(state, event, Owner::Speaker(person.speaker_id)).await?;
        let windows: Vec<String> = availability
            .windows
            .iter()
            .map(|w| {
                format!(
                    "{} – {}",
                    w.local_starts_at
                        .replace('T', " ")
                        .get(..16)
                        .unwrap_or_default(),
                    w.local_ends_at
                        .replace('T', " ")
                        .get(..16)
                        .unwrap_or_default()
                )
            })
            .collect();
        let count = |status: &str| {
            person
                .slots
                .iter()
                .filter(|s| s.status.as_str() == status)
                .count()
        };
        people.push(context! {
            id => person.speaker_id, name => &person.name, email => &person.email, zone => &person.timezone,
            language => &person.language, slots => &person.slots, windows => windows,
            proposed => count("proposed"), invited => count("invited"),
            href => format!("/admin/events/{}/speakers/{}", event.slug, person.speaker_id),
        });
    }
    let count = |status: &str| {
        board
            .iter()
            .flat_map(|p| &p.slots)
            .filter(|s| s.status.as_str() == status)
            .count()
    };
    let path = format!("/admin/events/{}/speakers", event.slug);
    render_page(
        "console/speakers.html",
        Frame {
            lang: console.user.lang,
            path: &path,
            user: Some(&console.user),
            event: Some(event),
            section: "speakers",
            csrf,
        },
        problems,
        done,
        context! {
            people => people, action => format!("{path}/invite"), round => round,
            confirmed => count("confirmed"), declined => count("declined"), invited => count("invited"), proposed => count("proposed"),
        },
    )
}

pub async fn speakers_page(
    State(state): State<HttpState>,
    console: EventConsole,
    uri: Uri,
    csrf: CsrfToken,
) -> AppResult<Response> {
    let response = board_view(
        &state,
        &console,
        done_key(&uri).as_deref(),
        &csrf,
        &Problems::default(),
        None,
    )
    .await?;
    Ok(with_cookies(Some(&console.user), csrf, response))
}

/// `round=invite` (slots not invited yet) or `round=remind` (invited, not answered), for one
/// person (`speaker`) or everyone. The page comes back with who was invited and who could not be.
pub async fn invite_form(
    State(state): State<HttpState>,
    console: EventConsole,
    csrf: CsrfToken,
    body: Bytes,
) -> AppResult<Response> {
    let form = Form::read(&body)?;
    if !form.csrf_ok(&csrf) {
        let response = board_view(
            &state,
            &console,
            None,
            &csrf,
            &Problems::stale_form(console.user.lang),
            None,
        )
        .await?;
        return Ok(with_cookies(Some(&console.user), csrf, response));
    }
    let round = if form.get("round") == "remind" {
        Round::NotAnswered
    } else {
        Round::NotYetInvited
    };
    let speaker = form.get("speaker").parse::<i64>().ok();
    let done = invite_round(&state, &console.event, round, speaker).await?;
    let response = board_view(
        &state,
        &console,
        None,
        &csrf,
        &Problems::default(),
        Some(&done),
    )
    .await?;
    Ok(with_cookies(Some(&console.user), csrf, response))
}

async fn person_view(
    state: &HttpState,
    console: &EventConsole,
    id: i64,
    done: Option<&str>,
    csrf: &CsrfToken,
    problems: &Problems,
    form: Option<&Form>,
) -> AppResult<Response> {
    let event = &console.event;
    let person = queries::speaker_in_event(&state.db.conn, event.id, id).await?;
    let availability = availability_of(state, event, Owner::Speaker(id)).await?;
    let mut rows: Vec<Value> = match form {
        Some(form) => form
            .all("window_from")
            .into_iter()
            .zip(form.all("window_until"))
            .map(|(from, until)| context! { from, until })
            .collect(),
        None => availability
            .windows
            .iter()
            .map(|w| context! { from => w.local_starts_at.get(..16).unwrap_or_default(), until => w.local_ends_at.get(..16).unwrap_or_default() })
            .collect(),
    };
    while rows.len() < 3 {
        rows.push(context! { from => "", until => "" });
    }
    let path = format!("/admin/events/{}/speakers/{id}", event.slug);
    render_page(
        "console/speaker.html",
        Frame {
            lang: console.user.lang,
            path: &path,
            user: Some(&console.user),
            event: Some(event),
            section: "speakers",
            csrf,
        },
        problems,
        done,
        context! {
            person => context! { name => &person.name, email => &person.email, zone => person.timezone.name(), language => &person.language },
            rows => rows, action => &path, back => format!("/admin/events/{}/speakers", event.slug),
            first_day => event.starts_on.to_string(), last_day => event.ends_on.to_string(),
        },
    )
}

pub async fn speaker_page(
    State(state): State<HttpState>,
    console: EventConsole,
    ApiPath((_slug, id)): ApiPath<(String, i64)>,
    uri: Uri,
    csrf: CsrfToken,
) -> AppResult<Response> {
    let response = person_view(
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

/// Replaces the person's availability: windows typed in their own zone, as the API's PUT.
pub async fn availability_form(
    State(state): State<HttpState>,
    console: EventConsole,
    ApiPath((_slug, id)): ApiPath<(String, i64)>,
    csrf: CsrfToken,
    body: Bytes,
) -> AppResult<Response> {
    let form = Form::read(&body)?;
    let problems = if !form.csrf_ok(&csrf) {
        Problems::stale_form(console.user.lang)
    } else {
        let windows: Vec<serde_json::Value> = form
            .all("window_from")
            .into_iter()
            .zip(form.all("window_until"))
            .filter(|(from, until)| !(from.is_empty() && until.is_empty()))
            .map(|(from, until)| json!({ "starts_at": from, "ends_at": until }))
            .collect();
        let saved = match as_api_input::<AvailabilityInput>(json!({ "windows": windows })) {
            Ok(input) => set_availability(&state, &console.event, Owner::Speaker(id), input).await,
            Err(error) => Err(error),
        };
        match saved {
            Ok(_) => {
                return Ok(done(
                    &format!("/admin/events/{}/speakers/{id}", console.event.slug),
                    "availability_saved",
                ));
            }
            Err(error) => Problems::of(error)?,
        }
    };
    let response = person_view(&state, &console, id, None, &csrf, &problems, Some(&form)).await?;
    Ok(with_cookies(Some(&console.user), csrf, response))
}

/// Invites a co-organiser by email: a new account gets a link to set its password.
pub async fn co_organiser_form(
    State(state): State<HttpState>,
    console: EventConsole,
    csrf: CsrfToken,
    body: Bytes,
) -> AppResult<Response> {
    use crate::app::accounts::{NewCoOrganiser, invite_co_organiser};
    let form = Form::read(&body)?;
    let problems = if !form.csrf_ok(&csrf) {
        Problems::stale_form(console.user.lang)
    } else {
        let invited = match as_api_input::<NewCoOrganiser>(json!({
            "name": form.get("organiser_name"), "email": form.get("organiser_email"),
        })) {
            Ok(input) => {
                invite_co_organiser(&state, &console.event, &console.user.account, input).await
            }
            Err(error) => Err(error),
        };
        match invited {
            Ok(_) => {
                return Ok(done(
                    &format!("/admin/events/{}/speakers", console.event.slug),
                    "co_organiser_invited",
                ));
            }
            Err(error) => Problems::of(with_field_prefix(error, "organiser_"))?,
        }
    };
    let response = board_view(&state, &console, None, &csrf, &problems, None).await?;
    Ok(with_cookies(Some(&console.user), csrf, response))
}
