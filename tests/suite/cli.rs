//! The organisers' command line, run as the real binary against the database of a running app:
//! export, import (dry run, errors, and a change the serving app then shows), the outbox.

use crate::common;

use std::process::Output;

use common::smtp::TestSmtp;
use common::*;
use reqwest::StatusCode;
use serde_json::json;

/// Runs `convene <args>` on the app's database, as an organiser on the server would.
async fn convene(app: &TestApp, env: &[(&str, String)], args: &[&str]) -> Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_convene"));
    command
        .args(args)
        .env_clear()
        .env("DATABASE_URL", &app.database_url)
        .env("CONVENE_MAIL_DIR", app.state.settings.mail_dir.as_os_str())
        .env("CONVENE_PUBLIC_URL", "http://convene.test");
    for (name, value) in env {
        command.env(name, value);
    }
    tokio::task::spawn_blocking(move || command.output().expect("the binary runs"))
        .await
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn export_writes_what_the_api_serves() {
    let app = spawn_demo().await;
    let dir = tempfile::tempdir().unwrap();
    for (format, path) in [("xml", "schedule.xml"), ("json", "schedule.json")] {
        let file = dir.path().join(path);
        let output = convene(
            &app,
            &[],
            &[
                "export",
                "izmir-2021",
                "--format",
                format,
                "--output",
                file.to_str().unwrap(),
            ],
        )
        .await;
        assert!(output.status.success(), "{}", stderr(&output));
        let served = app
            .get(&format!("/api/v1/events/izmir-2021/{path}"))
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), served, "{path}");
    }
    let unknown = convene(&app, &[], &["export", "no-such-event"]).await;
    assert!(!unknown.status.success());
    assert!(stderr(&unknown).contains("event not found"));
}

#[tokio::test]
async fn import_reports_a_dry_run_then_changes_what_the_running_app_serves() {
    let app = spawn_demo().await;
    // The serving app has the programme in its cache before the command line writes.
    assert!(
        !programme_text(&app)
            .await
            .contains("Recital, moved by file")
    );
    let exported = app
        .get("/api/v1/events/izmir-2021/schedule.json")
        .await
        .text()
        .await
        .unwrap();
    let edited = exported.replace("Récital de musique : AASSM", "Recital, moved by file");
    assert_ne!(edited, exported);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("programme.json");
    std::fs::write(&file, edited).unwrap();
    let file = file.to_str().unwrap();

    let dry = convene(&app, &[], &["import", "izmir-2021", file, "--dry-run"]).await;
    assert!(dry.status.success(), "{}", stderr(&dry));
    let report = stdout(&dry);
    assert!(report.contains("   1 sessions updated"), "{report}");
    assert!(report.contains("Recital, moved by file"), "{report}");
    assert!(report.contains("   7 sessions unchanged"), "{report}");
    assert!(report.contains("dry run: nothing was written"));
    assert!(
        !programme_text(&app)
            .await
            .contains("Recital, moved by file")
    );

    let real = convene(&app, &[], &["import", "izmir-2021", file]).await;
    assert!(real.status.success(), "{}", stderr(&real));
    assert!(stdout(&real).contains("   1 sessions updated"));
    // The file's change waits in the working copy until it is published.
    assert!(
        !programme_text(&app)
            .await
            .contains("Recital, moved by file")
    );
    let published = convene(&app, &[], &["publish", "izmir-2021"]).await;
    assert!(published.status.success(), "{}", stderr(&published));
    assert!(
        stdout(&published).contains("   1 sessions updated"),
        "{}",
        stdout(&published)
    );
    // Another process wrote: the app's cache hears of it through the database.
    eventually(
        "the app still serves the programme from before the import",
        || async {
            programme_text(&app)
                .await
                .contains("Recital, moved by file")
        },
    )
    .await;
}

async fn programme_text(app: &TestApp) -> String {
    app.get("/api/v1/events/izmir-2021/programme")
        .await
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn import_names_the_line_and_field_of_a_malformed_file() {
    let app = spawn_demo().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.xml");
    std::fs::write(
        &file,
        "<schedule>\n<conference><title>Izmir</title>\n<start>soon</start></conference>\n</schedule>\n",
    )
    .unwrap();
    let output = convene(&app, &[], &["import", "izmir-2021", file.to_str().unwrap()]).await;
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains("conference.start: line 3: 'soon' is not a date"),
        "{message}"
    );
    assert!(
        message.contains("conference.end: line 2: '' is not a date"),
        "{message}"
    );
    let unnamed = dir.path().join("schedule.txt");
    std::fs::write(&unnamed, "{}").unwrap();
    let output = convene(
        &app,
        &[],
        &["import", "izmir-2021", unnamed.to_str().unwrap()],
    )
    .await;
    assert!(!output.status.success());
    assert!(stderr(&output).contains("pass --format"));
}

#[tokio::test]
async fn the_outbox_can_be_shown_and_sent_from_the_command_line() {
    let smtp = TestSmtp::start();
    let app = spawn_demo().await;
    let registered = app
        .post_json(
            "/api/v1/events/izmir-2021/registrations",
            None,
            json!({"name": "Tunç", "email": "tunc@example.org", "attendance": "virtual", "timezone": "Europe/Istanbul", "language": "fr"}),
        )
        .await;
    assert_eq!(registered.status(), StatusCode::CREATED);
    let queued = smtp_env(&smtp);

    let shown = convene(&app, &queued, &["outbox", "show", "izmir-2021"]).await;
    assert!(shown.status.success(), "{}", stderr(&shown));
    let text = stdout(&shown);
    // One invitation per online session (no summary: every seat is confirmed).
    assert!(
        text.contains("pending 5   sending 0   sent 0   dead 0"),
        "{text}"
    );

    let sent = convene(&app, &queued, &["outbox", "send"]).await;
    assert!(sent.status.success(), "{}", stderr(&sent));
    assert!(
        stdout(&sent).contains("5 sent, 0 failed"),
        "{}",
        stdout(&sent)
    );
    assert_eq!(smtp.messages_to("tunc@example.org").len(), 5);

    let after = convene(&app, &queued, &["outbox", "show", "izmir-2021"]).await;
    assert!(stdout(&after).contains("pending 0   sending 0   sent 5   dead 0"));
    // Sending again sends nothing twice.
    let again = convene(&app, &queued, &["outbox", "send"]).await;
    assert!(stdout(&again).contains("0 sent"));
    assert_eq!(smtp.messages_to("tunc@example.org").len(), 5);
}

fn smtp_env(smtp: &TestSmtp) -> Vec<(&'static str, String)> {
    vec![("CONVENE_SMTP_URL", smtp.url())]
}
