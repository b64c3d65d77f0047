//! The schedule assistant in the console, reached from the programme builder: the day plan and
//! the scheduling rules as forms, a proposal shown beside the current plan (what moves, the
//! score of both), and the button that applies it as staged edits. Everything goes through
//! `app::planning`, as the API does.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use axum_csrf::CsrfToken;
use minijinja::{Value, context};

use super::{EventConsole, Form, Frame, Problems, done, done_key, render_page, with_cookies};
use crate::app::catalogue::events::{EventChanges, day_plan_of, update_event};
use crate::app::catalogue::sessions::working_sessions;
use crate::app::planning::{
    ApplyProposal, Proposal, apply_schedule, default_options, propose_schedule, scheduling_rules,
    set_scheduling_rules,
};
use crate::domain::format::day_label;
use crate::domain::planner::{
    DayAttendance, Ordering, PlanDay, ProposalOptions, SchedulingRules, Score, ZoneHours,
    hour_minute,
};
use crate::domain::text::UiLanguage;
use crate::domain::timetable::local_parts;
use crate::domain::vocab::SessionStatus;
use crate::domain::zone::Zone;
use crate::error::{AppError, AppResult};
use crate::http::HttpState;

/// What the page shows after a proposal was asked for.
enum Asked {
    Nothing,
    Proposal(Box<Proposal>),
    /// The rules that cannot all hold, in the reader's language.
    Impossible(Vec<String>),
}

fn when(console: &EventConsole, at: chrono::DateTime<chrono::Utc>) -> String {
    let (day, time) = local_parts(console.event.timezone, at);
    format!("{} {time}", day_label(day, console.user.lang))
}

fn score_rows(proposal: &Score, current: &Score, lang: UiLanguage) -> Vec<Value> {
    let fr = lang == UiLanguage::Fr;
    let rows: [(&str, &str, u64, u64); 9] = [
        (
            "Minutes hors des heures des fuseaux affichés",
            "Minutes outside the display zones' hours",
            proposal.display_zone_minutes_outside.into(),
            current.display_zone_minutes_outside.into(),
        ),
        (
            "Minutes d'intervenants en direct hors de 8 h-20 h chez eux",
            "Minutes live speakers speak outside 08:00-20:00 at home",
            proposal.live_speaker_minutes_outside.into(),
            current.live_speaker_minutes_outside.into(),
        ),
        (
            "Minutes de messages préenregistrés hors de 8 h-20 h",
            "Minutes of pre-recorded messages outside 08:00-20:00",
            proposal.recorded_speaker_minutes_outside.into(),
            current.recorded_speaker_minutes_outside.into(),
        ),
        (
            "Séances publiées déplacées",
            "Published sessions moved",
            proposal.published_sessions_moved.into(),
            current.published_sessions_moved.into(),
        ),
        (
            "Personnes qui recevraient une mise à jour",
            "People who would get an update",
            proposal.people_updated.into(),
            current.people_updated.into(),
        ),
        (
            "Changements de salle",
            "Room changes",
            proposal.room_changes.into(),
            current.room_changes.into(),
        ),
        (
            "Inscrits voyant deux de leurs séances se chevaucher",
            "Registrants seeing two of their sessions overlap",
            proposal.shared_attendee_overlaps.into(),
            current.shared_attendee_overlaps.into(),
        ),
        (
            "Minutes d'attente des inscrits entre deux séances",
            "Minutes registrants wait between two sessions",
            proposal.shared_attendee_gap_minutes.into(),
            current.shared_attendee_gap_minutes.into(),
        ),
        (
            "Points pondérés (total)",
            "Weighted points (total)",
            proposal.weighted_total,
            current.weighted_total,
        ),
    ];
    rows.iter()
        .map(|(label_fr, label_en, a, b)| {
            context! { label => if fr { *label_fr } else { *label_en }, proposal => a, current => b, better => a < b, worse => a > b }
        })
        .collect()
}

async fn assistant_view(
    state: &HttpState,
    console: &EventConsole,
    asked: Asked,
    options: &ProposalOptions,
    done_notice: Option<&str>,
    csrf: &CsrfToken,
    problems: &Problems,
) -> AppResult<Response> {
    let event = &console.event;
    let lang = console.user.lang;
    let days: Vec<Value> = day_plan_of(event)?
        .iter()
        .map(|d| context! { date => d.date.to_string(), label => day_label(d.date, lang), attendance => d.attendance })
        .collect();
    let rules = scheduling_rules(event)?;
    let sessions: Vec<Value> = working_sessions(state, event)
        .await?
        .into_iter()
        .filter(|s| s.status != SessionStatus::Cancelled)
        .map(|s| {
            context! {
                id => s.id, title => &s.title, when => when(console, s.starts_at),
                fixed => rules.fixed_sessions.contains(&s.id), first => rules.first_of_day.contains(&s.id),
                last => rules.last_of_event == Some(s.id),
            }
        })
        .collect();
    let title_of = |id: i64| {
        sessions
            .iter()
            .find(|s| s.get_attr("id").ok().and_then(|v| i64::try_from(v).ok()) == Some(id))
            .and_then(|s| s.get_attr("title").ok())
            .map(|v| v.to_string())
            .unwrap_or_else(|| format!("#{id}"))
    };
    let orderings: Vec<Value> = rules
        .ordering
        .iter()
        .map(|o| context! { before => o.before, after => o.after, before_title => title_of(o.before), after_title => title_of(o.after) })
        .collect();
    let zone_rows: Vec<Value> = options
        .zone_hours
        .iter()
        .flatten()
        .map(|z| context! { timezone => z.timezone.name(), from => z.from.format("%H:%M").to_string(), to => z.to.format("%H:%M").to_string() })
        .collect();
    let (proposal, impossible) = match asked {
        Asked::Nothing => (None, Vec::new()),
        Asked::Impossible(messages) => (None, messages),
        Asked::Proposal(p) => {
            let rows: Vec<Value> = p
                .sessions
                .iter()
                .map(|s| {
                    context! {
                        title => &s.title, moved => s.moved, released => p.released.contains(&s.session_id),
                        now => s.current_starts_at.map(|at| when(console, at)), now_room => s.current_room_id.and_then(|id| p.sessions.iter().find(|o| o.room_id == Some(id)).and_then(|o| o.room_name.clone())),
                        proposed => when(console, s.starts_at), proposed_room => &s.room_name,
                        ends => local_parts(event.timezone, s.ends_at).1,
                    }
                })
                .collect();
            let apply =
                serde_json::json!({ "sessions": p.sessions, "options": p.options }).to_string();
            let others: Vec<&str> = p
                .other_conflicts
                .iter()
                .map(|c| {
                    if lang == UiLanguage::Fr {
                        c.message_fr.as_str()
                    } else {
                        c.message_en.as_str()
                    }
                })
                .collect();
            (
                Some(context! {
                    rows => rows, moved => p.compared_to_current.sessions_moved,
                    optimal => p.status == crate::domain::planner::SearchStatus::Optimal,
                    gap => format!("{:.0}", p.stats.gap * 100.0), ms => p.stats.solve_ms,
                    scores => score_rows(&p.score, &p.compared_to_current.score, lang),
                    violations => p.hard_violations.len(), current_violations => p.compared_to_current.hard_violations.iter().map(|v| &v.message).collect::<Vec<_>>(),
                    others => others, apply => apply,
                }),
                Vec::new(),
            )
        }
    };
    let path = format!("/admin/events/{}/assistant", event.slug);
    render_page(
        "console/assistant.html",
        Frame {
            lang,
            path: &path,
            user: Some(&console.user),
            event: Some(event),
            section: "programme",
            csrf,
        },
        problems,
        done_notice,
        context! {
            days => days, sessions => sessions, orderings => orderings, buffer => rules.buffer_minutes,
            zone_rows => zone_rows, grid => options.grid_minutes, time_limit => options.time_limit_seconds,
            pin_published => options.pin_published, proposal => proposal, impossible => impossible,
            action => &path, rules_action => format!("{path}/rules"), apply_action => format!("{path}/apply"),
        },
    )
}

pub async fn assistant_page(
    State(state): State<HttpState>,
    console: EventConsole,
    uri: Uri,
    csrf: CsrfToken,
) -> AppResult<Response> {
    let options = default_options(&console.event)?;
    let response = assistant_view(
        &state,
        &console,
        Asked::Nothing,
        &options,
        done_key(&uri).as_deref(),
        &csrf,
        &Problems::default(),
    )
    .await?;
    Ok(with_cookies(Some(&console.user), csrf, response))
}

/// The options as the form gives them: zone rows left empty are skipped.
fn options_of(form: &Form) -> Result<ProposalOptions, AppError> {
    let mut errors = crate::error::FieldErrors::default();
    let mut hours = Vec::new();
    let (zones, froms, tos) = (form.all("zone"), form.all("from"), form.all("to"));
    for (i, zone) in zones.iter().enumerate() {
        if zone.is_empty() {
            continue;
        }
        let field = format!("zone_hours[{i}]");
        let time = |raw: Option<&&str>, name: &str, errors: &mut crate::error::FieldErrors| {
            hour_minute(raw.copied().unwrap_or(""))
                .map_err(|why| errors.add(format!("{field}.{name}"), why))
                .ok()
        };
        let timezone = zone
            .parse::<Zone>()
            .map_err(|e| errors.add(format!("{field}.timezone"), e.to_string()))
            .ok();
        let from = time(froms.get(i), "from", &mut errors);
        let to = time(tos.get(i), "to", &mut errors);
        if let (Some(timezone), Some(from), Some(to)) = (timezone, from, to) {
            hours.push(ZoneHours { timezone, from, to });
        }
    }
    let number =
        |name: &str, errors: &mut crate::error::FieldErrors, default: u32| match form.get(name) {
            "" => default,
            raw => raw.parse().unwrap_or_else(|_| {
                errors.add(name, "must be a whole number");
                default
            }),
        };
    let grid_minutes = number("grid_minutes", &mut errors, 15);
    let time_limit_seconds = number("time_limit_seconds", &mut errors, 10);
    errors.into_result()?;
    let options = ProposalOptions {
        pin_published: form.checked("pin_published"),
        zone_hours: Some(hours),
        grid_minutes,
        buffer_minutes: None,
        time_limit_seconds,
    };
    if let Some((field, why)) = options.problem() {
        return Err(AppError::invalid(field, why));
    }
    Ok(options)
}

/// Asks for a proposal and shows it beside the current plan.
pub async fn propose_form(
    State(state): State<HttpState>,
    console: EventConsole,
    csrf: CsrfToken,
    body: Bytes,
) -> AppResult<Response> {
    let form = Form::read(&body)?;
    let mut options = default_options(&console.event)?;
    let (asked, problems) = if !form.csrf_ok(&csrf) {
        (Asked::Nothing, Problems::stale_form(console.user.lang))
    } else {
        match options_of(&form) {
            Err(error) => (Asked::Nothing, Problems::of(error)?),
            Ok(chosen) => {
                options = chosen.clone();
                match propose_schedule(&state, &console.event, chosen).await {
                    Ok(proposal) => (Asked::Proposal(Box::new(proposal)), Problems::default()),
                    Err(AppError::Conflict {
                        extra: Some(extra), ..
                    }) if extra.get("conflicting_rules").is_some() => {
                        let key = match console.user.lang {
                            UiLanguage::Fr => "message_fr",
                            UiLanguage::En => "message",
                        };
                        let messages = extra["conflicting_rules"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(|r| r[key].as_str().map(str::to_owned))
                            .collect();
                        (Asked::Impossible(messages), Problems::default())
                    }
                    Err(error) => (Asked::Nothing, Problems::of(error)?),
                }
            }
        }
    };
    let response =
        assistant_view(&state, &console, asked, &options, None, &csrf, &problems).await?;
    Ok(with_cookies(Some(&console.user), csrf, response))
}

/// Stages the proposal the page showed (carried back in a hidden field).
pub async fn apply_form(
    State(state): State<HttpState>,
    console: EventConsole,
    csrf: CsrfToken,
    body: Bytes,
) -> AppResult<Response> {
    let form = Form::read(&body)?;
    let problems = if !form.csrf_ok(&csrf) {
        Problems::stale_form(console.user.lang)
    } else {
        match serde_json::from_str::<ApplyProposal>(form.get("proposal")) {
            Err(_) => Problems::notice(super::word(console.user.lang, "proposal_unreadable")),
            Ok(request) => match apply_schedule(&state, &console.event, request).await {
                Ok(_) => {
                    return Ok(done(
                        &format!("/admin/events/{}/programme", console.event.slug),
                        "proposal_applied",
                    ));
                }
                Err(error) => Problems::of(error)?,
            },
        }
    };
    let options = default_options(&console.event)?;
    let response = assistant_view(
        &state,
        &console,
        Asked::Nothing,
        &options,
        None,
        &csrf,
        &problems,
    )
    .await?;
    Ok(with_cookies(Some(&console.user), csrf, response))
}

/// Saves the day plan and the scheduling rules.
pub async fn rules_form(
    State(state): State<HttpState>,
    console: EventConsole,
    csrf: CsrfToken,
    body: Bytes,
) -> AppResult<Response> {
    let form = Form::read(&body)?;
    let problems = if !form.csrf_ok(&csrf) {
        Problems::stale_form(console.user.lang)
    } else {
        match save_rules(&state, &console, &form).await {
            Ok(()) => {
                return Ok(done(
                    &format!("/admin/events/{}/assistant", console.event.slug),
                    "rules_saved",
                ));
            }
            Err(error) => Problems::of(error)?,
        }
    };
    let options = default_options(&console.event)?;
    let response = assistant_view(
        &state,
        &console,
        Asked::Nothing,
        &options,
        None,
        &csrf,
        &problems,
    )
    .await?;
    Ok(with_cookies(Some(&console.user), csrf, response))
}

async fn save_rules(state: &HttpState, console: &EventConsole, form: &Form) -> AppResult<()> {
    let ids = |name: &str| -> AppResult<Vec<i64>> {
        form.all(name)
            .into_iter()
            .filter(|v| !v.is_empty())
            .map(|v| {
                v.parse()
                    .map_err(|_| AppError::invalid(name, "not a session"))
            })
            .collect()
    };
    let mut days = Vec::new();
    for (date, attendance) in form.all("day").into_iter().zip(form.all("day_attendance")) {
        let date = date
            .parse()
            .map_err(|_| AppError::invalid("day_plan", "not a date"))?;
        let attendance: DayAttendance = serde_json::from_value(serde_json::json!(attendance))
            .map_err(|_| AppError::invalid("day_plan", "not a kind of day"))?;
        days.push(PlanDay { date, attendance });
    }
    // Rows of "this before that", the last one new; a row ticked for removal or half
    // filled in is left out.
    let removed: Vec<&str> = form.all("remove_ordering");
    let mut ordering = Vec::new();
    for (row, (before, after)) in form
        .all("before")
        .into_iter()
        .zip(form.all("after"))
        .enumerate()
    {
        if before.is_empty() || after.is_empty() || removed.contains(&row.to_string().as_str()) {
            continue;
        }
        let session = |raw: &str, side: &str| {
            raw.parse::<i64>()
                .map_err(|_| AppError::invalid(format!("ordering[{row}].{side}"), "not a session"))
        };
        ordering.push(Ordering {
            before: session(before, "before")?,
            after: session(after, "after")?,
        });
    }
    let buffer_minutes = match form.get("buffer_minutes") {
        "" => 0,
        raw => raw
            .parse()
            .map_err(|_| AppError::invalid("buffer_minutes", "must be a whole number"))?,
    };
    let rules = SchedulingRules {
        fixed_sessions: ids("fixed")?,
        ordering,
        first_of_day: ids("first_of_day")?,
        last_of_event: ids("last_of_event")?.first().copied(),
        buffer_minutes,
    };
    set_scheduling_rules(&state.db.conn, &console.event, rules).await?;
    update_event(
        state,
        console.event.id,
        EventChanges {
            day_plan: Some(days),
            ..EventChanges::default()
        },
    )
    .await?;
    Ok(())
}
