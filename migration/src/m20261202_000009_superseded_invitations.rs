//! A re-invitation retires the participant's earlier answer links: an old email's link must not
//! overwrite the answer given to the newer one.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SpeakerInvitations::Table)
                    .add_column(timestamp_with_time_zone_null(
                        SpeakerInvitations::SupersededAt,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SpeakerInvitations::Table)
                    .drop_column(SpeakerInvitations::SupersededAt)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum SpeakerInvitations {
    Table,
    SupersededAt,
}
