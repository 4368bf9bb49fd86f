//! What a service call can answer besides success. Expected outcomes (a slot
//! taken, a wrong code) are ordinary values here; the HTTP layer and the
//! pages map each to a status and a message.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};

use crate::domain::ParseError;

/// Validation messages by field name (`phone`, `tables[1].capacity`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors(pub BTreeMap<String, String>);

impl FieldErrors {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.entry(field.into()).or_insert_with(|| message.into());
    }

    /// Keeps the value of a successful parse, or records why it failed.
    pub fn check<T>(&mut self, field: &str, parsed: Result<T, ParseError>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(err) => {
                self.add(field, err.0);
                None
            }
        }
    }

    /// A required value: records "required" when it is absent.
    pub fn required<'a>(&mut self, field: &str, value: Option<&'a str>) -> Option<&'a str> {
        if value.is_none() {
            self.add(field, format!("{} is required", field.replace('_', " ")));
        }
        value
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when nothing was recorded, else the validation error.
    pub fn finish(self) -> Result<(), ServiceError> {
        if self.is_empty() { Ok(()) } else { Err(ServiceError::Invalid(self)) }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// 422: input that breaks a rule, by field.
    #[error("some fields are not valid")]
    Invalid(FieldErrors),
    /// 404: no such thing, or not visible to this caller.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// 401: an owner action without an owner key, or with an unknown one.
    #[error("this needs the restaurant's owner key")]
    Unauthorized,
    /// 403: an owner key of another restaurant.
    #[error("this owner key is for another restaurant")]
    Forbidden,
    /// 409: no table is free for that slot any more.
    #[error("{message}")]
    SlotUnavailable { message: String, alternatives: Vec<DateTime<FixedOffset>> },
    /// 409: a status change that cannot happen (a completed visit cannot be cancelled).
    #[error("{0}")]
    InvalidTransition(String),
    /// 409: an idempotency key sent again with another request.
    #[error("this Idempotency-Key was used for a different request")]
    IdempotencyKeyReused,
    /// 422 `invalid_code`: a one-time code that is wrong, used, void or expired.
    #[error("this code is wrong or has expired; ask for a new one")]
    InvalidCode,
    /// 429: too many of one thing for one target (codes sent to one
    /// contact); try again after this many seconds.
    #[error("too many requests; try again later")]
    TooMany { retry_after_secs: u64 },
    /// 503: the database did not answer in time.
    #[error("the database is unavailable; try again shortly")]
    Unavailable,
    /// The transaction lost a race the database detected (a serialization
    /// failure, a deadlock); the service runs it again, a bounded number of
    /// times, and answers 503 if it keeps losing.
    #[error("the database asked to try again")]
    Retry,
    /// 500: anything else; details go to the log, not to the client.
    #[error("internal error")]
    Internal(String),
}

impl ServiceError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::default();
        errors.add(field, message);
        ServiceError::Invalid(errors)
    }
}

impl From<sqlx::Error> for ServiceError {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                tracing::warn!(error = %err, "database unavailable");
                ServiceError::Unavailable
            }
            sqlx::Error::Database(db) if is_busy(db.message()) => {
                tracing::warn!(error = %err, "database busy");
                ServiceError::Unavailable
            }
            // A host that no longer takes writes: the primary moved (a
            // failover); the next try goes to the new one.
            sqlx::Error::Database(db) if db.code().as_deref() == Some("25006") => {
                tracing::warn!(error = %err, "the database host is read-only now");
                ServiceError::Retry
            }
            sqlx::Error::Database(db) if is_retryable(db.as_ref()) => {
                tracing::info!(error = %err, "transaction to be retried");
                ServiceError::Retry
            }
            // PostgreSQL: connection problems, a server shutting down or starting.
            sqlx::Error::Database(db)
                if db.code().is_some_and(|c| c.starts_with("08") || c.starts_with("57P")) =>
            {
                tracing::warn!(error = %err, "database unavailable");
                ServiceError::Unavailable
            }
            _ => {
                tracing::error!(error = %err, "database error");
                ServiceError::Internal(err.to_string())
            }
        }
    }
}

/// A serialization failure or deadlock, or two first uses of one
/// idempotency key at once: running the transaction again settles it.
fn is_retryable(db: &dyn sqlx::error::DatabaseError) -> bool {
    match db.code().as_deref() {
        Some("40001" | "40P01") => true,
        Some("23505") => db.constraint().is_some_and(|c| c.starts_with("idempotency_keys")),
        _ => false,
    }
}

fn is_busy(message: &str) -> bool {
    message.contains("database is locked") || message.contains("database is busy")
}
