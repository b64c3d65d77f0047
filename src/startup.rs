//! Building and running the application: database, migrations, accounts, listener.
//! `main` and the test harness both go through `Application::build`.

use std::future::Future;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::app::AppState;
use crate::app::accounts::upsert_account;
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::Db;

pub struct Application {
    listener: TcpListener,
    state: AppState,
}

/// The account the demo signs in with when no administrator is configured.
pub const DEMO_EMAIL: &str = "admin@convene.localhost";
pub const DEMO_PASSWORD: &str = "convene-demo";

impl Application {
    /// Connects, migrates, creates the configured administrator and binds the listener
    /// (port 0 picks a free port, as the tests do).
    pub async fn build(settings: Settings, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let addr = settings.addr;
        let state = app_state(settings, clock).await?;
        let listener = TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr} (CONVENE_ADDR)"))?;
        Ok(Application { listener, state })
    }

    /// Loads the Izmir summit (once), owned by the configured administrator or the demo account.
    /// Returns the credentials to print.
    pub async fn load_demo(&self) -> anyhow::Result<(String, String)> {
        let state = &self.state;
        let (email, password) = match &state.settings.admin {
            Some(admin) => (
                admin.email.clone(),
                "(the CONVENE_ADMIN_PASSWORD you set)".to_owned(),
            ),
            None => (DEMO_EMAIL.to_owned(), DEMO_PASSWORD.to_owned()),
        };
        let account = match &state.settings.admin {
            Some(_) => {
                use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
                crate::db::entities::user::Entity::find()
                    .filter(crate::db::entities::user::Column::Email.eq(email.to_lowercase()))
                    .one(&state.db.conn)
                    .await?
                    .context("the administrator account is missing")?
            }
            None => {
                upsert_account(
                    &state.db,
                    DEMO_EMAIL,
                    "Demo organiser",
                    DEMO_PASSWORD,
                    true,
                    state.clock.now(),
                )
                .await?
            }
        };
        crate::demo::load_izmir(&state.db, account.id, state.clock.now()).await?;
        Ok((email, password))
    }

    /// The one-time link that creates the first administrator, when the database holds no
    /// account yet (`None` once one exists). Each call replaces the previous link.
    pub async fn setup_link(&self) -> anyhow::Result<Option<String>> {
        let token = self.state.first_run.prepare(&self.state.db).await?;
        Ok(token.map(|token| format!("{}/admin/setup/{token}", self.state.settings.public_url)))
    }

    pub fn local_addr(&self) -> std::net::SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or(self.state.settings.addr)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves, then lets in-flight requests finish and the outbox
    /// worker (when enabled) complete the sends it has started.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let (stop_worker, stopped) = tokio::sync::watch::channel(false);
        let worker = self.state.settings.outbox_worker.then(|| {
            tokio::spawn(crate::mail::outbox::run_worker(
                self.state.courier(),
                self.state.outbox_wake.clone(),
                stopped,
            ))
        });
        let reminders = tokio::spawn(crate::app::reminders::run_reminder_worker(
            self.state.clone(),
            std::time::Duration::from_secs(self.state.settings.reminder_scan_seconds),
            stop_worker.subscribe(),
        ));
        if let Some(addr) = self.state.settings.inbound_smtp_addr {
            let bound = start_inbound_smtp(&self.state, addr)?;
            tracing::info!(%bound, "receiving calendar replies by SMTP");
        }
        // Other processes' commits, so this one's cache of public reads stays true.
        let listener = tokio::spawn(self.state.db.clone().follow_other_processes());
        let app = crate::build_app(self.state.clone());
        let served = axum::serve(
            self.listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
        .context("the server stopped with an error");
        listener.abort();
        let _ = stop_worker.send(true);
        let _ = reminders.await;
        if let Some(worker) = worker {
            let _ = worker.await;
        }
        served
    }
}

/// Starts the SMTP receiver of calendar replies: each message goes to the same use case as the
/// inbound webhook, on this runtime.
pub fn start_inbound_smtp(
    state: &AppState,
    addr: std::net::SocketAddr,
) -> anyhow::Result<std::net::SocketAddr> {
    let runtime = tokio::runtime::Handle::current();
    let state = state.clone();
    crate::mail::inbound::start_receiver(
        addr,
        Arc::new(move |raw: Vec<u8>| {
            runtime
                .block_on(crate::app::inbound::receive_reply(
                    &state,
                    &raw,
                    crate::app::inbound::Channel::Smtp,
                ))
                .map(|_| ())
                .map_err(|e| e.to_string())
        }),
    )
}

/// Connects, migrates and creates the configured administrator: everything but the listener
/// (the command line's subcommands work on this).
pub async fn app_state(settings: Settings, clock: Arc<dyn Clock>) -> anyhow::Result<AppState> {
    crate::web::templates_ready().context("a page template does not compile")?;
    crate::mail::compose::templates_ready().context("an email template does not compile")?;
    let db = Db::connect(&settings.database_url).await?;
    db.migrate().await?;
    if let Some(admin) = &settings.admin {
        upsert_account(
            &db,
            &admin.email,
            "Administrator",
            &admin.password,
            true,
            clock.now(),
        )
        .await?;
    }
    let mailer = crate::mail::outbox::transport_for(&settings)?;
    let outbox_wake = Arc::new(tokio::sync::Notify::new());
    let state = AppState {
        db,
        settings: Arc::new(settings),
        clock,
        mailer,
        outbox_wake,
        seat_desk: Arc::default(),
        first_run: Arc::default(),
    };
    Ok(state)
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
