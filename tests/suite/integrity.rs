//! Nothing gets past the rules: hostile or absurd input is refused cleanly, sign-in cannot be
//! guessed at speed, and answers say what they are.

use crate::common;
use common::*;
use reqwest::StatusCode;

#[tokio::test]
async fn json_answers_are_never_sniffed_into_something_else() {
    let app = spawn_demo().await;
    for path in [
        "/health",
        "/api/v1/events/izmir-2021",
        "/api/v1/events/izmir-2021/programme",
        "/api/v1/events/no-such-event",
    ] {
        // Twice: the second programme read is answered from the read cache.
        for _ in 0..2 {
            let response = app.get(path).await;
            assert_eq!(
                response
                    .headers()
                    .get("x-content-type-options")
                    .map(|v| v.to_str().unwrap()),
                Some("nosniff"),
                "{path} answered {}",
                response.status()
            );
        }
    }
    assert_eq!(
        app.get("/api/v1/events/no-such-event").await.status(),
        StatusCode::NOT_FOUND
    );
}

/// A client bound to another loopback address, so the server sees another client.
fn client_from(address: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(address.parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap()
}

async fn try_sign_in(app: &TestApp, client: &reqwest::Client, email: &str) -> reqwest::Response {
    client
        .post(app.url("/api/v1/auth/token"))
        .json(&serde_json::json!({"email": email, "password": "not the password"}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn guessing_passwords_is_stopped_per_account_and_per_client_even_with_public_limits_off() {
    // The harness turns CONVENE_RATE_LIMIT off; the sign-in limit has a setting of its own.
    let app = spawn_app_with(Options {
        env: vec![("CONVENE_SIGNIN_LIMIT", "5".into())],
        ..Options::default()
    })
    .await;
    // The harness signed the administrator in once already: four more tries, then refused.
    let first = client_from("127.0.0.1");
    for _ in 0..4 {
        assert_eq!(
            try_sign_in(&app, &first, ADMIN_EMAIL).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let refused = try_sign_in(&app, &first, ADMIN_EMAIL).await;
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (1..=60).contains(&retry_after),
        "Retry-After: {retry_after}"
    );
    assert_problem(refused, StatusCode::TOO_MANY_REQUESTS, None).await;

    // The account is protected from another client too, even with the right password…
    let second = client_from("127.0.0.2");
    let right = second
        .post(app.url("/api/v1/auth/token"))
        .json(&serde_json::json!({"email": ADMIN_EMAIL.to_uppercase(), "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS);
    // …while that client may still try other accounts.
    assert_eq!(
        try_sign_in(&app, &second, "someone@test.example")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );

    // One client trying many accounts is stopped as well.
    let third = client_from("127.0.0.3");
    for n in 0..5 {
        let email = format!("guess{n}@test.example");
        assert_eq!(
            try_sign_in(&app, &third, &email).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        try_sign_in(&app, &third, "guess9@test.example")
            .await
            .status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// What a browser sends when following a link.
const BROWSER_ACCEPT: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

async fn as_browser(app: &TestApp, path: &str, language: &str) -> reqwest::Response {
    app.request(reqwest::Method::GET, path)
        .header("accept", BROWSER_ACCEPT)
        .header("accept-language", language)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn browsers_get_error_pages_in_their_language_and_scripts_keep_problem_json() {
    let app = spawn_demo().await;
    for (path, status, language, words) in [
        (
            "/r/not-a-real-token",
            StatusCode::NOT_FOUND,
            "fr-FR,fr;q=0.9",
            "Page introuvable",
        ),
        (
            "/speak/not-a-real-token",
            StatusCode::NOT_FOUND,
            "en-GB,en",
            "Page not found",
        ),
        (
            "/events/no-such-event",
            StatusCode::NOT_FOUND,
            "fr",
            "Page introuvable",
        ),
        (
            "/no/such/page",
            StatusCode::NOT_FOUND,
            "en",
            "Page not found",
        ),
        (
            "/events/izmir-2021/register?lang=fr",
            StatusCode::OK,
            "en",
            "inscrire",
        ),
    ] {
        let response = as_browser(&app, path, language).await;
        assert_eq!(response.status(), status, "{path}");
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            content_type.starts_with("text/html"),
            "{path}: {content_type}"
        );
        assert!(
            response.headers().contains_key("content-security-policy"),
            "{path}"
        );
        let html = response.text().await.unwrap();
        assert!(html.contains(words), "{path}: {html}");
        assert!(
            !html.contains("about:blank"),
            "{path} shows raw JSON: {html}"
        );
    }
    // The API, and scripts calling a page route, keep problem+json.
    assert_problem(
        as_browser(&app, "/api/v1/events/no-such-event", "fr").await,
        StatusCode::NOT_FOUND,
        None,
    )
    .await;
    assert_problem(
        app.get("/speak/not-a-real-token").await,
        StatusCode::NOT_FOUND,
        None,
    )
    .await;
}

#[tokio::test]
async fn publishing_one_session_by_patch_goes_through_the_same_gate_and_records_a_version() {
    let app = spawn_app().await;
    app.create("/api/v1/events", event_payload("sfax-2019"))
        .await;
    let session = app
        .create(
            "/api/v1/events/sfax-2019/sessions",
            serde_json::json!({"title": "Consultation mechanisms", "kind": "workshop",
                "starts_at": "2019-06-25T09:30", "ends_at": "2019-06-25T11:00"}),
        )
        .await;
    let path = format!("/api/v1/events/sfax-2019/sessions/{}", session["id"]);
    let token = Some(app.admin_token.as_str());

    // On site without a room: an error-level conflict, so it does not go public.
    let refused = app
        .patch_json(&path, token, serde_json::json!({"status": "published"}))
        .await;
    let problem = assert_problem(refused, StatusCode::CONFLICT, None).await;
    assert_eq!(
        problem["conflicts"][0]["kind"], "on_site_without_room",
        "{problem}"
    );
    let public = success(app.get("/api/v1/events/sfax-2019/sessions").await).await;
    assert_eq!(public["items"].as_array().unwrap().len(), 0, "{public}");
    let versions = success(
        app.get_as(&app.admin_token, "/api/v1/events/sfax-2019/versions")
            .await,
    )
    .await;
    assert_eq!(versions["items"].as_array().unwrap().len(), 0, "{versions}");

    let room = app
        .create(
            "/api/v1/events/sfax-2019/rooms",
            serde_json::json!({"name": "Salle A", "capacity": 40}),
        )
        .await;
    success(
        app.patch_json(&path, token, serde_json::json!({"room_id": room["id"]}))
            .await,
    )
    .await;
    let published = success(
        app.patch_json(&path, token, serde_json::json!({"status": "published"}))
            .await,
    )
    .await;
    assert_eq!(published["status"], "published");
    let public = success(app.get("/api/v1/events/sfax-2019/sessions").await).await;
    assert_eq!(public["items"].as_array().unwrap().len(), 1);
    let versions = success(
        app.get_as(&app.admin_token, "/api/v1/events/sfax-2019/versions")
            .await,
    )
    .await;
    assert_eq!(versions["items"].as_array().unwrap().len(), 1, "{versions}");
}

#[tokio::test]
async fn control_characters_are_refused_in_paths_queries_bodies_and_forms_on_every_database() {
    let app = spawn_demo().await;
    // Anonymous callers included: a NUL in a path, a query or a sign-in.
    assert_problem(
        app.get("/api/v1/events/a%00").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("path"),
    )
    .await;
    assert_problem(
        app.get("/api/v1/events/izmir-2021/programme?tz=Europe/Paris%00")
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("query"),
    )
    .await;
    assert_problem(
        app.post_json(
            "/api/v1/auth/token",
            None,
            serde_json::json!({"email": "admin\u{0}@test.example", "password": "x"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("email"),
    )
    .await;
    // An organiser's multi-line text keeps its line breaks and tabs but not a NUL or an escape.
    let token = Some(app.admin_token.as_str());
    let path = "/api/v1/events/izmir-2021";
    assert_problem(
        app.patch_json(
            path,
            token,
            serde_json::json!({"description": "one\u{0}two"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("description"),
    )
    .await;
    assert_problem(
        app.patch_json(
            path,
            token,
            serde_json::json!({"questions": ["fine", "bell\u{7}"]}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("questions[1]"),
    )
    .await;
    let kept = success(
        app.patch_json(
            path,
            token,
            serde_json::json!({"description": "one\n\ttwo"}),
        )
        .await,
    )
    .await;
    assert_eq!(kept["description"], "one\n\ttwo");
    // The public registration form too.
    let form = app
        .request(reqwest::Method::POST, "/events/izmir-2021/register")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("name=A%00B&email=a%40b.org")
        .send()
        .await
        .unwrap();
    assert_problem(form, StatusCode::UNPROCESSABLE_ENTITY, Some("name")).await;
}

#[tokio::test]
async fn the_api_documentation_is_served_whole_by_convene_under_a_strict_policy() {
    let app = spawn_app().await;
    let page = app.get("/api/docs").await;
    assert_eq!(page.status(), StatusCode::OK);
    let policy = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        policy.contains("default-src 'none'") && policy.contains("script-src 'self'"),
        "{policy}"
    );
    assert!(
        !policy.contains("http"),
        "the policy names no other host: {policy}"
    );
    let html = page.text().await.unwrap();
    let references = regex::Regex::new(r#"(?:src|href)="([^"]+)""#).unwrap();
    let mut fetched = 0;
    for found in references.captures_iter(&html) {
        let reference = &found[1];
        assert!(
            reference.starts_with('/') && !reference.starts_with("//"),
            "loaded from elsewhere: {reference}"
        );
        let asset = app.get(reference).await;
        assert_eq!(asset.status(), StatusCode::OK, "{reference}");
        fetched += 1;
    }
    assert!(fetched >= 4, "the page loads its script and styles: {html}");
    let initializer = app
        .get("/api/docs/ui/swagger-initializer.js")
        .await
        .text()
        .await
        .unwrap();
    assert!(initializer.contains("/api/openapi.json"), "{initializer}");
    assert!(
        initializer.contains("\"validatorUrl\": \"none\""),
        "{initializer}"
    );
    let document = success(app.get("/api/openapi.json").await).await;
    assert_eq!(document["info"]["title"], "Convene");
}

#[tokio::test]
async fn garbage_sizes_lines_and_dates_are_refused_by_their_field() {
    let app = spawn_demo().await;
    let token = Some(app.admin_token.as_str());
    let event = "/api/v1/events/izmir-2021";
    let huge = "x".repeat(50_001);
    for (payload, field) in [
        (serde_json::json!({"description": huge}), "description"),
        (
            serde_json::json!({"organiser_name": "Observatoire\r\nBcc: someone"}),
            "organiser_name",
        ),
        (serde_json::json!({"venue": "v".repeat(301)}), "venue"),
        (
            serde_json::json!({"questions": vec!["Why?"; 101]}),
            "questions",
        ),
        (serde_json::json!({"starts_on": "0000-12-07"}), "starts_on"),
    ] {
        assert_problem(
            app.patch_json(event, token, payload).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(field),
        )
        .await;
    }
    let session = serde_json::json!({"title": "Far future", "kind": "panel",
        "starts_at": "9999-12-07T16:00:00+03:00", "ends_at": "9999-12-07T17:00:00+03:00"});
    assert_problem(
        app.post_json("/api/v1/events/izmir-2021/sessions", token, session)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("starts_at"),
    )
    .await;
    // A real abstract of 20,000 characters over several paragraphs is fine.
    let abstract_text = "Les villes sont à l'avant-garde.\n\n".repeat(600);
    let kept = success(
        app.patch_json(
            event,
            token,
            serde_json::json!({"description": abstract_text}),
        )
        .await,
    )
    .await;
    assert_eq!(
        kept["description"].as_str().unwrap().chars().count(),
        abstract_text.chars().count()
    );
}

#[tokio::test]
async fn a_programme_read_in_hundreds_of_zones_is_refused() {
    let app = spawn_demo().await;
    let many: Vec<String> = chrono_tz::TZ_VARIANTS
        .iter()
        .take(400)
        .map(|tz| format!("tz={}", tz.name().replace('+', "%2B")))
        .collect();
    let path = format!("/api/v1/events/izmir-2021/programme?{}", many.join("&"));
    assert_problem(
        app.get(&path).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("tz"),
    )
    .await;
    let ten: Vec<&str> = ["Asia/Tokyo"; 10].to_vec();
    let path = format!(
        "/api/v1/events/izmir-2021/programme?tz={}",
        ten.join("&tz=")
    );
    assert_eq!(app.get(&path).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_api_document_states_every_operation_its_errors_and_the_import_as_served() {
    let app = spawn_app().await;
    let document = success(app.get("/api/openapi.json").await).await;
    let mut operations = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            operations += 1;
            let name = format!("{method} {path}");
            assert!(
                operation["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{name} has no summary"
            );
            for (status, response) in operation["responses"].as_object().unwrap() {
                if status.starts_with('4') || status.starts_with('5') {
                    let types: Vec<&String> = response["content"]
                        .as_object()
                        .map(|c| c.keys().collect())
                        .unwrap_or_default();
                    assert_eq!(types, vec!["application/problem+json"], "{name} {status}");
                }
            }
            if operation["security"]
                .as_array()
                .is_some_and(|s| !s.is_empty())
            {
                for status in ["401", "403"] {
                    assert!(
                        operation["responses"].get(status).is_some(),
                        "{name} {status}"
                    );
                }
            }
        }
    }
    assert!(operations > 60, "{operations} operations");
    let import = &document["paths"]["/api/v1/events/{slug}/import"]["post"];
    let types: Vec<&String> = import["requestBody"]["content"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(types, vec!["application/json", "application/xml"]);
    let dry_run = import["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "dry_run")
        .unwrap();
    assert_eq!(dry_run["in"], "query");
    assert_ne!(dry_run["required"], true);
}

#[tokio::test]
async fn json_numbers_mean_what_json_says_and_bodies_are_objects() {
    let app = spawn_app().await;
    app.create("/api/v1/events", event_payload("sfax-2019"))
        .await;
    // JSON does not tell 40 from 40.0.
    let room = app
        .create(
            "/api/v1/events/sfax-2019/rooms",
            serde_json::json!({"name": "Salle des fêtes", "capacity": 40.0}),
        )
        .await;
    assert_eq!(room["capacity"], 40);
    let fractional = app
        .post_json(
            "/api/v1/events/sfax-2019/rooms",
            Some(&app.admin_token),
            serde_json::json!({"name": "Annexe", "capacity": 40.5}),
        )
        .await;
    assert_problem(
        fractional,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("capacity"),
    )
    .await;
    // serde would read a struct from an array; a body is an object.
    let array = app
        .patch_json(
            &format!("/api/v1/events/sfax-2019/rooms/{}", room["id"]),
            Some(&app.admin_token),
            serde_json::json!([null, null]),
        )
        .await;
    assert_problem(array, StatusCode::UNPROCESSABLE_ENTITY, Some("body")).await;
    // An empty query value is refused rather than read as "not given".
    let empty = app.get("/api/v1/events/sfax-2019/programme?lang=").await;
    assert_problem(empty, StatusCode::UNPROCESSABLE_ENTITY, Some("lang")).await;
    let negative = app
        .get_as(
            &app.admin_token,
            "/api/v1/events/sfax-2019/changelog?to=-2147483648",
        )
        .await;
    assert_problem(negative, StatusCode::UNPROCESSABLE_ENTITY, Some("to")).await;
}
