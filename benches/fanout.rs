//! Invitation fan-out: 1,250 registrants × 8 sessions = 10,000 calendar invitations (plus 1,250
//! registration confirmations), rendered and queued by the real HTTP endpoint, then delivered by
//! the outbox to a local SMTP server. Prints emails/s end to end and the peak memory (VmHWM) of
//! the process, which also holds the SMTP server and the HTTP client.
//!
//!   cargo bench --bench fanout                                  # SQLite
//!   CONVENE_TEST_DATABASE=postgres cargo bench --bench fanout   # PostgreSQL

#[path = "../tests/common/mod.rs"]
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
    let smtp = TestSmtp::start();
    let app = spawn_app_with(Options {
        env: vec![("CONVENE_SMTP_URL", smtp.url())],
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

    let delivering = Instant::now();
    let report = app.dispatch_all_pending_emails().await;
    let delivered_in = delivering.elapsed();
    let total = started.elapsed();
    let emails = REGISTRANTS * (SESSIONS + 1);
    assert_eq!(report.sent, emails);
    assert_eq!(
        smtp.messages().len(),
        emails,
        "the SMTP server accepted every email"
    );

    println!("fan-out on {database}: {REGISTRANTS} registrants x {SESSIONS} sessions");
    println!(
        "  render + queue (HTTP, 16 concurrent): {:>6.2} s  {:>7.0} emails/s",
        queued_in.as_secs_f64(),
        emails as f64 / queued_in.as_secs_f64()
    );
    println!(
        "  deliver over SMTP:                    {:>6.2} s  {:>7.0} emails/s",
        delivered_in.as_secs_f64(),
        emails as f64 / delivered_in.as_secs_f64()
    );
    println!(
        "  end to end:                           {:>6.2} s  {:>7.0} emails/s ({emails} emails)",
        total.as_secs_f64(),
        emails as f64 / total.as_secs_f64()
    );
    println!(
        "  peak memory (whole process):          {:>6.1} MiB",
        peak_memory_mib()
    );
}
