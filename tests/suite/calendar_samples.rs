//! Writes the calendars Convene produces (feeds and invitations, as received over SMTP) with
//! what they must mean, for the independent parsers that `.ci/run` then runs on them:
//! Python's `icalendar` and Mozilla's `ical.js` (tests/interop/).

use crate::common;

use common::smtp::TestSmtp;
use common::*;
use mail_parser::MimeHeaders;
use serde_json::{Value, json};

fn calendar_part(data: &[u8]) -> String {
    let parsed = mail_parser::MessageParser::default().parse(data).unwrap();
    let part = parsed
        .parts
        .iter()
        .find(|p| {
            p.content_type()
                .is_some_and(|c| c.subtype() == Some("calendar"))
        })
        .unwrap();
    String::from_utf8(part.contents().to_vec()).unwrap()
}

#[tokio::test]
async fn calendars_are_written_for_external_parsers() {
    let smtp = TestSmtp::start();
    let app = spawn_app_with(Options {
        demo: true,
        env: vec![("CONVENE_SMTP_URL", smtp.url())],
        ..Options::default()
    })
    .await;
    let payload = json!({"name": "Ülaş \"Ulas\" Bayraktar, Mersin; Kültürhane", "email": "ulas@example.org", "attendance": "virtual", "language": "fr", "timezone": "America/Toronto"});
    let registration = success(
        app.post_json("/api/v1/events/izmir-2021/registrations", None, payload)
            .await,
    )
    .await;
    let sessions = success(app.get("/api/v1/events/izmir-2021/sessions").await).await;
    let first = &sessions["items"][0];
    let id = first["id"].as_i64().unwrap();
    app.dispatch_all_pending_emails().await;
    let path = format!("/api/v1/events/izmir-2021/sessions/{id}");
    app.patch_json(
        &path,
        Some(&app.admin_token),
        json!({"starts_at": "2021-12-07T16:30", "ends_at": "2021-12-07T18:00"}),
    )
    .await;
    app.publish_sessions("izmir-2021", &[id]).await;
    app.dispatch_all_pending_emails().await;
    app.patch_json(
        &path,
        Some(&app.admin_token),
        json!({"status": "cancelled"}),
    )
    .await;
    app.publish_sessions("izmir-2021", &[id]).await;
    app.dispatch_all_pending_emails().await;

    let mine: Vec<String> = smtp
        .messages_to("ulas@example.org")
        .iter()
        .filter(|m| String::from_utf8_lossy(&m.data).contains("text/calendar"))
        .map(|m| calendar_part(&m.data))
        .filter(|c| c.contains(&format!("UID:session-{id}@convene.test")))
        .collect();
    assert_eq!(
        mine.len(),
        3,
        "request, update and cancel of the first session"
    );

    let organizer = "mailto:organisers@convene.localhost";
    let attendee = "mailto:ulas@example.org";
    let uid = format!("session-{id}@convene.test");
    let expectations: Vec<(&str, String, Value)> = vec![
        (
            "invitation-request.ics",
            mine[0].clone(),
            json!({"method": "REQUEST", "events": [{"uid": uid, "sequence": 0, "start": "2021-12-07T13:00:00Z", "end": "2021-12-07T14:30:00Z", "status": "CONFIRMED", "organizer": organizer, "attendee": attendee, "attendee_cn": "Ülaş 'Ulas' Bayraktar, Mersin; Kültürhane",
                                            "partstat": "ACCEPTED", "role": "OPT-PARTICIPANT"}]}),
        ),
        (
            "invitation-update.ics",
            mine[1].clone(),
            json!({"method": "REQUEST", "events": [{"uid": uid, "sequence": 1, "start": "2021-12-07T13:30:00Z", "end": "2021-12-07T15:00:00Z", "status": "CONFIRMED", "organizer": organizer, "attendee": attendee, "partstat": "ACCEPTED"}]}),
        ),
        (
            "invitation-cancel.ics",
            mine[2].clone(),
            json!({"method": "CANCEL", "events": [{"uid": uid, "sequence": 2, "start": "2021-12-07T13:30:00Z", "end": "2021-12-07T15:00:00Z", "status": "CANCELLED", "organizer": organizer, "attendee": attendee}]}),
        ),
    ];
    let feed = app
        .get("/api/v1/events/izmir-2021/calendar.ics")
        .await
        .text()
        .await
        .unwrap();
    let remaining = success(app.get("/api/v1/events/izmir-2021/sessions").await).await;
    let feed_events: Vec<Value> = remaining["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let start: chrono::DateTime<chrono::Utc> = s["starts_at"].as_str().unwrap().parse().unwrap();
            let end: chrono::DateTime<chrono::Utc> = s["ends_at"].as_str().unwrap().parse().unwrap();
            json!({"uid": format!("session-{}@convene.test", s["id"]), "sequence": s["revision"], "start": start.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                   "end": end.to_rfc3339_opts(chrono::SecondsFormat::Secs, true), "status": "CONFIRMED", "summary": s["title"]})
        })
        .collect();
    let personal_path = registration["feed_url"]
        .as_str()
        .unwrap()
        .strip_prefix("http://convene.test")
        .unwrap()
        .to_owned();
    let personal = app.get(&personal_path).await.text().await.unwrap();

    // A speaker's own slot: tentative at the invitation, accepted once they confirm.
    let slot = &remaining["items"][0]["participants"][0];
    let participant = slot["id"].as_i64().unwrap();
    let session = remaining["items"][0]["id"].as_i64().unwrap();
    success(
        app.patch_json(
            &format!("/api/v1/events/izmir-2021/speakers/{}", slot["speaker_id"]),
            Some(&app.admin_token),
            json!({"email": "speaker@example.org"}),
        )
        .await,
    )
    .await;
    success(
        app.post_json(
            &format!(
                "/api/v1/events/izmir-2021/sessions/{session}/participants/{participant}/invite"
            ),
            Some(&app.admin_token),
            json!({}),
        )
        .await,
    )
    .await;
    app.dispatch_all_pending_emails().await;
    let invitation = smtp.messages_to("speaker@example.org").pop().unwrap();
    let text = invitation.parsed().body_text(0).unwrap().into_owned();
    let link = regex::Regex::new(r"http://convene\.test(/speak/[A-Za-z0-9_-]+)")
        .unwrap()
        .captures(&text)
        .expect("the answer link")[1]
        .to_owned();
    success(
        app.post_json(&link, None, json!({"decision": "confirm"}))
            .await,
    )
    .await;
    app.dispatch_all_pending_emails().await;
    let confirmation = smtp.messages_to("speaker@example.org").pop().unwrap();
    let slot_uid = format!("slot-{participant}@convene.test");
    let speaker = "mailto:speaker@example.org";
    let slot_times = (
        remaining["items"][0]["starts_at"]
            .as_str()
            .unwrap()
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        remaining["items"][0]["ends_at"]
            .as_str()
            .unwrap()
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    );
    // A moderator chairs their slot, and a decline withdraws it, one SEQUENCE up.
    let sessions = success(
        app.get_as(&app.admin_token, "/api/v1/events/izmir-2021/sessions")
            .await,
    )
    .await;
    let (chair_session, chair) = sessions["items"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|s| {
            s["participants"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["role"] == "moderator")
                .map(|p| (s.clone(), p.clone()))
        })
        .expect("a moderator in the demo");
    success(
        app.patch_json(
            &format!("/api/v1/events/izmir-2021/speakers/{}", chair["speaker_id"]),
            Some(&app.admin_token),
            json!({"email": "moderator@example.org"}),
        )
        .await,
    )
    .await;
    success(
        app.post_json(
            &format!(
                "/api/v1/events/izmir-2021/sessions/{}/participants/{}/invite",
                chair_session["id"], chair["id"]
            ),
            Some(&app.admin_token),
            json!({}),
        )
        .await,
    )
    .await;
    app.dispatch_all_pending_emails().await;
    let chair_invitation = smtp.messages_to("moderator@example.org").pop().unwrap();
    let chair_link = regex::Regex::new(r"http://convene\.test(/speak/[A-Za-z0-9_-]+)")
        .unwrap()
        .captures(&chair_invitation.parsed().body_text(0).unwrap())
        .expect("the answer link")[1]
        .to_owned();
    success(
        app.post_json(&chair_link, None, json!({"decision": "decline"}))
            .await,
    )
    .await;
    app.dispatch_all_pending_emails().await;
    let chair_declined = smtp.messages_to("moderator@example.org").pop().unwrap();
    let chair_uid = format!("slot-{}@convene.test", chair["id"]);
    let utc = |v: &serde_json::Value| {
        v.as_str()
            .unwrap()
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    };
    let chair_times = (
        utc(&chair_session["starts_at"]),
        utc(&chair_session["ends_at"]),
    );
    let moderator = "mailto:moderator@example.org";
    let speaker_samples = vec![
        (
            "moderator-tentative.ics",
            calendar_part(&chair_invitation.data),
            json!({"method": "REQUEST", "events": [{"uid": chair_uid, "sequence": 0, "start": chair_times.0, "end": chair_times.1, "status": "TENTATIVE",
                   "organizer": organizer, "attendee": moderator, "partstat": "NEEDS-ACTION", "role": "CHAIR"}]}),
        ),
        (
            "moderator-declined.ics",
            calendar_part(&chair_declined.data),
            json!({"method": "CANCEL", "events": [{"uid": chair_uid, "sequence": 1, "start": chair_times.0, "end": chair_times.1, "status": "CANCELLED",
                   "organizer": organizer, "attendee": moderator, "partstat": "DECLINED", "role": "CHAIR"}]}),
        ),
        (
            "speaker-tentative.ics",
            calendar_part(&invitation.data),
            json!({"method": "REQUEST", "events": [{"uid": slot_uid, "sequence": 0, "start": slot_times.0, "end": slot_times.1, "status": "TENTATIVE",
                   "organizer": organizer, "attendee": speaker, "partstat": "NEEDS-ACTION", "role": "REQ-PARTICIPANT"}]}),
        ),
        (
            "speaker-confirmed.ics",
            calendar_part(&confirmation.data),
            json!({"method": "REQUEST", "events": [{"uid": slot_uid, "sequence": 1, "start": slot_times.0, "end": slot_times.1, "status": "CONFIRMED",
                   "organizer": organizer, "attendee": speaker, "partstat": "ACCEPTED", "role": "REQ-PARTICIPANT"}]}),
        ),
    ];

    let dir = std::env::var("CONVENE_CALENDAR_SAMPLES")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| {
            std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("calendar-samples")
        });
    std::fs::create_dir_all(&dir).unwrap();
    let mut manifest = Vec::new();
    for (file, text, expected) in expectations.into_iter().chain(speaker_samples).chain([
        (
            "event-feed.ics",
            feed,
            json!({"method": "PUBLISH", "events": feed_events}),
        ),
        (
            "personal-feed.ics",
            personal.clone(),
            json!({"method": "PUBLISH", "event_count": 5}),
        ),
    ]) {
        // Our own reading first: the Rust icalendar parser must read every file.
        let parsed: icalendar::Calendar = text.parse().unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(!parsed.components.is_empty());
        std::fs::write(dir.join(file), &text).unwrap();
        manifest.push(json!({"file": file, "expected": expected}));
    }
    std::fs::write(
        dir.join("expected.json"),
        serde_json::to_string_pretty(&manifest).unwrap(),
    )
    .unwrap();
    println!("calendar samples written to {}", dir.display());
}
