//! Speaker slot invitations end to end: the email over real SMTP, its link followed, the answer
//! recorded, the organisers told; expired, reused and unknown links refused.

use crate::common;

use common::smtp::TestSmtp;
use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The first session's opening speaker, given an email address; returns (session id, participant id).
async fn soyer_with_email(app: &TestApp) -> (i64, i64) {
    let sessions = success(app.get("/api/v1/events/izmir-2021/sessions").await).await;
    let session = &sessions["items"][0];
    let participant = &session["participants"][0];
    assert_eq!(participant["speaker"]["name"], "Tunç Soyer");
    let speaker = participant["speaker_id"].as_i64().unwrap();
    let updated = app
        .patch_json(
            &format!("/api/v1/events/izmir-2021/speakers/{speaker}"),
            Some(&app.admin_token),
            json!({"email": "tunc.soyer@example.org", "language": "fr"}),
        )
        .await;
    assert_eq!(updated.status(), StatusCode::OK);
    (
        session["id"].as_i64().unwrap(),
        participant["id"].as_i64().unwrap(),
    )
}

async fn invite(app: &TestApp, session: i64, participant: i64) -> Value {
    let path =
        format!("/api/v1/events/izmir-2021/sessions/{session}/participants/{participant}/invite");
    let response = app
        .post_json(&path, Some(&app.admin_token), json!({}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    body(response).await
}

/// The unfolded lines of the calendar part of an email.
fn calendar_lines(message: &common::smtp::Received) -> Vec<String> {
    let parsed = message.parsed();
    let part = parsed
        .parts
        .iter()
        .find(|p| mail_parser::MimeHeaders::is_content_type(*p, "text", "calendar"))
        .expect("a calendar part");
    String::from_utf8_lossy(part.contents())
        .replace("\r\n ", "")
        .lines()
        .map(str::to_owned)
        .collect()
}

fn answer_link(message: &common::smtp::Received) -> String {
    let text = message.parsed().body_text(0).unwrap().into_owned();
    let found = regex::Regex::new(r"http://convene\.test(/speak/[A-Za-z0-9_-]+)").unwrap();
    found
        .captures(&text)
        .expect("the email carries the answer link")[1]
        .to_owned()
}

#[tokio::test]
async fn a_speaker_confirms_through_the_emailed_link_and_the_organisers_are_told() {
    let smtp = TestSmtp::start();
    let app = spawn_app_with(Options {
        demo: true,
        env: vec![("CONVENE_SMTP_URL", smtp.url())],
        ..Options::default()
    })
    .await;
    let (session, participant) = soyer_with_email(&app).await;
    let sent = invite(&app, session, participant).await;
    assert_eq!(sent["participant"]["status"], "invited");
    app.dispatch_all_pending_emails().await;

    let invitation = smtp
        .messages_to("tunc.soyer@example.org")
        .pop()
        .expect("the invitation");
    let parsed = invitation.parsed();
    assert!(
        parsed
            .subject()
            .unwrap()
            .starts_with("Invitation à intervenir : Dialogue des maires"),
        "{:?}",
        parsed.subject()
    );
    let raw = String::from_utf8_lossy(&invitation.data).replace("\r\n ", "");
    assert!(raw.contains("method=REQUEST"));
    // The slot is the speaker's own calendar entry: tentative, awaiting their answer.
    let tentative = calendar_lines(&invitation);
    let uid = format!("UID:slot-{participant}@convene.test");
    for expected in [uid.as_str(), "SEQUENCE:0", "STATUS:TENTATIVE"] {
        assert!(
            tentative.iter().any(|l| l == expected),
            "{expected} in {tentative:?}"
        );
    }
    let attendee = tentative
        .iter()
        .find(|l| l.starts_with("ATTENDEE"))
        .unwrap();
    assert!(
        attendee.contains("PARTSTAT=NEEDS-ACTION")
            && attendee.contains("ROLE=REQ-PARTICIPANT")
            && attendee.contains("RSVP=TRUE"),
        "{attendee}"
    );
    let link = answer_link(&invitation);

    let page = app.get(&link).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Bienvenue et ouverture")
            && html.contains("Izmir: mardi 7 décembre 2021, 16h-17h30 TRT (UTC+3)")
            && html.contains("3e Sommet international des maires"),
        "role, event and dated times in the page: {html}"
    );

    let answered = app
        .request(reqwest::Method::POST, &link)
        .header("content-type", "application/x-www-form-urlencoded")
        // Available in the afternoon of 7 December, Izmir time; the blank second row is skipped.
        .body("decision=confirm&note=Avec+plaisir&available_from=2021-12-07T15%3A00&available_until=2021-12-07T19%3A00&available_from=&available_until=")
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), StatusCode::OK);
    let speaker_id = success(
        app.get(&format!(
            "/api/v1/events/izmir-2021/sessions/{session}/participants"
        ))
        .await,
    )
    .await["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == participant)
        .unwrap()["speaker_id"]
        .clone();
    let windows = success(
        app.get_as(
            &app.admin_token,
            &format!("/api/v1/events/izmir-2021/speakers/{speaker_id}/availability"),
        )
        .await,
    )
    .await;
    assert_eq!(windows["zone"], "Europe/Istanbul", "{windows}");
    assert_eq!(
        (
            &windows["windows"][0]["starts_at"],
            &windows["windows"][0]["ends_at"]
        ),
        (
            &json!("2021-12-07T12:00:00Z"),
            &json!("2021-12-07T16:00:00Z")
        ),
        "{windows}"
    );
    let participants = success(
        app.get(&format!(
            "/api/v1/events/izmir-2021/sessions/{session}/participants"
        ))
        .await,
    )
    .await;
    let soyer = participants["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == participant)
        .unwrap();
    assert_eq!(
        (
            soyer["id"].as_i64(),
            soyer["speaker_id"].is_i64(),
            soyer["role"].as_str(),
            soyer["status"].as_str()
        ),
        (Some(participant), true, Some("opening"), Some("confirmed"))
    );

    app.dispatch_all_pending_emails().await;
    let notice = smtp.messages_to("organisers@convene.localhost");
    assert_eq!(notice.len(), 1, "the organisers hear of the answer");
    assert!(
        notice[0]
            .parsed()
            .subject()
            .unwrap()
            .starts_with("Tunç Soyer confirmed")
    );
    assert!(
        notice[0]
            .parsed()
            .body_text(0)
            .unwrap()
            .contains("Avec plaisir")
    );
    // "Tunç" arrives as written: the notice is a proper MIME message (the old one was not).
    assert_eq!(common::smtp::defects(&notice[0].data), Vec::<String>::new());
    assert!(
        notice[0]
            .parsed()
            .body_text(0)
            .unwrap()
            .contains("Tunç Soyer has confirmed")
    );
    let unlabelled = lettre::Message::builder()
        .from("organisers@convene.localhost".parse().unwrap())
        .to("organisers@convene.localhost".parse().unwrap())
        .subject("Tunç Soyer confirmed")
        .body("Tunç Soyer has confirmed.".to_owned())
        .unwrap()
        .formatted();
    let found = common::smtp::defects(&unlabelled);
    assert!(
        found.contains(&"no message-id header".to_owned())
            && found.contains(&"no content-type header".to_owned()),
        "the strict check sees what the old notice lacked: {found:?}"
    );
    let confirmed = smtp.messages_to("tunc.soyer@example.org").pop().unwrap();
    let calendar = String::from_utf8_lossy(&confirmed.data).into_owned();
    assert!(calendar.contains("method=REQUEST"));
    // The same entry, one SEQUENCE higher, now confirmed and accepted.
    let accepted = calendar_lines(&confirmed);
    for expected in [uid.as_str(), "SEQUENCE:1", "STATUS:CONFIRMED"] {
        assert!(
            accepted.iter().any(|l| l == expected),
            "{expected} in {accepted:?}"
        );
    }
    let attendee = accepted.iter().find(|l| l.starts_with("ATTENDEE")).unwrap();
    assert!(attendee.contains("PARTSTAT=ACCEPTED"), "{attendee}");

    // The link works once.
    let again = app
        .request(reqwest::Method::POST, &link)
        .header("content-type", "application/json")
        .body(r#"{"decision":"decline"}"#)
        .send()
        .await
        .unwrap();
    assert_problem(again, StatusCode::GONE, None).await;
}

#[tokio::test]
async fn declining_by_json_is_recorded_and_expired_or_unknown_links_are_refused() {
    let smtp = TestSmtp::start();
    let app = spawn_app_with(Options {
        demo: true,
        env: vec![("CONVENE_SMTP_URL", smtp.url())],
        ..Options::default()
    })
    .await;
    let (session, participant) = soyer_with_email(&app).await;
    invite(&app, session, participant).await;
    invite(&app, session, participant).await;
    app.dispatch_all_pending_emails().await;
    // In the order they were sent (delivery may reorder them): each re-invitation is a newer
    // version of the speaker's entry.
    let mut mails = smtp.messages_to("tunc.soyer@example.org");
    mails.sort_by_key(|m| {
        calendar_lines(m).iter().find_map(|l| {
            l.strip_prefix("SEQUENCE:")
                .and_then(|n| n.parse::<u32>().ok())
        })
    });
    let (first, second) = (answer_link(&mails[0]), answer_link(&mails[1]));

    // The re-invitation retired the first email's link: it cannot overwrite the newer answer.
    let retired = app
        .request(reqwest::Method::POST, &first)
        .json(&json!({"decision": "confirm"}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(retired, StatusCode::GONE, None).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("newer invitation")
    );
    let page = app
        .request(reqwest::Method::GET, &first)
        .header("accept", "text/html")
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::GONE);
    let page = page.text().await.unwrap();
    assert!(page.contains("most recent email"), "{page}");

    let declined = app
        .request(reqwest::Method::POST, &second)
        .json(&json!({"decision": "decline", "note": "Conseil municipal ce jour-là"}))
        .send()
        .await
        .unwrap();
    assert_eq!(declined.status(), StatusCode::OK);
    assert_eq!(body(declined).await["status"], "declined");
    // Their tentative slot leaves their calendar, marked declined, one SEQUENCE higher.
    app.dispatch_all_pending_emails().await;
    let withdrawn = smtp
        .messages_to("tunc.soyer@example.org")
        .into_iter()
        .find(|m| calendar_lines(m).iter().any(|l| l == "METHOD:CANCEL"))
        .expect("the slot is withdrawn from the speaker's calendar");
    let lines = calendar_lines(&withdrawn);
    assert!(lines.iter().any(|l| l == "SEQUENCE:2"), "{lines:?}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("ATTENDEE") && l.contains("PARTSTAT=DECLINED")),
        "{lines:?}"
    );
    assert!(
        withdrawn
            .parsed()
            .subject()
            .unwrap()
            .starts_with("Décliné : ")
    );
    let conflicts = success(
        app.get_as(&app.admin_token, "/api/v1/events/izmir-2021/conflicts")
            .await,
    )
    .await;
    assert_eq!(conflicts["conflicts"][0]["kind"], "declined_still_listed");

    invite(&app, session, participant).await;
    app.dispatch_all_pending_emails().await;
    let third = smtp
        .messages_to("tunc.soyer@example.org")
        .iter()
        .find(|m| calendar_lines(m).iter().any(|l| l == "SEQUENCE:3"))
        .map(answer_link)
        .expect("the third invitation");
    app.clock.advance(chrono::Duration::days(31));
    let expired = assert_problem(app.get(&third).await, StatusCode::GONE, None).await;
    assert!(expired["detail"].as_str().unwrap().contains("expired"));
    assert_problem(
        app.get("/speak/not-a-real-token").await,
        StatusCode::NOT_FOUND,
        None,
    )
    .await;
    let bad = app
        .request(reqwest::Method::POST, &third)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("decision=maybe")
        .send()
        .await
        .unwrap();
    assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, Some("decision")).await;
}

#[tokio::test]
async fn a_speaker_without_email_cannot_be_invited_and_only_organisers_invite() {
    let app = spawn_demo().await;
    let sessions = success(app.get("/api/v1/events/izmir-2021/sessions").await).await;
    let session = sessions["items"][0]["id"].as_i64().unwrap();
    let participant = sessions["items"][0]["participants"][0]["id"]
        .as_i64()
        .unwrap();
    let path =
        format!("/api/v1/events/izmir-2021/sessions/{session}/participants/{participant}/invite");
    assert_problem(
        app.post_json(&path, None, json!({})).await,
        StatusCode::UNAUTHORIZED,
        None,
    )
    .await;
    assert_problem(
        app.post_json(&path, Some(&app.admin_token), json!({}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("speaker_id"),
    )
    .await;
}
