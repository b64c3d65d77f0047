//! Publishing: the working copy (drafts and staged changes) becomes the public programme in
//! one transaction, through the conflict gate, with one update per changed session to
//! everyone holding it, and a new version recorded. `POST /api/v1/events/{slug}/publish`,
//! `GET …/publish/preview`.

use crate::app::AppState;
use crate::app::catalogue::sessions::{calendar_facts, save_live};
use crate::app::notification as notify;
use crate::app::publishing::conflicts::{conflicts_in, refuse_blocking};
use crate::app::publishing::versions;
use crate::app::publishing::working::working_copy;
use crate::db::entities::{event, outbox, participant, session};
use crate::db::queries;
use crate::domain::conflicts::{Conflict, Severity};
use crate::domain::vocab::SessionStatus;
use crate::error::{AppError, AppResult};
use crate::mail::compose::SessionMail;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    /// Publish only these sessions (their drafts or staged changes), for an urgent change that
    /// cannot wait for the rest of the working copy. Default: everything.
    #[serde(default)]
    pub sessions: Option<Vec<i64>>,
    /// Ids of error-level conflicts (from `GET …/conflicts`) to publish despite; they are
    /// recorded in the version.
    #[serde(default)]
    #[schema(max_items = 1000)]
    pub acknowledge: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Published {
    /// The draft sessions this publication made public.
    pub published: Vec<i64>,
    /// The public sessions whose staged changes this publication applied.
    pub updated: Vec<i64>,
    /// Warnings remain visible to organisers but do not block.
    pub warnings: usize,
    /// The error-level conflicts published despite, as acknowledged.
    pub acknowledged: Vec<String>,
    /// The programme version now public (a new one only if something changed).
    pub version: Option<i32>,
    /// What this publication changed in the public programme.
    pub changes: Vec<crate::domain::versions::SessionChange>,
}

/// What publishing now would do, found by publishing in a transaction that is then rolled
/// back: the same code decides both, so the preview cannot promise what publishing won't do.
#[derive(Serialize, ToSchema)]
pub struct PublishPreview {
    /// Drafts that would become public.
    pub would_publish: Vec<i64>,
    /// Public sessions whose staged changes would be applied.
    pub would_update: Vec<i64>,
    /// What the public programme would gain, lose and see changed.
    pub changes: Vec<crate::domain::versions::SessionChange>,
    /// The updates and cancellations it would send, one per person and changed session.
    pub emails: Vec<PlannedEmail>,
    /// Error-level conflicts that stop publication unless acknowledged by id.
    pub blocking: Vec<Conflict>,
    /// Blocking conflicts acknowledged by an earlier publication, which no longer stop it.
    pub acknowledged: Vec<String>,
    /// Warnings, which do not stop it.
    pub warnings: Vec<Conflict>,
}

#[derive(Serialize, ToSchema)]
pub struct PlannedEmail {
    pub recipient: String,
    pub kind: String,
    pub subject: String,
}

/// Publishes the working copy (or the listed sessions of it): drafts become public, staged
/// changes replace the published values and each person holding a changed session gets one
/// update summing it up. Refused while error-level conflicts remain that were not
/// acknowledged (409, listing them); records the new version with its acknowledgements.
/// `publisher_id` is None from the command line.
pub async fn publish(
    state: &AppState,
    event_id: i64,
    publisher_id: Option<i64>,
    request: PublishRequest,
) -> AppResult<Published> {
    let txn = state.db.begin_write().await?;
    let outcome = publish_in(&*txn, state, event_id, publisher_id, &request).await?;
    refuse_blocking(outcome.blocking.iter(), &outcome.acknowledged)?;
    txn.commit().await?;
    state.mail_queued();
    Ok(Published {
        published: outcome.published,
        updated: outcome.updated,
        warnings: outcome.warnings.len(),
        acknowledged: outcome.acknowledged,
        version: outcome.version,
        changes: outcome.changes,
    })
}

/// The gate for one session made public on its own (created or edited with status
/// `published`): refused while an error-level conflict concerns it; records the version.
pub(crate) async fn gate_single_session(
    txn: &impl ConnectionTrait,
    event: &event::Model,
    session_id: i64,
    publisher_id: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    let report = conflicts_in(txn, event).await?;
    refuse_blocking(
        report
            .conflicts
            .iter()
            .filter(|c| c.session_ids.contains(&session_id)),
        &[],
    )?;
    let publisher = versions::publisher_email(txn, publisher_id).await?;
    versions::record_version(txn, event, publisher, &[], now).await?;
    Ok(())
}

/// What `publish` would do now, with nothing written.
pub async fn preview(state: &AppState, event: &event::Model) -> AppResult<PublishPreview> {
    let txn = state.db.begin_write().await?;
    let outcome = publish_in(&*txn, state, event.id, None, &PublishRequest::default()).await?;
    // Dropping the transaction unwritten rolls the trial publication back.
    drop(txn);
    Ok(PublishPreview {
        would_publish: outcome.published,
        would_update: outcome.updated,
        changes: outcome.changes,
        emails: outcome.emails,
        blocking: outcome
            .blocking
            .into_iter()
            .filter(|c| !outcome.acknowledged.contains(&c.id))
            .collect(),
        acknowledged: outcome.acknowledged,
        warnings: outcome.warnings,
    })
}

struct Outcome {
    /// Acknowledged now or by an earlier publication, and still there.
    acknowledged: Vec<String>,
    published: Vec<i64>,
    updated: Vec<i64>,
    version: Option<i32>,
    changes: Vec<crate::domain::versions::SessionChange>,
    emails: Vec<PlannedEmail>,
    /// Error-level conflicts concerning the published sessions, acknowledged or not.
    blocking: Vec<Conflict>,
    warnings: Vec<Conflict>,
}

async fn publish_in(
    txn: &impl ConnectionTrait,
    state: &AppState,
    event_id: i64,
    publisher_id: Option<i64>,
    request: &PublishRequest,
) -> AppResult<Outcome> {
    let event = queries::event_for_update(txn, event_id).await?;
    let now = state.clock.now();
    let all = queries::sessions_of_event(txn, event.id, true).await?;
    if let Some(wanted) = &request.sessions {
        for (index, id) in wanted.iter().enumerate() {
            if !all.iter().any(|s| s.id == *id) {
                return Err(AppError::invalid(
                    format!("sessions[{index}]"),
                    format!("this event has no session {id}"),
                ));
            }
        }
    }
    let chosen = |id: i64| request.sessions.as_ref().is_none_or(|w| w.contains(&id));
    let pending_line_ups = sessions_with_pending_line_up(txn, &all).await?;
    let (mut published, mut updated) = (Vec::new(), Vec::new());
    let mut announce = Vec::new();
    for current in all.into_iter().filter(|s| chosen(s.id)) {
        if current.status == SessionStatus::Draft {
            published.push(current.id);
        } else if current.staged.is_some() || pending_line_ups.contains(&current.id) {
            updated.push(current.id);
        } else {
            continue;
        }
        let mut target = working_copy(current.clone())?;
        if target.status == SessionStatus::Draft {
            target.status = SessionStatus::Published;
        }
        let before = calendar_facts(&current)?;
        let was_public = current.status != SessionStatus::Draft;
        let saved = save_live(txn, current.clone(), target, now).await?;
        make_line_up_public(txn, saved.id).await?;
        if was_public && saved.revision > current.revision {
            announce.push((before, saved));
        }
    }
    // The conflicts of the programme as it is about to be published (what `GET …/conflicts`
    // shows of the working copy). Acknowledging one that is not there is a mistake worth
    // telling (a stale id); the transaction is dropped with the error.
    let after = conflicts_in(txn, &event).await?;
    for (index, id) in request.acknowledge.iter().enumerate() {
        if !after.conflicts.iter().any(|c| &c.id == id) {
            return Err(AppError::invalid(
                format!("acknowledge[{index}]"),
                format!("no current conflict has the id {id}"),
            ));
        }
    }
    // What was acknowledged once stays so while the conflict lasts.
    let mut acknowledged = versions::acknowledged_before(txn, event.id).await?;
    acknowledged.extend(request.acknowledge.iter().cloned());
    acknowledged.retain(|id| after.conflicts.iter().any(|c| &c.id == id));
    acknowledged.sort();
    acknowledged.dedup();
    let (blocking, warnings) = after
        .conflicts
        .into_iter()
        .filter(|c| c.session_ids.iter().any(|id| chosen(*id)))
        .partition(|c| c.severity == Severity::Error);
    // The emails are written in the same transaction: the publication and its announcements
    // commit together or not at all.
    let last_mail = outbox::Entity::find()
        .order_by_desc(outbox::Column::Id)
        .one(txn)
        .await?
        .map_or(0, |m| m.id);
    for (before, saved) in &announce {
        let after = calendar_facts(saved)?;
        let kind = if after.status == SessionStatus::Cancelled {
            SessionMail::Cancel
        } else {
            SessionMail::Update(before.changes_to(&after), before.clone())
        };
        notify::session_changed(txn, state, &event, saved, kind, now).await?;
    }
    let emails = outbox::Entity::find()
        .filter(outbox::Column::Id.gt(last_mail))
        .order_by_asc(outbox::Column::Id)
        .all(txn)
        .await?
        .into_iter()
        .map(|m| PlannedEmail {
            recipient: m.recipient,
            kind: m.kind,
            subject: m.subject,
        })
        .collect();
    let publisher = match publisher_id {
        Some(id) => versions::publisher_email(txn, id).await?,
        None => None,
    };
    let (version, changes) =
        versions::record_version(txn, &event, publisher, &acknowledged, now).await?;
    Ok(Outcome {
        acknowledged,
        published,
        updated,
        version,
        changes,
        emails,
        blocking,
        warnings,
    })
}

/// The sessions whose line-up has changes the public has not seen: someone added, removed, or
/// with a staged role, order or talk. One query for the whole programme.
async fn sessions_with_pending_line_up(
    db: &impl ConnectionTrait,
    sessions: &[session::Model],
) -> AppResult<std::collections::HashSet<i64>> {
    use sea_orm::Condition;
    Ok(participant::Entity::find()
        .filter(participant::Column::SessionId.is_in(sessions.iter().map(|s| s.id)))
        .filter(
            Condition::any()
                .add(participant::Column::Published.eq(false))
                .add(participant::Column::Withdrawn.eq(true))
                .add(participant::Column::Staged.is_not_null()),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.session_id)
        .collect())
}

/// Participants added since the last publication become public; those removed leave.
pub(crate) async fn make_line_up_public(
    db: &impl ConnectionTrait,
    session_id: i64,
) -> AppResult<()> {
    participant::Entity::delete_many()
        .filter(participant::Column::SessionId.eq(session_id))
        .filter(participant::Column::Withdrawn.eq(true))
        .exec(db)
        .await?;
    participant::Entity::update_many()
        .col_expr(
            participant::Column::Published,
            sea_orm::sea_query::Expr::value(true),
        )
        .filter(participant::Column::SessionId.eq(session_id))
        .filter(participant::Column::Published.eq(false))
        .exec(db)
        .await?;
    // Staged edits of role, order and talk become the published values.
    for edited in participant::Entity::find()
        .filter(participant::Column::SessionId.eq(session_id))
        .filter(participant::Column::Staged.is_not_null())
        .all(db)
        .await?
    {
        let target = edited.clone().working();
        let mut active: participant::ActiveModel = edited.into();
        active.role = sea_orm::Set(target.role);
        active.talk_title = sea_orm::Set(target.talk_title);
        active.position = sea_orm::Set(target.position);
        active.contribution = sea_orm::Set(target.contribution);
        active.staged = sea_orm::Set(None);
        sea_orm::ActiveModelTrait::update(active, db).await?;
    }
    Ok(())
}
