//! What every handler can reach: the database, the settings and the clock.

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::Settings;
use crate::db::Db;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub clock: Arc<dyn Clock>,
}
