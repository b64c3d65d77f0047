//! What the store can answer besides a row: nothing found, a duplicate that a unique index
//! refused, or a database failure. Duplicates are recognised by the constraint they broke (its
//! name differs between SQLite and PostgreSQL) and described in our words, so an answer never
//! echoes the database's own text.

use sea_orm::{DbErr, SqlErr};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{}", .0.reason)]
    Duplicate(Duplicate),
    /// A stored value that does not read back: our bug, not the caller's.
    #[error("unreadable stored value: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Database(DbErr),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A unique constraint that refused a write: which input it concerns and why, for the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duplicate {
    pub field: Option<&'static str>,
    pub reason: &'static str,
}

/// Each unique constraint of the schema, by the names SQLite (`table.column`) and PostgreSQL
/// (the constraint or index name) give it in their errors.
const CONSTRAINTS: &[(&[&str], Duplicate)] = &[
    (
        &["events.slug", "events_slug_key"],
        Duplicate {
            field: Some("slug"),
            reason: "an event with this slug already exists",
        },
    ),
    (
        &["users.email", "users_email_key"],
        Duplicate {
            field: Some("email"),
            reason: "an account with this email already exists",
        },
    ),
    (
        &[
            "registrations.event_id, registrations.email_key",
            "idx_registrations_event_email",
        ],
        Duplicate {
            field: Some("email"),
            reason: "this email address is already registered for this event",
        },
    ),
    (
        &[
            "attendances.registration_id, attendances.session_id",
            "idx_attendances_registration_session",
        ],
        Duplicate {
            field: Some("session_ids"),
            reason: "this registration already has a place at this session",
        },
    ),
    (
        &[
            "programme_versions.event_id, programme_versions.number",
            "idx_programme_versions_event_number",
        ],
        Duplicate {
            field: None,
            reason: "the programme was published by someone else at the same moment; look at the new version and try again",
        },
    ),
    (
        &["outbox.dedup_key", "outbox_dedup_key_key"],
        Duplicate {
            field: None,
            reason: "this email has already been queued",
        },
    ),
];

/// A unique constraint we do not name above (a random token colliding, say).
const OTHER_DUPLICATE: Duplicate = Duplicate {
    field: None,
    reason: "this conflicts with something that already exists; try again",
};

fn duplicate_of(detail: &str) -> Duplicate {
    CONSTRAINTS
        .iter()
        .find(|(names, _)| names.iter().any(|name| detail.contains(name)))
        .map(|(_, duplicate)| *duplicate)
        .unwrap_or(OTHER_DUPLICATE)
}

impl From<DbErr> for StoreError {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(detail)) => {
                tracing::debug!(%detail, "unique constraint refused a write");
                StoreError::Duplicate(duplicate_of(&detail))
            }
            _ => StoreError::Database(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_are_named_by_their_constraint_on_either_database() {
        let sqlite = "UNIQUE constraint failed: events.slug";
        let postgres = "duplicate key value violates unique constraint \"events_slug_key\"";
        assert_eq!(duplicate_of(sqlite).field, Some("slug"));
        assert_eq!(duplicate_of(postgres).field, Some("slug"));
        assert_eq!(
            duplicate_of(
                "UNIQUE constraint failed: registrations.event_id, registrations.email_key"
            )
            .field,
            Some("email")
        );
        assert_eq!(
            duplicate_of("UNIQUE constraint failed: api_tokens.token_hash"),
            OTHER_DUPLICATE
        );
    }
}
