//! Settings from the environment, read and validated once at start-up.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, anyhow};

/// Where the log lines go and how they look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub database_url: String,
    pub addr: SocketAddr,
    /// Base for links written into emails and feeds, without trailing slash.
    pub public_url: String,
    pub admin: Option<AdminAccount>,
    pub smtp_url: Option<String>,
    pub mail_dir: PathBuf,
    /// Organiser mailbox that calendar clients reply to, unless an event sets its own.
    pub organiser_email: String,
    /// Requests per minute per client on public write endpoints; 0 switches the limit off.
    pub rate_limit_per_minute: u32,
    /// Sign-in attempts per minute, per client and per account (`CONVENE_SIGNIN_LIMIT`).
    pub sign_in_per_minute: u32,
    pub token_ttl_hours: i64,
    /// How long a worker's claim on an email lasts before another may take it over.
    pub outbox_lease_seconds: i64,
    /// Run the outbox worker inside `serve` (tests drive delivery themselves).
    pub outbox_worker: bool,
    pub log_filter: String,
    pub log_format: LogFormat,
    /// Signs the browser's CSRF cookie; several processes behind one address must share it.
    /// `None`: a random key per process.
    pub cookie_secret: Option<String>,
    /// Memory for the cache of public reads, in MiB; 0 renders every request.
    pub read_cache_mb: u64,
    /// Where the built-in SMTP receiver of calendar replies listens (`CONVENE_INBOUND_SMTP_ADDR`);
    /// `None`: no receiver.
    pub inbound_smtp_addr: Option<SocketAddr>,
    /// Bearer secret of `POST /api/v1/inbound/email` (`CONVENE_INBOUND_SECRET`); `None`: the
    /// route answers 404.
    pub inbound_secret: Option<String>,
    /// How often due reminders are looked for, in seconds (`CONVENE_REMINDER_SCAN_SECONDS`).
    pub reminder_scan_seconds: u64,
}

#[derive(Clone, Debug)]
pub struct AdminAccount {
    pub email: String,
    pub password: String,
}

impl Settings {
    /// Reads every `CONVENE_*` variable and `DATABASE_URL`; the error names the variable at fault.
    pub fn from_env() -> anyhow::Result<Self> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let var = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        let addr: SocketAddr = var("CONVENE_ADDR")
            .unwrap_or_else(|| "127.0.0.1:3000".into())
            .parse()
            .context("CONVENE_ADDR must be a socket address such as 127.0.0.1:3000")?;
        let public_url = var("CONVENE_PUBLIC_URL").unwrap_or_else(|| format!("http://{addr}"));
        url::Url::parse(&public_url).context(
            "CONVENE_PUBLIC_URL must be an absolute URL such as https://convene.example",
        )?;
        let database_url =
            var("DATABASE_URL").unwrap_or_else(|| "sqlite://convene.db?mode=rwc".into());
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(anyhow!(
                "DATABASE_URL must start with sqlite: or postgres:// (got '{database_url}')"
            ));
        }
        let admin = match (var("CONVENE_ADMIN_EMAIL"), var("CONVENE_ADMIN_PASSWORD")) {
            (Some(email), Some(password)) => {
                email
                    .parse::<crate::domain::text::Email>()
                    .map_err(|e| anyhow!("CONVENE_ADMIN_EMAIL: {e}"))?;
                if password.chars().count() < 8 {
                    return Err(anyhow!(
                        "CONVENE_ADMIN_PASSWORD must be at least 8 characters long"
                    ));
                }
                Some(AdminAccount { email, password })
            }
            (None, None) => None,
            (Some(_), None) => {
                return Err(anyhow!(
                    "CONVENE_ADMIN_PASSWORD must be set when CONVENE_ADMIN_EMAIL is"
                ));
            }
            (None, Some(_)) => {
                return Err(anyhow!(
                    "CONVENE_ADMIN_EMAIL must be set when CONVENE_ADMIN_PASSWORD is"
                ));
            }
        };
        let smtp_url = var("CONVENE_SMTP_URL");
        if let Some(smtp) = &smtp_url {
            let parsed = url::Url::parse(smtp).context(
                "CONVENE_SMTP_URL must be a URL such as smtp://user:pass@host:587?tls=required",
            )?;
            if !matches!(parsed.scheme(), "smtp" | "smtps") {
                return Err(anyhow!(
                    "CONVENE_SMTP_URL must use the smtp:// or smtps:// scheme"
                ));
            }
        }
        let organiser_email =
            var("CONVENE_ORGANISER_EMAIL").unwrap_or_else(|| "organisers@convene.localhost".into());
        organiser_email
            .parse::<crate::domain::text::Email>()
            .map_err(|e| anyhow!("CONVENE_ORGANISER_EMAIL: {e}"))?;
        let rate_limit_per_minute = var("CONVENE_RATE_LIMIT")
            .map(|v| {
                v.parse().context(
                    "CONVENE_RATE_LIMIT must be a whole number of requests per minute (0 = off)",
                )
            })
            .transpose()?
            .unwrap_or(60);
        let sign_in_per_minute = var("CONVENE_SIGNIN_LIMIT")
            .map(|v| match v.parse::<u32>() {
                Ok(n) if n > 0 => Ok(n),
                _ => Err(anyhow!(
                    "CONVENE_SIGNIN_LIMIT must be a whole number of sign-in attempts per minute, at least 1"
                )),
            })
            .transpose()?
            .unwrap_or(10);
        let token_ttl_hours = var("CONVENE_TOKEN_TTL_HOURS")
            .map(|v| {
                v.parse::<i64>()
                    .ok()
                    .filter(|h| *h > 0)
                    .context("CONVENE_TOKEN_TTL_HOURS must be a positive whole number")
            })
            .transpose()?
            .unwrap_or(12);
        let outbox_lease_seconds = var("CONVENE_OUTBOX_LEASE_SECONDS")
            .map(|v| {
                v.parse::<i64>()
                    .ok()
                    .filter(|s| *s > 0)
                    .context("CONVENE_OUTBOX_LEASE_SECONDS must be a positive whole number")
            })
            .transpose()?
            .unwrap_or(120);
        let read_cache_mb = var("CONVENE_READ_CACHE_MB")
            .map(|v| {
                v.parse::<u64>()
                    .ok()
                    .filter(|mb| *mb <= 64 * 1024)
                    .context("CONVENE_READ_CACHE_MB must be a whole number of MiB (0 = no cache)")
            })
            .transpose()?
            .unwrap_or(64);
        let outbox_worker = match var("CONVENE_OUTBOX_WORKER").as_deref() {
            None | Some("on") | Some("true") | Some("1") => true,
            Some("off") | Some("false") | Some("0") => false,
            Some(other) => {
                return Err(anyhow!(
                    "CONVENE_OUTBOX_WORKER must be 'on' or 'off' (got '{other}')"
                ));
            }
        };
        let log_format = match var("CONVENE_LOG_FORMAT").as_deref() {
            None | Some("pretty") => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(anyhow!(
                    "CONVENE_LOG_FORMAT must be 'pretty' or 'json' (got '{other}')"
                ));
            }
        };
        let cookie_secret = var("CONVENE_COOKIE_SECRET");
        if cookie_secret.as_ref().is_some_and(|s| s.len() < 32) {
            return Err(anyhow!(
                "CONVENE_COOKIE_SECRET must be at least 32 characters long"
            ));
        }
        let inbound_smtp_addr = var("CONVENE_INBOUND_SMTP_ADDR")
            .map(|v| {
                v.parse::<SocketAddr>().context(
                    "CONVENE_INBOUND_SMTP_ADDR must be a socket address such as 0.0.0.0:2525",
                )
            })
            .transpose()?;
        let inbound_secret = var("CONVENE_INBOUND_SECRET");
        if inbound_secret
            .as_ref()
            .is_some_and(|s| s.chars().count() < 32)
        {
            return Err(anyhow!(
                "CONVENE_INBOUND_SECRET must be at least 32 characters long"
            ));
        }
        let reminder_scan_seconds = var("CONVENE_REMINDER_SCAN_SECONDS")
            .map(|v| {
                v.parse::<u64>()
                    .ok()
                    .filter(|s| (1..=30).contains(s))
                    .context("CONVENE_REMINDER_SCAN_SECONDS must be a whole number from 1 to 30")
            })
            .transpose()?
            .unwrap_or(15);
        Ok(Settings {
            inbound_smtp_addr,
            inbound_secret,
            reminder_scan_seconds,
            cookie_secret,
            read_cache_mb,
            database_url,
            addr,
            public_url: public_url.trim_end_matches('/').to_owned(),
            admin,
            smtp_url,
            mail_dir: var("CONVENE_MAIL_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("outbox-mail")),
            organiser_email,
            rate_limit_per_minute,
            sign_in_per_minute,
            token_ttl_hours,
            outbox_lease_seconds,
            outbox_worker,
            log_filter: var("CONVENE_LOG")
                .or_else(|| var("RUST_LOG"))
                .unwrap_or_else(|| "info,sqlx=warn".into()),
            log_format,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> anyhow::Result<Settings> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_need_no_environment() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(s.public_url, "http://127.0.0.1:3000");
        assert!(s.database_url.starts_with("sqlite:"));
        assert!(s.admin.is_none());
    }

    #[test]
    fn errors_name_the_variable() {
        for (vars, name) in [
            (vec![("CONVENE_ADDR", "nowhere")], "CONVENE_ADDR"),
            (vec![("CONVENE_SIGNIN_LIMIT", "0")], "CONVENE_SIGNIN_LIMIT"),
            (vec![("DATABASE_URL", "mysql://x")], "DATABASE_URL"),
            (
                vec![("CONVENE_ADMIN_EMAIL", "a@b.org")],
                "CONVENE_ADMIN_PASSWORD",
            ),
            (vec![("CONVENE_RATE_LIMIT", "lots")], "CONVENE_RATE_LIMIT"),
            (vec![("CONVENE_LOG_FORMAT", "xml")], "CONVENE_LOG_FORMAT"),
            (
                vec![("CONVENE_INBOUND_SECRET", "short")],
                "CONVENE_INBOUND_SECRET",
            ),
            (
                vec![("CONVENE_INBOUND_SMTP_ADDR", "mx")],
                "CONVENE_INBOUND_SMTP_ADDR",
            ),
            (
                vec![("CONVENE_REMINDER_SCAN_SECONDS", "90")],
                "CONVENE_REMINDER_SCAN_SECONDS",
            ),
            (
                vec![("CONVENE_SMTP_URL", "http://mail")],
                "CONVENE_SMTP_URL",
            ),
        ] {
            let err = format!("{:#}", settings(&vars).unwrap_err());
            assert!(err.contains(name), "{err} should name {name}");
        }
    }
}
