//! Availability windows of speakers and rooms (instants, entered in their own zone), and the
//! published versions of each event's programme, kept whole so that any two can be compared.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AvailabilityWindows::Table)
                    .col(pk_auto(AvailabilityWindows::Id).big_integer())
                    .col(big_integer(AvailabilityWindows::EventId))
                    // Exactly one of speaker_id and room_id is set (checked by the API).
                    .col(big_integer_null(AvailabilityWindows::SpeakerId))
                    .col(big_integer_null(AvailabilityWindows::RoomId))
                    .col(timestamp_with_time_zone(AvailabilityWindows::StartsAt))
                    .col(timestamp_with_time_zone(AvailabilityWindows::EndsAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AvailabilityWindows::Table, AvailabilityWindows::EventId)
                            .to(Events::Table, Events::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AvailabilityWindows::Table, AvailabilityWindows::SpeakerId)
                            .to(Speakers::Table, Speakers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AvailabilityWindows::Table, AvailabilityWindows::RoomId)
                            .to(Rooms::Table, Rooms::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_availability_windows_event")
                    .table(AvailabilityWindows::Table)
                    .col(AvailabilityWindows::EventId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProgrammeVersions::Table)
                    .col(pk_auto(ProgrammeVersions::Id).big_integer())
                    .col(big_integer(ProgrammeVersions::EventId))
                    .col(integer(ProgrammeVersions::Number))
                    .col(timestamp_with_time_zone(ProgrammeVersions::PublishedAt))
                    .col(string_len_null(ProgrammeVersions::PublishedBy, 320))
                    // The public programme as it stood, as JSON (see `domain::versions`).
                    .col(text(ProgrammeVersions::Snapshot))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProgrammeVersions::Table, ProgrammeVersions::EventId)
                            .to(Events::Table, Events::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_programme_versions_event_number")
                    .table(ProgrammeVersions::Table)
                    .col(ProgrammeVersions::EventId)
                    .col(ProgrammeVersions::Number)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ProgrammeVersions::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(AvailabilityWindows::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Speakers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Rooms {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AvailabilityWindows {
    Table,
    Id,
    EventId,
    SpeakerId,
    RoomId,
    StartsAt,
    EndsAt,
}

#[derive(DeriveIden)]
enum ProgrammeVersions {
    Table,
    Id,
    EventId,
    Number,
    PublishedAt,
    PublishedBy,
    Snapshot,
}
