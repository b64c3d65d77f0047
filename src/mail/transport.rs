//! Where email goes: an SMTP server (pooled, TLS and auth from `CONVENE_SMTP_URL`) or, with none
//! configured, `.eml` files in a folder so the demo works without a mail server.
//!
//! A plain `smtp://host[:port]` relay (the local MTA that bulk senders hand mail to) is reached
//! through our own pool of lettre connections on sockets with `TCP_NODELAY`. lettre 0.11.23 leaves
//! Nagle's algorithm on and writes the DATA terminator as a separate 5-byte write, so every message
//! waits for the server's delayed ACK (~40 ms on Linux); the fix is merged upstream (lettre PR
//! #1159) but not released. Everything else (STARTTLS, implicit TLS, authentication) keeps
//! lettre's own transport. Once a lettre release sets TCP_NODELAY, `Relay` can go.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use deadpool::managed;
use lettre::address::Envelope;
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::client::AsyncSmtpConnection;
use lettre::transport::smtp::extension::ClientId;
use lettre::{Address, AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

/// Connections kept to the mail server at most (one per parallel send of the outbox).
pub const MAX_CONNECTIONS: usize = 64;

pub enum Transport {
    /// A plain relay, through our pool of no-delay connections.
    Relay(managed::Pool<RelayConnections>),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>, PathBuf),
}

/// Opens and checks connections to a plain SMTP relay for the pool.
pub struct RelayConnections {
    host: String,
    port: u16,
    hello: ClientId,
}

/// Why a relay connection could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    #[error("cannot connect: {0}")]
    Connect(#[from] std::io::Error),
    #[error("{0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
}

impl managed::Manager for RelayConnections {
    type Type = AsyncSmtpConnection;
    type Error = RelayError;

    async fn create(&self) -> Result<AsyncSmtpConnection, RelayError> {
        let stream = tokio::time::timeout(
            Duration::from_secs(60),
            tokio::net::TcpStream::connect((self.host.as_str(), self.port)),
        )
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "connect timed out"))
        .and_then(|connected| connected)
        .and_then(|stream| stream.set_nodelay(true).map(|()| stream));
        Ok(AsyncSmtpConnection::connect_with_transport(Box::new(stream?), &self.hello).await?)
    }

    async fn recycle(
        &self,
        connection: &mut AsyncSmtpConnection,
        _: &managed::Metrics,
    ) -> managed::RecycleResult<RelayError> {
        // The same check lettre's pool makes: a NOOP the server answers.
        if connection.test_connected().await {
            Ok(())
        } else {
            Err(managed::RecycleError::message(
                "the mail server closed the connection",
            ))
        }
    }
}

/// `smtp://host[:port][/hello-name]` with neither TLS nor credentials: what `Relay` serves.
fn plain_relay(url: &str) -> Option<RelayConnections> {
    let url = url::Url::parse(url).ok()?;
    let plain = url.scheme() == "smtp"
        && url.username().is_empty()
        && url.password().is_none()
        && url.query().is_none();
    if !plain {
        return None;
    }
    let name = url.path().trim_matches('/');
    Some(RelayConnections {
        host: url.host_str()?.to_owned(),
        port: url.port().unwrap_or(25),
        hello: if name.is_empty() {
            ClientId::default()
        } else {
            ClientId::Domain(name.to_owned())
        },
    })
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
                if let Some(relay) = plain_relay(url) {
                    return Ok(Transport::Relay(
                        managed::Pool::builder(relay)
                            .max_size(MAX_CONNECTIONS)
                            .build()
                            .context("cannot set up the SMTP connection pool")?,
                    ));
                }
                let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .context("CONVENE_SMTP_URL is not a usable SMTP URL")?;
                Ok(Transport::Smtp(
                    builder
                        .pool_config(PoolConfig::new().max_size(MAX_CONNECTIONS as u32))
                        .build(),
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
            Transport::Relay(_) => "the SMTP relay at CONVENE_SMTP_URL".to_owned(),
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
        let refused = |e: lettre::transport::smtp::Error| SendFailure {
            permanent: e.is_permanent(),
            message: e.to_string(),
        };
        match self {
            Transport::Relay(pool) => {
                let mut connection = pool.get().await.map_err(|e| SendFailure {
                    message: format!("cannot reach the mail server: {e}"),
                    permanent: false,
                })?;
                let sent = connection.send(&envelope, message).await;
                if sent.is_err() && connection.has_broken() {
                    // Not back into the pool: the next send opens a fresh one.
                    let _ = managed::Object::take(connection);
                }
                sent.map(|_| ()).map_err(refused)
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_unauthenticated_smtp_goes_through_the_no_delay_relay() {
        let relay = plain_relay("smtp://127.0.0.1:2525").expect("a plain relay");
        assert_eq!((relay.host.as_str(), relay.port), ("127.0.0.1", 2525));
        assert_eq!(
            plain_relay("smtp://mail.example.org").map(|r| r.port),
            Some(25)
        );
        for lettre_handles in [
            "smtp://user:secret@mail.example.org:587",
            "smtp://mail.example.org:587?tls=required",
            "smtps://mail.example.org",
        ] {
            assert!(plain_relay(lettre_handles).is_none(), "{lettre_handles}");
        }
    }
}
