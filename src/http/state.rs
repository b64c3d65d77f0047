//! What the HTTP interfaces hold besides the application: the cache of public reads, the
//! limiter of public writes and the forms' CSRF configuration.

use std::ops::Deref;
use std::sync::Arc;

use crate::app::AppState;
use crate::config::Settings;
use crate::error::AppError;
use crate::http::read_cache::PublicReads;

#[derive(Clone)]
pub struct HttpState {
    pub app: AppState,
    /// Per-client limit on public write endpoints (`CONVENE_RATE_LIMIT`); `None` when off.
    pub public_writes: Option<Arc<governor::DefaultKeyedRateLimiter<std::net::IpAddr>>>,
    /// Finished public responses, kept until the data changes.
    pub public_reads: PublicReads,
    /// How the public forms' CSRF cookie is made and checked.
    pub csrf: axum_csrf::CsrfConfig,
}

/// Handlers reach the application's parts (`state.db`, `state.clock`) and pass `&state` to
/// use cases as if it were the `AppState` it wraps.
impl Deref for HttpState {
    type Target = AppState;

    fn deref(&self) -> &AppState {
        &self.app
    }
}

impl HttpState {
    pub fn new(app: AppState) -> Self {
        let settings = &app.settings;
        let public_writes =
            std::num::NonZeroU32::new(settings.rate_limit_per_minute).map(|per_minute| {
                Arc::new(governor::RateLimiter::keyed(governor::Quota::per_minute(
                    per_minute,
                )))
            });
        HttpState {
            public_writes,
            public_reads: PublicReads::new(settings.read_cache_mb),
            csrf: csrf_config(settings),
            app,
        }
    }

    /// Counts one public write by `client`; refuses with 429 and the wait when over the limit.
    pub fn limit_public_write(&self, client: std::net::IpAddr) -> Result<(), AppError> {
        let Some(limiter) = &self.public_writes else {
            return Ok(());
        };
        limiter.check_key(&client).map_err(|not_until| {
            let wait = not_until.wait_time_from(governor::clock::Clock::now(
                &governor::clock::DefaultClock::default(),
            ));
            AppError::TooManyRequests {
                retry_after_seconds: wait.as_secs().max(1),
            }
        })
    }
}

impl axum::extract::FromRef<HttpState> for axum_csrf::CsrfConfig {
    fn from_ref(state: &HttpState) -> Self {
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
