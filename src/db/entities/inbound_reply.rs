use sea_orm::entity::prelude::*;

/// One calendar reply that reached Convene (by SMTP or by the inbound webhook) and what became
/// of it: a forged, stale or unrelated reply is kept with the reason it changed nothing.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inbound_replies")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub received_at: DateTimeUtc,
    /// `smtp` or `http`.
    pub channel: String,
    pub message_id: Option<String>,
    /// The From address of the message.
    pub sender: Option<String>,
    pub uid: Option<String>,
    pub sequence: Option<i32>,
    pub partstat: Option<String>,
    /// The event the reply concerns, once known.
    pub event_id: Option<i64>,
    /// `applied`, `unchanged` or `refused`.
    pub outcome: String,
    pub reason: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
