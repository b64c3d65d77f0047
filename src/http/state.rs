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
    /// Sign-in attempts per client and per account (`CONVENE_SIGNIN_LIMIT`), always on.
    pub sign_in_by_client: Arc<governor::DefaultKeyedRateLimiter<std::net::IpAddr>>,
    pub sign_in_by_account: Arc<governor::DefaultKeyedRateLimiter<String>>,
    /// Finished public responses, kept until the data changes.
    pub public_reads: PublicReads,
    /// How the public forms' CSRF cookie is made and checked.
    pub csrf: axum_csrf::CsrfConfig,
    /// Schedule files uploaded in the console and previewed, waiting for the organiser to
    /// confirm the import (by a random key, for half an hour, 64 MB at most in all).
    pub pending_imports: moka::future::Cache<String, std::sync::Arc<PendingImport>>,
}

/// An uploaded schedule file between its dry run and its import.
pub struct PendingImport {
    pub event_id: i64,
    pub user_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub bytes: axum::body::Bytes,
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
        let sign_in = governor::Quota::per_minute(
            std::num::NonZeroU32::new(settings.sign_in_per_minute)
                .unwrap_or(std::num::NonZeroU32::MIN),
        );
        HttpState {
            public_writes,
            sign_in_by_client: Arc::new(governor::RateLimiter::keyed(sign_in)),
            sign_in_by_account: Arc::new(governor::RateLimiter::keyed(sign_in)),
            public_reads: PublicReads::new(settings.read_cache_mb),
            csrf: csrf_config(settings),
            pending_imports: moka::future::Cache::builder()
                .max_capacity(64 * 1024 * 1024)
                .weigher(|_, file: &std::sync::Arc<PendingImport>| {
                    u32::try_from(file.bytes.len()).unwrap_or(u32::MAX)
                })
                .time_to_live(std::time::Duration::from_secs(30 * 60))
                .build(),
            app,
        }
    }

    /// Counts one public write by `client`; refuses with 429 and the wait when over the limit.
    pub fn limit_public_write(&self, client: std::net::IpAddr) -> Result<(), AppError> {
        match &self.public_writes {
            Some(limiter) => check(limiter, &client),
            None => Ok(()),
        }
    }
}

/// Refuses with 429 and the wait when `limiter` has no room left for `key`.
fn check<K: Clone + std::hash::Hash + Eq>(
    limiter: &governor::DefaultKeyedRateLimiter<K>,
    key: &K,
) -> Result<(), AppError> {
    limiter.check_key(key).map_err(|not_until| {
        let wait = not_until.wait_time_from(governor::clock::Clock::now(
            &governor::clock::DefaultClock::default(),
        ));
        AppError::TooManyRequests {
            retry_after_seconds: wait.as_secs().max(1),
        }
    })
}

/// Keys of limiters that anyone can choose (account names tried) are forgotten once idle, so
/// guessing many names cannot grow memory without bound.
const MOST_KEYS_REMEMBERED: usize = 10_000;

impl HttpState {
    /// Counts one sign-in attempt by `client` for `email`: a client or an account past its
    /// limit is refused with 429 before any password is checked, in the API and any sign-in form.
    pub fn limit_sign_in(&self, client: std::net::IpAddr, email: &str) -> Result<(), AppError> {
        if self.sign_in_by_account.len() > MOST_KEYS_REMEMBERED {
            self.sign_in_by_account.retain_recent();
        }
        if self.sign_in_by_client.len() > MOST_KEYS_REMEMBERED {
            self.sign_in_by_client.retain_recent();
        }
        check(&self.sign_in_by_client, &client)?;
        check(&self.sign_in_by_account, &email.trim().to_lowercase())
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
        // every form lives under /events or /admin; one cookie path covers both
        .with_cookie_path("/")
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
