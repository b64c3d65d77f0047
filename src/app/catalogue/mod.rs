//! What organisers build: events, rooms, speakers, sessions, who takes part in which role, the
//! directory of organisations, and when people and rooms are available.

pub mod availability;
pub mod events;
pub mod organisations;
pub mod participants;
pub mod rooms;
pub mod sessions;
pub mod speakers;
