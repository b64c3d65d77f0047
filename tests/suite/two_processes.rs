//! Two real processes on one database (a second server beside the first, as the README allows)
//! never answer a server error: on SQLite, write transactions take the write lock before they
//! read, so a busy database makes them wait instead of failing with "database is locked".

use crate::common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use futures::StreamExt;
use serde_json::json;

/// The second server: the real binary on the same database, on a port of its own.
struct SecondServer {
    child: Child,
    address: String,
}

impl Drop for SecondServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn second_server(database_url: &str) -> SecondServer {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_convene"))
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("CONVENE_ADDR", format!("127.0.0.1:{port}"))
        .env("CONVENE_RATE_LIMIT", "0")
        .env("CONVENE_OUTBOX_WORKER", "off")
        .env("CONVENE_LOG", "warn")
        .env(
            "CONVENE_MAIL_DIR",
            std::env::temp_dir().join("convene-two-processes-mail"),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the convene binary starts");
    let server = SecondServer {
        child,
        address: format!("http://127.0.0.1:{port}"),
    };
    let client = reqwest::Client::new();
    let started = Instant::now();
    while client
        .get(format!("{}/health", server.address))
        .send()
        .await
        .map(|r| !r.status().is_success())
        .unwrap_or(true)
    {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the second server did not start"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server
}

#[tokio::test]
async fn registrations_and_changes_split_across_two_servers_all_succeed() {
    let app = spawn_demo().await;
    let second = second_server(&app.database_url).await;
    let client = reqwest::Client::new();
    let bases = [app.address.clone(), second.address.clone()];
    let registrations = futures::stream::iter(0..300)
        .map(|i| {
            let client = client.clone();
            let base = bases[i % 2].clone();
            async move {
                let mode = if i % 3 == 0 { "on_site" } else { "virtual" };
                let payload = json!({"name": format!("Person {i}"), "email": format!("p{i}@example.org"),
                    "attendance": mode, "language": "en"});
                let response = client
                    .post(format!("{base}/api/v1/events/izmir-2021/registrations"))
                    .json(&payload)
                    .send()
                    .await
                    .expect("request sent");
                (i, response.status(), response.text().await.unwrap_or_default())
            }
        })
        .buffer_unordered(24)
        .collect::<Vec<_>>();
    // Meanwhile an organiser keeps changing the programme through the first server.
    let changes = async {
        let sessions = success(app.get("/api/v1/events/izmir-2021/sessions").await).await;
        let id = sessions["items"][0]["id"].as_i64().unwrap();
        let mut statuses = Vec::new();
        for n in 0..20 {
            let response = app
                .patch_json(
                    &format!("/api/v1/events/izmir-2021/sessions/{id}"),
                    Some(&app.admin_token),
                    json!({"description": format!("Revised {n}")}),
                )
                .await;
            statuses.push(response.status());
        }
        statuses
    };
    let (registered, changed) = tokio::join!(registrations, changes);
    let failures: Vec<_> = registered
        .iter()
        .filter(|(_, status, _)| *status != reqwest::StatusCode::CREATED)
        .collect();
    assert!(
        failures.is_empty(),
        "{} registrations failed, e.g. {:?}",
        failures.len(),
        failures.first()
    );
    assert!(changed.iter().all(|s| s.is_success()), "{changed:?}");
    let report = success(
        app.get_as(&app.admin_token, "/api/v1/events/izmir-2021/registrations")
            .await,
    )
    .await;
    assert_eq!(report["items"].as_array().unwrap().len(), 300);
}
