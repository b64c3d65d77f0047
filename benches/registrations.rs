//! A registration burst: 2,000 on-site registrations fired at once (up to 256 in flight) for
//! 200 seats, against the release build over HTTP. Prints requests/s, p50/p99 latency and
//! checks that exactly 200 seats were given.
//!
//!   cargo bench --bench registrations                                  # SQLite
//!   CONVENE_TEST_DATABASE=postgres cargo bench --bench registrations   # PostgreSQL
//!   BURST_IN_FLIGHT=2000 cargo bench --bench registrations             # all 2,000 at once

#[path = "../tests/suite/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::{body, spawn_app};
use futures::StreamExt;
use serde_json::json;

const REGISTRATIONS: usize = 2000;
const SEATS: u32 = 200;
/// Requests in flight at once; `BURST_IN_FLIGHT=2000` fires the whole burst together.
fn in_flight() -> usize {
    std::env::var("BURST_IN_FLIGHT")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

#[tokio::main]
async fn main() {
    let database = if common::using_postgres() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let app = spawn_app().await;
    app.create("/api/v1/events", common::event_payload("burst"))
        .await;
    app.create(
        "/api/v1/events/burst/sessions",
        json!({"title": "Plénière", "kind": "plenary", "starts_at": "2019-06-25T09:00", "ends_at": "2019-06-25T10:30", "capacity": SEATS, "status": "published"}),
    )
    .await;

    let in_flight = in_flight();
    let started = Instant::now();
    let mut results: Vec<(u16, Duration, String)> = futures::stream::iter(0..REGISTRATIONS)
        .map(|i| {
            let app = &app;
            async move {
                let sent = Instant::now();
                let payload = json!({"name": format!("Participant {i}"), "email": format!("p{i}@example.org"), "attendance": "on_site", "city": "Sfax", "country": "Tunisie"});
                let response = app.post_json("/api/v1/events/burst/registrations", None, payload).await;
                let status = response.status().as_u16();
                let seat = body(response).await["sessions"][0]["status"].as_str().unwrap_or_default().to_owned();
                (status, sent.elapsed(), seat)
            }
        })
        .buffer_unordered(in_flight)
        .collect()
        .await;
    let elapsed = started.elapsed();
    assert!(
        results.iter().all(|(status, _, _)| *status == 201),
        "every registration answered 201"
    );
    let confirmed = results
        .iter()
        .filter(|(_, _, seat)| seat == "confirmed")
        .count();
    let waitlisted = results
        .iter()
        .filter(|(_, _, seat)| seat == "waitlisted")
        .count();
    assert_eq!(
        (confirmed, waitlisted),
        (SEATS as usize, REGISTRATIONS - SEATS as usize),
        "exactly the seats there were"
    );
    let report = body(
        app.get_as(&app.admin_token, "/api/v1/events/burst/attendance")
            .await,
    )
    .await;
    assert_eq!(report["sessions"][0]["confirmed_on_site"], SEATS);

    results.sort_by_key(|(_, latency, _)| *latency);
    let latencies: Vec<Duration> = results.iter().map(|(_, l, _)| *l).collect();
    println!(
        "registration burst on {database}: {REGISTRATIONS} registrations, {SEATS} seats, {in_flight} in flight"
    );
    println!(
        "  {:.0} registrations/s over {:.2} s",
        REGISTRATIONS as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64()
    );
    println!(
        "  latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        percentile(&latencies, 0.50).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies.last().unwrap().as_secs_f64() * 1e3
    );
    println!(
        "  seats: {confirmed} confirmed, {waitlisted} waitlisted (checked against the organiser report)"
    );
}
