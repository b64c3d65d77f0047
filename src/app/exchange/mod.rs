//! Schedule exchange: `GET /api/v1/events/{slug}/schedule.xml` and `schedule.json` (frab /
//! c3voc formats, public, published sessions only, no meeting links or emails), and
//! `POST /api/v1/events/{slug}/import` (either format, or Convene's own JSON export), with
//! `?dry_run=true` to see what would be created or changed without writing anything.

mod plan;

use crate::domain::local_time::TimeInput;
use crate::domain::text::Line;

use crate::app::AppState;
use crate::app::catalogue::participants::{NewParticipant, insert_participant, withdraw};
use crate::app::catalogue::rooms::{NewRoom, insert_room};
use crate::app::catalogue::sessions::{
    Edit, NewSession, SessionChanges, edit_session, insert_session,
};
use crate::app::catalogue::speakers::{NewSpeaker, insert_speaker};
use crate::app::publishing;
use crate::db::columns::stored_json;
use crate::db::entities::{event, participant, session, speaker};
use crate::db::queries;
use crate::db::queries::Edition;
use crate::domain::schedule::{
    Conference, PersonEntry, ReadError, RoomEntry, Schedule, SessionEntry, derived_guid,
    from_frab_json, from_frab_xml, to_frab_json, to_frab_xml,
};
use crate::domain::vocab::{ParticipantStatus, Role};
use crate::domain::zone::Zone;
use crate::error::{AppError, AppResult, FieldError};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;
use utoipa::ToSchema;

pub(crate) fn session_guid(
    state: &AppState,
    event: &event::Model,
    model: &session::Model,
) -> String {
    model.guid.clone().unwrap_or_else(|| {
        derived_guid(&format!(
            "{}/events/{}/sessions/{}",
            state.settings.public_url, event.slug, model.id
        ))
    })
}

pub(crate) fn speaker_guid(
    state: &AppState,
    event: &event::Model,
    model: &speaker::Model,
) -> String {
    model.guid.clone().unwrap_or_else(|| {
        derived_guid(&format!(
            "{}/events/{}/speakers/{}",
            state.settings.public_url, event.slug, model.id
        ))
    })
}

/// The published programme as an exchangeable schedule.
pub async fn schedule_of(
    state: &AppState,
    db: &impl ConnectionTrait,
    event: &event::Model,
) -> AppResult<Schedule> {
    let rooms = queries::rooms_of_event(db, event.id).await?;
    let sessions = queries::sessions_of_event(db, event.id, false).await?;
    let ids: Vec<i64> = sessions.iter().map(|s| s.id).collect();
    let speakers: HashMap<i64, speaker::Model> = queries::speakers_of_event(db, event.id)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let mut slots: HashMap<i64, Vec<participant::Model>> = HashMap::new();
    for p in queries::participants_of_sessions(db, &ids, Edition::Published).await? {
        slots.entry(p.session_id).or_default().push(p);
    }
    let room_name: HashMap<i64, String> = rooms.iter().map(|r| (r.id, r.name.clone())).collect();
    let entries = sessions
        .into_iter()
        .map(|s| {
            let persons = slots
                .remove(&s.id)
                .unwrap_or_default()
                .into_iter()
                .filter(|p| {
                    !matches!(
                        p.status,
                        ParticipantStatus::Declined | ParticipantStatus::Withdrawn
                    )
                })
                .filter_map(|p| {
                    let person = speakers.get(&p.speaker_id)?;
                    Some(PersonEntry {
                        guid: speaker_guid(state, event, person),
                        name: person.name.clone(),
                        role: p.role.to_string(),
                        contribution: Some(p.contribution.to_string()),
                        talk_title: p.talk_title,
                        honorific: person.honorific.clone(),
                        position: person.position.clone(),
                        organisation: person.organisation.clone(),
                        city: person.city.clone(),
                        country: person.country.clone(),
                        timezone: Some(person.timezone.to_string()),
                        language: Some(person.language.clone()),
                    })
                })
                .collect();
            Ok(SessionEntry {
                guid: session_guid(state, event, &s),
                id: s.id,
                questions: stored_json(&s.questions, "sessions.questions")?,
                room: s.room_id.and_then(|id| room_name.get(&id).cloned()),
                title: s.title,
                kind: s.kind.to_string(),
                kind_label: s.kind_label,
                attendance: s.attendance.to_string(),
                starts_at: s.starts_at,
                ends_at: s.ends_at,
                language: s.language,
                description: s.description,
                status: Some(s.status.to_string()),
                persons,
                track: s.track,
                links: match &s.links {
                    Some(links) => stored_json(links, "sessions.links")?,
                    None => vec![],
                },
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok(Schedule {
        conference: Conference {
            slug: event.slug.clone(),
            title: event.title.clone(),
            description: event.description.clone(),
            starts_on: event.starts_on,
            ends_on: event.ends_on,
            timezone: event.timezone,
            url: Some(format!(
                "{}/events/{}",
                state.settings.public_url, event.slug
            )),
            extras: json!({
                "kind": event.kind,
                "attendance": event.attendance,
                "venue": event.venue,
                "default_language": event.default_language,
                "display_zones": event.display_zones,
                "questions": event.questions,
                "documents": event.documents,
            }),
        },
        rooms: rooms
            .into_iter()
            .map(|r| RoomEntry {
                name: r.name,
                venue: r.venue,
                capacity: r.capacity,
            })
            .collect(),
        sessions: entries,
    })
}

/// A version string that changes whenever the exported programme does.
pub(crate) fn version_of(schedule: &Schedule) -> String {
    let text = serde_json::to_string(schedule).unwrap_or_default();
    let digest = crate::security::token_hash(&text);
    digest.chars().take(12).collect()
}

/// The two frab forms of a schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduleFormat {
    Xml,
    Json,
}

/// The event's schedule as a frab document (what the export endpoints and `convene export` give).
pub async fn export_schedule(
    state: &AppState,
    slug: &str,
    format: ScheduleFormat,
) -> AppResult<String> {
    let event = queries::event_by_slug(&state.db.conn, slug).await?;
    let schedule = schedule_of(state, &state.db.conn, &event).await?;
    let version = version_of(&schedule);
    match format {
        ScheduleFormat::Xml => {
            to_frab_xml(&schedule, &version).map_err(|e| AppError::Internal(e.into()))
        }
        ScheduleFormat::Json => serde_json::to_string(&to_frab_json(&schedule, &version))
            .map_err(|e| AppError::Internal(e.into())),
    }
}

#[derive(Serialize, ToSchema, Default)]
pub struct ImportReport {
    pub dry_run: bool,
    pub rooms_created: Vec<String>,
    pub speakers_created: Vec<String>,
    pub speakers_updated: Vec<String>,
    pub sessions_created: Vec<String>,
    pub sessions_updated: Vec<String>,
    pub sessions_unchanged: usize,
}

pub(crate) fn refused(errors: Vec<ReadError>) -> AppError {
    AppError::Invalid(
        errors
            .into_iter()
            .map(|e| {
                let field = if e.field.is_empty() {
                    "body".into()
                } else {
                    e.field
                };
                let reason = match e.line {
                    Some(line) => format!("line {line}: {}", e.reason),
                    None => e.reason,
                };
                FieldError::new(field, reason)
            })
            .collect(),
    )
}

/// Reads an uploaded schedule by its media type, on a blocking thread: parsing a 4 MB file is CPU
/// work that must not hold up the threads answering other requests.
/// `home` is the zone of the event it goes into: a file that names no zone (pentabarf's local
/// start times) is read in it.
pub async fn read_schedule(
    content_type: &str,
    body: impl AsRef<[u8]> + Send + 'static,
    home: Zone,
) -> AppResult<Schedule> {
    let content_type = content_type.to_owned();
    tokio::task::spawn_blocking(move || parse_schedule(&content_type, body.as_ref(), home))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("the schedule reader stopped: {e}")))?
}

fn parse_schedule(content_type: &str, body: &[u8], home: Zone) -> AppResult<Schedule> {
    let text = std::str::from_utf8(body)
        .map_err(|e| AppError::invalid("body", format!("not UTF-8: {e}")))?;
    if content_type.contains("xml") {
        from_frab_xml(text, home).map_err(refused)
    } else if content_type.contains("json") {
        from_frab_json(text, home).map_err(refused)
    } else {
        Err(AppError::UnsupportedMediaType(
            "send application/xml (schedule.xml) or application/json (schedule.json)",
        ))
    }
}

/// Imports a schedule into an event: rooms by name, people and sessions by guid (then name),
/// participants per session. Published sessions that change notify their people, as a PATCH would.
/// `progress(done, total)` hears of each session as it is taken in (the command line draws a bar).
pub async fn import_schedule(
    state: &AppState,
    event: &event::Model,
    schedule: Schedule,
    dry_run: bool,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> AppResult<ImportReport> {
    let now = state.clock.now();
    let mut report = ImportReport {
        dry_run,
        ..Default::default()
    };
    // Every problem of the file is found before anything is written.
    let plan = plan::plan(&schedule)?;
    let txn = state.db.begin_write().await?;
    let event = queries::event_for_update(&*txn, event.id).await?;

    // The event's own facts, when the document carries them (Convene's exports do).
    let conference = &schedule.conference;
    let mut changed_event: event::ActiveModel = event.clone().into();
    changed_event.starts_on = Set(conference.starts_on);
    changed_event.ends_on = Set(conference.ends_on);
    changed_event.timezone = Set(conference.timezone);
    if !conference.description.is_empty() {
        changed_event.description = Set(conference.description.clone());
    }
    let extras = &conference.extras;
    for (key, column) in [
        ("display_zones", event::Column::DisplayZones),
        ("questions", event::Column::Questions),
        ("documents", event::Column::Documents),
    ] {
        if let Some(value) = extras.get(key).filter(|v| v.is_array()) {
            sea_orm::ActiveModelTrait::set(&mut changed_event, column, value.clone().into());
        }
    }
    let text = |key: &str| extras.get(key).and_then(|v| v.as_str());
    if let Some(kind) = text("kind").and_then(|k| k.parse::<crate::domain::vocab::EventKind>().ok())
    {
        changed_event.kind = Set(kind);
    }
    if let Some(mode) =
        text("attendance").and_then(|m| m.parse::<crate::domain::vocab::AttendanceMode>().ok())
    {
        changed_event.attendance = Set(mode);
    }
    if let Some(language) =
        text("default_language").filter(|l| l.parse::<crate::domain::text::LanguageCode>().is_ok())
    {
        changed_event.default_language = Set(language.to_owned());
    }
    if let Some(venue) = extras.get("venue").and_then(|v| v.as_str()) {
        changed_event.venue = Set(Some(venue.to_owned()));
    }
    if changed_event.is_changed() {
        changed_event.updated_at = Set(now);
        changed_event.update(&*txn).await?;
    }
    let event = queries::event_for_update(&*txn, event.id).await?;

    let mut rooms: HashMap<String, i64> = queries::rooms_of_event(&*txn, event.id)
        .await?
        .into_iter()
        .map(|r| (r.name, r.id))
        .collect();
    for room in plan.rooms {
        if !rooms.contains_key(room.name.as_str()) {
            let input = NewRoom {
                name: room.name,
                venue: room.venue,
                capacity: room.capacity,
            };
            let created = insert_room(&*txn, event.id, input, now).await?;
            report.rooms_created.push(created.name.clone());
            rooms.insert(created.name, created.id);
        }
    }

    let mut speakers = queries::speakers_of_event(&*txn, event.id).await?;
    let mut speaker_of: HashMap<String, i64> = HashMap::new();
    for person in plan.people {
        let found = speakers
            .iter()
            .find(|s| speaker_guid(state, &event, s) == person.guid)
            .or_else(|| speakers.iter().find(|s| s.name == person.name.as_str()))
            .cloned();
        let id = match found {
            Some(existing) => {
                // What the file says of a known person fills in; what it leaves out stays.
                let mut active: speaker::ActiveModel = existing.clone().into();
                let known = |value: Option<Line>| value.map(|v| Some(v.into()));
                if let Some(value) = known(person.honorific) {
                    active.honorific.set_if_not_equals(value);
                }
                if let Some(value) = known(person.position) {
                    active.position.set_if_not_equals(value);
                }
                if let Some(value) = known(person.organisation) {
                    active.organisation.set_if_not_equals(value);
                }
                if let Some(value) = known(person.city) {
                    active.city.set_if_not_equals(value);
                }
                if let Some(value) = known(person.country) {
                    active.country.set_if_not_equals(value);
                }
                if active.is_changed() {
                    let saved = active.update(&*txn).await?;
                    report.speakers_updated.push(saved.name.clone());
                }
                existing.id
            }
            None => {
                let input = NewSpeaker {
                    name: person.name,
                    honorific: person.honorific,
                    position: person.position,
                    organisation: person.organisation,
                    organisation_id: None,
                    city: person.city,
                    country: person.country,
                    email: None,
                    language: person.language,
                    timezone: person.timezone,
                };
                let created = insert_speaker(&*txn, &event, input, now).await?;
                let mut active: speaker::ActiveModel = created.into();
                active.guid = Set(Some(person.guid.clone()));
                let created = active.update(&*txn).await?;
                report.speakers_created.push(created.name.clone());
                speakers.push(created.clone());
                created.id
            }
        };
        speaker_of.insert(person.guid, id);
    }

    let existing_sessions = queries::sessions_of_event(&*txn, event.id, true).await?;
    let total = plan.sessions.len();
    for (done, entry) in plan.sessions.into_iter().enumerate() {
        progress(done, total);
        let room_id = entry
            .room
            .as_ref()
            .and_then(|name| rooms.get(name).copied());
        let found = existing_sessions
            .iter()
            .find(|s| session_guid(state, &event, s) == entry.guid)
            .cloned();
        let saved = match found {
            Some(current) => {
                let changes = SessionChanges {
                    title: Some(entry.title),
                    kind: Some(entry.kind),
                    kind_label: Some(entry.kind_label),
                    track: Some(entry.track),
                    links: Some(entry.links),
                    description: Some(entry.description),
                    questions: Some(entry.questions),
                    attendance: Some(entry.attendance),
                    room_id: Some(room_id),
                    starts_at: Some(TimeInput::Instant(entry.starts_at.fixed_offset())),
                    ends_at: Some(TimeInput::Instant(entry.ends_at.fixed_offset())),
                    language: Some(entry.language),
                    ..Default::default()
                };
                let before_model = publishing::working::working_copy(current.clone())?;
                // A session the public sees keeps its published values: the file's changes
                // wait in the working copy for the organiser to publish.
                let saved = match edit_session(&*txn, &event, current, changes, now).await? {
                    Edit::Applied(saved) | Edit::Staged(saved) => saved,
                };
                if saved != before_model {
                    report.sessions_updated.push(saved.title.clone());
                } else {
                    report.sessions_unchanged += 1;
                }
                saved
            }
            None => {
                let input = NewSession {
                    title: entry.title,
                    kind: entry.kind,
                    kind_label: entry.kind_label,
                    track: entry.track,
                    links: entry.links,
                    description: Some(entry.description),
                    questions: entry.questions,
                    starts_at: TimeInput::Instant(entry.starts_at.fixed_offset()),
                    ends_at: TimeInput::Instant(entry.ends_at.fixed_offset()),
                    attendance: Some(entry.attendance),
                    room_id,
                    online_url: None,
                    capacity: None,
                    language: Some(entry.language),
                    interpretation_languages: vec![],
                    streamed: false,
                    recorded: false,
                    // Imported sessions are drafts: they become public by publishing.
                    status: None,
                };
                let created = insert_session(&*txn, &event, input, now).await?;
                let mut active: session::ActiveModel = created.into();
                active.guid = Set(Some(entry.guid.clone()));
                let created = active.update(&*txn).await?;
                report.sessions_created.push(created.title.clone());
                created
            }
        };
        // Participants: replaced only when the line-up differs.
        let current: Vec<participant::Model> =
            queries::participants_of_sessions(&*txn, &[saved.id], Edition::Working).await?;
        let wanted: Vec<(i64, Role, Option<String>)> = entry
            .line_up
            .iter()
            .filter_map(|slot| {
                speaker_of
                    .get(&slot.person_guid)
                    .map(|id| (*id, slot.role, slot.talk_title.clone().map(String::from)))
            })
            .collect();
        let have: Vec<(i64, Role, Option<String>)> = current
            .iter()
            .map(|p| (p.speaker_id, p.role, p.talk_title.clone()))
            .collect();
        if wanted != have {
            for slot in current {
                withdraw(&*txn, slot).await?;
            }
            for (order, slot) in entry.line_up.into_iter().enumerate() {
                let Some(speaker_id) = speaker_of.get(&slot.person_guid).copied() else {
                    continue;
                };
                let input = NewParticipant {
                    speaker_id,
                    role: slot.role,
                    talk_title: slot.talk_title,
                    order: i32::try_from(order).ok(),
                    contribution: slot.contribution,
                    status: Some(ParticipantStatus::Confirmed),
                };
                insert_participant(&*txn, &saved, input, now).await?;
            }
            if !report.sessions_updated.contains(&saved.title)
                && !report.sessions_created.contains(&saved.title)
            {
                report.sessions_updated.push(saved.title.clone());
                report.sessions_unchanged = report.sessions_unchanged.saturating_sub(1);
            }
        }
    }
    if dry_run {
        // Dropping the transaction unwritten rolls everything back.
        drop(txn);
    } else {
        txn.commit().await?;
        state.mail_queued();
    }
    Ok(report)
}
