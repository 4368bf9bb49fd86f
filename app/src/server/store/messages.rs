//! The outbox: each message a change causes is a row written in the same
//! transaction as the change; a delivery worker takes the rows that are due
//! and records what became of each. The text is made when a message is
//! sent, from the reservation as it is then (a manage link is a signed
//! capability, never stored); only a one-time code is kept in the row,
//! sealed, until it is sent.

use sqlx::AnyConnection;

use super::Result;
use crate::server::db::Engine;

/// Why a message is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Confirmation,
    Change,
    Cancellation,
    Reminder,
    Code,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Confirmation => "confirmation",
            Kind::Change => "change",
            Kind::Cancellation => "cancellation",
            Kind::Reminder => "reminder",
            Kind::Code => "code",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Kind::Confirmation, Kind::Change, Kind::Cancellation, Kind::Reminder, Kind::Code]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// How a message travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    Email,
    Sms,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "email" => Some(Channel::Email),
            "sms" => Some(Channel::Sms),
            _ => None,
        }
    }
}

/// A message to write.
pub struct NewMessage<'a> {
    pub id: &'a str,
    pub restaurant_id: Option<&'a str>,
    pub reservation_id: Option<&'a str>,
    pub kind: Kind,
    pub channel: Channel,
    pub recipient: &'a str,
    pub sealed: Option<&'a str>,
    pub due_at: i64,
    pub now: i64,
}

/// A message as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct MessageRow {
    pub id: String,
    pub restaurant_id: Option<String>,
    pub reservation_id: Option<String>,
    pub kind: String,
    pub channel: String,
    pub recipient: String,
    pub sealed: Option<String>,
    pub due_at: i64,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub provider_id: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

const MESSAGE_COLUMNS: &str = "id, restaurant_id, reservation_id, kind, channel, recipient, \
     sealed, due_at, status, attempts, last_error, provider_id, created_at, sent_at";

/// Writes a message (in the caller's transaction).
pub async fn enqueue(conn: &mut AnyConnection, m: NewMessage<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO messages (id, restaurant_id, reservation_id, kind, channel, recipient, \
         sealed, due_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(m.id)
    .bind(m.restaurant_id)
    .bind(m.reservation_id)
    .bind(m.kind.as_str())
    .bind(m.channel.as_str())
    .bind(m.recipient)
    .bind(m.sealed)
    .bind(m.due_at)
    .bind(m.now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Whose reminders: one reservation's, or those of every reservation of a
/// restaurant.
#[derive(Clone, Copy, Debug)]
pub enum RemindersOf<'a> {
    Reservation(&'a str),
    Restaurant(&'a str),
}

/// Drops the reminders not sent yet (the reservation moved or is cancelled;
/// the restaurant changed its reminder setting).
pub async fn drop_reminders(conn: &mut AnyConnection, of: RemindersOf<'_>) -> Result<()> {
    let (column, id) = match of {
        RemindersOf::Reservation(id) => ("reservation_id", id),
        RemindersOf::Restaurant(id) => ("restaurant_id", id),
    };
    sqlx::query(&format!(
        "UPDATE messages SET status = 'dropped' \
         WHERE {column} = $1 AND kind = 'reminder' AND status = 'pending'"
    ))
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The reminders of a restaurant's reservations: (reservation, status).
pub async fn reminders_of_restaurant(
    conn: &mut AnyConnection,
    restaurant_id: &str,
) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT reservation_id, status FROM messages WHERE restaurant_id = $1 AND kind = 'reminder'",
    )
    .bind(restaurant_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Whether any message is due at `now` and held by no worker (a read, so
/// that an idle worker never takes the write path).
pub async fn any_due(conn: &mut AnyConnection, now: i64) -> Result<bool> {
    let due: Option<String> = sqlx::query_scalar(
        "SELECT id FROM messages WHERE status = 'pending' AND due_at <= $1 \
         AND (claimed_until IS NULL OR claimed_until <= $2) LIMIT 1",
    )
    .bind(now)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(due.is_some())
}

/// Takes up to `limit` messages that are due at `now` and that no worker
/// holds, for this worker until `until`. On PostgreSQL several workers
/// take different rows at once (`SKIP LOCKED`); on SQLite writes take
/// turns anyway.
pub async fn claim(
    conn: &mut AnyConnection,
    engine: Engine,
    now: i64,
    until: i64,
    limit: i64,
) -> Result<Vec<MessageRow>> {
    let lock = match engine {
        Engine::Postgres => "FOR UPDATE SKIP LOCKED",
        Engine::Sqlite => "",
    };
    Ok(sqlx::query_as(&format!(
        "UPDATE messages SET claimed_until = $1, attempts = attempts + 1 WHERE id IN (\
         SELECT id FROM messages WHERE status = 'pending' AND due_at <= $2 \
         AND (claimed_until IS NULL OR claimed_until <= $3) ORDER BY due_at LIMIT $4 {lock}) \
         RETURNING {MESSAGE_COLUMNS}"
    ))
    .bind(until)
    .bind(now)
    .bind(now)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?)
}

/// What became of a message the worker took.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// The provider took it, with its answer.
    Sent { provider_id: String },
    /// Not sent, and never will be (no provider configured, an address the
    /// provider refuses for good).
    NotSent { reason: String },
    /// Not sent this time; tried again at `retry_at`, or given up as failed
    /// when `retry_at` is `None`.
    Failed { error: String, retry_at: Option<i64> },
}

/// Records what became of message `id`, if the worker still holds it (its
/// claim runs `until` then); a one-time code is wiped once it is sent or
/// given up.
pub async fn settle(
    conn: &mut AnyConnection,
    id: &str,
    outcome: &Outcome,
    now: i64,
    until: i64,
) -> Result<()> {
    let (status, error, provider_id, due_at, sent_at) = match outcome {
        Outcome::Sent { provider_id } => ("sent", None, Some(provider_id), None, Some(now)),
        Outcome::NotSent { reason } => ("not_sent", Some(reason), None, None, None),
        Outcome::Failed { error, retry_at: Some(at) } => {
            ("pending", Some(error), None, Some(*at), None)
        }
        Outcome::Failed { error, retry_at: None } => ("failed", Some(error), None, None, None),
    };
    sqlx::query(
        "UPDATE messages SET status = $1, last_error = $2, provider_id = $3, \
         due_at = COALESCE($4, due_at), sent_at = $5, claimed_until = NULL, \
         sealed = CASE WHEN $6 = 'pending' THEN sealed END WHERE id = $7 AND claimed_until = $8",
    )
    .bind(status)
    .bind(error)
    .bind(provider_id)
    .bind(due_at)
    .bind(sent_at)
    .bind(status)
    .bind(id)
    .bind(until)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The messages of a restaurant written between `from` and `to`, newest first.
pub async fn of_restaurant(
    conn: &mut AnyConnection,
    restaurant_id: &str,
    from: i64,
    to: i64,
) -> Result<Vec<MessageRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages WHERE restaurant_id = $1 \
         AND created_at >= $2 AND created_at < $3 ORDER BY created_at DESC, id DESC"
    ))
    .bind(restaurant_id)
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await?)
}

/// The messages of a reservation, oldest first.
pub async fn of_reservation(
    conn: &mut AnyConnection,
    reservation_id: &str,
) -> Result<Vec<MessageRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages WHERE reservation_id = $1 ORDER BY created_at, id"
    ))
    .bind(reservation_id)
    .fetch_all(&mut *conn)
    .await?)
}
