//! The organisers' console over real HTTP, as a browser speaks to it (form posts, cookies, no
//! redirects followed): the first-run link, sign-in and its cookie, sign-out and expiry, the
//! authorisation of every console route, CSRF on every form, and errors shown beside fields.
//! The whole scenario in Chromium is in `browser.rs`.

use crate::common;

use common::*;
use regex::Regex;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, LOCATION, SET_COOKIE};
use serde_json::json;

/// A browser's side of the conversation: its own cookie jar, no redirects followed.
pub(crate) struct Browser {
    pub(crate) client: reqwest::Client,
    pub(crate) base: String,
}

impl Browser {
    pub(crate) fn new(app: &TestApp) -> Self {
        Browser {
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: app.address.clone(),
        }
    }

    pub(crate) async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .header(ACCEPT, "text/html")
            .send()
            .await
            .expect("page answered")
    }

    /// The page's form token, as the browser would send it back.
    pub(crate) async fn token_from(&self, path: &str) -> String {
        let page = self.get(path).await.text().await.unwrap();
        csrf_token(&page).unwrap_or_else(|| panic!("{path} has a form token:\n{page}"))
    }

    pub(crate) async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.base))
            .header(ACCEPT, "text/html")
            .form(fields)
            .send()
            .await
            .expect("form answered")
    }

    /// Signs in through the login form; answers the session cookie's Set-Cookie line.
    pub(crate) async fn sign_in(&self, email: &str, password: &str) -> String {
        let token = self.token_from("/admin/login").await;
        let answer = self
            .post(
                "/admin/login",
                &[
                    ("authenticity_token", &token),
                    ("email", email),
                    ("password", password),
                    ("next", "/admin"),
                ],
            )
            .await;
        assert_eq!(answer.status(), StatusCode::SEE_OTHER, "sign-in of {email}");
        answer
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("convene_session="))
            .expect("a session cookie")
            .to_owned()
    }
}

fn csrf_token(html: &str) -> Option<String> {
    let found = Regex::new(r#"name="authenticity_token" value="([^"]+)""#)
        .unwrap()
        .captures(html)?;
    // minijinja escapes '/' in attribute values; the browser reads it back as '/'.
    Some(found[1].replace("&#x2f;", "/"))
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn the_first_run_link_creates_the_administrator_once_and_only_while_no_account_exists() {
    let app = spawn_app_with(Options {
        first_run: true,
        ..Options::default()
    })
    .await;
    let setup = app.setup_path.clone().expect("no account: a setup link");
    let token = setup.rsplit('/').next().unwrap();
    assert!(
        token.len() >= 43
            && token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
        "URL-safe, unpadded: {token}"
    );
    let browser = Browser::new(&app);
    assert_eq!(
        browser.get("/admin/setup/not-the-token").await.status(),
        StatusCode::GONE
    );
    // Without an account, the console and the API have nobody to let in.
    assert_eq!(
        location(&browser.get("/admin").await),
        "/admin/login?next=%2Fadmin"
    );

    let form = browser.token_from(&setup).await;
    let refused = browser
        .post(
            &setup,
            &[
                ("authenticity_token", &form),
                ("name", "Amina Ben Salah"),
                ("email", "not an email"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::OK);
    let page = refused.text().await.unwrap();
    assert!(page.contains(r#"id="f-email-error""#), "{page}");
    assert!(page.contains(r#"id="f-password-error""#), "{page}");
    assert!(
        !page.trim_start().starts_with('{'),
        "an HTML page, not JSON"
    );

    let created = browser
        .post(
            &setup,
            &[
                ("authenticity_token", &form),
                ("name", "Amina Ben Salah"),
                ("email", "Amina@MC2CM.example"),
                ("password", "sfax-peer-learning"),
            ],
        )
        .await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    assert!(location(&created).starts_with("/admin/login?email=amina%40mc2cm.example"));
    // The link is spent: a second visit or a second post is refused, and makes nobody.
    assert_eq!(browser.get(&setup).await.status(), StatusCode::GONE);
    let second = browser
        .post(
            &setup,
            &[
                ("authenticity_token", &form),
                ("name", "Intruder"),
                ("email", "intruder@example.org"),
                ("password", "intruder-password"),
            ],
        )
        .await;
    assert_eq!(second.status(), StatusCode::GONE);
    // The account works for the API as well, and is an administrator.
    let token = app
        .sign_in("amina@mc2cm.example", "sfax-peer-learning")
        .await;
    let created_user = app
        .post_json(
            "/api/v1/users",
            Some(&token),
            json!({"email": "second@mc2cm.example", "name": "Second", "password": "second-password"}),
        )
        .await;
    assert_eq!(created_user.status(), StatusCode::CREATED);
    let refused = app
        .post_json(
            "/api/v1/auth/token",
            None,
            json!({"email": "intruder@example.org", "password": "intruder-password"}),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);

    // A database that has an account prints no link.
    assert!(spawn_app().await.setup_path.is_none());
}

#[tokio::test]
async fn signing_in_sets_a_strict_cookie_and_signing_out_revokes_it() {
    let app = spawn_demo().await;
    let browser = Browser::new(&app);
    let signed_out = browser.get("/admin/events/izmir-2021/programme").await;
    assert_eq!(signed_out.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&signed_out),
        "/admin/login?next=%2Fadmin%2Fevents%2Fizmir-2021%2Fprogramme"
    );

    let login = browser.token_from("/admin/login").await;
    let wrong = browser
        .post(
            "/admin/login",
            &[
                ("authenticity_token", &login),
                ("email", ADMIN_EMAIL),
                ("password", "not the password"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::OK);
    let page = wrong.text().await.unwrap();
    assert!(
        page.contains("Unknown email or wrong password")
            || page.contains("Adresse ou mot de passe incorrect")
    );

    let cookie = browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    for part in ["HttpOnly", "SameSite=Lax", "Path=/admin", "Max-Age="] {
        assert!(cookie.contains(part), "{part} in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "http: no Secure flag: {cookie}");
    let events = browser.get("/admin").await;
    assert_eq!(events.status(), StatusCode::OK);
    let page = events.text().await.unwrap();
    assert!(page.contains("/admin/events/izmir-2021"), "{page}");
    assert!(page.contains("Sommet") || page.contains("Summit"));

    // A next= pointing elsewhere is not followed.
    let second = Browser::new(&app);
    let login = second.token_from("/admin/login").await;
    let elsewhere = second
        .post(
            "/admin/login",
            &[
                ("authenticity_token", &login),
                ("email", ADMIN_EMAIL),
                ("password", ADMIN_PASSWORD),
                ("next", "//evil.example/admin"),
            ],
        )
        .await;
    assert_eq!(location(&elsewhere), "/admin");

    let form = browser.token_from("/admin").await;
    let out = browser
        .post("/admin/logout", &[("authenticity_token", &form)])
        .await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&out), "/admin/login?done=signed_out");
    assert_eq!(browser.get("/admin").await.status(), StatusCode::SEE_OTHER);
    // The token itself is revoked, not only forgotten by this browser.
    let value = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("convene_session=");
    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url("/admin"))
        .header("Cookie", format!("convene_session={value}"))
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::SEE_OTHER);
    let api = app
        .get_as(value, "/api/v1/events/izmir-2021/conflicts")
        .await;
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_session_cookie_is_secure_behind_https_and_expires_with_its_token() {
    let app = spawn_app_with(Options {
        env: vec![
            ("CONVENE_PUBLIC_URL", "https://convene.test".into()),
            ("CONVENE_TOKEN_TTL_HOURS", "2".into()),
        ],
        ..Options::default()
    })
    .await;
    let browser = Browser::new(&app);
    let cookie = browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert!(cookie.contains("Secure"), "{cookie}");
    assert!(cookie.contains("Max-Age=7200"), "{cookie}");
    // The store keeps a Secure cookie from plain http to the test server out of requests, so
    // the cookie is sent by hand, as a browser on https would.
    let value = cookie.split(';').next().unwrap().to_owned();
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let with_cookie = || plain.get(app.url("/admin")).header("Cookie", value.clone());
    assert_eq!(with_cookie().send().await.unwrap().status(), StatusCode::OK);
    app.clock
        .advance(chrono::Duration::hours(2) + chrono::Duration::minutes(1));
    let expired = with_cookie().send().await.unwrap();
    assert_eq!(expired.status(), StatusCode::SEE_OTHER);
    assert!(location(&expired).starts_with("/admin/login"));
}

/// The ids the console routes of an event take.
struct Ids {
    session: i64,
    participant: i64,
    speaker: i64,
    registration: i64,
    email: i64,
}

/// Every console page and form of an event.
fn event_routes(slug: &str, ids: &Ids) -> (Vec<String>, Vec<String>) {
    let Ids {
        session,
        participant,
        speaker,
        registration,
        email,
    } = ids;
    let base = format!("/admin/events/{slug}");
    let pages = vec![
        base.clone(),
        format!("{base}/edit"),
        format!("{base}/rooms"),
        format!("{base}/programme"),
        format!("{base}/sessions/{session}"),
        format!("{base}/publish"),
        format!("{base}/speakers"),
        format!("{base}/speakers/{speaker}"),
        format!("{base}/registrations"),
        format!("{base}/registrations.csv"),
        format!("{base}/registrations/{registration}"),
        format!("{base}/outbox"),
        format!("{base}/outbox/{email}"),
        format!("{base}/files"),
    ];
    let forms = vec![
        format!("{base}/edit"),
        format!("{base}/rooms"),
        format!("{base}/sessions"),
        format!("{base}/sessions/{session}"),
        format!("{base}/sessions/{session}/move"),
        format!("{base}/sessions/{session}/duplicate"),
        format!("{base}/sessions/{session}/cancel"),
        format!("{base}/sessions/{session}/participants"),
        format!("{base}/sessions/{session}/participants/{participant}"),
        format!("{base}/sessions/{session}/participants/{participant}/remove"),
        format!("{base}/publish"),
        format!("{base}/speakers/invite"),
        format!("{base}/organisers"),
        format!("{base}/speakers/{speaker}"),
        format!("{base}/registrations/{registration}/sessions/{session}"),
        format!("{base}/outbox/retry"),
        format!("{base}/files"),
        format!("{base}/files/import"),
    ];
    (pages, forms)
}

#[tokio::test]
async fn every_console_route_is_for_the_events_organisers_and_every_form_needs_its_token() {
    let app = spawn_demo().await;
    let programme = success(
        app.get_as(&app.admin_token, "/api/v1/events/izmir-2021/sessions")
            .await,
    )
    .await;
    let session = &programme["items"][0];
    let registered = app
        .post_json(
            "/api/v1/events/izmir-2021/registrations",
            None,
            json!({"name": "Valérie", "email": "v@example.org", "attendance": "virtual", "timezone": "America/Toronto", "language": "fr"}),
        )
        .await;
    assert_eq!(registered.status(), StatusCode::CREATED);
    let registration = body(registered).await["id"].as_i64().unwrap();
    let email = {
        use sea_orm::{EntityTrait, QueryOrder};
        convene::db::entities::outbox::Entity::find()
            .order_by_asc(convene::db::entities::outbox::Column::Id)
            .one(&app.state.db.conn)
            .await
            .unwrap()
            .expect("the registration queued an email")
            .id
    };
    let ids = Ids {
        session: session["id"].as_i64().unwrap(),
        participant: session["participants"][0]["id"].as_i64().unwrap(),
        speaker: session["participants"][0]["speaker_id"].as_i64().unwrap(),
        registration,
        email,
    };
    let (pages, forms) = event_routes("izmir-2021", &ids);
    let general_pages = ["/admin", "/admin/events/new", "/admin/password"];
    let general_forms = ["/admin/events/new", "/admin/password", "/admin/logout"];

    // Signed out: every page and every form leads to the sign-in page, nothing else.
    let stranger = Browser::new(&app);
    for path in pages.iter().map(String::as_str).chain(general_pages) {
        let answer = stranger.get(path).await;
        assert_eq!(answer.status(), StatusCode::SEE_OTHER, "GET {path}");
        assert!(
            location(&answer).starts_with("/admin/login?next="),
            "GET {path}"
        );
    }
    for path in forms
        .iter()
        .map(String::as_str)
        .chain(general_forms.into_iter().filter(|p| *p != "/admin/logout"))
    {
        let answer = stranger.post(path, &[("title", "x")]).await;
        assert_eq!(answer.status(), StatusCode::SEE_OTHER, "POST {path}");
        assert!(location(&answer).starts_with("/admin/login"), "POST {path}");
    }

    // An organiser of another event: the 403 page, in HTML, for every page and form of this one.
    let created = app
        .post_json(
            "/api/v1/users",
            Some(&app.admin_token),
            json!({"email": "sfax@example.org", "name": "Sfax organiser", "password": "sfax-password"}),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let other_token = app.sign_in("sfax@example.org", "sfax-password").await;
    let own = app
        .post_json(
            "/api/v1/events",
            Some(&other_token),
            event_payload("sfax-2019"),
        )
        .await;
    assert_eq!(own.status(), StatusCode::CREATED);
    let other = Browser::new(&app);
    other.sign_in("sfax@example.org", "sfax-password").await;
    let list = other.get("/admin").await.text().await.unwrap();
    assert!(
        list.contains("/admin/events/sfax-2019") && !list.contains("/admin/events/izmir-2021"),
        "{list}"
    );
    let form = other.token_from("/admin").await;
    for path in &pages {
        let answer = other.get(path).await;
        assert_eq!(answer.status(), StatusCode::FORBIDDEN, "GET {path}");
        assert!(
            answer.headers()[reqwest::header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
    }
    for path in &forms {
        let answer = other
            .post(
                path,
                &[("authenticity_token", &form), ("title", "Taken over")],
            )
            .await;
        assert_eq!(answer.status(), StatusCode::FORBIDDEN, "POST {path}");
    }
    let none = Ids {
        session: 0,
        participant: 0,
        speaker: 0,
        registration: 0,
        email: 0,
    };
    for path in event_routes("sfax-2019", &none).0.iter().take(4) {
        assert_eq!(
            other.get(path).await.status(),
            StatusCode::OK,
            "own event: GET {path}"
        );
    }

    // The organiser, without the form's token: every form is refused (403) and nothing changes.
    let before = body(
        app.get_as(&app.admin_token, "/api/v1/events/izmir-2021/sessions")
            .await,
    )
    .await;
    let organiser = Browser::new(&app);
    organiser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    for path in forms.iter().map(String::as_str).chain(general_forms) {
        if path.ends_with("/files") {
            // The upload form is multipart, as a browser sends a file.
            let form = reqwest::multipart::Form::new()
                .text("authenticity_token", "forged")
                .part(
                    "schedule",
                    reqwest::multipart::Part::bytes(b"{}".to_vec()).file_name("schedule.json"),
                );
            let answer = organiser
                .client
                .post(app.url(path))
                .header(ACCEPT, "text/html")
                .multipart(form)
                .send()
                .await
                .unwrap();
            assert_eq!(
                answer.status(),
                StatusCode::FORBIDDEN,
                "POST {path} without its token"
            );
            continue;
        }
        let answer = organiser
            .post(
                path,
                &[
                    ("authenticity_token", "forged"),
                    ("title", "Forged"),
                    ("name", "Forged room"),
                    ("day", "2021-12-07"),
                    ("starts", "10:00"),
                ],
            )
            .await;
        assert_eq!(
            answer.status(),
            StatusCode::FORBIDDEN,
            "POST {path} without its token"
        );
    }
    let after = body(
        app.get_as(&app.admin_token, "/api/v1/events/izmir-2021/sessions")
            .await,
    )
    .await;
    assert_eq!(before, after, "a forged form changed nothing");
    let rooms = body(app.get("/api/v1/events/izmir-2021/rooms").await).await;
    assert!(!rooms.to_string().contains("Forged room"));
    // Still signed in: the forged sign-out did not sign out.
    assert_eq!(organiser.get("/admin").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn refused_console_input_comes_back_beside_its_field_with_the_apis_reasons() {
    let app = spawn_app().await;
    let browser = Browser::new(&app);
    browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let token = browser.token_from("/admin/events/new").await;
    let answer = browser
        .post(
            "/admin/events/new",
            &[
                ("authenticity_token", &token),
                ("slug", "sfax-2019"),
                ("title", "Sfax"),
                ("kind", "peer_learning"),
                ("attendance", "on_site"),
                ("timezone", "Africa/Tunus"),
                ("starts_on", "2019-06-26"),
                ("ends_on", "2019-06-25"),
                ("zone_label", "Brussels"),
                ("zone_timezone", "Europe/Bruxelles"),
                ("zone_abbreviation", ""),
                ("zone_print", ""),
            ],
        )
        .await;
    assert_eq!(answer.status(), StatusCode::OK);
    let page = answer.text().await.unwrap();
    let beside = |field: &str| {
        Regex::new(&format!(
            r#"id="f-{}-error">([^<]*)<"#,
            regex::escape(field)
        ))
        .unwrap()
        .captures(&page)
        .map(|c| c[1].replace("&#x2f;", "/").replace("&#x27;", "'"))
        .unwrap_or_else(|| panic!("an error beside {field}:\n{page}"))
    };
    assert!(
        beside("timezone").contains("Africa/Tunis"),
        "did you mean: {}",
        beside("timezone")
    );
    assert!(beside("display_zones[0].timezone").contains("Europe/Brussels"));
    // What the API says about the same input, word for word.
    let api = app
        .post_json(
            "/api/v1/events",
            Some(&app.admin_token),
            json!({"slug": "sfax-2019", "title": "Sfax", "kind": "peer_learning", "attendance": "on_site",
                   "timezone": "Africa/Tunus", "starts_on": "2019-06-25", "ends_on": "2019-06-26"}),
        )
        .await;
    assert_eq!(api.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem = body(api).await;
    assert_eq!(problem["errors"][0]["field"], "timezone");
    assert!(page.contains(&html_escaped(
        problem["errors"][0]["reason"].as_str().unwrap()
    )));
    // The typed values are kept, and nothing was created.
    assert!(
        page.contains(r#"value="Africa&#x2f;Tunus""#),
        "the typed zone is kept"
    );
    assert_eq!(
        app.get("/api/v1/events/sfax-2019").await.status(),
        StatusCode::NOT_FOUND
    );
}

fn html_escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('/', "&#x2f;")
}

#[tokio::test]
async fn the_console_sign_in_shares_the_apis_limit() {
    let app = spawn_app_with(Options {
        env: vec![("CONVENE_SIGNIN_LIMIT", "3".into())],
        ..Options::default()
    })
    .await;
    let browser = Browser::new(&app);
    let token = browser.token_from("/admin/login").await;
    // The suite's own API sign-in as the administrator already counted once.
    for _ in 0..2 {
        let answer = browser
            .post(
                "/admin/login",
                &[
                    ("authenticity_token", &token),
                    ("email", ADMIN_EMAIL),
                    ("password", "wrong"),
                ],
            )
            .await;
        assert_eq!(answer.status(), StatusCode::OK);
    }
    let limited = browser
        .post(
            "/admin/login",
            &[
                ("authenticity_token", &token),
                ("email", ADMIN_EMAIL),
                ("password", ADMIN_PASSWORD),
            ],
        )
        .await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers().contains_key(reqwest::header::RETRY_AFTER));
    let api = app
        .post_json(
            "/api/v1/auth/token",
            None,
            json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}),
        )
        .await;
    assert_eq!(api.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn the_password_change_checks_the_current_one_and_signs_out_other_sessions() {
    let app = spawn_app().await;
    let here = Browser::new(&app);
    here.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let elsewhere = Browser::new(&app);
    elsewhere.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let token = here.token_from("/admin/password").await;
    let wrong = here
        .post(
            "/admin/password",
            &[
                ("authenticity_token", &token),
                ("current_password", "guess"),
                ("new_password", "a-new-password"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::OK);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains(r#"id="f-current_password-error""#)
    );
    let changed = here
        .post(
            "/admin/password",
            &[
                ("authenticity_token", &token),
                ("current_password", ADMIN_PASSWORD),
                ("new_password", "a-new-password"),
            ],
        )
        .await;
    assert_eq!(location(&changed), "/admin/password?done=password_changed");
    assert_eq!(
        here.get("/admin").await.status(),
        StatusCode::OK,
        "this session stays"
    );
    assert_eq!(
        elsewhere.get("/admin").await.status(),
        StatusCode::SEE_OTHER,
        "the other one is signed out"
    );
    // The new password signs in (sign_in asserts the 201).
    app.sign_in(ADMIN_EMAIL, "a-new-password").await;
}

#[tokio::test]
async fn a_move_in_the_console_waits_for_publication_and_the_preview_names_who_is_emailed() {
    let app = spawn_demo().await;
    let registered = app
        .post_json(
            "/api/v1/events/izmir-2021/registrations",
            None,
            json!({"name": "Valérie", "email": "v@example.org", "attendance": "virtual", "timezone": "America/Toronto", "language": "fr"}),
        )
        .await;
    assert_eq!(registered.status(), StatusCode::CREATED);
    let sessions = success(app.get("/api/v1/events/izmir-2021/sessions").await).await;
    let first = &sessions["items"][0];
    let id = first["id"].as_i64().unwrap();
    let published_start = first["starts_at"].as_str().unwrap().to_owned();

    let browser = Browser::new(&app);
    browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let page = format!("/admin/events/izmir-2021/sessions/{id}");
    let token = browser.token_from(&page).await;
    // The keyboard way: the session page's move form, one hour later, same day, no room.
    let moved = browser
        .post(
            &format!("{page}/move"),
            &[
                ("authenticity_token", &token),
                ("day", "2021-12-07"),
                ("starts", "17:00"),
                ("room", ""),
                ("back", "session"),
            ],
        )
        .await;
    assert_eq!(moved.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&moved), format!("{page}?done=session_moved"));
    let shown = browser.get(&page).await.text().await.unwrap();
    assert!(shown.contains("17:00"), "{shown}");
    // The public still sees the published time until the organiser publishes.
    let public = success(
        app.get(&format!("/api/v1/events/izmir-2021/sessions/{id}"))
            .await,
    )
    .await;
    assert_eq!(public["starts_at"], published_start.as_str());

    let preview = browser
        .get("/admin/events/izmir-2021/publish")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        preview.contains("v@example.org"),
        "the registrant is named among the emails:\n{preview}"
    );
    let form = csrf_token(&preview).unwrap();
    let published = browser
        .post(
            "/admin/events/izmir-2021/publish",
            &[("authenticity_token", &form)],
        )
        .await;
    assert_eq!(
        location(&published),
        "/admin/events/izmir-2021/publish?done=published_done"
    );
    let public = success(
        app.get(&format!("/api/v1/events/izmir-2021/sessions/{id}"))
            .await,
    )
    .await;
    assert_eq!(
        public["starts_at"], "2021-12-07T14:00:00Z",
        "17:00 in Izmir (UTC+3)"
    );
    let versions = success(
        app.get_as(&app.admin_token, "/api/v1/events/izmir-2021/versions")
            .await,
    )
    .await;
    let latest = versions["items"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(latest["published_by"], ADMIN_EMAIL);
    let after = browser
        .get("/admin/events/izmir-2021/publish")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        after.contains(&format!("Version {}", latest["number"])),
        "{after}"
    );
}

#[tokio::test]
async fn registrations_are_counted_searched_and_a_waitlisted_person_is_given_a_seat_by_hand() {
    let app = spawn_app().await;
    app.create("/api/v1/events", event_payload("sfax-2019"))
        .await;
    let room = app
        .create(
            "/api/v1/events/sfax-2019/rooms",
            json!({"name": "Welcome centre", "capacity": 200}),
        )
        .await;
    let visit = app
        .create(
            "/api/v1/events/sfax-2019/sessions",
            json!({"title": "Study visit", "kind": "study_visit", "starts_at": "2019-06-25T14:00", "ends_at": "2019-06-25T16:00",
                   "room_id": room["id"], "capacity": 1, "status": "published"}),
        )
        .await;
    let visit_id = visit["id"].as_i64().unwrap();
    for (name, email, city) in [
        ("Salma", "salma@example.org", "Sfax"),
        ("Youssef", "youssef@example.org", "Tunis"),
    ] {
        let answer = app
            .post_json(
                "/api/v1/events/sfax-2019/registrations",
                None,
                json!({"name": name, "email": email, "attendance": "on_site", "city": city, "country": "Tunisie", "timezone": "Africa/Tunis", "language": "fr"}),
            )
            .await;
        assert_eq!(answer.status(), StatusCode::CREATED);
    }
    let browser = Browser::new(&app);
    browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let page = browser
        .get("/admin/events/sfax-2019/registrations")
        .await
        .text()
        .await
        .unwrap()
        .replace("&#x2f;", "/");
    assert!(page.contains("Salma") && page.contains("Youssef"), "{page}");
    // The waitlist is shown by name, in order, under its session.
    let waitlist = Regex::new(r"(?s)<ol>.*?</ol>")
        .unwrap()
        .find(&page)
        .map(|m| m.as_str().to_owned())
        .unwrap_or_default();
    assert!(
        waitlist.contains("Youssef") && !waitlist.contains("Salma"),
        "{waitlist}"
    );
    let found = browser
        .get("/admin/events/sfax-2019/registrations?q=sfax")
        .await
        .text()
        .await
        .unwrap();
    let table = found.rsplit("role=\"search\"").next().unwrap();
    assert!(
        table.contains("Salma") && !table.contains("Youssef"),
        "search by city: {table}"
    );

    let youssef = Regex::new(r#"href="(/admin/events/sfax-2019/registrations/\d+)">Youssef"#)
        .unwrap()
        .captures(&page)
        .expect("a link to Youssef's registration")[1]
        .to_owned();
    let token = browser.token_from(&youssef).await;
    let given = browser
        .post(
            &format!("{youssef}/sessions/{visit_id}"),
            &[("authenticity_token", &token), ("action", "confirm")],
        )
        .await;
    assert_eq!(location(&given), format!("{youssef}?done=seat_decided"));
    let after = body(
        app.get_as(
            &app.admin_token,
            "/api/v1/events/sfax-2019/registrations?q=youssef",
        )
        .await,
    )
    .await;
    assert_eq!(
        after["items"][0]["sessions"][0]["status"], "confirmed",
        "given beyond capacity by hand"
    );

    let csv = browser
        .get("/admin/events/sfax-2019/registrations.csv")
        .await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(
        csv.headers()[reqwest::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = csv.text().await.unwrap();
    assert!(text.contains("youssef@example.org") && text.contains("salma@example.org"));

    // The mail page lists what was queued, and shows what an email said.
    let outbox = browser
        .get("/admin/events/sfax-2019/outbox")
        .await
        .text()
        .await
        .unwrap()
        .replace("&#x2f;", "/");
    let email_link = Regex::new(r#"href="(/admin/events/sfax-2019/outbox/\d+)""#)
        .unwrap()
        .captures(&outbox)
        .unwrap_or_else(|| panic!("an email listed:\n{outbox}"))[1]
        .to_owned();
    let email = browser.get(&email_link).await;
    assert_eq!(email.status(), StatusCode::OK);
    let shown = email.text().await.unwrap();
    assert!(shown.contains("Study visit"), "{shown}");
    assert!(
        shown.contains("invite.ics") || shown.contains("text/calendar"),
        "the invitation's attachment is named:\n{shown}"
    );
}

#[tokio::test]
async fn a_real_schedule_file_is_previewed_then_imported_from_the_console() {
    let app = spawn_app().await;
    let mut democon = event_payload("democon");
    democon["timezone"] = json!("Europe/Berlin");
    app.create("/api/v1/events", democon).await;
    let browser = Browser::new(&app);
    browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let path = "/admin/events/democon/files";
    let file = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/schedules/pretalx-democon.json"),
    )
    .expect("the pretalx export");
    let upload = |token: String, bytes: Vec<u8>, name: &'static str| {
        let form = reqwest::multipart::Form::new()
            .text("authenticity_token", token)
            .part(
                "schedule",
                reqwest::multipart::Part::bytes(bytes).file_name(name),
            );
        browser
            .client
            .post(format!("{}{path}", browser.base))
            .header(ACCEPT, "text/html")
            .multipart(form)
            .send()
    };

    // A broken file: the problem and its line, and nothing written.
    let token = browser.token_from(path).await;
    let broken = upload(
        token.clone(),
        b"<schedule><conference>".to_vec(),
        "schedule.xml",
    )
    .await
    .unwrap();
    assert_eq!(broken.status(), StatusCode::OK);
    let page = broken.text().await.unwrap();
    assert!(page.contains("id=\"problems\""), "{page}");

    // The real file: the dry run says what would happen; the database is untouched.
    let previewed = upload(token, file, "schedule.json").await.unwrap();
    assert_eq!(previewed.status(), StatusCode::OK);
    let page = previewed.text().await.unwrap();
    assert!(page.contains("Dry run") || page.contains("Essai"), "{page}");
    let created = Regex::new(r"<strong>(\d+)</strong> (sessions created|séances créées)")
        .unwrap()
        .captures(&page)
        .expect("a count of sessions to create")[1]
        .parse::<usize>()
        .unwrap();
    assert!(created > 0, "{page}");
    let before = body(
        app.get_as(&app.admin_token, "/api/v1/events/democon/sessions")
            .await,
    )
    .await;
    assert_eq!(
        before["items"].as_array().unwrap().len(),
        0,
        "a dry run writes nothing"
    );

    let key = Regex::new(r#"name="upload" value="([^"]+)""#)
        .unwrap()
        .captures(&page)
        .expect("the import form keeps the upload")[1]
        .to_owned();
    let form = csrf_token(&page).unwrap();
    let imported = browser
        .post(
            &format!("{path}/import"),
            &[("authenticity_token", &form), ("upload", &key)],
        )
        .await;
    assert_eq!(imported.status(), StatusCode::OK);
    let after = body(
        app.get_as(&app.admin_token, "/api/v1/events/democon/sessions")
            .await,
    )
    .await;
    assert_eq!(
        after["items"].as_array().unwrap().len(),
        created,
        "the import did what the dry run said"
    );
    // The key is spent: importing twice is refused.
    let again = browser
        .post(
            &format!("{path}/import"),
            &[("authenticity_token", &form), ("upload", &key)],
        )
        .await;
    assert_eq!(again.status(), StatusCode::GONE);
}

#[tokio::test]
async fn a_co_organiser_invited_by_email_sets_their_password_through_a_one_time_link() {
    let smtp = common::smtp::TestSmtp::start();
    let app = spawn_app_with(Options {
        env: vec![("CONVENE_SMTP_URL", smtp.url())],
        ..Options::default()
    })
    .await;
    app.create("/api/v1/events", event_payload("sfax-2019"))
        .await;
    app.create("/api/v1/events", event_payload("other-2019"))
        .await;
    let browser = Browser::new(&app);
    browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let token = browser.token_from("/admin/events/sfax-2019/speakers").await;
    let refused = browser
        .post(
            "/admin/events/sfax-2019/organisers",
            &[
                ("authenticity_token", &token),
                ("organiser_name", "Leila"),
                ("organiser_email", "not an email"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::OK);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains(r#"id="f-organiser_email-error""#)
    );
    let invited = browser
        .post(
            "/admin/events/sfax-2019/organisers",
            &[
                ("authenticity_token", &token),
                ("organiser_name", "Leila Mansour"),
                ("organiser_email", "Leila@Sfax.example"),
            ],
        )
        .await;
    assert_eq!(
        location(&invited),
        "/admin/events/sfax-2019/speakers?done=co_organiser_invited"
    );
    app.dispatch_all_pending_emails().await;
    let email = smtp
        .messages_to("leila@sfax.example")
        .pop()
        .expect("the invitation email");
    let text = email.parsed().body_text(0).unwrap().into_owned();
    let link = Regex::new(r"http://convene\.test(/admin/welcome/[A-Za-z0-9_-]+)")
        .unwrap()
        .captures(&text)
        .unwrap_or_else(|| panic!("a welcome link in:\n{text}"))[1]
        .to_owned();

    let newcomer = Browser::new(&app);
    let page = newcomer.get(&link).await;
    assert_eq!(page.status(), StatusCode::OK);
    let form = csrf_token(&page.text().await.unwrap()).unwrap();
    let short = newcomer
        .post(
            &link,
            &[("authenticity_token", &form), ("password", "short")],
        )
        .await;
    assert!(
        short
            .text()
            .await
            .unwrap()
            .contains(r#"id="f-password-error""#)
    );
    let set = newcomer
        .post(
            &link,
            &[
                ("authenticity_token", &form),
                ("password", "leila-password"),
            ],
        )
        .await;
    assert_eq!(set.status(), StatusCode::SEE_OTHER);
    assert!(location(&set).starts_with("/admin/login?email=leila%40sfax.example"));
    assert_eq!(
        newcomer.get(&link).await.status(),
        StatusCode::GONE,
        "the link is spent"
    );

    newcomer
        .sign_in("leila@sfax.example", "leila-password")
        .await;
    let list = newcomer.get("/admin").await.text().await.unwrap();
    assert!(
        list.contains("/admin/events/sfax-2019") && !list.contains("/admin/events/other-2019"),
        "{list}"
    );
    assert_eq!(
        newcomer
            .get("/admin/events/sfax-2019/programme")
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        newcomer
            .get("/admin/events/other-2019/programme")
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
}
