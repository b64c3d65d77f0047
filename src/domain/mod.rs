//! The pure core: vocabulary, typed inputs, time zones, formatting, programme assembly.
//! Nothing in here touches the network, the database, the clock or the file system.

pub mod availability;
pub mod calendar;
pub mod changes;
pub mod conflicts;
pub mod format;
pub mod local_time;
pub mod programme;
pub mod schedule;
pub mod slots;
pub mod text;
pub mod versions;
pub mod vocab;
pub mod zone;
