//! The `convene` command: serve the app, run its migrations, and the organisers' tools
//! (schedule import and export, the outbox).

use std::sync::Arc;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use convene::app::exchange::ScheduleFormat;
use convene::clock::SystemClock;
use convene::config::Settings;
use convene::startup::{Application, app_state, shutdown_signal};

#[derive(Parser)]
#[command(
    name = "convene",
    version,
    about = "Programmes, time zones, invitations and attendance for international summits"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web app and API (configuration from the environment; see README).
    Serve {
        /// Also load the Izmir 2021 summit as demo data, unless it is there already.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Write an event's schedule as frab schedule.xml or schedule.json.
    Export {
        /// The event's slug, e.g. izmir-2021.
        slug: String,
        #[arg(long, value_enum, default_value = "xml")]
        format: Format,
        /// The file to write; standard output when left out.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Import a frab schedule.xml or schedule.json (or Convene's own export) into an event.
    Import {
        /// The event's slug; the event must exist.
        slug: String,
        /// The schedule file (.xml or .json).
        file: PathBuf,
        /// Its format, when the file's extension does not tell.
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Report what would change, write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Publish an event's working copy (drafts and staged changes), as `POST …/publish` does.
    Publish {
        slug: String,
        /// Publish despite this error-level conflict (its id from the refusal); repeatable.
        #[arg(long = "acknowledge", value_name = "CONFLICT_ID")]
        acknowledge: Vec<String>,
    },
    /// The email outbox: what waits, what failed, and sending it now.
    Outbox {
        #[command(subcommand)]
        action: OutboxAction,
    },
    /// The schedule assistant: a proposed programme that keeps every rule.
    Schedule {
        #[command(subcommand)]
        action: ScheduleAction,
    },
}

#[derive(Subcommand)]
enum ScheduleAction {
    /// Propose a programme for the event's working copy and print it with its score, as
    /// `POST …/schedule-proposals` does; nothing changes unless `--apply` is given.
    Propose {
        slug: String,
        /// Sociable hours of a display zone, `America/Toronto=08:00-20:00` (or the zone alone
        /// for 08:00-20:00); repeatable. Default: the event's display zones, 08:00-20:00.
        #[arg(long = "zone", value_name = "ZONE[=FROM-TO]")]
        zones: Vec<String>,
        /// Minutes between possible starts.
        #[arg(long, default_value_t = 15)]
        grid: u32,
        /// Minutes each person has between two of their sessions (default: the event's rule).
        #[arg(long)]
        buffer: Option<u32>,
        /// Seconds the search may take.
        #[arg(long, default_value_t = 10)]
        time_limit: u32,
        /// Let published sessions move too.
        #[arg(long)]
        no_pin: bool,
        /// Stage the proposal (drafts move, published sessions get a staged change).
        #[arg(long)]
        apply: bool,
    },
}

#[derive(Subcommand)]
enum OutboxAction {
    /// Counts and latest failures of an event's outbox.
    Show { slug: String },
    /// Send every email that is due now (invitations, updates, cancellations), then exit.
    Send,
    /// Put an event's dead letters back in the queue.
    Retry { slug: String },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Xml,
    Json,
}

impl From<Format> for ScheduleFormat {
    fn from(format: Format) -> Self {
        match format {
            Format::Xml => ScheduleFormat::Xml,
            Format::Json => ScheduleFormat::Json,
        }
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("convene: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let mut settings = Settings::from_env()?;
    // The tools print their own results; their log shows only trouble unless asked for more.
    if !matches!(cli.command, Command::Serve { .. }) && std::env::var_os("CONVENE_LOG").is_none() {
        settings.log_filter = "warn".into();
    }
    convene::telemetry::init(&settings);
    match cli.command {
        Command::Migrate => {
            let db = convene::db::Db::connect(&settings.database_url).await?;
            db.migrate().await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::Export {
            slug,
            format,
            output,
        } => {
            let state = app_state(settings, Arc::new(SystemClock)).await?;
            convene::cli::export(&state, &slug, format.into(), output.as_deref()).await
        }
        Command::Import {
            slug,
            file,
            format,
            dry_run,
        } => {
            let state = app_state(settings, Arc::new(SystemClock)).await?;
            convene::cli::import(&state, &slug, &file, format.map(Into::into), dry_run).await
        }
        Command::Publish { slug, acknowledge } => {
            let state = app_state(settings, Arc::new(SystemClock)).await?;
            convene::cli::publish(&state, &slug, acknowledge).await
        }
        Command::Outbox { action } => {
            let state = app_state(settings, Arc::new(SystemClock)).await?;
            match action {
                OutboxAction::Show { slug } => convene::cli::show_outbox(&state, &slug).await,
                OutboxAction::Send => convene::cli::send(&state).await.map(|_| ()),
                OutboxAction::Retry { slug } => convene::cli::retry_dead(&state, &slug).await,
            }
        }
        Command::Schedule {
            action:
                ScheduleAction::Propose {
                    slug,
                    zones,
                    grid,
                    buffer,
                    time_limit,
                    no_pin,
                    apply,
                },
        } => {
            let state = app_state(settings, Arc::new(SystemClock)).await?;
            let options = convene::domain::planner::ProposalOptions {
                pin_published: !no_pin,
                zone_hours: convene::cli::zone_hours(&zones)?,
                grid_minutes: grid,
                buffer_minutes: buffer,
                time_limit_seconds: time_limit,
            };
            convene::cli::propose(&state, &slug, options, apply).await
        }
        Command::Serve { demo } => {
            let app = Application::build(settings, Arc::new(SystemClock)).await?;
            let url = app.state().settings.public_url.clone();
            tracing::info!(database = %app.state().settings.database_url, "database ready");
            if demo {
                let (email, password) = app.load_demo().await?;
                tracing::info!("demo: the Izmir 2021 summit is at {url}/api/v1/events/izmir-2021");
                tracing::info!(
                    "demo: sign in with POST {url}/api/v1/auth/token {{\"email\":\"{email}\",\"password\":\"{password}\"}}"
                );
            }
            if let Some(link) = app.setup_link().await? {
                // Printed, not only logged: whoever starts Convene the first time must see it.
                println!(
                    "No account yet. Create the first administrator (this link works once): {link}"
                );
            }
            tracing::info!("organisers sign in at {url}/admin");
            tracing::info!("email goes to {}", app.state().mailer.describe());
            tracing::info!(
                "Convene is listening on {} (public URL {url}, API docs at {url}/api/docs)",
                app.local_addr()
            );
            app.run_until(shutdown_signal()).await
        }
    }
}
