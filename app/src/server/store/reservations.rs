//! Reservations: the stored row, the tables each holds (the holds the
//! database's own guard checks), their history, and their queries.

use chrono::{DateTime, Duration, Utc};
use sqlx::AnyConnection;

use super::restaurants::RestaurantRecord;
use super::{Result, from_secs, is_overlap};
use crate::domain::values::phone_key;
use crate::domain::{Hold, Slot, natural_cmp};
use crate::model::{HeldTable, Reservation, Status};
use crate::server::error::ServiceError;

#[derive(sqlx::FromRow)]
pub struct ReservationRow {
    pub id: String,
    pub restaurant_id: String,
    pub party_size: i64,
    pub start_at: i64,
    pub end_at: i64,
    pub name: String,
    pub phone: String,
    pub email: Option<String>,
    pub notes: String,
    pub status: String,
    pub code_hash: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub cancelled_at: Option<i64>,
    pub cancelled_by: Option<String>,
    pub cancel_reason: Option<String>,
    /// When the diner said they are coming.
    pub diner_confirmed_at: Option<i64>,
}

pub const RESERVATION_COLUMNS: &str = "id, restaurant_id, party_size, start_at, end_at, name, \
    phone, email, notes, status, code_hash, created_at, updated_at, cancelled_at, cancelled_by, \
    cancel_reason, diner_confirmed_at";

impl ReservationRow {
    pub fn status(&self) -> Result<Status> {
        Status::parse(&self.status)
            .ok_or_else(|| ServiceError::Internal(format!("reservation {}: bad status", self.id)))
    }
}

/// The restaurant of a reservation, if there is such a reservation.
pub async fn restaurant_of(conn: &mut AnyConnection, id: &str) -> Result<Option<String>> {
    Ok(sqlx::query_scalar("SELECT restaurant_id FROM reservations WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?)
}

/// A reservation's stored status (`confirmed`, `cancelled`…), if there is
/// such a reservation.
pub async fn status_of(conn: &mut AnyConnection, id: &str) -> Result<Option<String>> {
    Ok(sqlx::query_scalar("SELECT status FROM reservations WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?)
}

/// How many pairs of active holds of one table overlap. Always 0: the
/// database's guard refuses them. The benchmark and the tests check it.
pub async fn overlapping_holds(conn: &mut AnyConnection) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM reservation_tables a JOIN reservation_tables b \
         ON a.table_id = b.table_id AND a.reservation_id < b.reservation_id \
         WHERE a.active = 1 AND b.active = 1 AND a.start_at < b.hold_until AND b.start_at < a.hold_until",
    )
    .fetch_one(&mut *conn)
    .await?)
}

/// A reservation's row, if there is one.
pub async fn find(conn: &mut AnyConnection, id: &str) -> Result<Option<ReservationRow>> {
    Ok(sqlx::query_as(&format!("SELECT {RESERVATION_COLUMNS} FROM reservations WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?)
}

pub async fn load(
    conn: &mut AnyConnection,
    id: &str,
    restaurant: &RestaurantRecord,
) -> Result<Reservation> {
    let row: ReservationRow =
        sqlx::query_as(&format!("SELECT {RESERVATION_COLUMNS} FROM reservations WHERE id = $1"))
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    to_model(conn, row, restaurant).await
}

pub async fn to_model(
    conn: &mut AnyConnection,
    row: ReservationRow,
    restaurant: &RestaurantRecord,
) -> Result<Reservation> {
    let tables: Vec<HeldTable> = sqlx::query_as::<_, (String, String, i64)>(
        "SELECT t.id, t.label, t.capacity FROM reservation_tables AS rt JOIN tables AS t ON t.id = rt.table_id \
         WHERE rt.reservation_id = $1",
    )
    .bind(&row.id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|(id, label, capacity)| HeldTable { id, label, capacity: capacity as u8 })
    .collect();
    from_row(row, tables, restaurant)
}

/// A reservation as the API shows it, from its row and the tables it holds.
pub fn from_row(
    row: ReservationRow,
    mut tables: Vec<HeldTable>,
    restaurant: &RestaurantRecord,
) -> Result<Reservation> {
    tables.sort_by(|a, b| natural_cmp(&a.label, &b.label));
    Ok(Reservation {
        status: row.status()?,
        id: row.id,
        restaurant_id: row.restaurant_id,
        restaurant_name: restaurant.name.clone(),
        start: restaurant.local_secs(row.start_at),
        end: restaurant.local_secs(row.end_at),
        party_size: row.party_size as u8,
        tables,
        name: row.name,
        phone: row.phone,
        email: row.email,
        notes: row.notes,
        created_at: restaurant.local_secs(row.created_at),
        updated_at: restaurant.local_secs(row.updated_at),
        cancelled_at: row.cancelled_at.map(|t| restaurant.local_secs(t)),
        cancelled_by: row.cancelled_by,
        cancel_reason: row.cancel_reason,
        diner_confirmed_at: row.diner_confirmed_at.map(|t| restaurant.local_secs(t)),
        code: None,
    })
}

/// What a new reservation stores.
pub struct NewRow<'a> {
    pub id: &'a str,
    pub restaurant_id: &'a str,
    pub party_size: i64,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub hold_until: DateTime<Utc>,
    pub name: &'a str,
    pub phone: &'a str,
    pub email: Option<&'a str>,
    pub notes: &'a str,
    pub code_hash: &'a str,
    pub now: i64,
}

/// Inserts a confirmed reservation (its tables are held by [`hold`]).
pub async fn insert(conn: &mut AnyConnection, new: NewRow<'_>) -> Result<ReservationRow> {
    insert_as(conn, new, Status::Confirmed).await
}

/// Stores a reservation that is over (`completed`), with the tables it sat
/// at recorded but no longer held: history brought in from elsewhere, such
/// as the past evenings covers-bench stores before it measures.
pub async fn insert_completed(
    conn: &mut AnyConnection,
    new: NewRow<'_>,
    table_ids: &[&str],
) -> Result<()> {
    let (id, restaurant_id, start, until) = (new.id, new.restaurant_id, new.start, new.hold_until);
    insert_as(conn, new, Status::Completed).await?;
    hold_as(conn, id, restaurant_id, table_ids, start, until, false).await?;
    Ok(())
}

async fn insert_as(
    conn: &mut AnyConnection,
    new: NewRow<'_>,
    status: Status,
) -> Result<ReservationRow> {
    Ok(sqlx::query_as(&format!(
        "INSERT INTO reservations (id, restaurant_id, party_size, start_at, end_at, hold_until, \
         name, phone, email, notes, status, code_hash, created_at, updated_at, confirmed_at, \
         contact_phone, contact_email) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) \
         RETURNING {RESERVATION_COLUMNS}"
    ))
    .bind(new.id)
    .bind(new.restaurant_id)
    .bind(new.party_size)
    .bind(new.start.timestamp())
    .bind(new.end.timestamp())
    .bind(new.hold_until.timestamp())
    .bind(new.name)
    .bind(new.phone)
    .bind(new.email)
    .bind(new.notes)
    .bind(status.as_str())
    .bind(new.code_hash)
    .bind(new.now)
    .bind(new.now)
    .bind(new.now)
    .bind(phone_key(new.phone))
    .bind(new.email.map(str::trim).filter(|e| !e.is_empty()).map(str::to_ascii_lowercase))
    .fetch_one(&mut *conn)
    .await?)
}

/// Holds `table_ids` for a reservation from `start` until `until`, in one
/// statement. `false` when the database's guard refused: one of the tables
/// is held then by another reservation.
pub async fn hold(
    conn: &mut AnyConnection,
    reservation_id: &str,
    restaurant_id: &str,
    table_ids: &[&str],
    start: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<bool> {
    hold_as(conn, reservation_id, restaurant_id, table_ids, start, until, true).await
}

/// The rows of a reservation's tables; only `active` ones hold the table.
async fn hold_as(
    conn: &mut AnyConnection,
    reservation_id: &str,
    restaurant_id: &str,
    table_ids: &[&str],
    start: DateTime<Utc>,
    until: DateTime<Utc>,
    active: bool,
) -> Result<bool> {
    let values: Vec<String> =
        (0..table_ids.len()).map(|i| format!("($1, ${}, $2, $3, $4, $5)", i + 6)).collect();
    let sql = format!(
        "INSERT INTO reservation_tables (reservation_id, table_id, restaurant_id, start_at, hold_until, active) \
         VALUES {}",
        values.join(", ")
    );
    let mut insert = sqlx::query(&sql)
        .bind(reservation_id)
        .bind(restaurant_id)
        .bind(start.timestamp())
        .bind(until.timestamp())
        .bind(active as i64);
    for id in table_ids {
        insert = insert.bind(*id);
    }
    match insert.execute(&mut *conn).await {
        Err(err) if is_overlap(&err) => Ok(false),
        other => other.map(|_| true).map_err(Into::into),
    }
}

/// Lets go of every table a reservation holds.
pub async fn release(conn: &mut AnyConnection, reservation_id: &str) -> Result<()> {
    sqlx::query("DELETE FROM reservation_tables WHERE reservation_id = $1")
        .bind(reservation_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Cancels a reservation, by `by` (`diner` or `owner`).
pub async fn cancel(
    conn: &mut AnyConnection,
    id: &str,
    by: &str,
    reason: Option<&str>,
    now: i64,
) -> Result<ReservationRow> {
    Ok(sqlx::query_as(&format!(
        "UPDATE reservations SET status = 'cancelled', cancelled_at = $1, cancelled_by = $2, \
         cancel_reason = $3, updated_at = $4, version = version + 1 WHERE id = $5 \
         RETURNING {RESERVATION_COLUMNS}"
    ))
    .bind(now)
    .bind(by)
    .bind(reason)
    .bind(now)
    .bind(id)
    .fetch_one(&mut *conn)
    .await?)
}

/// Sets a reservation's status (by the owner). `false` when the database's
/// guard refused: the status holds tables that another reservation holds.
pub async fn set_status(
    conn: &mut AnyConnection,
    id: &str,
    to: Status,
    reason: Option<&str>,
    now: i64,
) -> Result<bool> {
    let cancelled = to == Status::Cancelled;
    let updated = sqlx::query(
        "UPDATE reservations SET status = $1, updated_at = $2, version = version + 1, \
         confirmed_at = CASE WHEN $3 AND confirmed_at IS NULL THEN $4 ELSE confirmed_at END, \
         cancelled_at = CASE WHEN $5 THEN $6 END, \
         cancelled_by = CASE WHEN $7 THEN 'owner' END, \
         cancel_reason = CASE WHEN $8 THEN $9 END \
         WHERE id = $10",
    )
    .bind(to.as_str())
    .bind(now)
    .bind(to == Status::Confirmed)
    .bind(now)
    .bind(cancelled)
    .bind(now)
    .bind(cancelled)
    .bind(cancelled)
    .bind(reason)
    .bind(id)
    .execute(&mut *conn)
    .await;
    match updated {
        Err(err) if is_overlap(&err) => Ok(false),
        other => other.map(|_| true).map_err(Into::into),
    }
}

/// Moves a reservation to another time and party size (its tables are
/// released and held again around it).
pub async fn reschedule(
    conn: &mut AnyConnection,
    id: &str,
    party_size: i64,
    slot: &Slot,
    until: DateTime<Utc>,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE reservations SET party_size = $1, start_at = $2, end_at = $3, hold_until = $4, \
         updated_at = $5, version = version + 1 WHERE id = $6",
    )
    .bind(party_size)
    .bind(slot.start.timestamp())
    .bind(slot.end.timestamp())
    .bind(until.timestamp())
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Adds a line to a reservation's history.
pub async fn record(
    conn: &mut AnyConnection,
    reservation_id: &str,
    at: DateTime<Utc>,
    actor: &str,
    status: Option<Status>,
    change: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO reservation_events (reservation_id, at, actor, status, change) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(reservation_id)
    .bind(at.timestamp())
    .bind(actor)
    .bind(status.map(Status::as_str))
    .bind(change)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A reservation's history, oldest first: when, by whom, the status it
/// took (if it changed) and what changed.
pub async fn events(
    conn: &mut AnyConnection,
    reservation_id: &str,
) -> Result<Vec<(i64, String, Option<String>, String)>> {
    Ok(sqlx::query_as(
        "SELECT at, actor, status, change FROM reservation_events \
         WHERE reservation_id = $1 ORDER BY id",
    )
    .bind(reservation_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// The reservations of a restaurant starting in `[from, to)`, by start.
pub async fn starting_between(
    conn: &mut AnyConnection,
    restaurant_id: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<ReservationRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {RESERVATION_COLUMNS} FROM reservations \
         WHERE restaurant_id = $1 AND start_at >= $2 AND start_at < $3 ORDER BY start_at, created_at"
    ))
    .bind(restaurant_id)
    .bind(from.timestamp())
    .bind(to.timestamp())
    .fetch_all(&mut *conn)
    .await?)
}

/// The stored revision of a restaurant and its active holds that can
/// overlap any of `slots` (with the buffer), all but those of the
/// reservation `except` (which is being moved): one indexed query. `None`
/// when there is no such restaurant.
pub async fn revision_and_holds(
    conn: &mut AnyConnection,
    restaurant_id: &str,
    slots: &[Slot],
    buffer: Duration,
    except: Option<&str>,
) -> Result<Option<(i64, Vec<Hold>)>> {
    let (from, to) = match (slots.first(), slots.iter().map(|s| s.end).max()) {
        // Holds last at most a day (a schema CHECK), so none starting
        // earlier can reach the first slot; and a few hours past the last
        // slot, to see how snugly a booking fits before the next one.
        (Some(first), Some(last_end)) => {
            (first.start.timestamp() - 86_400, (last_end + buffer + Duration::hours(4)).timestamp())
        }
        // No slot: the revision alone.
        _ => (0, 0),
    };
    // The revision, then a hold's table, start and end (none without holds).
    type Row = (i64, Option<String>, Option<i64>, Option<i64>);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT r.revision, h.table_id, h.start_at, h.hold_until FROM restaurants r \
         LEFT JOIN reservation_tables h ON h.restaurant_id = r.id AND h.active = 1 \
         AND h.start_at > $2 AND h.start_at < $3 AND h.reservation_id IS DISTINCT FROM $4 \
         WHERE r.id = $1",
    )
    .bind(restaurant_id)
    .bind(from)
    .bind(to)
    .bind(except)
    .fetch_all(&mut *conn)
    .await?;
    let Some(revision) = rows.first().map(|row| row.0) else { return Ok(None) };
    let holds = rows
        .into_iter()
        .filter_map(|(_, table_id, start, until)| {
            Some(Hold { table_id: table_id?, start: from_secs(start?), until: from_secs(until?) })
        })
        .collect();
    Ok(Some((revision, holds)))
}

/// Records that the diner said they are coming.
pub async fn confirm_by_diner(conn: &mut AnyConnection, id: &str, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE reservations SET diner_confirmed_at = $1, updated_at = $2, version = version + 1 \
         WHERE id = $3",
    )
    .bind(now)
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The reservations of a restaurant that hold tables and start after `now`.
pub async fn upcoming(
    conn: &mut AnyConnection,
    restaurant_id: &str,
    now: i64,
) -> Result<Vec<ReservationRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {RESERVATION_COLUMNS} FROM reservations WHERE restaurant_id = $1 \
         AND start_at > $2 AND status IN ('pending', 'confirmed') ORDER BY start_at"
    ))
    .bind(restaurant_id)
    .bind(now)
    .fetch_all(&mut *conn)
    .await?)
}
