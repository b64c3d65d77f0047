//! The pure core: vocabulary, typed inputs, time zones, formatting, programme assembly,
//! conflicts, slot finding, calendars and schedule formats. Nothing in here touches the network,
//! the database, the clock or the file system, so every rule is tested without them.
//!
//! A new rule about time, scheduling or what a document contains goes here; `app/` calls it.

pub mod availability;
pub mod calendar;
pub mod changes;
pub mod conflicts;
pub mod format;
pub mod itip;
pub mod local_time;
pub mod planner;
pub mod programme;
pub mod reminders;
pub mod schedule;
pub mod seating;
pub mod slots;
pub mod text;
pub mod timetable;
pub mod versions;
pub mod vocab;
pub mod zone;
