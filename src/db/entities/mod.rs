//! sea-orm entities, one per table, mirroring `migration/`. Vocabulary columns hold the
//! snake_case strings of `domain::vocab`; JSON columns hold small lists that are read whole.

pub mod account_link;
pub mod api_token;
pub mod attendance;
pub mod availability_window;
pub mod event;
pub mod event_organiser;
pub mod inbound_reply;
pub mod organisation;
pub mod outbox;
pub mod participant;
pub mod programme_version;
pub mod registration;
pub mod room;
pub mod session;
pub mod speaker;
pub mod speaker_invitation;
pub mod user;
