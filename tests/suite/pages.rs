//! The public pages over plain HTTP (the browser suite in `browser.rs` adds Chromium): what they
//! show, what they hide, the headers they carry, and the registration form's CSRF and errors.

use crate::common;

use common::*;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_SECURITY_POLICY, COOKIE, LOCATION, SET_COOKIE};
use serde_json::json;

/// `name=value` pairs of every cookie a response sets, ready for a `Cookie` header.
fn cookies_of(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .collect::<Vec<_>>()
        .join("; ")
}

fn hidden_token(html: &str) -> String {
    regex::Regex::new(r#"name="authenticity_token" value="([^"]+)""#)
        .unwrap()
        .captures(html)
        .expect("the form carries a CSRF token")[1]
        // As a browser reads the attribute: minijinja writes the base64 `/` as `&#x2f;`.
        .replace("&#x2f;", "/")
}

#[tokio::test]
async fn the_programme_page_prints_the_event_zones_and_the_readers_and_remembers_it() {
    let app = spawn_demo().await;
    let page = app.get("/events/izmir-2021?tz=Asia/Tokyo&lang=fr").await;
    assert_eq!(page.status(), StatusCode::OK);
    let csp = page.headers()[CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"));
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    let remembered = cookies_of(&page);
    assert!(
        remembered.contains("convene_tz=Asia%2FTokyo"),
        "{remembered}"
    );
    // minijinja escapes `/` in attribute values as `&#x2f;`, which browsers read as `/`.
    let html = page.text().await.unwrap().replace("&#x2f;", "/");
    for line in [
        "Izmir: 16h-17h30 TRT (UTC+3)",
        "Paris: 14h-15h30 CET (UTC+1)",
        "Montréal: 8h-9h30 EST (UTC-5)",
        "Tokyo: 22h-23h30 JST (UTC+9)",
        "Bienvenue et ouverture",
        "webcal://convene.test/api/v1/events/izmir-2021/calendar.ics",
        "/api/v1/events/izmir-2021/sessions/",
    ] {
        assert!(html.contains(line), "missing {line}");
    }
    assert!(
        !html.contains("meet.example.org") && !html.contains("zoom"),
        "no meeting link on the public page"
    );

    // The next visit, with the cookie and no query, is still in Tokyo time.
    let again = app
        .request(reqwest::Method::GET, "/events/izmir-2021")
        .header(COOKIE, remembered)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(again.contains("Tokyo: 22h-23h30"));
    assert!(again.contains(r#"data-chosen="true""#));

    // In English, on request.
    let english = app
        .get("/events/izmir-2021?lang=en")
        .await
        .text()
        .await
        .unwrap();
    assert!(english.contains(r#"<html lang="en">"#) && english.contains("Welcome and opening"));
    assert!(
        english.contains(r#"data-chosen="false""#),
        "no zone chosen yet: the script may detect it"
    );
}

#[tokio::test]
async fn user_supplied_text_is_escaped_and_drafts_stay_hidden() {
    let app = spawn_app().await;
    let mut event = event_payload("escape-test");
    event["title"] = json!("<script>alert('x')</script> Summit");
    app.create("/api/v1/events", event).await;
    app.create(
        "/api/v1/events/escape-test/sessions",
        json!({"title": "Draft <b>secret</b>", "kind": "dialogue", "attendance": "virtual", "starts_at": "2021-12-07T16:00", "ends_at": "2021-12-07T17:00", "online_url": "https://meet.example.org/x"}),
    )
    .await;
    let html = app.get("/events/escape-test").await.text().await.unwrap();
    assert!(!html.contains("<script>alert"), "title escaped");
    assert!(html.contains("&lt;script&gt;alert"));
    assert!(!html.contains("secret"), "drafts are not public");
    assert_eq!(
        app.get("/events/no-such-event").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_registration_form_needs_its_csrf_token_shows_errors_inline_and_leads_to_the_management_page()
 {
    let app = spawn_demo().await;
    let form_page = app.get("/events/izmir-2021/register?lang=en").await;
    assert_eq!(form_page.status(), StatusCode::OK);
    let cookies = cookies_of(&form_page);
    assert!(cookies.contains("convene_csrf="), "{cookies}");
    let token = hidden_token(&form_page.text().await.unwrap());

    let post = |body: String, cookie: Option<String>| {
        let mut request = app
            .request(reqwest::Method::POST, "/events/izmir-2021/register")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some(cookie) = cookie {
            request = request.header(COOKIE, cookie);
        }
        request.send()
    };
    let encoded = |pairs: &[(&str, &str)]| {
        let mut form = form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            form.append_pair(k, v);
        }
        form.finish()
    };
    let good = [
        ("authenticity_token", token.as_str()),
        ("name", "Tunç Visitor"),
        ("email", "visitor@example.org"),
        ("attendance", "on_site"),
        ("language", "en"),
        ("timezone", "America/Toronto"),
    ];

    // A forged post (no cookie, or a wrong token) registers nobody.
    let forged = post(encoded(&good), None).await.unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let mut wrong = good;
    wrong[0] = ("authenticity_token", "AAAA");
    let forged = post(encoded(&wrong), Some(cookies.clone())).await.unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);

    // Mistakes come back next to their fields, with what was typed.
    let mut bad = good;
    bad[1] = ("name", "");
    bad[2] = ("email", "visitor-at-example");
    bad[5] = ("timezone", "Mars/Olympus");
    let refused = post(encoded(&bad), Some(cookies.clone())).await.unwrap();
    assert_eq!(refused.status(), StatusCode::OK);
    let html = refused.text().await.unwrap();
    for id in ["name-error", "email-error", "timezone-error"] {
        assert!(html.contains(&format!(r#"id="{id}""#)), "missing {id}");
    }
    assert!(
        html.contains(r#"value="visitor-at-example""#),
        "typed value kept"
    );
    let report = success(
        app.get_as(&app.admin_token, "/api/v1/events/izmir-2021/attendance")
            .await,
    )
    .await;
    assert_eq!(report["registrations"], 0, "{report}");

    let accepted = post(encoded(&good), Some(cookies.clone())).await.unwrap();
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
    let location = accepted.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(location.starts_with("/r/"), "{location}");
    let manage = app.get(&location).await.text().await.unwrap();
    assert!(manage.contains("Tunç Visitor") && manage.contains("Your registration"));
    assert!(manage.contains("Toronto"), "times in the registrant's zone");

    // Registering the same address again does not make a second registration.
    let again = post(encoded(&good), Some(cookies)).await.unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    assert!(again.text().await.unwrap().contains("already registered"));
}
