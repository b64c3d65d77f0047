//! How many emails a registrant gets, and what each carries: one calendar invitation per
//! session by default (the summary only when it tells something they do not), or one email with
//! the calendar subscription; a cancellation says so once besides the CANCELs; a registrant's own
//! entry only ever moves to a higher SEQUENCE.

use crate::common;

use common::smtp::{Received, TestSmtp};
use common::*;
use mail_parser::MimeHeaders;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn app_with_smtp(smtp: &TestSmtp) -> TestApp {
    spawn_app_with(Options {
        demo: true,
        env: vec![("CONVENE_SMTP_URL", smtp.url())],
        ..Options::default()
    })
    .await
}

async fn register(app: &TestApp, email: &str, attendance: &str, single: bool) -> Value {
    let response = app
        .post_json(
            "/api/v1/events/izmir-2021/registrations",
            None,
            json!({"name": "Meryem Demir", "email": email, "attendance": attendance, "language": "en",
                   "timezone": "Europe/Istanbul", "single_email": single}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    body(response).await
}

fn token_of(registration: &Value) -> String {
    registration["manage_url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned()
}

fn calendar(message: &Received) -> Option<(String, String)> {
    let parsed = message.parsed();
    let part = parsed
        .parts
        .iter()
        .find(|p| p.is_content_type("text", "calendar"))?;
    let method = part.content_type()?.attribute("method")?.to_owned();
    Some((
        method,
        String::from_utf8_lossy(part.contents()).replace("\r\n ", ""),
    ))
}

fn sequence_of(ics: &str) -> u32 {
    ics.lines()
        .find_map(|l| l.strip_prefix("SEQUENCE:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

fn uid_of(ics: &str) -> String {
    ics.lines()
        .find_map(|l| l.strip_prefix("UID:"))
        .unwrap()
        .trim()
        .to_owned()
}

#[tokio::test]
async fn the_izmir_counts_at_registration_and_at_cancellation() {
    let smtp = TestSmtp::start();
    let app = app_with_smtp(&smtp).await;

    // Default: one iTIP REQUEST per session and nothing else (every seat is confirmed, and each
    // invitation carries the registration page's link). Before: 9 (a summary besides).
    let on_site = register(&app, "on.site@example.org", "on_site", false).await;
    assert_eq!(on_site["sessions"].as_array().unwrap().len(), 8);
    app.dispatch_all_pending_emails().await;
    let at_registration = smtp.messages_to("on.site@example.org");
    assert_eq!(at_registration.len(), 8);
    assert!(
        at_registration
            .iter()
            .all(|m| calendar(m).is_some_and(|(method, _)| method == "REQUEST"))
    );
    let manage = on_site["manage_url"].as_str().unwrap();
    assert!(
        at_registration
            .iter()
            .all(|m| m.parsed().body_text(0).unwrap().contains(manage)),
        "every invitation carries the registration page"
    );

    // Cancelling: the 8 CANCELs its calendar needs, and one email saying so. Before: 8.
    let cancelled = app
        .delete(
            &format!("/api/v1/registrations/{}", token_of(&on_site)),
            None,
        )
        .await;
    assert_eq!(cancelled.status(), StatusCode::OK);
    app.dispatch_all_pending_emails().await;
    let at_cancellation: Vec<Received> = smtp.messages_to("on.site@example.org")[8..].to_vec();
    assert_eq!(at_cancellation.len(), 9);
    assert_eq!(
        at_cancellation
            .iter()
            .filter(|m| calendar(m).is_some_and(|(method, _)| method == "CANCEL"))
            .count(),
        8
    );
    let said = at_cancellation
        .iter()
        .find(|m| calendar(m).is_none())
        .expect("the email saying the registration is cancelled");
    assert!(
        said.parsed()
            .subject()
            .unwrap()
            .starts_with("Registration cancelled: "),
        "{:?}",
        said.parsed().subject()
    );

    // One email instead: the sessions and the subscription, no calendar part; cancelling: one.
    let single = register(&app, "one.email@example.org", "on_site", true).await;
    app.dispatch_all_pending_emails().await;
    let received = smtp.messages_to("one.email@example.org");
    assert_eq!(received.len(), 1);
    let text = received[0].parsed().body_text(0).unwrap().into_owned();
    assert!(calendar(&received[0]).is_none());
    assert!(
        text.contains(single["feed_url"].as_str().unwrap()),
        "{text}"
    );
    assert!(
        text.contains("Séance plénière sur les droits humains"),
        "{text}"
    );
    assert!(
        text.contains("Friday 10 December 2021"),
        "dated times: {text}"
    );
    app.delete(
        &format!("/api/v1/registrations/{}", token_of(&single)),
        None,
    )
    .await;
    app.dispatch_all_pending_emails().await;
    assert_eq!(smtp.messages_to("one.email@example.org").len(), 2);

    // A waitlisted seat is something the invitations do not say: then the summary goes too.
    let sessions = success(app.get("/api/v1/events/izmir-2021/sessions").await).await;
    let recital = sessions["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["title"].as_str().unwrap().starts_with("Récital"))
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        app.patch_json(
            &format!("/api/v1/events/izmir-2021/sessions/{recital}"),
            Some(&app.admin_token),
            json!({"capacity": 1}),
        )
        .await
        .status(),
        StatusCode::OK
    );
    app.publish_sessions("izmir-2021", &[recital]).await;
    register(&app, "first@example.org", "on_site", false).await;
    register(&app, "second@example.org", "on_site", false).await;
    app.dispatch_all_pending_emails().await;
    assert_eq!(smtp.messages_to("first@example.org").len(), 8);
    let second = smtp.messages_to("second@example.org");
    assert_eq!(
        second.len(),
        7 + 1,
        "7 invitations and the summary with the waitlist"
    );
    assert!(
        second
            .iter()
            .any(|m| m.parsed().body_text(0).unwrap().contains("waitlisted"))
    );
}

#[tokio::test]
async fn switching_to_one_email_withdraws_the_entries_and_back_sends_them_again() {
    let smtp = TestSmtp::start();
    let app = app_with_smtp(&smtp).await;
    let registration = register(&app, "switch@example.org", "virtual", false).await;
    let token = token_of(&registration);
    app.dispatch_all_pending_emails().await;
    let first = smtp.messages_to("switch@example.org");
    assert_eq!(first.len(), 5);
    let (_, ics) = calendar(&first[0]).unwrap();
    let (uid, requested) = (uid_of(&ics), sequence_of(&ics));

    // On their page: one email from now on.
    let page = app
        .request(reqwest::Method::POST, &format!("/r/{token}/update"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "attendance=virtual&delivery=single&{}",
            registration["sessions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| format!("session_ids={}", s["session_id"]))
                .collect::<Vec<_>>()
                .join("&")
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(
        page.status(),
        StatusCode::SEE_OTHER,
        "{}",
        page.text().await.unwrap()
    );
    let view = success(app.get(&format!("/api/v1/registrations/{token}")).await).await;
    assert_eq!(view["single_email"], true);
    app.dispatch_all_pending_emails().await;
    let after = smtp.messages_to("switch@example.org")[5..].to_vec();
    assert_eq!(
        after.len(),
        6,
        "5 CANCELs and the email with the subscription"
    );
    let cancel = after
        .iter()
        .filter_map(calendar)
        .find(|(_, ics)| uid_of(ics) == uid)
        .unwrap();
    assert_eq!(cancel.0, "CANCEL");
    assert!(sequence_of(&cancel.1) > requested);
    let withdrawn = sequence_of(&cancel.1);

    // And back: each session is sent again, newer than the CANCEL.
    let response = app
        .patch_json(
            &format!("/api/v1/registrations/{token}"),
            None,
            json!({"single_email": false}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    app.dispatch_all_pending_emails().await;
    let again = smtp.messages_to("switch@example.org")[11..].to_vec();
    assert_eq!(again.len(), 5);
    let request = again
        .iter()
        .filter_map(calendar)
        .find(|(_, ics)| uid_of(ics) == uid)
        .unwrap();
    assert_eq!(request.0, "REQUEST");
    assert!(sequence_of(&request.1) > withdrawn);
}

#[tokio::test]
async fn a_registrants_own_cancellation_is_newer_than_their_invitation_and_a_later_update_newer_still()
 {
    let smtp = TestSmtp::start();
    let app = app_with_smtp(&smtp).await;
    let registration = register(&app, "seq@example.org", "virtual", false).await;
    let token = token_of(&registration);
    app.dispatch_all_pending_emails().await;
    let invitation = smtp.messages_to("seq@example.org")[0].clone();
    let (_, ics) = calendar(&invitation).unwrap();
    let uid = uid_of(&ics);
    let session: i64 = uid
        .trim_start_matches("session-")
        .split('@')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let requested = sequence_of(&ics);

    // Dropping that one session: its CANCEL is one above.
    let others: Vec<i64> = registration["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["session_id"].as_i64().unwrap())
        .filter(|id| *id != session)
        .collect();
    let changed = app
        .patch_json(
            &format!("/api/v1/registrations/{token}"),
            None,
            json!({"session_ids": others}),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    app.dispatch_all_pending_emails().await;
    let (method, cancel) = calendar(smtp.messages_to("seq@example.org").last().unwrap()).unwrap();
    assert_eq!((method.as_str(), uid_of(&cancel)), ("CANCEL", uid.clone()));
    assert_eq!(sequence_of(&cancel), requested + 1);

    // Taking it again: a REQUEST above the CANCEL.
    let mut all = others.clone();
    all.push(session);
    app.patch_json(
        &format!("/api/v1/registrations/{token}"),
        None,
        json!({"session_ids": all}),
    )
    .await;
    app.dispatch_all_pending_emails().await;
    let (method, request) = calendar(smtp.messages_to("seq@example.org").last().unwrap()).unwrap();
    assert_eq!(method, "REQUEST");
    assert_eq!(sequence_of(&request), requested + 2);

    // The organisers move the session: the update is newer again for this registrant.
    app.patch_json(
        &format!("/api/v1/events/izmir-2021/sessions/{session}"),
        Some(&app.admin_token),
        json!({"title": "Dialogue des maires (nouveau titre)"}),
    )
    .await;
    app.publish_sessions("izmir-2021", &[session]).await;
    app.dispatch_all_pending_emails().await;
    let (method, update) = calendar(smtp.messages_to("seq@example.org").last().unwrap()).unwrap();
    assert_eq!(method, "REQUEST");
    assert!(sequence_of(&update) > requested + 2, "{update}");
}
