//! Public reads answer conditional requests and compress.

mod common;

use common::*;
use reqwest::StatusCode;
use reqwest::header::{
    ACCEPT_ENCODING, CONTENT_ENCODING, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
};
use serde_json::json;

#[tokio::test]
async fn programme_feed_and_schedule_send_validators_and_answer_304_until_they_change() {
    let app = spawn_demo().await;
    for path in [
        "/api/v1/events/izmir-2021/programme?tz=Asia/Tokyo",
        "/api/v1/events/izmir-2021/calendar.ics",
        "/api/v1/events/izmir-2021/schedule.xml",
        "/api/v1/events/izmir-2021/schedule.json",
    ] {
        let first = app.get(path).await;
        assert_eq!(first.status(), StatusCode::OK, "{path}");
        let etag = first.headers()[ETAG].clone();
        let modified = first.headers()[LAST_MODIFIED].clone();
        let again = app
            .request(reqwest::Method::GET, path)
            .header(IF_NONE_MATCH, etag.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert_eq!(again.headers()[ETAG], etag);
        assert!(again.bytes().await.unwrap().is_empty());
        let since = app
            .request(reqwest::Method::GET, path)
            .header(IF_MODIFIED_SINCE, modified)
            .send()
            .await
            .unwrap();
        assert_eq!(since.status(), StatusCode::NOT_MODIFIED, "{path}");
    }

    // A change to the programme gives a new tag: the old one no longer matches.
    let path = "/api/v1/events/izmir-2021/calendar.ics";
    let before = app.get(path).await.headers()[ETAG].clone();
    let sessions = body(app.get("/api/v1/events/izmir-2021/sessions").await).await;
    let id = sessions["items"][0]["id"].as_i64().unwrap();
    app.patch_json(
        &format!("/api/v1/events/izmir-2021/sessions/{id}"),
        Some(&app.admin_token),
        json!({"title": "Dialogue des maires (nouveau titre)"}),
    )
    .await;
    let after = app
        .request(reqwest::Method::GET, path)
        .header(IF_NONE_MATCH, before.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::OK);
    assert_ne!(after.headers()[ETAG], before);
    assert!(after.text().await.unwrap().contains("nouveau titre"));
}

#[tokio::test]
async fn large_public_reads_are_compressed_for_clients_that_accept_it() {
    let app = spawn_demo().await;
    let compressed = app
        .request(
            reqwest::Method::GET,
            "/api/v1/events/izmir-2021/schedule.json",
        )
        .header(ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(compressed.status(), StatusCode::OK);
    assert_eq!(compressed.headers()[CONTENT_ENCODING], "gzip");
    let plain = app.get("/api/v1/events/izmir-2021/schedule.json").await;
    assert!(plain.headers().get(CONTENT_ENCODING).is_none());
}
