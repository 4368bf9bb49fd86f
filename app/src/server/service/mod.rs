//! The service: every operation of Covers, one module per capability. REST
//! handlers and server functions are thin callers of these methods.
//!
//! - `restaurants`, `tables`: a restaurant's set-up (owner).
//! - `availability`: the slots of a day, and why each is bookable or not.
//! - `booking`: a diner's booking, `idempotency` its retries.
//! - `lifecycle`: reading, cancelling and changing the status of a
//!   reservation, and its history; `moves`: the owner moving one.
//! - `manage`: what a diner does through the manage link sent to them;
//!   `lookup`: finding one's reservations with a one-time code.
//! - `messages`, `outbox`: the messages changes cause, and the owner's list.
//! - `day`: the owner's day. `auth`: who may see or change what.
//! - `cache`: restaurants and their tables kept in memory, checked against
//!   the stored revision. `keys`: the owner key after creation.
//!
//! Every read and write is in `super::store`; every write takes its one
//! write path (see `store::write`). Slot lists and restaurant pages may read
//! a read replica (`read_stale`); all else reads the primary. Booking decides the tables with the same
//! predicate the slot lists use, and the schema refuses any overlapping hold
//! whatever code path writes it.

mod auth;
mod availability;
mod booking;
mod cache;
mod day;
mod idempotency;
mod keys;
mod lifecycle;
mod lookup;
mod manage;
mod messages;
mod moves;
mod outbox;
mod restaurants;
mod tables;

use std::future::Future;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};

use super::db::{Db, StaleRead};
use super::error::{FieldErrors, ServiceError};
use super::secrets::Secrets;
use super::store::{self, Turn};
use crate::domain::TimeZone;
use crate::domain::limits::Bounds;

pub use auth::{Caller, link_token};
pub use availability::SlotView;
pub use lookup::{CODE_LIFE_SECS, Found};

type Result<T, E = ServiceError> = std::result::Result<T, E>;

/// The current instant; replaceable in tests.
/// Runs `$read`, an expression reading through `$conn` that may see data a
/// little behind (a slot list, a restaurant page), on a read replica while
/// one is fit; when the replica fails it, the replica is left out and the
/// primary answers.
macro_rules! read_stale {
    ($service:expr, |$conn:ident| $read:expr) => {{
        let service: &Service = $service;
        let mut stale = service.db.stale_reader().await?;
        let done = {
            let $conn: &mut sqlx::AnyConnection = &mut stale;
            $read
        };
        match service.served(&stale, done) {
            Some(done) => done,
            None => {
                drop(stale);
                let mut primary = service.db.reader().acquire().await?;
                let $conn: &mut sqlx::AnyConnection = &mut primary;
                $read
            }
        }
    }};
}
use read_stale;

pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

#[derive(Clone)]
pub struct Service {
    db: Db,
    clock: Clock,
    /// Restaurants with their rules parsed and their tables (see `cache`).
    plans: cache::Plans,
    /// The server's key: secrets are stored as keyed hashes.
    secrets: Secrets,
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Service").field("db", &self.db).finish_non_exhaustive()
    }
}

impl Service {
    pub fn new(db: Db, secrets: Secrets) -> Self {
        Self { db, clock: Arc::new(Utc::now), plans: cache::Plans::new(), secrets }
    }

    /// The same service with another clock (tests travel in time with it).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn secrets(&self) -> &Secrets {
        &self.secrets
    }

    /// What a read a replica served comes to: `None` when the replica
    /// failed it (it is then left out, and the read is to run again on the
    /// primary), else the read's outcome.
    fn served<T>(&self, conn: &StaleRead, done: Result<T>) -> Option<Result<T>> {
        let StaleRead::Replica { host, .. } = conn else { return Some(done) };
        match done {
            Err(err @ (ServiceError::Unavailable | ServiceError::Retry)) => {
                self.db.replica_failed(*host, &err.to_string());
                None
            }
            Err(ServiceError::Internal(err)) => {
                self.db.replica_failed(*host, &err);
                None
            }
            done => Some(done),
        }
    }

    fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// Today's date in a time zone, by the service's clock.
    pub fn today_in(&self, tz: TimeZone) -> NaiveDate {
        self.now().with_timezone(&tz.0).date_naive()
    }

    /// Runs `attempt` with `input` on the write path (`store::write`): each
    /// attempt gets its own copy of the service and of the input.
    async fn write<I, T, F, Fut>(&self, input: I, attempt: F) -> Result<T>
    where
        I: Clone + Send + Sync + 'static,
        T: Send + 'static,
        F: Fn(Service, Turn, I) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<T>> + Send,
    {
        let service = self.clone();
        store::write(&self.db, move |turn| attempt(service.clone(), turn, input.clone())).await
    }
}

/// Reads an optional text field: trimmed, and absent when blank.
fn optional_text(value: Option<&String>) -> Option<&str> {
    value.map(|v| v.trim()).filter(|v| !v.is_empty())
}

/// Checks an optional whole number against a range; records a message if out.
fn bounded(
    errors: &mut FieldErrors,
    field: &str,
    value: Option<i64>,
    bounds: Bounds,
) -> Option<i64> {
    errors.check(field, bounds.check(value?))
}
