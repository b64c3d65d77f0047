//! Sessions of an event: `/api/v1/events/{slug}/sessions[/{id}]`.
//! The public sees published sessions without their meeting link; organisers see everything.

use crate::app::AppState;
use crate::app::catalogue::participants::ParticipantView;
use crate::app::publishing;
use crate::db::columns::stored_json;
use crate::db::columns::to_json;
use crate::db::entities::{event, participant, session, speaker};
use crate::db::error::StoreError;
use crate::db::queries;
use crate::db::queries::Edition;
use crate::domain::changes::CalendarFacts;
use crate::domain::local_time::TimeInput;
use crate::domain::text::{LanguageCode, Line, Title, WebUrl, clean};
use crate::domain::text::{MAX_QUESTIONS, Text};
use crate::domain::vocab::{AttendanceMode, ParticipantStatus, SessionKind, SessionStatus};
use crate::domain::zone::Zone;
use crate::error::{AppResult, FieldErrors};
use chrono::Datelike;
use chrono::{DateTime, Utc};
use sea_orm::ModelTrait;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set, TryIntoModel};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;

/// A link about a session: slides, a recording, its page elsewhere.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionLink {
    pub url: WebUrl,
    #[serde(default)]
    pub title: Option<Line>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSession {
    pub title: Title,
    pub kind: SessionKind,
    /// The session type as printed, when it says more than `kind` (a label from another tool).
    #[serde(default)]
    pub kind_label: Option<Line>,
    /// The track, as conference schedules group sessions ("Security").
    #[serde(default)]
    pub track: Option<Line>,
    #[serde(default)]
    #[schema(max_items = 50)]
    pub links: Vec<SessionLink>,
    #[serde(default)]
    pub description: Option<Text>,
    /// Guiding questions, in order.
    #[serde(default)]
    #[schema(max_items = 100)]
    pub questions: Vec<Text>,
    /// An RFC 3339 instant with offset, or a local date-time read in the event's zone.
    pub starts_at: TimeInput,
    pub ends_at: TimeInput,
    /// Defaults to the event's attendance mode.
    #[serde(default)]
    pub attendance: Option<AttendanceMode>,
    #[serde(default)]
    pub room_id: Option<i64>,
    #[serde(default)]
    pub online_url: Option<WebUrl>,
    #[serde(default)]
    pub capacity: Option<u32>,
    /// Defaults to the event's language.
    #[serde(default)]
    pub language: Option<LanguageCode>,
    #[serde(default)]
    pub interpretation_languages: Vec<LanguageCode>,
    #[serde(default)]
    pub streamed: bool,
    #[serde(default)]
    pub recorded: bool,
    /// Defaults to draft.
    #[serde(default)]
    pub status: Option<SessionStatus>,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct SessionChanges {
    pub title: Option<Title>,
    pub kind: Option<SessionKind>,
    /// The session type as printed; null to print the kind alone. Changing `kind` without it
    /// clears the label.
    #[serde(default, with = "::serde_with::rust::double_option")]
    pub kind_label: Option<Option<Line>>,
    #[serde(default, with = "::serde_with::rust::double_option")]
    pub track: Option<Option<Line>>,
    #[schema(max_items = 50)]
    pub links: Option<Vec<SessionLink>>,
    pub description: Option<Text>,
    #[schema(max_items = 100)]
    pub questions: Option<Vec<Text>>,
    pub starts_at: Option<TimeInput>,
    pub ends_at: Option<TimeInput>,
    pub attendance: Option<AttendanceMode>,
    #[serde(default, with = "::serde_with::rust::double_option")]
    #[schema(value_type = Option<i64>)]
    pub room_id: Option<Option<i64>>,
    #[serde(default, with = "::serde_with::rust::double_option")]
    pub online_url: Option<Option<WebUrl>>,
    #[serde(default, with = "::serde_with::rust::double_option")]
    #[schema(value_type = Option<u32>)]
    pub capacity: Option<Option<u32>>,
    pub language: Option<LanguageCode>,
    pub interpretation_languages: Option<Vec<LanguageCode>>,
    pub streamed: Option<bool>,
    pub recorded: Option<bool>,
    pub status: Option<SessionStatus>,
}

#[derive(Serialize, ToSchema)]
pub struct SessionView {
    pub id: i64,
    pub title: String,
    pub kind: SessionKind,
    pub description: String,
    pub questions: Vec<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub attendance: AttendanceMode,
    pub room_id: Option<i64>,
    /// Present for the event's organisers only: the public never sees meeting links.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub online_url: Option<String>,
    pub capacity: Option<i32>,
    pub language: String,
    pub interpretation_languages: Vec<String>,
    pub streamed: bool,
    pub recorded: bool,
    pub status: SessionStatus,
    /// The session type as the tool it was imported from named it, when `kind` is only the
    /// nearest of Convene's kinds ("Long talk (45 minutes)").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind_label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub track: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<crate::domain::schedule::LinkEntry>,
    /// Organisers only: whether this working copy holds changes the public will see at the
    /// next publication (the public answer shows the published values).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unpublished_changes: Option<bool>,
    /// Raised whenever a published session changes in a way calendars show (iCalendar SEQUENCE).
    pub revision: i32,
    pub participants: Vec<ParticipantView>,
    /// After a change (PATCH): the conflicts this session is now part of, re-checked at once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conflicts: Option<Vec<crate::domain::conflicts::Conflict>>,
}

impl SessionView {
    /// The public sees the published values; organisers see their working copy.
    pub fn new(
        model: session::Model,
        participants: Vec<ParticipantView>,
        organiser_view: bool,
    ) -> AppResult<Self> {
        let model = if organiser_view {
            publishing::working::working_copy(model)?
        } else {
            model
        };
        Ok(SessionView {
            kind: model.kind,
            attendance: model.attendance,
            status: model.status,
            questions: stored_json(&model.questions, "sessions.questions")?,
            interpretation_languages: stored_json(
                &model.interpretation_languages,
                "sessions.interpretation_languages",
            )?,
            online_url: model.online_url.filter(|_| organiser_view),
            kind_label: model.kind_label,
            track: model.track,
            links: match &model.links {
                Some(links) => stored_json(links, "sessions.links")?,
                None => vec![],
            },
            unpublished_changes: organiser_view.then_some(model.staged.is_some()),
            id: model.id,
            title: model.title,
            description: model.description,
            starts_at: model.starts_at,
            ends_at: model.ends_at,
            room_id: model.room_id,
            capacity: model.capacity,
            language: model.language,
            streamed: model.streamed,
            recorded: model.recorded,
            revision: model.revision,
            participants,
            conflicts: None,
        })
    }
}

pub fn calendar_facts(model: &session::Model) -> AppResult<CalendarFacts> {
    Ok(CalendarFacts {
        title: model.title.clone(),
        starts_at: model.starts_at,
        ends_at: model.ends_at,
        attendance: model.attendance,
        room_id: model.room_id,
        online_url: model.online_url.clone(),
        status: model.status,
    })
}

/// Reads a start and end typed for the event, naming the field of whichever is refused.
pub(crate) fn resolve_times(
    errors: &mut FieldErrors,
    zone: Zone,
    starts_at: TimeInput,
    ends_at: TimeInput,
) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let start = errors.check("starts_at", starts_at.resolve(zone));
    let end = errors.check("ends_at", ends_at.resolve(zone));
    let (start, end) = (start?, end?);
    if !(1970..=2200).contains(&start.year()) {
        errors.add("starts_at", "must be between 1970 and 2200");
        return None;
    }
    if end <= start {
        errors.add(
            "ends_at",
            format!("must be after starts_at ({})", start.to_rfc3339()),
        );
        return None;
    }
    if end - start > chrono::Duration::days(14) {
        errors.add("ends_at", "a session may last at most 14 days");
        return None;
    }
    Some((start, end))
}

/// Guiding questions, of an event or a session: not too many, none blank.
pub(crate) fn check_questions(errors: &mut FieldErrors, questions: &[impl AsRef<str>]) {
    if questions.len() > MAX_QUESTIONS {
        errors.add("questions", format!("at most {MAX_QUESTIONS} questions"));
    }
    for (index, question) in questions.iter().enumerate() {
        if question.as_ref().trim().is_empty() {
            errors.add(format!("questions[{index}]"), "must not be empty");
        }
    }
}

pub(crate) async fn check_room(
    db: &impl ConnectionTrait,
    errors: &mut FieldErrors,
    event_id: i64,
    room_id: Option<i64>,
) -> AppResult<()> {
    if let Some(id) = room_id {
        match queries::room_in_event(db, event_id, id).await {
            Ok(_) => {}
            Err(StoreError::NotFound(_)) => {
                errors.add("room_id", format!("this event has no room {id}"))
            }
            Err(other) => return Err(other.into()),
        }
    }
    Ok(())
}

pub(crate) fn seats(errors: &mut FieldErrors, capacity: Option<u32>) -> Option<i32> {
    capacity.and_then(|c| errors.check("capacity", i32::try_from(c).map_err(|_| "is too large")))
}

pub(crate) fn event_zone(event: &event::Model) -> AppResult<Zone> {
    Ok(event.timezone)
}

pub async fn insert_session(
    db: &impl ConnectionTrait,
    event: &event::Model,
    input: NewSession,
    now: DateTime<Utc>,
) -> AppResult<session::Model> {
    let mut errors = FieldErrors::default();
    let times = resolve_times(
        &mut errors,
        event_zone(event)?,
        input.starts_at,
        input.ends_at,
    );
    check_questions(&mut errors, &input.questions);
    check_links(&mut errors, &input.links);
    check_room(db, &mut errors, event.id, input.room_id).await?;
    let capacity = seats(&mut errors, input.capacity);
    let (starts_at, ends_at) = errors.into_value(times)?;
    let questions: Vec<String> = input
        .questions
        .iter()
        .map(|q| q.trim().to_owned())
        .collect();
    let interpretation: Vec<&str> = input
        .interpretation_languages
        .iter()
        .map(LanguageCode::as_str)
        .collect();
    Ok(session::ActiveModel {
        event_id: Set(event.id),
        title: Set(input.title.into_inner()),
        kind: Set(input.kind),
        kind_label: Set(clean(input.kind_label)),
        track: Set(clean(input.track)),
        links: Set(links_column(&input.links)),
        description: Set(input.description.unwrap_or_default().into()),
        questions: Set(to_json(&questions)),
        starts_at: Set(starts_at),
        ends_at: Set(ends_at),
        attendance: Set(input.attendance.unwrap_or(event.attendance)),
        room_id: Set(input.room_id),
        online_url: Set(input.online_url.map(WebUrl::into_inner)),
        capacity: Set(capacity),
        language: Set(input
            .language
            .map(|l| l.as_str().to_owned())
            .unwrap_or_else(|| event.default_language.clone())),
        interpretation_languages: Set(to_json(&interpretation)),
        streamed: Set(input.streamed),
        recorded: Set(input.recorded),
        status: Set(input.status.unwrap_or(SessionStatus::Draft)),
        revision: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Creates a session: a draft, or published at once through the same gate as `POST …/publish`.
pub async fn create_session(
    state: &AppState,
    event: &event::Model,
    mut input: NewSession,
    organiser_id: i64,
) -> AppResult<SessionView> {
    let wanted = input.status.unwrap_or(SessionStatus::Draft);
    if wanted == SessionStatus::Cancelled {
        return Err(crate::error::AppError::invalid(
            "status",
            "a new session is a draft or published",
        ));
    }
    input.status = Some(SessionStatus::Draft);
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let mut saved = insert_session(&*txn, event, input, now).await?;
    if wanted == SessionStatus::Published {
        let target = session::Model {
            status: SessionStatus::Published,
            ..saved.clone()
        };
        saved = save_live(&*txn, saved, target, now).await?;
        publishing::publication::gate_single_session(&*txn, event, saved.id, organiser_id, now)
            .await?;
    }
    txn.commit().await?;
    SessionView::new(saved, vec![], true)
}

/// Participants with their speakers, grouped by session id.
pub async fn participants_by_session(
    db: &impl ConnectionTrait,
    event_id: i64,
    session_ids: &[i64],
    edition: Edition,
) -> AppResult<HashMap<i64, Vec<ParticipantView>>> {
    let speakers: HashMap<i64, speaker::Model> = queries::speakers_of_event(db, event_id)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let mut grouped: HashMap<i64, Vec<ParticipantView>> = HashMap::new();
    for participant in queries::participants_of_sessions(db, session_ids, edition).await? {
        let speaker = speakers.get(&participant.speaker_id);
        grouped
            .entry(participant.session_id)
            .or_default()
            .push(ParticipantView::new(participant, speaker)?);
    }
    Ok(grouped)
}

pub(crate) async fn session_view(
    db: &impl ConnectionTrait,
    event_id: i64,
    model: session::Model,
    organiser_view: bool,
) -> AppResult<SessionView> {
    let edition = Edition::seen_by_organiser(organiser_view);
    let mut participants = participants_by_session(db, event_id, &[model.id], edition).await?;
    let own = participants.remove(&model.id).unwrap_or_default();
    SessionView::new(model, own, organiser_view)
}

/// Most links a session may carry.
const MAX_LINKS: usize = 50;

fn check_links(errors: &mut FieldErrors, links: &[SessionLink]) {
    if links.len() > MAX_LINKS {
        errors.add("links", format!("at most {MAX_LINKS} links"));
    }
}

/// How links are stored: none as NULL, else the list of `{"url", "title"}`.
fn links_column(links: &[SessionLink]) -> Option<serde_json::Value> {
    (!links.is_empty()).then(|| {
        to_json(
            &links
                .iter()
                .map(|link| crate::domain::schedule::LinkEntry {
                    url: link.url.clone().into_inner(),
                    title: clean(link.title.clone()),
                })
                .collect::<Vec<_>>(),
        )
    })
}

/// The session `base` with `changes` applied, checked but not stored.
pub async fn with_changes(
    db: &impl ConnectionTrait,
    event: &event::Model,
    base: session::Model,
    changes: SessionChanges,
) -> AppResult<session::Model> {
    let zone = event_zone(event)?;
    let mut errors = FieldErrors::default();
    let times = match (changes.starts_at, changes.ends_at) {
        (None, None) => Some((base.starts_at, base.ends_at)),
        (starts_at, ends_at) => resolve_times(
            &mut errors,
            zone,
            starts_at.unwrap_or(TimeInput::Instant(base.starts_at.fixed_offset())),
            ends_at.unwrap_or(TimeInput::Instant(base.ends_at.fixed_offset())),
        ),
    };
    if let Some(questions) = &changes.questions {
        check_questions(&mut errors, questions);
    }
    if let Some(links) = &changes.links {
        check_links(&mut errors, links);
    }
    if let Some(room_id) = changes.room_id {
        check_room(db, &mut errors, event.id, room_id).await?;
    }
    if changes.status == Some(SessionStatus::Draft) && publishing::working::is_public(&base) {
        errors.add(
            "status",
            "the public has seen this session: cancel it rather than returning it to draft",
        );
    }
    let capacity = changes.capacity.map(|c| seats(&mut errors, c));
    let (starts_at, ends_at) = errors.into_value(times)?;
    let mut next = base;
    if let Some(title) = changes.title {
        next.title = title.into_inner();
    }
    if let Some(kind) = changes.kind {
        if kind != next.kind {
            // A label another tool gave belongs to the kind it was mapped to.
            next.kind_label = None;
        }
        next.kind = kind;
    }
    if let Some(label) = changes.kind_label {
        next.kind_label = clean(label);
    }
    if let Some(track) = changes.track {
        next.track = clean(track);
    }
    if let Some(links) = changes.links {
        next.links = links_column(&links);
    }
    if let Some(description) = changes.description {
        next.description = description.into();
    }
    if let Some(questions) = changes.questions {
        next.questions = to_json(&questions.iter().map(|q| q.trim()).collect::<Vec<_>>());
    }
    if let Some(attendance) = changes.attendance {
        next.attendance = attendance;
    }
    if let Some(room_id) = changes.room_id {
        next.room_id = room_id;
    }
    if let Some(url) = changes.online_url {
        next.online_url = url.map(WebUrl::into_inner);
    }
    if let Some(capacity) = capacity {
        next.capacity = capacity;
    }
    if let Some(language) = changes.language {
        next.language = language.as_str().to_owned();
    }
    if let Some(languages) = changes.interpretation_languages {
        next.interpretation_languages = to_json(
            &languages
                .iter()
                .map(LanguageCode::as_str)
                .collect::<Vec<_>>(),
        );
    }
    if let Some(streamed) = changes.streamed {
        next.streamed = streamed;
    }
    if let Some(recorded) = changes.recorded {
        next.recorded = recorded;
    }
    if let Some(status) = changes.status {
        next.status = status;
    }
    next.starts_at = starts_at;
    next.ends_at = ends_at;
    Ok(next)
}

/// Stores `target`'s values as what the public sees of `current`, clears any staged copy, and
/// raises the revision when calendars must show the change.
pub async fn save_live(
    db: &impl ConnectionTrait,
    current: session::Model,
    target: session::Model,
    now: DateTime<Utc>,
) -> AppResult<session::Model> {
    let before = calendar_facts(&current)?;
    let revision = current.revision;
    let mut active: session::ActiveModel = current.into();
    active.title.set_if_not_equals(target.title);
    active.kind.set_if_not_equals(target.kind);
    active.kind_label.set_if_not_equals(target.kind_label);
    active.track.set_if_not_equals(target.track);
    active.links.set_if_not_equals(target.links);
    active.description.set_if_not_equals(target.description);
    active.questions.set_if_not_equals(target.questions);
    active.attendance.set_if_not_equals(target.attendance);
    active.room_id.set_if_not_equals(target.room_id);
    active.online_url.set_if_not_equals(target.online_url);
    active.capacity.set_if_not_equals(target.capacity);
    active.language.set_if_not_equals(target.language);
    active
        .interpretation_languages
        .set_if_not_equals(target.interpretation_languages);
    active.streamed.set_if_not_equals(target.streamed);
    active.recorded.set_if_not_equals(target.recorded);
    active.status.set_if_not_equals(target.status);
    active.starts_at.set_if_not_equals(target.starts_at);
    active.ends_at.set_if_not_equals(target.ends_at);
    active.staged.set_if_not_equals(None);
    // Only values that differ count: sending the same ones again (importing the programme's
    // own export, say) leaves the session, its revision and its attendees' calendars alone.
    if !active.is_changed() {
        return Ok(active.try_into_model()?);
    }
    let after = session_facts_of(&active)?;
    if before.needs_new_revision(&after) {
        active.revision = Set(revision + 1);
    }
    active.updated_at = Set(now);
    Ok(active.update(db).await?)
}

/// What an edit did: applied to a draft, or staged in a public session's working copy.
pub enum Edit {
    Applied(session::Model),
    /// The working copy as it now reads; the public values are untouched.
    Staged(session::Model),
}

/// Edits a session as organisers do: a draft changes at once; a session the public sees keeps
/// its published values and the change waits in its working copy for the next publication.
pub async fn edit_session(
    db: &impl ConnectionTrait,
    event: &event::Model,
    current: session::Model,
    changes: SessionChanges,
    now: DateTime<Utc>,
) -> AppResult<Edit> {
    if !publishing::working::is_public(&current) {
        let target = with_changes(db, event, current.clone(), changes).await?;
        return Ok(Edit::Applied(save_live(db, current, target, now).await?));
    }
    Ok(Edit::Staged(
        stage_changes(db, event, current, changes, now).await?,
    ))
}

/// Records `changes` in the working copy of public session `current`; answers the working copy.
async fn stage_changes(
    db: &impl ConnectionTrait,
    event: &event::Model,
    current: session::Model,
    changes: SessionChanges,
    now: DateTime<Utc>,
) -> AppResult<session::Model> {
    let working = publishing::working::working_copy(current.clone())?;
    let target = with_changes(db, event, working, changes).await?;
    let staged = publishing::working::staged_column(&current, &target);
    let mut active: session::ActiveModel = current.into();
    active.staged.set_if_not_equals(staged.clone());
    if active.is_changed() {
        active.updated_at = Set(now);
        active.update(db).await?;
    }
    Ok(session::Model { staged, ..target })
}

pub(crate) fn session_facts_of(active: &session::ActiveModel) -> AppResult<CalendarFacts> {
    let model: session::Model = active.clone().try_into_model()?;
    calendar_facts(&model)
}

/// Changes session `id` and answers it with the conflicts that concern it now. A draft changes
/// at once (and making it public is publishing it, through the same gate as `POST …/publish`);
/// a public session's change is staged for the next publication, so nobody is emailed yet.
pub async fn update_session(
    state: &AppState,
    event: event::Model,
    id: i64,
    changes: SessionChanges,
    organiser_id: i64,
) -> AppResult<SessionView> {
    let txn = state.db.begin_write().await?;
    let current = queries::session_for_update(&*txn, event.id, id).await?;
    let now = state.clock.now();
    let saved = match edit_session(&*txn, &event, current, changes, now).await? {
        Edit::Staged(working) => working,
        Edit::Applied(saved) => {
            if saved.status == SessionStatus::Published {
                publishing::publication::gate_single_session(&*txn, &event, id, organiser_id, now)
                    .await?;
            }
            saved
        }
    };
    let mut view = session_view(&*txn, event.id, saved, true).await?;
    txn.commit().await?;
    let report = crate::app::publishing::conflicts::conflicts_of(state, &event).await?;
    view.conflicts = Some(
        report
            .conflicts
            .into_iter()
            .filter(|c| c.session_ids.contains(&id))
            .collect(),
    );
    Ok(view)
}

/// Deletes draft session `id`. A session the public has seen is not deleted: its cancellation
/// is staged (answered as its working copy) and announced by the next publication.
pub async fn delete_session(
    state: &AppState,
    event: event::Model,
    id: i64,
) -> AppResult<Option<SessionView>> {
    let txn = state.db.begin_write().await?;
    let doomed = queries::session_for_update(&*txn, event.id, id).await?;
    if publishing::working::is_public(&doomed) {
        let cancel = SessionChanges {
            status: Some(SessionStatus::Cancelled),
            ..Default::default()
        };
        let working = stage_changes(&*txn, &event, doomed, cancel, state.clock.now()).await?;
        let view = session_view(&*txn, event.id, working, true).await?;
        txn.commit().await?;
        return Ok(Some(view));
    }
    doomed.delete(&*txn).await?;
    txn.commit().await?;
    Ok(None)
}

/// Every session of the event as organisers are preparing it (drafts, working copies of public
/// sessions, cancelled ones), in time order, each with its working line-up.
pub async fn working_sessions(
    state: &AppState,
    event: &event::Model,
) -> AppResult<Vec<SessionView>> {
    let db = &state.db.conn;
    let sessions = queries::sessions_of_event(db, event.id, true).await?;
    let ids: Vec<i64> = sessions.iter().map(|s| s.id).collect();
    let mut participants = participants_by_session(db, event.id, &ids, Edition::Working).await?;
    let mut views = sessions
        .into_iter()
        .map(|model| {
            let own = participants.remove(&model.id).unwrap_or_default();
            SessionView::new(model, own, true)
        })
        .collect::<AppResult<Vec<_>>>()?;
    // Working copies may have moved: order by the times organisers see.
    views.sort_by_key(|v| (v.starts_at, v.id));
    Ok(views)
}

/// A new draft with the working copy's settings and line-up of session `id`, for a session that
/// repeats (a second workshop round). Its speakers start again as proposed: nobody is invited
/// to the copy until an organiser does so.
pub async fn duplicate_session(
    state: &AppState,
    event: &event::Model,
    id: i64,
) -> AppResult<SessionView> {
    let txn = state.db.begin_write().await?;
    let original =
        publishing::working::working_copy(queries::session_in_event(&*txn, event.id, id).await?)?;
    let now = state.clock.now();
    let copy = session::ActiveModel {
        event_id: Set(event.id),
        title: Set(original.title.clone()),
        kind: Set(original.kind),
        kind_label: Set(original.kind_label.clone()),
        track: Set(original.track.clone()),
        links: Set(original.links.clone()),
        description: Set(original.description.clone()),
        questions: Set(original.questions.clone()),
        starts_at: Set(original.starts_at),
        ends_at: Set(original.ends_at),
        attendance: Set(original.attendance),
        room_id: Set(original.room_id),
        online_url: Set(original.online_url.clone()),
        capacity: Set(original.capacity),
        language: Set(original.language.clone()),
        interpretation_languages: Set(original.interpretation_languages.clone()),
        streamed: Set(original.streamed),
        recorded: Set(original.recorded),
        status: Set(SessionStatus::Draft),
        revision: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    for slot in queries::participants_of_sessions(&*txn, &[id], Edition::Working).await? {
        participant::ActiveModel {
            session_id: Set(copy.id),
            speaker_id: Set(slot.speaker_id),
            role: Set(slot.role),
            talk_title: Set(slot.talk_title),
            position: Set(slot.position),
            contribution: Set(slot.contribution),
            status: Set(ParticipantStatus::Proposed),
            status_changed_at: Set(now),
            created_at: Set(now),
            published: Set(false),
            withdrawn: Set(false),
            calendar_sequence: Set(0),
            ..Default::default()
        }
        .insert(&*txn)
        .await?;
    }
    let view = session_view(&*txn, event.id, copy, true).await?;
    txn.commit().await?;
    Ok(view)
}

/// Where a session is moved to: a local start in the event's zone, and a room (`None` for the
/// online stage). Its length stays as it is.
pub struct Move {
    pub starts_at_local: chrono::NaiveDateTime,
    pub room_id: Option<i64>,
}

/// Moves session `id` keeping its length, through the same edit (and staging) as any change.
pub async fn move_session(
    state: &AppState,
    event: event::Model,
    id: i64,
    to: Move,
    organiser_id: i64,
) -> AppResult<SessionView> {
    let current = publishing::working::working_copy(
        queries::session_in_event(&state.db.conn, event.id, id).await?,
    )?;
    let length = current.ends_at - current.starts_at;
    let changes = SessionChanges {
        starts_at: Some(TimeInput::Local(to.starts_at_local)),
        ends_at: Some(TimeInput::Local(to.starts_at_local + length)),
        room_id: Some(to.room_id),
        ..Default::default()
    };
    update_session(state, event, id, changes, organiser_id).await
}

/// Every person of the event, for the console's pickers, by name.
pub async fn people_of_event(state: &AppState, event_id: i64) -> AppResult<Vec<speaker::Model>> {
    let mut people = queries::speakers_of_event(&state.db.conn, event_id).await?;
    people.sort_by_key(|p| p.name.to_lowercase());
    Ok(people)
}
