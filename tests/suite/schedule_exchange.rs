//! frab / c3voc schedule exchange: exports valid against the published JSON schema (the XSD is
//! checked by `.ci/run` with xmllint on the samples written here), imports with dry run, clear
//! errors, and lossless Convene-to-Convene round trips through both formats.

use crate::common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

const JSON_SCHEMA: &str = include_str!("../fixtures/schemas/schedule.schema.json");

async fn export(app: &TestApp, slug: &str, format: &str) -> String {
    let response = app
        .get(&format!("/api/v1/events/{slug}/schedule.{format}"))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

/// The Izmir export as another tool would write it: the standard fields only.
async fn plain_izmir_json(app: &TestApp) -> Value {
    let mut document: Value =
        serde_json::from_str(&export(app, "izmir-2021", "json").await).unwrap();
    document["schedule"]
        .as_object_mut()
        .unwrap()
        .remove("convene");
    document
}

async fn import(
    app: &TestApp,
    slug: &str,
    content_type: &str,
    body: &str,
    dry_run: bool,
) -> reqwest::Response {
    app.request(
        reqwest::Method::POST,
        &format!("/api/v1/events/{slug}/import?dry_run={dry_run}"),
    )
    .bearer_auth(&app.admin_token)
    .header("content-type", content_type)
    .body(body.to_owned())
    .send()
    .await
    .unwrap()
}

/// The carried schedule with what legitimately differs between two events removed.
fn comparable(export: &Value) -> Value {
    let mut carried = export["schedule"]["convene"].clone();
    carried["conference"]["slug"] = Value::Null;
    carried["conference"]["url"] = Value::Null;
    carried["conference"]["title"] = Value::Null;
    for session in carried["sessions"].as_array_mut().unwrap() {
        session["id"] = Value::Null;
    }
    carried
}

/// Equal, or the first place where they differ (the documents are too long to print whole).
fn assert_same(left: &Value, right: &Value) {
    fn walk(path: &str, a: &Value, b: &Value) -> Option<String> {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => x.keys().chain(y.keys()).find_map(|k| {
                walk(
                    &format!("{path}.{k}"),
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                )
            }),
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
                .iter()
                .zip(y)
                .enumerate()
                .find_map(|(i, (p, q))| walk(&format!("{path}[{i}]"), p, q)),
            _ if a == b => None,
            _ => Some(format!("{path}: {a} != {b}")),
        }
    }
    if let Some(difference) = walk("", left, right) {
        panic!("round trip lost something at {difference}");
    }
}

fn save_sample(name: &str, text: &str) {
    if let Some(dir) = std::env::var_os("CONVENE_SCHEDULE_SAMPLES") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(std::path::Path::new(&dir).join(name), text).unwrap();
    }
}

#[tokio::test]
async fn the_izmir_exports_are_valid_and_carry_roles_without_private_data() {
    let app = spawn_demo().await;
    let json_text = export(&app, "izmir-2021", "json").await;
    let xml = export(&app, "izmir-2021", "xml").await;
    save_sample("izmir-2021.schedule.json", &json_text);
    save_sample("izmir-2021.schedule.xml", &xml);

    let document: Value = serde_json::from_str(&json_text).unwrap();
    let schema: Value = serde_json::from_str(JSON_SCHEMA).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let problems: Vec<String> = validator
        .iter_errors(&document)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");

    let days = document["schedule"]["conference"]["days"]
        .as_array()
        .unwrap();
    assert_eq!(days.len(), 3, "7, 8 and 10 December");
    let first = &days[0]["rooms"]["Online"][0];
    assert_eq!(first["date"], "2021-12-07T16:00:00+03:00");
    assert_eq!(first["start"], "16:00");
    assert_eq!(first["duration"], "01:30");
    let moderator = first["persons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Ayten Alkan")
        .unwrap();
    assert_eq!(moderator["role"], "moderator");
    for secret in ["meet.example.org", "@example.org", "feed_token"] {
        assert!(
            !json_text.contains(secret) && !xml.contains(secret),
            "{secret} leaked"
        );
    }
    assert!(
        xml.contains("<?convene {"),
        "Convene's data rides in a processing instruction"
    );
    assert!(xml.contains(r#"<event guid=""#) && xml.contains("<person guid="));
}

#[tokio::test]
async fn importing_the_izmir_export_into_another_event_recreates_it_and_a_dry_run_writes_nothing() {
    let app = spawn_demo().await;
    let original: Value = serde_json::from_str(&export(&app, "izmir-2021", "json").await).unwrap();
    app.create("/api/v1/events", event_payload("izmir-copy"))
        .await;

    let dry = import(
        &app,
        "izmir-copy",
        "application/json",
        &original.to_string(),
        true,
    )
    .await;
    assert_eq!(dry.status(), StatusCode::OK);
    let dry = body(dry).await;
    assert_eq!(dry["dry_run"], true);
    assert_eq!(
        dry["sessions_created"].as_array().unwrap().len(),
        8,
        "{dry}"
    );
    assert_eq!(
        dry["speakers_created"].as_array().unwrap().len(),
        40,
        "{dry}"
    );
    let nothing = success(
        app.get_as(&app.admin_token, "/api/v1/events/izmir-copy/sessions")
            .await,
    )
    .await;
    assert_eq!(nothing["items"], json!([]), "a dry run writes nothing");

    let done = body(
        import(
            &app,
            "izmir-copy",
            "application/json",
            &original.to_string(),
            false,
        )
        .await,
    )
    .await;
    assert_eq!(done["sessions_created"].as_array().unwrap().len(), 8);
    // Imported sessions are drafts: nothing is public until the organiser publishes.
    assert_eq!(
        success(app.get("/api/v1/events/izmir-copy/sessions").await).await["items"],
        json!([])
    );
    let published = app.publish_acknowledging("izmir-copy").await;
    assert_eq!(published["published"].as_array().unwrap().len(), 8);
    assert!(
        !published["acknowledged"].as_array().unwrap().is_empty(),
        "exports carry no meeting links: those conflicts were acknowledged"
    );
    let copy: Value = serde_json::from_str(&export(&app, "izmir-copy", "json").await).unwrap();
    assert_same(&comparable(&copy), &comparable(&original));
    // The programme reads the same as the original, time for time.
    let a = success(app.get("/api/v1/events/izmir-2021/programme").await).await;
    let b = success(app.get("/api/v1/events/izmir-copy/programme").await).await;
    assert_eq!(
        a["days"].as_array().unwrap().len(),
        b["days"].as_array().unwrap().len()
    );
    assert_eq!(
        a["days"][0]["sessions"][0]["times"],
        b["days"][0]["sessions"][0]["times"]
    );

    // Importing the same file again changes nothing.
    let again = body(
        import(
            &app,
            "izmir-copy",
            "application/json",
            &original.to_string(),
            false,
        )
        .await,
    )
    .await;
    assert_eq!(again["sessions_created"], json!([]), "{again}");
    assert_eq!(again["sessions_updated"], json!([]), "{again}");
    assert_eq!(again["sessions_unchanged"], 8);
}

#[tokio::test]
async fn the_xml_export_round_trips_and_a_plain_frab_file_imports_from_its_standard_fields() {
    let app = spawn_demo().await;
    let original: Value = serde_json::from_str(&export(&app, "izmir-2021", "json").await).unwrap();
    let xml = export(&app, "izmir-2021", "xml").await;

    app.create("/api/v1/events", event_payload("izmir-xml"))
        .await;
    let done = import(&app, "izmir-xml", "application/xml", &xml, false).await;
    assert_eq!(done.status(), StatusCode::OK);
    app.publish_acknowledging("izmir-xml").await;
    let copy: Value = serde_json::from_str(&export(&app, "izmir-xml", "json").await).unwrap();
    assert_same(&comparable(&copy), &comparable(&original));

    // Without Convene's processing instruction, as another tool would write it.
    let plain = regex::Regex::new(r"(?s)<\?convene .*?\?>")
        .unwrap()
        .replace(&xml, "")
        .into_owned();
    app.create("/api/v1/events", event_payload("from-frab"))
        .await;
    let report = body(import(&app, "from-frab", "text/xml", &plain, false).await).await;
    assert_eq!(
        report["sessions_created"].as_array().unwrap().len(),
        8,
        "{report}"
    );
    let sessions = success(
        app.get_as(&app.admin_token, "/api/v1/events/from-frab/sessions")
            .await,
    )
    .await;
    let first = &sessions["items"][0];
    assert_eq!(first["starts_at"], "2021-12-07T13:00:00Z");
    assert_eq!(first["attendance"], "virtual");
    assert!(first["participants"].as_array().unwrap().len() >= 5);
}

#[tokio::test]
async fn malformed_imports_are_refused_with_line_and_field() {
    let app = spawn_demo().await;
    app.create("/api/v1/events", event_payload("broken")).await;
    let xml = "<?xml version=\"1.0\"?>\n<schedule>\n<conference><title>x</title>\n</schedule>";
    let problem = assert_problem(
        import(&app, "broken", "application/xml", xml, false).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        None,
    )
    .await;
    assert!(problem.to_string().contains("line 4"), "{problem}");

    let mut document = plain_izmir_json(&app).await;
    document["schedule"]["conference"]["days"][0]["rooms"]["Online"][0]["date"] =
        json!("7 December");
    let problem = assert_problem(
        import(
            &app,
            "broken",
            "application/json",
            &document.to_string(),
            false,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("schedule.conference.days[0].rooms.Online[0].date"),
    )
    .await;
    assert!(problem.to_string().contains("RFC 3339"), "{problem}");

    let unreadable = import(
        &app,
        "broken",
        "application/json",
        "{\n  \"schedule\": [1,\n",
        false,
    )
    .await;
    let problem = assert_problem(unreadable, StatusCode::UNPROCESSABLE_ENTITY, Some("body")).await;
    assert!(problem.to_string().contains("line"), "{problem}");

    let anonymous = app
        .request(reqwest::Method::POST, "/api/v1/events/broken/import")
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let wrong_type = app
        .request(reqwest::Method::POST, "/api/v1/events/broken/import")
        .bearer_auth(&app.admin_token)
        .header("content-type", "text/csv")
        .body("a,b")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_type.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn an_absurd_duration_is_refused_with_its_field_not_a_server_error() {
    let app = spawn_demo().await;
    app.create("/api/v1/events", event_payload("absurd")).await;
    let mut document = plain_izmir_json(&app).await;
    document["schedule"]["conference"]["days"][0]["rooms"]["Online"][0]["duration"] =
        json!("99999999999:00");
    let problem = assert_problem(
        import(
            &app,
            "absurd",
            "application/json",
            &document.to_string(),
            true,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("schedule.conference.days[0].rooms.Online[0].duration"),
    )
    .await;
    assert!(
        problem.to_string().contains("longer than a week"),
        "{problem}"
    );
}

fn real_schedule(name: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/schedules")
            .join(name),
    )
    .expect("the real schedule fixture is there")
}

#[tokio::test]
async fn real_pentabarf_and_pretalx_exports_import_into_events_of_their_zones() {
    let app = spawn_app().await;
    for (slug, zone, starts, ends) in [
        ("fosdem-2021", "Europe/Brussels", "2021-02-06", "2021-02-07"),
        ("rc3-2020", "Europe/Berlin", "2020-12-27", "2020-12-30"),
    ] {
        app.create(
            "/api/v1/events",
            json!({"slug": slug, "title": slug, "kind": "summit", "attendance": "virtual",
                "timezone": zone, "starts_on": starts, "ends_on": ends}),
        )
        .await;
    }
    // FOSDEM: pentabarf gives local start times only, read in Brussels.
    let fosdem = real_schedule("fosdem-2021-pentabarf.xml");
    let report =
        success(import(&app, "fosdem-2021", "application/xml", &fosdem, false).await).await;
    assert_eq!(
        report["sessions_created"].as_array().unwrap().len(),
        773,
        "{report}"
    );
    assert_eq!(report["rooms_created"].as_array().unwrap().len(), 106);
    let sessions = success(
        app.get_as(&app.admin_token, "/api/v1/events/fosdem-2021/sessions")
            .await,
    )
    .await;
    let sessions = sessions["items"].as_array().unwrap();
    assert_eq!(sessions.len(), 773);
    let welcome = sessions
        .iter()
        .find(|s| s["title"] == "Welcome to FOSDEM 2021")
        .unwrap();
    assert_eq!(
        welcome["starts_at"], "2021-02-06T08:00:00Z",
        "09:00 in Brussels"
    );
    assert_eq!(welcome["ends_at"], "2021-02-06T08:25:00Z");

    // rC3: pretalx gives instants with offsets and its own session types.
    let rc3 = real_schedule("pretalx-rc3.json");
    let report = success(import(&app, "rc3-2020", "application/json", &rc3, false).await).await;
    assert_eq!(
        report["sessions_created"].as_array().unwrap().len(),
        48,
        "{report}"
    );
    let sessions = success(
        app.get_as(&app.admin_token, "/api/v1/events/rc3-2020/sessions")
            .await,
    )
    .await;
    let sessions = sessions["items"].as_array().unwrap();
    let gluon = sessions
        .iter()
        .find(|s| s["title"] == "Der faule Admin automatisiert: Gluon auf echter Hardware testen")
        .unwrap();
    assert_eq!(
        gluon["starts_at"], "2020-12-27T10:30:00Z",
        "11:30+01:00 in the file"
    );
    let workshop = sessions
        .iter()
        .find(|s| s["kind_label"] == "Workshop 110min")
        .expect("the file's own label is kept and shown");
    assert_eq!(workshop["kind"], "workshop");
    let speakers = success(
        app.get_as(&app.admin_token, "/api/v1/events/rc3-2020/speakers")
            .await,
    )
    .await;
    assert!(
        speakers["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "Florian Festi")
    );
}

/// A frab schedule.json of `count` talks over four days and ten rooms, each with a long
/// abstract, as a large conference exports it.
fn large_schedule(count: usize) -> String {
    let abstract_text = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(16);
    let mut days = Vec::new();
    for day in 0..4 {
        let date = format!("2021-02-{:02}", 6 + day);
        let mut rooms = serde_json::Map::new();
        for room in 0..10 {
            let name = format!("Room {room}");
            let talks: Vec<Value> = (0..count / 40)
                .map(|slot| {
                    let n = (day * 10 + room) * (count / 40) + slot;
                    let (hour, minute) = (8 + slot * 5 / 60, slot * 5 % 60);
                    json!({
                        "id": n, "guid": uuid::Uuid::new_v4().to_string(),
                        "date": format!("{date}T{hour:02}:{minute:02}:00+01:00"),
                        "start": format!("{hour:02}:{minute:02}"), "duration": "00:05",
                        "room": name, "title": format!("Talk number {n}"), "type": "Lightning talk",
                        "language": "en", "abstract": abstract_text,
                        "persons": [{"guid": uuid::Uuid::new_v4().to_string(), "public_name": format!("Speaker {n}")}],
                    })
                })
                .collect();
            rooms.insert(name, Value::Array(talks));
        }
        days.push(json!({"index": day + 1, "date": date, "rooms": rooms}));
    }
    json!({"schedule": {"version": "1", "conference": {
        "acronym": "big-2021", "title": "A large conference", "start": "2021-02-06", "end": "2021-02-09",
        "daysCount": 4, "timeslot_duration": "00:15", "time_zone_name": "Europe/Brussels", "days": days}}})
    .to_string()
}

#[tokio::test]
async fn a_large_import_runs_off_the_request_threads_while_others_are_answered() {
    let app = std::sync::Arc::new(spawn_app().await);
    app.create(
        "/api/v1/events",
        json!({"slug": "big-2021", "title": "A large conference", "kind": "summit", "attendance": "virtual",
               "timezone": "Europe/Brussels", "starts_on": "2021-02-06", "ends_on": "2021-02-09"}),
    )
    .await;
    let file = large_schedule(3200);
    assert!(
        (3_500_000..4_194_304).contains(&file.len()),
        "a file of almost 4 MB: {}",
        file.len()
    );
    let importer = {
        let app = app.clone();
        tokio::spawn(async move {
            let response = import(&app, "big-2021", "application/json", &file, false).await;
            let status = response.status();
            (status, body(response).await)
        })
    };
    let mut answered_meanwhile = 0;
    while !importer.is_finished() {
        let health = app.get("/health").await;
        assert_eq!(health.status(), StatusCode::OK);
        if !importer.is_finished() {
            answered_meanwhile += 1;
        }
    }
    let (status, report) = importer.await.unwrap();
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["sessions_created"].as_array().unwrap().len(), 3200);
    assert!(
        answered_meanwhile > 0,
        "no other request was answered while the import ran"
    );
}

#[tokio::test]
async fn every_problem_of_a_file_is_reported_together_and_nothing_is_imported() {
    let app = spawn_demo().await;
    let mut file: Value = serde_json::from_str(&export(&app, "izmir-2021", "json").await).unwrap();
    app.create("/api/v1/events", event_payload("izmir-broken"))
        .await;
    // Convene's own export carries its sessions whole under `convene`; spoil two of them.
    let sessions = file
        .pointer_mut("/schedule/convene/sessions")
        .and_then(Value::as_array_mut)
        .expect("the export carries Convene's sessions");
    let (first, second) = (sessions[0]["guid"].clone(), sessions[1]["guid"].clone());
    sessions[0]["language"] = json!("french");
    sessions[1]["title"] = json!("Two\nlines");
    let refused = import(
        &app,
        "izmir-broken",
        "application/json",
        &file.to_string(),
        false,
    )
    .await;
    let problem = assert_problem(refused, StatusCode::UNPROCESSABLE_ENTITY, None).await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&format!("sessions[{}].language", first.as_str().unwrap()).as_str()),
        "{fields:?}"
    );
    assert!(
        fields.contains(&format!("sessions[{}].title", second.as_str().unwrap()).as_str()),
        "{fields:?}"
    );
    let nothing = success(
        app.get_as(&app.admin_token, "/api/v1/events/izmir-broken/sessions")
            .await,
    )
    .await;
    assert_eq!(nothing["items"], json!([]));
    let speakers = success(
        app.get_as(&app.admin_token, "/api/v1/events/izmir-broken/speakers")
            .await,
    )
    .await;
    assert_eq!(speakers["items"], json!([]), "not even the valid people");
}

#[tokio::test]
async fn frab_c3voc_hub_and_pretalx_demo_exports_import_with_their_instants() {
    let app = spawn_app().await;
    // (file, event, zone, first day, last day, sessions, a title, its start and end in UTC)
    let cases = [
        (
            "c3voc-hub-38c3.json",
            "38c3",
            "Europe/Berlin",
            "2024-12-27",
            "2024-12-30",
            2,
            "38C3: Opening Ceremony",
            "2024-12-27T09:30:00Z",
            "2024-12-27T10:00:00Z",
        ),
        (
            "frab-camp2019.json",
            "camp-2019",
            "Europe/Berlin",
            "2019-08-21",
            "2019-08-26",
            79,
            "Opening Ceremony",
            "2019-08-21T09:00:00Z",
            "2019-08-21T09:30:00Z",
        ),
        (
            "pretalx-democon.json",
            "democon",
            "UTC",
            "2020-12-14",
            "2020-12-16",
            36,
            "Focused 5thgeneration hardware",
            "2020-12-14T08:00:00Z",
            "2020-12-14T08:30:00Z",
        ),
    ];
    for (file, slug, zone, starts, ends, count, title, start, end) in cases {
        app.create(
            "/api/v1/events",
            json!({"slug": slug, "title": slug, "kind": "summit", "attendance": "hybrid",
                   "timezone": zone, "starts_on": starts, "ends_on": ends}),
        )
        .await;
        let report =
            success(import(&app, slug, "application/json", &real_schedule(file), false).await)
                .await;
        assert_eq!(
            report["sessions_created"].as_array().unwrap().len(),
            count,
            "{file}: {report}"
        );
        let sessions = success(
            app.get_as(&app.admin_token, &format!("/api/v1/events/{slug}/sessions"))
                .await,
        )
        .await;
        let found = sessions["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["title"] == title)
            .unwrap_or_else(|| panic!("{file}: no session {title}"));
        assert_eq!(
            (found["starts_at"].as_str(), found["ends_at"].as_str()),
            (Some(start), Some(end)),
            "{file}"
        );
    }
    // The hub's opening: its room and its three speakers came along.
    let sessions = success(
        app.get_as(&app.admin_token, "/api/v1/events/38c3/sessions")
            .await,
    )
    .await;
    let opening = &sessions["items"][0];
    assert_eq!(opening["participants"].as_array().unwrap().len(), 3);
    // Its track and links are kept, and travel on in Convene's own export.
    assert_eq!(opening["track"], "ccc");
    assert_eq!(
        opening["links"][0],
        json!({"url": "https://example.net/", "title": "foo bar"})
    );
    assert_eq!(
        opening["links"].as_array().unwrap().len(),
        3,
        "{}",
        opening["links"]
    );
    app.publish_acknowledging("38c3").await;
    let exported = export(&app, "38c3", "json").await;
    assert!(exported.contains("\"track\":\"ccc\"") || exported.contains("\"track\": \"ccc\""));
    let rooms = success(app.get("/api/v1/events/38c3/rooms").await).await;
    assert!(
        rooms["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["name"] == "Saal 1"),
        "{rooms}"
    );
}
