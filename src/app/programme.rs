//! `GET /api/v1/events/{slug}/programme`: the published programme grouped by day, each session
//! printed in the reader's zones and language, its speakers under their role headings.

use crate::app::AppState;
use crate::app::catalogue::participants::ParticipantView;
use crate::db::columns::stored_json;
use crate::db::queries;
use crate::domain::format::{ZonedTimes, day_label, zoned_times};
use crate::domain::programme::{ZonePlan, group_runs};
use crate::domain::text::UiLanguage;
use crate::domain::vocab::{AttendanceMode, ParticipantStatus, Role, SessionKind};
use crate::domain::zone::{DisplayZone, Zone};
use crate::error::AppError;
use crate::error::AppResult;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct Programme {
    pub slug: String,
    pub title: String,
    pub timezone: Zone,
    pub lang: UiLanguage,
    /// The zones of this rendering; on-site sessions may show only the venue's.
    pub zones: Vec<DisplayZone>,
    /// Days are those of this zone.
    pub days_in: String,
    pub days: Vec<ProgrammeDay>,
}

#[derive(Serialize, ToSchema)]
pub struct ProgrammeDay {
    pub date: NaiveDate,
    pub label: String,
    pub sessions: Vec<ProgrammeSession>,
}

#[derive(Serialize, ToSchema)]
pub struct ProgrammeSession {
    pub id: i64,
    pub title: String,
    pub kind: SessionKind,
    /// The session type as another tool named it, when it says more than `kind`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind_label: Option<String>,
    pub description: String,
    pub questions: Vec<String>,
    pub attendance: AttendanceMode,
    pub room: Option<RoomRef>,
    pub language: String,
    pub interpretation_languages: Vec<String>,
    pub streamed: bool,
    pub recorded: bool,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub revision: i32,
    pub times: Vec<ZonedTimes>,
    pub participants_by_role: Vec<RoleGroup>,
}

#[derive(Serialize, ToSchema, Clone)]
pub struct RoomRef {
    pub id: i64,
    pub name: String,
    pub venue: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RoleGroup {
    pub role: Role,
    /// The heading in the chosen language: "Bienvenue et ouverture", "Moderator".
    pub label: String,
    pub participants: Vec<ParticipantView>,
}

/// Builds the programme; shared by the JSON API and the public pages.
/// The most zones a reader may ask every session to be printed in.
pub const MOST_READER_ZONES: usize = 10;

pub async fn build_programme(
    state: &AppState,
    slug: &str,
    requested: &[Zone],
    lang: Option<UiLanguage>,
) -> AppResult<Programme> {
    if requested.len() > MOST_READER_ZONES {
        return Err(AppError::invalid(
            "tz",
            format!("at most {MOST_READER_ZONES} zones at once"),
        ));
    }
    let db = &state.db.conn;
    let event = queries::event_by_slug(db, slug).await?;
    let home: Zone = event.timezone;
    let display: Vec<DisplayZone> = stored_json(&event.display_zones, "events.display_zones")?;
    let lang = lang.unwrap_or_else(|| UiLanguage::for_code(&event.default_language));
    let plan = ZonePlan::new(&display, home, requested, event.attendance);

    let sessions = queries::sessions_of_event(db, event.id, false).await?;
    let ids: Vec<i64> = sessions.iter().map(|s| s.id).collect();
    let mut participants = crate::app::catalogue::sessions::participants_by_session(
        db,
        event.id,
        &ids,
        queries::Edition::Published,
    )
    .await?;
    let rooms = queries::rooms_of_event(db, event.id).await?;

    let mut printed = Vec::with_capacity(sessions.len());
    for session in sessions {
        let attendance: AttendanceMode = session.attendance;
        let times = plan
            .zones_for(attendance, session.streamed)
            .into_iter()
            .map(|zone| zoned_times(zone, session.starts_at, session.ends_at, lang))
            .collect();
        // Speakers who declined or withdrew are not announced.
        let announced: Vec<ParticipantView> = participants
            .remove(&session.id)
            .unwrap_or_default()
            .into_iter()
            .filter(|p| {
                !matches!(
                    p.status,
                    ParticipantStatus::Declined | ParticipantStatus::Withdrawn
                )
            })
            .collect();
        let participants_by_role = group_runs(announced, |p| p.role)
            .into_iter()
            .map(|(role, participants)| RoleGroup {
                role,
                label: role.label(lang).to_owned(),
                participants,
            })
            .collect();
        printed.push(ProgrammeSession {
            kind: session.kind,
            kind_label: session.kind_label.clone(),
            questions: stored_json(&session.questions, "sessions.questions")?,
            interpretation_languages: stored_json(
                &session.interpretation_languages,
                "sessions.interpretation_languages",
            )?,
            room: session
                .room_id
                .and_then(|id| rooms.iter().find(|r| r.id == id))
                .map(|r| RoomRef {
                    id: r.id,
                    name: r.name.clone(),
                    venue: r.venue.clone(),
                }),
            attendance,
            id: session.id,
            title: session.title,
            description: session.description,
            language: session.language,
            streamed: session.streamed,
            recorded: session.recorded,
            starts_at: session.starts_at,
            ends_at: session.ends_at,
            revision: session.revision,
            times,
            participants_by_role,
        });
    }
    let days = group_runs(printed, |s| plan.local_day(s.starts_at))
        .into_iter()
        .map(|(date, sessions)| ProgrammeDay {
            date,
            label: day_label(date, lang),
            sessions,
        })
        .collect();
    Ok(Programme {
        slug: event.slug,
        title: event.title,
        timezone: event.timezone,
        lang,
        zones: plan.zones().to_vec(),
        days_in: plan.day_zone().name().to_owned(),
        days,
    })
}
