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
}

impl AppState {
    /// Tells the outbox worker there is mail; call after committing a transaction that queued some.
    pub fn mail_queued(&self) {
        self.outbox_wake.notify_one();
    }
}
