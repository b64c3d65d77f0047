//! Stable identifiers for schedule exchange (frab `guid`): kept when a session or person comes
//! from another system, so re-importing updates instead of duplicating.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .add_column(string_len_null(Sessions::Guid, 36))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Speakers::Table)
                    .add_column(string_len_null(Speakers::Guid, 36))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Speakers::Table)
                    .drop_column(Speakers::Guid)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .drop_column(Sessions::Guid)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Guid,
}

#[derive(DeriveIden)]
enum Speakers {
    Table,
    Guid,
}
