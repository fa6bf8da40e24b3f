//! The one error type of the store boundary. Callers branch on the variants; everything the
//! caller cannot act on is `Other`.

use std::fmt;

use crate::Refusal;

/// Why a store operation was refused or failed. A refused operation leaves the database unchanged.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The input is not allowed (range, format, date order, unknown reference): `field` names
    /// the input, `message` says why in any language.
    #[error("{field}: {message}")]
    Invalid { field: String, message: Refusal },
    /// The record does not exist (or the login is unknown).
    #[error("{entity} {id} not found")]
    NotFound { entity: &'static str, id: String },
    /// The change was based on a stale version: someone else changed the record first.
    #[error("{0}")]
    Conflict(Box<Conflict>),
    /// A record that is one per visit (a CLASI, a SLEDAI-2K) is already there: correct it, or
    /// mark it entered in error, instead of adding another.
    #[error(
        "{entity} {id} is already recorded at this visit; correct it or mark it entered in error instead of adding another"
    )]
    Exists { entity: &'static str, id: i64 },
    /// A change after first entry needs a reason.
    #[error("reason: a reason for change is required when changing or removing a record")]
    ReasonRequired,
    /// Wrong login or password, or a disabled account. Deliberately does not say which.
    #[error("authentication failed")]
    AuthenticationFailed,
    /// Too many failed password attempts: this one was not checked. Try again after the wait.
    #[error(
        "too many failed password attempts; try again in {retry_after_seconds} seconds or ask the study administrator"
    )]
    Throttled { retry_after_seconds: i64 },
    /// The user is authenticated but may not do this.
    #[error("not allowed: {0}")]
    Forbidden(String),
    /// The database holds something this code never writes.
    #[error("database is inconsistent: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Other(Box<dyn std::error::Error + Send + Sync>),
}

/// Who changed a record since the version a write was based on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub entity: &'static str,
    pub id: i64,
    pub based_on: i64,
    pub current: i64,
    pub changed_by: String,
    pub changed_at: String,
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "conflict: {} {} was changed by {} at {} (now version {}, your change was based on version {}); reload and re-apply",
            self.entity, self.id, self.changed_by, self.changed_at, self.current, self.based_on
        )
    }
}

impl StoreError {
    pub fn invalid(field: impl Into<String>, message: Refusal) -> StoreError {
        StoreError::Invalid {
            field: field.into(),
            message,
        }
    }

    pub(crate) fn corrupt(message: impl Into<String>) -> StoreError {
        StoreError::Corrupt(message.into())
    }

    pub(crate) fn other(error: impl std::error::Error + Send + Sync + 'static) -> StoreError {
        StoreError::Other(Box::new(error))
    }

    /// Whether the caller's input is at fault (a CLI maps these to exit status 2).
    pub fn is_user_error(&self) -> bool {
        matches!(
            self,
            StoreError::Invalid { .. }
                | StoreError::NotFound { .. }
                | StoreError::Conflict(_)
                | StoreError::Exists { .. }
                | StoreError::ReasonRequired
                | StoreError::AuthenticationFailed
                | StoreError::Throttled { .. }
                | StoreError::Forbidden(_)
        )
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> StoreError {
        StoreError::other(error)
    }
}
