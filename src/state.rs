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
