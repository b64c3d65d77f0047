//! Registering for an event, virtually or on site: the plan read before the lock, and the
//! emails a new registration sends. Seats are decided in batches by `seating`.

use super::views::{RegistrationView, SeatShown, assemble_view, manage_url, registration_view};
use super::waitlist::invitation_for_seat;
use crate::app::AppState;
use crate::app::notification as notify;
use crate::app::registration::seating::Decision;
use crate::db::entities::{attendance, event, registration, session};
use crate::domain::format::dated_times_text;
use crate::domain::text::clean;
use crate::domain::text::{Email, LanguageCode, Title, UiLanguage};
use crate::domain::vocab::Mode;
use crate::domain::vocab::RegistrationStatus;
use crate::domain::vocab::SeatStatus;
use crate::domain::zone::{DisplayZone, Zone};
use crate::error::{AppError, AppResult};
use crate::mail::compose::{SessionFacts, SessionLine, Summary, registration_email};
use crate::mail::outbox::NewMail;
use crate::security;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRegistration {
    pub name: Title,
    pub email: Email,
    #[serde(default)]
    pub organisation: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
    pub attendance: Mode,
    /// Defaults to the event's language.
    #[serde(default)]
    pub language: Option<LanguageCode>,
    /// Defaults to the event's zone.
    #[serde(default)]
    pub timezone: Option<Zone>,
    /// Default: every published session that fits the chosen attendance.
    #[serde(default)]
    pub session_ids: Option<Vec<i64>>,
    /// One email listing every session with the personal calendar subscription, instead of
    /// one calendar invitation per session (the default).
    #[serde(default)]
    pub single_email: bool,
}

/// Free-text fields have sane sizes; a megabyte "city" is abuse, not a city.
pub(super) fn check_lengths(input: &NewRegistration) -> AppResult<()> {
    let mut errors = crate::error::FieldErrors::default();
    for (field, value) in [
        ("organisation", &input.organisation),
        ("city", &input.city),
        ("country", &input.country),
    ] {
        if value
            .as_ref()
            .is_some_and(|v| v.chars().count() > 200 || v.chars().any(char::is_control))
        {
            errors.add(field, "must be a single line of at most 200 characters");
        }
    }
    if input
        .session_ids
        .as_ref()
        .is_some_and(|ids| ids.len() > 500)
    {
        errors.add("session_ids", "at most 500 sessions");
    }
    errors.into_result()
}

/// What a registration attempt produced.
pub struct Registered {
    /// False when this email was already registered (the existing registration is returned).
    pub created: bool,
    pub view: RegistrationView,
    /// The management token, known only at creation (it is stored hashed).
    pub manage_token: Option<String>,
}

/// What a registration needs that can be read before the event is locked. Building it takes
/// most of a registration's reads; done outside the lock, requests do it side by side and only
/// the seat decision and the writes queue (`seating`).
pub(crate) struct Plan {
    pub(crate) event: event::Model,
    /// The sessions asked for, as read, each with the mode it is attended in.
    pub(crate) sessions: Vec<(session::Model, Mode)>,
    pub(crate) facts: Vec<SessionFacts>,
}

/// The published sessions `input` asks for (all that fit its attendance when it names none).
pub(crate) fn sessions_asked_for(
    input: &NewRegistration,
    published: &[session::Model],
) -> AppResult<Vec<(session::Model, Mode)>> {
    let mut chosen: Vec<(session::Model, Mode)> = Vec::new();
    match &input.session_ids {
        None => {
            for session in published {
                let mode = input.attendance.at(session.attendance);
                if let Some(mode) = mode {
                    chosen.push((session.clone(), mode));
                }
            }
        }
        Some(ids) => {
            for (index, id) in ids.iter().enumerate() {
                let Some(session) = published.iter().find(|s| s.id == *id) else {
                    return Err(AppError::invalid(
                        format!("session_ids[{index}]"),
                        format!("this event has no published session {id}"),
                    ));
                };
                let Some(mode) = input.attendance.at(session.attendance) else {
                    return Err(AppError::invalid(
                        format!("session_ids[{index}]"),
                        "this session is on site only; register on_site to attend it",
                    ));
                };
                if !chosen.iter().any(|(c, _)| c.id == *id) {
                    chosen.push((session.clone(), mode));
                }
            }
        }
    }
    if chosen.is_empty() {
        return Err(AppError::invalid(
            "session_ids",
            "there is no published session to register for in this mode",
        ));
    }
    Ok(chosen)
}

/// A registration read and planned, waiting for its seats.
pub struct Application {
    pub(crate) input: NewRegistration,
    pub(crate) email_key: String,
    pub(crate) plan: Plan,
    /// Given to the registrant once; only its hash is stored.
    pub(crate) manage_token: String,
}

impl Application {
    /// The registration row, as `event` (read under its lock) completes it.
    pub(crate) fn registration_row(
        &self,
        event: &event::Model,
        now: DateTime<Utc>,
    ) -> registration::ActiveModel {
        let input = &self.input;
        registration::ActiveModel {
            event_id: Set(event.id),
            name: Set(input.name.as_str().to_owned()),
            email: Set(input.email.as_str().to_owned()),
            email_key: Set(self.email_key.clone()),
            organisation: Set(clean(input.organisation.clone())),
            city: Set(clean(input.city.clone())),
            country: Set(clean(input.country.clone())),
            attendance: Set(input.attendance),
            language: Set(input
                .language
                .as_ref()
                .map(|l| l.as_str().to_owned())
                .unwrap_or_else(|| event.default_language.clone())),
            timezone: Set(input.timezone.unwrap_or(event.timezone)),
            status: Set(RegistrationStatus::Active),
            manage_token_hash: Set(security::token_hash(&self.manage_token)),
            feed_token: Set(security::new_token()),
            single_email: Set(input.single_email),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
    }
}

/// A new registration's emails, in the registrant's language and zone: one calendar invitation
/// per confirmed seat (carrying the registration page's link), and the summary listing every
/// session with its status only where it tells something the invitations do not (a waitlisted
/// seat). A registrant who chose one email gets the summary alone, with their feed.
#[allow(clippy::too_many_arguments)]
pub(crate) fn registration_mails(
    state: &AppState,
    event: &event::Model,
    saved: &registration::Model,
    manage_token: &str,
    sessions: &[(session::Model, Mode)],
    facts: &[SessionFacts],
    statuses: &[SeatStatus],
    seats: &[&attendance::Model],
) -> AppResult<Vec<NewMail>> {
    let mut mails = Vec::new();
    let mut lines = Vec::new();
    let recipient = notify::registrant(saved)?;
    let own = DisplayZone::named(recipient.zone);
    let manage = manage_url(state, manage_token);
    for (((session, _), facts), status) in sessions.iter().zip(facts).zip(statuses) {
        if *status == SeatStatus::Confirmed && !saved.single_email {
            // Matched by session, not by position: the database need not return rows in order.
            let Some(seat) = seats.iter().find(|seat| seat.session_id == session.id) else {
                return Err(AppError::Internal(anyhow::anyhow!(
                    "the seat for session {} was not returned",
                    session.id
                )));
            };
            mails.push(invitation_for_seat(
                state,
                event,
                facts,
                session,
                saved,
                seat,
                Some(&manage),
            )?);
        }
        lines.push(session_line(session, *status, &recipient, &own));
    }
    let informative = saved.single_email
        || statuses
            .iter()
            .any(|status| *status != SeatStatus::Confirmed);
    if !informative {
        return Ok(mails);
    }
    let organiser = notify::organiser_of(state, event);
    let attendance_word = attendance_word(saved.attendance, recipient.lang);
    let composed = registration_email(
        Summary::Recorded,
        &recipient,
        &organiser,
        &event.title,
        attendance_word,
        &lines,
        Some(&manage),
        &notify::feed_url(state, &saved.feed_token),
        saved.single_email,
    )?;
    mails.push(NewMail {
        dedup_key: format!("registration-{}-confirmation", saved.id),
        event_id: Some(event.id),
        kind: "confirmation",
        sender: organiser.email,
        recipient: saved.email.clone(),
        subject: composed.subject,
        message: composed.message,
    });
    Ok(mails)
}

/// How a summary names the registrant's mode.
pub(super) fn attendance_word(mode: Mode, lang: UiLanguage) -> &'static str {
    match (mode, lang) {
        (Mode::OnSite, UiLanguage::Fr) => "sur place",
        (_, UiLanguage::Fr) => "en ligne",
        (Mode::OnSite, UiLanguage::En) => "on site",
        (_, UiLanguage::En) => "online",
    }
}

/// One line of a registration summary: the session, its time in the reader's zone with its
/// date, and where the registrant stands.
pub(super) fn session_line(
    session: &session::Model,
    status: SeatStatus,
    recipient: &crate::mail::compose::Recipient,
    own: &DisplayZone,
) -> SessionLine {
    SessionLine {
        title: session.title.clone(),
        time: dated_times_text(own, session.starts_at, session.ends_at, recipient.lang),
        status: match (status, recipient.lang) {
            (SeatStatus::Confirmed, UiLanguage::Fr) => "confirmée".into(),
            (SeatStatus::Confirmed, UiLanguage::En) => "confirmed".into(),
            (SeatStatus::Waitlisted, UiLanguage::Fr) => "liste d'attente".into(),
            (SeatStatus::Waitlisted, UiLanguage::En) => "waitlisted".into(),
            (SeatStatus::Cancelled, UiLanguage::Fr) => "annulée".into(),
            (SeatStatus::Cancelled, UiLanguage::En) => "cancelled".into(),
        },
    }
}

pub(super) async fn registration_by_email(
    db: &impl ConnectionTrait,
    event_id: i64,
    email_key: &str,
) -> AppResult<Option<registration::Model>> {
    Ok(registration::Entity::find()
        .filter(registration::Column::EventId.eq(event_id))
        .filter(registration::Column::EmailKey.eq(email_key))
        .one(db)
        .await?)
}

/// Registers someone for an event: shared by the JSON API and the registration page.
///
/// In three steps, so that a registration rush queues only on what must be serial: reading the
/// programme (no lock), deciding seats and writing everything (`seating`, in a batch with
/// whoever else is registering, under the event's lock), then reading back the answer (no lock).
pub async fn register_attendee(
    state: &AppState,
    slug: &str,
    input: NewRegistration,
) -> AppResult<Registered> {
    check_lengths(&input)?;
    let reads = &state.db.conn;
    let email_key = input.email.normalized();
    let programme = state.seat_desk.programme(state, slug).await?;
    // A repeat is recognised when seats are given; here only when the programme no longer
    // offers what the first registration had (its sessions were withdrawn, say).
    let plan = match programme.plan_for(&input) {
        Ok(plan) => plan,
        Err(refused) => {
            return match registration_by_email(reads, programme.event.id, &email_key).await? {
                Some(existing) => already_registered(state, existing).await,
                None => Err(refused),
            };
        }
    };
    let manage_token = security::new_token();
    let application = Application {
        input,
        email_key,
        plan,
        manage_token: manage_token.clone(),
    };
    match state.seat_desk.decide(state, application).await? {
        Decision::Existing(existing) => already_registered(state, existing).await,
        Decision::Created {
            registration,
            seats,
        } => {
            let shown = seats
                .iter()
                .map(|decided| SeatShown {
                    seat: decided.seat.clone(),
                    session: &decided.session,
                    waitlist_position: decided.waitlist_position,
                })
                .collect();
            Ok(Registered {
                created: true,
                view: assemble_view(state, registration, shown, Some(&manage_token))?,
                manage_token: Some(manage_token),
            })
        }
    }
}

pub(super) async fn already_registered(
    state: &AppState,
    existing: registration::Model,
) -> AppResult<Registered> {
    Ok(Registered {
        created: false,
        view: registration_view(&state.db.conn, state, existing, None).await?,
        manage_token: None,
    })
}
