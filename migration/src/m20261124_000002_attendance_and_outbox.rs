//! Registrations (who attends which session, in which mode) and the email outbox.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Registrations::Table)
                    .col(pk_auto(Registrations::Id).big_integer())
                    .col(big_integer(Registrations::EventId))
                    .col(string_len(Registrations::Name, 300))
                    .col(string_len(Registrations::Email, 320))
                    .col(string_len(Registrations::EmailKey, 320))
                    .col(string_len_null(Registrations::Organisation, 300))
                    .col(string_len_null(Registrations::City, 200))
                    .col(string_len_null(Registrations::Country, 200))
                    .col(string_len(Registrations::Attendance, 32))
                    .col(string_len(Registrations::Language, 16))
                    .col(string_len(Registrations::Timezone, 64))
                    .col(string_len(Registrations::Status, 32))
                    .col(string_len_uniq(Registrations::ManageTokenHash, 64))
                    .col(string_len_uniq(Registrations::FeedToken, 64))
                    .col(timestamp_with_time_zone(Registrations::CreatedAt))
                    .col(timestamp_with_time_zone(Registrations::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Registrations::Table, Registrations::EventId)
                            .to(Events::Table, Events::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // One registration per person and event: a repeat finds the first one.
        manager
            .create_index(
                Index::create()
                    .name("idx_registrations_event_email")
                    .table(Registrations::Table)
                    .col(Registrations::EventId)
                    .col(Registrations::EmailKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Attendances::Table)
                    .col(pk_auto(Attendances::Id).big_integer())
                    .col(big_integer(Attendances::RegistrationId))
                    .col(big_integer(Attendances::SessionId))
                    .col(string_len(Attendances::Mode, 32))
                    .col(string_len(Attendances::Status, 32))
                    .col(timestamp_with_time_zone(Attendances::CreatedAt))
                    .col(timestamp_with_time_zone(Attendances::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Attendances::Table, Attendances::RegistrationId)
                            .to(Registrations::Table, Registrations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Attendances::Table, Attendances::SessionId)
                            .to(Sessions::Table, Sessions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_attendances_registration_session")
                    .table(Attendances::Table)
                    .col(Attendances::RegistrationId)
                    .col(Attendances::SessionId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_attendances_session_status")
                    .table(Attendances::Table)
                    .col(Attendances::SessionId)
                    .col(Attendances::Status)
                    .col(Attendances::Id)
                    .to_owned(),
            )
            .await?;
        // Speakers get a personal calendar feed too; the column is filled for every new speaker.
        manager
            .alter_table(
                Table::alter()
                    .table(Speakers::Table)
                    .add_column(string_len_null(Speakers::FeedToken, 64))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_speakers_feed_token")
                    .table(Speakers::Table)
                    .col(Speakers::FeedToken)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .col(pk_auto(Outbox::Id).big_integer())
                    .col(string_len_uniq(Outbox::DedupKey, 200))
                    .col(big_integer_null(Outbox::EventId))
                    .col(string_len(Outbox::Kind, 32))
                    .col(string_len(Outbox::Sender, 320))
                    .col(string_len(Outbox::Recipient, 320))
                    .col(text(Outbox::Subject))
                    .col(text(Outbox::Message))
                    .col(string_len(Outbox::Status, 16))
                    .col(integer(Outbox::Attempts).default(0))
                    .col(timestamp_with_time_zone(Outbox::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(Outbox::LockedUntil))
                    .col(text_null(Outbox::LastError))
                    .col(timestamp_with_time_zone(Outbox::CreatedAt))
                    .col(timestamp_with_time_zone_null(Outbox::SentAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Outbox::Table, Outbox::EventId)
                            .to(Events::Table, Events::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_due")
                    .table(Outbox::Table)
                    .col(Outbox::Status)
                    .col(Outbox::NextAttemptAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Outbox::Table).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_speakers_feed_token")
                    .table(Speakers::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Speakers::Table)
                    .drop_column(Speakers::FeedToken)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(Attendances::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Registrations::Table).to_owned())
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
    FeedToken,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Registrations {
    Table,
    Id,
    EventId,
    Name,
    Email,
    /// Lower-cased email: the identity of a registrant within an event.
    EmailKey,
    Organisation,
    City,
    Country,
    Attendance,
    Language,
    Timezone,
    Status,
    ManageTokenHash,
    FeedToken,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Attendances {
    Table,
    Id,
    RegistrationId,
    SessionId,
    Mode,
    Status,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    DedupKey,
    EventId,
    Kind,
    Sender,
    Recipient,
    Subject,
    Message,
    Status,
    Attempts,
    NextAttemptAt,
    LockedUntil,
    LastError,
    CreatedAt,
    SentAt,
}
