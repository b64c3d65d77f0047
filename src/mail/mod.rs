//! Email: composing messages (templates, iMIP MIME), the durable outbox, and delivery over
//! SMTP or into `.eml` files. Use cases queue mail with `outbox::enqueue` in their own
//! transaction; the worker (`outbox::run_worker`) delivers with a `Courier`. A new kind of email
//! is a template in `templates/email/` and a composer in `compose.rs`.

pub mod compose;
pub mod inbound;
pub mod outbox;
pub mod transport;
