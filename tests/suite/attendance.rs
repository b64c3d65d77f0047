//! Attendance through HTTP: registration in both modes, seats under a burst, the waitlist,
//! self-service, erasure, organiser reports, abuse limits.

use crate::common;

use std::sync::Arc;

use common::smtp::TestSmtp;
use common::*;
use futures::StreamExt;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn person(i: usize, attendance: &str) -> Value {
    json!({"name": format!("Person {i}"), "email": format!("person{i}@example.org"), "attendance": attendance,
           "organisation": "Ville de Sfax", "city": if i.is_multiple_of(3) { "Sfax" } else { "Tunis" }, "country": "Tunisie", "language": "fr", "timezone": "Africa/Tunis"})
}

/// An on-site event with one published session of `seats` seats, for capacity tests.
async fn small_event(app: &TestApp, seats: u32) -> i64 {
    app.create("/api/v1/events", event_payload("sfax-2019"))
        .await;
    let session = app
        .create(
            "/api/v1/events/sfax-2019/sessions",
            json!({"title": "Study visit to the Sfax welcome centre", "kind": "study_visit", "starts_at": "2019-06-25T14:00", "ends_at": "2019-06-25T16:00",
                   "room_id": welcome_centre(app).await, "capacity": seats, "status": "published"}),
        )
        .await;
    session["id"].as_i64().unwrap()
}

/// The Sfax event's venue, big enough for any test: on-site sessions need a room to publish.
async fn welcome_centre(app: &TestApp) -> i64 {
    let rooms = success(app.get("/api/v1/events/sfax-2019/rooms").await).await;
    if let Some(id) = rooms["items"][0]["id"].as_i64() {
        return id;
    }
    app.create(
        "/api/v1/events/sfax-2019/rooms",
        json!({"name": "Welcome centre", "capacity": 2000}),
    )
    .await["id"]
        .as_i64()
        .unwrap()
}

fn token_of(registration: &Value) -> String {
    registration["manage_url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned()
}

async fn register(app: &TestApp, slug: &str, payload: Value) -> (StatusCode, Value) {
    let response = app
        .post_json(
            &format!("/api/v1/events/{slug}/registrations"),
            None,
            payload,
        )
        .await;
    let status = response.status();
    (status, body(response).await)
}

#[tokio::test]
async fn people_register_online_or_on_site_and_see_their_sessions_in_their_zone() {
    let app = spawn_demo().await;
    let (status, online) = register(&app, "izmir-2021", json!({"name": "Valérie", "email": "v@example.org", "attendance": "virtual", "timezone": "America/Toronto", "language": "fr"})).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(online["sessions"].as_array().unwrap().len(), 5);
    assert_eq!(
        online["sessions"][0]["times"]["text"],
        "Toronto: 8h-9h30 EST (UTC-5)"
    );
    assert!(
        online["manage_url"]
            .as_str()
            .unwrap()
            .starts_with("http://convene.test/r/")
    );
    assert!(online["feed_url"].as_str().unwrap().ends_with(".ics"));
    assert_eq!(
        online["sessions"][0]["online_url"],
        "https://meet.example.org/izmir-2021/dialogue-des-maires",
        "confirmed registrants see their link"
    );

    let (status, on_site) = register(
        &app,
        "izmir-2021",
        json!({"name": "Tunç", "email": "t@example.org", "attendance": "on_site"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let modes: Vec<&str> = on_site["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["mode"].as_str().unwrap())
        .collect();
    assert_eq!(
        modes,
        [
            "virtual", "virtual", "virtual", "virtual", "virtual", "on_site", "on_site", "on_site"
        ]
    );
    assert_eq!(
        on_site["timezone"], "Europe/Istanbul",
        "defaults to the event's zone"
    );

    let token = token_of(&online);
    let seen = success(app.get(&format!("/api/v1/registrations/{token}")).await).await;
    assert_eq!(seen["id"], online["id"]);
    assert!(
        seen.get("manage_url").is_none(),
        "the secret link is only shown once"
    );

    // An on-site-only session cannot be chosen online.
    let sessions = success(app.get("/api/v1/events/izmir-2021/sessions").await).await;
    let recital = sessions["items"][5]["id"].clone();
    let (status, problem) = register(&app, "izmir-2021", json!({"name": "X", "email": "x@example.org", "attendance": "virtual", "session_ids": [recital]})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "session_ids[0]");
}

#[tokio::test]
async fn registering_twice_with_the_same_email_returns_the_first_registration() {
    let app = spawn_demo().await;
    let (first_status, first) = register(
        &app,
        "izmir-2021",
        json!({"name": "A", "email": "same@example.org", "attendance": "virtual"}),
    )
    .await;
    let (second_status, second) = register(
        &app,
        "izmir-2021",
        json!({"name": "A again", "email": "SAME@example.org", "attendance": "on_site"}),
    )
    .await;
    assert_eq!(
        (first_status, second_status),
        (StatusCode::CREATED, StatusCode::OK)
    );
    assert_eq!(first["id"], second["id"]);
    assert_eq!(second["attendance"], "virtual");
    assert!(second.get("manage_url").is_none());
    let listed = success(
        app.get_as(&app.admin_token, "/api/v1/events/izmir-2021/registrations")
            .await,
    )
    .await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_same_person_registering_many_times_at_once_is_registered_once() {
    // Simultaneous repeats land in the same batch of seat-giving, or in consecutive ones.
    let app = Arc::new(spawn_demo().await);
    // Among others registering, so that batches form.
    let answers: Vec<(StatusCode, Value)> = futures::stream::iter(0..60)
        .map(|i| {
            let app = app.clone();
            async move {
                let email = if i % 5 == 0 {
                    "eager@example.org".to_owned()
                } else {
                    format!("other{i}@example.org")
                };
                let payload =
                    json!({"name": format!("Try {i}"), "email": email, "attendance": "virtual"});
                register(&app, "izmir-2021", payload).await
            }
        })
        .buffer_unordered(60)
        .collect()
        .await;
    let answers: Vec<(StatusCode, Value)> = answers
        .into_iter()
        .filter(|(_, registration)| registration["email"] == "eager@example.org")
        .collect();
    assert_eq!(answers.len(), 12);
    let created: Vec<&Value> = answers
        .iter()
        .filter(|(status, _)| *status == StatusCode::CREATED)
        .map(|(_, registration)| registration)
        .collect();
    assert_eq!(created.len(), 1, "{answers:?}");
    assert!(
        answers
            .iter()
            .all(|(status, registration)| (*status == StatusCode::CREATED
                || *status == StatusCode::OK)
                && registration["id"] == created[0]["id"]),
        "{answers:?}"
    );
    let listed = success(
        app.get_as(
            &app.admin_token,
            "/api/v1/events/izmir-2021/registrations?q=eager",
        )
        .await,
    )
    .await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_burst_of_500_registrations_for_50_seats_confirms_exactly_50() {
    let app = Arc::new(spawn_app().await);
    let session = small_event(&app, 50).await;
    let mut tasks = Vec::new();
    for i in 0..500 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            register(&app, "sfax-2019", person(i, "on_site")).await
        }));
    }
    let mut confirmed = 0;
    let mut waitlisted = 0;
    for task in tasks {
        let (status, registration) = task.await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{registration}");
        match registration["sessions"][0]["status"].as_str().unwrap() {
            "confirmed" => confirmed += 1,
            "waitlisted" => waitlisted += 1,
            other => panic!("unexpected seat status {other}"),
        }
    }
    assert_eq!((confirmed, waitlisted), (50, 450));
    let report = success(
        app.get_as(&app.admin_token, "/api/v1/events/sfax-2019/attendance")
            .await,
    )
    .await;
    let counts = &report["sessions"][0];
    assert_eq!(counts["session_id"], session);
    assert_eq!(
        (
            counts["confirmed_on_site"].as_i64(),
            counts["waitlisted"].as_u64()
        ),
        (Some(50), Some(450))
    );
    assert_eq!(report["registrations"], 500);
}

/// The SEQUENCE of the calendar in `message`, if it carries one.
fn calendar_sequence(message: &common::smtp::Received) -> Option<u32> {
    let parsed = message.parsed();
    let part = parsed
        .parts
        .iter()
        .find(|p| mail_parser::MimeHeaders::is_content_type(*p, "text", "calendar"))?;
    let text = String::from_utf8_lossy(part.contents()).into_owned();
    text.lines()
        .find_map(|l| l.strip_prefix("SEQUENCE:"))
        .and_then(|n| n.trim().parse().ok())
}

#[tokio::test]
async fn registrations_racing_a_session_move_all_end_with_the_final_invitation() {
    // A registration reads the programme before it takes the event's lock; if the session moves
    // in between, it must notice and not queue an invitation for the old time that no update
    // will ever correct.
    let smtp = TestSmtp::start();
    let app = Arc::new(
        spawn_app_with(Options {
            env: vec![("CONVENE_SMTP_URL", smtp.url())],
            ..Options::default()
        })
        .await,
    );
    let session = small_event(&app, 1000).await;
    // People already in: moving the session then queues hundreds of updates, which keeps the
    // move's transaction open while the next people register.
    let early = 300;
    futures::stream::iter(0..early)
        .for_each_concurrent(32, |i| {
            let app = app.clone();
            async move {
                let (status, registration) =
                    register(&app, "sfax-2019", person(i, "on_site")).await;
                assert_eq!(status, StatusCode::CREATED, "{registration}");
            }
        })
        .await;
    let people = early + 120;
    let late: Vec<_> = (early..people)
        .map(|i| {
            let app = app.clone();
            tokio::spawn(async move {
                // One arrival a millisecond, so that some read the programme while it moves.
                tokio::time::sleep(std::time::Duration::from_millis((i - early) as u64)).await;
                register(&app, "sfax-2019", person(i, "on_site")).await
            })
        })
        .collect();
    let moved = app
        .patch_json(
            &format!("/api/v1/events/sfax-2019/sessions/{session}"),
            Some(&app.admin_token),
            json!({"starts_at": "2019-06-25T15:00", "ends_at": "2019-06-25T17:00"}),
        )
        .await;
    success(moved).await;
    let published = app.publish_sessions("sfax-2019", &[session]).await;
    assert_eq!(published["updated"], json!([session]));
    let moved = success(
        app.get(&format!("/api/v1/events/sfax-2019/sessions/{session}"))
            .await,
    )
    .await;
    assert_eq!(moved["revision"], 1);
    for task in late {
        let (status, registration) = task.await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{registration}");
        assert_eq!(registration["sessions"][0]["status"], "confirmed");
    }
    app.dispatch_all_pending_emails().await;
    for i in 0..people {
        let received = smtp.messages_to(&format!("person{i}@example.org"));
        let newest = received.iter().filter_map(calendar_sequence).max();
        assert_eq!(
            newest,
            Some(1),
            "person{i}'s newest calendar entry is the moved session"
        );
    }
}

#[tokio::test]
async fn a_registration_after_a_programme_change_sees_the_changed_programme() {
    // Registrations read the programme once per change, not once per person: the copy they
    // share must not outlive a change.
    let app = spawn_app().await;
    let first_session = small_event(&app, 10).await;
    let (_, before) = register(&app, "sfax-2019", person(1, "on_site")).await;
    assert_eq!(before["sessions"].as_array().unwrap().len(), 1);
    let added = app
        .create(
            "/api/v1/events/sfax-2019/sessions",
            json!({"title": "Peer review of the Sfax welcome desk", "kind": "workshop", "starts_at": "2019-06-26T09:00", "ends_at": "2019-06-26T11:00",
                   "room_id": welcome_centre(&app).await, "capacity": 10, "status": "published"}),
        )
        .await;
    let (_, after) = register(&app, "sfax-2019", person(2, "on_site")).await;
    let ids: Vec<i64> = after["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["session_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![first_session, added["id"].as_i64().unwrap()]);
    let renamed = app
        .patch_json(
            &format!("/api/v1/events/sfax-2019/sessions/{first_session}"),
            Some(&app.admin_token),
            json!({"title": "Visit to the Sfax welcome centre"}),
        )
        .await;
    assert_eq!(renamed.status(), StatusCode::OK);
    app.publish_sessions("sfax-2019", &[first_session]).await;
    let (_, third) = register(&app, "sfax-2019", person(3, "on_site")).await;
    assert_eq!(
        third["sessions"][0]["title"],
        "Visit to the Sfax welcome centre"
    );
}

#[tokio::test]
async fn many_people_registering_at_once_for_a_long_programme_all_get_every_seat() {
    // Registrations arriving together are written together: here far more seats and emails
    // than one SQL statement may carry (SQLite takes 32,766 parameters, PostgreSQL 65,535).
    let app = Arc::new(spawn_app().await);
    app.create("/api/v1/events", event_payload("long-summit"))
        .await;
    let sessions = 60;
    for i in 0..sessions {
        app.create(
            "/api/v1/events/long-summit/sessions",
            json!({"title": format!("Workshop {i}"), "kind": "workshop", "attendance": "virtual",
                   "starts_at": format!("2019-06-25T{:02}:00", 8 + i % 10), "ends_at": format!("2019-06-25T{:02}:45", 8 + i % 10),
                   "online_url": "https://meet.example.org/long-summit", "status": "published"}),
        )
        .await;
    }
    let people = 120;
    let answers: Vec<(StatusCode, Value)> = futures::stream::iter(0..people)
        .map(|i| {
            let app = app.clone();
            async move { register(&app, "long-summit", person(i, "virtual")).await }
        })
        .buffer_unordered(people)
        .collect()
        .await;
    for (status, registration) in &answers {
        assert_eq!(*status, StatusCode::CREATED, "{registration}");
        let seats = registration["sessions"].as_array().unwrap();
        assert_eq!(seats.len(), sessions);
        assert!(seats.iter().all(|s| s["status"] == "confirmed"));
    }
    let report = success(
        app.get_as(&app.admin_token, "/api/v1/events/long-summit/attendance")
            .await,
    )
    .await;
    let counts = report["sessions"].as_array().unwrap();
    assert_eq!(counts.len(), sessions);
    assert!(
        counts
            .iter()
            .all(|c| c["confirmed_virtual"].as_u64() == Some(people as u64)),
        "{report}"
    );
    let outbox = success(
        app.get_as(&app.admin_token, "/api/v1/events/long-summit/outbox")
            .await,
    )
    .await;
    assert_eq!(
        outbox["pending"].as_u64(),
        Some((people * sessions) as u64),
        "one invitation per seat; no summary, since every seat is confirmed"
    );
}

#[tokio::test]
async fn a_cancellation_promotes_the_next_on_the_waitlist_who_is_told_by_email() {
    let smtp = TestSmtp::start();
    let app = spawn_app_with(Options {
        env: vec![("CONVENE_SMTP_URL", smtp.url())],
        ..Options::default()
    })
    .await;
    small_event(&app, 1).await;
    let (_, first) = register(&app, "sfax-2019", person(1, "on_site")).await;
    let (_, second) = register(&app, "sfax-2019", person(2, "on_site")).await;
    let (_, third) = register(&app, "sfax-2019", person(3, "on_site")).await;
    assert_eq!(first["sessions"][0]["status"], "confirmed");
    assert_eq!(
        (
            second["sessions"][0]["status"].as_str(),
            second["sessions"][0]["waitlist_position"].as_u64()
        ),
        (Some("waitlisted"), Some(1))
    );
    assert_eq!(third["sessions"][0]["waitlist_position"], 2);
    assert!(second["sessions"][0].get("online_url").is_none());
    app.dispatch_all_pending_emails().await;
    assert_eq!(
        smtp.messages_to("person2@example.org").len(),
        1,
        "a waitlisted person gets the confirmation only, no invitation yet"
    );

    let cancelled = app
        .delete(&format!("/api/v1/registrations/{}", token_of(&first)), None)
        .await;
    assert_eq!(cancelled.status(), StatusCode::OK);
    app.dispatch_all_pending_emails().await;
    let promoted = success(
        app.get(&format!("/api/v1/registrations/{}", token_of(&second)))
            .await,
    )
    .await;
    assert_eq!(promoted["sessions"][0]["status"], "confirmed");
    let third_now = success(
        app.get(&format!("/api/v1/registrations/{}", token_of(&third)))
            .await,
    )
    .await;
    assert_eq!(third_now["sessions"][0]["waitlist_position"], 1);
    let to_second = smtp.messages_to("person2@example.org");
    assert_eq!(to_second.len(), 2);
    let subject = to_second[1].parsed().subject().unwrap().to_owned();
    assert!(
        subject.starts_with("Place confirmée : Study visit"),
        "{subject}"
    );
    assert!(String::from_utf8_lossy(&to_second[1].data).contains("method=REQUEST"));
    // The cancelled registrant: the CANCEL their calendar needs, and one email saying so.
    let to_first = smtp.messages_to("person1@example.org");
    let after_cancelling: Vec<String> = to_first[1..]
        .iter()
        .map(|m| m.parsed().subject().unwrap().to_owned())
        .collect();
    assert_eq!(after_cancelling.len(), 2, "{after_cancelling:?}");
    assert!(
        to_first[1..]
            .iter()
            .any(|m| String::from_utf8_lossy(&m.data).contains("method=CANCEL"))
    );
    assert!(
        after_cancelling
            .iter()
            .any(|s| s.starts_with("Inscription annulée : ")),
        "{after_cancelling:?}"
    );
}

#[tokio::test]
async fn the_meeting_link_never_appears_in_a_public_response() {
    let app = spawn_demo().await;
    let sessions = success(app.get("/api/v1/events/izmir-2021/sessions").await).await;
    let id = sessions["items"][0]["id"].as_i64().unwrap();
    for path in [
        "/api/v1/events".to_owned(),
        "/api/v1/events/izmir-2021".to_owned(),
        "/api/v1/events/izmir-2021/sessions".to_owned(),
        format!("/api/v1/events/izmir-2021/sessions/{id}"),
        format!("/api/v1/events/izmir-2021/sessions/{id}/participants"),
        format!("/api/v1/events/izmir-2021/sessions/{id}/calendar.ics"),
        "/api/v1/events/izmir-2021/programme".to_owned(),
        "/api/v1/events/izmir-2021/programme?lang=en&tz=Asia/Tokyo".to_owned(),
        "/api/v1/events/izmir-2021/calendar.ics".to_owned(),
        "/api/v1/events/izmir-2021/speakers".to_owned(),
    ] {
        let text = app.get(&path).await.text().await.unwrap();
        assert!(
            !text.contains("meet.example.org"),
            "{path} shows a meeting link"
        );
    }
    // A waitlisted or cancelled registrant does not see it either.
    let (_, registration) = register(
        &app,
        "izmir-2021",
        json!({"name": "W", "email": "w@example.org", "attendance": "virtual"}),
    )
    .await;
    app.delete(
        &format!("/api/v1/registrations/{}", token_of(&registration)),
        None,
    )
    .await;
    let seen = app
        .get(&format!(
            "/api/v1/registrations/{}",
            token_of(&registration)
        ))
        .await
        .text()
        .await
        .unwrap();
    assert!(!seen.contains("meet.example.org"));
}

#[tokio::test]
async fn registrants_switch_modes_and_change_sessions_themselves() {
    let app = spawn_demo().await;
    let sessions = success(app.get("/api/v1/events/izmir-2021/sessions").await).await;
    let ids: Vec<i64> = sessions["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    let (_, registration) = register(
        &app,
        "izmir-2021",
        json!({"name": "M", "email": "m@example.org", "attendance": "virtual"}),
    )
    .await;
    let path = format!("/api/v1/registrations/{}", token_of(&registration));

    let on_site = success(
        app.patch_json(
            &path,
            None,
            json!({"attendance": "on_site", "session_ids": [ids[0], ids[6], ids[7]]}),
        )
        .await,
    )
    .await;
    let seats: Vec<(i64, &str, &str)> = on_site["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["session_id"].as_i64().unwrap(),
                s["mode"].as_str().unwrap(),
                s["status"].as_str().unwrap(),
            )
        })
        .collect();
    let active: Vec<_> = seats.iter().filter(|s| s.2 != "cancelled").collect();
    assert_eq!(active.len(), 3);
    assert!(active.contains(&&(ids[6], "on_site", "confirmed")));

    // Back online: on-site-only sessions are dropped, the online one stays.
    let online = success(
        app.patch_json(&path, None, json!({"attendance": "virtual"}))
            .await,
    )
    .await;
    let active: Vec<i64> = online["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["status"] != "cancelled")
        .map(|s| s["session_id"].as_i64().unwrap())
        .collect();
    assert_eq!(active, [ids[0]]);
    let problem = assert_problem(
        app.patch_json(&path, None, json!({"session_ids": [ids[7]]}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("session_ids[0]"),
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains("on site only"));
    let with_zone = success(
        app.patch_json(&path, None, json!({"timezone": "Asia/Tokyo"}))
            .await,
    )
    .await;
    assert!(
        with_zone["sessions"][0]["times"]["text"]
            .as_str()
            .unwrap()
            .starts_with("Tokyo: 22h")
    );
}

#[tokio::test]
async fn erasure_leaves_no_personal_data_and_keeps_counts_right() {
    let app = spawn_app().await;
    small_event(&app, 1).await;
    let (_, first) = register(&app, "sfax-2019", person(1, "on_site")).await;
    let (_, second) = register(&app, "sfax-2019", person(2, "on_site")).await;
    let erased = app
        .post_json(
            &format!("/api/v1/registrations/{}/erase", token_of(&first)),
            None,
            json!({}),
        )
        .await;
    assert_eq!(erased.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(&format!("/api/v1/registrations/{}", token_of(&first)))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    use sea_orm::EntityTrait;
    let rows = convene::db::entities::registration::Entity::find()
        .all(&app.state.db.conn)
        .await
        .unwrap();
    let row = rows
        .iter()
        .find(|r| r.id == first["id"].as_i64().unwrap())
        .unwrap();
    for personal in [
        "Person 1",
        "person1@example.org",
        "Ville de Sfax",
        "Tunis",
        "Tunisie",
    ] {
        let dump = format!("{row:?}");
        assert!(
            !dump.contains(personal),
            "{personal} survived erasure: {dump}"
        );
    }
    let outbox = convene::db::entities::outbox::Entity::find()
        .all(&app.state.db.conn)
        .await
        .unwrap();
    let report = success(
        app.get_as(&app.admin_token, "/api/v1/events/sfax-2019/attendance")
            .await,
    )
    .await;
    assert_eq!(report["registrations"], 1);
    assert_eq!(
        report["sessions"][0]["confirmed_on_site"], 1,
        "the freed seat went to the waitlist"
    );
    let promoted = success(
        app.get(&format!("/api/v1/registrations/{}", token_of(&second)))
            .await,
    )
    .await;
    assert_eq!(promoted["sessions"][0]["status"], "confirmed");
    assert!(
        outbox
            .iter()
            .all(|mail| !mail.recipient.contains("person1") && !mail.message.contains("Person 1")),
        "no email of theirs is kept"
    );
    assert!(
        outbox
            .iter()
            .any(|mail| mail.recipient == "person2@example.org"
                && mail.subject.starts_with("Place confirmée")),
        "the promotion is on its way"
    );
}

#[tokio::test]
async fn organisers_search_report_export_and_decide_seats() {
    let app = spawn_app().await;
    let session = small_event(&app, 2).await;
    for i in 0..4 {
        register(&app, "sfax-2019", person(i, "on_site")).await;
    }
    let found = success(
        app.get_as(
            &app.admin_token,
            "/api/v1/events/sfax-2019/registrations?q=person3",
        )
        .await,
    )
    .await;
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        app.get("/api/v1/events/sfax-2019/registrations")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );

    let report = success(
        app.get_as(&app.admin_token, "/api/v1/events/sfax-2019/attendance")
            .await,
    )
    .await;
    assert_eq!(report["by_mode"]["on_site"], 4);
    assert_eq!(
        report["cities"][0],
        json!({"name": "Sfax", "country": "Tunisie", "registrations": 2})
    );
    assert_eq!(
        report["sessions"][0]["waitlist"].as_array().unwrap().len(),
        2
    );

    let csv = app
        .get_as(
            &app.admin_token,
            "/api/v1/events/sfax-2019/registrations.csv",
        )
        .await;
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = csv.text().await.unwrap();
    assert_eq!(text.lines().count(), 5);
    assert!(
        text.lines()
            .next()
            .unwrap()
            .starts_with("registration_id,name,email")
    );

    // The organiser confirms the first waitlisted person beyond capacity, and cancels another.
    let waitlisted = report["sessions"][0]["waitlist"][0].as_i64().unwrap();
    let path = format!("/api/v1/events/sfax-2019/registrations/{waitlisted}/sessions/{session}");
    let decided = success(
        app.post_json(&path, Some(&app.admin_token), json!({"action": "confirm"}))
            .await,
    )
    .await;
    assert_eq!(decided["sessions"][0]["status"], "confirmed");
    let after = success(
        app.get_as(&app.admin_token, "/api/v1/events/sfax-2019/attendance")
            .await,
    )
    .await;
    assert_eq!(after["sessions"][0]["confirmed_on_site"], 3);
}

#[tokio::test]
async fn the_public_endpoint_limits_rates_sizes_and_checks_emails() {
    let app = spawn_app_with(Options {
        env: vec![("CONVENE_RATE_LIMIT", "3".into())],
        ..Options::default()
    })
    .await;
    small_event(&app, 10).await;
    let (status, problem) = register(
        &app,
        "sfax-2019",
        json!({"name": "A", "email": "not an email", "attendance": "on_site"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "email");
    let mut huge = person(1, "on_site");
    huge["city"] = json!("x".repeat(5000));
    let (status, problem) = register(&app, "sfax-2019", huge).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "city");
    let (status, _) = register(&app, "sfax-2019", person(2, "on_site")).await;
    assert_eq!(status, StatusCode::CREATED);
    let response = app
        .post_json(
            "/api/v1/events/sfax-2019/registrations",
            None,
            person(3, "on_site"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key("retry-after"));
    assert_problem(response, StatusCode::TOO_MANY_REQUESTS, None).await;
}

#[tokio::test]
async fn the_emailed_management_link_opens_a_page_that_cancels() {
    let app = spawn_demo().await;
    let (_, registration) = register(&app, "izmir-2021", json!({"name": "<script>alert(1)</script> Ayşe", "email": "ayse@example.org", "attendance": "virtual", "language": "fr"})).await;
    let path = registration["manage_url"]
        .as_str()
        .unwrap()
        .strip_prefix("http://convene.test")
        .unwrap()
        .to_owned();
    let page = app.get(&path).await;
    assert_eq!(page.status(), StatusCode::OK);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"));
    let html = page.text().await.unwrap();
    assert!(
        html.contains("&lt;script&gt;alert(1)") && !html.contains("<script>"),
        "user text is escaped"
    );
    assert!(
        html.contains("Vos séances")
            && html.contains("Istanbul: mardi 7 décembre 2021, 16h-17h30 (UTC+3)"),
        "times, with their date, in the registrant's zone: {html}"
    );

    let cancelled = app
        .request(reqwest::Method::POST, &format!("{path}/cancel"))
        .send()
        .await
        .unwrap();
    assert_eq!(cancelled.status(), StatusCode::SEE_OTHER);
    let after = success(
        app.get(&format!(
            "/api/v1/registrations/{}",
            token_of(&registration)
        ))
        .await,
    )
    .await;
    assert_eq!(after["status"], "cancelled");
    assert_eq!(
        app.get("/r/not-a-token").await.status(),
        StatusCode::NOT_FOUND
    );
}
