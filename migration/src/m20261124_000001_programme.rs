//! The programme: accounts, organisations, events, rooms, speakers, sessions and who speaks where.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(pk_auto(Users::Id).big_integer())
                    .col(string_len_uniq(Users::Email, 320))
                    .col(string_len(Users::Name, 300))
                    .col(string(Users::PasswordHash))
                    .col(boolean(Users::IsAdmin).default(false))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApiTokens::Table)
                    .col(pk_auto(ApiTokens::Id).big_integer())
                    .col(big_integer(ApiTokens::UserId))
                    .col(string_len_uniq(ApiTokens::TokenHash, 64))
                    .col(timestamp_with_time_zone(ApiTokens::ExpiresAt))
                    .col(timestamp_with_time_zone(ApiTokens::CreatedAt))
                    .foreign_key(&mut cascade(
                        ApiTokens::Table,
                        ApiTokens::UserId,
                        Users::Table,
                        Users::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Organisations::Table)
                    .col(pk_auto(Organisations::Id).big_integer())
                    .col(string_len(Organisations::Name, 300))
                    .col(string_len_null(Organisations::City, 200))
                    .col(string_len_null(Organisations::Country, 200))
                    .col(timestamp_with_time_zone(Organisations::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Events::Table)
                    .col(pk_auto(Events::Id).big_integer())
                    .col(string_len_uniq(Events::Slug, 64))
                    .col(string_len(Events::Title, 300))
                    .col(text(Events::Description).default(""))
                    .col(string_len(Events::Kind, 32))
                    .col(string_len(Events::Attendance, 32))
                    .col(string_len(Events::Timezone, 64))
                    .col(date(Events::StartsOn))
                    .col(date(Events::EndsOn))
                    .col(string_len_null(Events::Venue, 300))
                    .col(string_len(Events::DefaultLanguage, 16))
                    .col(json(Events::DisplayZones))
                    .col(json(Events::Questions))
                    .col(json(Events::Documents))
                    .col(string_len_null(Events::OrganiserName, 300))
                    .col(string_len_null(Events::OrganiserEmail, 320))
                    .col(boolean(Events::RsvpAttendees).default(false))
                    .col(integer_null(Events::OnsiteCapacity))
                    .col(integer_null(Events::VirtualCapacity))
                    .col(timestamp_with_time_zone(Events::CreatedAt))
                    .col(timestamp_with_time_zone(Events::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EventOrganisers::Table)
                    .col(big_integer(EventOrganisers::EventId))
                    .col(big_integer(EventOrganisers::UserId))
                    .primary_key(
                        Index::create()
                            .col(EventOrganisers::EventId)
                            .col(EventOrganisers::UserId),
                    )
                    .foreign_key(&mut cascade(
                        EventOrganisers::Table,
                        EventOrganisers::EventId,
                        Events::Table,
                        Events::Id,
                    ))
                    .foreign_key(&mut cascade(
                        EventOrganisers::Table,
                        EventOrganisers::UserId,
                        Users::Table,
                        Users::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Rooms::Table)
                    .col(pk_auto(Rooms::Id).big_integer())
                    .col(big_integer(Rooms::EventId))
                    .col(string_len(Rooms::Name, 300))
                    .col(string_len_null(Rooms::Venue, 300))
                    .col(integer_null(Rooms::Capacity))
                    .col(timestamp_with_time_zone(Rooms::CreatedAt))
                    .foreign_key(&mut cascade(
                        Rooms::Table,
                        Rooms::EventId,
                        Events::Table,
                        Events::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Speakers::Table)
                    .col(pk_auto(Speakers::Id).big_integer())
                    .col(big_integer(Speakers::EventId))
                    .col(string_len(Speakers::Name, 300))
                    .col(string_len_null(Speakers::Honorific, 64))
                    .col(text_null(Speakers::Position))
                    .col(string_len_null(Speakers::Organisation, 300))
                    .col(big_integer_null(Speakers::OrganisationId))
                    .col(string_len_null(Speakers::City, 200))
                    .col(string_len_null(Speakers::Country, 200))
                    .col(string_len_null(Speakers::Email, 320))
                    .col(string_len(Speakers::Language, 16))
                    .col(string_len(Speakers::Timezone, 64))
                    .col(timestamp_with_time_zone(Speakers::CreatedAt))
                    .col(timestamp_with_time_zone(Speakers::UpdatedAt))
                    .foreign_key(&mut cascade(
                        Speakers::Table,
                        Speakers::EventId,
                        Events::Table,
                        Events::Id,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Speakers::Table, Speakers::OrganisationId)
                            .to(Organisations::Table, Organisations::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(pk_auto(Sessions::Id).big_integer())
                    .col(big_integer(Sessions::EventId))
                    .col(string_len(Sessions::Title, 300))
                    .col(string_len(Sessions::Kind, 32))
                    .col(text(Sessions::Description).default(""))
                    .col(json(Sessions::Questions))
                    .col(timestamp_with_time_zone(Sessions::StartsAt))
                    .col(timestamp_with_time_zone(Sessions::EndsAt))
                    .col(string_len(Sessions::Attendance, 32))
                    .col(big_integer_null(Sessions::RoomId))
                    .col(text_null(Sessions::OnlineUrl))
                    .col(integer_null(Sessions::Capacity))
                    .col(string_len(Sessions::Language, 16))
                    .col(json(Sessions::InterpretationLanguages))
                    .col(boolean(Sessions::Streamed).default(false))
                    .col(boolean(Sessions::Recorded).default(false))
                    .col(string_len(Sessions::Status, 32))
                    .col(integer(Sessions::Revision).default(0))
                    .col(timestamp_with_time_zone(Sessions::CreatedAt))
                    .col(timestamp_with_time_zone(Sessions::UpdatedAt))
                    .foreign_key(&mut cascade(
                        Sessions::Table,
                        Sessions::EventId,
                        Events::Table,
                        Events::Id,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Sessions::Table, Sessions::RoomId)
                            .to(Rooms::Table, Rooms::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_event_start")
                    .table(Sessions::Table)
                    .col(Sessions::EventId)
                    .col(Sessions::StartsAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SessionParticipants::Table)
                    .col(pk_auto(SessionParticipants::Id).big_integer())
                    .col(big_integer(SessionParticipants::SessionId))
                    .col(big_integer(SessionParticipants::SpeakerId))
                    .col(string_len(SessionParticipants::Role, 32))
                    .col(text_null(SessionParticipants::TalkTitle))
                    .col(integer(SessionParticipants::Position))
                    .col(string_len(SessionParticipants::Contribution, 32))
                    .col(string_len(SessionParticipants::Status, 32))
                    .col(timestamp_with_time_zone(
                        SessionParticipants::StatusChangedAt,
                    ))
                    .col(text_null(SessionParticipants::Note))
                    .col(timestamp_with_time_zone(SessionParticipants::CreatedAt))
                    .foreign_key(&mut cascade(
                        SessionParticipants::Table,
                        SessionParticipants::SessionId,
                        Sessions::Table,
                        Sessions::Id,
                    ))
                    .foreign_key(&mut cascade(
                        SessionParticipants::Table,
                        SessionParticipants::SpeakerId,
                        Speakers::Table,
                        Speakers::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_participants_session")
                    .table(SessionParticipants::Table)
                    .col(SessionParticipants::SessionId)
                    .col(SessionParticipants::Position)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_participants_speaker")
                    .table(SessionParticipants::Table)
                    .col(SessionParticipants::SpeakerId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SessionParticipants::Table.into_iden(),
            Sessions::Table.into_iden(),
            Speakers::Table.into_iden(),
            Rooms::Table.into_iden(),
            EventOrganisers::Table.into_iden(),
            Events::Table.into_iden(),
            Organisations::Table.into_iden(),
            ApiTokens::Table.into_iden(),
            Users::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

/// A foreign key whose rows go when the row they point to goes.
fn cascade<T: IntoIden + 'static, C: IntoIden, U: IntoIden + 'static, D: IntoIden>(
    table: T,
    column: C,
    to: U,
    to_column: D,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(to, to_column)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
    Name,
    PasswordHash,
    IsAdmin,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    UserId,
    TokenHash,
    ExpiresAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
    Name,
    City,
    Country,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
    Slug,
    Title,
    Description,
    Kind,
    Attendance,
    Timezone,
    StartsOn,
    EndsOn,
    Venue,
    DefaultLanguage,
    DisplayZones,
    Questions,
    Documents,
    OrganiserName,
    OrganiserEmail,
    RsvpAttendees,
    OnsiteCapacity,
    VirtualCapacity,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum EventOrganisers {
    Table,
    EventId,
    UserId,
}

#[derive(DeriveIden)]
enum Rooms {
    Table,
    Id,
    EventId,
    Name,
    Venue,
    Capacity,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Speakers {
    Table,
    Id,
    EventId,
    Name,
    Honorific,
    Position,
    Organisation,
    OrganisationId,
    City,
    Country,
    Email,
    Language,
    Timezone,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    EventId,
    Title,
    Kind,
    Description,
    Questions,
    StartsAt,
    EndsAt,
    Attendance,
    RoomId,
    OnlineUrl,
    Capacity,
    Language,
    InterpretationLanguages,
    Streamed,
    Recorded,
    Status,
    Revision,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SessionParticipants {
    Table,
    Id,
    SessionId,
    SpeakerId,
    Role,
    TalkTitle,
    Position,
    Contribution,
    Status,
    StatusChangedAt,
    Note,
    CreatedAt,
}
