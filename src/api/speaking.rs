//! Speaker slot invitations: the organiser invites a participant
//! (`POST …/participants/{participant_id}/invite`), the speaker answers through a personal,
//! expiring, single-use link (`/speak/{token}`, page or JSON), and the organisers are told.

use crate::app::catalogue::participants::ParticipantView;
use crate::app::notification as notify;
use crate::app::speaking::{INVITATION_VALIDITY, InvitationSent, recipient_of};
use crate::db::columns::stored;
use crate::db::entities::{participant, speaker_invitation};
use crate::db::queries;
use crate::domain::vocab::ParticipantStatus;
use crate::error::AppResult;
use crate::http::auth::OrganiserOf;
use crate::http::extract::ApiPath;
use crate::mail::compose::{SessionMail, session_email};
use crate::mail::outbox::{NewMail, enqueue};
use crate::security;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use sea_orm::{ActiveModelTrait, Set};

#[utoipa::path(post, path = "/api/v1/events/{slug}/sessions/{id}/participants/{participant_id}/invite", tag = "programme",
    params(("slug" = String, Path), ("id" = i64, Path), ("participant_id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = InvitationSent), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn invite(
    State(state): State<AppState>,
    access: OrganiserOf,
    ApiPath((_slug, id, participant_id)): ApiPath<(String, i64, i64)>,
) -> AppResult<Json<InvitationSent>> {
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let event = access.event;
    let session = queries::session_in_event(&*txn, event.id, id).await?;
    let slot = queries::participant_in_session(&*txn, session.id, participant_id).await?;
    let person = queries::speaker_in_event(&*txn, event.id, slot.speaker_id).await?;
    let recipient = recipient_of(&person)?;
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
    let facts = notify::session_facts(&*txn, &state, &event, &session, true).await?;
    let kind = SessionMail::SpeakerInvitation {
        role: stored(&slot.role, "session_participants.role")?,
        talk_title: slot.talk_title.clone(),
        answer_url: format!("{}/speak/{token}", state.settings.public_url),
    };
    let feed = person
        .feed_token
        .as_deref()
        .map(|t| notify::feed_url(&state, t));
    // Speakers' calendars reply to the organisers: RSVP on.
    let composed = session_email(&facts, &kind, &recipient, feed.as_deref(), true, now)?;
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
    active.status = Set(ParticipantStatus::Invited.as_str().into());
    active.status_changed_at = Set(now);
    let saved = active.update(&*txn).await?;
    txn.commit().await?;
    state.mail_queued();
    Ok(Json(InvitationSent {
        participant: ParticipantView::new(saved, Some(&person))?,
        expires_at,
    }))
}
