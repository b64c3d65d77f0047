//! The black-box suite, one test binary: each module drives the real app over HTTP (and the real
//! binary, SMTP server and Chromium where it says so). One binary links the dependency graph once.

mod common;

mod attendance;
mod browser;
mod calendar_samples;
mod cli;
mod conflicts;
mod console;
mod crash_recovery;
mod delivery;
mod foundation;
mod integrity;
mod invitations;
mod pages;
mod planning;
mod public_reads;
mod reminders;
mod replies;
mod schedule_exchange;
mod scheduling;
mod speakers;
mod staging;
mod timezones;
mod two_processes;
