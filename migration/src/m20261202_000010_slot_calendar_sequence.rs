//! Each speaker's slot is a calendar entry of its own (tentative until they confirm, unlike the
//! attendees' entry of the session): its SEQUENCE is counted per participant.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SessionParticipants::Table)
                    .add_column(integer(SessionParticipants::CalendarSequence).default(0))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SessionParticipants::Table)
                    .drop_column(SessionParticipants::CalendarSequence)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum SessionParticipants {
    Table,
    CalendarSequence,
}
