//! The outbox survives a SIGKILL in the middle of a fan-out: the real `convene` binary is killed
//! while sending, restarted, and every invitation arrives, with no duplicate beyond the messages
//! that were in flight at the moment of the kill.

use crate::common;

use std::collections::HashSet;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::smtp::TestSmtp;
use common::*;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

fn start_server(database_url: &str, smtp_url: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_convene"))
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("CONVENE_ADDR", "127.0.0.1:0")
        .env("CONVENE_SMTP_URL", smtp_url)
        .env("CONVENE_OUTBOX_LEASE_SECONDS", "1")
        .env("CONVENE_LOG", "warn")
        .env(
            "CONVENE_MAIL_DIR",
            std::env::temp_dir().join("convene-crash-test-mail"),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the convene binary starts")
}

async fn wait_for(what: &str, timeout: Duration, mut done: impl AsyncFnMut() -> bool) {
    let started = Instant::now();
    while !done().await {
        assert!(started.elapsed() < timeout, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_process_killed_mid_fan_out_delivers_everything_after_restart() {
    // Queue the fan-out with the worker off: 40 registrants × 5 invitations.
    let app = spawn_demo().await;
    for i in 0..40 {
        let payload = json!({"name": format!("Attendee {i}"), "email": format!("a{i}@example.org"), "attendance": "virtual", "language": "en"});
        let response = app
            .post_json("/api/v1/events/izmir-2021/registrations", None, payload)
            .await;
        assert_eq!(response.status(), reqwest::StatusCode::CREATED);
    }
    use convene::db::entities::outbox;
    let queued = outbox::Entity::find()
        .count(&app.state.db.conn)
        .await
        .unwrap() as usize;
    assert_eq!(queued, 200);

    let smtp = TestSmtp::start_slow(Duration::from_millis(15));
    let mut first = start_server(&app.database_url, &smtp.url());
    wait_for(
        "the fan-out to get going",
        Duration::from_secs(30),
        async || smtp.messages().len() >= 40,
    )
    .await;
    first.kill().expect("SIGKILL");
    first.wait().unwrap();
    let at_kill = smtp.messages().len();
    assert!(
        at_kill < queued,
        "the kill came in the middle of the fan-out ({at_kill} of {queued} sent)"
    );

    let mut second = start_server(&app.database_url, &smtp.url());
    let db = app.state.db.conn.clone();
    wait_for(
        "every email to be sent",
        Duration::from_secs(60),
        async || {
            outbox::Entity::find()
                .filter(outbox::Column::Status.ne("sent"))
                .count(&db)
                .await
                .unwrap()
                == 0
        },
    )
    .await;
    second.kill().unwrap();
    second.wait().unwrap();

    let received = smtp.messages();
    let distinct: HashSet<(String, String)> = received
        .iter()
        .map(|m| {
            (
                m.to[0].clone(),
                m.parsed().subject().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(distinct.len(), queued, "every queued email arrived");
    let duplicates = received.len() - distinct.len();
    // At most the messages a worker had handed to the server but not yet marked sent: one
    // batch of parallel sends (64).
    assert!(duplicates <= 64, "{duplicates} duplicates");
}
