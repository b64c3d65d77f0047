//! Time zones through HTTP: the programme in any zones and both languages, DST-safe input,
//! the converter and the slot finder.

use crate::common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

const SEED: &str = include_str!("../fixtures/izmir-summit-2021-programme.fr.txt");

fn without_spaces(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Every "Ville: 16h-17h30 ABC (UTC+3)" of the printed programme, in order.
fn printed_time_lines() -> Vec<String> {
    let pattern =
        regex::Regex::new(r"(Izmir|Paris|Montréal):\s*\d+h\d*-\d+h\d*\s+[A-Z]+\s+\(UTC[+-]\d+\)")
            .unwrap();
    pattern
        .find_iter(SEED)
        .map(|m| without_spaces(m.as_str()))
        .collect()
}

fn all_time_texts(programme: &Value) -> Vec<String> {
    let mut texts = Vec::new();
    for day in programme["days"].as_array().unwrap() {
        for session in day["sessions"].as_array().unwrap() {
            for time in session["times"].as_array().unwrap() {
                texts.push(without_spaces(time["text"].as_str().unwrap()));
            }
        }
    }
    texts
}

#[tokio::test]
async fn the_french_programme_reproduces_every_time_line_of_the_printed_one() {
    let app = spawn_demo().await;
    let programme = success(app.get("/api/v1/events/izmir-2021/programme?lang=fr").await).await;
    let printed = printed_time_lines();
    assert_eq!(
        printed.len(),
        18,
        "the seed prints 5 sessions in three zones and 3 on-site sessions in one"
    );
    pretty_assertions::assert_eq!(all_time_texts(&programme), printed);

    let days: Vec<&str> = programme["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["date"].as_str().unwrap())
        .collect();
    assert_eq!(days, ["2021-12-07", "2021-12-08", "2021-12-10"]);
    assert_eq!(programme["days"][0]["label"], "mardi 7 décembre 2021");
    let first = &programme["days"][0]["sessions"][0];
    assert_eq!(first["times"][0]["abbreviation"], "TRT");
    assert_eq!(first["times"][0]["utc_offset"], "UTC+3");
    assert_eq!(first["times"][0]["starts_at"], "2021-12-07T16:00:00+03:00");
    assert_eq!(first["times"][2]["starts_at"], "2021-12-07T08:00:00-05:00");
    let roles: Vec<(&str, usize)> = first["participants_by_role"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["label"].as_str().unwrap(),
                g["participants"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(roles[0], ("Bienvenue et ouverture", 2));
    assert_eq!(roles[1], ("Introduction", 2));
    assert_eq!(roles[2], ("Message vidéo", 1));
    assert!(first.get("online_url").is_none());
}

#[tokio::test]
async fn the_english_programme_uses_twelve_hour_times() {
    let app = spawn_demo().await;
    let programme = success(app.get("/api/v1/events/izmir-2021/programme?lang=en").await).await;
    let first = &programme["days"][0]["sessions"][0]["times"];
    assert_eq!(first[0]["text"], "Izmir: 4:00–5:30 PM TRT (UTC+3)");
    assert_eq!(first[1]["text"], "Paris: 2:00–3:30 PM CET (UTC+1)");
    assert_eq!(first[2]["text"], "Montréal: 8:00–9:30 AM EST (UTC-5)");
    assert_eq!(programme["days"][0]["label"], "Tuesday 7 December 2021");
    assert_eq!(
        programme["days"][0]["sessions"][0]["participants_by_role"][0]["label"],
        "Welcome and opening"
    );
}

#[tokio::test]
async fn a_reader_chooses_zones_and_days_follow_the_first_one() {
    let app = spawn_demo().await;
    let programme = success(
        app.get("/api/v1/events/izmir-2021/programme?tz=Asia/Tokyo&tz=America/Sao_Paulo&lang=fr")
            .await,
    )
    .await;
    assert_eq!(programme["days_in"], "Asia/Tokyo");
    // The third workshop ends at 20:30 in Izmir: 2:30 the next morning in Tokyo, so it opens 9 December there.
    let days: Vec<&str> = programme["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["date"].as_str().unwrap())
        .collect();
    assert_eq!(
        days,
        ["2021-12-07", "2021-12-08", "2021-12-09", "2021-12-10"]
    );
    let workshop = &programme["days"][1]["sessions"][1];
    assert_eq!(
        workshop["times"][0]["text"],
        "Tokyo: 23h45-1h (+1 j) JST (UTC+9)"
    );
    assert_eq!(workshop["times"][0]["end_day_offset"], 1);
    assert_eq!(workshop["times"][1]["text"], "Sao Paulo: 11h45-13h (UTC-3)");
    // Named zones apply to the on-site day too.
    let closing = &programme["days"][3]["sessions"][2];
    assert_eq!(closing["times"].as_array().unwrap().len(), 2);
    // A zone the event displays keeps its label and abbreviation.
    let izmir = success(
        app.get("/api/v1/events/izmir-2021/programme?tz=Europe/Istanbul")
            .await,
    )
    .await;
    assert_eq!(
        izmir["days"][0]["sessions"][0]["times"][0]["text"],
        "Izmir: 16h-17h30 TRT (UTC+3)"
    );
}

#[tokio::test]
async fn unknown_zones_and_languages_are_refused_with_suggestions() {
    let app = spawn_demo().await;
    let problem = assert_problem(
        app.get("/api/v1/events/izmir-2021/programme?tz=Europe/Istambul")
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        None,
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("did you mean Europe/Istanbul?"),
        "{problem}"
    );
    assert_problem(
        app.get("/api/v1/events/izmir-2021/programme?lang=klingon")
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("lang"),
    )
    .await;
    assert_problem(
        app.get("/api/v1/events/izmir-2021/programme?zone=UTC")
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("zone"),
    )
    .await;
    assert_problem(
        app.get("/api/v1/events/nowhere/programme").await,
        StatusCode::NOT_FOUND,
        None,
    )
    .await;
}

#[tokio::test]
async fn the_converter_reads_wall_clock_time_and_refuses_gaps() {
    let app = spawn_app().await;
    let converted = success(app.get("/api/v1/time/convert?at=2021-12-07T16:00&from=Europe/Istanbul&to=Europe/Paris&to=America/Toronto&to=Asia/Kolkata&lang=fr").await).await;
    assert_eq!(converted["instant"], "2021-12-07T13:00:00Z");
    assert_eq!(
        converted["to"][0]["text"],
        "Paris: mardi 7 décembre 2021, 14h CET (UTC+1)"
    );
    assert_eq!(converted["to"][1]["local"], "2021-12-07T08:00:00-05:00");
    assert_eq!(converted["to"][2]["utc_offset"], "UTC+5:30");

    let gap = app
        .get("/api/v1/time/convert?at=2026-03-29T02:30&from=Europe/Paris&to=UTC")
        .await;
    let problem = assert_problem(gap, StatusCode::UNPROCESSABLE_ENTITY, Some("at")).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("does not exist")
    );
    let overlap = app
        .get("/api/v1/time/convert?at=2026-11-01T01:30&from=America/Toronto&to=UTC")
        .await;
    assert_problem(overlap, StatusCode::UNPROCESSABLE_ENTITY, Some("at")).await;
    let sydney = app
        .get("/api/v1/time/convert?at=2026-04-05T02:30&from=Australia/Sydney")
        .await;
    assert_problem(sydney, StatusCode::UNPROCESSABLE_ENTITY, Some("at")).await;
    let explicit = success(
        app.get("/api/v1/time/convert?at=2026-11-01T01:30:00-04:00&to=America/Toronto")
            .await,
    )
    .await;
    assert_eq!(explicit["instant"], "2026-11-01T05:30:00Z");
    assert_eq!(explicit["to"][0]["abbreviation"], "EDT");
    assert_problem(
        app.get("/api/v1/time/convert?at=2021-12-07T16:00").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("from"),
    )
    .await;
}

#[tokio::test]
async fn speakers_and_events_refuse_misspelt_zones() {
    let app = spawn_demo().await;
    let problem = assert_problem(
        app.post_json(
            "/api/v1/events/izmir-2021/speakers",
            Some(&app.admin_token),
            json!({"name": "A", "timezone": "Europe/Istambul"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("timezone"),
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("did you mean Europe/Istanbul?")
    );
}

#[tokio::test]
async fn the_slot_finder_puts_izmir_at_four_and_never_montreal_before_eight() {
    let app = spawn_app().await;
    let path = "/api/v1/scheduling/slots?tz=Europe/Istanbul&tz=Europe/Paris&tz=America/Toronto&from=2021-12-07&duration=90&limit=100&lang=fr";
    assert_problem(app.get(path).await, StatusCode::UNAUTHORIZED, None).await;
    let answer = success(app.get_as(&app.admin_token, path).await).await;
    let slots = answer["slots"].as_array().unwrap();
    assert!(!slots.is_empty());
    assert!(answer["reason"].is_null());
    let four = slots
        .iter()
        .find(|s| s["starts_at"] == "2021-12-07T13:00:00Z")
        .expect("16:00 in Izmir is offered");
    assert_eq!(four["times"][0]["text"], "Istanbul: 16h-17h30 (UTC+3)");
    assert_eq!(four["times"][2]["text"], "Toronto: 8h-9h30 EST (UTC-5)");
    for slot in slots {
        let montreal = slot["times"][2]["local_start"].as_str().unwrap();
        let hour: u32 = montreal[11..13].parse().unwrap();
        assert!(hour >= 8, "Montréal would start at {montreal}");
        assert!(slot["score"].as_u64().unwrap() <= 100);
    }
    let scores: Vec<u64> = slots.iter().map(|s| s["score"].as_u64().unwrap()).collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "fairest first: {scores:?}"
    );
}

#[tokio::test]
async fn the_slot_finder_explains_when_nothing_fits() {
    let app = spawn_app().await;
    let path = "/api/v1/scheduling/slots?tz=Asia/Tokyo&tz=Pacific/Honolulu&tz=Europe/Paris&from=2021-12-07&duration=60";
    let answer = success(app.get_as(&app.admin_token, path).await).await;
    assert_eq!(answer["slots"], json!([]));
    let reason = answer["reason"].as_str().unwrap();
    assert!(
        reason.contains("no 60-minute slot") && reason.contains("Honolulu 08:00-20:00"),
        "{reason}"
    );

    let windows = "/api/v1/scheduling/slots?tz=Asia/Tokyo@06:00-23:00&tz=Europe/Paris&from=2021-12-07&duration=60";
    assert!(
        !success(app.get_as(&app.admin_token, windows).await).await["slots"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let bad = "/api/v1/scheduling/slots?tz=Asia/Tokyo@20:00-08:00&from=2021-12-07&duration=0";
    let problem = assert_problem(
        app.get_as(&app.admin_token, bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("tz[0]"),
    )
    .await;
    assert!(
        problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == "duration")
    );
}

#[tokio::test]
async fn the_slot_finder_can_take_the_zones_of_an_events_speakers() {
    let app = spawn_demo().await;
    let answer = success(
        app.get_as(
            &app.admin_token,
            "/api/v1/scheduling/slots?event=izmir-2021&from=2021-12-07&duration=60",
        )
        .await,
    )
    .await;
    let zones: Vec<&str> = answer["zones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|z| z["timezone"].as_str().unwrap())
        .collect();
    assert!(
        zones.contains(&"America/Toronto")
            && zones.contains(&"Europe/Istanbul")
            && zones.contains(&"America/New_York"),
        "{zones:?}"
    );
}

#[tokio::test]
async fn an_on_site_events_far_zone_is_printed_for_its_sessions() {
    // The Sfax peer-learning event is on site; its Brussels line is for every session.
    let app = spawn_app().await;
    app.create("/api/v1/events", event_payload("sfax-2019"))
        .await;
    let room = app
        .create(
            "/api/v1/events/sfax-2019/rooms",
            json!({"name": "Salle des fêtes", "capacity": 40}),
        )
        .await;
    app.create(
        "/api/v1/events/sfax-2019/sessions",
        json!({"title": "Study visit", "kind": "study_visit", "starts_at": "2019-06-25T14:00",
               "ends_at": "2019-06-25T16:00", "room_id": room["id"], "status": "published"}),
    )
    .await;
    let programme = success(app.get("/api/v1/events/sfax-2019/programme?lang=en").await).await;
    let labels: Vec<&str> = programme["days"][0]["sessions"][0]["times"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["Sfax", "Brussels"]);
}
