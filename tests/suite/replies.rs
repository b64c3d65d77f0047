//! Calendar replies read back: replies shaped like Google Calendar's, Outlook's, Apple
//! Calendar's and Thunderbird's (`tests/fixtures/imip/`), answering the invitations Convene really
//! sent, delivered through the built-in SMTP receiver and through `POST /api/v1/inbound/email`,
//! with CRLF and with bare-LF line endings; forged, stale and unrelated replies refused with
//! their reason and nothing changed.

use crate::common;

use base64::Engine;
use common::smtp::{Received, TestSmtp};
use common::*;
use lettre::AsyncTransport;
use reqwest::StatusCode;
use serde_json::{Value, json};

pub(crate) const SECRET: &str = "inbound-secret-for-tests-0123456789abcdef";

#[derive(Clone, Copy, Debug)]
pub(crate) enum Client {
    Google,
    Outlook,
    Apple,
    Thunderbird,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Way {
    Smtp,
    Http,
}

/// What a reply says, filled into a client's template.
pub(crate) struct Answer<'a> {
    pub(crate) from_name: &'a str,
    pub(crate) from: &'a str,
    pub(crate) attendee: &'a str,
    pub(crate) organizer: &'a str,
    pub(crate) uid: &'a str,
    pub(crate) sequence: u32,
    pub(crate) partstat: &'a str,
}

fn fill(template: &str, answer: &Answer) -> String {
    template
        .replace("{FROM_NAME}", answer.from_name)
        .replace("{FROM}", answer.from)
        .replace("{ATTENDEE}", answer.attendee)
        .replace("{ORGANIZER}", answer.organizer)
        .replace("{UID}", answer.uid)
        .replace("{SEQUENCE}", &answer.sequence.to_string())
        .replace("{PARTSTAT}", answer.partstat)
        .replace("{MESSAGE_ID}", &uuid::Uuid::new_v4().simple().to_string())
}

fn base64_lines(text: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    encoded
        .as_bytes()
        .chunks(76)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Quoted-printable as Apple Mail writes it: `=` and non-ASCII bytes escaped, soft line breaks
/// before 76 characters.
fn quoted_printable(text: &str) -> String {
    let mut out = Vec::new();
    for line in text.split('\n') {
        let mut current = String::new();
        for byte in line.bytes() {
            let piece = if byte == b'=' || byte >= 0x80 {
                format!("={byte:02X}")
            } else {
                (byte as char).to_string()
            };
            if current.len() + piece.len() > 75 {
                out.push(format!("{current}="));
                current.clear();
            }
            current.push_str(&piece);
        }
        out.push(current);
    }
    out.join("\n")
}

/// A reply as `client` would send it; `crlf: false` leaves bare line feeds.
pub(crate) fn reply(client: Client, answer: &Answer, crlf: bool) -> Vec<u8> {
    let (eml, ics) = match client {
        Client::Google => (
            include_str!("../fixtures/imip/google.eml"),
            include_str!("../fixtures/imip/google.ics"),
        ),
        Client::Outlook => (
            include_str!("../fixtures/imip/outlook.eml"),
            include_str!("../fixtures/imip/outlook.ics"),
        ),
        Client::Apple => (
            include_str!("../fixtures/imip/apple.eml"),
            include_str!("../fixtures/imip/apple.ics"),
        ),
        Client::Thunderbird => (
            include_str!("../fixtures/imip/thunderbird.eml"),
            include_str!("../fixtures/imip/thunderbird.ics"),
        ),
    };
    let calendar = fill(ics, answer);
    // Calendars are CRLF inside (RFC 5545) even where the message is not.
    let calendar_crlf = calendar.trim_end().replace('\n', "\r\n");
    let message = fill(eml, answer)
        .replace("{ICS_BASE64}", &base64_lines(&calendar_crlf))
        .replace("{ICS_QP}", &quoted_printable(calendar.trim_end()))
        .replace("{ICS}", calendar.trim_end());
    if crlf {
        message.replace('\n', "\r\n").into_bytes()
    } else {
        message.into_bytes()
    }
}

async fn app_receiving_replies(smtp: &TestSmtp, inbound_port: u16) -> TestApp {
    spawn_app_with(Options {
        demo: true,
        env: vec![
            ("CONVENE_SMTP_URL", smtp.url()),
            ("CONVENE_INBOUND_SECRET", SECRET.into()),
            (
                "CONVENE_INBOUND_SMTP_ADDR",
                format!("127.0.0.1:{inbound_port}"),
            ),
        ],
        ..Options::default()
    })
    .await
}

pub(crate) async fn post_reply(app: &TestApp, raw: Vec<u8>) -> Value {
    let response = app
        .request(reqwest::Method::POST, "/api/v1/inbound/email")
        .header("authorization", format!("Bearer {SECRET}"))
        .header("content-type", "message/rfc822")
        .body(raw)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    body(response).await
}

async fn smtp_reply(port: u16, from: &str, to: &str, raw: Vec<u8>) {
    let transport =
        lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::builder_dangerous("127.0.0.1")
            .port(port)
            .build();
    let envelope =
        lettre::address::Envelope::new(Some(from.parse().unwrap()), vec![to.parse().unwrap()])
            .unwrap();
    transport
        .send_raw(&envelope, &raw)
        .await
        .expect("the receiver takes the reply");
}

/// The unfolded calendar lines of an email Convene sent.
pub(crate) fn calendar_lines(message: &Received) -> Vec<String> {
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

pub(crate) fn value_of<'a>(lines: &'a [String], name: &str) -> &'a str {
    lines
        .iter()
        .find_map(|l| l.strip_prefix(&format!("{name}:")))
        .unwrap_or_else(|| panic!("no {name} in {lines:?}"))
}

pub(crate) fn organizer_of(lines: &[String]) -> String {
    let line = lines
        .iter()
        .find(|l| l.starts_with("ORGANIZER"))
        .expect("an ORGANIZER");
    line.rsplit_once("mailto:").unwrap().1.to_owned()
}

/// The demo's participants (session id, participant id, speaker id, speaker name), one per
/// speaker.
async fn speakers_of_demo(app: &TestApp, how_many: usize) -> Vec<(i64, i64, i64, String)> {
    let sessions = success(
        app.get_as(&app.admin_token, "/api/v1/events/izmir-2021/sessions")
            .await,
    )
    .await;
    let mut found: Vec<(i64, i64, i64, String)> = Vec::new();
    for session in sessions["items"].as_array().unwrap() {
        for participant in session["participants"].as_array().unwrap() {
            let speaker = participant["speaker_id"].as_i64().unwrap();
            if found.iter().any(|f| f.2 == speaker) {
                continue;
            }
            found.push((
                session["id"].as_i64().unwrap(),
                participant["id"].as_i64().unwrap(),
                speaker,
                participant["speaker"]["name"].as_str().unwrap().to_owned(),
            ));
        }
    }
    assert!(found.len() >= how_many, "the demo has enough speakers");
    found.truncate(how_many);
    found
}

/// Gives the speaker an address, invites them, delivers, and returns the invitation received.
async fn invited(
    app: &TestApp,
    smtp: &TestSmtp,
    (session, participant, speaker, _): &(i64, i64, i64, String),
    email: &str,
) -> Received {
    let updated = app
        .patch_json(
            &format!("/api/v1/events/izmir-2021/speakers/{speaker}"),
            Some(&app.admin_token),
            json!({"email": email, "language": "en"}),
        )
        .await;
    assert_eq!(updated.status(), StatusCode::OK);
    let invite = app
        .post_json(
            &format!(
                "/api/v1/events/izmir-2021/sessions/{session}/participants/{participant}/invite"
            ),
            Some(&app.admin_token),
            json!({}),
        )
        .await;
    assert_eq!(invite.status(), StatusCode::OK);
    app.dispatch_all_pending_emails().await;
    smtp.messages_to(email).pop().expect("the invitation")
}

async fn status_of(app: &TestApp, session: i64, participant: i64) -> String {
    let listed = success(
        app.get_as(
            &app.admin_token,
            &format!("/api/v1/events/izmir-2021/sessions/{session}/participants"),
        )
        .await,
    )
    .await;
    listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == participant)
        .expect("the participant")["status"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn replies_from_the_four_clients_answer_speakers_slots_through_both_ways_in() {
    let smtp = TestSmtp::start();
    let inbound = TestSmtp::unused_port();
    let app = app_receiving_replies(&smtp, inbound).await;
    let cases = [
        (Client::Google, Way::Smtp, true, "ACCEPTED"),
        (Client::Google, Way::Http, false, "DECLINED"),
        (Client::Outlook, Way::Http, true, "ACCEPTED"),
        (Client::Outlook, Way::Smtp, false, "DECLINED"),
        (Client::Apple, Way::Smtp, true, "DECLINED"),
        (Client::Apple, Way::Http, false, "ACCEPTED"),
        (Client::Thunderbird, Way::Http, true, "DECLINED"),
        (Client::Thunderbird, Way::Smtp, false, "ACCEPTED"),
    ];
    let speakers = speakers_of_demo(&app, cases.len()).await;
    for (n, ((client, way, crlf, partstat), speaker)) in cases.iter().zip(&speakers).enumerate() {
        let case = format!("{client:?} by {way:?}, crlf={crlf}, {partstat}");
        let email = format!("speaker{n}@example.org");
        let invitation = invited(&app, &smtp, speaker, &email).await;
        let sent = calendar_lines(&invitation);
        let sequence: u32 = value_of(&sent, "SEQUENCE").parse().unwrap();
        let answer = Answer {
            from_name: &speaker.3,
            from: &email,
            attendee: &email,
            organizer: &organizer_of(&sent),
            uid: value_of(&sent, "UID"),
            sequence,
            partstat,
        };
        let raw = reply(*client, &answer, *crlf);
        match way {
            Way::Http => {
                let receipt = post_reply(&app, raw).await;
                assert_eq!(receipt["outcome"], "applied", "{case}: {receipt}");
            }
            Way::Smtp => smtp_reply(inbound, &email, answer.organizer, raw).await,
        }
        let wanted = if *partstat == "ACCEPTED" {
            "confirmed"
        } else {
            "declined"
        };
        let (session, participant) = (speaker.0, speaker.1);
        eventually(&case, || async {
            status_of(&app, session, participant).await == wanted
        })
        .await;

        // Their own entry follows, one SEQUENCE up; the organisers are told where it came from.
        app.dispatch_all_pending_emails().await;
        let after = smtp.messages_to(&email).pop().unwrap();
        let lines = calendar_lines(&after);
        assert_eq!(
            value_of(&lines, "SEQUENCE"),
            (sequence + 1).to_string(),
            "{case}"
        );
        let attendee = lines.iter().find(|l| l.starts_with("ATTENDEE")).unwrap();
        if *partstat == "ACCEPTED" {
            assert!(lines.iter().any(|l| l == "METHOD:REQUEST"), "{case}");
            assert!(lines.iter().any(|l| l == "STATUS:CONFIRMED"), "{case}");
            assert!(attendee.contains("PARTSTAT=ACCEPTED"), "{case}: {attendee}");
        } else {
            assert!(lines.iter().any(|l| l == "METHOD:CANCEL"), "{case}");
            assert!(attendee.contains("PARTSTAT=DECLINED"), "{case}: {attendee}");
        }
        let notice = smtp
            .messages_to(answer.organizer)
            .into_iter()
            .rev()
            .find(|m| {
                m.parsed()
                    .subject()
                    .is_some_and(|s| s.starts_with(speaker.3.as_str()))
            })
            .unwrap_or_else(|| panic!("{case}: the organisers are told"));
        assert!(
            notice
                .parsed()
                .body_text(0)
                .unwrap()
                .contains("from their calendar"),
            "{case}"
        );
    }
    // Every reply is on record, applied, with the way it came.
    let replies = success(
        app.get_as(&app.admin_token, "/api/v1/events/izmir-2021/replies")
            .await,
    )
    .await;
    let items = replies["items"].as_array().unwrap();
    assert_eq!(items.len(), cases.len(), "{replies}");
    assert!(items.iter().all(|r| r["outcome"] == "applied"), "{replies}");
    assert_eq!(
        items.iter().filter(|r| r["channel"] == "smtp").count(),
        cases.iter().filter(|c| c.1 == Way::Smtp).count()
    );
}

#[tokio::test]
async fn forged_stale_and_unrelated_replies_change_nothing_and_are_recorded_with_their_reason() {
    let smtp = TestSmtp::start();
    let app = app_receiving_replies(&smtp, TestSmtp::unused_port()).await;
    let speaker = speakers_of_demo(&app, 1).await.remove(0);
    let email = "ana.lopes@example.org";
    let invitation = invited(&app, &smtp, &speaker, email).await;
    let sent = calendar_lines(&invitation);
    let organizer = organizer_of(&sent);
    let uid = value_of(&sent, "UID").to_owned();
    let genuine = |partstat: &'static str, sequence: u32| Answer {
        from_name: "Ana Lopes",
        from: email,
        attendee: email,
        organizer: &organizer,
        uid: &uid,
        sequence,
        partstat,
    };
    let emails_before = smtp.messages().len();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "sender_not_attendee",
            reply(
                Client::Google,
                &Answer {
                    from: "mallory@example.net",
                    ..genuine("DECLINED", 0)
                },
                true,
            ),
        ),
        (
            "unknown_attendee",
            reply(
                Client::Outlook,
                &Answer {
                    from: "mallory@example.net",
                    attendee: "mallory@example.net",
                    ..genuine("DECLINED", 0)
                },
                true,
            ),
        ),
        (
            "unknown_uid",
            reply(
                Client::Apple,
                &Answer {
                    uid: "slot-999999@convene.test",
                    ..genuine("DECLINED", 0)
                },
                true,
            ),
        ),
        (
            "unknown_uid",
            reply(
                Client::Thunderbird,
                &Answer {
                    uid: "abc-123@calendar.example.com",
                    ..genuine("DECLINED", 0)
                },
                true,
            ),
        ),
        (
            "not_a_reply",
            String::from_utf8(reply(Client::Google, &genuine("DECLINED", 0), true))
                .unwrap()
                .replace("METHOD:REPLY", "METHOD:REQUEST")
                .replace("method=REPLY", "method=REQUEST")
                .into_bytes(),
        ),
        (
            "no_calendar",
            format!("From: {email}\r\nTo: {organizer}\r\nSubject: Re: Invitation\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nI decline.\r\n").into_bytes(),
        ),
        ("not_an_email", Vec::new()),
    ];
    for (reason, raw) in cases {
        let receipt = post_reply(&app, raw).await;
        assert_eq!(
            (receipt["outcome"].as_str(), receipt["reason"].as_str()),
            (Some("refused"), Some(reason)),
            "{receipt}"
        );
    }
    assert_eq!(status_of(&app, speaker.0, speaker.1).await, "invited");
    app.dispatch_all_pending_emails().await;
    assert_eq!(smtp.messages().len(), emails_before, "nobody is emailed");

    // A genuine confirmation is applied; then a decline answering the older, tentative entry
    // (SEQUENCE 0, where the confirmed one is 1) is stale.
    let confirmed = post_reply(&app, reply(Client::Google, &genuine("ACCEPTED", 0), true)).await;
    assert_eq!(confirmed["reason"], "speaker_confirmed");
    let stale = post_reply(&app, reply(Client::Outlook, &genuine("DECLINED", 0), true)).await;
    assert_eq!(
        (stale["outcome"].as_str(), stale["reason"].as_str()),
        (Some("refused"), Some("stale_sequence")),
        "{stale}"
    );
    assert_eq!(status_of(&app, speaker.0, speaker.1).await, "confirmed");
    // The same confirmation twice changes nothing more.
    let again = post_reply(&app, reply(Client::Apple, &genuine("ACCEPTED", 1), true)).await;
    assert_eq!(
        (again["outcome"].as_str(), again["reason"].as_str()),
        (Some("unchanged"), Some("already_confirmed"))
    );

    let replies = success(
        app.get_as(&app.admin_token, "/api/v1/events/izmir-2021/replies")
            .await,
    )
    .await;
    let reasons: Vec<&str> = replies["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reason"].as_str().unwrap())
        .collect();
    // Replies about the event are listed with their reasons (an unknown UID names no event).
    for reason in [
        "sender_not_attendee",
        "unknown_attendee",
        "speaker_confirmed",
        "stale_sequence",
        "already_confirmed",
    ] {
        assert!(reasons.contains(&reason), "{reason} in {reasons:?}");
    }
}

#[tokio::test]
async fn an_attendee_who_declines_from_their_calendar_frees_their_seat_for_the_waitlist() {
    let smtp = TestSmtp::start();
    let app = app_receiving_replies(&smtp, TestSmtp::unused_port()).await;
    app.create("/api/v1/events", event_payload("sfax-2019"))
        .await;
    let room = app
        .create(
            "/api/v1/events/sfax-2019/rooms",
            json!({"name": "Welcome centre", "capacity": 200}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let session = app
        .create(
            "/api/v1/events/sfax-2019/sessions",
            json!({"title": "Study visit to the Sfax welcome centre", "kind": "study_visit", "starts_at": "2019-06-25T14:00", "ends_at": "2019-06-25T16:00",
                   "room_id": room, "capacity": 1, "status": "published"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    for who in ["amel", "karim"] {
        let response = app
            .post_json(
                "/api/v1/events/sfax-2019/registrations",
                None,
                json!({"name": who, "email": format!("{who}@example.org"), "attendance": "on_site", "language": "en"}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    app.dispatch_all_pending_emails().await;
    let invitation = smtp.messages_to("amel@example.org").pop().unwrap();
    let sent = calendar_lines(&invitation);
    let request_sequence: u32 = value_of(&sent, "SEQUENCE").parse().unwrap();
    let organizer = organizer_of(&sent);
    let receipt = post_reply(
        &app,
        reply(
            Client::Outlook,
            &Answer {
                from_name: "Amel",
                from: "amel@example.org",
                attendee: "amel@example.org",
                organizer: &organizer,
                uid: value_of(&sent, "UID"),
                sequence: request_sequence,
                partstat: "DECLINED",
            },
            true,
        ),
    )
    .await;
    assert_eq!(receipt["reason"], "seat_released", "{receipt}");
    app.dispatch_all_pending_emails().await;

    let report = success(
        app.get_as(&app.admin_token, "/api/v1/events/sfax-2019/attendance")
            .await,
    )
    .await;
    let counts = report["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["session_id"] == session)
        .unwrap()
        .clone();
    assert_eq!(counts["confirmed_on_site"], 1, "{report}");
    assert_eq!(counts["waitlisted"], 0, "{report}");
    // Karim has the seat; Amel's calendar drops the entry, with a SEQUENCE above the request.
    let promoted = smtp.messages_to("karim@example.org").pop().unwrap();
    assert!(
        calendar_lines(&promoted)
            .iter()
            .any(|l| l == "METHOD:REQUEST")
    );
    let cancel = smtp.messages_to("amel@example.org").pop().unwrap();
    let cancel = calendar_lines(&cancel);
    assert!(cancel.iter().any(|l| l == "METHOD:CANCEL"));
    assert!(value_of(&cancel, "SEQUENCE").parse::<u32>().unwrap() > request_sequence);
}

#[tokio::test]
async fn the_inbound_webhook_wants_its_secret_and_a_raw_message() {
    let smtp = TestSmtp::start();
    let app = app_receiving_replies(&smtp, TestSmtp::unused_port()).await;
    for (authorization, content_type, status) in [
        (None, "message/rfc822", StatusCode::UNAUTHORIZED),
        (
            Some("Bearer not-the-secret-not-the-secret-not-it"),
            "message/rfc822",
            StatusCode::UNAUTHORIZED,
        ),
        (
            Some(format!("Bearer {SECRET}").leak() as &str),
            "application/json",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
    ] {
        let mut request = app
            .request(reqwest::Method::POST, "/api/v1/inbound/email")
            .header("content-type", content_type)
            .body("From: a@b.org\r\n\r\nhello\r\n");
        if let Some(authorization) = authorization {
            request = request.header("authorization", authorization);
        }
        let response = request.send().await.unwrap();
        assert_problem(response, status, None).await;
    }
    // Without a configured secret the route does not exist.
    let closed = spawn_app().await;
    let response = closed
        .request(reqwest::Method::POST, "/api/v1/inbound/email")
        .header("authorization", format!("Bearer {SECRET}"))
        .header("content-type", "message/rfc822")
        .body("From: a@b.org\r\n\r\nhello\r\n")
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::NOT_FOUND, None).await;
}

#[tokio::test]
async fn the_console_board_shows_answers_by_link_and_from_the_calendar() {
    use crate::console::Browser;
    let smtp = TestSmtp::start();
    let inbound = TestSmtp::unused_port();
    let app = app_receiving_replies(&smtp, inbound).await;
    let speakers = speakers_of_demo(&app, 2).await;
    for (n, speaker) in speakers.iter().enumerate() {
        let updated = app
            .patch_json(
                &format!("/api/v1/events/izmir-2021/speakers/{}", speaker.2),
                Some(&app.admin_token),
                json!({"email": format!("board{n}@example.org"), "language": "en", "timezone": "America/Toronto"}),
            )
            .await;
        assert_eq!(updated.status(), StatusCode::OK);
        // The demo's speakers have all confirmed; these two are to be asked again.
        let reset = app
            .patch_json(
                &format!(
                    "/api/v1/events/izmir-2021/sessions/{}/participants/{}",
                    speaker.0, speaker.1
                ),
                Some(&app.admin_token),
                json!({"status": "proposed"}),
            )
            .await;
        assert_eq!(reset.status(), StatusCode::OK);
    }
    let browser = Browser::new(&app);
    browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;

    // The availability of the first, typed in Toronto time, is stored as Toronto time.
    let person = format!("/admin/events/izmir-2021/speakers/{}", speakers[0].2);
    let token = browser.token_from(&person).await;
    let saved = browser
        .post(
            &person,
            &[
                ("authenticity_token", &token),
                ("window_from", "2021-12-07T08:00"),
                ("window_until", "2021-12-07T12:00"),
                ("window_from", ""),
                ("window_until", ""),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let stored = success(
        app.get_as(
            &app.admin_token,
            &format!(
                "/api/v1/events/izmir-2021/speakers/{}/availability",
                speakers[0].2
            ),
        )
        .await,
    )
    .await;
    assert_eq!(stored["zone"], "America/Toronto");
    assert_eq!(stored["windows"][0]["starts_at"], "2021-12-07T13:00:00Z");

    // Invite everyone not yet invited, from the board.
    let token = browser
        .token_from("/admin/events/izmir-2021/speakers")
        .await;
    let round = browser
        .post(
            "/admin/events/izmir-2021/speakers/invite",
            &[("authenticity_token", &token), ("round", "invite")],
        )
        .await;
    assert_eq!(round.status(), StatusCode::OK);
    let page = round.text().await.unwrap();
    assert!(
        page.contains("Invitations sent") || page.contains("Invitations envoyées"),
        "{page}"
    );
    app.dispatch_all_pending_emails().await;

    // The first confirms through the emailed link, with a note; the second declines from their calendar.
    let first = smtp
        .messages_to("board0@example.org")
        .pop()
        .expect("an invitation");
    let text = first.parsed().body_text(0).unwrap().into_owned();
    let link = regex::Regex::new(r"http://convene\.test(/speak/[A-Za-z0-9_-]+)")
        .unwrap()
        .captures(&text)
        .expect("the answer link")[1]
        .to_owned();
    let answered = app
        .request(reqwest::Method::POST, &link)
        .form(&[
            ("decision", "confirm"),
            ("note", "Happy to open the session"),
        ])
        .send()
        .await
        .unwrap();
    assert!(answered.status().is_success(), "{}", answered.status());
    let second = smtp
        .messages_to("board1@example.org")
        .pop()
        .expect("an invitation");
    let sent = calendar_lines(&second);
    let answer = Answer {
        from_name: &speakers[1].3,
        from: "board1@example.org",
        attendee: "board1@example.org",
        organizer: &organizer_of(&sent),
        uid: value_of(&sent, "UID"),
        sequence: value_of(&sent, "SEQUENCE").parse().unwrap(),
        partstat: "DECLINED",
    };
    let receipt = post_reply(&app, reply(Client::Google, &answer, true)).await;
    assert_eq!(receipt["outcome"], "applied", "{receipt}");

    let board = browser
        .get("/admin/events/izmir-2021/speakers?lang=en")
        .await
        .text()
        .await
        .unwrap();
    let row_of = |name: &str| {
        board
            .split("<tr>")
            .find(|row| row.contains(name))
            .unwrap_or_else(|| panic!("{name} on the board:\n{board}"))
            .to_owned()
    };
    let confirmed = row_of(&speakers[0].3);
    assert!(
        confirmed.contains("answer-confirmed")
            && confirmed.contains("by their link")
            && confirmed.contains("Happy to open the session"),
        "{confirmed}"
    );
    let declined = row_of(&speakers[1].3);
    assert!(
        declined.contains("answer-declined") && declined.contains("from their calendar"),
        "{declined}"
    );
}
