//! The registrant's self-service through their private link: read, change, cancel, erase.

use super::capacity::{event_places, seat_status};
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
use crate::domain::zone::Zone;
use crate::error::{AppError, AppResult};
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
    let model = by_token(&*txn, token).await?;
    if model.status != RegistrationStatus::Active {
        return Err(AppError::conflict(
            "status",
            "this registration is cancelled; register again to take part",
        ));
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
            release_seat(&*txn, &state, &event, &model, seat.clone(), now).await?
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
            invite_to_seat(&*txn, &state, &event, &facts, session, &model, seat.id).await?;
        }
    }
    for session in freed.values() {
        promote_waitlist(&*txn, &state, &event, session, now).await?;
    }
    let mut active: registration::ActiveModel = model.into();
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

/// Cancels the registration the management token names; shared with the management page.
pub async fn cancel_by_token(state: &AppState, token: &str) -> AppResult<RegistrationView> {
    let state = state.clone();
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let model = by_token(&*txn, token).await?;
    let event = queries::event_for_update(&*txn, model.event_id).await?;
    release_seats(&*txn, &state, &event, &model, now).await?;
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
