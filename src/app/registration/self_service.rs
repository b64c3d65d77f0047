//! The registrant's self-service through their private link: read, change, cancel, erase.

use super::capacity::{event_places, seat_status};
use super::register::{attendance_word, session_line};
use super::views::{RegistrationView, registration_view};
use super::waitlist::{invite_to_seat, promote_waitlist, release_seat, release_seats};
use crate::app::AppState;
use crate::app::notification as notify;
use crate::db::entities::{attendance, registration, session};
use crate::db::queries;
use crate::domain::seating::is_full;
use crate::domain::text::LanguageCode;
use crate::domain::vocab::Mode;
use crate::domain::vocab::RegistrationStatus;
use crate::domain::vocab::SeatStatus;
use crate::domain::zone::{DisplayZone, Zone};
use crate::error::{AppError, AppResult};
use crate::mail::compose::{Summary, registration_email};
use crate::mail::outbox::{NewMail, enqueue};
use crate::security;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::Deserialize;
use std::collections::HashMap;
use utoipa::ToSchema;

pub(super) async fn by_token(
    db: &impl ConnectionTrait,
    token: &str,
) -> AppResult<registration::Model> {
    let found = registration::Entity::find()
        .filter(registration::Column::ManageTokenHash.eq(security::token_hash(token)))
        .one(db)
        .await?;
    match found {
        Some(model) if model.status != RegistrationStatus::Erased => Ok(model),
        _ => Err(AppError::NotFound("registration")),
    }
}

/// The registration a management token names, with its event's title.
pub async fn view_by_token(
    state: &AppState,
    token: &str,
) -> AppResult<(RegistrationView, crate::db::entities::event::Model)> {
    let db = &state.db.conn;
    let model = by_token(db, token).await?;
    let event = queries::event_for_read(db, model.event_id).await?;
    Ok((registration_view(db, state, model, None).await?, event))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrationChanges {
    /// Switch between virtual and on-site; on-site seats are subject to availability.
    pub attendance: Option<Mode>,
    /// The full set of sessions wanted from now on (add by including, drop by leaving out).
    pub session_ids: Option<Vec<i64>>,
    pub timezone: Option<Zone>,
    pub language: Option<LanguageCode>,
    /// `true`: one email and the calendar subscription from now on (the calendar entries
    /// received so far are withdrawn, so nothing shows twice); `false`: one calendar invitation
    /// per session (each session is sent now).
    pub single_email: Option<bool>,
}

/// Self-service changes through the management token: shared by the API and the page.
pub async fn update_by_token(
    state: &AppState,
    token: &str,
    changes: RegistrationChanges,
) -> AppResult<RegistrationView> {
    let state = state.clone();
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let mut model = by_token(&*txn, token).await?;
    if model.status != RegistrationStatus::Active {
        return Err(AppError::conflict(
            "status",
            "this registration is cancelled; register again to take part",
        ));
    }
    // Seats given below are told the new way; entries held so far follow after them.
    let switch = changes
        .single_email
        .filter(|wanted| *wanted != model.single_email);
    let before_switch = model.clone();
    if let Some(single) = switch {
        model.single_email = single;
    }
    let event = queries::event_for_update(&*txn, model.event_id).await?;
    let current_mode = if model.attendance == Mode::OnSite {
        Mode::OnSite
    } else {
        Mode::Virtual
    };
    let mode = changes.attendance.unwrap_or(current_mode);
    let published = queries::sessions_of_event(&*txn, event.id, false).await?;
    let seats = attendance::Entity::find()
        .filter(attendance::Column::RegistrationId.eq(model.id))
        .order_by_asc(attendance::Column::SessionId)
        .all(&*txn)
        .await?;

    // The sessions wanted, each with the mode it is attended in.
    let mut wanted: Vec<(session::Model, Mode)> = Vec::new();
    match &changes.session_ids {
        Some(ids) => {
            for (index, id) in ids.iter().enumerate() {
                let Some(session) = published.iter().find(|s| s.id == *id) else {
                    return Err(AppError::invalid(
                        format!("session_ids[{index}]"),
                        format!("this event has no published session {id}"),
                    ));
                };
                let Some(seat_mode) = mode.at(session.attendance) else {
                    return Err(AppError::invalid(
                        format!("session_ids[{index}]"),
                        "this session is on site only; switch to on_site to attend it",
                    ));
                };
                if !wanted.iter().any(|(s, _)| s.id == *id) {
                    wanted.push((session.clone(), seat_mode));
                }
            }
        }
        // Keeping the same sessions under a new mode: those the new mode cannot follow are dropped.
        None => {
            for seat in seats.iter().filter(|s| s.status != SeatStatus::Cancelled) {
                if let Some(session) = published.iter().find(|s| s.id == seat.session_id)
                    && let Some(seat_mode) = mode.at(session.attendance)
                {
                    wanted.push((session.clone(), seat_mode));
                }
            }
        }
    }
    let room_in_event =
        mode == current_mode || !is_full(event_places(&*txn, &event, mode, Some(model.id)).await?);

    let mut freed: HashMap<i64, session::Model> = HashMap::new();
    let mut kept: Vec<i64> = Vec::new();
    for seat in seats.iter().filter(|s| s.status != SeatStatus::Cancelled) {
        let keep = wanted
            .iter()
            .any(|(s, m)| s.id == seat.session_id && *m == seat.mode);
        if keep {
            kept.push(seat.session_id);
        } else if let Some(session) =
            release_seat(&*txn, &state, &event, &model, seat.clone(), false, now).await?
        {
            freed.insert(session.id, session);
        }
    }
    for (session, seat_mode) in wanted.iter().filter(|(s, _)| !kept.contains(&s.id)) {
        let status = seat_status(&*txn, session, *seat_mode, room_in_event).await?;
        let seat = match seats.iter().find(|s| s.session_id == session.id) {
            Some(old) => {
                let mut active: attendance::ActiveModel = old.clone().into();
                active.mode = Set(*seat_mode);
                active.status = Set(status);
                active.updated_at = Set(now);
                active.update(&*txn).await?
            }
            None => {
                attendance::ActiveModel {
                    registration_id: Set(model.id),
                    session_id: Set(session.id),
                    mode: Set(*seat_mode),
                    status: Set(status),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(&*txn)
                .await?
            }
        };
        if status == SeatStatus::Confirmed {
            let facts = notify::session_facts(
                &*txn,
                &state,
                &event,
                session,
                true,
                crate::db::queries::Edition::Published,
            )
            .await?;
            invite_to_seat(&*txn, &state, &event, &facts, session, &model, &seat).await?;
        }
    }
    for session in freed.values() {
        promote_waitlist(&*txn, &state, &event, session, now).await?;
    }
    if let Some(single) = switch {
        switch_delivery(
            &*txn,
            &state,
            &event,
            &before_switch,
            &published,
            &kept,
            single,
            now,
        )
        .await?;
    }
    let mut active: registration::ActiveModel = model.into();
    active.single_email = Set(switch.unwrap_or(before_switch.single_email));
    active.attendance = Set(mode);
    if let Some(zone) = changes.timezone {
        active.timezone = Set(zone);
    }
    if let Some(language) = changes.language {
        active.language = Set(language.as_str().to_owned());
    }
    active.updated_at = Set(now);
    let saved = active.update(&*txn).await?;
    let view = registration_view(&*txn, &state, saved, None).await?;
    txn.commit_attendance().await?;
    state.mail_queued();
    Ok(view)
}

/// The seats kept through a switch of delivery: to one email, their calendar entries are
/// withdrawn (CANCEL) and one summary gives the feed; back to invitations, each is sent.
#[allow(clippy::too_many_arguments)]
async fn switch_delivery(
    db: &impl ConnectionTrait,
    state: &AppState,
    event: &crate::db::entities::event::Model,
    before: &registration::Model,
    published: &[session::Model],
    kept: &[i64],
    single: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    let seats = attendance::Entity::find()
        .filter(attendance::Column::RegistrationId.eq(before.id))
        .filter(attendance::Column::Status.eq(SeatStatus::Confirmed))
        .filter(attendance::Column::SessionId.is_in(kept.iter().copied()))
        .order_by_asc(attendance::Column::SessionId)
        .all(db)
        .await?;
    let per_session = registration::Model {
        single_email: false,
        ..before.clone()
    };
    let mut lines = Vec::new();
    let recipient = notify::registrant(before)?;
    let own = DisplayZone::named(recipient.zone);
    for seat in &seats {
        let Some(session) = published.iter().find(|s| s.id == seat.session_id) else {
            continue;
        };
        let facts = notify::session_facts(
            db,
            state,
            event,
            session,
            true,
            crate::db::queries::Edition::Published,
        )
        .await?;
        if single {
            let sequence = notify::step_seat_sequence(db, seat).await?;
            let key = format!(
                "attendance-{}-rev-{}-seq-{sequence}-cancel",
                seat.id, session.revision
            );
            notify::mail_attendee(
                db,
                state,
                event,
                &facts,
                &per_session,
                sequence,
                crate::mail::compose::SessionMail::Cancel,
                key,
            )
            .await?;
            lines.push(session_line(
                session,
                SeatStatus::Confirmed,
                &recipient,
                &own,
            ));
        } else {
            invite_to_seat(db, state, event, &facts, session, &per_session, seat).await?;
        }
    }
    if single {
        let organiser = notify::organiser_of(state, event);
        let composed = registration_email(
            Summary::Recorded,
            &recipient,
            &organiser,
            &event.title,
            attendance_word(before.attendance, recipient.lang),
            &lines,
            None,
            &notify::feed_url(state, &before.feed_token),
            true,
        )?;
        enqueue(
            db,
            NewMail {
                dedup_key: format!(
                    "registration-{}-single-{}",
                    before.id,
                    now.timestamp_micros()
                ),
                event_id: Some(event.id),
                kind: "confirmation",
                sender: organiser.email,
                recipient: before.email.clone(),
                subject: composed.subject,
                message: composed.message,
            },
            now,
        )
        .await?;
    }
    Ok(())
}

/// Cancels the registration the management token names; shared with the management page.
pub async fn cancel_by_token(state: &AppState, token: &str) -> AppResult<RegistrationView> {
    let state = state.clone();
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let model = by_token(&*txn, token).await?;
    let event = queries::event_for_update(&*txn, model.event_id).await?;
    let held = attendance::Entity::find()
        .filter(attendance::Column::RegistrationId.eq(model.id))
        .filter(attendance::Column::Status.ne(SeatStatus::Cancelled))
        .order_by_asc(attendance::Column::SessionId)
        .all(&*txn)
        .await?;
    release_seats(&*txn, &state, &event, &model, now).await?;
    // Besides the CANCELs its calendar needs, one email says the registration is cancelled.
    if model.status == RegistrationStatus::Active && !held.is_empty() {
        let sessions = queries::sessions_of_event(&*txn, event.id, true).await?;
        let recipient = notify::registrant(&model)?;
        let own = DisplayZone::named(recipient.zone);
        let lines: Vec<_> = held
            .iter()
            .filter_map(|seat| sessions.iter().find(|s| s.id == seat.session_id))
            .map(|session| session_line(session, SeatStatus::Cancelled, &recipient, &own))
            .collect();
        let organiser = notify::organiser_of(&state, &event);
        let composed = registration_email(
            Summary::Cancelled,
            &recipient,
            &organiser,
            &event.title,
            "",
            &lines,
            None,
            &notify::feed_url(&state, &model.feed_token),
            model.single_email,
        )?;
        enqueue(
            &*txn,
            NewMail {
                dedup_key: format!(
                    "registration-{}-cancelled-{}",
                    model.id,
                    now.timestamp_micros()
                ),
                event_id: Some(event.id),
                kind: "cancellation",
                sender: organiser.email,
                recipient: model.email.clone(),
                subject: composed.subject,
                message: composed.message,
            },
            now,
        )
        .await?;
    }
    let mut active: registration::ActiveModel = model.into();
    active.status = Set(RegistrationStatus::Cancelled);
    active.updated_at = Set(now);
    let saved = active.update(&*txn).await?;
    let view = registration_view(&*txn, &state, saved, None).await?;
    txn.commit_attendance().await?;
    state.mail_queued();
    Ok(view)
}

/// Erases the registration the management token names; shared with the management page.
pub async fn erase_by_token(state: &AppState, token: &str) -> AppResult<()> {
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let model = by_token(&*txn, token).await?;
    let event = queries::event_for_update(&*txn, model.event_id).await?;
    release_seats(&*txn, state, &event, &model, now).await?;
    // Their queued and sent emails hold their name and address: those go too (and with them
    // the cancellations just queued, which an erased person no longer wants).
    crate::db::entities::outbox::Entity::delete_many()
        .filter(crate::db::entities::outbox::Column::EventId.eq(event.id))
        .filter(crate::db::entities::outbox::Column::Recipient.eq(model.email.as_str()))
        .exec(&*txn)
        .await?;
    let id = model.id;
    let mut active: registration::ActiveModel = model.into();
    active.name = Set("(erased)".into());
    active.email = Set(format!("erased-{id}@invalid"));
    active.email_key = Set(format!("erased-{id}@invalid"));
    active.organisation = Set(None);
    active.city = Set(None);
    active.country = Set(None);
    active.status = Set(RegistrationStatus::Erased);
    active.manage_token_hash = Set(security::token_hash(&security::new_token()));
    active.feed_token = Set(security::new_token());
    // Even the zone can say where someone lives.
    active.timezone = Set(Zone::from(chrono_tz::UTC));
    active.updated_at = Set(now);
    active.update(&*txn).await?;
    txn.commit_attendance().await?;
    state.mail_queued();
    Ok(())
}
