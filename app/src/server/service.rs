//! The service: every operation of Covers, each one database transaction.
//! REST handlers and server functions are thin callers of these methods.
//!
//! Booking takes SQLite's write lock up front (`BEGIN IMMEDIATE`), decides the
//! table with the same predicate the slot lists use, and inserts the
//! reservation and its holds; the schema's triggers refuse any overlapping
//! hold whatever code path writes it.

use std::sync::Arc;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, TimeZone as _, Utc};
use sqlx::AnyConnection;

use crate::domain::{
    Ask, Channel, DinerName, DurationRule, Email, Floor, Hold, MAX_JOINED_TABLES, Notes,
    OpeningHours, PartySize, PeriodSpec, Phone, Policy, RestaurantName, Rules, Seats, Slot,
    TableInfo, TableLabel, TimeZone, Unavailable, alternatives, natural_cmp, seat, service_day,
};
use crate::model::{
    CreatedRestaurant, DayExplanation, DaySlots, HeldTable, History, HistoryEntry, NewReservation,
    NewRestaurant, NewTable, Reason, Reservation, ReservationChanges, Restaurant, RestaurantPage,
    SlotExplanation, SlotInfo, Status, StatusChange, Table, TableAvailability, TableChanges,
    people,
};

use super::db::{Db, Engine};
use super::error::{FieldErrors, ServiceError};
use super::secrets::{self, Secrets};

mod keys;

type Result<T, E = ServiceError> = std::result::Result<T, E>;

/// The current instant; replaceable in tests.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// How many alternative start times a refused booking offers.
const ALTERNATIVES: usize = 3;

/// How many times a write transaction is tried when the database reports
/// a serialization failure or a deadlock.
const WRITE_ATTEMPTS: usize = 4;

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
    /// Restaurants with their rules parsed and their tables, by id. An entry
    /// is used only once the stored revision has been read back equal to its
    /// own, so a change made through another server is seen at once.
    plans: moka::sync::Cache<String, Arc<Floorplan>>,
    /// The server's key: secrets are stored as keyed hashes.
    secrets: Secrets,
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
    /// The restaurant's own request budget a minute, if it set one.
    requests_per_minute: Option<u16>,
    policy: Policy,
    owner_key_hash: String,
    created_at: i64,
    updated_at: i64,
    revision: i64,
}

/// A restaurant and the tables online booking may give out, as of one
/// revision of the restaurant (any change to it or its tables raises it).
#[derive(Debug)]
struct Floorplan {
    restaurant: RestaurantRecord,
    tables: Vec<TableInfo>,
}

/// One day of a restaurant as the engine sees it (see `Service::floor`).
struct Day<T> {
    plan: Arc<Floorplan>,
    /// What the caller worked out from the restaurant with the slots.
    prepared: T,
    /// The slots of the day the holds were read for.
    grid: Vec<Slot>,
    holds: Vec<Hold>,
}

/// How many restaurants a server keeps parsed in memory.
const PLANS_KEPT: u64 = 10_000;

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
    durations: String,
    buffer_minutes: i64,
    walk_in_seats_percent: i64,
    min_notice_minutes: i64,
    max_days_ahead: i64,
    max_party_size: Option<i64>,
    closed_dates: String,
    requests_per_minute: Option<i64>,
    owner_key_hash: String,
    created_at: i64,
    updated_at: i64,
    revision: i64,
}

const RESTAURANT_COLUMNS: &str = "id, name, phone, email, address, city, latitude, longitude, \
    timezone, opening_hours, slot_minutes, duration_minutes, durations, buffer_minutes, \
    walk_in_seats_percent, min_notice_minutes, max_days_ahead, max_party_size, closed_dates, \
    requests_per_minute, owner_key_hash, created_at, updated_at, revision";

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
        let durations: Vec<DurationRule> =
            serde_json::from_str(&row.durations).map_err(|_| corrupt("durations"))?;
        let rules = Rules {
            slot_minutes: row.slot_minutes as u16,
            duration_minutes: row.duration_minutes as u16,
            durations,
            buffer_minutes: row.buffer_minutes as u16,
            walk_in_seats_percent: row.walk_in_seats_percent as u8,
            min_notice_minutes: row.min_notice_minutes as u32,
            max_days_ahead: row.max_days_ahead as u16,
            max_party_size: row.max_party_size.map(|n| n as u8),
            closed_dates,
        };
        Ok(Self {
            policy: Policy { tz, hours, rules },
            id: row.id,
            name: row.name,
            phone: row.phone,
            email: row.email,
            address: row.address,
            city: row.city,
            latitude: row.latitude,
            longitude: row.longitude,
            requests_per_minute: row.requests_per_minute.map(|n| n as u16),
            owner_key_hash: row.owner_key_hash,
            created_at: row.created_at,
            updated_at: row.updated_at,
            revision: row.revision,
        })
    }
}

impl RestaurantRecord {
    fn tz(&self) -> TimeZone {
        self.policy.tz
    }

    fn rules(&self) -> &Rules {
        &self.policy.rules
    }

    fn local(&self, instant: DateTime<Utc>) -> DateTime<FixedOffset> {
        instant.with_timezone(&self.tz().0).fixed_offset()
    }

    fn local_secs(&self, secs: i64) -> DateTime<FixedOffset> {
        self.local(from_secs(secs))
    }

    fn to_model(&self, tables: Option<Vec<Table>>) -> Restaurant {
        let rules = self.rules();
        Restaurant {
            id: self.id.clone(),
            name: self.name.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
            address: self.address.clone(),
            city: self.city.clone(),
            latitude: self.latitude,
            longitude: self.longitude,
            timezone: self.tz().name().to_string(),
            opening_hours: self.policy.hours.specs(),
            slot_minutes: rules.slot_minutes,
            duration_minutes: rules.duration_minutes,
            durations: rules.durations.clone(),
            buffer_minutes: rules.buffer_minutes,
            walk_in_seats_percent: rules.walk_in_seats_percent,
            min_notice_minutes: rules.min_notice_minutes,
            max_days_ahead: rules.max_days_ahead,
            max_party_size: rules.max_party_size,
            closed_dates: rules.closed_dates.clone(),
            requests_per_minute: self.requests_per_minute,
            created_at: self.local_secs(self.created_at),
            updated_at: self.local_secs(self.updated_at),
            tables,
        }
    }
}

#[derive(sqlx::FromRow)]
struct TableRow {
    id: String,
    label: String,
    capacity: i64,
    min_party_size: i64,
    area: Option<String>,
    join_group: Option<String>,
    walk_in_only: i64,
    active: i64,
}

const TABLE_COLUMNS: &str =
    "id, label, capacity, min_party_size, area, join_group, walk_in_only, active";

impl TableRow {
    fn to_model(&self) -> Table {
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

    fn info(&self) -> Option<TableInfo> {
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

/// A restaurant's stored fields, validated: what a create or a change writes.
struct RestaurantFields {
    name: String,
    phone: String,
    email: Option<String>,
    address: Option<String>,
    city: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    policy: Policy,
    requests_per_minute: Option<u16>,
}

impl RestaurantFields {
    fn from_record(r: &RestaurantRecord) -> Self {
        Self {
            name: r.name.clone(),
            phone: r.phone.clone(),
            email: r.email.clone(),
            address: r.address.clone(),
            city: r.city.clone(),
            latitude: r.latitude,
            longitude: r.longitude,
            policy: r.policy.clone(),
            requests_per_minute: r.requests_per_minute,
        }
    }

    fn new_restaurant() -> Self {
        Self {
            name: String::new(),
            phone: String::new(),
            email: None,
            address: None,
            city: None,
            latitude: None,
            longitude: None,
            policy: Policy {
                tz: TimeZone(chrono_tz::UTC),
                hours: OpeningHours::default(),
                rules: Rules::default(),
            },
            requests_per_minute: None,
        }
    }
}

/// Applies the given input to `base`: each field present replaces the
/// stored one, after checking it. A create requires a name and a phone.
fn merge_restaurant_fields(
    input: &NewRestaurant,
    mut base: RestaurantFields,
    creating: bool,
) -> Result<RestaurantFields> {
    let mut errors = FieldErrors::default();
    match input.name.as_deref() {
        None if creating => errors.add("name", "name is required"),
        None => {}
        Some(name) => {
            if let Some(n) = errors.check("name", RestaurantName::parse(name)) {
                base.name = n.as_str().to_string();
            }
        }
    }
    match input.phone.as_deref() {
        None if creating => errors.add("phone", "phone is required"),
        None => {}
        Some(phone) => {
            if let Some(p) = errors.check("phone", Phone::parse(phone)) {
                base.phone = p.as_str().to_string();
            }
        }
    }
    if let Some(email) = &input.email {
        base.email = optional_text(Some(email))
            .and_then(|e| errors.check("email", Email::parse(e)).map(|e| e.as_str().to_string()));
    }
    let mut short = |field: &str, value: &Option<String>, target: &mut Option<String>| {
        if let Some(v) = value {
            let v = v.trim();
            if v.chars().count() > 200 {
                errors.add(field, "at most 200 characters");
            }
            *target = (!v.is_empty()).then(|| v.to_string());
        }
    };
    short("address", &input.address, &mut base.address);
    short("city", &input.city, &mut base.city);
    if let Some(tz) =
        input.timezone.as_deref().and_then(|tz| errors.check("timezone", TimeZone::parse(tz)))
    {
        base.policy.tz = tz;
    }
    if let Some(lat) = input.latitude {
        if (-90.0..=90.0).contains(&lat) {
            base.latitude = Some(lat);
        } else {
            errors.add("latitude", "must be between -90 and 90");
        }
    }
    if let Some(lon) = input.longitude {
        if (-180.0..=180.0).contains(&lon) {
            base.longitude = Some(lon);
        } else {
            errors.add("longitude", "must be between -180 and 180");
        }
    }
    if let Some(hours) = input
        .opening_hours
        .as_ref()
        .and_then(|specs| errors.check("opening_hours", OpeningHours::parse(specs)))
    {
        base.policy.hours = hours;
    }
    let rules = &mut base.policy.rules;
    if let Some(n) = bounded(&mut errors, "slot_minutes", input.slot_minutes, 5, 240) {
        rules.slot_minutes = n as u16;
    }
    if let Some(n) = bounded(&mut errors, "duration_minutes", input.duration_minutes, 15, 720) {
        rules.duration_minutes = n as u16;
    }
    if let Some(durations) = &input.durations {
        match parse_durations(durations) {
            Ok(d) => rules.durations = d,
            Err(message) => errors.add("durations", message),
        }
    }
    if let Some(n) = bounded(&mut errors, "buffer_minutes", input.buffer_minutes, 0, 240) {
        rules.buffer_minutes = n as u16;
    }
    if let Some(n) =
        bounded(&mut errors, "walk_in_seats_percent", input.walk_in_seats_percent, 0, 100)
    {
        rules.walk_in_seats_percent = n as u8;
    }
    if let Some(n) = bounded(&mut errors, "min_notice_minutes", input.min_notice_minutes, 0, 43200)
    {
        rules.min_notice_minutes = n as u32;
    }
    if let Some(n) = bounded(&mut errors, "max_days_ahead", input.max_days_ahead, 0, 730) {
        rules.max_days_ahead = n as u16;
    }
    // 0 removes the restaurant's own limit: the tables decide.
    if let Some(n) =
        bounded(&mut errors, "requests_per_minute", input.requests_per_minute, 100, 2000)
    {
        base.requests_per_minute = Some(n as u16);
    }
    if let Some(n) = bounded(&mut errors, "max_party_size", input.max_party_size, 0, 20) {
        rules.max_party_size = (n > 0).then_some(n as u8);
    }
    if let Some(dates) = &input.closed_dates {
        let mut parsed = Vec::new();
        for text in dates {
            match parse_date(text) {
                Ok(d) => parsed.push(d),
                Err(e) => errors.add("closed_dates", e.0),
            }
        }
        if parsed.len() > 1000 {
            errors.add("closed_dates", "at most 1000 dates");
        }
        parsed.sort();
        parsed.dedup();
        rules.closed_dates = parsed;
    }
    errors.finish()?;
    Ok(base)
}

/// Durations by party size: sorted, each size once, sizes 1–20, 15–720 minutes.
fn parse_durations(rules: &[DurationRule]) -> std::result::Result<Vec<DurationRule>, String> {
    if rules.len() > 20 {
        return Err("at most 20 entries".into());
    }
    let mut sorted = rules.to_vec();
    sorted.sort_by_key(|d| d.max_party_size);
    for d in &sorted {
        if !(1..=20).contains(&d.max_party_size) {
            return Err("max_party_size must be between 1 and 20".into());
        }
        if !(15..=720).contains(&d.minutes) {
            return Err("minutes must be between 15 and 720".into());
        }
    }
    if sorted.windows(2).any(|w| w[0].max_party_size == w[1].max_party_size) {
        return Err("each max_party_size once".into());
    }
    Ok(sorted)
}

impl Service {
    pub fn new(db: Db, secrets: Secrets) -> Self {
        Self { db, clock: Arc::new(Utc::now), plans: moka::sync::Cache::new(PLANS_KEPT), secrets }
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

    fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// What the engine needs to seat parties on one day of a restaurant: the
    /// restaurant, its tables, and the active holds that can touch the slots
    /// `prepare` picks (with whatever else it works out from the restaurant),
    /// all current as of this read or this transaction. The holds are read
    /// with the restaurant's revision in one query; the restaurant and its
    /// tables come from memory while that revision says they are current.
    /// An error of `prepare` is returned only once the restaurant it was
    /// made from is known to be current.
    async fn floor<T>(
        &self,
        conn: &mut AnyConnection,
        restaurant_id: &str,
        except: Option<&str>,
        prepare: impl Fn(&RestaurantRecord) -> Result<(T, Vec<Slot>)>,
    ) -> Result<Day<T>> {
        let mut plan = match self.plans.get(restaurant_id) {
            Some(plan) => plan,
            None => self.load_plan(conn, restaurant_id).await?,
        };
        // A read outside a transaction may see the restaurant change between
        // its statements; after a few tries the last copy serves.
        let mut attempt = 0;
        loop {
            attempt += 1;
            let prepared = prepare(&plan.restaurant);
            let grid = prepared.as_ref().map_or(&[][..], |(_, grid)| grid.as_slice());
            let buffer = plan.restaurant.rules().buffer();
            let (revision, holds) = revision_and_holds(conn, restaurant_id, grid, buffer, except)
                .await?
                .ok_or(ServiceError::NotFound("restaurant"))?;
            if revision == plan.restaurant.revision || attempt == 3 {
                let (prepared, grid) = prepared?;
                return Ok(Day { plan, prepared, grid, holds });
            }
            plan = self.load_plan(conn, restaurant_id).await?;
        }
    }

    /// Reads a restaurant and its bookable tables and keeps them in memory.
    /// The restaurant (with its revision) is read first: a change to the
    /// tables between the two reads leaves a copy older than its tables,
    /// which the next revision check replaces, never the other way round.
    async fn load_plan(&self, conn: &mut AnyConnection, id: &str) -> Result<Arc<Floorplan>> {
        let restaurant = load_restaurant(conn, id).await?;
        let tables =
            load_tables(conn, id, false).await?.iter().filter_map(TableRow::info).collect();
        let plan = Arc::new(Floorplan { restaurant, tables });
        self.plans.insert(id.to_string(), plan.clone());
        Ok(plan)
    }

    /// Today's date in a time zone, by the service's clock.
    pub fn today_in(&self, tz: TimeZone) -> NaiveDate {
        self.now().with_timezone(&tz.0).date_naive()
    }

    /// Makes the write transactions of one restaurant take turns. On SQLite
    /// the write lock taken at `BEGIN IMMEDIATE` already does; on PostgreSQL
    /// the restaurant's row is locked. Every write transaction concerns one
    /// restaurant, so two restaurants never wait for each other.
    async fn lock_restaurant(&self, conn: &mut AnyConnection, id: &str) -> Result<()> {
        if self.db.engine() == Engine::Postgres {
            sqlx::query("SELECT 1 FROM restaurants WHERE id = $1 FOR UPDATE")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
        }
        Ok(())
    }

    /// Locks the restaurant of a reservation, as [`Service::lock_restaurant`].
    async fn lock_for_reservation(&self, conn: &mut AnyConnection, id: &str) -> Result<()> {
        if self.db.engine() == Engine::Postgres {
            let restaurant: Option<String> =
                sqlx::query_scalar("SELECT restaurant_id FROM reservations WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *conn)
                    .await?;
            if let Some(restaurant) = restaurant {
                self.lock_restaurant(conn, &restaurant).await?;
            }
        }
        Ok(())
    }

    /// Runs a write again when the database reports it lost a race
    /// (`ServiceError::Retry`), a few times with a short random pause; if it
    /// keeps losing, the database counts as unavailable.
    async fn retrying<T, F, Fut>(&self, mut attempt: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        let mut tries = 1;
        loop {
            match attempt().await {
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
    }

    // ----------------------------------------------------------------- restaurants

    /// Creates a restaurant; the answer carries its owner key, shown once.
    pub async fn create_restaurant(&self, input: NewRestaurant) -> Result<CreatedRestaurant> {
        let fields = merge_restaurant_fields(&input, RestaurantFields::new_restaurant(), true)?;
        let owner_key = secrets::new_owner_key();
        let now = self.now().timestamp();
        let id = uuid::Uuid::now_v7().to_string();
        let mut writer = self.db.write_connection().await?;
        let mut tx = self.db.begin(&mut writer).await?;
        sqlx::query(
            "INSERT INTO restaurants (id, name, phone, owner_key_hash, opening_hours, created_at, updated_at) \
             VALUES ($1, '', '', $2, '[]', $3, $4)",
        )
        .bind(&id)
        .bind(self.secrets.hash(&owner_key))
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        store_restaurant_fields(&mut tx, &id, &fields, now).await?;
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
        let mut writer = self.db.write_connection().await?;
        let mut tx = self.db.begin(&mut writer).await?;
        self.lock_restaurant(&mut tx, id).await?;
        let current = load_restaurant(&mut tx, id).await?;
        authorize_owner(&self.secrets, &mut tx, &current, owner_key).await?;
        let fields =
            merge_restaurant_fields(&input, RestaurantFields::from_record(&current), false)?;
        store_restaurant_fields(&mut tx, id, &fields, self.now().timestamp()).await?;
        let record = load_restaurant(&mut tx, id).await?;
        let tables = load_tables(&mut tx, id, false).await?;
        tx.commit().await?;
        tracing::info!(restaurant = %id, "restaurant changed");
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
        if !(1..=crate::domain::limits::MAX_PAGE).contains(&page) {
            errors.add("page", format!("pages are 1 to {}", crate::domain::limits::MAX_PAGE));
        }
        if !(1..=100).contains(&per_page) {
            errors.add("per_page", "must be between 1 and 100");
        }
        let q = q.and_then(|q| errors.check("q", crate::domain::limits::search_text(q)));
        let city = city.and_then(|c| errors.check("city", crate::domain::limits::search_text(c)));
        errors.finish()?;
        let pattern = q
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(|q| format!("%{}%", escape_like(&q.to_lowercase())));
        let city = city.map(str::trim).filter(|c| !c.is_empty()).map(str::to_lowercase);
        // Case-insensitive on both engines: compare lower case.
        let filter = "WHERE ($1 IS NULL OR lower(name) LIKE $1 ESCAPE '\\' \
                      OR lower(city) LIKE $1 ESCAPE '\\') \
                      AND ($2 IS NULL OR lower(city) = $2)";
        let mut conn = self.db.reader().acquire().await?;
        let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM restaurants {filter}"))
            .bind(&pattern)
            .bind(&city)
            .fetch_one(&mut *conn)
            .await?;
        let rows: Vec<RestaurantRow> = sqlx::query_as(&format!(
            "SELECT {RESTAURANT_COLUMNS} FROM restaurants {filter} \
             ORDER BY lower(name), id LIMIT $3 OFFSET $4"
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
        let mut writer = self.db.write_connection().await?;
        let mut tx = self.db.begin(&mut writer).await?;
        self.lock_restaurant(&mut tx, restaurant_id).await?;
        let restaurant = load_restaurant(&mut tx, restaurant_id).await?;
        authorize_owner(&self.secrets, &mut tx, &restaurant, owner_key).await?;
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
            .execute(&mut *tx)
            .await?;
        }
        let tables = load_tables(&mut tx, restaurant_id, false).await?;
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
        let mut writer = self.db.write_connection().await?;
        let mut tx = self.db.begin(&mut writer).await?;
        self.lock_restaurant(&mut tx, restaurant_id).await?;
        let restaurant = load_restaurant(&mut tx, restaurant_id).await?;
        authorize_owner(&self.secrets, &mut tx, &restaurant, owner_key).await?;
        let mut tables = load_tables(&mut tx, restaurant_id, false).await?;
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
        sqlx::query(
            "UPDATE tables SET label = $1, capacity = $2, min_party_size = $3, area = $4, \
             join_group = $5, walk_in_only = $6, updated_at = $7 WHERE id = $8",
        )
        .bind(&updated.label)
        .bind(updated.capacity)
        .bind(updated.min_party_size)
        .bind(&updated.area)
        .bind(&updated.join_group)
        .bind(updated.walk_in_only)
        .bind(self.now().timestamp())
        .bind(table_id)
        .execute(&mut *tx)
        .await?;
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
        let mut writer = self.db.write_connection().await?;
        let mut tx = self.db.begin(&mut writer).await?;
        self.lock_restaurant(&mut tx, restaurant_id).await?;
        let restaurant = load_restaurant(&mut tx, restaurant_id).await?;
        authorize_owner(&self.secrets, &mut tx, &restaurant, owner_key).await?;
        let done = sqlx::query("UPDATE tables SET active = 0, updated_at = $1 WHERE id = $2 AND restaurant_id = $3 AND active = 1")
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

    /// Every slot of `date` with every table offered online and whether it is
    /// free for the whole slot; with a party size, whether the party could
    /// book that table. With `available_only`, just the slots where the party
    /// can be seated, each with the tables it would be given. Both ask the
    /// engine's one predicate.
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
        let Day { plan, grid, holds, .. } = self
            .floor(&mut conn, restaurant_id, None, |restaurant| {
                let policy = &restaurant.policy;
                let closed = policy.rules.closed_dates.binary_search(&date).is_ok();
                Ok(((), if closed { Vec::new() } else { policy.grid(date, party) }))
            })
            .await?;
        drop(conn);
        let (restaurant, tables) = (&plan.restaurant, &plan.tables);
        let policy = &restaurant.policy;
        let now = self.now();
        let floor = Floor { tables, holds: &holds };
        let slots = grid
            .iter()
            .filter_map(|slot| {
                let tables_view: Vec<TableAvailability> = if available_only {
                    let ask = Ask::online(party.expect("checked"));
                    let seated = seat(policy, floor, date, slot, ask, now).ok()?;
                    seated.into_iter().map(|t| availability(t, true)).collect()
                } else {
                    tables
                        .iter()
                        .filter(|t| !t.walk_in_only)
                        .map(|t| {
                            // Without a party, whether the table could take the
                            // smallest party it accepts.
                            let party = party.unwrap_or_else(|| {
                                PartySize::new(t.min_party as i64).expect("1 to 20")
                            });
                            let ids = [t.id.clone()];
                            let ask = Ask { party, channel: Channel::Online, tables: Some(&ids) };
                            availability(t, seat(policy, floor, date, slot, ask, now).is_ok())
                        })
                        .collect()
                };
                Some(SlotInfo {
                    start: restaurant.local(slot.start),
                    local_time: slot.local.format("%H:%M").to_string(),
                    tables: tables_view,
                })
            })
            .collect();
        Ok(DaySlots { date, timezone: restaurant.tz().name().to_string(), slots })
    }

    /// Every slot of `date` for a party, with the tables a booking would get
    /// or why it cannot be booked online (owner only).
    pub async fn explain_day(
        &self,
        restaurant_id: &str,
        owner_key: Option<&str>,
        date: &str,
        party_size: &str,
    ) -> Result<DayExplanation> {
        let mut errors = FieldErrors::default();
        let date = errors.check("date", parse_date(date));
        let party = errors.check("party_size", PartySize::parse(party_size));
        errors.finish()?;
        let (date, party) = (date.expect("checked"), party.expect("checked"));
        let mut conn = self.db.reader().acquire().await?;
        let Day { plan, grid, holds, .. } = self
            .floor(&mut conn, restaurant_id, None, |restaurant| {
                Ok(((), restaurant.policy.grid(date, Some(party))))
            })
            .await?;
        let restaurant = &plan.restaurant;
        authorize_owner(&self.secrets, &mut conn, restaurant, owner_key).await?;
        drop(conn);
        let policy = &restaurant.policy;
        let floor = Floor { tables: &plan.tables, holds: &holds };
        let now = self.now();
        let slots = grid
            .iter()
            .map(|slot| {
                let (tables, reason) =
                    match seat(policy, floor, date, slot, Ask::online(party), now) {
                        Ok(seated) => (seated.into_iter().map(held_table).collect(), None),
                        Err(why) => (
                            Vec::new(),
                            Some(Reason {
                                code: why.code().to_string(),
                                message: capitalize(&why.message()),
                            }),
                        ),
                    };
                SlotExplanation {
                    start: restaurant.local(slot.start),
                    local_time: slot.local.format("%H:%M").to_string(),
                    available: reason.is_none(),
                    tables,
                    reason,
                }
            })
            .collect();
        Ok(DayExplanation {
            date,
            timezone: restaurant.tz().name().to_string(),
            party_size: party.get(),
            slots,
        })
    }

    // ----------------------------------------------------------------- reservations

    /// Books a table. Without `table_id` the engine assigns one or several
    /// joined tables. A slot taken meanwhile is a `SlotUnavailable` with the
    /// nearest other start times that can seat the party.
    pub async fn book(&self, input: NewReservation) -> Result<Reservation> {
        self.book_once(input, None).await.map(|(reservation, _)| reservation)
    }

    /// Books as [`Service::book`] does, at most once per idempotency key: a
    /// retry with the same key and the same request answers the reservation
    /// the first made (and `true`, "replayed"); the same key with another
    /// request is refused. The write lock is taken before the key is looked
    /// up, so retries that arrive together are answered one after another.
    pub async fn book_once(
        &self,
        input: NewReservation,
        idempotency_key: Option<&str>,
    ) -> Result<(Reservation, bool)> {
        let (service, key) = (self.clone(), idempotency_key.map(str::to_owned));
        self.db
            .write(async move {
                service.retrying(|| service.book_attempt(input.clone(), key.as_deref())).await
            })
            .await
    }

    async fn book_attempt(
        &self,
        input: NewReservation,
        idempotency_key: Option<&str>,
    ) -> Result<(Reservation, bool)> {
        let mut errors = FieldErrors::default();
        let key = match idempotency_key {
            Some(key)
                if key.is_empty()
                    || key.len() > 255
                    || !key.bytes().all(|b| b.is_ascii_graphic()) =>
            {
                errors.add(
                    "idempotency_key",
                    "the Idempotency-Key header must be 1 to 255 visible ASCII characters",
                );
                None
            }
            other => other,
        };
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
        errors.finish()?;
        let (restaurant_id, start_text) =
            (restaurant_id.expect("checked"), start_text.expect("checked"));
        let (party, name, phone) =
            (party.expect("checked"), name.expect("checked"), phone.expect("checked"));

        let mut writer = self.db.write_connection().await?;
        let mut tx = self.db.begin(&mut writer).await?;
        self.lock_restaurant(&mut tx, restaurant_id).await?;
        let now = self.now();
        let request_hash =
            self.secrets.hash(&serde_json::to_string(&input).expect("a request serializes"));
        if let Some(key) = key
            && let Some(replay) = replay(&self.secrets, &mut tx, key, &request_hash, now).await?
        {
            tx.commit().await?;
            return Ok((replay, true));
        }
        let Day { plan, prepared: (date, slot), holds, .. } = self
            .floor(&mut tx, restaurant_id, None, |restaurant| {
                let policy = &restaurant.policy;
                let start = parse_start(start_text, restaurant.tz())
                    .map_err(|m| ServiceError::invalid("start", m))?;
                let (date, slot) = policy.find_slot(start, Some(party)).ok_or_else(|| {
                    ServiceError::invalid("start", not_a_slot(policy.rules.slot_minutes))
                })?;
                Ok(((date, slot), policy.grid(date, Some(party))))
            })
            .await?;
        let restaurant = &plan.restaurant;
        let policy = &restaurant.policy;
        let floor = Floor { tables: &plan.tables, holds: &holds };
        let requested: Option<Vec<String>> = table_id.map(|id| vec![id.to_string()]);
        let ask = Ask { party, channel: Channel::Online, tables: requested.as_deref() };
        let seated = match seat(policy, floor, date, &slot, ask, now) {
            Ok(seated) => seated,
            Err(why) => {
                return Err(refusal(restaurant, floor, date, &slot, ask, now, &why));
            }
        };

        let id = uuid::Uuid::now_v7().to_string();
        let code = secrets::new_confirmation_code();
        let ts = now.timestamp();
        let until = slot.end + policy.rules.buffer();
        let row: ReservationRow = sqlx::query_as(&format!(
            "INSERT INTO reservations (id, restaurant_id, party_size, start_at, end_at, hold_until, \
             name, phone, email, notes, status, code_hash, created_at, updated_at, confirmed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'confirmed', $11, $12, $13, $14) \
             RETURNING {RESERVATION_COLUMNS}"
        ))
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
        .bind(self.secrets.hash(&code))
        .bind(ts)
        .bind(ts)
        .bind(ts)
        .fetch_one(&mut *tx)
        .await?;
        hold_tables(&mut tx, &id, restaurant_id, &seated, slot.start, until).await?;
        let labels = table_labels(&seated);
        record(
            &mut tx,
            &id,
            now,
            "diner",
            Some(Status::Confirmed),
            &format!("Booked for {} at {labels}", people(party.get())),
        )
        .await?;
        if let Some(key) = key {
            sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
                .bind(ts - IDEMPOTENCY_KEEP_SECONDS)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO idempotency_keys (key_hash, request_hash, reservation_id, code_sealed, created_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(self.secrets.hash(key))
            .bind(&request_hash)
            .bind(&id)
            .bind(secrets::seal(&code, key))
            .bind(ts)
            .execute(&mut *tx)
            .await?;
        }
        let tables = seated.iter().map(|t| held_table(t)).collect();
        let mut reservation = reservation_from(row, tables, restaurant)?;
        tx.commit().await?;
        tracing::info!(reservation = %id, restaurant = %restaurant_id, tables = %labels, party = party.get(), "reservation confirmed");
        metrics::counter!("covers_bookings_total").increment(1);
        reservation.code = Some(code);
        Ok((reservation, false))
    }

    /// A reservation, for its diner (with the code) or the restaurant's owner.
    /// A wrong code answers "not found", so ids cannot be probed.
    pub async fn reservation(&self, id: &str, caller: &Caller) -> Result<Reservation> {
        let mut conn = self.db.reader().acquire().await?;
        let (row, restaurant) = authorize_reservation(&self.secrets, &mut conn, id, caller).await?;
        reservation_model(&mut conn, row, &restaurant).await
    }

    /// Cancels a reservation; cancelling a cancelled one changes nothing.
    pub async fn cancel(
        &self,
        id: &str,
        caller: &Caller,
        reason: Option<&str>,
    ) -> Result<Reservation> {
        let (service, id, caller) = (self.clone(), id.to_owned(), caller.clone());
        let reason = reason.map(str::to_owned);
        self.db
            .write(async move {
                service.retrying(|| service.cancel_attempt(&id, &caller, reason.as_deref())).await
            })
            .await
    }

    async fn cancel_attempt(
        &self,
        id: &str,
        caller: &Caller,
        reason: Option<&str>,
    ) -> Result<Reservation> {
        let reason = cancel_reason(reason)?;
        let mut writer = self.db.write_connection().await?;
        let mut tx = self.db.begin(&mut writer).await?;
        self.lock_for_reservation(&mut tx, id).await?;
        let (row, restaurant) = authorize_reservation(&self.secrets, &mut tx, id, caller).await?;
        let status = row.status()?;
        let now = self.now();
        let row = match status {
            Status::Cancelled => row,
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
                let row: ReservationRow = sqlx::query_as(&format!(
                    "UPDATE reservations SET status = 'cancelled', cancelled_at = $1, cancelled_by = $2, \
                     cancel_reason = $3, updated_at = $4, version = version + 1 WHERE id = $5 \
                     RETURNING {RESERVATION_COLUMNS}"
                ))
                .bind(now.timestamp())
                .bind(by)
                .bind(reason)
                .bind(now.timestamp())
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
                let change = match reason {
                    Some(reason) => format!("Cancelled: {reason}"),
                    None => "Cancelled".to_string(),
                };
                record(&mut tx, id, now, by, Some(Status::Cancelled), &change).await?;
                tracing::info!(reservation = %id, by, "reservation cancelled");
                metrics::counter!("covers_cancellations_total", "by" => by).increment(1);
                row
            }
            other => {
                return Err(ServiceError::InvalidTransition(format!(
                    "a reservation that is {} cannot be cancelled",
                    other.label().to_lowercase()
                )));
            }
        };
        let reservation = reservation_model(&mut tx, row, &restaurant).await?;
        tx.commit().await?;
        Ok(reservation)
    }

    /// Changes a reservation's status (owner only). Setting the status it
    /// already has changes nothing; an impossible change is refused. A
    /// reservation brought back to a status that holds tables gets its
    /// tables back only if nobody else holds them then.
    pub async fn set_status(
        &self,
        id: &str,
        owner_key: Option<&str>,
        change: StatusChange,
    ) -> Result<Reservation> {
        let (service, id, key) = (self.clone(), id.to_owned(), owner_key.map(str::to_owned));
        self.db
            .write(async move {
                service
                    .retrying(|| service.set_status_attempt(&id, key.as_deref(), change.clone()))
                    .await
            })
            .await
    }

    async fn set_status_attempt(
        &self,
        id: &str,
        owner_key: Option<&str>,
        change: StatusChange,
    ) -> Result<Reservation> {
        let to = match change.status.as_deref().map(str::trim) {
            None | Some("") => return Err(ServiceError::invalid("status", "status is required")),
            Some(text) => Status::parse(text).ok_or_else(|| {
                ServiceError::invalid(
                    "status",
                    "must be one of pending, confirmed, seated, completed, cancelled, no_show",
                )
            })?,
        };
        let reason = cancel_reason(change.reason.as_deref())?;
        let key = owner_key.ok_or(ServiceError::Unauthorized)?;
        let mut writer = self.db.write_connection().await?;
        let mut tx = self.db.begin(&mut writer).await?;
        self.lock_for_reservation(&mut tx, id).await?;
        let (row, restaurant) = authorize_reservation(
            &self.secrets,
            &mut tx,
            id,
            &Caller::Owner { key: key.to_string() },
        )
        .await?;
        let from = row.status()?;
        if from != to {
            if !from.next_steps().contains(&to) {
                return Err(ServiceError::InvalidTransition(format!(
                    "a {} reservation cannot become {}",
                    from.label().to_lowercase(),
                    to.label().to_lowercase()
                )));
            }
            let now = self.now();
            let ts = now.timestamp();
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
            .bind(ts)
            .bind(to == Status::Confirmed)
            .bind(ts)
            .bind(cancelled)
            .bind(ts)
            .bind(cancelled)
            .bind(cancelled)
            .bind(reason)
            .bind(id)
            .execute(&mut *tx)
            .await;
            match updated {
                Err(err) if is_overlap(&err) => {
                    return Err(ServiceError::SlotUnavailable {
                        message: "its tables have been booked by someone else since; move it to another time or table first".into(),
                        alternatives: Vec::new(),
                    });
                }
                other => other?,
            };
            let mut text = format!("{} → {}", from.label(), to.label());
            if let (true, Some(reason)) = (cancelled, reason) {
                text.push_str(&format!(": {reason}"));
            }
            record(&mut tx, id, now, "owner", Some(to), &text).await?;
            tracing::info!(reservation = %id, from = from.as_str(), to = to.as_str(), "status changed");
            metrics::counter!("covers_status_changes_total", "to" => to.as_str()).increment(1);
        }
        let reservation = load_reservation(&mut tx, id, &restaurant).await?;
        tx.commit().await?;
        Ok(reservation)
    }

    /// Moves a reservation to another time, party size or tables (owner
    /// only). Without `table_ids` the engine assigns tables again. The
    /// restaurant is not bound by the online rules, but never by two
    /// reservations on one table.
    pub async fn move_reservation(
        &self,
        id: &str,
        owner_key: Option<&str>,
        changes: ReservationChanges,
    ) -> Result<Reservation> {
        let (service, id, key) = (self.clone(), id.to_owned(), owner_key.map(str::to_owned));
        self.db
            .write(async move {
                service
                    .retrying(|| service.move_attempt(&id, key.as_deref(), changes.clone()))
                    .await
            })
            .await
    }

    async fn move_attempt(
        &self,
        id: &str,
        owner_key: Option<&str>,
        changes: ReservationChanges,
    ) -> Result<Reservation> {
        let mut errors = FieldErrors::default();
        let party = changes.party_size.and_then(|n| errors.check("party_size", PartySize::new(n)));
        let start_text = optional_text(changes.start.as_ref());
        if changes.start.is_some() && start_text.is_none() {
            errors.add("start", "start cannot be empty");
        }
        if let Some(ids) = &changes.table_ids {
            if ids.is_empty() {
                errors.add("table_ids", "name at least one table, or leave table_ids out");
            } else if ids.len() > MAX_JOINED_TABLES {
                errors.add("table_ids", format!("at most {MAX_JOINED_TABLES} tables"));
            }
        }
        errors.finish()?;
        let key = owner_key.ok_or(ServiceError::Unauthorized)?;
        let mut writer = self.db.write_connection().await?;
        let mut tx = self.db.begin(&mut writer).await?;
        self.lock_for_reservation(&mut tx, id).await?;
        let (row, restaurant) = authorize_reservation(
            &self.secrets,
            &mut tx,
            id,
            &Caller::Owner { key: key.to_string() },
        )
        .await?;
        if !row.status()?.holds_tables() {
            return Err(ServiceError::InvalidTransition(format!(
                "a {} reservation cannot be moved; bring it back first",
                row.status()?.label().to_lowercase()
            )));
        }
        let party = match party {
            Some(p) => p,
            None => PartySize::new(row.party_size)
                .map_err(|_| ServiceError::Internal(format!("reservation {id}: bad party size")))?,
        };
        let Day { plan, prepared: (date, slot), holds, .. } = self
            .floor(&mut tx, &restaurant.id, Some(id), |restaurant| {
                let policy = &restaurant.policy;
                let start = match start_text {
                    Some(text) => parse_start(text, restaurant.tz())
                        .map_err(|m| ServiceError::invalid("start", m))?,
                    None => from_secs(row.start_at),
                };
                let (date, slot) = policy.find_slot(start, Some(party)).ok_or_else(|| {
                    ServiceError::invalid("start", not_a_slot(policy.rules.slot_minutes))
                })?;
                Ok(((date, slot), policy.grid(date, Some(party))))
            })
            .await?;
        let policy = &plan.restaurant.policy;
        let floor = Floor { tables: &plan.tables, holds: &holds };
        let ask = Ask { party, channel: Channel::Restaurant, tables: changes.table_ids.as_deref() };
        let now = self.now();
        let seated = seat(policy, floor, date, &slot, ask, now)
            .map_err(|why| refusal(&restaurant, floor, date, &slot, ask, now, &why))?;
        let before = load_reservation(&mut tx, id, &restaurant).await?;
        let until = slot.end + policy.rules.buffer();
        sqlx::query("DELETE FROM reservation_tables WHERE reservation_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE reservations SET party_size = $1, start_at = $2, end_at = $3, hold_until = $4, \
             updated_at = $5, version = version + 1 WHERE id = $6",
        )
        .bind(party.get() as i64)
        .bind(slot.start.timestamp())
        .bind(slot.end.timestamp())
        .bind(until.timestamp())
        .bind(now.timestamp())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        hold_tables(&mut tx, id, &restaurant.id, &seated, slot.start, until).await?;
        let after = load_reservation(&mut tx, id, &restaurant).await?;
        let describe = |r: &Reservation| {
            let labels: Vec<&str> = r.tables.iter().map(|t| t.label.as_str()).collect();
            format!(
                "{}, {}, {}",
                r.start.format("%a %-d %b %H:%M"),
                people(r.party_size),
                labels.join(" + ")
            )
        };
        let text = format!("Moved from {} to {}", describe(&before), describe(&after));
        record(&mut tx, id, now, "owner", None, &text).await?;
        tx.commit().await?;
        tracing::info!(reservation = %id, "reservation moved");
        Ok(after)
    }

    /// Who changed a reservation, what and when, oldest first (owner only).
    pub async fn history(&self, id: &str, owner_key: Option<&str>) -> Result<History> {
        let key = owner_key.ok_or(ServiceError::Unauthorized)?;
        let mut conn = self.db.reader().acquire().await?;
        let (_, restaurant) = authorize_reservation(
            &self.secrets,
            &mut conn,
            id,
            &Caller::Owner { key: key.to_string() },
        )
        .await?;
        let rows: Vec<(i64, String, Option<String>, String)> = sqlx::query_as(
            "SELECT at, actor, status, change FROM reservation_events \
             WHERE reservation_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        let items = rows
            .into_iter()
            .map(|(at, by, status, change)| HistoryEntry {
                at: restaurant.local_secs(at),
                by,
                change,
                status: status.as_deref().and_then(Status::parse),
            })
            .collect();
        Ok(History { items })
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
        authorize_owner(&self.secrets, &mut conn, &restaurant, owner_key).await?;
        let (from, to) = service_day(&restaurant.policy.hours, restaurant.tz(), date);
        let rows: Vec<ReservationRow> = sqlx::query_as(&format!(
            "SELECT {RESERVATION_COLUMNS} FROM reservations \
             WHERE restaurant_id = $1 AND start_at >= $2 AND start_at < $3 ORDER BY start_at, created_at"
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

    /// The request budget a minute a restaurant set for itself, if any
    /// (`None` too when there is no such restaurant).
    pub async fn requests_per_minute(&self, id: &str) -> Result<Option<u16>> {
        let mut conn = self.db.reader().acquire().await?;
        let set: Option<Option<i64>> =
            sqlx::query_scalar("SELECT requests_per_minute FROM restaurants WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
        Ok(set.flatten().map(|n| n as u16))
    }

    /// Whether `owner_key` is the key of `restaurant_id` (for the pages that
    /// show owner controls).
    pub async fn is_owner(&self, restaurant_id: &str, owner_key: Option<&str>) -> Result<bool> {
        let mut conn = self.db.reader().acquire().await?;
        let restaurant = load_restaurant(&mut conn, restaurant_id).await?;
        Ok(owner_key.is_some_and(|key| self.secrets.matches(key, &restaurant.owner_key_hash)))
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
    if let Some(n) = changes.min_party_size {
        if (1..=20).contains(&n) {
            row.min_party_size = n;
        } else {
            errors.add("min_party_size", "must be between 1 and 20");
        }
    }
    if row.min_party_size > row.capacity {
        errors.add("min_party_size", "cannot be more than the table's seats");
    }
    let mut short = |field: &str, value: &Option<String>, target: &mut Option<String>| {
        if let Some(v) = value {
            let v = v.trim();
            if v.chars().count() > 40 {
                errors.add(field, "at most 40 characters");
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

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

use crate::domain::limits::parse_date;

/// A start time: RFC 3339 with an offset, or a local `YYYY-MM-DDTHH:MM`
/// read in the restaurant's zone (a repeated wall time means its first
/// occurrence, as in the slot lists).
fn parse_start(text: &str, tz: TimeZone) -> std::result::Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        crate::domain::limits::check_date(t.date_naive()).map_err(|e| e.0)?;
        return Ok(t.with_timezone(&Utc));
    }
    let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| format!("{text:?} is not a time; use 2026-12-04T19:00 or RFC 3339"))?;
    crate::domain::limits::check_date(local.date()).map_err(|e| e.0)?;
    tz.0.from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| format!("{local} does not exist in {} (the clocks change then)", tz.name()))
}

/// How long idempotency keys are kept (at least a day, as promised).
const IDEMPOTENCY_KEEP_SECONDS: i64 = 48 * 3600;

fn cancel_reason(reason: Option<&str>) -> Result<Option<&str>> {
    match reason.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) if r.chars().count() > 500 => {
            Err(ServiceError::invalid("reason", "at most 500 characters"))
        }
        other => Ok(other),
    }
}

fn not_a_slot(slot_minutes: u16) -> String {
    format!(
        "no reservation can start then: the restaurant is closed, or slots start every {slot_minutes} minutes from opening"
    )
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

fn held_table(table: &TableInfo) -> HeldTable {
    HeldTable { id: table.id.clone(), label: table.label.clone(), capacity: table.seats.get() }
}

/// "T2 + T4"
fn table_labels(tables: &[&TableInfo]) -> String {
    tables.iter().map(|t| t.label.as_str()).collect::<Vec<_>>().join(" + ")
}

/// The error for a party the engine could not seat: a validation error
/// naming the field when the request was wrong, else a conflict with the
/// nearest start times that can seat the party.
fn refusal(
    restaurant: &RestaurantRecord,
    floor: Floor<'_>,
    date: NaiveDate,
    slot: &Slot,
    ask: Ask<'_>,
    now: DateTime<Utc>,
    why: &Unavailable,
) -> ServiceError {
    if why.is_bad_request() {
        let field = match why {
            Unavailable::UnknownTable | Unavailable::TooSmall | Unavailable::NotJoinable => {
                if ask.channel == Channel::Online { "table_id" } else { "table_ids" }
            }
            Unavailable::PartyTooLarge { .. } | Unavailable::NoTableFits => "party_size",
            _ => "start",
        };
        return ServiceError::invalid(field, why.message());
    }
    let any_table = Ask { tables: None, ..ask };
    let alternatives =
        alternatives(&restaurant.policy, floor, date, any_table, slot.start, now, ALTERNATIVES)
            .into_iter()
            .map(|s| restaurant.local(s.start))
            .collect();
    metrics::counter!("covers_booking_conflicts_total", "found_by" => "engine").increment(1);
    let message = if ask.tables.is_some() {
        "that table is already booked at that time".to_string()
    } else {
        format!("no table for {} is free at that time", ask.party)
    };
    ServiceError::SlotUnavailable { message, alternatives }
}

/// A retry's answer: the reservation made with `key`, if the same request
/// made it within the keeping time; a different request is refused.
async fn replay(
    secrets: &Secrets,
    conn: &mut AnyConnection,
    key: &str,
    request_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Reservation>> {
    let found: Option<(String, String, String)> = sqlx::query_as(
        "SELECT request_hash, reservation_id, code_sealed FROM idempotency_keys \
         WHERE key_hash = $1 AND created_at >= $2",
    )
    .bind(secrets.hash(key))
    .bind(now.timestamp() - IDEMPOTENCY_KEEP_SECONDS)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((stored_hash, reservation_id, sealed)) = found else { return Ok(None) };
    if stored_hash != request_hash {
        return Err(ServiceError::IdempotencyKeyReused);
    }
    let restaurant_id: String =
        sqlx::query_scalar("SELECT restaurant_id FROM reservations WHERE id = $1")
            .bind(&reservation_id)
            .fetch_one(&mut *conn)
            .await?;
    let restaurant = load_restaurant(conn, &restaurant_id).await?;
    let mut reservation = load_reservation(conn, &reservation_id, &restaurant).await?;
    reservation.code = secrets::unseal(&sealed, key);
    tracing::info!(reservation = %reservation_id, "idempotent retry answered");
    metrics::counter!("covers_idempotent_replays_total").increment(1);
    Ok(Some(reservation))
}

/// Inserts the holds of a reservation on its tables. The schema refuses a
/// hold that overlaps another on the same table, whatever the code above
/// decided: that refusal becomes a conflict.
async fn hold_tables(
    conn: &mut AnyConnection,
    reservation_id: &str,
    restaurant_id: &str,
    tables: &[&TableInfo],
    start: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<()> {
    // One statement for all the tables (a party may need several joined).
    let values: Vec<String> =
        (0..tables.len()).map(|i| format!("($1, ${}, $2, $3, $4, 1)", i + 5)).collect();
    let sql = format!(
        "INSERT INTO reservation_tables (reservation_id, table_id, restaurant_id, start_at, hold_until, active) \
         VALUES {}",
        values.join(", ")
    );
    let mut insert = sqlx::query(&sql)
        .bind(reservation_id)
        .bind(restaurant_id)
        .bind(start.timestamp())
        .bind(until.timestamp());
    for table in tables {
        insert = insert.bind(&table.id);
    }
    match insert.execute(&mut *conn).await {
        Err(err) if is_overlap(&err) => {
            tracing::warn!(reservation = %reservation_id, tables = %table_labels(tables), "overlap refused by the database");
            metrics::counter!("covers_booking_conflicts_total", "found_by" => "database")
                .increment(1);
            Err(ServiceError::SlotUnavailable {
                message: "that table is already booked at that time".into(),
                alternatives: Vec::new(),
            })
        }
        other => other.map(|_| ()).map_err(Into::into),
    }
}

async fn record(
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

fn is_overlap(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.message().contains("table_already_held"))
}

/// Writes every field of a restaurant but its id, key and creation time.
async fn store_restaurant_fields(
    conn: &mut AnyConnection,
    id: &str,
    f: &RestaurantFields,
    now: i64,
) -> Result<()> {
    let rules = &f.policy.rules;
    sqlx::query(
        "UPDATE restaurants SET name = $1, phone = $2, email = $3, address = $4, city = $5, \
         latitude = $6, longitude = $7, timezone = $8, opening_hours = $9, slot_minutes = $10, \
         duration_minutes = $11, durations = $12, buffer_minutes = $13, walk_in_seats_percent = $14, \
         min_notice_minutes = $15, max_days_ahead = $16, max_party_size = $17, closed_dates = $18, \
         requests_per_minute = $19, updated_at = $20 WHERE id = $21",
    )
    .bind(&f.name)
    .bind(&f.phone)
    .bind(&f.email)
    .bind(&f.address)
    .bind(&f.city)
    .bind(f.latitude)
    .bind(f.longitude)
    .bind(f.policy.tz.name())
    .bind(serde_json::to_string(&f.policy.hours.specs()).expect("hours serialize"))
    .bind(rules.slot_minutes as i64)
    .bind(rules.duration_minutes as i64)
    .bind(serde_json::to_string(&rules.durations).expect("durations serialize"))
    .bind(rules.buffer_minutes as i64)
    .bind(rules.walk_in_seats_percent as i64)
    .bind(rules.min_notice_minutes as i64)
    .bind(rules.max_days_ahead as i64)
    .bind(rules.max_party_size.map(i64::from))
    .bind(serde_json::to_string(&rules.closed_dates).expect("dates serialize"))
    .bind(f.requests_per_minute.map(i64::from))
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn load_restaurant(conn: &mut AnyConnection, id: &str) -> Result<RestaurantRecord> {
    let row: Option<RestaurantRow> =
        sqlx::query_as(&format!("SELECT {RESTAURANT_COLUMNS} FROM restaurants WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    row.ok_or(ServiceError::NotFound("restaurant"))?.try_into()
}

/// The restaurant's tables, ordered by label; removed ones too if asked.
async fn load_tables(
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

/// The stored revision of a restaurant and its active holds that can
/// overlap any of `slots` (with the buffer), all but those of the
/// reservation `except` (which is being moved): one indexed query. `None`
/// when there is no such restaurant.
async fn revision_and_holds(
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

/// Checks the owner key of `restaurant`: 401 without a key or with an unknown
/// one, 403 with another restaurant's key.
async fn authorize_owner(
    secrets: &Secrets,
    conn: &mut AnyConnection,
    restaurant: &RestaurantRecord,
    owner_key: Option<&str>,
) -> Result<()> {
    let key =
        owner_key.map(str::trim).filter(|k| !k.is_empty()).ok_or(ServiceError::Unauthorized)?;
    if secrets.matches(key, &restaurant.owner_key_hash) {
        return Ok(());
    }
    let elsewhere: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM restaurants WHERE owner_key_hash = $1")
            .bind(secrets.hash(key))
            .fetch_optional(&mut *conn)
            .await?;
    Err(if elsewhere.is_some() { ServiceError::Forbidden } else { ServiceError::Unauthorized })
}

async fn authorize_reservation(
    secrets: &Secrets,
    conn: &mut AnyConnection,
    id: &str,
    caller: &Caller,
) -> Result<(ReservationRow, RestaurantRecord)> {
    let row: Option<ReservationRow> =
        sqlx::query_as(&format!("SELECT {RESERVATION_COLUMNS} FROM reservations WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    let row = row.ok_or(ServiceError::NotFound("reservation"))?;
    let restaurant = load_restaurant(conn, &row.restaurant_id).await?;
    let allowed = match caller {
        Caller::Diner { code } => secrets.matches(&secrets::normalize_code(code), &row.code_hash),
        Caller::Owner { key } => secrets.matches(key.trim(), &restaurant.owner_key_hash),
    };
    if allowed { Ok((row, restaurant)) } else { Err(ServiceError::NotFound("reservation")) }
}

async fn load_reservation(
    conn: &mut AnyConnection,
    id: &str,
    restaurant: &RestaurantRecord,
) -> Result<Reservation> {
    let row: ReservationRow =
        sqlx::query_as(&format!("SELECT {RESERVATION_COLUMNS} FROM reservations WHERE id = $1"))
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    reservation_model(conn, row, restaurant).await
}

async fn reservation_model(
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
    reservation_from(row, tables, restaurant)
}

/// A reservation as the API shows it, from its row and the tables it holds.
fn reservation_from(
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
        code: None,
    })
}
