//! The schedule assistant over HTTP on the Izmir demo: the day plan and scheduling rules, a
//! proposal re-planning the summit, a published programme that moves only what must, an
//! infeasible set of rules explained, and a proposal applied as staged edits.

use crate::common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const EVENT: &str = "/api/v1/events/izmir-2021";

/// Montréal and Paris limited to 08:00-20:00, as the scenario has it.
fn montreal_and_paris(pin_published: bool) -> Value {
    json!({
        "pin_published": pin_published,
        "zone_hours": [
            {"timezone": "America/Toronto", "from": "08:00", "to": "20:00"},
            {"timezone": "Europe/Paris", "from": "08:00", "to": "20:00"}
        ],
        "grid_minutes": 15,
        "buffer_minutes": 15,
        "time_limit_seconds": 10
    })
}

async fn session_list(app: &TestApp) -> Vec<Value> {
    let sessions = success(
        app.get_as(&app.admin_token, &format!("{EVENT}/sessions"))
            .await,
    )
    .await;
    sessions["items"].as_array().unwrap().clone()
}

async fn session_ids(app: &TestApp) -> Vec<(i64, String)> {
    session_list(app)
        .await
        .iter()
        .map(|s| {
            (
                s["id"].as_i64().unwrap(),
                s["title"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn id_of(sessions: &[(i64, String)], title_start: &str) -> i64 {
    sessions
        .iter()
        .find(|(_, t)| t.starts_with(title_start))
        .unwrap_or_else(|| panic!("no session {title_start}"))
        .0
}

/// A proposal the organiser asks for, which must succeed.
async fn propose(app: &TestApp, options: Value) -> Value {
    success(
        app.post_json(
            &format!("{EVENT}/schedule-proposals"),
            Some(app.admin_token.as_str()),
            options,
        )
        .await,
    )
    .await
}

fn proposed(proposal: &Value, id: i64) -> &Value {
    proposal["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["session_id"] == id)
        .unwrap_or_else(|| panic!("session {id} not in the proposal"))
}

fn instant(value: &Value) -> chrono::DateTime<chrono::Utc> {
    value.as_str().unwrap().parse().unwrap()
}

/// The local date in Izmir (UTC+3 all year).
fn izmir_date(value: &Value) -> String {
    (instant(value) + chrono::Duration::hours(3))
        .date_naive()
        .to_string()
}

#[tokio::test]
async fn the_izmir_summit_replanned_from_scratch_keeps_every_rule_inside_montreal_and_paris_hours()
{
    let app = spawn_demo().await;
    let token = Some(app.admin_token.as_str());
    let event = success(app.get_as(&app.admin_token, EVENT).await).await;
    assert_eq!(
        event["day_plan"],
        json!([
            {"date": "2021-12-07", "attendance": "virtual"},
            {"date": "2021-12-08", "attendance": "virtual"},
            {"date": "2021-12-09", "attendance": "none"},
            {"date": "2021-12-10", "attendance": "on_site"}
        ])
    );
    let sessions = session_ids(&app).await;
    let recital = id_of(&sessions, "Récital");
    let plenary = id_of(&sessions, "Séance plénière");
    let closing = id_of(&sessions, "Plénière : Panel");
    let rules = success(
        app.get_as(&app.admin_token, &format!("{EVENT}/scheduling-rules"))
            .await,
    )
    .await;
    assert_eq!(
        rules["ordering"],
        json!([{"before": recital, "after": plenary}])
    );
    assert_eq!(rules["last_of_event"], json!(closing));

    // From scratch: every session's working copy is put on the rest day at 03:00 (UTC),
    // keeping its length.
    let rest_day: chrono::DateTime<chrono::Utc> = "2021-12-09T03:00:00Z".parse().unwrap();
    for s in session_list(&app).await {
        let length = instant(&s["ends_at"]) - instant(&s["starts_at"]);
        success(
            app.patch_json(
                &format!("{EVENT}/sessions/{}", s["id"]),
                token,
                json!({"starts_at": rest_day.to_rfc3339(), "ends_at": (rest_day + length).to_rfc3339()}),
            )
            .await,
        )
        .await;
    }
    let proposal = propose(&app, montreal_and_paris(false)).await;
    assert_eq!(proposal["hard_violations"], json!([]), "{proposal}");
    assert_eq!(proposal["score"]["display_zone_minutes_outside"], 0);
    assert_eq!(proposal["status"], "optimal");
    assert_eq!(
        proposal["sessions"].as_array().unwrap().len(),
        sessions.len()
    );
    assert!(
        proposal["compared_to_current"]["hard_violations"]
            .as_array()
            .is_some_and(|v| !v.is_empty()),
        "the current plan (everything on the rest day) breaks the day plan"
    );
    for s in proposal["sessions"].as_array().unwrap() {
        assert_eq!(s["moved"], true);
        let date = izmir_date(&s["starts_at"]);
        let on_site = [recital, plenary, closing].contains(&s["session_id"].as_i64().unwrap());
        if on_site {
            assert_eq!(date, "2021-12-10", "{s}");
            assert!(s["room_id"].is_i64(), "an on-site session has a room: {s}");
        } else {
            assert!(["2021-12-07", "2021-12-08"].contains(&date.as_str()), "{s}");
            // 08:00 in Montréal is 13:00 UTC, 20:00 in Paris 19:00 UTC.
            let day = instant(&s["starts_at"]).date_naive();
            assert!(instant(&s["starts_at"]) >= day.and_hms_opt(13, 0, 0).unwrap().and_utc());
            assert!(instant(&s["ends_at"]) <= day.and_hms_opt(19, 0, 0).unwrap().and_utc());
        }
    }
    assert!(
        instant(&proposed(&proposal, recital)["ends_at"])
            <= instant(&proposed(&proposal, plenary)["starts_at"])
    );
    let closing_starts = instant(&proposed(&proposal, closing)["starts_at"]);
    for s in proposal["sessions"].as_array().unwrap() {
        if s["session_id"] != closing {
            assert!(
                instant(&s["ends_at"]) <= closing_starts,
                "{s} ends after the closing starts"
            );
        }
    }

    // Applying stages each published session's move; the public programme is untouched.
    let applied = success(
        app.post_json(
            &format!("{EVENT}/schedule-proposals/apply"),
            token,
            proposal.clone(),
        )
        .await,
    )
    .await;
    assert_eq!(applied["staged"].as_array().unwrap().len(), sessions.len());
    let again = propose(&app, montreal_and_paris(false)).await;
    assert_eq!(again["compared_to_current"]["hard_violations"], json!([]));
    let public = success(app.get(&format!("{EVENT}/programme")).await).await;
    assert!(
        !public.to_string().contains("2021-12-09"),
        "nothing is published on the rest day"
    );
}

#[tokio::test]
async fn a_published_programme_with_a_new_session_and_a_changed_availability_moves_only_what_must()
{
    let app = spawn_demo().await;
    let token = Some(app.admin_token.as_str());
    let sessions = session_ids(&app).await;
    let atelier_1 = id_of(&sessions, "Atelier thématique 1");
    // Atelier 1's moderator can now only do the evening of 8 December (Izmir time).
    let participants = success(
        app.get_as(
            &app.admin_token,
            &format!("{EVENT}/sessions/{atelier_1}/participants"),
        )
        .await,
    )
    .await;
    let moderator = participants["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["role"] == "moderator")
        .expect("Atelier 1 has a moderator")["speaker_id"]
        .clone();
    success(
        app.send_json(
            Method::PUT,
            &format!("{EVENT}/speakers/{moderator}/availability"),
            token,
            json!({"windows": [{"starts_at": "2021-12-08T19:00:00+03:00", "ends_at": "2021-12-08T22:00:00+03:00"}]}),
        )
        .await,
    )
    .await;
    // A new draft session, not yet anywhere sensible (the rest day).
    let added = app
        .create(
            &format!("{EVENT}/sessions"),
            json!({"title": "Atelier 4 : Villes et migrations", "kind": "workshop", "attendance": "virtual",
                   "starts_at": "2021-12-09T10:00", "ends_at": "2021-12-09T11:00",
                   "online_url": "https://meet.example.org/atelier-4"}),
        )
        .await;
    let added = added["id"].as_i64().unwrap();

    let proposal = propose(&app, montreal_and_paris(true)).await;
    assert_eq!(proposal["hard_violations"], json!([]), "{proposal}");
    assert_eq!(proposal["score"]["display_zone_minutes_outside"], 0);
    assert_eq!(proposal["released"], json!([atelier_1]));
    let mut moved: Vec<i64> = proposal["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["moved"] == true)
        .map(|s| s["session_id"].as_i64().unwrap())
        .collect();
    moved.sort();
    assert_eq!(moved, vec![atelier_1, added]);
    assert_eq!(proposal["score"]["published_sessions_moved"], 1);
    // 19:00 in Izmir is 16:00 UTC.
    assert!(
        instant(&proposed(&proposal, atelier_1)["starts_at"])
            >= "2021-12-08T16:00:00Z"
                .parse::<chrono::DateTime<chrono::Utc>>()
                .unwrap()
    );

    let applied = success(
        app.post_json(
            &format!("{EVENT}/schedule-proposals/apply"),
            token,
            proposal,
        )
        .await,
    )
    .await;
    assert_eq!(applied["applied"], json!([added]));
    assert_eq!(applied["staged"], json!([atelier_1]));
    let conflicts = success(
        app.get_as(&app.admin_token, &format!("{EVENT}/conflicts"))
            .await,
    )
    .await;
    assert!(
        !conflicts.to_string().contains("outside_availability"),
        "the move solved the availability conflict: {conflicts}"
    );
}

#[tokio::test]
async fn rules_that_cannot_all_hold_are_named_and_bad_input_is_refused_by_field() {
    let app = spawn_demo().await;
    let token = Some(app.admin_token.as_str());
    let sessions = session_ids(&app).await;
    let recital = id_of(&sessions, "Récital");
    let closing = id_of(&sessions, "Plénière : Panel");
    let rules_path = format!("{EVENT}/scheduling-rules");

    let unknown = app
        .send_json(
            Method::PUT,
            &rules_path,
            token,
            json!({"ordering": [{"before": 999999, "after": recital}]}),
        )
        .await;
    assert_problem(
        unknown,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("ordering[0].before"),
    )
    .await;
    let typo = app
        .send_json(
            Method::PUT,
            &rules_path,
            token,
            json!({"last_of_the_event": closing}),
        )
        .await;
    assert!(typo.status().is_client_error());

    // The closing panel must end the event and also come before the recital.
    success(
        app.send_json(
            Method::PUT,
            &rules_path,
            token,
            json!({"ordering": [{"before": closing, "after": recital}], "last_of_event": closing}),
        )
        .await,
    )
    .await;
    let refused = app
        .post_json(
            &format!("{EVENT}/schedule-proposals"),
            token,
            montreal_and_paris(false),
        )
        .await;
    let problem = assert_problem(refused, StatusCode::CONFLICT, None).await;
    let kinds: Vec<&str> = problem["conflicting_rules"]
        .as_array()
        .unwrap_or_else(|| panic!("conflicting rules listed: {problem}"))
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"ordering"), "{problem}");
    assert!(kinds.contains(&"last_of_event"), "{problem}");
    assert!(
        problem["conflicting_rules"][0]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );

    let bad_grid = app
        .post_json(
            &format!("{EVENT}/schedule-proposals"),
            token,
            json!({"grid_minutes": 7}),
        )
        .await;
    assert_problem(
        bad_grid,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("grid_minutes"),
    )
    .await;
    let bad_hours = app
        .post_json(
            &format!("{EVENT}/schedule-proposals"),
            token,
            json!({"zone_hours": [{"timezone": "America/Toronto", "from": "20:00", "to": "08:00"}]}),
        )
        .await;
    assert_problem(
        bad_hours,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("zone_hours[0].to"),
    )
    .await;
    let bad_day = app
        .patch_json(
            EVENT,
            token,
            json!({"day_plan": [{"date": "2021-12-12", "attendance": "none"}]}),
        )
        .await;
    assert_problem(
        bad_day,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("day_plan[0].date"),
    )
    .await;
    let stranger = app
        .post_json(&format!("{EVENT}/schedule-proposals"), None, json!({}))
        .await;
    assert_eq!(stranger.status(), StatusCode::UNAUTHORIZED);

    // A proposal whose session no longer lasts what it did is refused, not half-applied.
    success(
        app.send_json(Method::PUT, &rules_path, token, json!({}))
            .await,
    )
    .await;
    let proposal = propose(&app, montreal_and_paris(false)).await;
    let mut stale = proposal.clone();
    let first = stale["sessions"][0]["session_id"].clone();
    stale["sessions"][0]["ends_at"] = json!("2030-01-01T00:00:00Z");
    let refused = app
        .post_json(&format!("{EVENT}/schedule-proposals/apply"), token, stale)
        .await;
    assert_problem(
        refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("sessions[0].ends_at"),
    )
    .await;
    let unchanged = success(
        app.get_as(&app.admin_token, &format!("{EVENT}/sessions/{first}"))
            .await,
    )
    .await;
    assert_eq!(unchanged["unpublished_changes"], false, "{unchanged}");
}
