//! A public session's participant edited by an organiser (role, order, talk, contribution)
//! keeps its published values until the next publication; the edit waits here.

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
                    .add_column(text_null(SessionParticipants::Staged))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SessionParticipants::Table)
                    .drop_column(SessionParticipants::Staged)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum SessionParticipants {
    Table,
    Staged,
}
