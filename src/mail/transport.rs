//! Where email goes: an SMTP server (pooled, TLS and auth from `CONVENE_SMTP_URL`) or, with none
//! configured, `.eml` files in a folder so the demo works without a mail server.

use std::path::PathBuf;

use anyhow::Context;
use lettre::address::Envelope;
use lettre::transport::smtp::PoolConfig;
use lettre::{Address, AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>, PathBuf),
}

/// Why a send failed, and whether trying again can help.
#[derive(Debug)]
pub struct SendFailure {
    pub message: String,
    /// The server refused for good (5xx): retrying will not change its mind.
    pub permanent: bool,
}

impl Transport {
    pub fn from_settings(
        smtp_url: Option<&str>,
        mail_dir: &std::path::Path,
    ) -> anyhow::Result<Self> {
        match smtp_url {
            Some(url) => {
                let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .context("CONVENE_SMTP_URL is not a usable SMTP URL")?;
                Ok(Transport::Smtp(
                    builder.pool_config(PoolConfig::new().max_size(64)).build(),
                ))
            }
            None => {
                std::fs::create_dir_all(mail_dir).with_context(|| {
                    format!("cannot create CONVENE_MAIL_DIR {}", mail_dir.display())
                })?;
                Ok(Transport::Files(
                    AsyncFileTransport::new(mail_dir),
                    mail_dir.to_path_buf(),
                ))
            }
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Transport::Smtp(_) => "SMTP (CONVENE_SMTP_URL)".to_owned(),
            Transport::Files(_, dir) => format!(".eml files in {}", dir.display()),
        }
    }

    pub async fn send(&self, from: &str, to: &str, message: &[u8]) -> Result<(), SendFailure> {
        let address = |text: &str| {
            text.parse::<Address>().map_err(|e| SendFailure {
                message: format!("bad address {text}: {e}"),
                permanent: true,
            })
        };
        let envelope =
            Envelope::new(Some(address(from)?), vec![address(to)?]).map_err(|e| SendFailure {
                message: e.to_string(),
                permanent: true,
            })?;
        match self {
            Transport::Smtp(smtp) => {
                smtp.send_raw(&envelope, message)
                    .await
                    .map(|_| ())
                    .map_err(|e| SendFailure {
                        permanent: e.is_permanent(),
                        message: e.to_string(),
                    })
            }
            Transport::Files(files, _) => files
                .send_raw(&envelope, message)
                .await
                .map(|_| ())
                .map_err(|e| SendFailure {
                    message: e.to_string(),
                    permanent: false,
                }),
        }
    }
}
