//! The public pages in a real browser: Debian's headless Chromium driven by Playwright
//! (`tests/browser/e2e.mjs`), against the real app and a real SMTP server. Open the Izmir
//! programme, let the page detect the zone, switch to Tokyo, switch language, register on
//! site through the form, follow the management link from the email, cancel. Screenshots of
//! the programme (desktop and phone widths) land in `target/browser-artefacts/`.
//!
//! Needs `/usr/bin/chromium` (Debian package `chromium`) and `npm ci` in `tests/browser`;
//! `.ci/run` installs both and runs this with `cargo test --test browser -- --ignored`.

use crate::common;

use std::path::{Path, PathBuf};

use common::smtp::TestSmtp;
use common::*;
use reqwest::StatusCode;

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

async fn run_phase(phase: &str, target: &str, artefacts: &Path) {
    // Off the runtime's thread: the app under test is served by this same runtime.
    let mut command = std::process::Command::new("node");
    command
        .arg("e2e.mjs")
        .arg(phase)
        .arg(target)
        .arg(artefacts)
        .current_dir(browser_dir());
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("the node process was awaited")
        .expect("node runs (install Node.js, then `npm ci` in tests/browser)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "browser phase {phase} failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("all browser checks passed"), "{stdout}");
}

#[tokio::test]
#[ignore = "needs Chromium and Node.js; run by .ci/run with --ignored"]
async fn programme_zone_language_registration_and_cancellation_in_chromium() {
    assert!(
        Path::new("/usr/bin/chromium").exists() || std::env::var_os("CHROMIUM").is_some(),
        "Chromium is not installed: apt-get install chromium (or set CHROMIUM)"
    );
    assert!(
        browser_dir().join("node_modules/playwright-core").exists(),
        "run `npm ci` in tests/browser first"
    );
    let artefacts = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser-artefacts");
    std::fs::create_dir_all(&artefacts).expect("artefact folder");
    let smtp = TestSmtp::start();
    let app = spawn_app_with(Options {
        demo: true,
        env: vec![("CONVENE_SMTP_URL", smtp.url())],
        ..Options::default()
    })
    .await;

    run_phase("programme", &app.address, &artefacts).await;
    run_phase("docs", &app.address, &artefacts).await;
    for shot in ["programme-desktop.png", "programme-phone.png"] {
        let size = std::fs::metadata(artefacts.join(shot))
            .map(|m| m.len())
            .unwrap_or(0);
        assert!(size > 10_000, "screenshot {shot} missing or empty");
    }

    // Every invitation carries the registration page's link; follow it in the browser.
    app.dispatch_all_pending_emails().await;
    let manage_link = regex::Regex::new(r"http://convene\.test/r/([A-Za-z0-9_-]+)").unwrap();
    let invitations = smtp.messages_to("ulas@example.org");
    assert!(
        !invitations.is_empty(),
        "the registrant received their invitations"
    );
    let token = invitations
        .iter()
        .find_map(|m| {
            let text = m.parsed().body_text(0)?.into_owned();
            Some(manage_link.captures(&text)?[1].to_owned())
        })
        .expect("an invitation carries the registration page's link");
    let registration = success(app.get(&format!("/api/v1/registrations/{token}")).await).await;
    assert_eq!(registration["attendance"], "on_site");
    assert_eq!(registration["timezone"], "Asia/Tokyo");
    assert_eq!(registration["status"], "active");

    run_phase("manage", &format!("{}/r/{token}", app.address), &artefacts).await;

    let after = app.get(&format!("/api/v1/registrations/{token}")).await;
    assert_eq!(after.status(), StatusCode::OK);
    assert_eq!(body(after).await["status"], "cancelled");
    // The cancellation sent calendar cancellations for the confirmed seats.
    app.dispatch_all_pending_emails().await;
    let cancels = smtp
        .messages_to("ulas@example.org")
        .into_iter()
        .filter(|m| String::from_utf8_lossy(&m.data).contains("METHOD:CANCEL"))
        .count();
    assert!(cancels > 0, "calendar cancellations after cancelling");
}

/// Runs one phase of `tests/browser/console.mjs`; answers what it printed.
async fn run_console_phase(phase: &str, base: &str, path: &str, artefacts: &Path) -> String {
    let mut command = std::process::Command::new("node");
    command
        .arg("console.mjs")
        .arg(phase)
        .arg(base)
        .arg(path)
        .arg(artefacts)
        .current_dir(browser_dir());
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("the node process was awaited")
        .expect("node runs (install Node.js, then `npm ci` in tests/browser)");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("all browser checks passed"),
        "the console phase {phase} failed:\n{stdout}\n{stderr}"
    );
    stdout
}

/// The newest email to `address`, once the outbox worker has sent it.
async fn received(smtp: &TestSmtp, address: &str) -> common::smtp::Received {
    eventually(&format!("an email to {address}"), || async {
        !smtp.messages_to(address).is_empty()
    })
    .await;
    smtp.messages_to(address).pop().expect("an email")
}

#[tokio::test]
#[ignore = "needs Chromium and Node.js; run by .ci/run with --ignored"]
async fn console_from_first_run_to_a_published_sfax_programme_in_chromium() {
    use crate::replies::{
        Answer, Client, SECRET, calendar_lines, organizer_of, post_reply, reply, value_of,
    };
    assert!(
        Path::new("/usr/bin/chromium").exists() || std::env::var_os("CHROMIUM").is_some(),
        "Chromium is not installed: apt-get install chromium (or set CHROMIUM)"
    );
    assert!(
        browser_dir().join("node_modules/axe-core").exists(),
        "run `npm ci` in tests/browser first"
    );
    let artefacts = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser-artefacts");
    std::fs::create_dir_all(&artefacts).expect("artefact folder");
    let smtp = TestSmtp::start();
    let app = spawn_app_with(Options {
        first_run: true,
        env: vec![
            ("CONVENE_SMTP_URL", smtp.url()),
            ("CONVENE_INBOUND_SECRET", SECRET.into()),
            // Mail goes out while the browser works, as in production.
            ("CONVENE_OUTBOX_WORKER", "on".into()),
        ],
        ..Options::default()
    })
    .await;
    let setup = app
        .setup_path
        .clone()
        .expect("an empty database prints a setup link");
    let built = run_console_phase("build", &app.address, &setup, &artefacts).await;

    // The invitations arrive; Rita will answer by her link, Lina declines from her calendar.
    let rita = received(&smtp, "rita@lisboa.example").await;
    let text = rita.parsed().body_text(0).unwrap().into_owned();
    let speak = regex::Regex::new(r"http://convene\.test(/speak/[A-Za-z0-9_-]+)")
        .unwrap()
        .captures(&text)
        .expect("the invitation carries the answer link")[1]
        .to_owned();
    let lina = received(&smtp, "lina@amman.example").await;
    let sent = calendar_lines(&lina);
    let answer = Answer {
        from_name: "Lina Khoury",
        from: "lina@amman.example",
        attendee: "lina@amman.example",
        organizer: &organizer_of(&sent),
        uid: value_of(&sent, "UID"),
        sequence: value_of(&sent, "SEQUENCE").parse().unwrap(),
        partstat: "DECLINED",
    };
    let receipt = post_reply(&app, reply(Client::Outlook, &answer, true)).await;
    assert_eq!(receipt["outcome"], "applied", "{receipt}");

    let answered = run_console_phase("answers", &app.address, &speak, &artefacts).await;

    // What the browser built is what the API serves.
    let programme = success(app.get("/api/v1/events/sfax-2019/programme?lang=en").await).await;
    let sessions: usize = programme["days"]
        .as_array()
        .expect("days")
        .iter()
        .map(|d| d["sessions"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(sessions, 6, "{programme}");
    for shot in [
        "console-programme-conflict-desktop.png",
        "console-programme-conflict-phone.png",
        "console-publish-preview-desktop.png",
        "console-speakers-answers-desktop.png",
        "console-registration-phone.png",
        "console-files-dry-run-desktop.png",
    ] {
        let size = std::fs::metadata(artefacts.join(shot))
            .map(|m| m.len())
            .unwrap_or(0);
        assert!(size > 10_000, "screenshot {shot} missing or empty");
    }
    println!("{built}{answered}");
}

#[tokio::test]
#[ignore = "needs Chromium and Node.js; run by .ci/run with --ignored"]
async fn the_schedule_assistant_on_the_izmir_demo_in_chromium() {
    assert!(
        Path::new("/usr/bin/chromium").exists() || std::env::var_os("CHROMIUM").is_some(),
        "Chromium is not installed: apt-get install chromium (or set CHROMIUM)"
    );
    let artefacts = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser-artefacts");
    std::fs::create_dir_all(&artefacts).expect("artefact folder");
    let app = spawn_demo().await;
    let login = format!("{ADMIN_EMAIL}:{ADMIN_PASSWORD}");
    let printed = run_console_phase("assistant", &app.address, &login, &artefacts).await;
    // What the browser applied is staged: the API's working copy has moved, the public not.
    let sessions = success(
        app.get_as(&app.admin_token, "/api/v1/events/izmir-2021/sessions")
            .await,
    )
    .await;
    let pending = sessions["items"]
        .as_array()
        .expect("sessions")
        .iter()
        .filter(|s| s["unpublished_changes"] == true)
        .count();
    assert!(pending >= 1, "{printed}");
    for shot in [
        "console-assistant-impossible-desktop.png",
        "console-assistant-proposal-desktop.png",
        "console-assistant-proposal-phone.png",
    ] {
        let size = std::fs::metadata(artefacts.join(shot))
            .map(|m| m.len())
            .unwrap_or(0);
        assert!(size > 10_000, "screenshot {shot} missing or empty");
    }
}
