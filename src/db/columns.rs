//! Reading stored values back into domain types. A value that does not parse is our bug, not
//! the client's, so it is an internal error.

use std::str::FromStr;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{AppError, AppResult};

/// Reads a vocabulary value back from its column.
pub(crate) fn stored<T: FromStr>(value: &str, column: &str) -> AppResult<T> {
    value.parse().map_err(|_| {
        AppError::Internal(anyhow::anyhow!(
            "unreadable value {value:?} in column {column}"
        ))
    })
}

pub(crate) fn stored_json<T: DeserializeOwned>(
    value: &serde_json::Value,
    column: &str,
) -> AppResult<T> {
    serde_json::from_value(value.clone())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("unreadable JSON in column {column}: {e}")))
}

pub(crate) fn to_json<T: Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}
