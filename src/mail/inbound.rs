//! Inbound mail: reading a received message (with `mail-parser`) down to its sender and its
//! calendar parts, and the built-in SMTP receiver (`mailin-embedded`) that hands each message to
//! the application. What a reply changes is decided in `app::inbound`, not here.

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::sync::Arc;

use mail_parser::{MessageParser, MimeHeaders};
use mailin_embedded::response::{self, Response};
use mailin_embedded::{Handler, Server, SslConfig};

/// The largest message the receiver takes (calendar replies are a few kilobytes).
pub const MAX_MESSAGE_BYTES: usize = 4 * 1024 * 1024;

/// What a received message says that Convene reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Received {
    pub message_id: Option<String>,
    /// The From address, lower-cased.
    pub from: Option<String>,
    /// The texts of its calendar parts, the `text/calendar; method=REPLY` part first: Google and
    /// Thunderbird also attach the same calendar as `application/ics`, Apple and Outlook do not.
    pub calendars: Vec<String>,
}

/// Reads a raw RFC 5322 message; `None` when it is not a message at all.
pub fn read_message(raw: &[u8]) -> Option<Received> {
    let message = MessageParser::default().parse(raw)?;
    let from = message
        .from()
        .and_then(|from| from.first())
        .and_then(|addr| addr.address())
        .map(|address| address.trim().to_lowercase());
    let mut ranked: Vec<(u8, String)> = Vec::new();
    for part in &message.parts {
        let Some(content_type) = part.content_type() else {
            continue;
        };
        let subtype = content_type.subtype().unwrap_or_default();
        let rank = match (
            content_type.ctype().to_ascii_lowercase().as_str(),
            subtype.to_ascii_lowercase().as_str(),
        ) {
            ("text", "calendar") if content_type.attribute("method").is_some() => 0,
            ("text", "calendar") => 1,
            ("application", "ics") => 2,
            _ => continue,
        };
        let text = match part.text_contents() {
            Some(text) => text.to_owned(),
            None => String::from_utf8_lossy(part.contents()).into_owned(),
        };
        ranked.push((rank, text));
    }
    ranked.sort_by_key(|(rank, _)| *rank);
    Some(Received {
        message_id: message.message_id().map(str::to_owned),
        from,
        calendars: ranked.into_iter().map(|(_, text)| text).collect(),
    })
}

/// What the receiver does with each whole message. `Err` means "try again later" (the
/// database is unreachable, say): the sending server keeps the message and retries.
pub type Deliver = Arc<dyn Fn(Vec<u8>) -> Result<(), String> + Send + Sync>;

#[derive(Clone)]
struct Receiver {
    deliver: Deliver,
    data: Vec<u8>,
    too_large: bool,
}

impl Handler for Receiver {
    fn helo(&mut self, _ip: IpAddr, _domain: &str) -> Response {
        response::OK
    }

    fn data_start(
        &mut self,
        _domain: &str,
        _from: &str,
        _is8bit: bool,
        _to: &[String],
    ) -> Response {
        self.data.clear();
        self.too_large = false;
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if self.data.len() + buf.len() > MAX_MESSAGE_BYTES {
            self.too_large = true;
        } else {
            self.data.extend_from_slice(buf);
        }
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let data = std::mem::take(&mut self.data);
        if self.too_large {
            return Response::custom(552, "5.3.4 message too large for a calendar reply".into());
        }
        // A reply that changes nothing (forged, stale, unrelated) is still accepted: it is
        // recorded, and refusing it would only send a bounce to whoever the From names.
        match (self.deliver)(data) {
            Ok(()) => response::OK,
            Err(why) => Response::custom(451, format!("4.3.0 try again later: {why}")),
        }
    }
}

/// Binds the receiver; serving then runs on its own threads for the life of the process.
pub fn start_receiver(addr: SocketAddr, deliver: Deliver) -> anyhow::Result<SocketAddr> {
    let listener = TcpListener::bind(addr)
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr} (CONVENE_INBOUND_SMTP_ADDR): {e}"))?;
    let bound = listener.local_addr()?;
    let mut server = Server::new(Receiver {
        deliver,
        data: Vec::new(),
        too_large: false,
    });
    server
        .with_name("convene")
        .with_tcp_listener(listener)
        .with_num_threads(8);
    server
        .with_ssl(SslConfig::None)
        .map_err(|e| anyhow::anyhow!("inbound SMTP: {e}"))?;
    std::thread::Builder::new()
        .name("inbound-smtp".into())
        .spawn(move || {
            if let Err(e) = server.serve() {
                tracing::error!(error = %e, "the inbound SMTP receiver stopped");
            }
        })?;
    Ok(bound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_method_part_comes_before_the_attachment() {
        let raw = b"From: Ana <Ana@Example.org>\r\nMessage-ID: <1@x>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/ics; name=invite.ics\r\n\r\nATTACHED\r\n--b\r\nContent-Type: text/calendar; method=REPLY\r\n\r\nINLINE\r\n--b--\r\n";
        let read = read_message(raw).unwrap();
        assert_eq!(read.from.as_deref(), Some("ana@example.org"));
        assert_eq!(read.message_id.as_deref(), Some("1@x"));
        assert_eq!(read.calendars.len(), 2);
        assert!(read.calendars[0].starts_with("INLINE"));
    }

    #[test]
    fn a_message_without_calendar_has_none() {
        let read = read_message(b"From: a@b.org\r\nSubject: hello\r\n\r\nhi\r\n").unwrap();
        assert!(read.calendars.is_empty());
    }
}
