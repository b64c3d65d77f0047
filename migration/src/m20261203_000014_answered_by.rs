//! How a speaker's answer arrived (`link` or `calendar`), for the organisers' board of answers.

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
                    .add_column(string_null(SessionParticipants::AnsweredBy))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SessionParticipants::Table)
                    .drop_column(SessionParticipants::AnsweredBy)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum SessionParticipants {
    Table,
    AnsweredBy,
}
