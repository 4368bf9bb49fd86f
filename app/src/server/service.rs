//! The service: every operation of Covers, each one database transaction.
//! REST handlers and server functions are thin callers of these methods.
//!
//! Booking takes SQLite's write lock up front (`BEGIN IMMEDIATE`), decides the
//! table with the same predicate the slot lists use, and inserts the
//! reservation and its holds; the schema's triggers refuse any overlapping
//! hold whatever code path writes it.

use std::sync::Arc;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, TimeZone as _, Utc};
use sqlx::{Sqlite, SqliteConnection, Transaction};

use crate::domain::{
    DinerName, Email, Hold, NoTable, Notes, OpeningHours, PartySize, PeriodSpec, Phone,
    RestaurantName, Seats, Slot, SlotTables, TableInfo, TableLabel, TimeZone, assign_table,
    day_availability, natural_cmp, service_day, slot_grid,
};
use crate::model::{
    CreatedRestaurant, DaySlots, HeldTable, NewReservation, NewRestaurant, NewTable, Reservation,
    Restaurant, RestaurantPage, SlotInfo, Status, Table, TableAvailability, TableChanges,
};

use super::db::Db;
use super::error::{FieldErrors, ServiceError};
use super::secrets;

type Result<T, E = ServiceError> = std::result::Result<T, E>;

/// The current instant; replaceable in tests.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// How many alternative start times a refused booking offers.
const ALTERNATIVES: usize = 3;

/// Who is asking to see or change a reservation.
#[derive(Clone, Debug)]
pub enum Caller {
    /// The diner, with the confirmation code.
    Diner { code: String },
    /// The restaurant's owner, with the owner key.
    Owner { key: String },
}

#[derive(Clone)]
pub struct Service {
    db: Db,
    clock: Clock,
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Service").field("db", &self.db).finish_non_exhaustive()
    }
}

/// A restaurant row with its rules parsed.
#[derive(Clone, Debug)]
struct RestaurantRecord {
    id: String,
    name: String,
    phone: String,
    email: Option<String>,
    address: Option<String>,
    city: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    tz: TimeZone,
    hours: OpeningHours,
    slot_minutes: u16,
    duration_minutes: u16,
    buffer_minutes: u16,
    min_notice_minutes: u32,
    max_days_ahead: u16,
    max_party_size: Option<u8>,
    closed_dates: Vec<NaiveDate>,
    owner_key_hash: String,
    created_at: i64,
    updated_at: i64,
}

#[derive(sqlx::FromRow)]
struct RestaurantRow {
    id: String,
    name: String,
    phone: String,
    email: Option<String>,
    address: Option<String>,
    city: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    timezone: String,
    opening_hours: String,
    slot_minutes: i64,
    duration_minutes: i64,
    buffer_minutes: i64,
    min_notice_minutes: i64,
    max_days_ahead: i64,
    max_party_size: Option<i64>,
    closed_dates: String,
    owner_key_hash: String,
    created_at: i64,
    updated_at: i64,
}

const RESTAURANT_COLUMNS: &str = "id, name, phone, email, address, city, latitude, longitude, \
    timezone, opening_hours, slot_minutes, duration_minutes, buffer_minutes, min_notice_minutes, \
    max_days_ahead, max_party_size, closed_dates, owner_key_hash, created_at, updated_at";

impl TryFrom<RestaurantRow> for RestaurantRecord {
    type Error = ServiceError;

    fn try_from(row: RestaurantRow) -> Result<Self> {
        let corrupt =
            |what: &str| ServiceError::Internal(format!("restaurant {}: bad {what}", row.id));
        let tz = TimeZone::parse(&row.timezone).map_err(|_| corrupt("timezone"))?;
        let specs: Vec<PeriodSpec> =
            serde_json::from_str(&row.opening_hours).map_err(|_| corrupt("opening_hours"))?;
        let hours = OpeningHours::parse(&specs).map_err(|_| corrupt("opening_hours"))?;
        let closed_dates: Vec<NaiveDate> =
            serde_json::from_str(&row.closed_dates).map_err(|_| corrupt("closed_dates"))?;
        Ok(Self {
            tz,
            hours,
            closed_dates,
            slot_minutes: row.slot_minutes as u16,
            duration_minutes: row.duration_minutes as u16,
            buffer_minutes: row.buffer_minutes as u16,
            min_notice_minutes: row.min_notice_minutes as u32,
            max_days_ahead: row.max_days_ahead as u16,
            max_party_size: row.max_party_size.map(|n| n as u8),
            id: row.id,
            name: row.name,
            phone: row.phone,
            email: row.email,
            address: row.address,
            city: row.city,
            latitude: row.latitude,
            longitude: row.longitude,
            owner_key_hash: row.owner_key_hash,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

impl RestaurantRecord {
    fn local(&self, instant: DateTime<Utc>) -> DateTime<FixedOffset> {
        instant.with_timezone(&self.tz.0).fixed_offset()
    }

    fn local_secs(&self, secs: i64) -> DateTime<FixedOffset> {
        self.local(from_secs(secs))
    }

    fn to_model(&self, tables: Option<Vec<Table>>) -> Restaurant {
        Restaurant {
            id: self.id.clone(),
            name: self.name.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
            address: self.address.clone(),
            city: self.city.clone(),
            latitude: self.latitude,
            longitude: self.longitude,
            timezone: self.tz.name().to_string(),
            opening_hours: self.hours.specs(),
            slot_minutes: self.slot_minutes,
            duration_minutes: self.duration_minutes,
            buffer_minutes: self.buffer_minutes,
            min_notice_minutes: self.min_notice_minutes,
            max_days_ahead: self.max_days_ahead,
            max_party_size: self.max_party_size,
            closed_dates: self.closed_dates.clone(),
            created_at: self.local_secs(self.created_at),
            updated_at: self.local_secs(self.updated_at),
            tables,
        }
    }

    fn today(&self, now: DateTime<Utc>) -> NaiveDate {
        now.with_timezone(&self.tz.0).date_naive()
    }

    /// Whether online booking is open for `date` at all.
    fn date_bookable(&self, date: NaiveDate, now: DateTime<Utc>) -> bool {
        let today = self.today(now);
        date >= today
            && date <= today + Duration::days(self.max_days_ahead as i64)
            && !self.closed_dates.contains(&date)
    }

    fn slots_of(&self, date: NaiveDate) -> Vec<Slot> {
        if self.closed_dates.contains(&date) {
            return Vec::new();
        }
        slot_grid(&self.hours, self.tz, date, self.slot_minutes, self.duration_minutes)
    }

    fn buffer(&self) -> Duration {
        Duration::minutes(self.buffer_minutes as i64)
    }

    fn earliest_start(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now + Duration::minutes(self.min_notice_minutes as i64)
    }

    /// The largest party online booking accepts, given the tables.
    fn party_limit(&self, tables: &[TableInfo]) -> u8 {
        let largest = tables.iter().map(|t| t.seats.get()).max().unwrap_or(0);
        self.max_party_size.map_or(largest, |max| max.min(largest))
    }
}

#[derive(sqlx::FromRow)]
struct TableRow {
    id: String,
    label: String,
    capacity: i64,
    active: bool,
}

impl TableRow {
    fn to_model(&self) -> Table {
        Table {
            id: self.id.clone(),
            label: self.label.clone(),
            capacity: self.capacity as u8,
            active: self.active,
        }
    }

    fn info(&self) -> Option<TableInfo> {
        Some(TableInfo {
            id: self.id.clone(),
            label: self.label.clone(),
            seats: Seats::new(self.capacity).ok()?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct ReservationRow {
    id: String,
    restaurant_id: String,
    party_size: i64,
    start_at: i64,
    end_at: i64,
    name: String,
    phone: String,
    email: Option<String>,
    notes: String,
    status: String,
    code_hash: String,
    created_at: i64,
    updated_at: i64,
    cancelled_at: Option<i64>,
    cancelled_by: Option<String>,
    cancel_reason: Option<String>,
}

const RESERVATION_COLUMNS: &str = "id, restaurant_id, party_size, start_at, end_at, name, phone, \
    email, notes, status, code_hash, created_at, updated_at, cancelled_at, cancelled_by, cancel_reason";

impl ReservationRow {
    fn status(&self) -> Result<Status> {
        Status::parse(&self.status)
            .ok_or_else(|| ServiceError::Internal(format!("reservation {}: bad status", self.id)))
    }
}

fn from_secs(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
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
    min: i64,
    max: i64,
) -> Option<i64> {
    let value = value?;
    if (min..=max).contains(&value) {
        Some(value)
    } else {
        errors.add(field, format!("must be between {min} and {max}"));
        None
    }
}

/// Validated restaurant fields, ready to store.
struct RestaurantFields {
    name: Option<RestaurantName>,
    phone: Option<Phone>,
    email: Option<Option<String>>,
    address: Option<Option<String>>,
    city: Option<Option<String>>,
    timezone: Option<TimeZone>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    hours: Option<OpeningHours>,
    slot_minutes: Option<i64>,
    duration_minutes: Option<i64>,
    buffer_minutes: Option<i64>,
    min_notice_minutes: Option<i64>,
    max_days_ahead: Option<i64>,
    max_party_size: Option<i64>,
    closed_dates: Option<Vec<NaiveDate>>,
}

fn parse_restaurant_fields(input: &NewRestaurant, creating: bool) -> Result<RestaurantFields> {
    let mut errors = FieldErrors::default();
    let name = match input.name.as_deref() {
        None if creating => {
            errors.add("name", "name is required");
            None
        }
        None => None,
        Some(name) => errors.check("name", RestaurantName::parse(name)),
    };
    let phone = match input.phone.as_deref() {
        None if creating => {
            errors.add("phone", "phone is required");
            None
        }
        None => None,
        Some(phone) => errors.check("phone", Phone::parse(phone)),
    };
    let email = input.email.as_ref().map(|e| {
        optional_text(Some(e))
            .and_then(|e| errors.check("email", Email::parse(e)).map(|e| e.as_str().to_string()))
    });
    let mut short = |field: &str, value: &Option<String>| {
        value.as_ref().map(|v| {
            let v = v.trim();
            if v.chars().count() > 200 {
                errors.add(field, "at most 200 characters");
            }
            (!v.is_empty()).then(|| v.to_string())
        })
    };
    let address = short("address", &input.address);
    let city = short("city", &input.city);
    let timezone =
        input.timezone.as_deref().and_then(|tz| errors.check("timezone", TimeZone::parse(tz)));
    let latitude = input.latitude.filter(|lat| {
        let ok = (-90.0..=90.0).contains(lat);
        if !ok {
            errors.add("latitude", "must be between -90 and 90");
        }
        ok
    });
    let longitude = input.longitude.filter(|lon| {
        let ok = (-180.0..=180.0).contains(lon);
        if !ok {
            errors.add("longitude", "must be between -180 and 180");
        }
        ok
    });
    let hours = input
        .opening_hours
        .as_ref()
        .and_then(|specs| errors.check("opening_hours", OpeningHours::parse(specs)));
    let slot_minutes = bounded(&mut errors, "slot_minutes", input.slot_minutes, 5, 240);
    let duration_minutes =
        bounded(&mut errors, "duration_minutes", input.duration_minutes, 15, 720);
    let buffer_minutes = bounded(&mut errors, "buffer_minutes", input.buffer_minutes, 0, 240);
    let min_notice_minutes =
        bounded(&mut errors, "min_notice_minutes", input.min_notice_minutes, 0, 43200);
    let max_days_ahead = bounded(&mut errors, "max_days_ahead", input.max_days_ahead, 0, 730);
    let max_party_size = bounded(&mut errors, "max_party_size", input.max_party_size, 1, 20);
    let closed_dates = input.closed_dates.as_ref().map(|dates| {
        let mut parsed = Vec::new();
        for text in dates {
            match text.trim().parse::<NaiveDate>() {
                Ok(d) => parsed.push(d),
                Err(_) => {
                    errors.add("closed_dates", format!("{text:?} is not a date; use YYYY-MM-DD"))
                }
            }
        }
        parsed.sort();
        parsed.dedup();
        parsed
    });
    errors.finish()?;
    Ok(RestaurantFields {
        name,
        phone,
        email,
        address,
        city,
        timezone,
        latitude,
        longitude,
        hours,
        slot_minutes,
        duration_minutes,
        buffer_minutes,
        min_notice_minutes,
        max_days_ahead,
        max_party_size,
        closed_dates,
    })
}

impl Service {
    pub fn new(db: Db) -> Self {
        Self { db, clock: Arc::new(Utc::now) }
    }

    /// The same service with another clock (tests travel in time with it).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// Today's date in a time zone, by the service's clock.
    pub fn today_in(&self, tz: TimeZone) -> NaiveDate {
        self.now().with_timezone(&tz.0).date_naive()
    }

    /// Opens a write transaction holding SQLite's write lock from the start,
    /// so that what it reads cannot change before it commits.
    async fn write(&self) -> Result<Transaction<'static, Sqlite>> {
        Ok(self.db.writer().begin_with("BEGIN IMMEDIATE").await?)
    }

    // ----------------------------------------------------------------- restaurants

    /// Creates a restaurant; the answer carries its owner key, shown once.
    pub async fn create_restaurant(&self, input: NewRestaurant) -> Result<CreatedRestaurant> {
        let fields = parse_restaurant_fields(&input, true)?;
        let owner_key = secrets::new_owner_key();
        let now = self.now().timestamp();
        let id = uuid::Uuid::now_v7().to_string();
        let hours = fields.hours.unwrap_or_default();
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO restaurants (id, name, phone, email, address, city, latitude, longitude, \
             timezone, opening_hours, slot_minutes, duration_minutes, buffer_minutes, \
             min_notice_minutes, max_days_ahead, max_party_size, closed_dates, owner_key_hash, \
             created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&id)
        .bind(fields.name.as_ref().map(|n| n.as_str()))
        .bind(fields.phone.as_ref().map(|p| p.as_str()))
        .bind(fields.email.flatten())
        .bind(fields.address.flatten())
        .bind(fields.city.flatten())
        .bind(fields.latitude)
        .bind(fields.longitude)
        .bind(fields.timezone.map_or("UTC", |tz| tz.name()))
        .bind(serde_json::to_string(&hours.specs()).expect("hours serialize"))
        .bind(fields.slot_minutes.unwrap_or(60))
        .bind(fields.duration_minutes.unwrap_or(60))
        .bind(fields.buffer_minutes.unwrap_or(0))
        .bind(fields.min_notice_minutes.unwrap_or(0))
        .bind(fields.max_days_ahead.unwrap_or(60))
        .bind(fields.max_party_size)
        .bind(
            serde_json::to_string(&fields.closed_dates.unwrap_or_default())
                .expect("dates serialize"),
        )
        .bind(secrets::hash(&owner_key))
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let record = load_restaurant(&mut tx, &id).await?;
        tx.commit().await?;
        tracing::info!(restaurant = %id, "restaurant created");
        Ok(CreatedRestaurant { restaurant: record.to_model(Some(Vec::new())), owner_key })
    }

    /// Changes the given fields of a restaurant (owner only).
    pub async fn update_restaurant(
        &self,
        id: &str,
        owner_key: Option<&str>,
        input: NewRestaurant,
    ) -> Result<Restaurant> {
        let mut tx = self.write().await?;
        let current = load_restaurant(&mut tx, id).await?;
        authorize_owner(&mut tx, &current, owner_key).await?;
        let fields = parse_restaurant_fields(&input, false)?;
        let hours = fields.hours.unwrap_or(current.hours.clone());
        sqlx::query(
            "UPDATE restaurants SET name = ?, phone = ?, email = ?, address = ?, city = ?, \
             latitude = ?, longitude = ?, timezone = ?, opening_hours = ?, slot_minutes = ?, \
             duration_minutes = ?, buffer_minutes = ?, min_notice_minutes = ?, max_days_ahead = ?, \
             max_party_size = ?, closed_dates = ?, updated_at = ? WHERE id = ?",
        )
        .bind(fields.name.as_ref().map_or(current.name.as_str(), |n| n.as_str()))
        .bind(fields.phone.as_ref().map_or(current.phone.as_str(), |p| p.as_str()))
        .bind(fields.email.unwrap_or(current.email.clone()))
        .bind(fields.address.unwrap_or(current.address.clone()))
        .bind(fields.city.unwrap_or(current.city.clone()))
        .bind(fields.latitude.or(current.latitude))
        .bind(fields.longitude.or(current.longitude))
        .bind(fields.timezone.unwrap_or(current.tz).name())
        .bind(serde_json::to_string(&hours.specs()).expect("hours serialize"))
        .bind(fields.slot_minutes.unwrap_or(current.slot_minutes as i64))
        .bind(fields.duration_minutes.unwrap_or(current.duration_minutes as i64))
        .bind(fields.buffer_minutes.unwrap_or(current.buffer_minutes as i64))
        .bind(fields.min_notice_minutes.unwrap_or(current.min_notice_minutes as i64))
        .bind(fields.max_days_ahead.unwrap_or(current.max_days_ahead as i64))
        .bind(fields.max_party_size.or(current.max_party_size.map(i64::from)))
        .bind(
            serde_json::to_string(&fields.closed_dates.unwrap_or(current.closed_dates.clone()))
                .expect("dates serialize"),
        )
        .bind(self.now().timestamp())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let record = load_restaurant(&mut tx, id).await?;
        let tables = load_tables(&mut tx, id, false).await?;
        tx.commit().await?;
        Ok(record.to_model(Some(tables.iter().map(TableRow::to_model).collect())))
    }

    /// A restaurant with its bookable tables.
    pub async fn restaurant(&self, id: &str) -> Result<Restaurant> {
        let mut conn = self.db.reader().acquire().await?;
        let record = load_restaurant(&mut conn, id).await?;
        let tables = load_tables(&mut conn, id, false).await?;
        Ok(record.to_model(Some(tables.iter().map(TableRow::to_model).collect())))
    }

    /// Restaurants whose name or city contains `q`, in `city` if given, by name.
    pub async fn list_restaurants(
        &self,
        q: Option<&str>,
        city: Option<&str>,
        page: u32,
        per_page: u32,
    ) -> Result<RestaurantPage> {
        let mut errors = FieldErrors::default();
        if page == 0 {
            errors.add("page", "pages start at 1");
        }
        if !(1..=100).contains(&per_page) {
            errors.add("per_page", "must be between 1 and 100");
        }
        errors.finish()?;
        let pattern =
            q.map(str::trim).filter(|q| !q.is_empty()).map(|q| format!("%{}%", escape_like(q)));
        let city = city.map(str::trim).filter(|c| !c.is_empty());
        let filter = "WHERE (?1 IS NULL OR name LIKE ?1 ESCAPE '\\' OR city LIKE ?1 ESCAPE '\\') \
                      AND (?2 IS NULL OR city = ?2 COLLATE NOCASE)";
        let mut conn = self.db.reader().acquire().await?;
        let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM restaurants {filter}"))
            .bind(&pattern)
            .bind(city)
            .fetch_one(&mut *conn)
            .await?;
        let rows: Vec<RestaurantRow> = sqlx::query_as(&format!(
            "SELECT {RESTAURANT_COLUMNS} FROM restaurants {filter} \
             ORDER BY name COLLATE NOCASE, id LIMIT ?3 OFFSET ?4"
        ))
        .bind(&pattern)
        .bind(city)
        .bind(per_page as i64)
        .bind((page as i64 - 1) * per_page as i64)
        .fetch_all(&mut *conn)
        .await?;
        let items = rows
            .into_iter()
            .map(|row| RestaurantRecord::try_from(row).map(|r| r.to_model(None)))
            .collect::<Result<Vec<_>>>()?;
        Ok(RestaurantPage { items, page, per_page, total: total as u64 })
    }

    // ----------------------------------------------------------------- tables

    /// Adds tables (all or none) and answers with all of the restaurant's tables.
    pub async fn add_tables(
        &self,
        restaurant_id: &str,
        owner_key: Option<&str>,
        new: Vec<NewTable>,
    ) -> Result<Vec<Table>> {
        let mut tx = self.write().await?;
        let restaurant = load_restaurant(&mut tx, restaurant_id).await?;
        authorize_owner(&mut tx, &restaurant, owner_key).await?;
        let existing = load_tables(&mut tx, restaurant_id, false).await?;
        let mut taken: Vec<String> = existing.iter().map(|t| t.label.to_lowercase()).collect();
        let mut errors = FieldErrors::default();
        if new.is_empty() {
            errors.add("tables", "add at least one table");
        }
        if new.len() > 200 {
            errors.add("tables", "at most 200 tables at a time");
        }
        let mut rows = Vec::new();
        for (i, table) in new.iter().enumerate() {
            let seats = match table.capacity {
                None => {
                    errors.add(format!("tables[{i}].capacity"), "capacity is required");
                    None
                }
                Some(n) => errors.check(&format!("tables[{i}].capacity"), Seats::new(n)),
            };
            let label = match optional_text(table.label.as_ref()) {
                Some(label) => errors
                    .check(&format!("tables[{i}].label"), TableLabel::parse(label))
                    .map(String::from),
                None => Some(next_label(&taken)),
            };
            if let Some(label) = &label {
                if taken.contains(&label.to_lowercase()) {
                    errors.add(
                        format!("tables[{i}].label"),
                        format!("there is already a table {label}"),
                    );
                }
                taken.push(label.to_lowercase());
            }
            if let (Some(seats), Some(label)) = (seats, label) {
                rows.push((label, seats));
            }
        }
        errors.finish()?;
        let now = self.now().timestamp();
        for (label, seats) in &rows {
            sqlx::query(
                "INSERT INTO tables (id, restaurant_id, label, capacity, created_at, updated_at) \
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(uuid::Uuid::now_v7().to_string())
            .bind(restaurant_id)
            .bind(label)
            .bind(seats.get() as i64)
            .bind(now)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        let tables = load_tables(&mut tx, restaurant_id, false).await?;
        tx.commit().await?;
        Ok(tables.iter().map(TableRow::to_model).collect())
    }

    /// Changes a table's label or seats.
    pub async fn update_table(
        &self,
        restaurant_id: &str,
        table_id: &str,
        owner_key: Option<&str>,
        changes: TableChanges,
    ) -> Result<Table> {
        let mut tx = self.write().await?;
        let restaurant = load_restaurant(&mut tx, restaurant_id).await?;
        authorize_owner(&mut tx, &restaurant, owner_key).await?;
        let tables = load_tables(&mut tx, restaurant_id, false).await?;
        let current =
            tables.iter().find(|t| t.id == table_id).ok_or(ServiceError::NotFound("table"))?;
        let mut errors = FieldErrors::default();
        let seats = changes.capacity.and_then(|n| errors.check("capacity", Seats::new(n)));
        let label = match changes.label.as_deref() {
            Some(label) => errors.check("label", TableLabel::parse(label)).map(String::from),
            None => None,
        };
        if let Some(label) = &label
            && tables.iter().any(|t| t.id != table_id && t.label.eq_ignore_ascii_case(label))
        {
            errors.add("label", format!("there is already a table {label}"));
        }
        errors.finish()?;
        sqlx::query("UPDATE tables SET label = ?, capacity = ?, updated_at = ? WHERE id = ?")
            .bind(label.as_deref().unwrap_or(&current.label))
            .bind(seats.map_or(current.capacity, |s| s.get() as i64))
            .bind(self.now().timestamp())
            .bind(table_id)
            .execute(&mut *tx)
            .await?;
        let table = load_tables(&mut tx, restaurant_id, false)
            .await?
            .into_iter()
            .find(|t| t.id == table_id)
            .ok_or(ServiceError::NotFound("table"))?;
        tx.commit().await?;
        Ok(table.to_model())
    }

    /// Stops offering a table. It stays in the database for the reservations
    /// that name it; reservations already made keep it.
    pub async fn remove_table(
        &self,
        restaurant_id: &str,
        table_id: &str,
        owner_key: Option<&str>,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let restaurant = load_restaurant(&mut tx, restaurant_id).await?;
        authorize_owner(&mut tx, &restaurant, owner_key).await?;
        let done = sqlx::query("UPDATE tables SET active = 0, updated_at = ? WHERE id = ? AND restaurant_id = ? AND active = 1")
            .bind(self.now().timestamp())
            .bind(table_id)
            .bind(restaurant_id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(ServiceError::NotFound("table"));
        }
        tx.commit().await?;
        Ok(())
    }

    // ----------------------------------------------------------------- slots

    /// Every slot of `date` with every table's availability; with a party
    /// size, a table counts as available only if the party fits it. With
    /// `available_only`, just the slots where the party can be seated, each
    /// with the table that would be assigned.
    pub async fn slots(
        &self,
        restaurant_id: &str,
        date: &str,
        party_size: Option<&str>,
        available_only: bool,
    ) -> Result<DaySlots> {
        let mut errors = FieldErrors::default();
        let date = errors.check("date", parse_date(date));
        let party = party_size.and_then(|p| errors.check("party_size", PartySize::parse(p)));
        if available_only && party.is_none() && party_size.is_none() {
            errors.add("party_size", "party_size is required with available=true");
        }
        errors.finish()?;
        let date = date.expect("checked");
        let mut conn = self.db.reader().acquire().await?;
        let restaurant = load_restaurant(&mut conn, restaurant_id).await?;
        let tables = bookable_tables(&mut conn, restaurant_id).await?;
        let now = self.now();
        let slots = restaurant.slots_of(date);
        let holds = load_holds_for(&mut conn, restaurant_id, &slots, restaurant.buffer()).await?;
        let day = day_availability(
            slots,
            &tables,
            &holds,
            restaurant.buffer(),
            restaurant.earliest_start(now),
            restaurant.date_bookable(date, now),
        );
        let party_ok = |p: PartySize| p.get() <= restaurant.party_limit(&tables);
        let slots = day
            .into_iter()
            .filter_map(|st| {
                let tables_view: Vec<TableAvailability> = if available_only {
                    let party = party.expect("checked");
                    if !st.open_for_booking || !party_ok(party) {
                        return None;
                    }
                    let table = assign_table(
                        &tables,
                        &holds,
                        party,
                        st.slot.start,
                        st.slot.end + restaurant.buffer(),
                        None,
                    )
                    .ok()?;
                    vec![availability(table, true)]
                } else {
                    tables
                        .iter()
                        .zip(&st.free)
                        .map(|(t, free)| {
                            availability(
                                t,
                                *free && party.is_none_or(|p| t.seats.fits(p) && party_ok(p)),
                            )
                        })
                        .collect()
                };
                Some(SlotInfo {
                    start: restaurant.local(st.slot.start),
                    local_time: st.slot.local.format("%H:%M").to_string(),
                    tables: tables_view,
                })
            })
            .collect();
        Ok(DaySlots { date, timezone: restaurant.tz.name().to_string(), slots })
    }

    // ----------------------------------------------------------------- reservations

    /// Books a table. Without `table_id` the smallest free table that fits is
    /// assigned. A slot taken meanwhile is a `SlotUnavailable` with the
    /// nearest other start times that can seat the party.
    pub async fn book(&self, input: NewReservation) -> Result<Reservation> {
        let mut errors = FieldErrors::default();
        let restaurant_id =
            errors.required("restaurant_id", optional_text(input.restaurant_id.as_ref()));
        let start_text = errors.required("start", optional_text(input.start.as_ref()));
        let party = match input.party_size {
            None => {
                errors.add("party_size", "party size is required");
                None
            }
            Some(n) => errors.check("party_size", PartySize::new(n)),
        };
        let name = errors
            .required("name", input.name.as_deref())
            .and_then(|n| errors.check("name", DinerName::parse(n)));
        let phone = errors
            .required("phone", input.phone.as_deref())
            .and_then(|p| errors.check("phone", Phone::parse(p)));
        let email = optional_text(input.email.as_ref())
            .and_then(|e| errors.check("email", Email::parse(e)));
        let notes = errors
            .check("notes", Notes::parse(input.notes.as_deref().unwrap_or("")))
            .unwrap_or_default();
        let table_id = optional_text(input.table_id.as_ref());
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let (restaurant_id, start_text) =
            (restaurant_id.expect("checked"), start_text.expect("checked"));
        let (party, name, phone) =
            (party.expect("checked"), name.expect("checked"), phone.expect("checked"));

        let mut tx = self.write().await?;
        let restaurant = load_restaurant(&mut tx, restaurant_id).await?;
        let now = self.now();
        let start = parse_start(start_text, restaurant.tz)
            .map_err(|m| ServiceError::invalid("start", m))?;
        let (date, slot) = find_slot(&restaurant, start).ok_or_else(|| {
            ServiceError::invalid(
                "start",
                format!(
                    "no reservation can start then: the restaurant is closed, or slots start every {} minutes from opening",
                    restaurant.slot_minutes
                ),
            )
        })?;
        if !restaurant.date_bookable(date, now) {
            let message = if date < restaurant.today(now) {
                "that time has passed".to_string()
            } else if restaurant.closed_dates.contains(&date) {
                "the restaurant is closed that day".to_string()
            } else {
                format!("bookings open {} days ahead", restaurant.max_days_ahead)
            };
            return Err(ServiceError::invalid("start", message));
        }
        if slot.start < restaurant.earliest_start(now) {
            let message = if slot.start < now {
                "that time has passed".to_string()
            } else {
                format!("bookings need {} minutes' notice", restaurant.min_notice_minutes)
            };
            return Err(ServiceError::invalid("start", message));
        }
        let tables = bookable_tables(&mut tx, restaurant_id).await?;
        let limit = restaurant.party_limit(&tables);
        if party.get() > limit {
            let message = if limit == 0 {
                "this restaurant has no tables to book yet".to_string()
            } else {
                format!(
                    "online bookings are for parties of up to {limit}; please call the restaurant"
                )
            };
            return Err(ServiceError::invalid("party_size", message));
        }
        let day_slots = restaurant.slots_of(date);
        let holds = load_holds_for(&mut tx, restaurant_id, &day_slots, restaurant.buffer()).await?;
        let until = slot.end + restaurant.buffer();
        let table = match assign_table(&tables, &holds, party, slot.start, until, table_id) {
            Ok(table) => table.clone(),
            Err(NoTable::UnknownTable) => {
                return Err(ServiceError::invalid("table_id", "no such table at this restaurant"));
            }
            Err(NoTable::TooSmall) => {
                return Err(ServiceError::invalid(
                    "table_id",
                    format!("that table seats fewer than {party}"),
                ));
            }
            Err(NoTable::PartyTooLarge) => {
                return Err(ServiceError::invalid("party_size", format!("no table seats {party}")));
            }
            Err(NoTable::AllHeld) => {
                let day = day_availability(
                    day_slots,
                    &tables,
                    &holds,
                    restaurant.buffer(),
                    restaurant.earliest_start(now),
                    true,
                );
                let alternatives =
                    alternatives(&restaurant, &tables, &holds, party, slot.start, &day);
                let message = if table_id.is_some() {
                    "that table is already booked at that time".to_string()
                } else {
                    format!("no table for {party} is free at that time")
                };
                return Err(ServiceError::SlotUnavailable { message, alternatives });
            }
        };

        let id = uuid::Uuid::now_v7().to_string();
        let code = secrets::new_confirmation_code();
        let ts = now.timestamp();
        sqlx::query(
            "INSERT INTO reservations (id, restaurant_id, party_size, start_at, end_at, hold_until, \
             name, phone, email, notes, status, code_hash, created_at, updated_at, confirmed_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'confirmed', ?, ?, ?, ?)",
        )
        .bind(&id)
        .bind(restaurant_id)
        .bind(party.get() as i64)
        .bind(slot.start.timestamp())
        .bind(slot.end.timestamp())
        .bind(until.timestamp())
        .bind(name.as_str())
        .bind(phone.as_str())
        .bind(email.as_ref().map(Email::as_str))
        .bind(notes.as_str())
        .bind(secrets::hash(&code))
        .bind(ts)
        .bind(ts)
        .bind(ts)
        .execute(&mut *tx)
        .await?;
        let held = sqlx::query(
            "INSERT INTO reservation_tables (reservation_id, table_id, restaurant_id, start_at, hold_until, active) \
             VALUES (?, ?, ?, ?, ?, 1)",
        )
        .bind(&id)
        .bind(&table.id)
        .bind(restaurant_id)
        .bind(slot.start.timestamp())
        .bind(until.timestamp())
        .execute(&mut *tx)
        .await;
        if let Err(err) = held {
            // The database's own guard refused an overlapping hold.
            if is_overlap(&err) {
                tracing::warn!(reservation = %id, table = %table.id, "overlap refused by the database");
                return Err(ServiceError::SlotUnavailable {
                    message: "that table is already booked at that time".into(),
                    alternatives: Vec::new(),
                });
            }
            return Err(err.into());
        }
        let mut reservation = load_reservation(&mut tx, &id, &restaurant).await?;
        tx.commit().await?;
        tracing::info!(reservation = %id, restaurant = %restaurant_id, table = %table.label, party = party.get(), "reservation confirmed");
        reservation.code = Some(code);
        Ok(reservation)
    }

    /// A reservation, for its diner (with the code) or the restaurant's owner.
    /// A wrong code answers "not found", so ids cannot be probed.
    pub async fn reservation(&self, id: &str, caller: &Caller) -> Result<Reservation> {
        let mut conn = self.db.reader().acquire().await?;
        let (row, restaurant) = authorize_reservation(&mut conn, id, caller).await?;
        reservation_model(&mut conn, row, &restaurant).await
    }

    /// Cancels a reservation; cancelling a cancelled one changes nothing.
    pub async fn cancel(
        &self,
        id: &str,
        caller: &Caller,
        reason: Option<&str>,
    ) -> Result<Reservation> {
        let reason = match reason.map(str::trim).filter(|r| !r.is_empty()) {
            Some(r) if r.chars().count() > 500 => {
                return Err(ServiceError::invalid("reason", "at most 500 characters"));
            }
            other => other,
        };
        let mut tx = self.write().await?;
        let (row, restaurant) = authorize_reservation(&mut tx, id, caller).await?;
        let status = row.status()?;
        let now = self.now();
        match status {
            Status::Cancelled => {}
            Status::Pending | Status::Confirmed => {
                if matches!(caller, Caller::Diner { .. }) && from_secs(row.start_at) <= now {
                    return Err(ServiceError::InvalidTransition(
                        "this reservation has already started; please call the restaurant".into(),
                    ));
                }
                let by = match caller {
                    Caller::Diner { .. } => "diner",
                    Caller::Owner { .. } => "owner",
                };
                sqlx::query(
                    "UPDATE reservations SET status = 'cancelled', cancelled_at = ?, cancelled_by = ?, \
                     cancel_reason = ?, updated_at = ?, version = version + 1 WHERE id = ?",
                )
                .bind(now.timestamp())
                .bind(by)
                .bind(reason)
                .bind(now.timestamp())
                .bind(id)
                .execute(&mut *tx)
                .await?;
                tracing::info!(reservation = %id, by, "reservation cancelled");
            }
            other => {
                return Err(ServiceError::InvalidTransition(format!(
                    "a reservation that is {} cannot be cancelled",
                    other.label().to_lowercase()
                )));
            }
        }
        let reservation = load_reservation(&mut tx, id, &restaurant).await?;
        tx.commit().await?;
        Ok(reservation)
    }

    /// The reservations of a service day, by start time (owner only).
    pub async fn day_reservations(
        &self,
        restaurant_id: &str,
        owner_key: Option<&str>,
        date: &str,
    ) -> Result<Vec<Reservation>> {
        let date = parse_date(date).map_err(|e| ServiceError::invalid("date", e.0))?;
        let mut conn = self.db.reader().acquire().await?;
        let restaurant = load_restaurant(&mut conn, restaurant_id).await?;
        authorize_owner(&mut conn, &restaurant, owner_key).await?;
        let (from, to) = service_day(&restaurant.hours, restaurant.tz, date);
        let rows: Vec<ReservationRow> = sqlx::query_as(&format!(
            "SELECT {RESERVATION_COLUMNS} FROM reservations \
             WHERE restaurant_id = ? AND start_at >= ? AND start_at < ? ORDER BY start_at, created_at"
        ))
        .bind(restaurant_id)
        .bind(from.timestamp())
        .bind(to.timestamp())
        .fetch_all(&mut *conn)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            out.push(reservation_model(&mut conn, row, &restaurant).await?);
        }
        Ok(out)
    }

    /// Whether `owner_key` is the key of `restaurant_id` (for the pages that
    /// show owner controls).
    pub async fn is_owner(&self, restaurant_id: &str, owner_key: Option<&str>) -> Result<bool> {
        let mut conn = self.db.reader().acquire().await?;
        let restaurant = load_restaurant(&mut conn, restaurant_id).await?;
        Ok(owner_key.is_some_and(|key| secrets::matches(key, &restaurant.owner_key_hash)))
    }
}

fn availability(table: &TableInfo, available: bool) -> TableAvailability {
    TableAvailability {
        table_id: table.id.clone(),
        label: table.label.clone(),
        capacity: table.seats.get(),
        available,
    }
}

/// The next free label of the form T1, T2, …
fn next_label(taken: &[String]) -> String {
    (1..)
        .map(|n| format!("T{n}"))
        .find(|l| !taken.contains(&l.to_lowercase()))
        .expect("some label is free")
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

fn parse_date(text: &str) -> Result<NaiveDate, crate::domain::ParseError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| crate::domain::ParseError(format!("{text:?} is not a date; use YYYY-MM-DD")))
}

/// A start time: RFC 3339 with an offset, or a local `YYYY-MM-DDTHH:MM`
/// read in the restaurant's zone (a repeated wall time means its first
/// occurrence, as in the slot lists).
fn parse_start(text: &str, tz: TimeZone) -> std::result::Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| format!("{text:?} is not a time; use 2026-12-04T19:00 or RFC 3339"))?;
    tz.0.from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| format!("{local} does not exist in {} (the clocks change then)", tz.name()))
}

/// The service date and slot that start at `start`, if any: slots after
/// midnight belong to the previous day's late period.
fn find_slot(restaurant: &RestaurantRecord, start: DateTime<Utc>) -> Option<(NaiveDate, Slot)> {
    let local_date = start.with_timezone(&restaurant.tz.0).date_naive();
    [Some(local_date), local_date.pred_opt()].into_iter().flatten().find_map(|date| {
        restaurant.slots_of(date).into_iter().find(|s| s.start == start).map(|s| (date, s))
    })
}

/// The start times nearest to `wanted` (before or after) where the party can
/// still be seated.
fn alternatives(
    restaurant: &RestaurantRecord,
    tables: &[TableInfo],
    holds: &[Hold],
    party: PartySize,
    wanted: DateTime<Utc>,
    day: &[SlotTables],
) -> Vec<DateTime<FixedOffset>> {
    let mut free: Vec<DateTime<Utc>> = day
        .iter()
        .filter(|st| st.open_for_booking && st.slot.start != wanted)
        .filter(|st| {
            assign_table(
                tables,
                holds,
                party,
                st.slot.start,
                st.slot.end + restaurant.buffer(),
                None,
            )
            .is_ok()
        })
        .map(|st| st.slot.start)
        .collect();
    free.sort_by_key(|t| ((*t - wanted).num_seconds().abs(), *t));
    free.truncate(ALTERNATIVES);
    free.sort();
    free.into_iter().map(|t| restaurant.local(t)).collect()
}

fn is_overlap(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.message().contains("table_already_held"))
}

async fn load_restaurant(conn: &mut SqliteConnection, id: &str) -> Result<RestaurantRecord> {
    let row: Option<RestaurantRow> =
        sqlx::query_as(&format!("SELECT {RESTAURANT_COLUMNS} FROM restaurants WHERE id = ?"))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    row.ok_or(ServiceError::NotFound("restaurant"))?.try_into()
}

/// The restaurant's tables, ordered by label; removed ones too if asked.
async fn load_tables(
    conn: &mut SqliteConnection,
    restaurant_id: &str,
    with_removed: bool,
) -> Result<Vec<TableRow>> {
    let mut rows: Vec<TableRow> = sqlx::query_as(
        "SELECT id, label, capacity, active FROM tables WHERE restaurant_id = ? AND (active = 1 OR ?)",
    )
    .bind(restaurant_id)
    .bind(with_removed)
    .fetch_all(&mut *conn)
    .await?;
    rows.sort_by(|a, b| natural_cmp(&a.label, &b.label));
    Ok(rows)
}

/// The tables online booking may give out.
async fn bookable_tables(
    conn: &mut SqliteConnection,
    restaurant_id: &str,
) -> Result<Vec<TableInfo>> {
    Ok(load_tables(conn, restaurant_id, false).await?.iter().filter_map(TableRow::info).collect())
}

/// The active holds that can overlap any of `slots` (with the buffer): one
/// indexed range query for the whole day.
async fn load_holds_for(
    conn: &mut SqliteConnection,
    restaurant_id: &str,
    slots: &[Slot],
    buffer: Duration,
) -> Result<Vec<Hold>> {
    let (Some(first), Some(last_end)) = (slots.first(), slots.iter().map(|s| s.end).max()) else {
        return Ok(Vec::new());
    };
    // Holds last at most a day (a schema CHECK), so none starting earlier can reach the first slot.
    let from = first.start.timestamp() - 86_400;
    let to = (last_end + buffer).timestamp();
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT table_id, start_at, hold_until FROM reservation_tables \
         WHERE restaurant_id = ? AND active = 1 AND start_at > ? AND start_at < ?",
    )
    .bind(restaurant_id)
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(table_id, start, until)| Hold {
            table_id,
            start: from_secs(start),
            until: from_secs(until),
        })
        .collect())
}

/// Checks the owner key of `restaurant`: 401 without a key or with an unknown
/// one, 403 with another restaurant's key.
async fn authorize_owner(
    conn: &mut SqliteConnection,
    restaurant: &RestaurantRecord,
    owner_key: Option<&str>,
) -> Result<()> {
    let key =
        owner_key.map(str::trim).filter(|k| !k.is_empty()).ok_or(ServiceError::Unauthorized)?;
    if secrets::matches(key, &restaurant.owner_key_hash) {
        return Ok(());
    }
    let elsewhere: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM restaurants WHERE owner_key_hash = ?")
            .bind(secrets::hash(key))
            .fetch_optional(&mut *conn)
            .await?;
    Err(if elsewhere.is_some() { ServiceError::Forbidden } else { ServiceError::Unauthorized })
}

async fn authorize_reservation(
    conn: &mut SqliteConnection,
    id: &str,
    caller: &Caller,
) -> Result<(ReservationRow, RestaurantRecord)> {
    let row: Option<ReservationRow> =
        sqlx::query_as(&format!("SELECT {RESERVATION_COLUMNS} FROM reservations WHERE id = ?"))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    let row = row.ok_or(ServiceError::NotFound("reservation"))?;
    let restaurant = load_restaurant(conn, &row.restaurant_id).await?;
    let allowed = match caller {
        Caller::Diner { code } => secrets::matches(&secrets::normalize_code(code), &row.code_hash),
        Caller::Owner { key } => secrets::matches(key.trim(), &restaurant.owner_key_hash),
    };
    if allowed { Ok((row, restaurant)) } else { Err(ServiceError::NotFound("reservation")) }
}

async fn load_reservation(
    conn: &mut SqliteConnection,
    id: &str,
    restaurant: &RestaurantRecord,
) -> Result<Reservation> {
    let row: ReservationRow =
        sqlx::query_as(&format!("SELECT {RESERVATION_COLUMNS} FROM reservations WHERE id = ?"))
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    reservation_model(conn, row, restaurant).await
}

async fn reservation_model(
    conn: &mut SqliteConnection,
    row: ReservationRow,
    restaurant: &RestaurantRecord,
) -> Result<Reservation> {
    let mut tables: Vec<HeldTable> = sqlx::query_as::<_, (String, String, i64)>(
        "SELECT t.id, t.label, t.capacity FROM reservation_tables AS rt JOIN tables AS t ON t.id = rt.table_id \
         WHERE rt.reservation_id = ?",
    )
    .bind(&row.id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|(id, label, capacity)| HeldTable { id, label, capacity: capacity as u8 })
    .collect();
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
        code: None,
    })
}
