//! Email: composing messages (templates, iMIP MIME), the durable outbox, and delivery over
//! SMTP or into `.eml` files.

pub mod compose;
pub mod outbox;
pub mod transport;
