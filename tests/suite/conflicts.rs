//! Conflict detection through HTTP: the Izmir programme is clean; each problem an organiser
//! introduces shows up, and goes when fixed.

use crate::common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn conflicts(app: &TestApp) -> Value {
    success(
        app.get_as(&app.admin_token, "/api/v1/events/izmir-2021/conflicts")
            .await,
    )
    .await
}

fn kinds(report: &Value) -> Vec<String> {
    report["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_printed_izmir_programme_has_no_conflict() {
    let app = spawn_demo().await;
    assert_eq!(
        app.get("/api/v1/events/izmir-2021/conflicts")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let report = conflicts(&app).await;
    assert_eq!(report["errors"], 0, "{report}");
    assert_eq!(report["warnings"], 0, "{report}");
}

#[tokio::test]
async fn problems_show_up_and_go_when_fixed() {
    let app = spawn_demo().await;
    let sessions = success(app.get("/api/v1/events/izmir-2021/sessions").await).await;
    let first = sessions["items"][0]["id"].as_i64().unwrap();
    let plenary = sessions["items"][6]["id"].as_i64().unwrap();
    let token = Some(app.admin_token.as_str());

    // Move the plenary onto the recital in the same hall: the room is double-booked.
    app.patch_json(
        &format!("/api/v1/events/izmir-2021/sessions/{plenary}"),
        token,
        json!({"starts_at": "2021-12-10T14:45", "ends_at": "2021-12-10T15:45"}),
    )
    .await;
    // Remove the first dialogue's link: an online session without a way in.
    app.patch_json(
        &format!("/api/v1/events/izmir-2021/sessions/{first}"),
        token,
        json!({"online_url": null}),
    )
    .await;
    let report = conflicts(&app).await;
    let found = kinds(&report);
    assert!(
        found.contains(&"room_double_booked".to_owned())
            && found.contains(&"virtual_without_link".to_owned()),
        "{report}"
    );
    assert!(
        report["conflicts"][0]["message_fr"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );

    app.patch_json(
        &format!("/api/v1/events/izmir-2021/sessions/{plenary}"),
        token,
        json!({"starts_at": "2021-12-10T15:00", "ends_at": "2021-12-10T16:00"}),
    )
    .await;
    app.patch_json(
        &format!("/api/v1/events/izmir-2021/sessions/{first}"),
        token,
        json!({"online_url": "https://meet.example.org/again"}),
    )
    .await;
    assert_eq!(conflicts(&app).await["conflicts"], json!([]));

    // A Montréal speaker asked to speak live at 2:00 in the morning of their zone.
    let speakers = success(
        app.get_as(&app.admin_token, "/api/v1/events/izmir-2021/speakers")
            .await,
    )
    .await;
    let plante = speakers["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Valérie Plante")
        .unwrap()["id"]
        .clone();
    let night = app
        .create("/api/v1/events/izmir-2021/sessions", json!({"title": "Late dialogue", "kind": "dialogue", "attendance": "virtual", "starts_at": "2021-12-08T10:00", "ends_at": "2021-12-08T11:00", "online_url": "https://meet.example.org/late"}))
        .await;
    app.create(
        &format!(
            "/api/v1/events/izmir-2021/sessions/{}/participants",
            night["id"]
        ),
        json!({"speaker_id": plante, "role": "speaker", "contribution": "remote"}),
    )
    .await;
    let report = conflicts(&app).await;
    assert_eq!(kinds(&report), ["live_remote_at_night"], "{report}");
    assert_eq!(report["conflicts"][0]["severity"], "warning");
}

#[tokio::test]
async fn publishing_is_refused_while_errors_remain_then_accepted() {
    let app = spawn_demo().await;
    let token = Some(app.admin_token.as_str());
    let draft = app
        .create("/api/v1/events/izmir-2021/sessions", json!({"title": "Side event", "kind": "networking", "attendance": "virtual", "starts_at": "2021-12-09T16:00", "ends_at": "2021-12-09T17:00"}))
        .await;
    let refused = app
        .post_json("/api/v1/events/izmir-2021/publish", token, json!({}))
        .await;
    let problem = assert_problem(refused, StatusCode::CONFLICT, None).await;
    assert_eq!(
        problem["conflicts"][0]["kind"], "virtual_without_link",
        "{problem}"
    );
    assert_eq!(
        app.get(&format!(
            "/api/v1/events/izmir-2021/sessions/{}",
            draft["id"]
        ))
        .await
        .status(),
        StatusCode::NOT_FOUND,
        "still a draft"
    );

    app.patch_json(
        &format!("/api/v1/events/izmir-2021/sessions/{}", draft["id"]),
        token,
        json!({"online_url": "https://meet.example.org/side"}),
    )
    .await;
    let accepted = app
        .post_json("/api/v1/events/izmir-2021/publish", token, json!({}))
        .await;
    assert_eq!(accepted.status(), StatusCode::OK);
    assert_eq!(body(accepted).await["published"], json!([draft["id"]]));
    assert_eq!(
        app.get(&format!(
            "/api/v1/events/izmir-2021/sessions/{}",
            draft["id"]
        ))
        .await
        .status(),
        StatusCode::OK
    );
}
