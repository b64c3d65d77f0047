//! What every handler can reach: the database, the settings and the clock.

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::Settings;
use crate::db::Db;
use crate::mail::transport::Transport;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub clock: Arc<dyn Clock>,
    pub mailer: Arc<Transport>,
    /// Wakes the outbox worker after a commit that queued mail.
    pub outbox_wake: Arc<tokio::sync::Notify>,
    /// Per-client limit on public write endpoints (`CONVENE_RATE_LIMIT`); `None` when off.
    pub public_writes: Option<Arc<governor::DefaultKeyedRateLimiter<std::net::IpAddr>>>,
    /// Finished public responses, kept until the data changes.
    pub public_reads: crate::http::read_cache::PublicReads,
    /// How the public forms' CSRF cookie is made and checked.
    pub csrf: axum_csrf::CsrfConfig,
    /// Where registrations wait to be given seats, in batches.
    pub seat_desk: Arc<crate::app::registration::seating::SeatDesk>,
}

impl axum::extract::FromRef<AppState> for axum_csrf::CsrfConfig {
    fn from_ref(state: &AppState) -> Self {
        state.csrf.clone()
    }
}

/// A strict, HTTP-only cookie, signed with `CONVENE_COOKIE_SECRET` when set.
pub fn csrf_config(settings: &Settings) -> axum_csrf::CsrfConfig {
    use sha2::Digest;
    let config = axum_csrf::CsrfConfig::default()
        .with_cookie_name("convene_csrf")
        .with_cookie_path("/events")
        .with_cookie_same_site(axum_csrf::SameSite::Strict)
        .with_http_only(true)
        .with_secure(settings.public_url.starts_with("https://"));
    match &settings.cookie_secret {
        Some(secret) => config
            .with_key(Some(axum_csrf::Key::from(&sha2::Sha512::digest(
                secret.as_bytes(),
            ))))
            .with_salt(hex::encode(sha2::Sha256::digest(secret.as_bytes()))),
        None => config,
    }
}

impl AppState {
    /// Counts one public write by `client`; refuses with 429 and the wait when over the limit.
    pub fn limit_public_write(
        &self,
        client: std::net::IpAddr,
    ) -> Result<(), crate::error::AppError> {
        let Some(limiter) = &self.public_writes else {
            return Ok(());
        };
        limiter.check_key(&client).map_err(|not_until| {
            let wait = not_until.wait_time_from(governor::clock::Clock::now(
                &governor::clock::DefaultClock::default(),
            ));
            crate::error::AppError::TooManyRequests {
                retry_after_seconds: wait.as_secs().max(1),
            }
        })
    }

    /// Tells the outbox worker there is mail; call after committing a transaction that queued some.
    pub fn mail_queued(&self) {
        self.outbox_wake.notify_one();
    }
}
