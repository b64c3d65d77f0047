//! Attendance: public registration with seat limits and a waitlist, self-service through a
//! private link, and the organisers' list.
//!
//! Seats are counted and given inside one write transaction with the event's row locked
//! (`FOR NO KEY UPDATE` on PostgreSQL; the write gate on SQLite), so the last seat goes to exactly
//! one person however many ask at once. Every email is queued in that same transaction.

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::{ApiJson, ApiPath, PublicWrite};
use super::seating::Decision;
use super::{clean, stored};
use crate::db::entities::{attendance, event, registration, room, session};
use crate::db::queries;
use crate::domain::format::{ZonedTimes, zoned_times};
use crate::domain::text::{Email, LanguageCode, Title, UiLanguage};
use crate::domain::vocab::{AttendanceMode, SessionStatus};
use crate::domain::zone::{DisplayZone, Zone};
use crate::error::{AppError, AppResult};
use crate::mail::compose::{SessionFacts, SessionLine, SessionMail, registration_email};
use crate::mail::outbox::{NewMail, enqueue};
use crate::notify;
use crate::security;
use crate::state::AppState;

/// How a registrant takes part in the event as a whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Virtual,
    OnSite,
}

impl Mode {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Mode::Virtual => "virtual",
            Mode::OnSite => "on_site",
        }
    }

    /// The mode this registrant attends `session` in, or `None` if they cannot.
    fn at(self, session: AttendanceMode) -> Option<Mode> {
        match (self, session) {
            (_, AttendanceMode::Virtual) => Some(Mode::Virtual),
            (Mode::OnSite, _) => Some(Mode::OnSite),
            (Mode::Virtual, AttendanceMode::Hybrid) => Some(Mode::Virtual),
            (Mode::Virtual, AttendanceMode::OnSite) => None,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRegistration {
    #[schema(value_type = String)]
    pub name: Title,
    #[schema(value_type = String)]
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
    #[schema(value_type = Option<String>)]
    pub language: Option<LanguageCode>,
    /// Defaults to the event's zone.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub timezone: Option<Zone>,
    /// Default: every published session that fits the chosen attendance.
    #[serde(default)]
    pub session_ids: Option<Vec<i64>>,
}

#[derive(Serialize, ToSchema)]
pub struct SeatView {
    pub session_id: i64,
    pub title: String,
    pub mode: Mode,
    /// `confirmed`, `waitlisted` or `cancelled`.
    pub status: String,
    /// Place in the waitlist (1 = next), when waitlisted.
    pub waitlist_position: Option<u64>,
    pub times: ZonedTimes,
    /// Only for confirmed seats.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub online_url: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RegistrationView {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub organisation: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub attendance: Mode,
    pub language: String,
    pub timezone: String,
    /// `active`, `cancelled` or `erased`.
    pub status: String,
    pub sessions: Vec<SeatView>,
    /// The private self-service link; only in the answer that created the registration
    /// (and in the confirmation email): it is stored hashed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manage_url: Option<String>,
    pub feed_url: String,
    pub created_at: DateTime<Utc>,
}

/// Free-text fields have sane sizes; a megabyte "city" is abuse, not a city.
fn check_lengths(input: &NewRegistration) -> AppResult<()> {
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

/// Seats a session has for on-site attendees: its own capacity, else its room's; `None` is unlimited.
pub(crate) async fn onsite_capacity(
    db: &impl ConnectionTrait,
    session: &session::Model,
) -> AppResult<Option<i64>> {
    if let Some(capacity) = session.capacity {
        return Ok(Some(i64::from(capacity)));
    }
    Ok(match session.room_id {
        Some(id) => room::Entity::find_by_id(id)
            .one(db)
            .await?
            .and_then(|r| r.capacity)
            .map(i64::from),
        None => None,
    })
}

pub(crate) async fn confirmed_count(
    db: &impl ConnectionTrait,
    session_id: i64,
    mode: Mode,
) -> AppResult<i64> {
    Ok(attendance::Entity::find()
        .filter(attendance::Column::SessionId.eq(session_id))
        .filter(attendance::Column::Mode.eq(mode.as_str()))
        .filter(attendance::Column::Status.eq("confirmed"))
        .count(db)
        .await? as i64)
}

/// A limit (`None`: unlimited) and how much of it is taken; counted only when there is a limit.
pub(crate) type Taken = (Option<i64>, i64);

/// Whether nothing is left of a limit.
pub(crate) fn is_full((limit, taken): Taken) -> bool {
    limit.is_some_and(|limit| taken >= limit)
}

/// The event-wide limit for `mode` and the active registrations in that mode (every active
/// registration takes a place, seated or waiting), leaving out registration `excluding`.
pub(crate) async fn event_places(
    db: &impl ConnectionTrait,
    event: &event::Model,
    mode: Mode,
    excluding: Option<i64>,
) -> AppResult<Taken> {
    let limit = match mode {
        Mode::OnSite => event.onsite_capacity,
        Mode::Virtual => event.virtual_capacity,
    };
    let Some(limit) = limit else {
        return Ok((None, 0));
    };
    let mut query = registration::Entity::find()
        .filter(registration::Column::EventId.eq(event.id))
        .filter(registration::Column::Status.eq("active"))
        .filter(registration::Column::Attendance.eq(mode.as_str()));
    if let Some(id) = excluding {
        query = query.filter(registration::Column::Id.ne(id));
    }
    Ok((Some(i64::from(limit)), query.count(db).await? as i64))
}

/// A session's on-site seats and how many are confirmed.
pub(crate) async fn onsite_seats(
    db: &impl ConnectionTrait,
    session: &session::Model,
) -> AppResult<Taken> {
    Ok(match onsite_capacity(db, session).await? {
        Some(capacity) => (
            Some(capacity),
            confirmed_count(db, session.id, Mode::OnSite).await?,
        ),
        None => (None, 0),
    })
}

/// Confirmed or waitlisted, deciding for one session under its lock.
pub(crate) async fn seat_status(
    db: &impl ConnectionTrait,
    session: &session::Model,
    mode: Mode,
    event_room: bool,
) -> AppResult<&'static str> {
    if !event_room {
        return Ok("waitlisted");
    }
    if mode == Mode::Virtual || !is_full(onsite_seats(db, session).await?) {
        return Ok("confirmed");
    }
    Ok("waitlisted")
}

fn manage_url(state: &AppState, token: &str) -> String {
    format!("{}/r/{token}", state.settings.public_url)
}

pub(crate) async fn registration_view(
    db: &impl ConnectionTrait,
    state: &AppState,
    model: registration::Model,
    manage_token: Option<&str>,
) -> AppResult<RegistrationView> {
    let seats = attendance::Entity::find()
        .filter(attendance::Column::RegistrationId.eq(model.id))
        .order_by_asc(attendance::Column::Id)
        .all(db)
        .await?;
    // One read for all the seats' sessions, not one per seat.
    let of_seats: std::collections::HashMap<i64, session::Model> = session::Entity::find()
        .filter(session::Column::Id.is_in(seats.iter().map(|s| s.session_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let mut shown = Vec::with_capacity(seats.len());
    for seat in seats {
        let Some(session) = of_seats.get(&seat.session_id) else {
            continue;
        };
        let waitlist_position = if seat.status == "waitlisted" {
            Some(waitlist_position(db, &seat).await?)
        } else {
            None
        };
        shown.push(SeatShown {
            seat,
            session,
            waitlist_position,
        });
    }
    assemble_view(state, model, shown, manage_token)
}

/// A seat as its registrant sees it.
pub(crate) struct SeatShown<'a> {
    pub(crate) seat: attendance::Model,
    pub(crate) session: &'a session::Model,
    /// Place in the session's waitlist (1 = next), when waitlisted.
    pub(crate) waitlist_position: Option<u64>,
}

/// The registrant's view of a registration and its seats, in the registrant's zone and language.
pub(crate) fn assemble_view(
    state: &AppState,
    model: registration::Model,
    seats: Vec<SeatShown>,
    manage_token: Option<&str>,
) -> AppResult<RegistrationView> {
    let zone: Zone = stored(&model.timezone, "registrations.timezone")?;
    let own = DisplayZone::named(zone);
    let lang = UiLanguage::for_code(&model.language);
    let sessions = seats
        .into_iter()
        .map(|shown| {
            let SeatShown {
                seat,
                session,
                waitlist_position,
            } = shown;
            SeatView {
                session_id: session.id,
                title: session.title.clone(),
                mode: if seat.mode == "on_site" {
                    Mode::OnSite
                } else {
                    Mode::Virtual
                },
                online_url: session
                    .online_url
                    .clone()
                    .filter(|_| seat.status == "confirmed" && model.status == "active"),
                status: seat.status,
                waitlist_position,
                times: zoned_times(&own, session.starts_at, session.ends_at, lang),
            }
        })
        .collect();
    Ok(RegistrationView {
        id: model.id,
        attendance: if model.attendance == "on_site" {
            Mode::OnSite
        } else {
            Mode::Virtual
        },
        manage_url: manage_token.map(|t| manage_url(state, t)),
        feed_url: notify::feed_url(state, &model.feed_token),
        name: model.name,
        email: model.email,
        organisation: model.organisation,
        city: model.city,
        country: model.country,
        language: model.language,
        timezone: model.timezone,
        status: model.status,
        sessions,
        created_at: model.created_at,
    })
}

/// Queues the calendar invitation for a seat that has just been confirmed.
pub(crate) async fn invite_to_seat(
    db: &impl ConnectionTrait,
    state: &AppState,
    event: &event::Model,
    facts: &SessionFacts,
    session: &session::Model,
    registration: &registration::Model,
    seat_id: i64,
) -> AppResult<()> {
    let mail = invitation_for_seat(state, event, facts, session, registration, seat_id)?;
    enqueue(db, mail, state.clock.now()).await?;
    Ok(())
}

/// The invitation `invite_to_seat` queues, composed but not yet queued.
fn invitation_for_seat(
    state: &AppState,
    event: &event::Model,
    facts: &SessionFacts,
    session: &session::Model,
    registration: &registration::Model,
    seat_id: i64,
) -> AppResult<NewMail> {
    // A seat can be confirmed again after being given up: each confirmation is its own email.
    let key = format!(
        "attendance-{seat_id}-rev-{}-request-{}",
        session.revision,
        state.clock.now().timestamp_micros()
    );
    notify::attendee_mail(
        state,
        event,
        facts,
        registration,
        SessionMail::Invitation,
        key,
    )
}

/// Where a waitlisted seat stands: the waitlist is served in the order seats joined it.
async fn waitlist_position(db: &impl ConnectionTrait, seat: &attendance::Model) -> AppResult<u64> {
    let earlier =
        attendance::Column::UpdatedAt
            .lt(seat.updated_at)
            .or(attendance::Column::UpdatedAt
                .eq(seat.updated_at)
                .and(attendance::Column::Id.lte(seat.id)));
    Ok(attendance::Entity::find()
        .filter(attendance::Column::SessionId.eq(seat.session_id))
        .filter(attendance::Column::Status.eq("waitlisted"))
        .filter(earlier)
        .count(db)
        .await?)
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
        .filter(attendance::Column::Status.eq("waitlisted"))
        .order_by_asc(attendance::Column::UpdatedAt)
        .order_by_asc(attendance::Column::Id)
        .all(db)
        .await?;
    let facts = notify::session_facts(db, state, event, session, true).await?;
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
        let mut active: attendance::ActiveModel = seat.into();
        active.status = Set("confirmed".into());
        active.updated_at = Set(now);
        active.update(db).await?;
        let key = format!("attendance-{seat_id}-rev-{}-promoted", session.revision);
        notify::mail_attendee(
            db,
            state,
            event,
            &facts,
            &person,
            SessionMail::Promoted,
            key,
        )
        .await?;
        free -= 1;
        promoted += 1;
    }
    Ok(promoted)
}

#[utoipa::path(post, path = "/api/v1/events/{slug}/registrations", tag = "attendance", params(("slug" = String, Path)), request_body = NewRegistration,
    responses((status = 201, body = RegistrationView), (status = 200, description = "Already registered: the existing registration", body = RegistrationView),
              (status = 422, body = crate::error::Problem), (status = 429, body = crate::error::Problem)))]
pub async fn register(
    State(state): State<AppState>,
    _limit: PublicWrite,
    ApiPath(slug): ApiPath<String>,
    ApiJson(input): ApiJson<NewRegistration>,
) -> AppResult<(StatusCode, Json<RegistrationView>)> {
    let registered = register_attendee(&state, &slug, input).await?;
    let status = if registered.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(registered.view)))
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
                let mode = input
                    .attendance
                    .at(stored(&session.attendance, "sessions.attendance")?);
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
                let Some(mode) = input
                    .attendance
                    .at(stored(&session.attendance, "sessions.attendance")?)
                else {
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
            attendance: Set(input.attendance.as_str().to_owned()),
            language: Set(input
                .language
                .as_ref()
                .map(|l| l.as_str().to_owned())
                .unwrap_or_else(|| event.default_language.clone())),
            timezone: Set(input
                .timezone
                .map(|z| z.name().to_owned())
                .unwrap_or_else(|| event.timezone.clone())),
            status: Set("active".into()),
            manage_token_hash: Set(security::token_hash(&self.manage_token)),
            feed_token: Set(security::new_token()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
    }
}

/// A new registration's emails: one calendar invitation per confirmed seat and the
/// confirmation listing every session with its status, in the registrant's language and zone.
#[allow(clippy::too_many_arguments)]
pub(crate) fn registration_mails(
    state: &AppState,
    event: &event::Model,
    saved: &registration::Model,
    manage_token: &str,
    sessions: &[(session::Model, Mode)],
    facts: &[SessionFacts],
    statuses: &[&str],
    seats: &[&attendance::Model],
) -> AppResult<Vec<NewMail>> {
    let mut mails = Vec::new();
    let mut lines = Vec::new();
    let recipient = notify::registrant(saved)?;
    let own = DisplayZone::named(recipient.zone);
    for (((session, _), facts), status) in sessions.iter().zip(facts).zip(statuses) {
        if *status == "confirmed" {
            // Matched by session, not by position: the database need not return rows in order.
            let Some(seat) = seats.iter().find(|seat| seat.session_id == session.id) else {
                return Err(AppError::Internal(anyhow::anyhow!(
                    "the seat for session {} was not returned",
                    session.id
                )));
            };
            mails.push(invitation_for_seat(
                state, event, facts, session, saved, seat.id,
            )?);
        }
        lines.push(SessionLine {
            title: session.title.clone(),
            time: zoned_times(&own, session.starts_at, session.ends_at, recipient.lang).text,
            status: match (*status, recipient.lang) {
                ("confirmed", UiLanguage::Fr) => "confirmée".into(),
                ("confirmed", UiLanguage::En) => "confirmed".into(),
                (_, UiLanguage::Fr) => "liste d'attente".into(),
                (_, UiLanguage::En) => "waitlisted".into(),
            },
        });
    }
    let organiser = notify::organiser_of(state, event);
    let attendance_word = match (saved.attendance.as_str(), recipient.lang) {
        ("on_site", UiLanguage::Fr) => "sur place",
        (_, UiLanguage::Fr) => "en ligne",
        ("on_site", UiLanguage::En) => "on site",
        (_, UiLanguage::En) => "online",
    };
    let composed = registration_email(
        &recipient,
        &organiser,
        &event.title,
        attendance_word,
        &lines,
        Some(&manage_url(state, manage_token)),
        &notify::feed_url(state, &saved.feed_token),
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

async fn registration_by_email(
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

async fn already_registered(
    state: &AppState,
    existing: registration::Model,
) -> AppResult<Registered> {
    Ok(Registered {
        created: false,
        view: registration_view(&state.db.conn, state, existing, None).await?,
        manage_token: None,
    })
}

async fn by_token(db: &impl ConnectionTrait, token: &str) -> AppResult<registration::Model> {
    let found = registration::Entity::find()
        .filter(registration::Column::ManageTokenHash.eq(security::token_hash(token)))
        .one(db)
        .await?;
    match found {
        Some(model) if model.status != "erased" => Ok(model),
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

#[utoipa::path(get, path = "/api/v1/registrations/{token}", tag = "attendance", params(("token" = String, Path)),
    responses((status = 200, body = RegistrationView), (status = 404, body = crate::error::Problem)))]
pub async fn get_registration(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> AppResult<Json<RegistrationView>> {
    let (view, _) = view_by_token(&state, &token).await?;
    Ok(Json(view))
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
    now: DateTime<Utc>,
) -> AppResult<Option<session::Model>> {
    let session = queries::session_for_update(db, event.id, seat.session_id).await?;
    let mut freed = None;
    if seat.status == "confirmed" && session.status == SessionStatus::Published.as_str() {
        let facts = notify::session_facts(db, state, event, &session, false).await?;
        let key = format!("attendance-{}-cancel-{}", seat.id, now.timestamp_micros());
        notify::mail_attendee(db, state, event, &facts, model, SessionMail::Cancel, key).await?;
        if seat.mode == "on_site" {
            freed = Some(session);
        }
    }
    let mut active: attendance::ActiveModel = seat.into();
    active.status = Set("cancelled".into());
    active.updated_at = Set(now);
    active.update(db).await?;
    Ok(freed)
}

/// Releases every seat of a registration: cancellations to the registrant, seats to the waitlist.
async fn release_seats(
    db: &impl ConnectionTrait,
    state: &AppState,
    event: &event::Model,
    model: &registration::Model,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let seats = attendance::Entity::find()
        .filter(attendance::Column::RegistrationId.eq(model.id))
        .filter(attendance::Column::Status.ne("cancelled"))
        .order_by_asc(attendance::Column::SessionId)
        .all(db)
        .await?;
    let mut freed: HashMap<i64, session::Model> = HashMap::new();
    for seat in seats {
        if let Some(session) = release_seat(db, state, event, model, seat, now).await? {
            freed.insert(session.id, session);
        }
    }
    for session in freed.values() {
        promote_waitlist(db, state, event, session, now).await?;
    }
    Ok(())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrationChanges {
    /// Switch between virtual and on-site; on-site seats are subject to availability.
    pub attendance: Option<Mode>,
    /// The full set of sessions wanted from now on (add by including, drop by leaving out).
    pub session_ids: Option<Vec<i64>>,
    #[schema(value_type = Option<String>)]
    pub timezone: Option<Zone>,
    #[schema(value_type = Option<String>)]
    pub language: Option<LanguageCode>,
}

/// Self-service: switch mode, add or drop sessions, change zone or language.
#[utoipa::path(patch, path = "/api/v1/registrations/{token}", tag = "attendance", params(("token" = String, Path)), request_body = RegistrationChanges,
    responses((status = 200, body = RegistrationView), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update_registration(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
    ApiJson(changes): ApiJson<RegistrationChanges>,
) -> AppResult<Json<RegistrationView>> {
    Ok(Json(update_by_token(&state, &token, changes).await?))
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
    if model.status != "active" {
        return Err(AppError::conflict(
            "status",
            "this registration is cancelled; register again to take part",
        ));
    }
    let event = queries::event_for_update(&*txn, model.event_id).await?;
    let current_mode = if model.attendance == "on_site" {
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
                let Some(seat_mode) = mode.at(stored(&session.attendance, "sessions.attendance")?)
                else {
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
            for seat in seats.iter().filter(|s| s.status != "cancelled") {
                if let Some(session) = published.iter().find(|s| s.id == seat.session_id)
                    && let Some(seat_mode) =
                        mode.at(stored(&session.attendance, "sessions.attendance")?)
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
    for seat in seats.iter().filter(|s| s.status != "cancelled") {
        let keep = wanted
            .iter()
            .any(|(s, m)| s.id == seat.session_id && m.as_str() == seat.mode);
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
                active.mode = Set(seat_mode.as_str().into());
                active.status = Set(status.into());
                active.updated_at = Set(now);
                active.update(&*txn).await?
            }
            None => {
                attendance::ActiveModel {
                    registration_id: Set(model.id),
                    session_id: Set(session.id),
                    mode: Set(seat_mode.as_str().into()),
                    status: Set(status.into()),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(&*txn)
                .await?
            }
        };
        if status == "confirmed" {
            let facts = notify::session_facts(&*txn, &state, &event, session, true).await?;
            invite_to_seat(&*txn, &state, &event, &facts, session, &model, seat.id).await?;
        }
    }
    for session in freed.values() {
        promote_waitlist(&*txn, &state, &event, session, now).await?;
    }
    let mut active: registration::ActiveModel = model.into();
    active.attendance = Set(mode.as_str().into());
    if let Some(zone) = changes.timezone {
        active.timezone = Set(zone.name().to_owned());
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

/// Cancels the whole registration.
#[utoipa::path(delete, path = "/api/v1/registrations/{token}", tag = "attendance", params(("token" = String, Path)),
    responses((status = 200, body = RegistrationView), (status = 404, body = crate::error::Problem)))]
pub async fn cancel_registration(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> AppResult<Json<RegistrationView>> {
    Ok(Json(cancel_by_token(&state, &token).await?))
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
    active.status = Set("cancelled".into());
    active.updated_at = Set(now);
    let saved = active.update(&*txn).await?;
    let view = registration_view(&*txn, &state, saved, None).await?;
    txn.commit_attendance().await?;
    state.mail_queued();
    Ok(view)
}

/// Erases the registrant's personal data (GDPR art. 17): seats are released as by a
/// cancellation, then name, email, organisation and place are overwritten. The anonymous row
/// stays so that counts and the waitlist order remain right.
#[utoipa::path(post, path = "/api/v1/registrations/{token}/erase", tag = "attendance", params(("token" = String, Path)),
    responses((status = 204), (status = 404, body = crate::error::Problem)))]
pub async fn erase_registration(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> AppResult<StatusCode> {
    erase_by_token(&state, &token).await?;
    Ok(StatusCode::NO_CONTENT)
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
    active.status = Set("erased".into());
    active.manage_token_hash = Set(security::token_hash(&security::new_token()));
    active.feed_token = Set(security::new_token());
    // Even the zone can say where someone lives.
    active.timezone = Set("UTC".into());
    active.updated_at = Set(now);
    active.update(&*txn).await?;
    txn.commit_attendance().await?;
    state.mail_queued();
    Ok(())
}
