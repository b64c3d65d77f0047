//! The use cases, by capability: what Convene does, whichever interface asks.
//!
//! The JSON API (`api/`), the pages (`web/`), the command line (`cli.rs`), the demo loader and
//! the outbox worker call these; none of them import each other. A use case takes typed inputs,
//! runs the domain rules (`domain/`), persists through the store (`db/`), queues email through
//! the outbox (`mail::outbox`) in the same transaction, and returns typed results or an
//! `AppError` that knows nothing of HTTP.
//!
//! Where a new feature goes: a new thing organisers edit → `catalogue/`; anything about seats
//! and registrants → `registration/`; speakers answering their slots → `speaking.rs`; what
//! becomes public and when → `publishing/`; schedule files → `exchange.rs`; who is emailed about
//! a change → `notification.rs`; calendar replies that come back → `inbound.rs`; reminders before
//! sessions → `reminders.rs`; the schedule assistant's proposals → `planning.rs`.

pub mod accounts;
pub mod catalogue;
pub mod exchange;
pub mod feeds;
pub mod inbound;
pub mod notification;
pub mod outbox;
pub mod planning;
pub mod programme;
pub mod publishing;
pub mod registration;
pub mod reminders;
pub mod speaking;
pub mod state;

pub use state::AppState;
