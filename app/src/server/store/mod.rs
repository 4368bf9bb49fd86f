//! All of Covers' SQL, one module per aggregate (restaurants, tables,
//! reservations, idempotency keys, the messages of the outbox), each row type mapped beside the queries
//! that read it; and the one write path every change takes.
//!
//! # The write path
//! [`write`] runs a write transaction to its end: on SQLite on the write
//! lane (one writer connection, its own thread; see [`Db::write`]), on
//! PostgreSQL with the restaurant's row locked, and again a few times when
//! the database reports it lost a race. The store hands out a write
//! connection ([`writer`]) only for the [`Turn`] that `write` gives its
//! work, so a write of the service cannot skip the path. (`Db`'s own
//! `write_connection` stays public for the tests and the benchmark that go
//! around the service on purpose, to prove the database's guards.)

pub mod idempotency;
pub mod lookup;
pub mod messages;
pub mod reservations;
pub mod restaurants;
pub mod tables;

use std::future::Future;

use chrono::{DateTime, Utc};
use sqlx::{Any, Transaction};

use super::db::{Db, Engine, WriteConnection};
use super::error::ServiceError;

pub type Result<T, E = ServiceError> = std::result::Result<T, E>;

/// How many times a write transaction is tried when the database reports
/// a serialization failure or a deadlock.
const WRITE_ATTEMPTS: usize = 4;

/// The name of the guard that refuses two holds of one table at once: the
/// PostgreSQL exclusion constraint, and the message of SQLite's trigger.
const OVERLAP_GUARD: &str = "table_already_held";

/// Leave to open one write transaction: only [`write`] makes one.
pub struct Turn(());

/// Which restaurant a write transaction changes, so that the writes of one
/// restaurant take turns (two restaurants never wait for each other).
#[derive(Clone, Copy)]
pub enum Scope<'a> {
    /// The restaurant with this id.
    Restaurant(&'a str),
    /// The restaurant of the reservation with this id.
    ReservationOf(&'a str),
    /// A new restaurant, or rows of every restaurant (a start-up upgrade).
    Unshared,
}

/// Runs `attempt`, a write transaction, on the write path: on the write
/// lane, and again (with a short random pause) while the database reports a
/// lost race (`ServiceError::Retry`); if it keeps losing, the database
/// counts as unavailable. The transaction finishes even if the caller stops
/// waiting for it.
pub async fn write<T, F, Fut>(db: &Db, attempt: F) -> Result<T>
where
    T: Send + 'static,
    F: Fn(Turn) -> Fut + Send + 'static,
    Fut: Future<Output = Result<T>> + Send,
{
    db.write(async move {
        let mut tries = 1;
        loop {
            match attempt(Turn(())).await {
                Err(ServiceError::Retry) if tries < WRITE_ATTEMPTS => {
                    use rand::Rng;
                    let pause = rand::rng().random_range(5..50u64) * tries as u64;
                    tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
                    tries += 1;
                }
                Err(ServiceError::Retry) => return Err(ServiceError::Unavailable),
                other => return other,
            }
        }
    })
    .await
}

/// The connection of one write transaction; [`begin`] opens the transaction.
pub async fn writer(db: &Db, _turn: Turn) -> Result<WriteConnection> {
    Ok(db.write_connection().await?)
}

/// Opens the write transaction on `conn` and takes the turn of `scope`:
/// SQLite's write lock, taken at `BEGIN IMMEDIATE`, already does; on
/// PostgreSQL the restaurant's row is locked.
pub async fn begin<'c>(
    db: &Db,
    conn: &'c mut WriteConnection,
    scope: Scope<'_>,
) -> Result<Transaction<'c, Any>> {
    let mut tx = db.begin(conn).await?;
    if db.engine() == Engine::Postgres {
        let restaurant = match scope {
            Scope::Restaurant(id) => Some(id.to_owned()),
            Scope::ReservationOf(id) => reservations::restaurant_of(&mut tx, id).await?,
            Scope::Unshared => None,
        };
        if let Some(id) = restaurant {
            sqlx::query("SELECT 1 FROM restaurants WHERE id = $1 FOR UPDATE")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        }
    }
    Ok(tx)
}

/// Whether a write was refused by the database's guard against two holds
/// of one table at once, recognised by the guard's name.
pub fn is_overlap(err: &sqlx::Error) -> bool {
    let sqlx::Error::Database(db) = err else { return false };
    db.constraint() == Some(OVERLAP_GUARD) || db.message() == OVERLAP_GUARD
}

/// An instant stored as Unix seconds.
pub fn from_secs(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}
