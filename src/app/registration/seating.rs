//! Seat-giving in batches (group commit).
//!
//! Registrations that arrive together are decided together: one write transaction locks their
//! events once, counts each session's seats once, writes each table in one statement and commits
//! once, where each registration alone made a dozen round trips with the event locked. Under a
//! rush the lock, not the work, was what everyone queued for.
//!
//! There is no background task: a registration puts its application on the desk and waits for
//! its turn; whoever gets the turn decides everything on the desk, so while one batch is being
//! written the next one gathers.

use crate::app::AppState;
use crate::app::notification as notify;
use crate::app::registration::capacity::{event_places, onsite_seats};
use crate::app::registration::register::{
    Application, NewRegistration, Plan, registration_mails, sessions_asked_for,
};
use crate::db::entities::{attendance, event, registration, session};
use crate::db::queries::{self, ROW_LOCK};
use crate::domain::seating::Ledger;
use crate::domain::vocab::Mode;
use crate::domain::vocab::SeatStatus;
use crate::error::{AppError, AppResult};
use crate::mail::compose::SessionFacts;
use crate::mail::outbox::{ROWS_PER_STATEMENT, enqueue_all};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

/// How many registrations one transaction decides at most: enough to absorb a rush, few enough
/// that one batch's statements stay small.
const MOST_AT_ONCE: usize = 128;

/// What became of an application.
pub enum Decision {
    /// A new registration, with its seats and emails, committed.
    Created {
        registration: registration::Model,
        seats: Vec<DecidedSeat>,
    },
    /// This email was already registered for the event (possibly a moment ago, in the same batch).
    Existing(registration::Model),
}

/// A seat as given, with what its registrant is shown about it.
pub struct DecidedSeat {
    pub seat: attendance::Model,
    pub session: session::Model,
    /// Place in the session's waitlist when the batch committed (1 = next).
    pub waitlist_position: Option<u64>,
}

#[derive(Default)]
pub struct SeatDesk {
    waiting: Mutex<Vec<Waiting>>,
    turn: tokio::sync::Mutex<()>,
    programmes: Mutex<HashMap<String, (u64, Arc<PublishedProgramme>)>>,
}

/// An event's published programme as registrations read it: the same for everyone who
/// registers until the programme changes, so it is read once per change, not once per person.
/// A plan made from it is checked under the lock like any other (`give_seats`).
pub struct PublishedProgramme {
    pub event: event::Model,
    published: Vec<session::Model>,
    facts: Vec<SessionFacts>,
}

impl PublishedProgramme {
    async fn read(
        db: &impl ConnectionTrait,
        state: &AppState,
        event: event::Model,
    ) -> AppResult<Self> {
        let published = queries::sessions_of_event(db, event.id, false).await?;
        // One read of speakers, participants and rooms for all the sessions, not one per session.
        let facts = notify::sessions_facts(
            db,
            state,
            &event,
            &published,
            true,
            crate::db::queries::Edition::Published,
        )
        .await?;
        Ok(PublishedProgramme {
            event,
            published,
            facts,
        })
    }

    /// The plan for `input`: its sessions and what their emails say.
    pub(crate) fn plan_for(&self, input: &NewRegistration) -> AppResult<Plan> {
        let sessions = sessions_asked_for(input, &self.published)?;
        let facts = sessions
            .iter()
            .map(|(session, _)| {
                self.published
                    .iter()
                    .position(|p| p.id == session.id)
                    .map(|at| self.facts[at].clone())
                    .ok_or_else(|| {
                        AppError::Internal(anyhow::anyhow!("session {} has no facts", session.id))
                    })
            })
            .collect::<AppResult<Vec<_>>>()?;
        Ok(Plan {
            event: self.event.clone(),
            sessions,
            facts,
        })
    }
}

/// Events whose programme is kept at once; more would only mean someone is probing slugs.
const PROGRAMMES_KEPT: usize = 256;

pub(crate) struct Waiting {
    application: Application,
    reply: oneshot::Sender<AppResult<Decision>>,
}

impl SeatDesk {
    /// Decides `application` together with whatever else is waiting.
    pub async fn decide(&self, state: &AppState, application: Application) -> AppResult<Decision> {
        let (reply, mut answer) = oneshot::channel();
        self.lock_waiting().push(Waiting { application, reply });
        loop {
            if let Some(decided) = answered(&mut answer) {
                return decided;
            }
            let turn = self.turn.lock().await;
            if let Some(decided) = answered(&mut answer) {
                return decided;
            }
            let batch: Vec<Waiting> = {
                let mut waiting = self.lock_waiting();
                let take = waiting.len().min(MOST_AT_ONCE);
                waiting.drain(..take).collect()
            };
            if batch.is_empty() {
                // Ours is in a batch already being written (its first waiter went away).
                drop(turn);
                return answer.await.unwrap_or_else(|_| Err(desk_lost()));
            }
            // A task of its own: a client hanging up must not cancel the others' registrations.
            let state = state.clone();
            if let Err(failure) =
                tokio::spawn(async move { decide_batch(&state, batch).await }).await
            {
                // Its waiters are answered by their dropped senders (desk_lost); say why here.
                tracing::error!(error = %failure, "a seat batch ended without deciding (it panicked)");
            }
        }
    }

    /// The published programme of the event `slug`, read again only after a change to it.
    pub async fn programme(
        &self,
        state: &AppState,
        slug: &str,
    ) -> AppResult<Arc<PublishedProgramme>> {
        // Taken before reading, so a change committed meanwhile leaves this copy stale at once.
        let generation = state.db.generations.for_public_reads();
        if let Some((kept, programme)) = self.lock_programmes().get(slug)
            && *kept == generation
        {
            return Ok(programme.clone());
        }
        let reads = &state.db.conn;
        let event = queries::event_by_slug(reads, slug).await?;
        let programme = Arc::new(PublishedProgramme::read(reads, state, event).await?);
        let mut programmes = self.lock_programmes();
        if programmes.len() >= PROGRAMMES_KEPT {
            programmes.clear();
        }
        programmes.insert(slug.to_owned(), (generation, programme.clone()));
        Ok(programme)
    }

    fn lock_programmes(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<String, (u64, Arc<PublishedProgramme>)>> {
        // A copy is replaced whole, never edited in place: a poisoned lock holds nothing broken.
        self.programmes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn lock_waiting(&self) -> std::sync::MutexGuard<'_, Vec<Waiting>> {
        // A panic elsewhere cannot leave the list half-changed: push and drain are single calls.
        self.waiting
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

pub(crate) fn answered(
    answer: &mut oneshot::Receiver<AppResult<Decision>>,
) -> Option<AppResult<Decision>> {
    match answer.try_recv() {
        Ok(decided) => Some(decided),
        Err(oneshot::error::TryRecvError::Empty) => None,
        Err(oneshot::error::TryRecvError::Closed) => Some(Err(desk_lost())),
    }
}

pub(crate) fn desk_lost() -> AppError {
    AppError::Internal(anyhow::anyhow!(
        "the registration was dropped before it was decided"
    ))
}

pub(crate) async fn decide_batch(state: &AppState, batch: Vec<Waiting>) {
    let (applications, replies): (Vec<Application>, Vec<_>) = batch
        .into_iter()
        .map(|waiting| (waiting.application, waiting.reply))
        .unzip();
    let decisions = match give_seats(state, &applications).await {
        Ok(decisions) => decisions,
        // Nothing of the batch was written; one at a time, so that whatever failed fails alone.
        Err(error) if applications.len() > 1 => {
            tracing::warn!(%error, size = applications.len(), "a registration batch failed; deciding its registrations one by one");
            let mut decisions = Vec::with_capacity(applications.len());
            for application in &applications {
                decisions.push(
                    match give_seats(state, std::slice::from_ref(application)).await {
                        Ok(mut one) => one.pop().unwrap_or_else(|| Err(desk_lost())),
                        Err(error) => Err(error),
                    },
                );
            }
            decisions
        }
        Err(error) => vec![Err(error)],
    };
    for (reply, decision) in replies.into_iter().zip(decisions) {
        // The asker may have gone; its registration stands all the same.
        let _ = reply.send(decision);
    }
}

/// Where one application stands while its batch is decided.
pub(crate) enum Outcome {
    Failed(AppError),
    /// The n-th of the registrations found already there.
    Existing(usize),
    /// The n-th new registration of the batch.
    New(usize),
    /// Same email as the n-th new registration of this batch.
    SameAs(usize),
}

/// A new registration's seats, decided but not yet written.
pub(crate) struct Seating<'a> {
    application: &'a Application,
    event: &'a event::Model,
    sessions: &'a [(session::Model, Mode)],
    facts: &'a [SessionFacts],
    statuses: Vec<SeatStatus>,
    waitlist_positions: Vec<Option<u64>>,
}

/// Decides every application in one transaction. An error means nothing was written; an
/// application's own problem (its session was withdrawn meanwhile, say) is its answer alone.
pub(crate) async fn give_seats(
    state: &AppState,
    applications: &[Application],
) -> AppResult<Vec<AppResult<Decision>>> {
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let mut event_ids: Vec<i64> = applications.iter().map(|a| a.plan.event.id).collect();
    event_ids.sort_unstable();
    event_ids.dedup();
    // Locked in id order, as any other writer holding several events would.
    let events = event::Entity::find()
        .filter(event::Column::Id.is_in(event_ids.iter().copied()))
        .order_by_asc(event::Column::Id)
        .lock(ROW_LOCK)
        .all(&*txn)
        .await?;
    let existing = registration::Entity::find()
        .filter(registration::Column::EventId.is_in(event_ids.iter().copied()))
        .filter(registration::Column::EmailKey.is_in(applications.iter().map(|a| &a.email_key)))
        .all(&*txn)
        .await?;
    // The sessions as they stand, locked `FOR SHARE` on PostgreSQL until commit, so a session
    // change (which locks its row) lands wholly before this batch, and is seen here, or after
    // it, and then reaches these registrants with the others.
    let mut session_ids: Vec<i64> = applications
        .iter()
        .flat_map(|a| a.plan.sessions.iter().map(|(s, _)| s.id))
        .collect();
    session_ids.sort_unstable();
    session_ids.dedup();
    let sessions_now = session::Entity::find()
        .filter(session::Column::Id.is_in(session_ids))
        .order_by_asc(session::Column::Id)
        .lock_shared()
        .all(&*txn)
        .await?;

    // A plan read before the lock is used only if nothing it was built from changed since.
    let mut replans: Vec<Option<Plan>> = Vec::with_capacity(applications.len());
    let mut refusals: Vec<Option<AppError>> = Vec::with_capacity(applications.len());
    for application in applications {
        let plan = &application.plan;
        let current = events.iter().find(|e| e.id == plan.event.id);
        let holds = current == Some(&plan.event)
            && plan
                .sessions
                .iter()
                .all(|(planned, _)| sessions_now.iter().any(|now| now == planned));
        let replanned = match current {
            Some(event) if !holds => Some(
                PublishedProgramme::read(&*txn, state, event.clone())
                    .await
                    .and_then(|programme| programme.plan_for(&application.input)),
            ),
            _ => None,
        };
        let (replan, refusal) = match replanned {
            None => (None, None),
            Some(Ok(plan)) => (Some(plan), None),
            Some(Err(refused)) => (None, Some(refused)),
        };
        replans.push(replan);
        refusals.push(refusal);
    }

    // Decide (pure, but for the counts): first who is new, then the counts those need, read
    // once under the lock, then every new registration's seats in turn.
    let mut outcomes = Vec::with_capacity(applications.len());
    let mut new_ones: Vec<(&Application, &event::Model, &Plan)> = Vec::new();
    let mut new_by_email: HashMap<(i64, &str), usize> = HashMap::new();
    for ((application, replan), refusal) in applications.iter().zip(&replans).zip(refusals) {
        let event_id = application.plan.event.id;
        let Some(event) = events.iter().find(|e| e.id == event_id) else {
            outcomes.push(Outcome::Failed(AppError::NotFound("event")));
            continue;
        };
        if let Some(found) = existing
            .iter()
            .position(|r| r.event_id == event_id && r.email_key == application.email_key)
        {
            outcomes.push(Outcome::Existing(found));
            continue;
        }
        if let Some(&first) = new_by_email.get(&(event_id, application.email_key.as_str())) {
            outcomes.push(Outcome::SameAs(first));
            continue;
        }
        // Its sessions changed meanwhile so that it no longer stands (one was withdrawn, say).
        if let Some(refused) = refusal {
            outcomes.push(Outcome::Failed(refused));
            continue;
        }
        let plan = replan.as_ref().unwrap_or(&application.plan);
        new_by_email.insert((event_id, application.email_key.as_str()), new_ones.len());
        outcomes.push(Outcome::New(new_ones.len()));
        new_ones.push((application, event, plan));
    }
    let ledger = read_ledger(&*txn, &new_ones).await?;
    let seatings = decide_seats(ledger, new_ones)?;

    let saved = if seatings.is_empty() {
        Vec::new()
    } else {
        let rows = seatings
            .iter()
            .map(|s| s.application.registration_row(s.event, now));
        let mut inserted = registration::Entity::insert_many(rows)
            .exec_with_returning_many(&*txn)
            .await?;
        // In the order of `seatings`, matched by email: RETURNING promises no order.
        let mut ordered = Vec::with_capacity(seatings.len());
        for seating in &seatings {
            let at = inserted
                .iter()
                .position(|r| {
                    r.event_id == seating.event.id && r.email_key == seating.application.email_key
                })
                .ok_or_else(|| {
                    AppError::Internal(anyhow::anyhow!("a registration was not returned"))
                })?;
            ordered.push(inserted.swap_remove(at));
        }
        ordered
    };
    let seat_rows: Vec<attendance::ActiveModel> =
        seatings
            .iter()
            .zip(&saved)
            .flat_map(|(seating, registration)| {
                seating.sessions.iter().zip(&seating.statuses).map(
                    move |((session, mode), status)| attendance::ActiveModel {
                        registration_id: sea_orm::Set(registration.id),
                        session_id: sea_orm::Set(session.id),
                        mode: sea_orm::Set(*mode),
                        status: sea_orm::Set(*status),
                        created_at: sea_orm::Set(now),
                        updated_at: sea_orm::Set(now),
                        ..Default::default()
                    },
                )
            })
            .collect();
    let mut seats = Vec::with_capacity(seat_rows.len());
    let mut seat_rows = seat_rows.into_iter().peekable();
    while seat_rows.peek().is_some() {
        let chunk: Vec<attendance::ActiveModel> =
            seat_rows.by_ref().take(ROWS_PER_STATEMENT).collect();
        seats.extend(
            attendance::Entity::insert_many(chunk)
                .exec_with_returning_many(&*txn)
                .await?,
        );
    }
    let mut mails = Vec::new();
    for (seating, registration) in seatings.iter().zip(&saved) {
        let own_seats: Vec<&attendance::Model> = seats
            .iter()
            .filter(|seat| seat.registration_id == registration.id)
            .collect();
        mails.extend(registration_mails(
            state,
            seating.event,
            registration,
            &seating.application.manage_token,
            seating.sessions,
            seating.facts,
            &seating.statuses,
            &own_seats,
        )?);
    }
    if !mails.is_empty() {
        enqueue_all(&*txn, mails, now).await?;
    }
    if saved.is_empty() {
        // Nothing written: nothing to announce.
        drop(txn);
    } else {
        txn.commit_attendance().await?;
        state.mail_queued();
    }
    Ok(outcomes
        .into_iter()
        .map(|outcome| match outcome {
            Outcome::Failed(error) => Err(error),
            Outcome::Existing(n) => Ok(Decision::Existing(existing[n].clone())),
            Outcome::New(n) => Ok(Decision::Created {
                registration: saved[n].clone(),
                seats: decided_seats(&seatings[n], &saved[n], &seats),
            }),
            Outcome::SameAs(n) => Ok(Decision::Existing(saved[n].clone())),
        })
        .collect())
}

/// The counts the new registrations of a batch need: their events' places in their modes, the
/// on-site seats of the sessions they follow on site, and every waitlist they may join.
async fn read_ledger(
    db: &impl ConnectionTrait,
    new_ones: &[(&Application, &event::Model, &Plan)],
) -> AppResult<Ledger> {
    let mut ledger = Ledger::default();
    let mut session_ids = Vec::new();
    for (application, event, plan) in new_ones {
        let mode = application.input.attendance;
        if let Entry::Vacant(place) = ledger.places.entry((event.id, mode)) {
            place.insert(event_places(db, event, mode, None).await?);
        }
        for (session, session_mode) in &plan.sessions {
            session_ids.push(session.id);
            if *session_mode == Mode::OnSite
                && let Entry::Vacant(seats) = ledger.seats.entry(session.id)
            {
                seats.insert(onsite_seats(db, session).await?);
            }
        }
    }
    session_ids.sort_unstable();
    session_ids.dedup();
    ledger.waitlists = queries::waitlist_lengths(db, &session_ids).await?;
    Ok(ledger)
}

/// Every new registration's seats, decided in turn against the counts of the batch.
fn decide_seats<'a>(
    mut ledger: Ledger,
    new_ones: Vec<(&'a Application, &'a event::Model, &'a Plan)>,
) -> AppResult<Vec<Seating<'a>>> {
    new_ones
        .into_iter()
        .map(|(application, event, plan)| {
            let wanted: Vec<(i64, Mode)> = plan
                .sessions
                .iter()
                .map(|(s, mode)| (s.id, *mode))
                .collect();
            let decided = ledger
                .decide(event.id, application.input.attendance, &wanted)
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a seat count was not read")))?;
            Ok(Seating {
                application,
                event,
                sessions: &plan.sessions,
                facts: &plan.facts,
                statuses: decided.iter().map(|d| d.status).collect(),
                waitlist_positions: decided.iter().map(|d| d.waitlist_position).collect(),
            })
        })
        .collect()
}

/// A new registration's seats in the order its sessions were asked for.
pub(crate) fn decided_seats(
    seating: &Seating,
    registration: &registration::Model,
    seats: &[attendance::Model],
) -> Vec<DecidedSeat> {
    seating
        .sessions
        .iter()
        .zip(&seating.waitlist_positions)
        .filter_map(|((session, _), waitlist_position)| {
            let seat = seats
                .iter()
                .find(|s| s.registration_id == registration.id && s.session_id == session.id)?;
            Some(DecidedSeat {
                seat: seat.clone(),
                session: session.clone(),
                waitlist_position: *waitlist_position,
            })
        })
        .collect()
}
