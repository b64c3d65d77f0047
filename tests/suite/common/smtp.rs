//! A real SMTP server (mailin-embedded) on 127.0.0.1 that keeps what it receives, and can be
//! told to refuse some recipients.

use std::collections::HashSet;
use std::net::{IpAddr, TcpListener};
use std::sync::{Arc, Mutex};

use mailin_embedded::response::{OK, Response};
use mailin_embedded::{Handler, Server, SslConfig};

#[derive(Clone, Debug)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: Vec<u8>,
}

impl Received {
    pub fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default()
            .parse(&self.data)
            .expect("a parsable message")
    }
}

#[derive(Clone)]
struct Collector {
    received: Arc<Mutex<Vec<Received>>>,
    refused: Arc<Mutex<HashSet<String>>>,
    current: Option<Received>,
    /// Time taken to accept each message, to keep a fan-out going long enough to interrupt it.
    delay: std::time::Duration,
    /// Keep message bodies (tests read them); benchmarks count messages without holding them.
    keep_bodies: bool,
}

impl Handler for Collector {
    fn rcpt(&mut self, to: &str) -> Response {
        if self.refused.lock().unwrap().contains(&to.to_lowercase()) {
            Response::custom(550, format!("5.1.1 <{to}>: mailbox unavailable"))
        } else {
            OK
        }
    }

    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.current = Some(Received {
            from: from.to_owned(),
            to: to.to_vec(),
            data: Vec::new(),
        });
        OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if let Some(current) = &mut self.current
            && self.keep_bodies
        {
            current.data.extend_from_slice(buf);
        }
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        std::thread::sleep(self.delay);
        if let Some(done) = self.current.take() {
            self.received.lock().unwrap().push(done);
        }
        OK
    }

    fn helo(&mut self, _ip: IpAddr, _domain: &str) -> Response {
        OK
    }
}

pub struct TestSmtp {
    pub port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    refused: Arc<Mutex<HashSet<String>>>,
}

impl TestSmtp {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        Self::serve(listener, std::time::Duration::ZERO)
    }

    /// A server that takes `delay` to accept each message.
    pub fn start_slow(delay: std::time::Duration) -> Self {
        Self::serve(
            TcpListener::bind("127.0.0.1:0").expect("a free port"),
            delay,
        )
    }

    /// A server on a port chosen before (to bring a "down" server up).
    pub fn start_on(port: u16) -> Self {
        Self::serve(
            TcpListener::bind(("127.0.0.1", port)).expect("the port is free"),
            std::time::Duration::ZERO,
        )
    }

    /// Accepts and counts messages without keeping their bodies, so that a benchmark measures
    /// the app's memory rather than ten thousand received emails.
    #[allow(dead_code)]
    pub fn start_counting() -> Self {
        Self::serve_with(
            TcpListener::bind("127.0.0.1:0").expect("a free port"),
            std::time::Duration::ZERO,
            false,
        )
    }

    fn serve(listener: TcpListener, delay: std::time::Duration) -> Self {
        Self::serve_with(listener, delay, true)
    }

    fn serve_with(listener: TcpListener, delay: std::time::Duration, keep_bodies: bool) -> Self {
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let refused = Arc::new(Mutex::new(HashSet::new()));
        let handler = Collector {
            received: received.clone(),
            refused: refused.clone(),
            current: None,
            delay,
            keep_bodies,
        };
        let mut server = Server::new(handler);
        server
            .with_name("smtp.test")
            .with_tcp_listener(listener)
            .with_num_threads(160);
        server.with_ssl(SslConfig::None).expect("plain SMTP");
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        TestSmtp {
            port,
            received,
            refused,
        }
    }

    /// A port where nothing listens (yet).
    pub fn unused_port() -> u16 {
        TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn refuse(&self, address: &str) {
        self.refused.lock().unwrap().insert(address.to_lowercase());
    }

    pub fn messages(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    pub fn messages_to(&self, address: &str) -> Vec<Received> {
        self.messages()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(address)))
            .collect()
    }
}

/// What is wrong with a message by the rules every mail client relies on (RFC 5322, 2045, 2047):
/// nothing but ASCII on the wire (8-bit text travels encoded), lines of at most 998 characters,
/// the headers every message needs, and a charset on every text part.
pub fn defects(data: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    if !data.is_ascii() {
        found.push("raw 8-bit bytes on the wire (headers unencoded, or a body without a transfer encoding)".to_owned());
    }
    if data.split(|b| *b == b'\n').any(|line| line.len() > 999) {
        found.push("a line longer than 998 characters".to_owned());
    }
    let text = String::from_utf8_lossy(data);
    let head = text
        .split("\r\n\r\n")
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    for header in [
        "from",
        "to",
        "subject",
        "date",
        "message-id",
        "mime-version",
        "content-type",
    ] {
        if !head.starts_with(&format!("{header}:")) && !head.contains(&format!("\r\n{header}:")) {
            found.push(format!("no {header} header"));
        }
    }
    match mail_parser::MessageParser::default().parse(data) {
        None => found.push("not a parsable message".to_owned()),
        Some(message) => {
            for part in &message.parts {
                let Some(content_type) = mail_parser::MimeHeaders::content_type(part) else {
                    continue;
                };
                if content_type.ctype().eq_ignore_ascii_case("text")
                    && content_type.attribute("charset").is_none()
                {
                    found.push(format!(
                        "a text/{} part without charset",
                        content_type.subtype().unwrap_or_default()
                    ));
                }
            }
        }
    }
    found
}

impl Drop for TestSmtp {
    /// Every email a test received is checked; a malformed one fails the test that sent it.
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let received = self.received.lock().unwrap();
        let problems: Vec<String> = received
            .iter()
            .filter(|m| !m.data.is_empty())
            .filter_map(|m| {
                let wrong = defects(&m.data);
                (!wrong.is_empty()).then(|| {
                    let subject = m.parsed().subject().unwrap_or_default().to_owned();
                    format!("to {:?}, \"{subject}\": {}", m.to, wrong.join("; "))
                })
            })
            .collect();
        assert!(
            problems.is_empty(),
            "malformed emails:\n{}",
            problems.join("\n")
        );
    }
}
