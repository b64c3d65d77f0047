//! The organisers' command line: import and export schedules, publish, propose a programme,
//! send what the outbox holds, and look at it. Each command works on the database named by `DATABASE_URL` through the same code
//! as the HTTP API, so it may run beside a serving process (which sees its changes: see
//! `Db::follow_other_processes`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, anyhow};
use indicatif::{ProgressBar, ProgressStyle};

use crate::app::AppState;
use crate::app::exchange::{ScheduleFormat, export_schedule, import_schedule, read_schedule};
use crate::app::outbox::{outbox_of, requeue_dead};
use crate::app::planning::{ApplyProposal, apply_schedule, propose_schedule};
use crate::app::publishing::publication::PublishRequest;
use crate::db::queries;
use crate::domain::planner::{ProposalOptions, ZoneHours, hour_minute};
use crate::domain::zone::Zone;
use crate::error::AppError;
use crate::mail::outbox::{DeliveryReport, deliver_due, due_count};

/// Writes the event's schedule to `output`, or to standard output.
pub async fn export(
    state: &AppState,
    slug: &str,
    format: ScheduleFormat,
    output: Option<&Path>,
) -> anyhow::Result<()> {
    let document = export_schedule(state, slug, format)
        .await
        .map_err(explain)?;
    match output {
        Some(path) => {
            std::fs::write(path, &document)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("wrote {} ({} bytes)", path.display(), document.len());
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(document.as_bytes())?;
            stdout.write_all(b"\n")?;
        }
    }
    Ok(())
}

/// The format of a schedule file: by `--format`, else by its extension.
pub fn format_of(path: &Path, format: Option<ScheduleFormat>) -> anyhow::Result<ScheduleFormat> {
    if let Some(format) = format {
        return Ok(format);
    }
    match path.extension().and_then(|e| e.to_str()) {
        Some("xml") => Ok(ScheduleFormat::Xml),
        Some("json") => Ok(ScheduleFormat::Json),
        _ => Err(anyhow!(
            "cannot tell the format of {}: name it .xml or .json, or pass --format",
            path.display()
        )),
    }
}

/// Publishes an event's working copy and prints what became public; a refusal lists the
/// conflicts in the way with their ids.
pub async fn publish(state: &AppState, slug: &str, acknowledge: Vec<String>) -> anyhow::Result<()> {
    let event = queries::event_by_slug(&state.db.conn, slug)
        .await
        .map_err(|e| explain(e.into()))?;
    let request = PublishRequest {
        sessions: None,
        acknowledge,
    };
    let published = crate::app::publishing::publication::publish(state, event.id, None, request)
        .await
        .map_err(explain)?;
    println!("{:>4} drafts published", published.published.len());
    println!("{:>4} sessions updated", published.updated.len());
    match published.version {
        Some(number) => println!("programme version {number} is public"),
        None => println!("nothing is public yet"),
    }
    Ok(())
}

/// Imports a schedule file into an existing event, with a bar over its sessions, and prints
/// what was (or, with `dry_run`, would be) created and changed.
pub async fn import(
    state: &AppState,
    slug: &str,
    file: &PathBuf,
    format: Option<ScheduleFormat>,
    dry_run: bool,
) -> anyhow::Result<()> {
    let format = format_of(file, format)?;
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let media_type = match format {
        ScheduleFormat::Xml => "application/xml",
        ScheduleFormat::Json => "application/json",
    };
    let event = queries::event_by_slug(&state.db.conn, slug)
        .await
        .map_err(|e| explain(e.into()))?;
    let schedule = read_schedule(media_type, bytes, event.timezone)
        .await
        .map_err(explain)?;
    let bar = bar(schedule.sessions.len() as u64, "sessions");
    let report = import_schedule(state, &event, schedule, dry_run, &|done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64 + 1);
    })
    .await
    .map_err(explain)?;
    bar.finish_and_clear();
    let lines = [
        ("rooms created", &report.rooms_created),
        ("speakers created", &report.speakers_created),
        ("speakers updated", &report.speakers_updated),
        ("sessions created", &report.sessions_created),
        ("sessions updated", &report.sessions_updated),
    ];
    for (what, names) in lines {
        println!("{:>4} {what}", names.len());
        for name in names.iter().take(20) {
            println!("       {name}");
        }
        if names.len() > 20 {
            println!("       … and {} more", names.len() - 20);
        }
    }
    println!("{:>4} sessions unchanged", report.sessions_unchanged);
    if dry_run {
        println!("dry run: nothing was written");
    }
    Ok(())
}

/// Sends every email that is due now, with a bar; emails that fail wait for their retry.
pub async fn send(state: &AppState) -> anyhow::Result<DeliveryReport> {
    let courier = state.courier();
    let due = due_count(&courier).await?;
    let bar = bar(due, "emails");
    let mut total = DeliveryReport::default();
    loop {
        let round = deliver_due(&courier).await?;
        total.sent += round.sent;
        total.retrying += round.retrying;
        total.dead += round.dead;
        bar.inc((round.sent + round.dead + round.retrying) as u64);
        if round.sent + round.dead == 0 {
            break;
        }
    }
    bar.finish_and_clear();
    println!(
        "{} sent, {} failed and will be retried, {} given up (dead letters)",
        total.sent, total.retrying, total.dead
    );
    Ok(total)
}

/// Prints the event's queue: counts, then the latest failures.
pub async fn show_outbox(state: &AppState, slug: &str) -> anyhow::Result<()> {
    let event = queries::event_by_slug(&state.db.conn, slug)
        .await
        .map_err(|e| explain(e.into()))?;
    let view = outbox_of(&state.db.conn, event.id).await.map_err(explain)?;
    println!("outbox of {} ({})", event.title, event.slug);
    println!(
        "  pending {}   sending {}   sent {}   dead {}",
        view.pending, view.sending, view.sent, view.dead
    );
    if view.failures.is_empty() {
        println!("  no failures");
        return Ok(());
    }
    println!("  failures (latest first):");
    for failure in &view.failures {
        println!(
            "  #{:<6} {:<7} attempts {:<2} next {}  {} — {}",
            failure.id,
            failure.status,
            failure.attempts,
            failure.next_attempt_at.format("%Y-%m-%d %H:%M:%S UTC"),
            failure.recipient,
            failure.last_error.as_deref().unwrap_or(""),
        );
    }
    Ok(())
}

/// Puts the event's dead letters back in the queue.
pub async fn retry_dead(state: &AppState, slug: &str) -> anyhow::Result<()> {
    let event = queries::event_by_slug(&state.db.conn, slug)
        .await
        .map_err(|e| explain(e.into()))?;
    let requeued = requeue_dead(state, event.id).await.map_err(explain)?;
    println!("{requeued} dead letters back in the queue; `convene outbox send` sends them");
    Ok(())
}

/// `America/Toronto=08:00-20:00` (or the zone alone, for 08:00-20:00) as sociable hours; no
/// zones at all leaves the event's display zones.
pub fn zone_hours(specs: &[String]) -> anyhow::Result<Option<Vec<ZoneHours>>> {
    if specs.is_empty() {
        return Ok(None);
    }
    let time = |raw: &str| hour_minute(raw).map_err(|why| anyhow!(why));
    specs
        .iter()
        .map(|spec| {
            let (zone, hours) = spec.split_once('=').unwrap_or((spec, "08:00-20:00"));
            let zone: Zone = zone.parse().map_err(|e| anyhow!("{e}"))?;
            let (from, to) = hours
                .split_once('-')
                .ok_or_else(|| anyhow!("'{hours}' is not hours like 08:00-20:00"))?;
            Ok(ZoneHours {
                timezone: zone,
                from: time(from)?,
                to: time(to)?,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()
        .map(Some)
}

/// Proposes a programme and prints it (local times in the event's zone, what moves) with its
/// score beside the current plan's; with `apply`, stages it.
pub async fn propose(
    state: &AppState,
    slug: &str,
    options: ProposalOptions,
    apply: bool,
) -> anyhow::Result<()> {
    let event = queries::event_by_slug(&state.db.conn, slug)
        .await
        .map_err(|e| explain(e.into()))?;
    let proposal = propose_schedule(state, &event, options)
        .await
        .map_err(explain)?;
    let tz = event.timezone.tz();
    let local = |at: chrono::DateTime<chrono::Utc>| at.with_timezone(&tz).format("%a %d %b %H:%M");
    println!(
        "proposal for {} ({}), times in {}: {:?} after {} ms",
        event.title,
        event.slug,
        event.timezone.name(),
        proposal.stats.status,
        proposal.stats.solve_ms
    );
    for s in &proposal.sessions {
        let was = match (s.moved, s.current_starts_at) {
            (true, Some(at)) => format!("  (was {})", local(at)),
            _ => String::new(),
        };
        println!(
            "  {} {}-{}  {:<16} {}{was}",
            if s.moved { '*' } else { ' ' },
            local(s.starts_at),
            s.ends_at.with_timezone(&tz).format("%H:%M"),
            s.room_name.as_deref().unwrap_or("-"),
            s.title
        );
    }
    let (new, old) = (&proposal.score, &proposal.compared_to_current.score);
    println!("score                                   proposal    current");
    let rows = [
        (
            "minutes outside display-zone hours",
            new.display_zone_minutes_outside,
            old.display_zone_minutes_outside,
        ),
        (
            "live speaker minutes outside 08-20",
            new.live_speaker_minutes_outside,
            old.live_speaker_minutes_outside,
        ),
        (
            "recorded minutes outside 08-20",
            new.recorded_speaker_minutes_outside,
            old.recorded_speaker_minutes_outside,
        ),
        (
            "published sessions moved",
            new.published_sessions_moved,
            old.published_sessions_moved,
        ),
        (
            "people who would get an update",
            new.people_updated,
            old.people_updated,
        ),
        ("room changes", new.room_changes, old.room_changes),
        (
            "registrants seeing two sessions overlap",
            new.shared_attendee_overlaps,
            old.shared_attendee_overlaps,
        ),
        (
            "registrant minutes waiting between",
            new.shared_attendee_gap_minutes,
            old.shared_attendee_gap_minutes,
        ),
    ];
    for (name, a, b) in rows {
        println!("  {name:<38}{a:>8}{b:>11}");
    }
    println!(
        "  {:<38}{:>8}{:>11}",
        "weighted points", new.weighted_total, old.weighted_total
    );
    println!(
        "  {:<38}{:>8}{:>11}",
        "hard rules broken",
        proposal.hard_violations.len(),
        proposal.compared_to_current.hard_violations.len()
    );
    for conflict in &proposal.other_conflicts {
        println!("  note: {}", conflict.message_en);
    }
    if !apply {
        println!(
            "{} sessions would move; nothing was changed (--apply stages it)",
            proposal.compared_to_current.sessions_moved
        );
        return Ok(());
    }
    let request = ApplyProposal {
        sessions: proposal.sessions,
        options: Some(proposal.options),
    };
    let applied = apply_schedule(state, &event, request)
        .await
        .map_err(explain)?;
    println!(
        "{} drafts moved, {} published sessions staged (publish to make them public)",
        applied.applied.len(),
        applied.staged.len()
    );
    Ok(())
}

fn bar(length: u64, unit: &str) -> ProgressBar {
    let bar = ProgressBar::new(length);
    if let Ok(style) = ProgressStyle::with_template(&format!(
        "{{spinner}} [{{elapsed_precise}}] {{wide_bar}} {{pos}}/{{len}} {unit} ({{per_sec}}, {{eta}} left)"
    )) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// The API's error, told the way a terminal user needs it: what is wrong, field by field.
fn explain(error: AppError) -> anyhow::Error {
    match error {
        AppError::Invalid(fields) => anyhow!(
            "{}",
            fields
                .iter()
                .map(|f| format!("{}: {}", f.field, f.reason))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        AppError::Conflict {
            detail,
            extra: Some(extra),
            ..
        } => {
            let listed: Vec<String> = ["conflicts", "conflicting_rules", "hard_violations"]
                .iter()
                .flat_map(|key| extra[key].as_array().into_iter().flatten())
                .map(|c| {
                    let message = c["message_en"].as_str().or(c["message"].as_str());
                    format!(
                        "  {}  {}",
                        c["id"].as_str().or(c["kind"].as_str()).unwrap_or_default(),
                        message.unwrap_or_default()
                    )
                })
                .collect();
            anyhow!("{detail}:\n{}", listed.join("\n"))
        }
        other => anyhow!("{other}"),
    }
}
