//! Calendar replies read back: every inbound iTIP message is recorded with what became of it
//! (applied, unchanged, refused and why), and an attendee's own entry counts its SEQUENCE on top
//! of the session's revision, so that the CANCEL of their seat is newer than the last REQUEST.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Attendances::Table)
                    .add_column(integer(Attendances::CalendarSequence).default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(InboundReplies::Table)
                    .if_not_exists()
                    .col(pk_auto(InboundReplies::Id).big_integer())
                    .col(timestamp_with_time_zone(InboundReplies::ReceivedAt))
                    .col(string(InboundReplies::Channel))
                    .col(string_null(InboundReplies::MessageId))
                    .col(string_null(InboundReplies::Sender))
                    .col(string_null(InboundReplies::Uid))
                    .col(integer_null(InboundReplies::Sequence))
                    .col(string_null(InboundReplies::Partstat))
                    .col(big_integer_null(InboundReplies::EventId))
                    .col(string(InboundReplies::Outcome))
                    .col(string(InboundReplies::Reason))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_inbound_replies_event")
                    .table(InboundReplies::Table)
                    .col(InboundReplies::EventId)
                    .col(InboundReplies::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(InboundReplies::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Attendances::Table)
                    .drop_column(Attendances::CalendarSequence)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Attendances {
    Table,
    CalendarSequence,
}

#[derive(DeriveIden)]
enum InboundReplies {
    Table,
    Id,
    ReceivedAt,
    Channel,
    MessageId,
    Sender,
    Uid,
    Sequence,
    Partstat,
    EventId,
    Outcome,
    Reason,
}
