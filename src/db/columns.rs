//! How domain values are stored: the closed vocabularies and time zones are text columns read
//! straight into their Rust types (so no status travels as a string), and JSON columns are read
//! back into the types they were written from. A stored value that does not parse is our bug, not
//! the client's, so it is an internal error.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::error::{StoreError, StoreResult};

pub(crate) fn stored_json<T: DeserializeOwned>(
    value: &serde_json::Value,
    column: &str,
) -> StoreResult<T> {
    serde_json::from_value(value.clone())
        .map_err(|e| StoreError::Corrupt(format!("JSON in column {column}: {e}")))
}

pub(crate) fn to_json<T: Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

/// A domain type stored as its text form (`Display` out, `FromStr` in), implemented here so that
/// the domain stays free of sea-orm. The same expansion as sea-orm's `DeriveValueType` for a
/// string-valued enum.
macro_rules! text_column {
    ($($ty:ty),+ $(,)?) => {$(
        impl From<$ty> for sea_orm::Value {
            fn from(source: $ty) -> Self {
                source.to_string().into()
            }
        }

        impl sea_orm::TryGetable for $ty {
            fn try_get_by<I: sea_orm::ColIdx>(
                res: &sea_orm::QueryResult,
                idx: I,
            ) -> Result<Self, sea_orm::TryGetError> {
                let text = String::try_get_by(res, idx)?;
                text.parse().map_err(|_| {
                    sea_orm::TryGetError::DbErr(sea_orm::DbErr::Type(format!(
                        "unreadable {} {text:?}",
                        stringify!($ty)
                    )))
                })
            }
        }

        impl sea_orm::sea_query::ValueType for $ty {
            fn try_from(v: sea_orm::Value) -> Result<Self, sea_orm::sea_query::ValueTypeErr> {
                let text = <String as sea_orm::sea_query::ValueType>::try_from(v)?;
                text.parse().map_err(|_| sea_orm::sea_query::ValueTypeErr)
            }

            fn type_name() -> String {
                stringify!($ty).to_owned()
            }

            fn array_type() -> sea_orm::sea_query::ArrayType {
                sea_orm::sea_query::ArrayType::String
            }

            fn column_type() -> sea_orm::sea_query::ColumnType {
                sea_orm::sea_query::ColumnType::String(sea_orm::sea_query::StringLen::None)
            }
        }

        impl sea_orm::sea_query::Nullable for $ty {
            fn null() -> sea_orm::Value {
                sea_orm::Value::String(None)
            }
        }
    )+};
}

use crate::domain::vocab::{
    AttendanceMode, Contribution, EventKind, MailStatus, Mode, ParticipantStatus,
    RegistrationStatus, Role, SeatStatus, SessionKind, SessionStatus,
};
use crate::domain::zone::Zone;

text_column!(
    AttendanceMode,
    Contribution,
    EventKind,
    MailStatus,
    Mode,
    ParticipantStatus,
    RegistrationStatus,
    Role,
    SeatStatus,
    SessionKind,
    SessionStatus,
    Zone,
);
