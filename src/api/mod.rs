//! The JSON API under `/api/v1`, one module per resource, plus the OpenAPI document.
//!
//! Handlers are thin: parse (`http::extract`), authorise (`http::auth`), call one use case in
//! `app/`, map its answer to JSON. A new endpoint is a handler here and a line in `router()`;
//! what it does belongs in `app/`. Only the router assembly (`lib.rs`) imports this module.

pub mod attendance;
pub mod auth;
pub mod availability;
pub mod conflicts;
pub mod document;
pub mod events;
pub mod feeds;
pub mod health;
pub mod inbound;
pub mod organisations;
pub mod outbox;
pub mod participants;
pub mod planning;
pub mod programme;
pub mod registrations;
pub mod reminders;
pub mod rooms;
pub mod schedule;
mod schemas;
pub mod sessions;
pub mod speakers;
pub mod speaking;
pub mod time;
pub mod users;
pub mod versions;

use axum::middleware::from_fn_with_state;
use serde::Serialize;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::HttpState;
use crate::http::read_cache::{self, Kind};

#[derive(OpenApi)]
#[openapi(
    info(title = "Convene", description = "Programmes, time zones, invitations and attendance for international summits and peer-learning events."),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Organiser sign-in"),
        (name = "events", description = "Events and their organisers"),
        (name = "programme", description = "Sessions, rooms, speakers and who speaks where"),
        (name = "directory", description = "Organisations and cities"),
        (name = "attendance", description = "Registration, seats and waitlists"),
        (name = "calendar", description = "iCalendar feeds"),
        (name = "time", description = "Time-zone conversion and cross-zone slot finding"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Every API route, registered together with its OpenAPI description. The public reads that
/// announcements and calendar clients hit are kept by the read cache, outside compression, so a
/// hit goes out as it was compressed the first time.
pub fn router(state: &HttpState) -> OpenApiRouter<HttpState> {
    let cached = |kind| from_fn_with_state((state.clone(), kind), read_cache::serve);
    let public_reads = OpenApiRouter::new()
        .routes(routes!(programme::get_programme))
        .routes(routes!(feeds::event_feed))
        .routes(routes!(feeds::session_feed))
        .routes(routes!(schedule::schedule_xml))
        .routes(routes!(schedule::schedule_json))
        .route_layer(read_cache::compression())
        .route_layer(cached(Kind::Public));
    let personal_reads = OpenApiRouter::new()
        .routes(routes!(feeds::personal_feed))
        .route_layer(read_cache::compression())
        .route_layer(cached(Kind::Personal));
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(public_reads)
        .merge(personal_reads)
        .routes(routes!(health::health))
        .routes(routes!(auth::issue_token))
        .routes(routes!(users::create_user))
        .routes(routes!(events::list_events, events::create_event))
        .routes(routes!(
            events::get_event,
            events::update_event,
            events::delete_event
        ))
        .routes(routes!(events::add_organiser))
        .routes(routes!(rooms::list_rooms, rooms::create_room))
        .routes(routes!(
            rooms::get_room,
            rooms::update_room,
            rooms::delete_room
        ))
        .routes(routes!(speakers::list_speakers, speakers::create_speaker))
        .routes(routes!(
            speakers::get_speaker,
            speakers::update_speaker,
            speakers::delete_speaker
        ))
        .routes(routes!(sessions::list_sessions, sessions::create_session))
        .routes(routes!(
            sessions::get_session,
            sessions::update_session,
            sessions::delete_session
        ))
        .routes(routes!(
            participants::list_participants,
            participants::create_participant
        ))
        .routes(routes!(
            participants::update_participant,
            participants::delete_participant
        ))
        .routes(routes!(conflicts::list_conflicts))
        .routes(routes!(speaking::invite))
        .routes(routes!(conflicts::publish))
        .routes(routes!(conflicts::preview_publication))
        .routes(routes!(
            planning::get_scheduling_rules,
            planning::put_scheduling_rules
        ))
        .routes(routes!(planning::propose))
        .routes(routes!(planning::apply))
        .routes(routes!(schedule::import))
        .routes(routes!(versions::list_versions))
        .routes(routes!(versions::get_version))
        .routes(routes!(versions::get_changelog))
        .routes(routes!(
            availability::speaker_availability,
            availability::set_speaker_availability
        ))
        .routes(routes!(
            availability::room_availability,
            availability::set_room_availability
        ))
        .routes(routes!(attendance::attendance_report))
        .routes(routes!(attendance::registrations_csv))
        .routes(routes!(attendance::decide_seat))
        .routes(routes!(outbox::show_outbox))
        .routes(routes!(outbox::retry_dead))
        .routes(routes!(inbound::receive_email))
        .routes(routes!(inbound::list_replies))
        .routes(routes!(reminders::get_reminders, reminders::set_reminders))
        .routes(routes!(
            registrations::register,
            attendance::list_registrations
        ))
        .routes(routes!(
            registrations::get_registration,
            registrations::cancel_registration,
            registrations::update_registration
        ))
        .routes(routes!(registrations::erase_registration))
        .routes(routes!(time::convert))
        .routes(routes!(time::find_meeting_slots))
        .routes(routes!(
            organisations::list_organisations,
            organisations::create_organisation
        ))
        .routes(routes!(
            organisations::get_organisation,
            organisations::update_organisation,
            organisations::delete_organisation
        ))
}

/// A list response: `{"items": [...]}`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Items<T> {
    pub items: Vec<T>,
}

impl<T> From<Vec<T>> for Items<T> {
    fn from(items: Vec<T>) -> Self {
        Items { items }
    }
}
