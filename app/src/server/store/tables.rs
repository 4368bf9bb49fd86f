//! Tables: the stored row and its queries. A removed table stays, inactive,
//! for the reservations that name it.

use sqlx::AnyConnection;

use super::Result;
use crate::domain::{Seats, TableInfo, natural_cmp};
use crate::model::Table;

#[derive(sqlx::FromRow)]
pub struct TableRow {
    pub id: String,
    pub label: String,
    pub capacity: i64,
    pub min_party_size: i64,
    pub area: Option<String>,
    pub join_group: Option<String>,
    pub walk_in_only: i64,
    pub active: i64,
}

const TABLE_COLUMNS: &str =
    "id, label, capacity, min_party_size, area, join_group, walk_in_only, active";

impl TableRow {
    pub fn to_model(&self) -> Table {
        Table {
            id: self.id.clone(),
            label: self.label.clone(),
            capacity: self.capacity as u8,
            min_party_size: self.min_party_size as u8,
            area: self.area.clone(),
            join_group: self.join_group.clone(),
            walk_in_only: self.walk_in_only == 1,
            active: self.active == 1,
        }
    }

    pub fn info(&self) -> Option<TableInfo> {
        Some(TableInfo {
            id: self.id.clone(),
            label: self.label.clone(),
            seats: Seats::new(self.capacity).ok()?,
            min_party: self.min_party_size as u8,
            join_group: self.join_group.clone(),
            walk_in_only: self.walk_in_only == 1,
        })
    }
}

/// The restaurant's tables, ordered by label; removed ones too if asked.
pub async fn load(
    conn: &mut AnyConnection,
    restaurant_id: &str,
    with_removed: bool,
) -> Result<Vec<TableRow>> {
    let mut rows: Vec<TableRow> = sqlx::query_as(&format!(
        "SELECT {TABLE_COLUMNS} FROM tables WHERE restaurant_id = $1 AND (active = 1 OR $2)"
    ))
    .bind(restaurant_id)
    .bind(with_removed)
    .fetch_all(&mut *conn)
    .await?;
    rows.sort_by(|a, b| natural_cmp(&a.label, &b.label));
    Ok(rows)
}

/// Inserts a new table of a restaurant.
pub async fn insert(
    conn: &mut AnyConnection,
    restaurant_id: &str,
    row: &TableRow,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO tables (id, restaurant_id, label, capacity, min_party_size, area, \
         join_group, walk_in_only, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&row.id)
    .bind(restaurant_id)
    .bind(&row.label)
    .bind(row.capacity)
    .bind(row.min_party_size)
    .bind(&row.area)
    .bind(&row.join_group)
    .bind(row.walk_in_only)
    .bind(now)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Writes a table's label, seats, minimum party, area, join group and
/// walk-in flag.
pub async fn update(conn: &mut AnyConnection, row: &TableRow, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE tables SET label = $1, capacity = $2, min_party_size = $3, area = $4, \
         join_group = $5, walk_in_only = $6, updated_at = $7 WHERE id = $8",
    )
    .bind(&row.label)
    .bind(row.capacity)
    .bind(row.min_party_size)
    .bind(&row.area)
    .bind(&row.join_group)
    .bind(row.walk_in_only)
    .bind(now)
    .bind(&row.id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Stops offering a table; `false` when the restaurant has no such active
/// table.
pub async fn deactivate(
    conn: &mut AnyConnection,
    restaurant_id: &str,
    table_id: &str,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE tables SET active = 0, updated_at = $1 \
         WHERE id = $2 AND restaurant_id = $3 AND active = 1",
    )
    .bind(now)
    .bind(table_id)
    .bind(restaurant_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}
