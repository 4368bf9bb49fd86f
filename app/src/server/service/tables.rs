//! A restaurant's tables (owner): adding, changing and removing them.

use super::auth::authorize_owner;
use super::{Result, Service, optional_text};
use crate::domain::{Seats, TableLabel, limits};
use crate::model::{NewTable, Table, TableChanges};
use crate::server::error::{FieldErrors, ServiceError};
use crate::server::store::tables::{self, TableRow};
use crate::server::store::{self, Scope, Turn, restaurants};

impl Service {
    /// Adds tables (all or none) and answers with all of the restaurant's tables.
    pub async fn add_tables(
        &self,
        restaurant_id: &str,
        owner_key: Option<&str>,
        new: Vec<NewTable>,
    ) -> Result<Vec<Table>> {
        let asked = (restaurant_id.to_owned(), owner_key.map(str::to_owned), new);
        self.write(asked, Self::add_tables_in).await
    }

    async fn add_tables_in(
        self,
        turn: Turn,
        (restaurant_id, owner_key, new): (String, Option<String>, Vec<NewTable>),
    ) -> Result<Vec<Table>> {
        let mut writer = store::writer(&self.db, turn).await?;
        let mut tx = store::begin(&self.db, &mut writer, Scope::Restaurant(&restaurant_id)).await?;
        let restaurant = restaurants::load(&mut tx, &restaurant_id).await?;
        authorize_owner(&self.secrets, &mut tx, &restaurant, owner_key.as_deref()).await?;
        let existing = tables::load(&mut tx, &restaurant_id, false).await?;
        let mut taken: Vec<String> = existing.iter().map(|t| t.label.to_lowercase()).collect();
        let mut errors = FieldErrors::default();
        if new.is_empty() {
            errors.add("tables", "add at least one table");
        }
        if new.len() > limits::MAX_TABLES_AT_ONCE {
            errors
                .add("tables", format!("at most {} tables at a time", limits::MAX_TABLES_AT_ONCE));
        }
        let mut rows = Vec::new();
        for (i, table) in new.iter().enumerate() {
            let at = |field: &str| format!("tables[{i}].{field}");
            if table.capacity.is_none() {
                errors.add(at("capacity"), "capacity is required");
            }
            let label = match optional_text(table.label.as_ref()) {
                Some(label) => {
                    errors.check(&at("label"), TableLabel::parse(label)).map(String::from)
                }
                None => Some(next_label(&taken)),
            };
            if let Some(label) = &label {
                if taken.contains(&label.to_lowercase()) {
                    errors.add(at("label"), format!("there is already a table {label}"));
                }
                taken.push(label.to_lowercase());
            }
            let changes = TableChanges {
                capacity: table.capacity,
                label: None,
                min_party_size: table.min_party_size,
                area: table.area.clone(),
                join_group: table.join_group.clone(),
                walk_in_only: table.walk_in_only,
            };
            let base = TableRow {
                id: uuid::Uuid::now_v7().to_string(),
                label: label.unwrap_or_default(),
                capacity: 1,
                min_party_size: 1,
                area: None,
                join_group: None,
                walk_in_only: 0,
                active: 1,
            };
            let mut table_errors = FieldErrors::default();
            let row = apply_table_changes(&mut table_errors, base, &changes);
            for (field, message) in table_errors.0 {
                errors.add(at(&field), message);
            }
            rows.push(row);
        }
        errors.finish()?;
        let now = self.now().timestamp();
        for row in &rows {
            tables::insert(&mut tx, &restaurant_id, row, now).await?;
        }
        let tables = tables::load(&mut tx, &restaurant_id, false).await?;
        tx.commit().await?;
        Ok(tables.iter().map(TableRow::to_model).collect())
    }

    /// Changes a table's label, seats, area, join group or walk-in flag.
    /// Reservations already made keep their tables.
    pub async fn update_table(
        &self,
        restaurant_id: &str,
        table_id: &str,
        owner_key: Option<&str>,
        changes: TableChanges,
    ) -> Result<Table> {
        let asked =
            (restaurant_id.to_owned(), table_id.to_owned(), owner_key.map(str::to_owned), changes);
        self.write(asked, Self::update_table_in).await
    }

    async fn update_table_in(
        self,
        turn: Turn,
        (restaurant_id, table_id, owner_key, changes): (
            String,
            String,
            Option<String>,
            TableChanges,
        ),
    ) -> Result<Table> {
        let mut writer = store::writer(&self.db, turn).await?;
        let mut tx = store::begin(&self.db, &mut writer, Scope::Restaurant(&restaurant_id)).await?;
        let restaurant = restaurants::load(&mut tx, &restaurant_id).await?;
        authorize_owner(&self.secrets, &mut tx, &restaurant, owner_key.as_deref()).await?;
        let mut tables = tables::load(&mut tx, &restaurant_id, false).await?;
        let index =
            tables.iter().position(|t| t.id == table_id).ok_or(ServiceError::NotFound("table"))?;
        let current = tables.swap_remove(index);
        let mut errors = FieldErrors::default();
        let mut updated = apply_table_changes(&mut errors, current, &changes);
        if let Some(label) = changes.label.as_deref()
            && let Some(label) = errors.check("label", TableLabel::parse(label))
        {
            let label = String::from(label);
            if tables.iter().any(|t| t.label.eq_ignore_ascii_case(&label)) {
                errors.add("label", format!("there is already a table {label}"));
            }
            updated.label = label;
        }
        errors.finish()?;
        tables::update(&mut tx, &updated, self.now().timestamp()).await?;
        tx.commit().await?;
        Ok(updated.to_model())
    }

    /// Stops offering a table. It stays in the database for the reservations
    /// that name it; reservations already made keep it.
    pub async fn remove_table(
        &self,
        restaurant_id: &str,
        table_id: &str,
        owner_key: Option<&str>,
    ) -> Result<()> {
        let asked = (restaurant_id.to_owned(), table_id.to_owned(), owner_key.map(str::to_owned));
        self.write(asked, Self::remove_table_in).await
    }

    async fn remove_table_in(
        self,
        turn: Turn,
        (restaurant_id, table_id, owner_key): (String, String, Option<String>),
    ) -> Result<()> {
        let mut writer = store::writer(&self.db, turn).await?;
        let mut tx = store::begin(&self.db, &mut writer, Scope::Restaurant(&restaurant_id)).await?;
        let restaurant = restaurants::load(&mut tx, &restaurant_id).await?;
        authorize_owner(&self.secrets, &mut tx, &restaurant, owner_key.as_deref()).await?;
        let now = self.now().timestamp();
        if !tables::deactivate(&mut tx, &restaurant_id, &table_id, now).await? {
            return Err(ServiceError::NotFound("table"));
        }
        tx.commit().await?;
        Ok(())
    }
}

/// Applies the seats, minimum party, area, join group and walk-in flag of
/// `changes` to a table (the label is the caller's), recording problems.
fn apply_table_changes(
    errors: &mut FieldErrors,
    mut row: TableRow,
    changes: &TableChanges,
) -> TableRow {
    if let Some(seats) = changes.capacity.and_then(|n| errors.check("capacity", Seats::new(n))) {
        row.capacity = seats.get() as i64;
    }
    if let Some(n) =
        changes.min_party_size.and_then(|n| errors.check("min_party_size", limits::PARTY.check(n)))
    {
        row.min_party_size = n;
    }
    if row.min_party_size > row.capacity {
        errors.add("min_party_size", "cannot be more than the table's seats");
    }
    let mut short = |field: &str, value: &Option<String>, target: &mut Option<String>| {
        if let Some(v) = value {
            let v = v.trim();
            if v.chars().count() > limits::GROUP_CHARS {
                errors.add(field, format!("at most {} characters", limits::GROUP_CHARS));
            }
            *target = (!v.is_empty()).then(|| v.to_string());
        }
    };
    short("area", &changes.area, &mut row.area);
    short("join_group", &changes.join_group, &mut row.join_group);
    if let Some(walk_in) = changes.walk_in_only {
        row.walk_in_only = walk_in as i64;
    }
    row
}

/// The next free label of the form T1, T2, …
fn next_label(taken: &[String]) -> String {
    (1..)
        .map(|n| format!("T{n}"))
        .find(|l| !taken.contains(&l.to_lowercase()))
        .expect("some label is free")
}
