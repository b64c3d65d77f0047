//! Speaker slot invitations: one unguessable, expiring, single-use answer link per invitation.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SpeakerInvitations::Table)
                    .col(pk_auto(SpeakerInvitations::Id).big_integer())
                    .col(big_integer(SpeakerInvitations::ParticipantId))
                    .col(string_len_uniq(SpeakerInvitations::TokenHash, 64))
                    .col(timestamp_with_time_zone(SpeakerInvitations::ExpiresAt))
                    .col(timestamp_with_time_zone_null(
                        SpeakerInvitations::AnsweredAt,
                    ))
                    .col(timestamp_with_time_zone(SpeakerInvitations::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SpeakerInvitations::Table, SpeakerInvitations::ParticipantId)
                            .to(SessionParticipants::Table, SessionParticipants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SpeakerInvitations::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum SessionParticipants {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum SpeakerInvitations {
    Table,
    Id,
    ParticipantId,
    TokenHash,
    ExpiresAt,
    AnsweredAt,
    CreatedAt,
}
