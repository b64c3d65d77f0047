//! Spawns the real application on 127.0.0.1:0 with a fresh database per test and talks HTTP to it.
//!
//! The database is SQLite (a new file in a temporary folder) unless `CONVENE_TEST_DATABASE=postgres`,
//! in which case each test gets its own PostgreSQL database, created on the server named by
//! `CONVENE_TEST_PG_URL` (default `postgres://postgres@127.0.0.1:5432/test`).
#![allow(dead_code)]

pub mod smtp;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use convene::clock::ManualClock;
use convene::config::Settings;
use convene::startup::Application;
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};

pub const ADMIN_EMAIL: &str = "admin@test.example";
pub const ADMIN_PASSWORD: &str = "admin-password";

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub clock: ManualClock,
    pub admin_token: String,
    pub database_url: String,
    pub state: convene::app::AppState,
    /// The first-run link's path (`/admin/setup/{token}`) while no account exists.
    pub setup_path: Option<String>,
    _dir: tempfile::TempDir,
}

pub fn using_postgres() -> bool {
    std::env::var("CONVENE_TEST_DATABASE").is_ok_and(|v| v == "postgres")
}

/// A fresh, empty database URL for one test.
async fn fresh_database(dir: &tempfile::TempDir) -> String {
    if !using_postgres() {
        return format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("convene.db").display()
        );
    }
    use sqlx::Connection;
    let server = std::env::var("CONVENE_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let name = format!("convene_test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(&server)
        .await
        .expect("PostgreSQL must be reachable for the postgres suite");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("cannot create a test database");
    let base = server
        .rsplit_once('/')
        .map(|(base, _)| base)
        .unwrap_or(&server);
    format!("{base}/{name}")
}

pub struct Options {
    pub demo: bool,
    /// No account at all, as on a first run: no administrator configured, nobody signed in;
    /// the one-time setup link is in `TestApp::setup_path`.
    pub first_run: bool,
    pub env: Vec<(&'static str, String)>,
    pub now: DateTime<Utc>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            demo: false,
            first_run: false,
            env: vec![],
            now: "2021-11-01T09:00:00Z".parse().unwrap(),
        }
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

pub async fn spawn_demo() -> TestApp {
    spawn_app_with(Options {
        demo: true,
        ..Options::default()
    })
    .await
}

pub async fn spawn_app_with(options: Options) -> TestApp {
    let dir = tempfile::tempdir().expect("temporary folder");
    let database_url = fresh_database(&dir).await;
    let mut vars: Vec<(&str, String)> = vec![
        ("DATABASE_URL", database_url.clone()),
        ("CONVENE_ADDR", "127.0.0.1:0".into()),
        ("CONVENE_ADMIN_EMAIL", ADMIN_EMAIL.into()),
        ("CONVENE_ADMIN_PASSWORD", ADMIN_PASSWORD.into()),
        (
            "CONVENE_MAIL_DIR",
            dir.path().join("mail").display().to_string(),
        ),
        ("CONVENE_LOG", "warn".into()),
        // Tests drive delivery themselves (`dispatch_all_pending_emails`) instead of sleeping.
        ("CONVENE_OUTBOX_WORKER", "off".into()),
        ("CONVENE_PUBLIC_URL", "http://convene.test".into()),
        // Tests send many registrations from one client; the limit itself has its own test.
        ("CONVENE_RATE_LIMIT", "0".into()),
    ];
    vars.extend(options.env.iter().cloned());
    if options.first_run {
        vars.retain(|(name, _)| !name.starts_with("CONVENE_ADMIN_"));
    }
    let settings = Settings::from_lookup(|name| {
        vars.iter()
            .rev()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    })
    .expect("test settings");
    // Internal errors are logged (warn and above), so a failing test shows their cause.
    convene::telemetry::init(&settings);
    let clock = ManualClock::new(options.now);
    let app = Application::build(settings, Arc::new(clock.clone()))
        .await
        .expect("the app builds");
    if options.demo {
        app.load_demo().await.expect("the demo loads");
    }
    let address = format!("http://{}", app.local_addr());
    let setup_path = app
        .setup_link()
        .await
        .expect("the setup link")
        .map(|link| link.replace("http://convene.test", ""));
    let state = app.state().clone();
    tokio::spawn(app.run_until(std::future::pending()));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut test_app = TestApp {
        address,
        client,
        clock,
        admin_token: String::new(),
        database_url,
        state,
        setup_path,
        _dir: dir,
    };
    if !options.first_run {
        test_app.admin_token = test_app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    }
    test_app
}

impl TestApp {
    /// Runs the outbox delivery until nothing due is left; returns what happened overall.
    pub async fn dispatch_all_pending_emails(&self) -> convene::mail::outbox::DeliveryReport {
        let mut total = convene::mail::outbox::DeliveryReport::default();
        loop {
            let report = convene::mail::outbox::deliver_due(&self.state.courier())
                .await
                .expect("delivery runs");
            total.sent += report.sent;
            total.retrying += report.retrying;
            total.dead += report.dead;
            if report.sent + report.dead == 0 {
                return total;
            }
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, self.url(path))
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> String {
        let response = self
            .post_json(
                "/api/v1/auth/token",
                None,
                json!({"email": email, "password": password}),
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "sign-in of {email} failed"
        );
        body(response).await["token"].as_str().unwrap().to_owned()
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn get_as(&self, token: &str, path: &str) -> Response {
        self.request(Method::GET, path)
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn send_json(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        payload: Value,
    ) -> Response {
        let mut request = self.request(method, path).json(&payload);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request sent")
    }

    pub async fn post_json(&self, path: &str, token: Option<&str>, payload: Value) -> Response {
        self.send_json(Method::POST, path, token, payload).await
    }

    pub async fn patch_json(&self, path: &str, token: Option<&str>, payload: Value) -> Response {
        self.send_json(Method::PATCH, path, token, payload).await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Response {
        let mut request = self.request(Method::DELETE, path);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request sent")
    }

    /// POSTs as the administrator and insists on 201, returning the created resource.
    pub async fn create(&self, path: &str, payload: Value) -> Value {
        let response = self.post_json(path, Some(&self.admin_token), payload).await;
        let status = response.status();
        let created = body(response).await;
        assert_eq!(
            status,
            StatusCode::CREATED,
            "POST {path} answered {created}"
        );
        created
    }

    /// An organiser account with its own event, signed in: the "organiser of another event".
    pub async fn other_organiser(&self) -> String {
        self.create("/api/v1/users", json!({"email": "other@test.example", "name": "Other Organiser", "password": "other-password"})).await;
        let token = self.sign_in("other@test.example", "other-password").await;
        let response = self
            .post_json("/api/v1/events", Some(&token), event_payload("other-event"))
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        token
    }
}

/// The JSON body of an answer that must have succeeded (any 2xx): a setup step that fails
/// fails here, naming the URL and the answer, not at a later assertion.
pub async fn success(response: Response) -> Value {
    let status = response.status();
    let url = response.url().clone();
    let text = response.text().await.expect("body read");
    assert!(status.is_success(), "{url} answered {status}: {text}");
    if text.is_empty() {
        return Value::Null;
    }
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON from {url}: {text}"))
}

pub async fn body(response: Response) -> Value {
    let text = response.text().await.expect("body read");
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
}

/// Asserts a problem+json answer with `status` that names `field`; returns the body.
pub async fn assert_problem(response: Response, status: StatusCode, field: Option<&str>) -> Value {
    assert_eq!(response.status(), status, "unexpected status");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    let problem = body(response).await;
    assert_eq!(problem["status"], status.as_u16());
    assert!(
        problem["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "a problem says why: {problem}"
    );
    if let Some(field) = field {
        let fields: Vec<&str> = problem["errors"]
            .as_array()
            .map(|e| e.iter().filter_map(|e| e["field"].as_str()).collect())
            .unwrap_or_default();
        assert!(
            fields.contains(&field),
            "expected field {field} in {problem}"
        );
    }
    problem
}

pub fn event_payload(slug: &str) -> Value {
    json!({
        "slug": slug,
        "title": "Peer-learning event on civil society and migration",
        "kind": "peer_learning",
        "attendance": "on_site",
        "timezone": "Africa/Tunis",
        "starts_on": "2019-06-25",
        "ends_on": "2019-06-26",
        "venue": "Sfax",
        "default_language": "en",
        "display_zones": [{"label": "Sfax", "timezone": "Africa/Tunis"}, {"label": "Brussels", "timezone": "Europe/Brussels"}],
        "questions": ["How do you work with CSOs in your city?"],
        "documents": [{"title": "Building trust through strengthened cooperation", "author": "Camille Le Coz", "language": "en"}]
    })
}

/// Polls `check` until it holds (news that travels between processes takes a moment), failing
/// with `what` after ten seconds; never a fixed sleep.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !check().await {
        assert!(std::time::Instant::now() < deadline, "{what}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

impl TestApp {
    /// Publishes the staged changes of these sessions at once (the urgent path), as the
    /// administrator, insisting on success; returns the publication.
    pub async fn publish_sessions(&self, slug: &str, sessions: &[i64]) -> Value {
        success(
            self.post_json(
                &format!("/api/v1/events/{slug}/publish"),
                Some(&self.admin_token),
                json!({ "sessions": sessions }),
            )
            .await,
        )
        .await
    }
}

impl TestApp {
    /// Publishes the whole working copy as an organiser of an imported schedule does: the
    /// error-level conflicts the refusal lists (rooms and links a file cannot carry) are
    /// acknowledged by id. Returns the publication.
    pub async fn publish_acknowledging(&self, slug: &str) -> Value {
        let path = format!("/api/v1/events/{slug}/publish");
        let first = self
            .post_json(&path, Some(&self.admin_token), json!({}))
            .await;
        if first.status() != StatusCode::CONFLICT {
            return success(first).await;
        }
        let refused = body(first).await;
        let ids: Vec<&str> = refused["conflicts"]
            .as_array()
            .expect("a refusal lists its conflicts")
            .iter()
            .map(|c| c["id"].as_str().expect("each conflict has an id"))
            .collect();
        success(
            self.post_json(
                &path,
                Some(&self.admin_token),
                json!({ "acknowledge": ids }),
            )
            .await,
        )
        .await
    }
}
