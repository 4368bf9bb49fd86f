//! Idempotency keys: a booking retried with the same key answers the
//! reservation the first attempt made.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use super::Result;

/// How long idempotency keys are kept (at least a day, as promised).
pub const KEEP_SECONDS: i64 = 48 * 3600;

/// What a key stored: the hash of its request, the reservation it made and
/// that reservation's code, sealed with the key.
pub struct Stored {
    pub request_hash: String,
    pub reservation_id: String,
    pub code_sealed: String,
}

/// The key with this hash, if it was stored within the keeping time.
pub async fn find(
    conn: &mut AnyConnection,
    key_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Stored>> {
    let found: Option<(String, String, String)> = sqlx::query_as(
        "SELECT request_hash, reservation_id, code_sealed FROM idempotency_keys \
         WHERE key_hash = $1 AND created_at >= $2",
    )
    .bind(key_hash)
    .bind(now.timestamp() - KEEP_SECONDS)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(found.map(|(request_hash, reservation_id, code_sealed)| Stored {
        request_hash,
        reservation_id,
        code_sealed,
    }))
}

/// Stores a key (forgetting those past the keeping time).
pub async fn remember(
    conn: &mut AnyConnection,
    key_hash: &str,
    stored: &Stored,
    now: i64,
) -> Result<()> {
    sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
        .bind(now - KEEP_SECONDS)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO idempotency_keys (key_hash, request_hash, reservation_id, code_sealed, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(key_hash)
    .bind(&stored.request_hash)
    .bind(&stored.reservation_id)
    .bind(&stored.code_sealed)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
