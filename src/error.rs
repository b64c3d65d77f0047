//! The one error type of the application, rendered as RFC 9457 `application/problem+json`.
//! Internal failures are logged with their cause and shown to the client without it.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sea_orm::DbErr;

use crate::db::error::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// One refused input: where it is (a JSON path such as `display_zones[1].timezone`) and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub reason: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 422: the request was understood but some fields hold values we refuse.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// 400: the request could not be read at all (malformed JSON, bad path or query syntax).
    #[error("{0}")]
    BadRequest(String),
    #[error("{0} not found")]
    NotFound(&'static str),
    /// 409: the request clashes with the current state (a taken slug, remaining conflicts).
    #[error("{detail}")]
    Conflict {
        detail: String,
        field: Option<String>,
        extra: Option<serde_json::Value>,
    },
    #[error("{0}")]
    Unauthorized(&'static str),
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("{0}")]
    UnsupportedMediaType(&'static str),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("too many requests; try again in {retry_after_seconds} seconds")]
    TooManyRequests { retry_after_seconds: u64 },
    #[error("{0}")]
    Gone(&'static str),
    #[error("this method is not allowed here")]
    MethodNotAllowed,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        AppError::Invalid(vec![FieldError::new(field, reason)])
    }

    pub fn conflict(field: impl Into<String>, detail: impl Into<String>) -> Self {
        AppError::Conflict {
            detail: detail.into(),
            field: Some(field.into()),
            extra: None,
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Gone(_) => StatusCode::GONE,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// Collects field errors so one response can name every refused field at once.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn add(&mut self, field: impl Into<String>, reason: impl Into<String>) {
        self.0.push(FieldError::new(field, reason));
    }

    /// Keeps the value, or records the error under `field` and gives `None`.
    pub fn check<T, E: std::fmt::Display>(
        &mut self,
        field: &str,
        result: Result<T, E>,
    ) -> Option<T> {
        result
            .map_err(|reason| self.add(field, reason.to_string()))
            .ok()
    }

    /// The checked value once every check passed; the errors otherwise. A value missing without
    /// any recorded error is our bug, reported as an internal error rather than a panic.
    pub fn into_value<T>(self, value: Option<T>) -> Result<T, AppError> {
        self.into_result()?;
        value.ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!(
                "a checked value is missing though no check failed"
            ))
        })
    }

    pub fn into_result(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(self.0))
        }
    }
}

/// The RFC 9457 body. `type` stays `about:blank`, so `title` is the status phrase; `errors` is
/// our extension member listing each refused field.
#[derive(Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub problem_type: &'static str,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Object)]
    pub extra: Option<serde_json::Value>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let (detail, errors, extra) = match self {
            AppError::Invalid(errors) => {
                let detail = errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.reason))
                    .collect::<Vec<_>>()
                    .join("; ");
                (detail, errors, None)
            }
            AppError::Conflict {
                detail,
                field,
                extra,
            } => {
                let errors = field
                    .map(|field| vec![FieldError::new(field, detail.clone())])
                    .unwrap_or_default();
                (detail, errors, extra)
            }
            AppError::Internal(cause) => {
                tracing::error!(error = ?cause, "internal error");
                (
                    "something went wrong on our side; it has been logged".to_owned(),
                    vec![],
                    None,
                )
            }
            other => (other.to_string(), vec![], None),
        };
        let retry_after = match status {
            StatusCode::TOO_MANY_REQUESTS => detail
                .split_whitespace()
                .find_map(|w| w.parse::<u64>().ok()),
            _ => None,
        };
        let problem = Problem {
            problem_type: "about:blank",
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail,
            errors,
            extra,
        };
        let mut response = (status, axum::Json(problem)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(seconds) = retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound(what) => AppError::NotFound(what),
            // A unique index that a check-then-insert race slipped past still reads as a clean
            // 409 naming the field, in our words rather than the database's.
            StoreError::Duplicate(duplicate) => AppError::Conflict {
                detail: duplicate.reason.to_owned(),
                field: duplicate.field.map(str::to_owned),
                extra: None,
            },
            StoreError::Corrupt(what) => {
                AppError::Internal(anyhow::anyhow!("unreadable stored value: {what}"))
            }
            StoreError::Database(err) => AppError::Internal(err.into()),
        }
    }
}

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        StoreError::from(err).into()
    }
}

impl From<sea_orm::TransactionError<AppError>> for AppError {
    fn from(err: sea_orm::TransactionError<AppError>) -> Self {
        match err {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(app) => app,
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
