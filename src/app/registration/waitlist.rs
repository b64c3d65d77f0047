//! Seats given and given up: the invitation for a confirmed seat, the cancellation of a
//! released one, and the waitlist served first come first served.

use super::capacity::{confirmed_count, onsite_capacity};
use crate::app::AppState;
use crate::app::notification as notify;
use crate::db::entities::{attendance, event, registration, session};
use crate::db::queries;
use crate::domain::vocab::Mode;
use crate::domain::vocab::SeatStatus;
use crate::domain::vocab::SessionStatus;
use crate::error::AppResult;
use crate::mail::compose::{SessionFacts, SessionMail};
use crate::mail::outbox::{NewMail, enqueue};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use std::collections::HashMap;

/// Queues the calendar invitation for a seat that has just been confirmed.
pub(crate) async fn invite_to_seat(
    db: &impl ConnectionTrait,
    state: &AppState,
    event: &event::Model,
    facts: &SessionFacts,
    session: &session::Model,
    registration: &registration::Model,
    seat: &attendance::Model,
) -> AppResult<()> {
    let mut seat = seat.clone();
    // Given again after a cancellation: one step above the CANCEL their calendar holds.
    if seat.calendar_sequence > 0 {
        seat.calendar_sequence = notify::step_seat_sequence(db, &seat).await?;
    }
    let mail = invitation_for_seat(state, event, facts, session, registration, &seat, None)?;
    enqueue(db, mail, state.clock.now()).await?;
    Ok(())
}

/// The invitation `invite_to_seat` queues, composed but not yet queued.
pub(super) fn invitation_for_seat(
    state: &AppState,
    event: &event::Model,
    facts: &SessionFacts,
    session: &session::Model,
    registration: &registration::Model,
    seat: &attendance::Model,
    manage_url: Option<&str>,
) -> AppResult<NewMail> {
    // A seat confirmed again after being given up is one SEQUENCE step higher: each
    // confirmation is its own email.
    let key = format!(
        "attendance-{}-rev-{}-seq-{}-request",
        seat.id, session.revision, seat.calendar_sequence
    );
    notify::attendee_mail(
        state,
        event,
        facts,
        registration,
        seat.calendar_sequence,
        SessionMail::Invitation,
        key,
        manage_url,
    )
}

/// Gives freed on-site seats of `session` to the waitlist, first come first served, and queues
/// their invitations.
pub(crate) async fn promote_waitlist(
    db: &impl ConnectionTrait,
    state: &AppState,
    event: &event::Model,
    session: &session::Model,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let Some(capacity) = onsite_capacity(db, session).await? else {
        return Ok(0);
    };
    let mut free = capacity - confirmed_count(db, session.id, Mode::OnSite).await?;
    let mut promoted = 0;
    if free <= 0 {
        return Ok(0);
    }
    let waiting = attendance::Entity::find()
        .filter(attendance::Column::SessionId.eq(session.id))
        .filter(attendance::Column::Status.eq(SeatStatus::Waitlisted))
        .order_by_asc(attendance::Column::UpdatedAt)
        .order_by_asc(attendance::Column::Id)
        .all(db)
        .await?;
    let facts = notify::session_facts(
        db,
        state,
        event,
        session,
        true,
        crate::db::queries::Edition::Published,
    )
    .await?;
    for seat in waiting {
        if free <= 0 {
            break;
        }
        let Some(person) = registration::Entity::find_by_id(seat.registration_id)
            .one(db)
            .await?
        else {
            continue;
        };
        let seat_id = seat.id;
        let seat_sequence = seat.calendar_sequence;
        let mut active: attendance::ActiveModel = seat.into();
        active.status = Set(SeatStatus::Confirmed);
        active.updated_at = Set(now);
        active.update(db).await?;
        let key = format!("attendance-{seat_id}-rev-{}-promoted", session.revision);
        notify::mail_attendee(
            db,
            state,
            event,
            &facts,
            &person,
            seat_sequence,
            SessionMail::Promoted,
            key,
        )
        .await?;
        free -= 1;
        promoted += 1;
    }
    Ok(promoted)
}

/// Releases every seat of a registration: cancellations to the registrant, seats to the waitlist.
/// Gives up one seat: a cancellation to the registrant if it was confirmed. Returns the session
/// when an on-site seat came free, for the waitlist.
pub async fn release_seat(
    db: &impl ConnectionTrait,
    state: &AppState,
    event: &event::Model,
    model: &registration::Model,
    seat: attendance::Model,
    whole_registration: bool,
    now: DateTime<Utc>,
) -> AppResult<Option<session::Model>> {
    let session = queries::session_for_update(db, event.id, seat.session_id).await?;
    let mut freed = None;
    // A registrant who chose one email holds no entry of their own: their feed drops the
    // session, and a whole cancellation is told in its one summary.
    let tell = !(model.single_email && whole_registration);
    if seat.status == SeatStatus::Confirmed && session.status == SessionStatus::Published && tell {
        let facts = notify::session_facts(
            db,
            state,
            event,
            &session,
            false,
            crate::db::queries::Edition::Published,
        )
        .await?;
        // The CANCEL is newer than the last REQUEST this registrant received.
        let sequence = notify::step_seat_sequence(db, &seat).await?;
        let key = format!(
            "attendance-{}-rev-{}-seq-{sequence}-cancel",
            seat.id, session.revision
        );
        notify::mail_attendee(
            db,
            state,
            event,
            &facts,
            model,
            sequence,
            SessionMail::Cancel,
            key,
        )
        .await?;
    }
    if seat.status == SeatStatus::Confirmed
        && seat.mode == Mode::OnSite
        && session.status == SessionStatus::Published
    {
        freed = Some(session);
    }
    let mut active: attendance::ActiveModel = seat.into();
    active.status = Set(SeatStatus::Cancelled);
    active.updated_at = Set(now);
    active.update(db).await?;
    Ok(freed)
}

/// Releases every seat of a registration: cancellations to the registrant, seats to the waitlist.
pub(super) async fn release_seats(
    db: &impl ConnectionTrait,
    state: &AppState,
    event: &event::Model,
    model: &registration::Model,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let seats = attendance::Entity::find()
        .filter(attendance::Column::RegistrationId.eq(model.id))
        .filter(attendance::Column::Status.ne(SeatStatus::Cancelled))
        .order_by_asc(attendance::Column::SessionId)
        .all(db)
        .await?;
    let mut freed: HashMap<i64, session::Model> = HashMap::new();
    for seat in seats {
        if let Some(session) = release_seat(db, state, event, model, seat, true, now).await? {
            freed.insert(session.id, session);
        }
    }
    for session in freed.values() {
        promote_waitlist(db, state, event, session, now).await?;
    }
    Ok(())
}
