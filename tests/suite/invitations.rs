//! Calendar invitations end to end: registration → outbox → real SMTP → MIME and iCalendar as
//! calendar clients read them; updates, cancellations, faults, feeds.

use crate::common;

use common::smtp::{Received, TestSmtp};
use common::*;
use mail_parser::MimeHeaders;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn app_with_smtp(smtp_url: String) -> TestApp {
    spawn_app_with(Options {
        demo: true,
        env: vec![("CONVENE_SMTP_URL", smtp_url)],
        ..Options::default()
    })
    .await
}

fn calendar_of(message: &Received) -> (String, String) {
    let parsed = message.parsed();
    let part = parsed
        .parts
        .iter()
        .find(|p| {
            p.content_type()
                .is_some_and(|c| c.ctype() == "text" && c.subtype() == Some("calendar"))
        })
        .expect("a text/calendar part");
    let method = part
        .content_type()
        .and_then(|c| c.attribute("method"))
        .unwrap_or_default()
        .to_owned();
    let text = String::from_utf8(part.contents().to_vec()).unwrap();
    (method, text.replace("\r\n ", ""))
}

fn line<'a>(calendar: &'a str, name: &str) -> &'a str {
    calendar
        .lines()
        .find(|l| l.starts_with(name))
        .unwrap_or_else(|| panic!("no {name} in {calendar}"))
}

async fn register(
    app: &TestApp,
    email: &str,
    attendance: &str,
    lang: &str,
    timezone: &str,
) -> Value {
    let payload = json!({"name": "Ülaş Bayraktar-Soyer", "email": email, "organisation": "Kültürhane", "city": "Mersin", "country": "Türkiye",
                         "attendance": attendance, "language": lang, "timezone": timezone});
    let response = app
        .post_json("/api/v1/events/izmir-2021/registrations", None, payload)
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    body(response).await
}

#[tokio::test]
async fn an_attendee_receives_real_calendar_invitations_over_smtp() {
    let smtp = TestSmtp::start();
    let app = app_with_smtp(smtp.url()).await;
    let registration = register(&app, "ulas@example.org", "virtual", "fr", "America/Toronto").await;
    assert_eq!(
        registration["sessions"].as_array().unwrap().len(),
        5,
        "the five online sessions"
    );
    assert!(
        registration["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["status"] == "confirmed")
    );
    let report = app.dispatch_all_pending_emails().await;
    assert_eq!(
        report.sent, 5,
        "one invitation per session, and no summary: every seat is confirmed"
    );
    let received = smtp.messages_to("ulas@example.org");
    assert_eq!(received.len(), 5);

    let invitation = received
        .iter()
        .find(|m| {
            m.parsed()
                .subject()
                .unwrap_or_default()
                .contains("Dialogue des maires")
        })
        .expect("the first dialogue");
    let parsed = invitation.parsed();
    assert!(
        parsed
            .subject()
            .unwrap()
            .starts_with("Invitation : Dialogue des maires")
    );
    assert!(
        parsed
            .subject()
            .unwrap()
            .contains("mardi 7 décembre 2021, 8h EST"),
        "{:?}",
        parsed.subject()
    );
    let to = parsed.to().unwrap().first().unwrap();
    assert_eq!(to.name(), Some("Ülaş Bayraktar-Soyer"));
    let raw = String::from_utf8_lossy(&invitation.data);
    assert!(
        raw.contains("To: =?utf-8?"),
        "non-ASCII names are encoded in headers"
    );

    // multipart/mixed { multipart/alternative { text/plain, text/html, text/calendar }, invite.ics }
    let root = parsed.root_part().content_type().unwrap();
    assert_eq!((root.ctype(), root.subtype()), ("multipart", Some("mixed")));
    let types: Vec<String> = parsed
        .parts
        .iter()
        .filter_map(|p| p.content_type())
        .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or("")))
        .collect();
    assert_eq!(
        types,
        [
            "multipart/mixed",
            "multipart/alternative",
            "text/plain",
            "text/html",
            "text/calendar",
            "application/ics"
        ]
    );
    assert!(
        parsed
            .attachments()
            .any(|a| a.attachment_name() == Some("invite.ics"))
    );
    assert!(
        parsed
            .body_text(0)
            .unwrap()
            .contains("Heure pour vous : mardi 7 décembre 2021, 8h-9h30 EST (UTC-5)"),
        "the date once, then the span: {:?}",
        parsed.body_text(0)
    );
    assert!(
        parsed
            .body_text(0)
            .unwrap()
            .contains("Izmir: mardi 7 décembre 2021, 16h-17h30 TRT (UTC+3)")
    );

    let (method, calendar) = calendar_of(invitation);
    assert_eq!(method, "REQUEST");
    let sessions = success(app.get("/api/v1/events/izmir-2021/sessions").await).await;
    let id = sessions["items"][0]["id"].as_i64().unwrap();
    assert!(calendar.contains("METHOD:REQUEST\r\n"));
    assert_eq!(
        line(&calendar, "UID:"),
        format!("UID:session-{id}@convene.test")
    );
    assert_eq!(line(&calendar, "SEQUENCE:"), "SEQUENCE:0");
    assert_eq!(line(&calendar, "DTSTART"), "DTSTART:20211207T130000Z");
    assert_eq!(line(&calendar, "DTEND"), "DTEND:20211207T143000Z");
    assert_eq!(line(&calendar, "STATUS:"), "STATUS:CONFIRMED");
    assert!(line(&calendar, "ORGANIZER").contains("CN=Municipalité Métropolitaine d'Izmir"));
    let attendee = line(&calendar, "ATTENDEE");
    assert!(
        attendee.contains("RSVP=FALSE")
            && attendee.contains("PARTSTAT=ACCEPTED")
            && attendee.contains("mailto:ulas@example.org"),
        "{attendee}"
    );
    assert!(
        line(&calendar, "CONFERENCE")
            .ends_with("https://meet.example.org/izmir-2021/dialogue-des-maires")
    );
    assert!(line(&calendar, "DESCRIPTION").contains("Bienvenue et ouverture:\\n- M. Tunç Soyer"));
}

#[tokio::test]
async fn moving_a_session_sends_exactly_one_update_and_a_no_op_save_none() {
    let smtp = TestSmtp::start();
    let app = app_with_smtp(smtp.url()).await;
    register(&app, "a@example.org", "virtual", "en", "Europe/Paris").await;
    register(&app, "b@example.org", "virtual", "fr", "Asia/Tokyo").await;
    app.dispatch_all_pending_emails().await;
    let before = smtp.messages().len();

    let sessions = success(app.get("/api/v1/events/izmir-2021/sessions").await).await;
    let id = sessions["items"][2]["id"].as_i64().unwrap();
    let path = format!("/api/v1/events/izmir-2021/sessions/{id}");
    let moved = app
        .patch_json(
            &path,
            Some(&app.admin_token),
            json!({"starts_at": "2021-12-08T16:30", "ends_at": "2021-12-08T18:00"}),
        )
        .await;
    assert_eq!(moved.status(), StatusCode::OK);
    app.dispatch_all_pending_emails().await;
    assert_eq!(smtp.messages().len(), before, "staged: nobody told yet");
    app.publish_sessions("izmir-2021", &[id]).await;
    assert_eq!(success(app.get(&path).await).await["revision"], 1);
    app.dispatch_all_pending_emails().await;
    let updates: Vec<Received> = smtp.messages()[before..].to_vec();
    assert_eq!(updates.len(), 2, "one update per recipient");
    let to_a = updates.iter().find(|m| m.to[0] == "a@example.org").unwrap();
    assert!(
        to_a.parsed()
            .subject()
            .unwrap()
            .starts_with("Updated (time): Atelier thématique 1"),
        "{:?}",
        to_a.parsed().subject()
    );
    let (method, calendar) = calendar_of(to_a);
    assert_eq!(method, "REQUEST");
    assert_eq!(line(&calendar, "SEQUENCE:"), "SEQUENCE:1");
    assert_eq!(
        line(&calendar, "UID:"),
        format!("UID:session-{id}@convene.test")
    );
    assert_eq!(line(&calendar, "DTSTART"), "DTSTART:20211208T133000Z");
    let to_b = updates.iter().find(|m| m.to[0] == "b@example.org").unwrap();
    assert!(
        to_b.parsed()
            .subject()
            .unwrap()
            .starts_with("Modifié (horaire) : Atelier")
    );

    // Saving the same values changes nothing and sends nothing.
    let same = app
        .patch_json(
            &path,
            Some(&app.admin_token),
            json!({"starts_at": "2021-12-08T16:30"}),
        )
        .await;
    assert_eq!(body(same).await["unpublished_changes"], false);
    app.publish_sessions("izmir-2021", &[id]).await;
    assert_eq!(success(app.get(&path).await).await["revision"], 1);
    assert_eq!(app.dispatch_all_pending_emails().await.sent, 0);

    // Cancelling sends METHOD:CANCEL with the same UID and a higher SEQUENCE.
    let cancelled = app
        .patch_json(
            &path,
            Some(&app.admin_token),
            json!({"status": "cancelled"}),
        )
        .await;
    assert_eq!(body(cancelled).await["status"], "cancelled");
    app.publish_sessions("izmir-2021", &[id]).await;
    assert_eq!(success(app.get(&path).await).await["revision"], 2);
    app.dispatch_all_pending_emails().await;
    let cancels: Vec<Received> = smtp.messages()[before + 2..].to_vec();
    assert_eq!(cancels.len(), 2);
    let (method, calendar) = calendar_of(&cancels[0]);
    assert_eq!(method, "CANCEL");
    assert!(
        calendar.contains("METHOD:CANCEL\r\n")
            && calendar.contains("STATUS:CANCELLED\r\n")
            && calendar.contains("SEQUENCE:2\r\n")
    );
}

#[tokio::test]
async fn a_registrant_who_cancels_gets_cancellations_for_each_session() {
    let smtp = TestSmtp::start();
    let app = app_with_smtp(smtp.url()).await;
    let registration = register(&app, "c@example.org", "virtual", "en", "Europe/London").await;
    app.dispatch_all_pending_emails().await;
    let manage = registration["manage_url"].as_str().unwrap();
    let token = manage.rsplit('/').next().unwrap();
    let cancelled = app
        .delete(&format!("/api/v1/registrations/{token}"), None)
        .await;
    assert_eq!(cancelled.status(), StatusCode::OK);
    let view = body(cancelled).await;
    assert_eq!(view["status"], "cancelled");
    app.dispatch_all_pending_emails().await;
    let cancels: Vec<Received> = smtp
        .messages_to("c@example.org")
        .into_iter()
        .filter(|m| calendar_of_opt(m).is_some_and(|(method, _)| method == "CANCEL"))
        .collect();
    assert_eq!(cancels.len(), 5);
}

fn calendar_of_opt(message: &Received) -> Option<(String, String)> {
    let parsed = message.parsed();
    parsed
        .parts
        .iter()
        .any(|p| {
            p.content_type()
                .is_some_and(|c| c.subtype() == Some("calendar"))
        })
        .then(|| calendar_of(message))
}

#[tokio::test]
async fn invitations_queued_while_the_mail_server_is_down_are_delivered_once_it_is_back() {
    let port = TestSmtp::unused_port();
    let app = app_with_smtp(format!("smtp://127.0.0.1:{port}")).await;
    register(&app, "d@example.org", "virtual", "en", "Europe/Paris").await;
    register(&app, "e@example.org", "virtual", "en", "Europe/Paris").await;
    let report = app.dispatch_all_pending_emails().await;
    assert_eq!((report.sent, report.retrying), (0, 10));
    let queue = success(
        app.get_as(&app.admin_token, "/api/v1/events/izmir-2021/outbox")
            .await,
    )
    .await;
    assert_eq!(queue["pending"], 10);
    assert!(queue["failures"][0]["last_error"].as_str().is_some());

    let smtp = TestSmtp::start_on(port);
    // Not due yet: the backoff holds them back.
    assert_eq!(app.dispatch_all_pending_emails().await.sent, 0);
    app.clock.advance(chrono::Duration::seconds(11));
    assert_eq!(app.dispatch_all_pending_emails().await.sent, 10);
    app.clock.advance(chrono::Duration::hours(2));
    assert_eq!(
        app.dispatch_all_pending_emails().await.sent,
        0,
        "nothing is sent twice"
    );
    assert_eq!(smtp.messages().len(), 10);
    let mut keys: Vec<(String, String)> = smtp
        .messages()
        .iter()
        .map(|m| (m.to[0].clone(), m.parsed().subject().unwrap().to_owned()))
        .collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 10, "no duplicate");
}

#[tokio::test]
async fn a_recipient_the_server_refuses_is_dead_lettered_and_others_are_unaffected() {
    let smtp = TestSmtp::start();
    smtp.refuse("nobody@example.org");
    let app = app_with_smtp(smtp.url()).await;
    register(&app, "nobody@example.org", "virtual", "en", "Europe/Paris").await;
    register(&app, "f@example.org", "virtual", "en", "Europe/Paris").await;
    let report = app.dispatch_all_pending_emails().await;
    assert_eq!((report.sent, report.dead), (5, 5));
    assert_eq!(smtp.messages_to("f@example.org").len(), 5);
    let queue = success(
        app.get_as(&app.admin_token, "/api/v1/events/izmir-2021/outbox")
            .await,
    )
    .await;
    assert_eq!(
        (queue["sent"].as_u64(), queue["dead"].as_u64()),
        (Some(5), Some(5))
    );
    let failure = &queue["failures"][0];
    assert_eq!(failure["recipient"], "nobody@example.org");
    assert!(
        failure["last_error"]
            .as_str()
            .unwrap()
            .contains("mailbox unavailable"),
        "{failure}"
    );

    let retried = success(
        app.post_json(
            "/api/v1/events/izmir-2021/outbox/retry",
            Some(&app.admin_token),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(retried["requeued"], 5);
    assert_eq!(
        app.dispatch_all_pending_emails().await.dead,
        5,
        "still refused"
    );
}

#[tokio::test]
async fn feeds_publish_the_programme_and_personal_agendas() {
    let app = spawn_demo().await;
    let response = app.get("/api/v1/events/izmir-2021/calendar.ics").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let feed = response.text().await.unwrap().replace("\r\n ", "");
    assert!(feed.contains("METHOD:PUBLISH\r\n"));
    assert_eq!(feed.matches("BEGIN:VEVENT").count(), 8);
    assert!(
        !feed.contains("meet.example.org"),
        "the public feed has no meeting links"
    );
    assert!(feed.contains("LOCATION:Salle plénière\\, Izmir"));

    let sessions = success(app.get("/api/v1/events/izmir-2021/sessions").await).await;
    let id = sessions["items"][0]["id"].as_i64().unwrap();
    let one = app
        .get(&format!(
            "/api/v1/events/izmir-2021/sessions/{id}/calendar.ics"
        ))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(one.matches("BEGIN:VEVENT").count(), 1);

    let registration = register(&app, "g@example.org", "virtual", "fr", "Europe/Paris").await;
    let feed_url = registration["feed_url"].as_str().unwrap();
    let path = feed_url.strip_prefix("http://convene.test").unwrap();
    let personal = app
        .get(path)
        .await
        .text()
        .await
        .unwrap()
        .replace("\r\n ", "");
    assert_eq!(personal.matches("BEGIN:VEVENT").count(), 5);
    assert!(
        personal.contains("CONFERENCE"),
        "a confirmed registrant's feed carries the links"
    );
    assert_eq!(
        app.get("/api/v1/feeds/not-a-real-token-but-long-enough-to-look-like-one.ics")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // A speaker's feed: their slots, with links; only organisers see where it is.
    let speakers = success(
        app.get_as(&app.admin_token, "/api/v1/events/izmir-2021/speakers")
            .await,
    )
    .await;
    let soyer = speakers["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Tunç Soyer")
        .unwrap()
        .clone();
    let public = success(app.get("/api/v1/events/izmir-2021/speakers").await).await;
    assert!(public["items"][0].get("feed_path").is_none());
    let agenda = app
        .get(soyer["feed_path"].as_str().unwrap())
        .await
        .text()
        .await
        .unwrap()
        .replace("\r\n ", "");
    assert_eq!(
        agenda.matches("BEGIN:VEVENT").count(),
        2,
        "the opening dialogue and the closing panel"
    );
    assert!(agenda.contains("CONFERENCE"));
}
