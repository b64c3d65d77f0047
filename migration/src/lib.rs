//! Convene's schema, one migration per file, in order. A released migration is never edited:
//! changes go into a new file appended to the list.

pub use sea_orm_migration::prelude::*;

mod m20261124_000001_programme;
mod m20261124_000002_attendance_and_outbox;
mod m20261125_000003_speaker_invitations;
mod m20261125_000004_availability_and_versions;
mod m20261125_000005_schedule_guids;
mod m20261126_000006_data_generations;
mod m20261202_000007_working_copy;
mod m20261202_000008_staged_participants;
mod m20261202_000009_superseded_invitations;
mod m20261202_000010_slot_calendar_sequence;
mod m20261202_000011_session_track_and_links;
mod m20261202_000012_calendar_replies;
mod m20261202_000013_reminders_and_digest;
mod m20261203_000014_answered_by;
mod m20261203_000015_account_links;
mod m20261203_000016_day_plan_and_scheduling_rules;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261124_000001_programme::Migration),
            Box::new(m20261124_000002_attendance_and_outbox::Migration),
            Box::new(m20261125_000003_speaker_invitations::Migration),
            Box::new(m20261125_000004_availability_and_versions::Migration),
            Box::new(m20261125_000005_schedule_guids::Migration),
            Box::new(m20261126_000006_data_generations::Migration),
            Box::new(m20261202_000007_working_copy::Migration),
            Box::new(m20261202_000008_staged_participants::Migration),
            Box::new(m20261202_000009_superseded_invitations::Migration),
            Box::new(m20261202_000010_slot_calendar_sequence::Migration),
            Box::new(m20261202_000011_session_track_and_links::Migration),
            Box::new(m20261202_000012_calendar_replies::Migration),
            Box::new(m20261202_000013_reminders_and_digest::Migration),
            Box::new(m20261203_000014_answered_by::Migration),
            Box::new(m20261203_000015_account_links::Migration),
            Box::new(m20261203_000016_day_plan_and_scheduling_rules::Migration),
        ]
    }
}
