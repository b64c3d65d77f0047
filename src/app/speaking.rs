//! Speaker slot invitations: the organiser invites a participant
//! (`POST …/participants/{participant_id}/invite`), the speaker answers through a personal,
//! expiring, single-use link (`/speak/{token}`, page or JSON), and the organisers are told.

use crate::app::AppState;
use crate::app::catalogue::availability::{Owner, WindowInput, replace_windows, resolve_windows};
use crate::app::catalogue::participants::ParticipantView;
use crate::app::notification as notify;
use crate::db::entities::{event, participant, session, speaker, speaker_invitation};
use crate::db::queries;
use crate::domain::calendar::PartStat;
use crate::domain::format::dated_times_text;
use crate::domain::local_time::TimeInput;
use crate::domain::text::Text;
use crate::domain::text::UiLanguage;
use crate::domain::vocab::{ParticipantStatus, Role};
use crate::domain::zone::{DisplayZone, Zone};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::mail::compose::{Invitee, MailLinks};
use crate::mail::compose::{Recipient, SessionMail, session_email};
use crate::mail::outbox::{NewMail, enqueue};
use crate::security;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How long an answer link stays valid.
pub const INVITATION_VALIDITY: Duration = Duration::days(30);

#[derive(Serialize, ToSchema)]
pub struct InvitationSent {
    pub participant: ParticipantView,
    pub expires_at: DateTime<Utc>,
}

pub(crate) fn recipient_of(person: &speaker::Model) -> AppResult<Recipient> {
    let email = person.email.clone().ok_or_else(|| {
        AppError::invalid("speaker_id", "this speaker has no email address to invite")
    })?;
    Ok(Recipient {
        name: person.name.clone(),
        email,
        lang: UiLanguage::for_code(&person.language),
        zone: person.timezone,
    })
}

/// Everything the answer page shows, for a valid link.
pub struct Invitation {
    pub invitation: speaker_invitation::Model,
    pub slot: participant::Model,
    pub person: speaker::Model,
    pub session: session::Model,
    pub event: event::Model,
}

impl Invitation {
    pub fn lang(&self) -> UiLanguage {
        UiLanguage::for_code(&self.person.language)
    }

    pub fn role(&self) -> AppResult<Role> {
        Ok(self.slot.role)
    }

    /// The slot's time in the speaker's zone, then in the event's zones.
    pub fn times(&self) -> AppResult<Vec<String>> {
        let zone: Zone = self.person.timezone;
        let lang = self.lang();
        let mut lines = vec![dated_times_text(
            &DisplayZone::named(zone),
            self.session.starts_at,
            self.session.ends_at,
            lang,
        )];
        let zones: Vec<DisplayZone> =
            crate::db::columns::stored_json(&self.event.display_zones, "events.display_zones")?;
        lines.extend(
            zones
                .iter()
                .map(|z| dated_times_text(z, self.session.starts_at, self.session.ends_at, lang)),
        );
        Ok(lines)
    }
}

/// Finds the invitation behind an answer link: 404 if unknown, 410 if expired or already used.
pub async fn invitation_by_token(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> AppResult<Invitation> {
    let invitation = speaker_invitation::Entity::find()
        .filter(speaker_invitation::Column::TokenHash.eq(security::token_hash(token)))
        .one(db)
        .await?
        .ok_or(AppError::NotFound("invitation"))?;
    if invitation.superseded_at.is_some() {
        return Err(AppError::Gone(
            "a newer invitation replaced this one: answer through the link in the most recent email",
        ));
    }
    if invitation.answered_at.is_some() {
        return Err(AppError::Gone(
            "this invitation has already been answered; ask the organisers for a new link to change your answer",
        ));
    }
    if invitation.expires_at <= now {
        return Err(AppError::Gone(
            "this invitation has expired; ask the organisers for a new one",
        ));
    }
    let slot = participant::Entity::find_by_id(invitation.participant_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("invitation"))?;
    let session = session::Entity::find_by_id(slot.session_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("invitation"))?;
    // A speaker is invited to their slot as the organisers are preparing it.
    let session = crate::app::publishing::working::working_copy(session)?;
    let event = queries::event_for_read(db, session.event_id).await?;
    let person = queries::speaker_in_event(db, event.id, slot.speaker_id).await?;
    Ok(Invitation {
        invitation,
        slot,
        person,
        session,
        event,
    })
}

#[derive(Deserialize, ToSchema, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Confirm,
    Decline,
}

/// The answer, from the page's form or as JSON.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    pub decision: Decision,
    #[serde(default)]
    pub note: Option<Text>,
    /// JSON: when the speaker can take part during the event, in their own zone.
    #[serde(default)]
    pub availability: Vec<WindowInput>,
    /// Form: the same windows as parallel `available_from` / `available_until` fields
    /// (`datetime-local` values); blank pairs are skipped.
    #[serde(default)]
    pub available_from: Vec<String>,
    #[serde(default)]
    pub available_until: Vec<String>,
}

impl Answer {
    /// Every window given, whichever way it came.
    fn windows(&self) -> Result<Vec<WindowInput>, AppError> {
        let mut windows = self.availability.clone();
        let mut errors = FieldErrors::default();
        for (i, (from, until)) in self
            .available_from
            .iter()
            .zip(
                self.available_until
                    .iter()
                    .chain(std::iter::repeat(&String::new())),
            )
            .enumerate()
        {
            if from.trim().is_empty() && until.trim().is_empty() {
                continue;
            }
            let starts_at =
                errors.check(&format!("available_from[{i}]"), from.parse::<TimeInput>());
            let ends_at =
                errors.check(&format!("available_until[{i}]"), until.parse::<TimeInput>());
            if let (Some(starts_at), Some(ends_at)) = (starts_at, ends_at) {
                windows.push(WindowInput { starts_at, ends_at });
            }
        }
        errors.into_result()?;
        Ok(windows)
    }
}

/// Records the speaker's answer, uses up the link, tells the organisers, and on a confirmation
/// sends the speaker the confirmed calendar entry.
pub async fn answer(state: &AppState, token: &str, answer: Answer) -> AppResult<ParticipantView> {
    let now = state.clock.now();
    let given_windows = answer.windows()?;
    let note = answer
        .note
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty());
    if note.as_ref().is_some_and(|n| n.chars().count() > 2000) {
        return Err(AppError::invalid("note", "must be at most 2000 characters"));
    }
    let txn = state.db.begin_write().await?;
    let found = invitation_by_token(&*txn, token, now).await?;
    if !given_windows.is_empty() {
        let zone: Zone = found.person.timezone;
        let mut errors = FieldErrors::default();
        let windows = resolve_windows(&mut errors, "availability", zone, &given_windows);
        errors.into_result()?;
        replace_windows(
            &*txn,
            found.event.id,
            Owner::Speaker(found.person.id),
            &windows,
        )
        .await?;
    }
    let saved = apply_answer(
        &*txn,
        state,
        &found.slot,
        &found.person,
        &found.session,
        &found.event,
        answer.decision,
        note,
        AnsweredBy::Link,
        now,
    )
    .await?;
    txn.commit().await?;
    state.mail_queued();
    ParticipantView::new(saved, Some(&found.person))
}

/// Where a speaker's answer came from, for the organisers' notice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnsweredBy {
    /// The page or JSON behind the personal `/speak/{token}` link.
    Link,
    /// The Accept or Decline button of their calendar (an iTIP REPLY).
    Calendar,
}

impl AnsweredBy {
    /// As stored in `participants.answered_by`.
    pub fn as_str(self) -> &'static str {
        match self {
            AnsweredBy::Link => "link",
            AnsweredBy::Calendar => "calendar",
        }
    }
}

/// Records a speaker's answer however it came: the slot's status, every open answer link used
/// up (so that an older email cannot overwrite it), a notice to the organisers, and their own
/// entry following the answer (CONFIRMED and ACCEPTED, or withdrawn as DECLINED), one SEQUENCE
/// above the last one they received. Runs in the caller's transaction.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn apply_answer(
    db: &impl ConnectionTrait,
    state: &AppState,
    slot: &participant::Model,
    person: &speaker::Model,
    session: &session::Model,
    event: &event::Model,
    decision: Decision,
    note: Option<String>,
    by: AnsweredBy,
    now: DateTime<Utc>,
) -> AppResult<participant::Model> {
    let status = match decision {
        Decision::Confirm => ParticipantStatus::Confirmed,
        Decision::Decline => ParticipantStatus::Declined,
    };
    speaker_invitation::Entity::update_many()
        .col_expr(
            speaker_invitation::Column::AnsweredAt,
            sea_orm::sea_query::Expr::value(Some(now)),
        )
        .filter(speaker_invitation::Column::ParticipantId.eq(slot.id))
        .filter(speaker_invitation::Column::AnsweredAt.is_null())
        .exec(db)
        .await?;
    let mut active: participant::ActiveModel = slot.clone().into();
    active.status = Set(status);
    active.status_changed_at = Set(now);
    active.answered_by = Set(Some(by.as_str().to_owned()));
    if by == AnsweredBy::Link || note.is_some() {
        active.note = Set(note.clone());
    }
    let saved = active.update(db).await?;

    let organiser = notify::organiser_of(state, event);
    let verb = if status == ParticipantStatus::Confirmed {
        "confirmed"
    } else {
        "declined"
    };
    let role = slot.role.label(UiLanguage::En);
    let subject = format!("{} {verb}: {} ({role})", person.name, session.title);
    let how = match by {
        AnsweredBy::Link => "",
        AnsweredBy::Calendar => " from their calendar",
    };
    let body = format!(
        "{} has {verb}{how} the slot \"{}\" ({role}) in \"{}\".\r\n{}",
        person.name,
        session.title,
        event.title,
        note.as_deref()
            .map(|n| format!("Note: {n}\r\n"))
            .unwrap_or_default()
    );
    let notice = crate::mail::compose::notice_email(&organiser, &subject, body)
        .map_err(AppError::Internal)?;
    let (mail, partstat, key, kind) = if status == ParticipantStatus::Confirmed {
        (
            SessionMail::Invitation,
            PartStat::Accepted,
            "confirmed",
            "invitation",
        )
    } else {
        (
            SessionMail::SpeakerDeclined,
            PartStat::Declined,
            "declined",
            "cancellation",
        )
    };
    let recipient = recipient_of(person)?;
    let facts = notify::session_facts(
        db,
        state,
        event,
        session,
        true,
        crate::db::queries::Edition::Working,
    )
    .await?;
    let feed = person
        .feed_token
        .as_deref()
        .map(|t| notify::feed_url(state, t));
    let sequence = notify::next_slot_sequence(db, &saved).await?;
    // Each answer raises the slot's SEQUENCE, so (participant, sequence) names it once.
    enqueue(
        db,
        NewMail {
            dedup_key: format!("speaker-answer-{}-seq-{sequence}", slot.id),
            event_id: Some(event.id),
            kind: "notice",
            sender: organiser.email.clone(),
            recipient: organiser.email.clone(),
            subject: notice.subject,
            message: notice.message,
        },
        now,
    )
    .await?;
    let invitee = Invitee::speaker(&facts, saved.id, sequence, saved.role, partstat);
    let composed = session_email(
        &facts,
        &mail,
        &recipient,
        &MailLinks::feed(feed.as_deref()),
        &invitee,
        now,
    )?;
    enqueue(
        db,
        NewMail {
            dedup_key: format!("speaker-{key}-{}-seq-{sequence}", slot.id),
            event_id: Some(event.id),
            kind,
            sender: organiser.email,
            recipient: recipient.email,
            subject: composed.subject,
            message: composed.message,
        },
        now,
    )
    .await?;
    Ok(saved)
}

/// Invites a participant to their slot: a tentative calendar invitation with a personal,
/// expiring answer link, queued in the same transaction that marks them invited.
pub async fn invite(
    state: &AppState,
    event: event::Model,
    session_id: i64,
    participant_id: i64,
) -> AppResult<InvitationSent> {
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let session = queries::session_in_event(&*txn, event.id, session_id).await?;
    // A speaker is invited to their slot as the organisers are preparing it.
    let session = crate::app::publishing::working::working_copy(session)?;
    let slot = queries::participant_in_session(&*txn, session.id, participant_id).await?;
    let person = queries::speaker_in_event(&*txn, event.id, slot.speaker_id).await?;
    let recipient = recipient_of(&person)?;
    // The earlier links of this slot retire: only the newest email's link answers.
    speaker_invitation::Entity::update_many()
        .col_expr(
            speaker_invitation::Column::SupersededAt,
            sea_orm::sea_query::Expr::value(Some(now)),
        )
        .filter(speaker_invitation::Column::ParticipantId.eq(slot.id))
        .filter(speaker_invitation::Column::SupersededAt.is_null())
        .exec(&*txn)
        .await?;
    let token = security::new_token();
    let expires_at = now + INVITATION_VALIDITY;
    let invitation = speaker_invitation::ActiveModel {
        participant_id: Set(slot.id),
        token_hash: Set(security::token_hash(&token)),
        expires_at: Set(expires_at),
        answered_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    let facts = notify::session_facts(
        &*txn,
        state,
        &event,
        &session,
        true,
        crate::db::queries::Edition::Working,
    )
    .await?;
    let kind = SessionMail::SpeakerInvitation {
        role: slot.role,
        talk_title: slot.talk_title.clone(),
        answer_url: format!("{}/speak/{token}", state.settings.public_url),
    };
    let feed = person
        .feed_token
        .as_deref()
        .map(|t| notify::feed_url(state, t));
    // Speakers' calendars reply to the organisers: RSVP on.
    let sequence = notify::next_slot_sequence(&*txn, &slot).await?;
    let invitee = Invitee::speaker(&facts, slot.id, sequence, slot.role, PartStat::NeedsAction);
    let composed = session_email(
        &facts,
        &kind,
        &recipient,
        &MailLinks::feed(feed.as_deref()),
        &invitee,
        now,
    )?;
    enqueue(
        &*txn,
        NewMail {
            dedup_key: format!("speaker-invitation-{}", invitation.id),
            event_id: Some(event.id),
            kind: "speaker_invitation",
            sender: facts.organiser.email.clone(),
            recipient: recipient.email,
            subject: composed.subject,
            message: composed.message,
        },
        now,
    )
    .await?;
    let mut active: participant::ActiveModel = slot.into();
    active.status = Set(ParticipantStatus::Invited);
    active.status_changed_at = Set(now);
    let saved = active.update(&*txn).await?;
    txn.commit().await?;
    state.mail_queued();
    Ok(InvitationSent {
        participant: ParticipantView::new(saved, Some(&person))?,
        expires_at,
    })
}

/// One slot on the organisers' board of answers.
#[derive(Serialize)]
pub struct BoardSlot {
    pub session_id: i64,
    pub session_title: String,
    pub participant_id: i64,
    pub role: Role,
    pub status: ParticipantStatus,
    /// What the speaker wrote when answering from their link.
    pub note: Option<String>,
    /// `link` or `calendar`, once they answered.
    pub answered_by: Option<String>,
    pub status_changed_at: DateTime<Utc>,
}

/// One person of the programme with their slots.
#[derive(Serialize)]
pub struct BoardPerson {
    pub speaker_id: i64,
    pub name: String,
    pub email: Option<String>,
    pub timezone: String,
    pub language: String,
    pub slots: Vec<BoardSlot>,
}

/// Everyone taking part in the event's working programme, with where each of their slots
/// stands (proposed, invited, confirmed, declined), by name.
pub async fn speaker_board(state: &AppState, event: &event::Model) -> AppResult<Vec<BoardPerson>> {
    let db = &state.db.conn;
    let sessions: Vec<session::Model> = queries::sessions_of_event(db, event.id, true)
        .await?
        .into_iter()
        .map(crate::app::publishing::working::working_copy)
        .collect::<AppResult<_>>()?;
    let ids: Vec<i64> = sessions.iter().map(|s| s.id).collect();
    let slots = queries::participants_of_sessions(db, &ids, queries::Edition::Working).await?;
    let mut people: Vec<BoardPerson> = queries::speakers_of_event(db, event.id)
        .await?
        .into_iter()
        .map(|p| BoardPerson {
            speaker_id: p.id,
            name: p.name,
            email: p.email,
            timezone: p.timezone.name().to_owned(),
            language: p.language,
            slots: vec![],
        })
        .collect();
    for slot in slots {
        let Some(session) = sessions.iter().find(|s| s.id == slot.session_id) else {
            continue;
        };
        if let Some(person) = people.iter_mut().find(|p| p.speaker_id == slot.speaker_id) {
            person.slots.push(BoardSlot {
                session_id: session.id,
                session_title: session.title.clone(),
                participant_id: slot.id,
                role: slot.role,
                status: slot.status,
                note: slot.note,
                answered_by: slot.answered_by,
                status_changed_at: slot.status_changed_at,
            });
        }
    }
    people.sort_by_key(|p| p.name.to_lowercase());
    Ok(people)
}

/// What inviting several slots at once did: who was invited, and who could not be, and why.
#[derive(Serialize, Default)]
pub struct Invitations {
    pub sent: Vec<String>,
    pub refused: Vec<(String, String)>,
}

/// Which slots a round of invitations covers.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Round {
    /// Every slot not invited yet.
    NotYetInvited,
    /// The slots invited and not answered: a reminder, with a new link (the old one retires).
    NotAnswered,
}

/// Invites (or reminds) every slot of `round`, or only those of `speaker_id`. Each slot is its
/// own invitation and transaction, as `POST …/invite` is: one person without an email address
/// does not hold back the others.
pub async fn invite_round(
    state: &AppState,
    event: &event::Model,
    round: Round,
    speaker_id: Option<i64>,
) -> AppResult<Invitations> {
    let wanted = match round {
        Round::NotYetInvited => ParticipantStatus::Proposed,
        Round::NotAnswered => ParticipantStatus::Invited,
    };
    let mut done = Invitations::default();
    for person in speaker_board(state, event).await? {
        if speaker_id.is_some_and(|id| id != person.speaker_id) {
            continue;
        }
        for slot in person.slots.iter().filter(|s| s.status == wanted) {
            let label = format!("{} — {}", person.name, slot.session_title);
            match invite(state, event.clone(), slot.session_id, slot.participant_id).await {
                Ok(_) => done.sent.push(label),
                Err(AppError::Invalid(errors)) => done.refused.push((
                    label,
                    errors
                        .into_iter()
                        .map(|e| e.reason)
                        .collect::<Vec<_>>()
                        .join("; "),
                )),
                Err(other) => return Err(other),
            }
        }
    }
    Ok(done)
}
