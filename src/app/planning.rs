//! The schedule assistant: an event's scheduling rules, a proposed programme computed by
//! `domain::planner` from the working copy, and applying a proposal as staged edits.
//!
//! A proposal changes nothing. Applying one edits each moved session the way an organiser's own
//! edit would (`catalogue::sessions::edit_session`): drafts change at once, published sessions
//! get a staged change that waits for the next publication.

use crate::app::AppState;
use crate::app::catalogue::availability::availability_of_event;
use crate::app::catalogue::events::day_plan_of;
use crate::app::catalogue::sessions::{Edit, SessionChanges, edit_session};
use crate::app::publishing::conflicts::{conflicts_in, person_key};
use crate::app::publishing::working::{is_public, working_copy};
use crate::db::columns::{stored_json, to_json};
use crate::db::entities::{attendance, event, session};
use crate::db::queries;
use crate::db::queries::Edition;
use crate::domain::conflicts::{Conflict, ConflictKind};
use crate::domain::local_time::TimeInput;
use crate::domain::planner::{
    self, ConflictingRule, Outcome, Part, Placement, PlanPerson, PlanRoom, PlanSession, Problem,
    ProposalOptions, SchedulingRules, Score, SearchStatus, Shared, SolveStats, Violation, evaluate,
    sociable_hours, zone_hours_of,
};
use crate::domain::vocab::{ParticipantStatus, SeatStatus, SessionStatus};
use crate::domain::zone::{DisplayZone, Zone};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;

/// Events the assistant plans: longer or larger ones would not fit its integer timeline.
const MAX_DAYS: usize = 31;
const MAX_SESSIONS: usize = 500;

pub fn scheduling_rules(event: &event::Model) -> AppResult<SchedulingRules> {
    Ok(stored_json(
        &event.scheduling_rules,
        "events.scheduling_rules",
    )?)
}

/// Replaces the event's scheduling rules, refusing by field a rule that names a session not in
/// the event (or cancelled).
pub async fn set_scheduling_rules(
    db: &impl ConnectionTrait,
    event: &event::Model,
    rules: SchedulingRules,
) -> AppResult<SchedulingRules> {
    if let Some((field, why)) = rules.problem() {
        return Err(AppError::invalid(field, why));
    }
    let sessions = queries::sessions_of_event(db, event.id, true).await?;
    let mut errors = crate::error::FieldErrors::default();
    for (field, id) in rules.named_sessions() {
        match sessions.iter().find(|s| s.id == id) {
            None => errors.add(field, format!("no session {id} in this event")),
            Some(s) if s.status == SessionStatus::Cancelled => {
                errors.add(field, format!("session {id} is cancelled"))
            }
            Some(_) => {}
        }
    }
    errors.into_result()?;
    let mut active: event::ActiveModel = event.clone().into();
    active.scheduling_rules = Set(to_json(&rules));
    active.update(db).await?;
    Ok(rules)
}

/// The event's display zones, each once.
fn display_zones_of(event: &event::Model) -> AppResult<Vec<Zone>> {
    let display_zones: Vec<DisplayZone> =
        stored_json(&event.display_zones, "events.display_zones")?;
    let mut zones: Vec<Zone> = Vec::new();
    for zone in display_zones.iter().map(|z| z.timezone) {
        if !zones.contains(&zone) {
            zones.push(zone);
        }
    }
    Ok(zones)
}

/// The options a proposal starts from: the event's display zones at 08:00-20:00.
pub fn default_options(event: &event::Model) -> AppResult<ProposalOptions> {
    Ok(ProposalOptions {
        zone_hours: Some(
            display_zones_of(event)?
                .into_iter()
                .map(sociable_hours)
                .collect(),
        ),
        ..ProposalOptions::default()
    })
}

/// The facts for the solver, and the working copies they came from (same order).
struct Loaded {
    problem: Problem,
    sessions: Vec<session::Model>,
}

async fn load(db: &impl ConnectionTrait, event: &event::Model) -> AppResult<Loaded> {
    let days = day_plan_of(event)?;
    if days.len() > MAX_DAYS {
        return Err(AppError::conflict(
            "ends_on",
            format!("the schedule assistant plans events of up to {MAX_DAYS} days"),
        ));
    }
    let mut availability = availability_of_event(db, event.id).await?;
    let rooms: Vec<PlanRoom> = queries::rooms_of_event(db, event.id)
        .await?
        .into_iter()
        .map(|r| PlanRoom {
            id: r.id,
            available: availability.rooms.remove(&r.id).unwrap_or_default(),
            name: r.name,
            seats: r.capacity.and_then(|c| u32::try_from(c).ok()),
        })
        .collect();
    let mut published: HashMap<i64, Placement> = HashMap::new();
    let mut sessions = Vec::new();
    for model in queries::sessions_of_event(db, event.id, true).await? {
        if is_public(&model) {
            published.insert(
                model.id,
                Placement {
                    starts_at: model.starts_at,
                    room_id: model.room_id,
                },
            );
        }
        let working = working_copy(model)?;
        if working.status != SessionStatus::Cancelled {
            sessions.push(working);
        }
    }
    if sessions.len() > MAX_SESSIONS {
        return Err(AppError::conflict(
            "sessions",
            format!("the schedule assistant plans up to {MAX_SESSIONS} sessions at once"),
        ));
    }
    let ids: Vec<i64> = sessions.iter().map(|s| s.id).collect();
    let speakers = queries::speakers_of_event(db, event.id).await?;
    let mut people: Vec<PlanPerson> = Vec::new();
    let mut person_of_speaker: HashMap<i64, usize> = HashMap::new();
    let mut person_of_key: HashMap<String, usize> = HashMap::new();
    for speaker in &speakers {
        let index = *person_of_key.entry(person_key(speaker)).or_insert_with(|| {
            people.push(PlanPerson {
                name: speaker.name.clone(),
                zone: speaker.timezone,
                available: availability
                    .speakers
                    .get(&speaker.id)
                    .cloned()
                    .unwrap_or_default(),
            });
            people.len() - 1
        });
        person_of_speaker.insert(speaker.id, index);
    }
    let mut parts: HashMap<i64, Vec<Part>> = HashMap::new();
    let mut notified: HashMap<i64, u32> = HashMap::new();
    for p in queries::participants_of_sessions(db, &ids, Edition::Working).await? {
        if matches!(
            p.status,
            ParticipantStatus::Declined | ParticipantStatus::Withdrawn
        ) {
            continue;
        }
        let Some(&person) = person_of_speaker.get(&p.speaker_id) else {
            continue;
        };
        parts.entry(p.session_id).or_default().push(Part {
            person,
            contribution: p.contribution,
        });
        *notified.entry(p.session_id).or_default() += 1;
    }
    // Registrants holding a seat: counted as people told of a move, and paired by registration.
    let seats = attendance::Entity::find()
        .filter(attendance::Column::SessionId.is_in(ids.clone()))
        .filter(attendance::Column::Status.ne(SeatStatus::Cancelled))
        .all(db)
        .await?;
    let mut sessions_of_registration: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for seat in &seats {
        *notified.entry(seat.session_id).or_default() += 1;
        sessions_of_registration
            .entry(seat.registration_id)
            .or_default()
            .push(seat.session_id);
    }
    let index_of: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let mut pairs: BTreeMap<(usize, usize), u32> = BTreeMap::new();
    for held in sessions_of_registration.values() {
        for (k, a) in held.iter().enumerate() {
            for b in &held[k + 1..] {
                if let (Some(&a), Some(&b)) = (index_of.get(a), index_of.get(b))
                    && a != b
                {
                    *pairs.entry((a.min(b), a.max(b))).or_default() += 1;
                }
            }
        }
    }
    let mut shared: Vec<Shared> = pairs
        .into_iter()
        .map(|((a, b), attendees)| Shared { a, b, attendees })
        .collect();
    shared.sort_by_key(|s| std::cmp::Reverse(s.attendees));
    let plan_sessions = sessions
        .iter()
        .map(|s| PlanSession {
            id: s.id,
            title: s.title.clone(),
            minutes: u32::try_from((s.ends_at - s.starts_at).num_minutes()).unwrap_or(0),
            attendance: s.attendance,
            seats_needed: s.capacity.and_then(|c| u32::try_from(c).ok()),
            current: Placement {
                starts_at: s.starts_at,
                room_id: s.room_id,
            },
            published: published.get(&s.id).copied(),
            notified: notified.get(&s.id).copied().unwrap_or(0),
            parts: parts.remove(&s.id).unwrap_or_default(),
        })
        .collect();
    let zones = display_zones_of(event)?;
    Ok(Loaded {
        problem: Problem {
            zone: event.timezone,
            days,
            display_zones: zones,
            rooms,
            people,
            sessions: plan_sessions,
            shared,
            rules: scheduling_rules(event)?,
        },
        sessions,
    })
}

/// One session in a proposal.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ProposedSession {
    pub session_id: i64,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub room_id: Option<i64>,
    #[serde(default)]
    pub room_name: Option<String>,
    /// Whether this differs from the working copy (time or room).
    #[serde(default)]
    pub moved: bool,
    #[serde(default)]
    pub title: String,
    /// Where the working copy has it now.
    #[serde(default)]
    pub current_starts_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub current_room_id: Option<i64>,
}

/// The current programme judged by the same rules.
#[derive(Serialize, ToSchema)]
pub struct Comparison {
    pub hard_violations: Vec<Violation>,
    pub score: Score,
    /// Proposal minus current: negative is better.
    pub display_zone_minutes_outside_change: i64,
    pub weighted_total_change: i64,
    pub sessions_moved: usize,
}

#[derive(Serialize, ToSchema)]
pub struct Proposal {
    pub status: SearchStatus,
    /// Every session of the working copy (drafts included), in programme order.
    pub sessions: Vec<ProposedSession>,
    /// Placement rules the proposal breaks: empty unless the solver was wrong.
    pub hard_violations: Vec<Violation>,
    pub score: Score,
    pub compared_to_current: Comparison,
    /// Problems the programme has that no placement solves (a virtual session without a
    /// meeting link, say); not counted as violations.
    pub other_conflicts: Vec<Conflict>,
    /// Published sessions left free to move because their published place now breaks a rule.
    pub released: Vec<i64>,
    pub stats: SolveStats,
    /// The options as used, defaults filled in; post them back with the sessions to apply.
    pub options: ProposalOptions,
}

/// Checks the options and fills in the defaults the event gives them.
fn effective_options(
    problem: &Problem,
    mut options: ProposalOptions,
) -> AppResult<ProposalOptions> {
    if let Some((field, why)) = options.problem() {
        return Err(AppError::invalid(field, why));
    }
    options.zone_hours = Some(zone_hours_of(problem, &options));
    Ok(options)
}

/// Placement conflicts are the assistant's own rules; these others stay for the organiser.
fn is_about_placement(kind: ConflictKind) -> bool {
    !matches!(
        kind,
        ConflictKind::VirtualWithoutLink
            | ConflictKind::DeclinedStillListed
            | ConflictKind::TwoRolesAtOnce
    )
}

/// Proposes a programme for the event's working copy. Runs the solver off the async threads
/// for at most `time_limit_seconds` (plus the explanation, when there is no plan).
pub async fn propose_schedule(
    state: &AppState,
    event: &event::Model,
    options: ProposalOptions,
) -> AppResult<Proposal> {
    let loaded = load(&state.db.conn, event).await?;
    let options = effective_options(&loaded.problem, options)?;
    let other_conflicts = conflicts_in(&state.db.conn, event)
        .await?
        .conflicts
        .into_iter()
        .filter(|c| !is_about_placement(c.kind))
        .collect();
    let (problem, outcome) = {
        let options = options.clone();
        tokio::task::spawn_blocking(move || {
            let outcome = planner::propose(&loaded.problem, &options);
            (loaded, outcome)
        })
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("the schedule solver failed: {e}")))?
    };
    let Loaded { problem, sessions } = problem;
    match outcome {
        Outcome::Plan {
            placements,
            released,
            stats,
        } => Ok(proposal(
            &problem,
            &sessions,
            options,
            placements,
            released,
            stats,
            other_conflicts,
        )),
        Outcome::Infeasible {
            rules,
            minimal,
            stats,
        } => Err(infeasible(rules, minimal, stats)),
        Outcome::Unknown { stats } => Err(AppError::Conflict {
            detail: format!(
                "no plan was found or ruled out within {} seconds; raise time_limit_seconds",
                options.time_limit_seconds
            ),
            field: Some("time_limit_seconds".into()),
            extra: Some(serde_json::json!({ "stats": stats })),
        }),
    }
}

fn infeasible(rules: Vec<ConflictingRule>, minimal: bool, stats: SolveStats) -> AppError {
    let listed: Vec<&str> = rules.iter().map(|r| r.message.as_str()).collect();
    AppError::Conflict {
        detail: format!(
            "no programme keeps every rule; these cannot all hold: {}",
            listed.join(" ")
        ),
        field: None,
        extra: Some(serde_json::json!({
            "conflicting_rules": rules,
            "minimal": minimal,
            "stats": stats,
        })),
    }
}

fn proposal(
    problem: &Problem,
    sessions: &[session::Model],
    options: ProposalOptions,
    placements: Vec<Placement>,
    released: Vec<i64>,
    stats: SolveStats,
    other_conflicts: Vec<Conflict>,
) -> Proposal {
    let (hard_violations, score) = evaluate(problem, &options, &placements);
    let current: Vec<Placement> = problem.sessions.iter().map(|s| s.current).collect();
    let (current_violations, current_score) = evaluate(problem, &options, &current);
    let mut proposed: Vec<ProposedSession> = problem
        .sessions
        .iter()
        .zip(&placements)
        .zip(sessions)
        .map(|((s, p), model)| ProposedSession {
            session_id: s.id,
            starts_at: p.starts_at,
            ends_at: p.starts_at + Duration::minutes(i64::from(s.minutes)),
            room_id: p.room_id,
            room_name: p
                .room_id
                .and_then(|id| problem.rooms.iter().find(|r| r.id == id))
                .map(|r| r.name.clone()),
            moved: *p != s.current,
            title: model.title.clone(),
            current_starts_at: Some(s.current.starts_at),
            current_room_id: s.current.room_id,
        })
        .collect();
    proposed.sort_by_key(|s| (s.starts_at, s.room_id, s.session_id));
    let sessions_moved = proposed.iter().filter(|s| s.moved).count();
    Proposal {
        status: stats.status,
        compared_to_current: Comparison {
            hard_violations: current_violations,
            display_zone_minutes_outside_change: i64::from(score.display_zone_minutes_outside)
                - i64::from(current_score.display_zone_minutes_outside),
            weighted_total_change: i64::try_from(score.weighted_total).unwrap_or(i64::MAX)
                - i64::try_from(current_score.weighted_total).unwrap_or(i64::MAX),
            score: current_score,
            sessions_moved,
        },
        sessions: proposed,
        hard_violations,
        score,
        other_conflicts,
        released,
        stats,
        options,
    }
}

/// A proposal posted back: the sessions as proposed (the whole proposal may be sent; only
/// `sessions` and `options` are read).
#[derive(Deserialize, ToSchema)]
pub struct ApplyProposal {
    #[schema(max_items = 500)]
    pub sessions: Vec<ProposedSession>,
    #[serde(default)]
    pub options: Option<ProposalOptions>,
}

#[derive(Serialize, ToSchema)]
pub struct Applied {
    /// Drafts moved at once.
    pub applied: Vec<i64>,
    /// Published sessions whose move waits, staged, for the next publication.
    pub staged: Vec<i64>,
    /// Sessions already where the proposal puts them.
    pub unchanged: usize,
}

/// Applies a proposal after checking it against the programme as it is now: refused (409,
/// listing them) if it breaks a hard rule, for instance because the programme changed since.
pub async fn apply_schedule(
    state: &AppState,
    event: &event::Model,
    request: ApplyProposal,
) -> AppResult<Applied> {
    let txn = state.db.begin_write().await?;
    let event = queries::event_for_update(&*txn, event.id).await?;
    let loaded = load(&*txn, &event).await?;
    let options = effective_options(&loaded.problem, request.options.unwrap_or_default())?;
    let mut plan: Vec<Placement> = loaded.problem.sessions.iter().map(|s| s.current).collect();
    let mut errors = crate::error::FieldErrors::default();
    for (i, proposed) in request.sessions.iter().enumerate() {
        let Some(index) = loaded
            .problem
            .sessions
            .iter()
            .position(|s| s.id == proposed.session_id)
        else {
            errors.add(
                format!("sessions[{i}].session_id"),
                format!(
                    "no session {} in this event's programme",
                    proposed.session_id
                ),
            );
            continue;
        };
        let minutes = i64::from(loaded.problem.sessions[index].minutes);
        if proposed.ends_at != proposed.starts_at + Duration::minutes(minutes) {
            errors.add(
                format!("sessions[{i}].ends_at"),
                format!("the session lasts {minutes} minutes now; ask for a new proposal"),
            );
            continue;
        }
        plan[index] = Placement {
            starts_at: proposed.starts_at,
            room_id: proposed.room_id,
        };
    }
    errors.into_result()?;
    let (violations, _) = evaluate(&loaded.problem, &options, &plan);
    if !violations.is_empty() {
        return Err(AppError::Conflict {
            detail: format!(
                "the proposal breaks {} hard rules of the programme as it is now; ask for a new proposal",
                violations.len()
            ),
            field: Some("sessions".into()),
            extra: Some(serde_json::json!({ "hard_violations": violations })),
        });
    }
    let now = state.clock.now();
    let mut applied = Applied {
        applied: Vec::new(),
        staged: Vec::new(),
        unchanged: 0,
    };
    for ((planned, placement), model) in loaded
        .problem
        .sessions
        .iter()
        .zip(plan)
        .zip(loaded.sessions)
    {
        if placement == planned.current {
            applied.unchanged += 1;
            continue;
        }
        let current = queries::session_for_update(&*txn, event.id, model.id).await?;
        let ends_at = placement.starts_at + Duration::minutes(i64::from(planned.minutes));
        let changes = SessionChanges {
            starts_at: Some(TimeInput::Instant(placement.starts_at.fixed_offset())),
            ends_at: Some(TimeInput::Instant(ends_at.fixed_offset())),
            room_id: Some(placement.room_id),
            ..SessionChanges::default()
        };
        match edit_session(&*txn, &event, current, changes, now).await? {
            Edit::Applied(_) => applied.applied.push(model.id),
            Edit::Staged(_) => applied.staged.push(model.id),
        }
    }
    txn.commit().await?;
    Ok(applied)
}
