//! Staged publishing: changes to a published programme wait in the organisers' working copy
//! until they publish; the public, the feeds and everyone's calendars keep the last published
//! version meanwhile, and one publication sends one update per changed session.

use crate::common;
use common::smtp::TestSmtp;
use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

const SLUG: &str = "sfax-2019";

/// A published on-site session with one registrant, the emails of its registration delivered.
async fn published_session_with_a_registrant(app: &TestApp) -> i64 {
    app.create("/api/v1/events", event_payload(SLUG)).await;
    let room = app
        .create(
            &format!("/api/v1/events/{SLUG}/rooms"),
            json!({"name": "Salle des fêtes", "capacity": 40}),
        )
        .await;
    let session = app
        .create(
            &format!("/api/v1/events/{SLUG}/sessions"),
            json!({"title": "Study visit to the Sfax welcome centre", "kind": "study_visit",
                   "starts_at": "2019-06-25T14:00", "ends_at": "2019-06-25T16:00",
                   "room_id": room["id"], "capacity": 30, "status": "published"}),
        )
        .await;
    success(
        app.post_json(
            &format!("/api/v1/events/{SLUG}/registrations"),
            None,
            json!({"name": "Amina Ben Salah", "email": "amina@example.org", "attendance": "on_site",
                   "language": "en", "timezone": "Africa/Tunis"}),
        )
        .await,
    )
    .await;
    app.dispatch_all_pending_emails().await;
    session["id"].as_i64().unwrap()
}

/// The iCalendar part of an email, decoded.
fn calendar_of(message: &common::smtp::Received) -> String {
    let parsed = message.parsed();
    let part = parsed
        .parts
        .iter()
        .find(|p| mail_parser::MimeHeaders::is_content_type(*p, "text", "calendar"))
        .expect("the email carries a calendar");
    String::from_utf8_lossy(part.contents()).into_owned()
}

fn sequence_of(message: &common::smtp::Received) -> Option<u32> {
    calendar_of(message)
        .lines()
        .find_map(|l| l.strip_prefix("SEQUENCE:"))
        .and_then(|n| n.trim().parse().ok())
}

async fn public_title(app: &TestApp, session: i64) -> Value {
    success(
        app.get(&format!("/api/v1/events/{SLUG}/sessions/{session}"))
            .await,
    )
    .await["title"]
        .clone()
}

#[tokio::test]
async fn edits_to_a_published_session_wait_for_publication_then_send_one_update() {
    let smtp = TestSmtp::start();
    let app = spawn_app_with(Options {
        env: vec![("CONVENE_SMTP_URL", smtp.url())],
        ..Options::default()
    })
    .await;
    let session = published_session_with_a_registrant(&app).await;
    let before = smtp.messages_to("amina@example.org").len();
    let path = format!("/api/v1/events/{SLUG}/sessions/{session}");
    let token = Some(app.admin_token.as_str());

    // Two edits: a new title, then a new time.
    success(
        app.patch_json(
            &path,
            token,
            json!({"title": "Visit to the Sfax welcome centre"}),
        )
        .await,
    )
    .await;
    let staged = success(
        app.patch_json(
            &path,
            token,
            json!({"starts_at": "2019-06-25T15:00", "ends_at": "2019-06-25T17:00"}),
        )
        .await,
    )
    .await;
    assert_eq!(staged["title"], "Visit to the Sfax welcome centre");
    assert_eq!(staged["starts_at"], "2019-06-25T14:00:00Z");
    assert_eq!(staged["unpublished_changes"], true);

    // The public, the organisers' item and list endpoints each see their own edition.
    assert_eq!(
        public_title(&app, session).await,
        "Study visit to the Sfax welcome centre"
    );
    let public_programme = app
        .get(&format!("/api/v1/events/{SLUG}/schedule.json"))
        .await
        .text()
        .await
        .unwrap();
    assert!(public_programme.contains("Study visit to the Sfax welcome centre"));
    assert!(!public_programme.contains("\"Visit to the Sfax"));
    let organisers = success(
        app.get_as(&app.admin_token, &format!("/api/v1/events/{SLUG}/sessions"))
            .await,
    )
    .await;
    assert_eq!(
        organisers["items"][0]["title"],
        "Visit to the Sfax welcome centre"
    );
    assert_eq!(organisers["items"][0]["unpublished_changes"], true);
    app.dispatch_all_pending_emails().await;
    assert_eq!(
        smtp.messages_to("amina@example.org").len(),
        before,
        "nobody hears of a staged change"
    );

    // The preview says what publishing will change and whom it will email, without doing it.
    let preview = success(
        app.get_as(
            &app.admin_token,
            &format!("/api/v1/events/{SLUG}/publish/preview"),
        )
        .await,
    )
    .await;
    assert_eq!(preview["would_update"], json!([session]));
    assert_eq!(preview["blocking"], json!([]));
    let recipients: Vec<&str> = preview["emails"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["recipient"].as_str().unwrap())
        .collect();
    assert_eq!(recipients, vec!["amina@example.org"]);
    assert_eq!(
        public_title(&app, session).await,
        "Study visit to the Sfax welcome centre",
        "the preview wrote nothing"
    );

    let published = success(
        app.post_json(&format!("/api/v1/events/{SLUG}/publish"), token, json!({}))
            .await,
    )
    .await;
    assert_eq!(published["updated"], json!([session]));
    assert_eq!(published["version"], 2);
    assert_eq!(
        public_title(&app, session).await,
        "Visit to the Sfax welcome centre"
    );
    app.dispatch_all_pending_emails().await;
    let received = smtp.messages_to("amina@example.org");
    assert_eq!(received.len(), before + 1, "one update sums up both edits");
    let update = received.last().unwrap();
    assert_eq!(sequence_of(update), Some(1));
    let text = calendar_of(update);
    assert!(
        text.contains("DTSTART:20190625T140000Z"),
        "the new time, in UTC: {text}"
    );
    let body = update.parsed().body_text(0).unwrap().into_owned();
    assert!(
        body.contains("Previously: Tuesday 25 June 2019")
            && body.contains("Previously titled: Study visit to the Sfax welcome centre"),
        "the update says what the session was: {body}"
    );
    let changelog = success(
        app.get_as(
            &app.admin_token,
            &format!("/api/v1/events/{SLUG}/changelog"),
        )
        .await,
    )
    .await;
    assert_eq!(changelog["changes"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn an_urgent_change_is_published_alone() {
    let app = spawn_app().await;
    let first = published_session_with_a_registrant(&app).await;
    let second = app
        .create(
            &format!("/api/v1/events/{SLUG}/sessions"),
            json!({"title": "Round table on reception policies", "kind": "panel",
                   "starts_at": "2019-06-26T09:00", "ends_at": "2019-06-26T11:00",
                   "attendance": "virtual", "online_url": "https://meet.example.org/sfax",
                   "status": "published"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let token = Some(app.admin_token.as_str());
    for (id, title) in [
        (first, "Visit (moved indoors)"),
        (second, "Round table, renamed"),
    ] {
        success(
            app.patch_json(
                &format!("/api/v1/events/{SLUG}/sessions/{id}"),
                token,
                json!({ "title": title }),
            )
            .await,
        )
        .await;
    }
    let published = app.publish_sessions(SLUG, &[first]).await;
    assert_eq!(published["updated"], json!([first]));
    assert_eq!(public_title(&app, first).await, "Visit (moved indoors)");
    assert_eq!(
        public_title(&app, second).await,
        "Round table on reception policies"
    );
    let unknown = app
        .post_json(
            &format!("/api/v1/events/{SLUG}/publish"),
            token,
            json!({"sessions": [999_999]}),
        )
        .await;
    assert_problem(
        unknown,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("sessions[0]"),
    )
    .await;
}

#[tokio::test]
async fn a_public_session_is_cancelled_by_publication_not_deleted_on_the_spot() {
    let smtp = TestSmtp::start();
    let app = spawn_app_with(Options {
        env: vec![("CONVENE_SMTP_URL", smtp.url())],
        ..Options::default()
    })
    .await;
    let session = published_session_with_a_registrant(&app).await;
    let path = format!("/api/v1/events/{SLUG}/sessions/{session}");
    let answer = app.delete(&path, Some(&app.admin_token)).await;
    assert_eq!(answer.status(), StatusCode::ACCEPTED);
    assert_eq!(body(answer).await["status"], "cancelled");
    assert_eq!(success(app.get(&path).await).await["status"], "published");
    let back_to_draft = app
        .patch_json(&path, Some(&app.admin_token), json!({"status": "draft"}))
        .await;
    assert_problem(
        back_to_draft,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("status"),
    )
    .await;

    app.publish_sessions(SLUG, &[session]).await;
    assert_eq!(success(app.get(&path).await).await["status"], "cancelled");
    app.dispatch_all_pending_emails().await;
    let last = smtp.messages_to("amina@example.org").pop().unwrap();
    let text = calendar_of(&last);
    assert!(text.contains("METHOD:CANCEL"), "{text}");
    assert_eq!(sequence_of(&last), Some(1));
}

#[tokio::test]
async fn a_speaker_added_to_a_public_session_is_invited_at_once_and_listed_at_publication() {
    let smtp = TestSmtp::start();
    let app = spawn_app_with(Options {
        env: vec![("CONVENE_SMTP_URL", smtp.url())],
        ..Options::default()
    })
    .await;
    let session = published_session_with_a_registrant(&app).await;
    let speaker = app
        .create(
            &format!("/api/v1/events/{SLUG}/speakers"),
            json!({"name": "Joëlle Haddad", "email": "joelle@example.org", "timezone": "Asia/Beirut",
                   "language": "en"}),
        )
        .await;
    let path = format!("/api/v1/events/{SLUG}/sessions/{session}");
    // Moved in the working copy first: the invitation shows the slot as it will be.
    success(
        app.patch_json(
            &path,
            Some(&app.admin_token),
            json!({"starts_at": "2019-06-25T15:00", "ends_at": "2019-06-25T17:00"}),
        )
        .await,
    )
    .await;
    let slot = app
        .create(
            &format!("{path}/participants"),
            json!({"speaker_id": speaker["id"], "role": "speaker"}),
        )
        .await;
    success(
        app.post_json(
            &format!("{path}/participants/{}/invite", slot["id"]),
            Some(&app.admin_token),
            json!({}),
        )
        .await,
    )
    .await;
    let public_line_up = success(app.get(&format!("{path}/participants")).await).await;
    assert_eq!(
        public_line_up["items"],
        json!([]),
        "not public before publication"
    );
    let organisers_line_up = success(
        app.get_as(&app.admin_token, &format!("{path}/participants"))
            .await,
    )
    .await;
    assert_eq!(organisers_line_up["items"].as_array().unwrap().len(), 1);
    app.dispatch_all_pending_emails().await;
    let invitation = smtp
        .messages_to("joelle@example.org")
        .pop()
        .expect("invited at once");
    let text = calendar_of(&invitation);
    assert!(
        text.contains("DTSTART:20190625T140000Z"),
        "the working copy's slot: {text}"
    );

    app.publish_sessions(SLUG, &[session]).await;
    let public_line_up = success(app.get(&format!("{path}/participants")).await).await;
    assert_eq!(
        public_line_up["items"][0]["speaker"]["name"],
        "Joëlle Haddad"
    );
}

#[tokio::test]
async fn no_route_makes_a_conflicting_session_public_unless_its_conflict_is_acknowledged() {
    let app = spawn_app().await;
    app.create("/api/v1/events", event_payload(SLUG)).await;
    let token = Some(app.admin_token.as_str());
    // On site without a room: an error-level conflict.
    let roomless = json!({"title": "Welcome walk", "kind": "study_visit",
        "starts_at": "2019-06-25T09:00", "ends_at": "2019-06-25T10:00", "status": "published"});
    let refused = app
        .post_json(
            &format!("/api/v1/events/{SLUG}/sessions"),
            token,
            roomless.clone(),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let mut draft = roomless;
    draft["status"] = json!("draft");
    let session = app
        .create(&format!("/api/v1/events/{SLUG}/sessions"), draft)
        .await["id"]
        .as_i64()
        .unwrap();
    let by_patch = app
        .patch_json(
            &format!("/api/v1/events/{SLUG}/sessions/{session}"),
            token,
            json!({"status": "published"}),
        )
        .await;
    assert_eq!(by_patch.status(), StatusCode::CONFLICT);
    let publish = format!("/api/v1/events/{SLUG}/publish");
    let blocked = body(app.post_json(&publish, token, json!({})).await).await;
    let id = blocked["conflicts"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(id, format!("on_site_without_room:{session}:"));
    let stale = app
        .post_json(
            &publish,
            token,
            json!({"acknowledge": ["speaker_overlap:1+2:3"]}),
        )
        .await;
    assert_problem(
        stale,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("acknowledge[0]"),
    )
    .await;

    let published = success(
        app.post_json(&publish, token, json!({"acknowledge": [id]}))
            .await,
    )
    .await;
    assert_eq!(published["published"], json!([session]));
    assert_eq!(published["acknowledged"], json!([id]));
    let version = success(
        app.get_as(
            &app.admin_token,
            &format!("/api/v1/events/{SLUG}/versions/1"),
        )
        .await,
    )
    .await;
    assert_eq!(version["acknowledged"], json!([id]));
    // The acknowledgement holds for later publications while the conflict lasts; a bare POST
    // (no body at all) publishes, as before.
    let bare = app
        .request(reqwest::Method::POST, &publish)
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_public_participants_new_role_and_order_wait_for_publication() {
    let app = spawn_demo().await;
    let sessions = success(app.get("/api/v1/events/izmir-2021/sessions").await).await;
    let session = &sessions["items"][0];
    let id = session["id"].as_i64().unwrap();
    let first = &session["participants"][0];
    let path = format!("/api/v1/events/izmir-2021/sessions/{id}/participants");
    let edited = success(
        app.patch_json(
            &format!("{path}/{}", first["id"]),
            Some(&app.admin_token),
            json!({"role": "moderator", "order": 99}),
        )
        .await,
    )
    .await;
    assert_eq!(edited["role"], "moderator");
    let public = success(app.get(&path).await).await;
    assert_eq!(
        public["items"][0]["id"], first["id"],
        "the public order holds"
    );
    assert_eq!(public["items"][0]["role"], first["role"]);
    let working = success(app.get_as(&app.admin_token, &path).await).await;
    let last = working["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["id"].clone(), last["role"].clone()),
        (first["id"].clone(), json!("moderator"))
    );
    let preview = success(
        app.get_as(
            &app.admin_token,
            "/api/v1/events/izmir-2021/publish/preview",
        )
        .await,
    )
    .await;
    assert_eq!(preview["would_update"], json!([id]));

    app.publish_sessions("izmir-2021", &[id]).await;
    let public = success(app.get(&path).await).await;
    let last = public["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["id"].clone(), last["role"].clone()),
        (first["id"].clone(), json!("moderator"))
    );
}
