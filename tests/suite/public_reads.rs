//! Public reads answer conditional requests and compress.

use crate::common;

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
    let sessions = success(app.get("/api/v1/events/izmir-2021/sessions").await).await;
    let id = sessions["items"][0]["id"].as_i64().unwrap();
    app.patch_json(
        &format!("/api/v1/events/izmir-2021/sessions/{id}"),
        Some(&app.admin_token),
        json!({"title": "Dialogue des maires (nouveau titre)"}),
    )
    .await;
    app.publish_sessions("izmir-2021", &[id]).await;
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

#[tokio::test]
async fn the_programme_page_is_cached_per_remembered_zone_and_answers_304() {
    let app = spawn_demo().await;
    let page = |zone: &'static str| {
        app.request(reqwest::Method::GET, "/events/izmir-2021")
            .header(reqwest::header::COOKIE, format!("convene_tz={zone}"))
            .send()
    };
    let tokyo = page("Asia/Tokyo").await.unwrap();
    assert_eq!(tokyo.status(), StatusCode::OK);
    // Browsers must revalidate: their cache does not know the page depends on cookies.
    assert_eq!(
        tokyo.headers()[reqwest::header::CACHE_CONTROL],
        "private, no-cache"
    );
    assert_eq!(
        tokyo.headers()[reqwest::header::VARY],
        "Cookie, Accept-Encoding"
    );
    let etag = tokyo.headers()[ETAG].clone();
    assert!(
        tokyo
            .text()
            .await
            .unwrap()
            .contains("Tokyo: 22h-23h30 JST (UTC+9)")
    );
    // Another reader's remembered zone is another page, not the cached Tokyo one.
    let lima = page("America/Lima").await.unwrap();
    assert_ne!(lima.headers()[ETAG], etag);
    let lima = lima.text().await.unwrap();
    assert!(lima.contains("Lima: 8h-9h30 (UTC-5)") && !lima.contains("Tokyo: 22h"));
    let again = app
        .request(reqwest::Method::GET, "/events/izmir-2021")
        .header(reqwest::header::COOKIE, "convene_tz=Asia/Tokyo")
        .header(IF_NONE_MATCH, etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(again.headers().get(reqwest::header::CONTENT_TYPE).is_none());
}

#[tokio::test]
async fn a_change_is_visible_in_the_very_next_read_of_every_cached_form() {
    let app = spawn_demo().await;
    let paths = [
        "/api/v1/events/izmir-2021/programme",
        "/api/v1/events/izmir-2021/calendar.ics",
        "/api/v1/events/izmir-2021/schedule.xml",
        "/api/v1/events/izmir-2021/schedule.json",
        "/events/izmir-2021",
    ];
    for path in paths {
        for _ in 0..2 {
            let text = app.get(path).await.text().await.unwrap();
            assert!(!text.contains("Recital (moved)"), "{path}");
        }
    }
    let sessions = success(app.get("/api/v1/events/izmir-2021/sessions").await).await;
    let recital = sessions["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "cultural")
        .expect("the demo has a recital")["id"]
        .as_i64()
        .unwrap();
    let patched = app
        .patch_json(
            &format!("/api/v1/events/izmir-2021/sessions/{recital}"),
            Some(&app.admin_token),
            json!({"title": "Recital (moved)"}),
        )
        .await;
    assert_eq!(patched.status(), StatusCode::OK);
    for path in paths {
        let text = app.get(path).await.text().await.unwrap();
        assert!(
            !text.contains("Recital (moved)"),
            "{path} shows a change that is not published yet"
        );
    }
    app.publish_sessions("izmir-2021", &[recital]).await;
    for path in paths {
        let text = app.get(path).await.text().await.unwrap();
        assert!(
            text.contains("Recital (moved)"),
            "{path} still shows the old title"
        );
    }
}

#[tokio::test]
async fn a_personal_feed_is_private_and_gone_once_its_registration_is_cancelled() {
    let app = spawn_demo().await;
    let (feed, token) = register_online(&app, "Ülaş", "ulas@example.org").await;
    for _ in 0..2 {
        let response = app.get(&feed).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()[reqwest::header::CACHE_CONTROL],
            "private, max-age=60, must-revalidate"
        );
        assert!(response.text().await.unwrap().contains("BEGIN:VEVENT"));
    }
    let cancelled = app
        .delete(&format!("/api/v1/registrations/{token}"), None)
        .await;
    assert!(cancelled.status().is_success());
    assert_eq!(app.get(&feed).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn sending_mail_does_not_throw_the_cached_reads_away() {
    let app = spawn_demo().await;
    app.post_json(
        "/api/v1/events/izmir-2021/registrations",
        None,
        json!({"name": "Ana", "email": "ana@example.org", "attendance": "virtual", "timezone": "Europe/Paris", "language": "fr"}),
    )
    .await;
    let generations = &app.state.db.generations;
    let before = generations.for_personal_reads();
    let report = app.dispatch_all_pending_emails().await;
    assert!(report.sent > 0);
    // Delivery bookkeeping commits without moving any generation the cache checks.
    assert_eq!(generations.for_personal_reads(), before);
}

#[tokio::test]
async fn registrations_refresh_personal_feeds_but_leave_the_cached_programme() {
    let app = spawn_demo().await;
    let generations = &app.state.db.generations;
    let (public, personal) = (
        generations.for_public_reads(),
        generations.for_personal_reads(),
    );
    let registered = app
        .post_json(
            "/api/v1/events/izmir-2021/registrations",
            None,
            json!({"name": "Ana", "email": "ana@example.org", "attendance": "virtual", "timezone": "Europe/Paris", "language": "fr"}),
        )
        .await;
    assert_eq!(registered.status(), StatusCode::CREATED);
    assert_eq!(generations.for_public_reads(), public);
    assert_ne!(generations.for_personal_reads(), personal);
    // A programme change still reaches both.
    let personal = generations.for_personal_reads();
    let sessions = success(app.get("/api/v1/events/izmir-2021/sessions").await).await;
    let id = sessions["items"][0]["id"].as_i64().unwrap();
    app.patch_json(
        &format!("/api/v1/events/izmir-2021/sessions/{id}"),
        Some(&app.admin_token),
        json!({"title": "Dialogue des maires (déplacé)"}),
    )
    .await;
    assert_ne!(generations.for_public_reads(), public);
    assert_ne!(generations.for_personal_reads(), personal);
}

#[tokio::test]
async fn many_readers_of_a_cold_programme_all_get_the_same_answer() {
    let app = spawn_demo().await;
    let reads = (0..32).map(|_| app.get("/api/v1/events/izmir-2021/programme?tz=Asia/Tokyo"));
    let responses = futures::future::join_all(reads).await;
    let tags: std::collections::BTreeSet<_> = responses
        .iter()
        .map(|r| {
            assert_eq!(r.status(), StatusCode::OK);
            r.headers()[ETAG].to_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(tags.len(), 1);
}

/// Two app instances on one database, each with its own pool, cache and change follower, as
/// two processes would be: a change made through one reaches the other's cache (PostgreSQL:
/// LISTEN/NOTIFY; SQLite: the `data_generations` row).
#[tokio::test]
async fn a_change_through_one_process_reaches_the_cache_of_another() {
    let first = spawn_demo().await;
    let second = spawn_app_with(Options {
        env: vec![("DATABASE_URL", first.database_url.clone())],
        ..Options::default()
    })
    .await;
    let path = "/api/v1/events/izmir-2021/schedule.json";
    for _ in 0..2 {
        let text = second.get(path).await.text().await.unwrap();
        assert!(!text.contains("Changed elsewhere"));
    }
    let sessions = body(first.get("/api/v1/events/izmir-2021/sessions").await).await;
    let id = sessions["items"][0]["id"].as_i64().unwrap();
    let patched = first
        .patch_json(
            &format!("/api/v1/events/izmir-2021/sessions/{id}"),
            Some(&first.admin_token),
            json!({"title": "Changed elsewhere"}),
        )
        .await;
    assert_eq!(patched.status(), StatusCode::OK);
    first.publish_sessions("izmir-2021", &[id]).await;
    // The news travels through the database: give it a moment, not a fixed sleep.
    eventually(
        "the second process still serves the old schedule",
        || async {
            let text = second.get(path).await.text().await.unwrap();
            text.contains("Changed elsewhere")
        },
    )
    .await;
    // Attendance-only news travels the same way, for the personal feeds.
    let (feed, token) = register_online(&first, "Ana", "ana@example.org").await;
    assert_eq!(second.get(&feed).await.status(), StatusCode::OK);
    first
        .delete(&format!("/api/v1/registrations/{token}"), None)
        .await;
    eventually(
        "the second process still serves the cancelled registration's feed",
        || async { second.get(&feed).await.status() == StatusCode::NOT_FOUND },
    )
    .await;
}

/// Registers someone online for the Izmir demo; returns their feed's path and management token.
async fn register_online(app: &TestApp, name: &str, email: &str) -> (String, String) {
    let registered = success(
        app.post_json(
            "/api/v1/events/izmir-2021/registrations",
            None,
            json!({"name": name, "email": email, "attendance": "virtual", "timezone": "Europe/Istanbul", "language": "en"}),
        )
        .await,
    )
    .await;
    let feed = registered["feed_url"]
        .as_str()
        .unwrap()
        .strip_prefix("http://convene.test")
        .unwrap()
        .to_owned();
    let token = registered["manage_url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    (feed, token)
}
