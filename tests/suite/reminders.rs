//! Reminders before sessions, driven by the test clock: the worker scans every second of real
//! time, and the test moves the clock to when a reminder falls due, then reads the email at the
//! SMTP server.

use crate::common;

use chrono::{DateTime, Duration, Utc};
use common::smtp::TestSmtp;
use common::*;
use convene::db::entities::outbox;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

/// The first Izmir session: Tuesday 7 December 2021, 16h Izmir time.
const FIRST: &str = "2021-12-07T13:00:00Z";
/// The on-site day's recital, Friday 10 December, 14h30 Izmir time.
const RECITAL: &str = "2021-12-10T11:30:00Z";

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

async fn reminding_app(smtp: &TestSmtp, database: Option<String>) -> TestApp {
    let mut env = vec![
        ("CONVENE_SMTP_URL", smtp.url()),
        ("CONVENE_REMINDER_SCAN_SECONDS", "1".to_owned()),
    ];
    if let Some(url) = database {
        env.push(("DATABASE_URL", url));
    }
    spawn_app_with(Options {
        demo: true,
        env,
        ..Options::default()
    })
    .await
}

async fn register(app: &TestApp, who: &str, attendance: &str, lang: &str, zone: &str) -> Value {
    let response = app
        .post_json(
            "/api/v1/events/izmir-2021/registrations",
            None,
            json!({"name": who, "email": format!("{who}@example.org"), "attendance": attendance, "language": lang, "timezone": zone}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    body(response).await
}

async fn reminders_queued(app: &TestApp) -> u64 {
    outbox::Entity::find()
        .filter(outbox::Column::Kind.eq("reminder"))
        .count(&app.state.db.conn)
        .await
        .unwrap()
}

async fn set_rules(app: &TestApp, rules: Value) -> reqwest::Response {
    app.send_json(
        reqwest::Method::PUT,
        "/api/v1/events/izmir-2021/reminders",
        Some(&app.admin_token),
        rules,
    )
    .await
}

#[tokio::test]
async fn organisers_set_reminder_rules_and_bad_ones_are_refused_by_field() {
    let app = spawn_demo().await;
    let none = success(
        app.get_as(&app.admin_token, "/api/v1/events/izmir-2021/reminders")
            .await,
    )
    .await;
    assert_eq!(none, json!({"rules": []}));
    for (rules, field) in [
        (
            json!({"rules": [{"minutes_before": 0}]}),
            Some("rules[0].minutes_before"),
        ),
        (
            json!({"rules": [{"minutes_before": 15}, {"minutes_before": 15}]}),
            Some("rules[1].minutes_before"),
        ),
        (
            json!({"rules": [{"minutes_before": 50000}]}),
            Some("rules[0].minutes_before"),
        ),
        (json!({"rules": [{"hours_before": 1}]}), None),
    ] {
        assert_problem(
            set_rules(&app, rules).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            field,
        )
        .await;
    }
    let set = success(
        set_rules(
            &app,
            json!({"rules": [{"minutes_before": 15}, {"minutes_before": 1440}]}),
        )
        .await,
    )
    .await;
    assert_eq!(
        set,
        json!({"rules": [{"minutes_before": 1440}, {"minutes_before": 15}]})
    );
    let other = app.other_organiser().await;
    assert_eq!(
        app.get_as(&other, "/api/v1/events/izmir-2021/reminders")
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn reminders_reach_seat_holders_in_their_language_and_zone_once() {
    let smtp = TestSmtp::start();
    let app = reminding_app(&smtp, None).await;
    success(
        set_rules(
            &app,
            json!({"rules": [{"minutes_before": 1440}, {"minutes_before": 15}]}),
        )
        .await,
    )
    .await;
    register(&app, "online", "virtual", "en", "America/Toronto").await;
    register(&app, "visitor", "on_site", "fr", "Europe/Istanbul").await;
    let leaver = register(&app, "leaver", "virtual", "en", "Europe/Paris").await;
    let token = leaver["manage_url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.delete(&format!("/api/v1/registrations/{token}"), None)
            .await
            .status(),
        StatusCode::OK
    );
    app.dispatch_all_pending_emails().await;
    let before = smtp.messages().len();

    // A day before the first session, to the second.
    app.clock
        .set(at(FIRST) - Duration::hours(24) + Duration::seconds(3));
    eventually("the 24-hour reminders are queued", || async {
        reminders_queued(&app).await == 2
    })
    .await;
    // Someone who registers now holds no seat at the reminder's time: no "tomorrow" for them.
    register(&app, "late", "virtual", "en", "Europe/London").await;
    app.dispatch_all_pending_emails().await;
    let online = smtp.messages_to("online@example.org");
    let reminder = online.last().unwrap().parsed();
    let subject = reminder.subject().unwrap();
    assert!(
        subject.starts_with("Reminder: Dialogue des maires"),
        "{subject}"
    );
    assert!(subject.ends_with(" in 24 hours"), "{subject}");
    let text = reminder.body_text(0).unwrap();
    assert!(
        text.contains("Your time: Tuesday 7 December 2021, 8:00–9:30 AM EST (UTC-5)"),
        "{text}"
    );
    assert!(
        text.contains("Izmir: "),
        "the event's zones beside it: {text}"
    );
    assert!(text.contains("Join online: https://"), "{text}");
    let visitor = smtp.messages_to("visitor@example.org");
    let rappel = visitor.last().unwrap().parsed();
    assert!(
        rappel.subject().unwrap().starts_with("Rappel : "),
        "{:?}",
        rappel.subject()
    );
    assert!(rappel.subject().unwrap().ends_with(" dans 24 heures"));
    assert!(
        !smtp.messages_to("leaver@example.org").iter().any(|m| m
            .parsed()
            .subject()
            .unwrap_or_default()
            .starts_with("Reminder")),
        "no reminder for a cancelled seat"
    );

    // Further scans find nothing new to send.
    app.clock.advance(Duration::seconds(30));
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert_eq!(reminders_queued(&app).await, 2, "each reminder once");

    // A quarter of an hour before: the late registrant is reminded too. (The clock jumped
    // past the 24-hour mark of the second session, 17h45, as well: its reminders go now, the
    // late registrant's included, who held that seat by then.)
    app.clock
        .set(at(FIRST) - Duration::minutes(15) + Duration::seconds(1));
    eventually(
        "the 15-minute and the second session's reminders are queued",
        || async { reminders_queued(&app).await == 2 + 3 + 3 },
    )
    .await;
    app.dispatch_all_pending_emails().await;
    let late = smtp.messages_to("late@example.org");
    let subjects: Vec<String> = late
        .iter()
        .map(|m| m.parsed().subject().unwrap().to_owned())
        .collect();
    let reminders: Vec<&String> = subjects
        .iter()
        .filter(|s| s.starts_with("Reminder"))
        .collect();
    assert_eq!(reminders.len(), 2, "{subjects:?}");
    assert!(
        reminders.iter().any(
            |s| s.starts_with("Reminder: Dialogue des maires") && s.ends_with(" in 15 minutes")
        ),
        "{subjects:?}"
    );
    assert!(
        reminders
            .iter()
            .any(|s| s.starts_with("Reminder: Dialogue interactif") && s.ends_with(" in 24 hours")),
        "{subjects:?}"
    );
    assert!(smtp.messages().len() > before);
}

#[tokio::test]
async fn an_on_site_seat_is_reminded_without_the_meeting_link_and_a_cancelled_session_not_at_all() {
    let smtp = TestSmtp::start();
    let app = reminding_app(&smtp, None).await;
    success(set_rules(&app, json!({"rules": [{"minutes_before": 60}]})).await).await;
    register(&app, "visitor", "on_site", "en", "Europe/Istanbul").await;
    // The organisers cancel the recital (a staged change, published).
    let sessions = success(
        app.get_as(&app.admin_token, "/api/v1/events/izmir-2021/sessions")
            .await,
    )
    .await;
    let find = |prefix: &str| {
        sessions["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["title"].as_str().unwrap().starts_with(prefix))
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let recital = find("Récital");
    let plenary = find("Séance plénière");
    assert_eq!(
        app.patch_json(
            &format!("/api/v1/events/izmir-2021/sessions/{recital}"),
            Some(&app.admin_token),
            json!({"status": "cancelled"}),
        )
        .await
        .status(),
        StatusCode::OK
    );
    app.publish_sessions("izmir-2021", &[recital]).await;
    app.dispatch_all_pending_emails().await;

    // An hour before the plenary (which follows the recital at 15h): its reminder, and none
    // for the cancelled recital, whose hour came earlier.
    app.clock
        .set(at(RECITAL) + Duration::minutes(30) - Duration::hours(1) + Duration::seconds(1));
    eventually("the plenary's reminder is queued", || async {
        reminders_queued(&app).await == 1
    })
    .await;
    app.dispatch_all_pending_emails().await;
    let reminder = smtp
        .messages_to("visitor@example.org")
        .into_iter()
        .find(|m| {
            m.parsed()
                .subject()
                .unwrap_or_default()
                .starts_with("Reminder")
        })
        .unwrap();
    let text = reminder.parsed().body_text(0).unwrap().into_owned();
    assert!(text.contains("Séance plénière"), "{text}");
    assert!(!text.contains("Join online"), "an on-site seat: {text}");
    assert!(
        text.contains("Friday 10 December 2021, 3:00–4:00 PM"),
        "{text}"
    );
    let _ = plenary;
}

#[tokio::test]
async fn a_server_started_after_a_reminders_time_finds_it_at_once() {
    let smtp = TestSmtp::start();
    let first = reminding_app(&smtp, None).await;
    success(set_rules(&first, json!({"rules": [{"minutes_before": 1440}]})).await).await;
    register(&first, "online", "virtual", "en", "Europe/Paris").await;
    // The first server's clock stands before the reminder's time. A second server on the same
    // database (what a restart leaves: nothing but the database) starts after it, with a scan
    // every 30 seconds: its first scan, at start, queues the reminder.
    let database = first.database_url.clone();
    let second = spawn_app_with(Options {
        demo: false,
        first_run: false,
        env: vec![
            ("CONVENE_SMTP_URL", smtp.url()),
            ("CONVENE_REMINDER_SCAN_SECONDS", "30".to_owned()),
            ("DATABASE_URL", database),
        ],
        now: at(FIRST) - Duration::hours(3),
    })
    .await;
    // Both sessions of the first day start within the next 24 hours.
    eventually("the missed reminders are queued at start", || async {
        reminders_queued(&second).await == 2
    })
    .await;
    second.dispatch_all_pending_emails().await;
    assert!(smtp.messages_to("online@example.org").iter().any(|m| {
        m.parsed()
            .subject()
            .unwrap_or_default()
            .ends_with(" in 24 hours")
    }));
}
