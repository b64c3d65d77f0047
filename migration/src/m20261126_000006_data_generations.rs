//! One row counting committed changes, by what they touch, for the caches of processes that share
//! a SQLite file (PostgreSQL processes hear of changes through NOTIFY instead).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DataGenerations::Table)
                    .if_not_exists()
                    .col(pk_auto(DataGenerations::Id))
                    .col(big_integer(DataGenerations::Programme).default(0))
                    .col(big_integer(DataGenerations::Attendance).default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(DataGenerations::Table)
                    .columns([
                        DataGenerations::Id,
                        DataGenerations::Programme,
                        DataGenerations::Attendance,
                    ])
                    .values_panic([1.into(), 0.into(), 0.into()])
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DataGenerations::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum DataGenerations {
    Table,
    Id,
    Programme,
    Attendance,
}
