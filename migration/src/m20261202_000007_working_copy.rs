//! Staged publishing: a published session's pending edits (its working copy), participants who
//! are not yet (or no longer) public, the original label of an imported session type, and the
//! conflicts an organiser acknowledged when publishing a version.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .add_column(text_null(Sessions::Staged))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .add_column(string_null(Sessions::KindLabel))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SessionParticipants::Table)
                    .add_column(boolean(SessionParticipants::Published).default(true))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SessionParticipants::Table)
                    .add_column(boolean(SessionParticipants::Withdrawn).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ProgrammeVersions::Table)
                    .add_column(text(ProgrammeVersions::Acknowledged).default("[]"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in [
            (Sessions::Table.into_iden(), Sessions::Staged.into_iden()),
            (Sessions::Table.into_iden(), Sessions::KindLabel.into_iden()),
            (
                SessionParticipants::Table.into_iden(),
                SessionParticipants::Published.into_iden(),
            ),
            (
                SessionParticipants::Table.into_iden(),
                SessionParticipants::Withdrawn.into_iden(),
            ),
            (
                ProgrammeVersions::Table.into_iden(),
                ProgrammeVersions::Acknowledged.into_iden(),
            ),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Staged,
    KindLabel,
}

#[derive(DeriveIden)]
enum SessionParticipants {
    Table,
    Published,
    Withdrawn,
}

#[derive(DeriveIden)]
enum ProgrammeVersions {
    Table,
    Acknowledged,
}
