//! Calendar replies read back. When a speaker or an attendee presses Accept or Decline in their
//! calendar, the client emails an iTIP REPLY to the ORGANIZER; it reaches Convene through the
//! built-in SMTP receiver or the inbound webhook, and lands here.
//!
//! A reply is applied only when it is what the client of the person invited would send: a
//! REPLY, for a UID Convene wrote, from the very attendee it names, who is the person invited,
//! answering the latest SEQUENCE they were sent. Anything else changes nothing and is recorded
//! with its reason (`inbound_replies`), for the organisers to see.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::app::notification as notify;
use crate::app::registration::waitlist::{promote_waitlist, release_seat};
use crate::app::speaking::{AnsweredBy, Decision, apply_answer};
use crate::db::entities::{
    attendance, event, inbound_reply, participant, registration, session, speaker,
};
use crate::db::queries;
use crate::domain::itip::{Answer, NotAReply, Reply, read_reply};
use crate::domain::vocab::{ParticipantStatus, RegistrationStatus, SeatStatus};
use crate::error::{AppError, AppResult};
use crate::mail::inbound::read_message;

/// How the reply reached Convene.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    Smtp,
    Http,
}

impl Channel {
    fn as_str(self) -> &'static str {
        match self {
            Channel::Smtp => "smtp",
            Channel::Http => "http",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The answer changed the slot or the seat.
    Applied,
    /// A genuine reply that changes nothing (the answer was already known, or is tentative).
    Unchanged,
    /// Not acted on: see `reason`.
    Refused,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Applied => "applied",
            Outcome::Unchanged => "unchanged",
            Outcome::Refused => "refused",
        }
    }
}

/// Why a reply was applied or not, as a stable code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    SpeakerConfirmed,
    SpeakerDeclined,
    SeatReleased,
    AlreadyConfirmed,
    AlreadyDeclined,
    SeatKept,
    TentativeChangesNothing,
    NotAnEmail,
    NoCalendar,
    UnreadableCalendar,
    NotAReply,
    UnknownUid,
    UnknownAttendee,
    SenderNotAttendee,
    StaleSequence,
    SlotClosed,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::SpeakerConfirmed => "speaker_confirmed",
            Reason::SpeakerDeclined => "speaker_declined",
            Reason::SeatReleased => "seat_released",
            Reason::AlreadyConfirmed => "already_confirmed",
            Reason::AlreadyDeclined => "already_declined",
            Reason::SeatKept => "seat_kept",
            Reason::TentativeChangesNothing => "tentative_changes_nothing",
            Reason::NotAnEmail => "not_an_email",
            Reason::NoCalendar => "no_calendar",
            Reason::UnreadableCalendar => "unreadable_calendar",
            Reason::NotAReply => "not_a_reply",
            Reason::UnknownUid => "unknown_uid",
            Reason::UnknownAttendee => "unknown_attendee",
            Reason::SenderNotAttendee => "sender_not_attendee",
            Reason::StaleSequence => "stale_sequence",
            Reason::SlotClosed => "slot_closed",
        }
    }

    fn outcome(self) -> Outcome {
        match self {
            Reason::SpeakerConfirmed | Reason::SpeakerDeclined | Reason::SeatReleased => {
                Outcome::Applied
            }
            Reason::AlreadyConfirmed
            | Reason::AlreadyDeclined
            | Reason::SeatKept
            | Reason::TentativeChangesNothing => Outcome::Unchanged,
            _ => Outcome::Refused,
        }
    }
}

/// What became of one received message.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReplyReceipt {
    /// The record kept of it.
    pub id: i64,
    pub outcome: Outcome,
    pub reason: Reason,
    /// The same in words.
    pub detail: String,
}

/// A recorded reply, as organisers list them.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReplyRecord {
    pub id: i64,
    pub received_at: DateTime<Utc>,
    /// `smtp` or `http`.
    pub channel: String,
    pub sender: Option<String>,
    pub uid: Option<String>,
    pub sequence: Option<i32>,
    pub partstat: Option<String>,
    /// `applied`, `unchanged` or `refused`.
    pub outcome: String,
    pub reason: String,
}

impl From<inbound_reply::Model> for ReplyRecord {
    fn from(row: inbound_reply::Model) -> Self {
        ReplyRecord {
            id: row.id,
            received_at: row.received_at,
            channel: row.channel,
            sender: row.sender,
            uid: row.uid,
            sequence: row.sequence,
            partstat: row.partstat,
            outcome: row.outcome,
            reason: row.reason,
        }
    }
}

/// Everything known about a message by the time its fate is decided, for the record.
#[derive(Default)]
struct Facts {
    message_id: Option<String>,
    sender: Option<String>,
    reply: Option<Reply>,
    event_id: Option<i64>,
}

/// The entry a UID names: a speaker's slot or a session attendees hold.
enum Target {
    Slot(i64),
    Session(i64),
}

/// Receives one raw message (RFC 5322 bytes), applies it if it is a genuine reply, and records
/// what became of it. Errors only when the database fails: a bad message is a recorded refusal.
pub async fn receive_reply(
    state: &AppState,
    raw: &[u8],
    channel: Channel,
) -> AppResult<ReplyReceipt> {
    let now = state.clock.now();
    let mut facts = Facts::default();
    let Some(received) = read_message(raw) else {
        return record(
            state,
            channel,
            facts,
            Reason::NotAnEmail,
            "the body is not an email message".into(),
            now,
        )
        .await;
    };
    facts.message_id = received.message_id.clone();
    facts.sender = received.from.clone();
    let Some(calendar) = received.calendars.first() else {
        return record(
            state,
            channel,
            facts,
            Reason::NoCalendar,
            "the message carries no text/calendar or application/ics part".into(),
            now,
        )
        .await;
    };
    let reply = match read_reply(calendar) {
        Ok(reply) => reply,
        Err(why @ NotAReply::Method(_)) => {
            return record(
                state,
                channel,
                facts,
                Reason::NotAReply,
                why.to_string(),
                now,
            )
            .await;
        }
        Err(why) => {
            return record(
                state,
                channel,
                facts,
                Reason::UnreadableCalendar,
                why.to_string(),
                now,
            )
            .await;
        }
    };
    facts.reply = Some(reply.clone());
    let Some(target) = target_of(state, &reply.uid) else {
        return record(
            state,
            channel,
            facts,
            Reason::UnknownUid,
            format!("{} is not a UID Convene wrote", reply.uid),
            now,
        )
        .await;
    };
    let txn = state.db.begin_write().await?;
    let decided = match target {
        Target::Slot(id) => answer_for_slot(&*txn, state, id, &reply, &mut facts, now).await?,
        Target::Session(id) => answer_for_seat(&*txn, state, id, &reply, &mut facts, now).await?,
    };
    let (reason, detail) = decided;
    let receipt = insert_record(&*txn, channel, &facts, reason, &detail, now).await?;
    txn.commit_attendance().await?;
    if reason.outcome() == Outcome::Applied {
        state.mail_queued();
    }
    log(&receipt, &facts);
    Ok(receipt)
}

/// `slot-12@host` or `session-7@host`, with this installation's host.
fn target_of(state: &AppState, uid: &str) -> Option<Target> {
    let (local, host) = uid.trim().rsplit_once('@')?;
    if !host.eq_ignore_ascii_case(&notify::calendar_host(state)) {
        return None;
    }
    if let Some(id) = local.strip_prefix("slot-") {
        return id.parse().ok().map(Target::Slot);
    }
    local
        .strip_prefix("session-")
        .and_then(|id| id.parse().ok())
        .map(Target::Session)
}

/// The checks every reply passes: the sender is the attendee the reply names, who is the person
/// invited, and it answers the latest SEQUENCE they were sent.
fn check_reply(
    reply: &Reply,
    sender: Option<&str>,
    invited: &str,
    last_sent: i64,
) -> Option<(Reason, String)> {
    if reply.attendee != invited.to_lowercase() {
        return Some((
            Reason::UnknownAttendee,
            format!("{} is not the person invited to this entry", reply.attendee),
        ));
    }
    if sender != Some(reply.attendee.as_str()) {
        return Some((
            Reason::SenderNotAttendee,
            format!(
                "the message is from {}, not from the attendee {}",
                sender.unwrap_or("nobody"),
                reply.attendee
            ),
        ));
    }
    if reply.sequence < last_sent {
        return Some((
            Reason::StaleSequence,
            format!(
                "the reply answers SEQUENCE {}, older than the last one sent ({last_sent})",
                reply.sequence
            ),
        ));
    }
    None
}

async fn answer_for_slot(
    db: &impl ConnectionTrait,
    state: &AppState,
    participant_id: i64,
    reply: &Reply,
    facts: &mut Facts,
    now: DateTime<Utc>,
) -> AppResult<(Reason, String)> {
    let unknown = || {
        (
            Reason::UnknownUid,
            format!("no slot has the UID {}", reply.uid),
        )
    };
    let Some(slot) = participant::Entity::find_by_id(participant_id)
        .one(db)
        .await?
    else {
        return Ok(unknown());
    };
    // A slot's counter is the SEQUENCE of its next email: 0 means none was ever sent.
    if slot.calendar_sequence == 0 {
        return Ok(unknown());
    }
    let Some(session) = session::Entity::find_by_id(slot.session_id).one(db).await? else {
        return Ok(unknown());
    };
    facts.event_id = Some(session.event_id);
    let Some(person) = speaker::Entity::find_by_id(slot.speaker_id).one(db).await? else {
        return Ok(unknown());
    };
    let invited = person.email.clone().unwrap_or_default();
    let last_sent = i64::from(slot.calendar_sequence - 1);
    if let Some(refusal) = check_reply(reply, facts.sender.as_deref(), &invited, last_sent) {
        return Ok(refusal);
    }
    let decision = match (&reply.answer, slot.status) {
        (Answer::Accepted, ParticipantStatus::Confirmed) => {
            return Ok((
                Reason::AlreadyConfirmed,
                "the slot was confirmed already".into(),
            ));
        }
        (Answer::Declined, ParticipantStatus::Declined | ParticipantStatus::Withdrawn) => {
            return Ok((
                Reason::AlreadyDeclined,
                "the slot was declined already".into(),
            ));
        }
        (Answer::Accepted, ParticipantStatus::Declined | ParticipantStatus::Withdrawn) => {
            return Ok((
                Reason::SlotClosed,
                "the slot was declined or withdrawn; the organisers must invite again".into(),
            ));
        }
        (Answer::Accepted, _) => Decision::Confirm,
        (Answer::Declined, _) => Decision::Decline,
        (other, _) => {
            return Ok((
                Reason::TentativeChangesNothing,
                format!(
                    "PARTSTAT={} is not a confirmation or a decline",
                    other.as_str()
                ),
            ));
        }
    };
    let session = crate::app::publishing::working::working_copy(session)?;
    let event = queries::event_for_read(db, session.event_id).await?;
    apply_answer(
        db,
        state,
        &slot,
        &person,
        &session,
        &event,
        decision,
        None,
        AnsweredBy::Calendar,
        now,
    )
    .await?;
    Ok(match decision {
        Decision::Confirm => (
            Reason::SpeakerConfirmed,
            format!("{} confirmed their slot", person.name),
        ),
        Decision::Decline => (
            Reason::SpeakerDeclined,
            format!("{} declined their slot", person.name),
        ),
    })
}

async fn answer_for_seat(
    db: &impl ConnectionTrait,
    state: &AppState,
    session_id: i64,
    reply: &Reply,
    facts: &mut Facts,
    now: DateTime<Utc>,
) -> AppResult<(Reason, String)> {
    let Some(session) = session::Entity::find_by_id(session_id).one(db).await? else {
        return Ok((
            Reason::UnknownUid,
            format!("no session has the UID {}", reply.uid),
        ));
    };
    facts.event_id = Some(session.event_id);
    // The registrant the ATTENDEE line names, holding a seat in this session.
    let holder = registration::Entity::find()
        .filter(registration::Column::EventId.eq(session.event_id))
        .filter(registration::Column::EmailKey.eq(reply.attendee.clone()))
        .filter(registration::Column::Status.eq(RegistrationStatus::Active))
        .one(db)
        .await?;
    let seat = match &holder {
        Some(holder) => {
            attendance::Entity::find()
                .filter(attendance::Column::RegistrationId.eq(holder.id))
                .filter(attendance::Column::SessionId.eq(session.id))
                .filter(attendance::Column::Status.eq(SeatStatus::Confirmed))
                .one(db)
                .await?
        }
        None => None,
    };
    let (Some(holder), Some(seat)) = (holder, seat) else {
        return Ok((
            Reason::UnknownAttendee,
            format!("{} holds no seat in this session", reply.attendee),
        ));
    };
    let last_sent = i64::from(session.revision) + i64::from(seat.calendar_sequence);
    if let Some(refusal) = check_reply(reply, facts.sender.as_deref(), &holder.email, last_sent) {
        return Ok(refusal);
    }
    if reply.answer != Answer::Declined {
        return Ok((
            Reason::SeatKept,
            format!("PARTSTAT={}: the seat stays theirs", reply.answer.as_str()),
        ));
    }
    let event: event::Model = queries::event_for_update(db, session.event_id).await?;
    if let Some(freed) = release_seat(db, state, &event, &holder, seat, false, now).await? {
        promote_waitlist(db, state, &event, &freed, now).await?;
    }
    Ok((
        Reason::SeatReleased,
        format!("{} gave up their seat", holder.name),
    ))
}

async fn record(
    state: &AppState,
    channel: Channel,
    facts: Facts,
    reason: Reason,
    detail: String,
    now: DateTime<Utc>,
) -> AppResult<ReplyReceipt> {
    let receipt = insert_record(&state.db.conn, channel, &facts, reason, &detail, now).await?;
    log(&receipt, &facts);
    Ok(receipt)
}

async fn insert_record(
    db: &impl ConnectionTrait,
    channel: Channel,
    facts: &Facts,
    reason: Reason,
    detail: &str,
    now: DateTime<Utc>,
) -> AppResult<ReplyReceipt> {
    let clip = |s: &str| s.chars().take(250).collect::<String>();
    let row = inbound_reply::ActiveModel {
        received_at: Set(now),
        channel: Set(channel.as_str().to_owned()),
        message_id: Set(facts.message_id.as_deref().map(clip)),
        sender: Set(facts.sender.as_deref().map(clip)),
        uid: Set(facts.reply.as_ref().map(|r| clip(&r.uid))),
        sequence: Set(facts
            .reply
            .as_ref()
            .map(|r| i32::try_from(r.sequence).unwrap_or(i32::MAX))),
        partstat: Set(facts.reply.as_ref().map(|r| clip(r.answer.as_str()))),
        event_id: Set(facts.event_id),
        outcome: Set(reason.outcome().as_str().to_owned()),
        reason: Set(reason.as_str().to_owned()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(ReplyReceipt {
        id: row.id,
        outcome: reason.outcome(),
        reason,
        detail: detail.to_owned(),
    })
}

fn log(receipt: &ReplyReceipt, facts: &Facts) {
    tracing::info!(
        outcome = receipt.outcome.as_str(),
        reason = receipt.reason.as_str(),
        sender = facts.sender.as_deref().unwrap_or("-"),
        uid = facts.reply.as_ref().map_or("-", |r| r.uid.as_str()),
        "calendar reply: {}",
        receipt.detail
    );
}

/// The replies received about one event, newest first.
pub async fn replies_of_event(
    state: &AppState,
    event_id: i64,
    limit: u64,
) -> AppResult<Vec<ReplyRecord>> {
    let rows = inbound_reply::Entity::find()
        .filter(inbound_reply::Column::EventId.eq(event_id))
        .order_by_desc(inbound_reply::Column::Id)
        .limit(limit)
        .all(&state.db.conn)
        .await?;
    Ok(rows.into_iter().map(ReplyRecord::from).collect())
}

/// The webhook's secret check, in constant time.
pub fn inbound_secret_matches(state: &AppState, presented: &str) -> AppResult<()> {
    // No credentials at all: 401, as for every protected route; configured or not comes after.
    if presented.is_empty() {
        return Err(AppError::Unauthorized(
            "the inbound secret is missing or wrong",
        ));
    }
    let Some(secret) = state.settings.inbound_secret.as_deref() else {
        return Err(AppError::NotFound("page"));
    };
    if crate::security::secret_matches(secret, presented) {
        Ok(())
    } else {
        Err(AppError::Unauthorized(
            "the inbound secret is missing or wrong",
        ))
    }
}
