//! What every use case can reach: the database, the settings, the clock, the mail transport and
//! the seat desk where registrations wait for their seats.

use std::sync::Arc;

use crate::app::registration::seating::SeatDesk;
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::Db;
use crate::mail::outbox::Courier;
use crate::mail::transport::Transport;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub clock: Arc<dyn Clock>,
    pub mailer: Arc<Transport>,
    /// Wakes the outbox worker after a commit that queued mail.
    pub outbox_wake: Arc<tokio::sync::Notify>,
    /// Where registrations wait to be given seats, in batches.
    pub seat_desk: Arc<SeatDesk>,
    /// The one-time link that creates the first administrator, while no account exists.
    pub first_run: Arc<crate::app::accounts::FirstRun>,
}

impl AppState {
    /// Tells the outbox worker there is mail; call after committing a transaction that queued some.
    pub fn mail_queued(&self) {
        self.outbox_wake.notify_one();
    }

    /// What the outbox worker (or `convene outbox send`) delivers with.
    pub fn courier(&self) -> Courier {
        Courier {
            db: self.db.clone(),
            mailer: self.mailer.clone(),
            clock: self.clock.clone(),
            lease_seconds: self.settings.outbox_lease_seconds,
        }
    }
}
