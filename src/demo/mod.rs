//! The demo data: the 3rd International Mayors' Summit on Living Together (Izmir, December 2021),
//! transcribed from its printed programme into `izmir-2021.json` and loaded through the same
//! validated inputs the API takes.

use std::collections::HashMap;

use anyhow::{Context, anyhow};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;

use crate::app::catalogue::events::{NewEvent, insert_event};
use crate::app::catalogue::participants::{NewParticipant, insert_participant};
use crate::app::catalogue::rooms::{NewRoom, insert_room};
use crate::app::catalogue::sessions::{NewSession, insert_session};
use crate::app::catalogue::speakers::{NewSpeaker, insert_speaker};
use crate::app::planning::set_scheduling_rules;
use crate::db::Db;
use crate::db::entities::event;
use crate::domain::planner::{Ordering, SchedulingRules};
use crate::domain::text::Line;
use crate::domain::vocab::{Contribution, ParticipantStatus, Role};
use crate::error::AppError;

pub const DEMO_SLUG: &str = "izmir-2021";
const IZMIR: &str = include_str!("izmir-2021.json");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Programme {
    event: NewEvent,
    rooms: Vec<KeyedRoom>,
    speakers: Vec<KeyedSpeaker>,
    sessions: Vec<DemoSession>,
    scheduling_rules: DemoRules,
}

/// The summit's scheduling rules, naming sessions by their keys.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoRules {
    ordering: Vec<DemoOrdering>,
    last_of_event: Option<String>,
    buffer_minutes: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoOrdering {
    before: String,
    after: String,
}

/// `{"key": "hall", "room": {...}}`: a local name the sessions below refer to.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyedRoom {
    key: String,
    room: NewRoom,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyedSpeaker {
    key: String,
    speaker: NewSpeaker,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoSession {
    /// A local name the scheduling rules refer to.
    #[serde(default)]
    key: Option<String>,
    session: NewSession,
    #[serde(default)]
    room: Option<String>,
    participants: Vec<DemoParticipant>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoParticipant {
    speaker: String,
    role: Role,
    #[serde(default)]
    talk_title: Option<Line>,
    #[serde(default)]
    contribution: Option<Contribution>,
}

/// Loads the Izmir summit unless an event with its slug exists. Returns whether it loaded it.
pub async fn load_izmir(db: &Db, organiser_id: i64, now: DateTime<Utc>) -> anyhow::Result<bool> {
    let existing = event::Entity::find()
        .filter(event::Column::Slug.eq(DEMO_SLUG))
        .one(&db.conn)
        .await?;
    if existing.is_some() {
        return Ok(false);
    }
    let programme: Programme =
        serde_json::from_str(IZMIR).context("the bundled Izmir programme does not parse")?;
    let txn = db.begin_write().await?;
    load(&txn, programme, organiser_id, now)
        .await
        .map_err(|e| anyhow!("loading the Izmir demo failed: {e:?}"))?;
    txn.commit().await?;
    Ok(true)
}

async fn load(
    txn: &sea_orm::DatabaseTransaction,
    programme: Programme,
    organiser_id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let event = insert_event(txn, organiser_id, programme.event, now).await?;
    let mut rooms = HashMap::new();
    for keyed in programme.rooms {
        rooms.insert(
            keyed.key,
            insert_room(txn, event.id, keyed.room, now).await?.id,
        );
    }
    let mut speakers = HashMap::new();
    for keyed in programme.speakers {
        speakers.insert(
            keyed.key,
            insert_speaker(txn, &event, keyed.speaker, now).await?.id,
        );
    }
    let mut sessions = HashMap::new();
    for demo in programme.sessions {
        let mut input = demo.session;
        input.room_id = demo.room.map(|key| rooms[&key]);
        let session = insert_session(txn, &event, input, now).await?;
        if let Some(key) = demo.key {
            sessions.insert(key, session.id);
        }
        for participant in demo.participants {
            let input = NewParticipant {
                speaker_id: speakers[&participant.speaker],
                role: participant.role,
                talk_title: participant.talk_title,
                order: None,
                contribution: participant.contribution,
                status: Some(ParticipantStatus::Confirmed),
            };
            insert_participant(txn, &session, input, now).await?;
        }
        // The demo's sessions are loaded as published, line-up and all.
        crate::app::publishing::publication::make_line_up_public(txn, session.id).await?;
    }
    let rules = programme.scheduling_rules;
    let rules = SchedulingRules {
        ordering: rules
            .ordering
            .iter()
            .map(|o| Ordering {
                before: sessions[&o.before],
                after: sessions[&o.after],
            })
            .collect(),
        last_of_event: rules.last_of_event.map(|key| sessions[&key]),
        buffer_minutes: rules.buffer_minutes,
        ..SchedulingRules::default()
    };
    set_scheduling_rules(txn, &event, rules).await?;
    // The printed programme is the first published version.
    crate::app::publishing::versions::record_version(txn, &event, None, &[], now).await?;
    Ok(())
}
