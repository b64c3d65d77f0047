//! Invitation fan-out: 1,250 registrants × 8 sessions = 10,000 calendar invitations (plus 1,250
//! registration confirmations), rendered and queued by the real HTTP endpoint, then delivered by
//! the outbox worker (running all along, as in `serve`) to a local SMTP server. Prints emails/s
//! end to end (first registration to last email accepted) and the peak memory (VmHWM) of the
//! process, which also holds the SMTP server (counting, not keeping, bodies) and the HTTP client.
//!
//!   cargo bench --bench fanout                                  # SQLite
//!   CONVENE_TEST_DATABASE=postgres cargo bench --bench fanout   # PostgreSQL
//!   FANOUT_MODE=sequential cargo bench --bench fanout           # queue everything, then deliver

#[path = "../tests/suite/common/mod.rs"]
mod common;

use std::time::Instant;

use common::smtp::TestSmtp;
use common::{Options, spawn_app_with};
use futures::StreamExt;
use serde_json::json;

const REGISTRANTS: usize = 1250;
const SESSIONS: usize = 8;

fn peak_memory_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

#[tokio::main]
async fn main() {
    let database = if common::using_postgres() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    // Counts what it accepts without keeping 11,250 bodies, so memory is the app's own.
    let smtp = TestSmtp::start_counting();
    let sequential = std::env::var("FANOUT_MODE").is_ok_and(|m| m == "sequential");
    let app = spawn_app_with(Options {
        // Overlapped (the default): the outbox worker delivers while registrations are still
        // coming in, as `serve` does. Sequential: queue everything, then deliver.
        env: vec![
            ("CONVENE_SMTP_URL", smtp.url()),
            (
                "CONVENE_OUTBOX_WORKER",
                if sequential { "off" } else { "on" }.into(),
            ),
        ],
        ..Options::default()
    })
    .await;
    let mut event = common::event_payload("fanout");
    event["attendance"] = json!("virtual");
    event["starts_on"] = json!("2021-12-07");
    event["ends_on"] = json!("2021-12-08");
    app.create("/api/v1/events", event).await;
    for i in 0..SESSIONS {
        let payload = json!({"title": format!("Session {i}: Bâtir des villes résilientes"), "kind": "workshop", "status": "published",
            "starts_at": format!("2021-12-07T{:02}:00", 8 + i), "ends_at": format!("2021-12-07T{:02}:45", 8 + i),
            "online_url": "https://meet.example.org/fanout", "questions": ["Quels mécanismes de résilience ?"]});
        app.create("/api/v1/events/fanout/sessions", payload).await;
    }

    let started = Instant::now();
    let statuses: Vec<u16> = futures::stream::iter(0..REGISTRANTS)
        .map(|i| {
            let app = &app;
            async move {
                let payload = json!({"name": format!("Participant {i} Ülaş"), "email": format!("p{i}@example.org"), "attendance": "virtual",
                                     "language": if i.is_multiple_of(2) { "fr" } else { "en" }, "timezone": "America/Toronto"});
                app.post_json("/api/v1/events/fanout/registrations", None, payload).await.status().as_u16()
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    assert!(
        statuses.iter().all(|s| *s == 201),
        "every registration succeeded"
    );
    let queued_in = started.elapsed();

    let emails = REGISTRANTS * (SESSIONS + 1);
    let delivering = Instant::now();
    if sequential {
        app.dispatch_all_pending_emails().await;
    }
    while smtp.messages().len() < emails {
        assert!(
            delivering.elapsed() < std::time::Duration::from_secs(300),
            "delivery stalled at {} of {emails}",
            smtp.messages().len()
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let delivered_in = delivering.elapsed();
    let total = started.elapsed();
    // Exactly once: nothing more arrives, and the outbox agrees.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        smtp.messages().len(),
        emails,
        "the SMTP server accepted every email once"
    );
    let outbox = common::body(
        app.get_as(&app.admin_token, "/api/v1/events/fanout/outbox")
            .await,
    )
    .await;
    assert_eq!(outbox["sent"], emails);

    let mode = if sequential {
        "queue all, then deliver"
    } else {
        "worker delivering throughout"
    };
    println!("fan-out on {database}: {REGISTRANTS} registrants x {SESSIONS} sessions ({mode})");
    println!(
        "  render + queue (HTTP, 16 concurrent): {:>6.2} s  {:>7.0} emails/s",
        queued_in.as_secs_f64(),
        emails as f64 / queued_in.as_secs_f64()
    );
    println!(
        "  delivery still running after that:    {:>6.2} s",
        delivered_in.as_secs_f64(),
    );
    println!(
        "  end to end:                           {:>6.2} s  {:>7.0} emails/s ({emails} emails)",
        total.as_secs_f64(),
        emails as f64 / total.as_secs_f64()
    );
    println!(
        "  peak memory (app, harness and SMTP server; bodies not kept): {:>6.1} MiB",
        peak_memory_mib()
    );
}
