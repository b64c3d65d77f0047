//! What a registrant sees of their registration: its seats in their zone and language.

use crate::app::AppState;
use crate::app::notification as notify;
use crate::db::entities::{attendance, registration, session};
use crate::domain::format::{ZonedTimes, zoned_times};
use crate::domain::text::UiLanguage;
use crate::domain::vocab::Mode;
use crate::domain::vocab::RegistrationStatus;
use crate::domain::vocab::SeatStatus;
use crate::domain::zone::{DisplayZone, Zone};
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct SeatView {
    pub session_id: i64,
    pub title: String,
    pub mode: Mode,
    /// `confirmed`, `waitlisted` or `cancelled`.
    pub status: SeatStatus,
    /// Place in the waitlist (1 = next), when waitlisted.
    pub waitlist_position: Option<u64>,
    pub times: ZonedTimes,
    /// The same span with its date, as one line: "Toronto: Tuesday 7 December 2021, 8:00–9:30 AM EST (UTC-5)".
    pub dated_time: String,
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
    pub timezone: Zone,
    /// `active`, `cancelled` or `erased`.
    pub status: RegistrationStatus,
    pub sessions: Vec<SeatView>,
    /// The private self-service link; only in the answer that created the registration
    /// (and in the confirmation email): it is stored hashed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manage_url: Option<String>,
    pub feed_url: String,
    /// One email with the calendar subscription instead of one invitation per session.
    pub single_email: bool,
    pub created_at: DateTime<Utc>,
}

pub(super) fn manage_url(state: &AppState, token: &str) -> String {
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
        let waitlist_position = if seat.status == SeatStatus::Waitlisted {
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
    let zone: Zone = model.timezone;
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
                mode: if seat.mode == Mode::OnSite {
                    Mode::OnSite
                } else {
                    Mode::Virtual
                },
                online_url: session.online_url.clone().filter(|_| {
                    seat.status == SeatStatus::Confirmed
                        && model.status == RegistrationStatus::Active
                }),
                status: seat.status,
                waitlist_position,
                times: zoned_times(&own, session.starts_at, session.ends_at, lang),
                dated_time: crate::domain::format::dated_times_text(
                    &own,
                    session.starts_at,
                    session.ends_at,
                    lang,
                ),
            }
        })
        .collect();
    Ok(RegistrationView {
        id: model.id,
        attendance: if model.attendance == Mode::OnSite {
            Mode::OnSite
        } else {
            Mode::Virtual
        },
        manage_url: manage_token.map(|t| manage_url(state, t)),
        feed_url: notify::feed_url(state, &model.feed_token),
        single_email: model.single_email,
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

/// Where a waitlisted seat stands: the waitlist is served in the order seats joined it.
pub(super) async fn waitlist_position(
    db: &impl ConnectionTrait,
    seat: &attendance::Model,
) -> AppResult<u64> {
    let earlier =
        attendance::Column::UpdatedAt
            .lt(seat.updated_at)
            .or(attendance::Column::UpdatedAt
                .eq(seat.updated_at)
                .and(attendance::Column::Id.lte(seat.id)));
    Ok(attendance::Entity::find()
        .filter(attendance::Column::SessionId.eq(seat.session_id))
        .filter(attendance::Column::Status.eq(SeatStatus::Waitlisted))
        .filter(earlier)
        .count(db)
        .await?)
}
