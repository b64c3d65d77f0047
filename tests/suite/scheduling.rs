//! Availability windows, re-checked conflicts after a move, and the history of published
//! programme versions with their changelog.

use crate::common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn speaker_named(app: &TestApp, name: &str) -> Value {
    let speakers = success(
        app.get_as(&app.admin_token, "/api/v1/events/izmir-2021/speakers")
            .await,
    )
    .await;
    speakers["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no speaker {name}"))
        .clone()
}

fn kinds(conflicts: &Value) -> Vec<String> {
    conflicts
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn availability_is_read_in_the_speakers_zone_and_checked_against_the_programme() {
    let app = spawn_demo().await;
    let token = Some(app.admin_token.as_str());
    // Valérie Plante speaks in the 7 December dialogue, 8:00–9:30 in Montréal.
    let plante = speaker_named(&app, "Valérie Plante").await;
    let path = format!(
        "/api/v1/events/izmir-2021/speakers/{}/availability",
        plante["id"]
    );

    let bad = app
        .send_json(
            reqwest::Method::PUT,
            &path,
            token,
            json!({"windows": [{"starts_at": "2021-12-07T09:00", "ends_at": "2021-12-07T10:00"}, {"starts_at": "2021-12-07T12:00", "ends_at": "2021-12-07T10:00"}]}),
        )
        .await;
    assert_problem(
        bad,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("windows[1].ends_at"),
    )
    .await;
    let unreadable = app
        .send_json(
            reqwest::Method::PUT,
            &path,
            token,
            json!({"windows": [{"starts_at": "soon", "ends_at": "2021-12-07T10:00"}]}),
        )
        .await;
    assert_problem(
        unreadable,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("windows[0].starts_at"),
    )
    .await;

    // Available only in the afternoon, Montréal time: the 8:00 dialogue is outside it.
    let saved = app
        .send_json(
            reqwest::Method::PUT,
            &path,
            token,
            json!({"windows": [{"starts_at": "2021-12-07T13:00", "ends_at": "2021-12-07T18:00"}]}),
        )
        .await;
    assert_eq!(saved.status(), StatusCode::OK);
    let saved = body(saved).await;
    assert_eq!(saved["zone"], "America/Toronto");
    assert_eq!(saved["windows"][0]["starts_at"], "2021-12-07T18:00:00Z");
    assert_eq!(
        saved["windows"][0]["local_starts_at"],
        "2021-12-07T13:00:00-05:00"
    );
    let report = success(
        app.get_as(&app.admin_token, "/api/v1/events/izmir-2021/conflicts")
            .await,
    )
    .await;
    assert_eq!(
        kinds(&report["conflicts"]),
        ["outside_availability"],
        "{report}"
    );
    assert_eq!(report["conflicts"][0]["speaker_ids"], json!([plante["id"]]));

    // The morning added: the dialogue fits, the conflict is gone.
    app.send_json(
        reqwest::Method::PUT,
        &path,
        token,
        json!({"windows": [{"starts_at": "2021-12-07T07:30", "ends_at": "2021-12-07T12:00"}, {"starts_at": "2021-12-07T13:00", "ends_at": "2021-12-07T18:00"}]}),
    )
    .await;
    let report = success(
        app.get_as(&app.admin_token, "/api/v1/events/izmir-2021/conflicts")
            .await,
    )
    .await;
    assert_eq!(report["conflicts"], json!([]), "{report}");
    let read = success(app.get_as(&app.admin_token, &path).await).await;
    assert_eq!(read["windows"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_room_closed_at_the_time_of_its_session_blocks_publication() {
    let app = spawn_demo().await;
    let token = Some(app.admin_token.as_str());
    let rooms = success(
        app.get_as(&app.admin_token, "/api/v1/events/izmir-2021/rooms")
            .await,
    )
    .await;
    let hall = rooms["items"][0]["id"].clone();
    let path = format!("/api/v1/events/izmir-2021/rooms/{hall}/availability");
    // The hall only opens in the evening of the on-site day (Izmir time).
    let saved = app
        .send_json(
            reqwest::Method::PUT,
            &path,
            token,
            json!({"windows": [{"starts_at": "2021-12-10T18:00", "ends_at": "2021-12-10T23:00"}]}),
        )
        .await;
    assert_eq!(saved.status(), StatusCode::OK);
    let refused = app
        .post_json("/api/v1/events/izmir-2021/publish", token, json!({}))
        .await;
    let problem = assert_problem(refused, StatusCode::CONFLICT, None).await;
    assert!(
        kinds(&problem["conflicts"])
            .iter()
            .all(|k| k == "room_unavailable"),
        "{problem}"
    );
    app.send_json(reqwest::Method::PUT, &path, token, json!({"windows": []}))
        .await;
    let accepted = app
        .post_json("/api/v1/events/izmir-2021/publish", token, json!({}))
        .await;
    assert_eq!(accepted.status(), StatusCode::OK);
}

#[tokio::test]
async fn moving_a_session_answers_with_the_conflicts_it_now_has() {
    let app = spawn_demo().await;
    let sessions = success(app.get("/api/v1/events/izmir-2021/sessions").await).await;
    let plenary = sessions["items"][6]["id"].as_i64().unwrap();
    let moved = app
        .patch_json(
            &format!("/api/v1/events/izmir-2021/sessions/{plenary}"),
            Some(&app.admin_token),
            json!({"starts_at": "2021-12-10T14:45", "ends_at": "2021-12-10T15:45"}),
        )
        .await;
    assert_eq!(moved.status(), StatusCode::OK);
    let moved = body(moved).await;
    assert!(
        kinds(&moved["conflicts"]).contains(&"room_double_booked".to_owned()),
        "{moved}"
    );
    let back = success(
        app.patch_json(
            &format!("/api/v1/events/izmir-2021/sessions/{plenary}"),
            Some(&app.admin_token),
            json!({"starts_at": "2021-12-10T15:00", "ends_at": "2021-12-10T16:00"}),
        )
        .await,
    )
    .await;
    assert_eq!(back["conflicts"], json!([]), "{back}");
}

#[tokio::test]
async fn each_publication_that_changes_something_is_a_version_with_a_changelog() {
    let app = spawn_demo().await;
    let token = Some(app.admin_token.as_str());
    assert_eq!(
        app.get("/api/v1/events/izmir-2021/versions").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let versions = success(
        app.get_as(&app.admin_token, "/api/v1/events/izmir-2021/versions")
            .await,
    )
    .await;
    assert_eq!(versions["items"].as_array().unwrap().len(), 1, "{versions}");
    assert_eq!(versions["items"][0]["number"], 1);
    assert_eq!(versions["items"][0]["sessions"], 8);

    // Publishing with nothing new is not a new version.
    let same = success(
        app.post_json("/api/v1/events/izmir-2021/publish", token, json!({}))
            .await,
    )
    .await;
    assert_eq!(same["version"], 1);
    assert_eq!(same["changes"], json!([]));

    // A new session, a moved one, a retitled one: version 2 records exactly these.
    let sessions = success(app.get("/api/v1/events/izmir-2021/sessions").await).await;
    let recital = sessions["items"][7]["id"].as_i64().unwrap();
    let first = sessions["items"][0]["id"].as_i64().unwrap();
    app.patch_json(
        &format!("/api/v1/events/izmir-2021/sessions/{recital}"),
        token,
        json!({"starts_at": "2021-12-10T18:30", "ends_at": "2021-12-10T19:00"}),
    )
    .await;
    app.patch_json(
        &format!("/api/v1/events/izmir-2021/sessions/{first}"),
        token,
        json!({"title": "Dialogue 1: cities and living together"}),
    )
    .await;
    let side = app
        .create("/api/v1/events/izmir-2021/sessions", json!({"title": "Side event", "kind": "networking", "attendance": "virtual", "starts_at": "2021-12-09T16:00", "ends_at": "2021-12-09T17:00", "online_url": "https://meet.example.org/side"}))
        .await;
    let published = success(
        app.post_json("/api/v1/events/izmir-2021/publish", token, json!({}))
            .await,
    )
    .await;
    assert_eq!(published["version"], 2, "{published}");
    let summary: Vec<(i64, String)> = published["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["session_id"].as_i64().unwrap(),
                c["change"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(summary.len(), 3, "{published}");
    assert!(summary.contains(&(side["id"].as_i64().unwrap(), "added".into())));
    assert!(summary.contains(&(recital, "changed".into())));
    assert!(summary.contains(&(first, "changed".into())));

    let log = success(
        app.get_as(
            &app.admin_token,
            "/api/v1/events/izmir-2021/changelog?from=1&to=2",
        )
        .await,
    )
    .await;
    let moved = log["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["session_id"] == recital)
        .unwrap();
    assert_eq!(moved["fields"][0]["field"], "starts_at");
    assert_eq!(
        moved["fields"][0]["before"],
        sessions["items"][7]["starts_at"]
    );
    assert_eq!(moved["fields"][0]["after"], "2021-12-10T15:30:00Z");
    // The whole first version is still there to read.
    let v1 = success(
        app.get_as(&app.admin_token, "/api/v1/events/izmir-2021/versions/1")
            .await,
    )
    .await;
    assert_eq!(v1["programme"]["sessions"].as_array().unwrap().len(), 8);
    assert!(
        !v1.to_string().contains("meet.example.org"),
        "no meeting links in versions"
    );
    assert_problem(
        app.get_as(&app.admin_token, "/api/v1/events/izmir-2021/versions/9")
            .await,
        StatusCode::NOT_FOUND,
        None,
    )
    .await;
    assert_problem(
        app.get_as(
            &app.admin_token,
            "/api/v1/events/izmir-2021/changelog?from=3&to=2",
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("from"),
    )
    .await;
}
