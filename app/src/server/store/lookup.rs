//! Finding one's reservations again: the one-time codes that prove a
//! person holds a phone number or an email, and the reservations booked
//! with that contact at every restaurant.

use sqlx::AnyConnection;

use super::Result;
use super::reservations::{RESERVATION_COLUMNS, ReservationRow};
use crate::server::db::Engine;

/// A one-time code as stored: only its keyed hash.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CodeRow {
    pub id: String,
    pub code_hash: String,
}

/// Makes the codes of `contact` take turns until the transaction ends, so
/// that requests at once (or on several instances) count the codes already
/// sent before adding one. SQLite's writes take turns anyway.
pub async fn lock_contact(conn: &mut AnyConnection, engine: Engine, contact: &str) -> Result<()> {
    if engine == Engine::Postgres {
        sqlx::query("SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext($1))) AS locked")
            .bind(contact)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Stores a new code for `contact` (in its searched form).
pub async fn insert_code(
    conn: &mut AnyConnection,
    id: &str,
    contact: &str,
    code_hash: &str,
    expires_at: i64,
    tries: i64,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO lookup_codes (id, contact, code_hash, expires_at, tries_left, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(contact)
    .bind(code_hash)
    .bind(expires_at)
    .bind(tries)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// How many codes were asked for `contact` since `since`, and when the
/// oldest of them was.
pub async fn codes_since(
    conn: &mut AnyConnection,
    contact: &str,
    since: i64,
) -> Result<(i64, Option<i64>)> {
    Ok(sqlx::query_as(
        "SELECT COUNT(*), MIN(created_at) FROM lookup_codes WHERE contact = $1 AND created_at >= $2",
    )
    .bind(contact)
    .bind(since)
    .fetch_one(&mut *conn)
    .await?)
}

/// Takes one try of the newest code of `contact`, if it is still good at
/// `now` (not used, not expired, tries left; an older code is void once a
/// newer one is sent), and answers it. One statement, so that requests at
/// once cannot try a code more often than it allows: each try is taken
/// before the code is compared.
pub async fn take_try(
    conn: &mut AnyConnection,
    contact: &str,
    now: i64,
) -> Result<Option<CodeRow>> {
    Ok(sqlx::query_as(
        "UPDATE lookup_codes SET tries_left = tries_left - 1 \
         WHERE id = (SELECT id FROM lookup_codes WHERE contact = $1 \
                     ORDER BY created_at DESC, id DESC LIMIT 1) \
         AND used_at IS NULL AND expires_at > $2 AND tries_left > 0 \
         RETURNING id, code_hash",
    )
    .bind(contact)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Code `id` was used: it opens nothing again.
pub async fn use_code(conn: &mut AnyConnection, id: &str, now: i64) -> Result<()> {
    sqlx::query("UPDATE lookup_codes SET used_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Forgets the codes made before `before`.
pub async fn forget_codes(conn: &mut AnyConnection, before: i64) -> Result<()> {
    sqlx::query("DELETE FROM lookup_codes WHERE created_at < $1")
        .bind(before)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Whether any reservation was booked with `contact` (an email when `email`)
/// starting at `since` or later.
pub async fn has_reservations(
    conn: &mut AnyConnection,
    contact: &str,
    email: bool,
    since: i64,
) -> Result<bool> {
    let column = if email { "contact_email" } else { "contact_phone" };
    let found: Option<String> = sqlx::query_scalar(&format!(
        "SELECT id FROM reservations WHERE {column} = $1 AND start_at >= $2 LIMIT 1"
    ))
    .bind(contact)
    .bind(since)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(found.is_some())
}

/// The reservations booked with `contact` starting at `since` or later, at
/// every restaurant, by start; at most `limit`.
pub async fn reservations_of(
    conn: &mut AnyConnection,
    contact: &str,
    email: bool,
    since: i64,
    limit: i64,
) -> Result<Vec<ReservationRow>> {
    let column = if email { "contact_email" } else { "contact_phone" };
    Ok(sqlx::query_as(&format!(
        "SELECT {RESERVATION_COLUMNS} FROM reservations WHERE {column} = $1 AND start_at >= $2 \
         ORDER BY start_at, id LIMIT $3"
    ))
    .bind(contact)
    .bind(since)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?)
}
