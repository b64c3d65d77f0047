//! The foundation through HTTP: the Izmir demo, CRUD, validation, auth, concurrency.

use crate::common;

use chrono::{DateTime, Utc};
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn istanbul_local(instant: &Value) -> String {
    let instant: DateTime<Utc> = instant.as_str().unwrap().parse().unwrap();
    instant
        .with_timezone(&chrono_tz::Europe::Istanbul)
        .format("%d %H:%M")
        .to_string()
}

#[tokio::test]
async fn health_answers_ok_once_the_database_does() {
    let app = spawn_app().await;
    let response = app.get("/health").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().contains_key("x-request-id"));
    assert_eq!(body(response).await, json!({"status": "ok"}));
}

#[tokio::test]
async fn the_izmir_demo_matches_the_printed_programme() {
    let app = spawn_demo().await;
    let event = success(app.get("/api/v1/events/izmir-2021").await).await;
    assert_eq!(event["timezone"], "Europe/Istanbul");
    assert_eq!(event["starts_on"], "2021-12-07");
    assert_eq!(event["ends_on"], "2021-12-10");
    assert_eq!(
        event["display_zones"][0],
        json!({"label": "Izmir", "timezone": "Europe/Istanbul", "abbreviation": "TRT"})
    );
    assert_eq!(event["display_zones"][2]["label"], "Montréal");

    let sessions = success(app.get("/api/v1/events/izmir-2021/sessions").await).await["items"]
        .as_array()
        .unwrap()
        .clone();
    let printed: Vec<(&str, &str, &str, &str)> = vec![
        (
            "Dialogue des maires sur l'état de la cohésion sociale dans les villes",
            "07 16:00",
            "07 17:30",
            "virtual",
        ),
        (
            "Dialogue interactif des villes",
            "07 17:45",
            "07 19:00",
            "virtual",
        ),
        (
            "Atelier thématique 1 : Bâtir des villes résilientes",
            "08 16:00",
            "08 17:30",
            "virtual",
        ),
        (
            "Atelier thématique 2 : Encourager la diversité, l'équité et l'inclusion",
            "08 17:45",
            "08 19:00",
            "virtual",
        ),
        (
            "Atelier thématique 3 : Promouvoir le dialogue et la solidarité",
            "08 19:15",
            "08 20:30",
            "virtual",
        ),
        (
            "Récital de musique : AASSM",
            "10 14:30",
            "10 15:00",
            "on_site",
        ),
        (
            "Séance plénière sur les droits humains et la démocratie",
            "10 15:00",
            "10 16:00",
            "on_site",
        ),
        (
            "Plénière : Panel de haut niveau sur le vivre-ensemble et les droits humains",
            "10 16:15",
            "10 17:15",
            "on_site",
        ),
    ];
    assert_eq!(sessions.len(), printed.len());
    for (session, (title, start, end, attendance)) in sessions.iter().zip(&printed) {
        assert!(
            session["title"].as_str().unwrap().starts_with(title),
            "{} is not {title}",
            session["title"]
        );
        assert_eq!(istanbul_local(&session["starts_at"]), *start, "{title}");
        assert_eq!(istanbul_local(&session["ends_at"]), *end, "{title}");
        assert_eq!(session["attendance"], *attendance);
        assert_eq!(session["status"], "published");
        assert!(
            session.get("online_url").is_none(),
            "the public never sees meeting links"
        );
    }

    let people = |index: usize| -> Vec<(String, String)> {
        sessions[index]["participants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["role"].as_str().unwrap().to_owned(),
                    p["speaker"]["name"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let expect = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(r, n)| (r.to_string(), n.to_string()))
            .collect()
    };
    assert_eq!(
        people(0),
        expect(&[
            ("opening", "Tunç Soyer"),
            ("opening", "Valérie Plante"),
            ("introduction", "Miguel Angel Moratinos"),
            ("introduction", "Ângela Melo"),
            ("video_message", "Stephan Keller"),
            ("moderator", "Ayten Alkan"),
            ("special_message", "Khaled Bentounes"),
        ])
    );
    assert_eq!(
        people(1),
        expect(&[
            ("presenter", "Lorenzo Kihlgren Grandi"),
            ("introduction", "Turgay Erdem"),
            ("moderator", "Véronique Lamontagne")
        ])
    );
    assert_eq!(
        people(2),
        expect(&[
            ("moderator", "Güldem Özatağan"),
            ("introduction", "Sameh Wahba"),
            ("introduction", "Lina Liakou"),
            ("panelist", "Sidney Ribaux"),
            ("panelist", "Stevie McGowan"),
            ("conclusion", "Ozan Uştuk"),
        ])
    );
    assert_eq!(people(3).len(), 7);
    assert_eq!(
        people(3)[6],
        ("conclusion".to_owned(), "Cenk Saraçoğlu".to_owned())
    );
    assert_eq!(
        people(4).last().unwrap(),
        &("discussant".to_owned(), "Ulas Bayraktar".to_owned())
    );
    assert_eq!(people(5), expect(&[("performer", "AASSM")]));
    assert_eq!(people(6).len(), 5);
    assert_eq!(
        people(7),
        expect(&[
            ("video_message", "Vahap Seçer"),
            ("panelist", "Ahmet Aras"),
            ("panelist", "Cemil Tugay"),
            ("panelist", "Mehmet Harmancı"),
            ("video_message", "Bernd Voehringer"),
            ("panelist", "Tunç Soyer"),
        ])
    );

    // The panel presenters carry the practice they presented; video messages were pre-recorded.
    let panel = &sessions[2]["participants"][3];
    assert_eq!(
        panel["talk_title"],
        "Pôles de résilience communautaire et climatique"
    );
    assert_eq!(
        panel["speaker"]["position"],
        "Directeur du Bureau de la transition écologique et de la résilience (BTER)"
    );
    assert_eq!(panel["speaker"]["organisation"], "Ville de Montréal");
    assert_eq!(
        sessions[0]["participants"][4]["contribution"],
        "pre_recorded"
    );
    assert_eq!(
        sessions[7]["participants"][0]["contribution"],
        "pre_recorded"
    );
    assert_eq!(sessions[7]["participants"][1]["contribution"], "live");
    assert_eq!(sessions[0]["questions"].as_array().unwrap().len(), 4);
    assert_eq!(
        sessions[2]["questions"][2],
        "Priorités : résilience à court ou à long terme ?"
    );
    assert!(sessions[5]["room_id"].is_i64() && sessions[0]["room_id"].is_null());

    // Loading the demo again changes nothing.
    let again = convene::demo::load_izmir(&app.state.db, 1, Utc::now())
        .await
        .unwrap();
    assert!(!again);
    let count = success(app.get("/api/v1/events/izmir-2021/sessions").await).await["items"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(count, 8);
    let speakers = success(app.get("/api/v1/events/izmir-2021/speakers").await).await;
    let soyer = speakers["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Tunç Soyer")
        .unwrap();
    assert_eq!(soyer["honorific"], "M.");
    assert_eq!(soyer["city"], "Izmir");
    assert_eq!(soyer["timezone"], "Europe/Istanbul");
}

#[tokio::test]
async fn an_organiser_builds_a_programme_through_the_api() {
    let app = spawn_app().await;
    let event = app
        .create("/api/v1/events", event_payload("sfax-2019"))
        .await;
    assert_eq!(event["kind"], "peer_learning");
    assert_eq!(event["documents"][0]["author"], "Camille Le Coz");

    let organisation = app
        .create(
            "/api/v1/organisations",
            json!({"name": "Ville de Sfax", "city": "Sfax", "country": "Tunisie"}),
        )
        .await;
    let room = app
        .create(
            "/api/v1/events/sfax-2019/rooms",
            json!({"name": "Salle du conseil", "venue": "Hôtel de ville", "capacity": 40}),
        )
        .await;
    let speaker = app
        .create(
            "/api/v1/events/sfax-2019/speakers",
            json!({"name": "Camille Le Coz", "position": "Policy analyst", "organisation": "MPI Europe", "organisation_id": organisation["id"],
                   "city": "Brussels", "country": "Belgium", "email": "camille@example.org", "timezone": "Europe/Brussels", "language": "fr"}),
        )
        .await;
    let session = app
        .create(
            "/api/v1/events/sfax-2019/sessions",
            json!({"title": "Mechanisms to enhance the participation of CSOs", "kind": "workshop", "starts_at": "2019-06-25T09:30",
                   "ends_at": "2019-06-25T11:00", "room_id": room["id"], "questions": ["What consultation mechanisms worked best?"],
                   "capacity": 30, "interpretation_languages": ["ar", "fr"], "online_url": "https://meet.example.org/sfax"}),
        )
        .await;
    // Africa/Tunis is UTC+1: 9:30 local is 8:30 UTC.
    assert_eq!(session["starts_at"], "2019-06-25T08:30:00Z");
    assert_eq!(session["status"], "draft");
    assert_eq!(session["revision"], 0);
    assert_eq!(session["attendance"], "on_site");
    let path = format!("/api/v1/events/sfax-2019/sessions/{}", session["id"]);

    let participant = app
        .create(&format!("{path}/participants"), json!({"speaker_id": speaker["id"], "role": "moderator", "talk_title": null, "order": 1}))
        .await;
    assert_eq!(participant["status"], "proposed");
    assert_eq!(participant["order"], 1);

    // The draft is invisible to the public, visible to its organisers.
    assert_eq!(app.get(&path).await.status(), StatusCode::NOT_FOUND);
    let seen = success(app.get_as(&app.admin_token, &path).await).await;
    assert_eq!(seen["online_url"], "https://meet.example.org/sfax");
    assert_eq!(seen["participants"][0]["speaker"]["name"], "Camille Le Coz");

    let updated = success(
        app.patch_json(
            &path,
            Some(&app.admin_token),
            json!({"status": "published", "capacity": null}),
        )
        .await,
    )
    .await;
    assert_eq!(updated["status"], "published");
    assert!(updated["capacity"].is_null());
    let public = success(app.get(&path).await).await;
    assert!(public.get("online_url").is_none());
    let public_speakers = success(app.get("/api/v1/events/sfax-2019/speakers").await).await;
    assert!(
        public_speakers["items"][0].get("email").is_none(),
        "speaker emails stay private"
    );

    // Moving a published session is staged, then raises its revision when published; saving
    // the same values again stages nothing.
    let moved = success(
        app.patch_json(
            &path,
            Some(&app.admin_token),
            json!({"starts_at": "2019-06-25T10:00", "ends_at": "2019-06-25T11:30"}),
        )
        .await,
    )
    .await;
    assert_eq!(moved["unpublished_changes"], true);
    app.publish_sessions("sfax-2019", &[moved["id"].as_i64().unwrap()])
        .await;
    assert_eq!(success(app.get(&path).await).await["revision"], 1);
    let same = success(
        app.patch_json(
            &path,
            Some(&app.admin_token),
            json!({"starts_at": "2019-06-25T10:00"}),
        )
        .await,
    )
    .await;
    assert_eq!(same["revision"], 1);
    assert_eq!(same["unpublished_changes"], false);

    let patched_event = success(
        app.patch_json(
            "/api/v1/events/sfax-2019",
            Some(&app.admin_token),
            json!({"venue": null, "title": "Sfax peer learning"}),
        )
        .await,
    )
    .await;
    assert!(patched_event["venue"].is_null());
    assert_eq!(patched_event["title"], "Sfax peer learning");
    let patched_room = success(
        app.patch_json(
            &format!("/api/v1/events/sfax-2019/rooms/{}", room["id"]),
            Some(&app.admin_token),
            json!({"capacity": 35}),
        )
        .await,
    )
    .await;
    assert_eq!(patched_room["capacity"], 35);
    let patched_speaker = success(
        app.patch_json(
            &format!("/api/v1/events/sfax-2019/speakers/{}", speaker["id"]),
            Some(&app.admin_token),
            json!({"honorific": "Mme"}),
        )
        .await,
    )
    .await;
    assert_eq!(patched_speaker["honorific"], "Mme");
    let patched_participant = success(
        app.patch_json(
            &format!("{path}/participants/{}", participant["id"]),
            Some(&app.admin_token),
            json!({"role": "discussant", "order": 2}),
        )
        .await,
    )
    .await;
    assert_eq!(patched_participant["role"], "discussant");
    let listed = success(app.get(&format!("{path}/participants")).await).await;
    assert_eq!(listed["items"][0]["speaker_id"], speaker["id"]);
    assert_eq!(listed["items"][0]["status"], "proposed");

    assert_eq!(
        app.delete(
            &format!("{path}/participants/{}", participant["id"]),
            Some(&app.admin_token)
        )
        .await
        .status(),
        StatusCode::NO_CONTENT
    );
    // A published session is not deleted on the spot: its cancellation is staged.
    let deleted = app.delete(&path, Some(&app.admin_token)).await;
    assert_eq!(deleted.status(), StatusCode::ACCEPTED);
    assert_eq!(body(deleted).await["status"], "cancelled");
    assert_eq!(
        app.delete(
            &format!("/api/v1/organisations/{}", organisation["id"]),
            Some(&app.admin_token)
        )
        .await
        .status(),
        StatusCode::NO_CONTENT
    );
    let orphan = success(
        app.get(&format!(
            "/api/v1/events/sfax-2019/speakers/{}",
            speaker["id"]
        ))
        .await,
    )
    .await;
    assert!(
        orphan["organisation_id"].is_null(),
        "a removed directory entry unlinks its speakers"
    );
    assert_eq!(orphan["organisation"], "MPI Europe");
    assert_eq!(
        app.delete("/api/v1/events/sfax-2019", Some(&app.admin_token))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get("/api/v1/events/sfax-2019").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn deleting_a_session_removes_its_participants_and_nothing_else() {
    let app = spawn_demo().await;
    let token = app.admin_token.clone();
    let before = success(app.get("/api/v1/events/izmir-2021/sessions").await).await["items"]
        .as_array()
        .unwrap()
        .clone();
    let speakers = success(app.get("/api/v1/events/izmir-2021/speakers").await).await["items"]
        .as_array()
        .unwrap()
        .clone();
    // A draft with two of the summit's speakers: deleting it leaves no trace.
    let doomed = app
        .create(
            "/api/v1/events/izmir-2021/sessions",
            json!({"title": "Side meeting", "kind": "other", "attendance": "virtual",
                   "starts_at": "2021-12-07T10:00", "ends_at": "2021-12-07T11:00"}),
        )
        .await;
    let doomed_path = format!("/api/v1/events/izmir-2021/sessions/{}", doomed["id"]);
    for speaker in &speakers[..2] {
        app.create(
            &format!("{doomed_path}/participants"),
            json!({"speaker_id": speaker["id"], "role": "speaker"}),
        )
        .await;
    }
    let response = app.delete(&doomed_path, Some(&token)).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get_as(&token, &doomed_path).await.status(),
        StatusCode::NOT_FOUND
    );

    let after = success(app.get("/api/v1/events/izmir-2021/sessions").await).await["items"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(
        after, before,
        "the other sessions and their participants are untouched"
    );
    let speakers_after =
        success(app.get("/api/v1/events/izmir-2021/speakers").await).await["items"]
            .as_array()
            .unwrap()
            .len();
    assert_eq!(
        speakers_after,
        speakers.len(),
        "speakers stay, even those who only spoke there"
    );
    use sea_orm::{EntityTrait, PaginatorTrait};
    let rows = convene::db::entities::participant::Entity::find()
        .count(&app.state.db.conn)
        .await
        .unwrap();
    let expected: usize = after
        .iter()
        .map(|s| s["participants"].as_array().unwrap().len())
        .sum();
    assert_eq!(rows as usize, expected, "no participant row is left behind");
}

#[tokio::test]
async fn invalid_input_is_refused_with_the_field_and_the_reason() {
    let app = spawn_app().await;
    let token = Some(app.admin_token.as_str());
    app.create("/api/v1/events", event_payload("sfax-2019"))
        .await;

    let cases: Vec<(&str, Value, StatusCode, &str, &str)> = vec![
        (
            "/api/v1/events",
            json!({"timezone": "Europe/Istambul"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "timezone",
            "did you mean Europe/Istanbul",
        ),
        (
            "/api/v1/events",
            json!({"ends_on": "2019-06-24"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "ends_on",
            "must not be before starts_on",
        ),
        (
            "/api/v1/events",
            json!({"title": "  "}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "title",
            "must not be empty",
        ),
        (
            "/api/v1/events",
            json!({"slug": "Sfax 2019"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "slug",
            "lower-case",
        ),
        (
            "/api/v1/events",
            json!({"kind": "party"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "kind",
            "unknown variant",
        ),
        (
            "/api/v1/events",
            json!({"colour": "blue"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "colour",
            "unknown field",
        ),
        (
            "/api/v1/events",
            json!({"display_zones": [{"label": "", "timezone": "Europe/Paris"}]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "display_zones[0].label",
            "1 to 60",
        ),
        (
            "/api/v1/events",
            json!({"display_zones": [{"label": "X", "timezone": "Mars/Olympus"}]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "display_zones[0].timezone",
            "unknown time zone",
        ),
        (
            "/api/v1/events",
            json!({}),
            StatusCode::CONFLICT,
            "slug",
            "already taken",
        ),
    ];
    for (path, change, status, field, reason) in cases {
        let mut payload = event_payload("another-event");
        if path == "/api/v1/events" && field == "slug" && status == StatusCode::CONFLICT {
            payload["slug"] = json!("sfax-2019");
        }
        for (key, value) in change.as_object().unwrap() {
            payload[key] = value.clone();
        }
        let problem = assert_problem(
            app.post_json(path, token, payload).await,
            status,
            Some(field),
        )
        .await;
        assert!(
            problem["detail"].as_str().unwrap().contains(reason),
            "{field}: {problem}"
        );
    }

    let speaker = |change: Value| {
        let mut payload = json!({"name": "Nadia Zourgui", "email": "nadia@example.org"});
        for (key, value) in change.as_object().unwrap() {
            payload[key] = value.clone();
        }
        payload
    };
    let problem = assert_problem(
        app.post_json(
            "/api/v1/events/sfax-2019/speakers",
            token,
            speaker(json!({"email": "not-an-email"})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("email"),
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("not a valid email")
    );
    assert_problem(
        app.post_json(
            "/api/v1/events/sfax-2019/speakers",
            token,
            speaker(json!({"timezone": "Paris"})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("timezone"),
    )
    .await;

    let session = |change: Value| {
        let mut payload = json!({"title": "Opening", "kind": "plenary", "starts_at": "2019-06-25T09:00", "ends_at": "2019-06-25T10:00"});
        for (key, value) in change.as_object().unwrap() {
            payload[key] = value.clone();
        }
        payload
    };
    let sessions = "/api/v1/events/sfax-2019/sessions";
    let problem = assert_problem(
        app.post_json(
            sessions,
            token,
            session(json!({"ends_at": "2019-06-25T08:00"})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("ends_at"),
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("must be after starts_at")
    );
    assert_problem(
        app.post_json(
            sessions,
            token,
            session(json!({"starts_at": "next tuesday"})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("starts_at"),
    )
    .await;
    assert_problem(
        app.post_json(sessions, token, session(json!({"room_id": 999})))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("room_id"),
    )
    .await;
    assert_problem(
        app.post_json(
            sessions,
            token,
            session(json!({"online_url": "javascript:alert(1)"})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("online_url"),
    )
    .await;
    assert_problem(
        app.post_json(
            sessions,
            token,
            session(json!({"questions": ["fine", " "]})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("questions[1]"),
    )
    .await;
    assert_problem(
        app.post_json(sessions, token, session(json!({"capacity": -3})))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("capacity"),
    )
    .await;

    let created = app.create(sessions, session(json!({}))).await;
    let participants = format!("{sessions}/{}/participants", created["id"]);
    let problem = assert_problem(
        app.post_json(
            &participants,
            token,
            json!({"speaker_id": 1, "role": "juggler"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("role"),
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("unknown variant")
    );
    assert_problem(
        app.post_json(
            &participants,
            token,
            json!({"speaker_id": 4242, "role": "moderator"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("speaker_id"),
    )
    .await;
    assert_problem(
        app.post_json(&participants, token, json!({"role": "moderator"}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("speaker_id"),
    )
    .await;

    // Unreadable requests: broken JSON, wrong media type, a path that is not a number.
    let broken = app
        .request(Method::POST, sessions)
        .bearer_auth(&app.admin_token)
        .header("content-type", "application/json")
        .body("{\"title\":")
        .send()
        .await
        .unwrap();
    assert_problem(broken, StatusCode::BAD_REQUEST, None).await;
    let form = app
        .request(Method::POST, sessions)
        .bearer_auth(&app.admin_token)
        .header("content-type", "text/plain")
        .body("title=x")
        .send()
        .await
        .unwrap();
    assert_problem(form, StatusCode::UNSUPPORTED_MEDIA_TYPE, None).await;
    assert_problem(
        app.get("/api/v1/events/sfax-2019/sessions/abc").await,
        StatusCode::BAD_REQUEST,
        None,
    )
    .await;
    assert_problem(
        app.get("/api/v1/nowhere").await,
        StatusCode::NOT_FOUND,
        None,
    )
    .await;
    let too_big = app
        .request(Method::POST, sessions)
        .bearer_auth(&app.admin_token)
        .header("content-type", "application/json")
        .body(vec![b' '; 5 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_problem(too_big, StatusCode::PAYLOAD_TOO_LARGE, None).await;

    // Nothing refused was written.
    let all = success(app.get_as(&app.admin_token, sessions).await).await;
    assert_eq!(all["items"].as_array().unwrap().len(), 1);
    let events = success(app.get("/api/v1/events").await).await;
    assert_eq!(events["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn local_times_that_do_not_exist_or_happen_twice_are_refused() {
    let app = spawn_app().await;
    let mut payload = event_payload("paris-2026");
    payload["timezone"] = json!("Europe/Paris");
    payload["starts_on"] = json!("2026-03-01");
    payload["ends_on"] = json!("2026-12-01");
    app.create("/api/v1/events", payload).await;
    let sessions = "/api/v1/events/paris-2026/sessions";
    let token = Some(app.admin_token.as_str());

    let gap = json!({"title": "Gap", "kind": "plenary", "starts_at": "2026-03-29T02:30", "ends_at": "2026-03-29T04:00"});
    let problem = assert_problem(
        app.post_json(sessions, token, gap).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("starts_at"),
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("does not exist in Europe/Paris"),
        "{problem}"
    );

    let overlap = json!({"title": "Overlap", "kind": "plenary", "starts_at": "2026-10-25T02:30", "ends_at": "2026-10-25T04:00"});
    let problem = assert_problem(
        app.post_json(sessions, token, overlap).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("starts_at"),
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("explicit offset"),
        "{problem}"
    );

    let explicit = json!({"title": "Overlap", "kind": "plenary", "starts_at": "2026-10-25T02:30:00+01:00", "ends_at": "2026-10-25T04:00"});
    let created = app.create(sessions, explicit).await;
    assert_eq!(created["starts_at"], "2026-10-25T01:30:00Z");
}

/// Every write route, with the method and a body that would otherwise be valid enough to reach auth.
async fn write_routes(app: &TestApp) -> Vec<(Method, String)> {
    let sessions = success(app.get("/api/v1/events/izmir-2021/sessions").await).await;
    let session = sessions["items"][0]["id"].as_i64().unwrap();
    let participant = sessions["items"][0]["participants"][0]["id"]
        .as_i64()
        .unwrap();
    let speaker = sessions["items"][0]["participants"][0]["speaker_id"]
        .as_i64()
        .unwrap();
    let room = sessions["items"][5]["room_id"].as_i64().unwrap();
    let e = "/api/v1/events/izmir-2021";
    vec![
        (Method::PATCH, e.to_owned()),
        (Method::DELETE, e.to_owned()),
        (Method::POST, format!("{e}/organisers")),
        (Method::POST, format!("{e}/rooms")),
        (Method::PATCH, format!("{e}/rooms/{room}")),
        (Method::DELETE, format!("{e}/rooms/{room}")),
        (Method::POST, format!("{e}/speakers")),
        (Method::PATCH, format!("{e}/speakers/{speaker}")),
        (Method::DELETE, format!("{e}/speakers/{speaker}")),
        (Method::POST, format!("{e}/sessions")),
        (Method::PATCH, format!("{e}/sessions/{session}")),
        (Method::DELETE, format!("{e}/sessions/{session}")),
        (Method::POST, format!("{e}/sessions/{session}/participants")),
        (
            Method::PATCH,
            format!("{e}/sessions/{session}/participants/{participant}"),
        ),
        (
            Method::DELETE,
            format!("{e}/sessions/{session}/participants/{participant}"),
        ),
    ]
}

#[tokio::test]
async fn every_write_needs_a_token_of_an_organiser_of_that_event() {
    let app = spawn_demo().await;
    let routes = write_routes(&app).await;
    let other = app.other_organiser().await;
    for (method, path) in &routes {
        let anonymous = app.send_json(method.clone(), path, None, json!({})).await;
        assert_problem(anonymous, StatusCode::UNAUTHORIZED, None).await;
        let forged = app
            .send_json(method.clone(), path, Some("not-a-real-token"), json!({}))
            .await;
        assert_problem(forged, StatusCode::UNAUTHORIZED, None).await;
        let foreign = app
            .send_json(
                method.clone(),
                path,
                Some(&other),
                json!({"title": "x", "name": "x", "email": "x@y.org"}),
            )
            .await;
        assert_eq!(
            foreign.status(),
            StatusCode::FORBIDDEN,
            "{method} {path} must refuse another event's organiser"
        );
    }
    // Event-independent writes: creating events and organisations needs a token; users need an admin.
    for path in ["/api/v1/events", "/api/v1/organisations", "/api/v1/users"] {
        assert_problem(
            app.post_json(path, None, json!({})).await,
            StatusCode::UNAUTHORIZED,
            None,
        )
        .await;
    }
    let user = json!({"email": "x@test.example", "name": "X", "password": "long enough"});
    assert_problem(
        app.post_json("/api/v1/users", Some(&other), user).await,
        StatusCode::FORBIDDEN,
        None,
    )
    .await;
    assert_problem(
        app.delete("/api/v1/organisations/1", Some(&other)).await,
        StatusCode::FORBIDDEN,
        None,
    )
    .await;

    // Nothing was changed by any refused request.
    let sessions = success(app.get("/api/v1/events/izmir-2021/sessions").await).await;
    assert_eq!(sessions["items"].as_array().unwrap().len(), 8);

    // An organiser added to the event may then edit it.
    let added = app
        .post_json(
            "/api/v1/events/izmir-2021/organisers",
            Some(&app.admin_token),
            json!({"email": "other@test.example"}),
        )
        .await;
    assert_eq!(added.status(), StatusCode::NO_CONTENT);
    let renamed = app
        .patch_json(
            "/api/v1/events/izmir-2021",
            Some(&other),
            json!({"venue": "Izmir, AASSM"}),
        )
        .await;
    assert_eq!(renamed.status(), StatusCode::OK);
}

#[tokio::test]
async fn tokens_expire_and_wrong_passwords_are_refused() {
    let app = spawn_app().await;
    assert_problem(
        app.post_json(
            "/api/v1/auth/token",
            None,
            json!({"email": ADMIN_EMAIL, "password": "wrong"}),
        )
        .await,
        StatusCode::UNAUTHORIZED,
        None,
    )
    .await;
    assert_problem(
        app.post_json(
            "/api/v1/auth/token",
            None,
            json!({"email": "nobody@test.example", "password": "x"}),
        )
        .await,
        StatusCode::UNAUTHORIZED,
        None,
    )
    .await;
    let issued = success(
        app.post_json(
            "/api/v1/auth/token",
            None,
            json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}),
        )
        .await,
    )
    .await;
    let token = issued["token"].as_str().unwrap();
    assert_eq!(
        app.post_json("/api/v1/events", Some(token), event_payload("a"))
            .await
            .status(),
        StatusCode::CREATED
    );
    app.clock.advance(chrono::Duration::hours(13));
    let problem = assert_problem(
        app.post_json("/api/v1/events", Some(token), event_payload("b"))
            .await,
        StatusCode::UNAUTHORIZED,
        None,
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains("expired"));
    use sea_orm::{EntityTrait, QuerySelect};
    let stored: Vec<String> = convene::db::entities::api_token::Entity::find()
        .select_only()
        .column(convene::db::entities::api_token::Column::TokenHash)
        .into_tuple()
        .all(&app.state.db.conn)
        .await
        .unwrap();
    assert!(
        !stored.iter().any(|h| h == token),
        "tokens are stored hashed"
    );
}

#[tokio::test]
async fn concurrent_writes_do_not_corrupt_data() {
    let app = std::sync::Arc::new(spawn_demo().await);
    let sessions = success(app.get("/api/v1/events/izmir-2021/sessions").await).await;
    let target = sessions["items"][0]["id"].as_i64().unwrap();
    let mut tasks = Vec::new();
    for i in 0..40 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            if i % 2 == 0 {
                let payload =
                    json!({"name": format!("Speaker {i}"), "email": format!("s{i}@example.org")});
                app.post_json(
                    "/api/v1/events/izmir-2021/speakers",
                    Some(&app.admin_token),
                    payload,
                )
                .await
                .status()
            } else {
                // Renames of a published session race each other in its working copy.
                let payload = json!({"title": format!("Title {i}")});
                app.patch_json(
                    &format!("/api/v1/events/izmir-2021/sessions/{target}"),
                    Some(&app.admin_token),
                    payload,
                )
                .await
                .status()
            }
        }));
    }
    for task in tasks {
        let status = task.await.unwrap();
        assert!(
            status == StatusCode::CREATED || status == StatusCode::OK,
            "a concurrent write failed with {status}"
        );
    }
    let speakers = success(app.get("/api/v1/events/izmir-2021/speakers").await).await;
    let added = speakers["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["name"].as_str().unwrap().starts_with("Speaker "))
        .count();
    assert_eq!(added, 20);
    let path = format!("/api/v1/events/izmir-2021/sessions/{target}");
    let working = success(app.get_as(&app.admin_token, &path).await).await;
    assert!(working["title"].as_str().unwrap().starts_with("Title "));
    let public = success(app.get(&path).await).await;
    assert_eq!(public["title"], sessions["items"][0]["title"]);
    app.publish_sessions("izmir-2021", &[target]).await;
    let session = success(app.get(&path).await).await;
    assert_eq!(session["title"], working["title"]);
    assert_eq!(
        session["revision"], 1,
        "the 20 renames reach calendars as one change"
    );
    assert_eq!(session["participants"].as_array().unwrap().len(), 7);
}

#[tokio::test]
async fn the_openapi_document_describes_the_whole_api() {
    let app = spawn_app().await;
    let response = app.get("/api/openapi.json").await;
    assert_eq!(response.status(), StatusCode::OK);
    let doc = body(response).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/health",
        "/api/v1/auth/token",
        "/api/v1/events",
        "/api/v1/events/{slug}",
        "/api/v1/events/{slug}/sessions/{id}",
        "/api/v1/events/{slug}/sessions/{id}/participants",
        "/api/v1/events/{slug}/speakers/{id}",
        "/api/v1/organisations",
    ] {
        assert!(
            doc["paths"].get(path).is_some(),
            "{path} is missing from the OpenAPI document"
        );
    }
    let docs = app.get("/api/docs").await;
    assert_eq!(docs.status(), StatusCode::OK);
    assert!(docs.text().await.unwrap().to_lowercase().contains("<html"));
}
