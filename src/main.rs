//! The `convene` command: serve the app, or run its migrations.

use std::sync::Arc;

use clap::{Parser, Subcommand};
use convene::clock::SystemClock;
use convene::config::Settings;
use convene::startup::{Application, shutdown_signal};

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
    let settings = Settings::from_env()?;
    convene::telemetry::init(&settings);
    match cli.command {
        Command::Migrate => {
            let db = convene::db::Db::connect(&settings.database_url).await?;
            db.migrate().await?;
            tracing::info!("migrations applied");
            Ok(())
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
            tracing::info!("email goes to {}", app.state().mailer.describe());
            tracing::info!(
                "Convene is listening on {} (public URL {url}, API docs at {url}/api/docs)",
                app.local_addr()
            );
            app.run_until(shutdown_signal()).await
        }
    }
}
