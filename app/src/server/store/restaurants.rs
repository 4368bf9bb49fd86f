//! Restaurants: the stored row, the record the service works with (its
//! rules parsed), and their queries.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use sqlx::AnyConnection;

use super::{Result, from_secs};
use crate::domain::{DurationRule, OpeningHours, PeriodSpec, Policy, Rules, TimeZone};
use crate::model::{Restaurant, Table};
use crate::server::error::ServiceError;

/// Hours before a reservation its reminder goes, unless the restaurant
/// chose otherwise.
pub const DEFAULT_REMINDER_HOURS: u16 = 24;

/// A restaurant row with its rules parsed.
#[derive(Clone, Debug)]
pub struct RestaurantRecord {
    pub id: String,
    pub name: String,
    pub phone: String,
    pub email: Option<String>,
    pub address: Option<String>,
    pub city: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// The restaurant's own request budget a minute, if it set one.
    pub requests_per_minute: Option<u16>,
    /// How long before a reservation its reminder goes; `None`: none.
    pub reminder_hours_before: Option<u16>,
    pub policy: Policy,
    pub owner_key_hash: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub revision: i64,
}

#[derive(sqlx::FromRow)]
pub struct RestaurantRow {
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
    reminder_hours_before: Option<i64>,
    owner_key_hash: String,
    created_at: i64,
    updated_at: i64,
    revision: i64,
}

pub const RESTAURANT_COLUMNS: &str = "id, name, phone, email, address, city, latitude, longitude, \
    timezone, opening_hours, slot_minutes, duration_minutes, durations, buffer_minutes, \
    walk_in_seats_percent, min_notice_minutes, max_days_ahead, max_party_size, closed_dates, \
    requests_per_minute, reminder_hours_before, owner_key_hash, created_at, updated_at, revision";

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
            reminder_hours_before: row.reminder_hours_before.map(|n| n as u16),
            owner_key_hash: row.owner_key_hash,
            created_at: row.created_at,
            updated_at: row.updated_at,
            revision: row.revision,
        })
    }
}

impl RestaurantRecord {
    pub fn tz(&self) -> TimeZone {
        self.policy.tz
    }

    pub fn rules(&self) -> &Rules {
        &self.policy.rules
    }

    pub fn local(&self, instant: DateTime<Utc>) -> DateTime<FixedOffset> {
        instant.with_timezone(&self.tz().0).fixed_offset()
    }

    pub fn local_secs(&self, secs: i64) -> DateTime<FixedOffset> {
        self.local(from_secs(secs))
    }

    pub fn to_model(&self, tables: Option<Vec<Table>>) -> Restaurant {
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
            reminder_hours_before: self.reminder_hours_before,
            created_at: self.local_secs(self.created_at),
            updated_at: self.local_secs(self.updated_at),
            tables,
        }
    }
}

/// A restaurant's stored fields, validated: what a create or a change writes.
#[derive(Clone)]
pub struct RestaurantFields {
    pub name: String,
    pub phone: String,
    pub email: Option<String>,
    pub address: Option<String>,
    pub city: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub policy: Policy,
    pub requests_per_minute: Option<u16>,
    pub reminder_hours_before: Option<u16>,
}

impl RestaurantFields {
    pub fn from_record(r: &RestaurantRecord) -> Self {
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
            reminder_hours_before: r.reminder_hours_before,
        }
    }

    pub fn new_restaurant() -> Self {
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
            reminder_hours_before: Some(DEFAULT_REMINDER_HOURS),
        }
    }
}

/// Inserts a new restaurant with its owner key's hash; [`store_fields`]
/// then writes the rest.
pub async fn insert(
    conn: &mut AnyConnection,
    id: &str,
    owner_key_hash: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO restaurants (id, name, phone, owner_key_hash, opening_hours, created_at, updated_at) \
         VALUES ($1, '', '', $2, '[]', $3, $4)",
    )
    .bind(id)
    .bind(owner_key_hash)
    .bind(now)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Writes every field of a restaurant but its id, key and creation time.
pub async fn store_fields(
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
         requests_per_minute = $19, reminder_hours_before = $20, updated_at = $21 WHERE id = $22",
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
    .bind(f.reminder_hours_before.map(i64::from))
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn load(conn: &mut AnyConnection, id: &str) -> Result<RestaurantRecord> {
    let row: Option<RestaurantRow> =
        sqlx::query_as(&format!("SELECT {RESTAURANT_COLUMNS} FROM restaurants WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    row.ok_or(ServiceError::NotFound("restaurant"))?.try_into()
}

/// One page of the restaurants whose lower-case name or city matches the
/// LIKE `pattern`, in the lower-case `city` if given, by name; and how many
/// match in all.
pub async fn search(
    conn: &mut AnyConnection,
    pattern: Option<&str>,
    city: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(u64, Vec<RestaurantRecord>)> {
    // Case-insensitive on both engines: compare lower case.
    let filter = "WHERE ($1 IS NULL OR lower(name) LIKE $1 ESCAPE '\\' \
                  OR lower(city) LIKE $1 ESCAPE '\\') \
                  AND ($2 IS NULL OR lower(city) = $2)";
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM restaurants {filter}"))
        .bind(pattern)
        .bind(city)
        .fetch_one(&mut *conn)
        .await?;
    let rows: Vec<RestaurantRow> = sqlx::query_as(&format!(
        "SELECT {RESTAURANT_COLUMNS} FROM restaurants {filter} \
         ORDER BY lower(name), id LIMIT $3 OFFSET $4"
    ))
    .bind(pattern)
    .bind(city)
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut *conn)
    .await?;
    let items = rows.into_iter().map(RestaurantRecord::try_from).collect::<Result<Vec<_>>>()?;
    Ok((total as u64, items))
}

/// `text` with LIKE's wildcards and escape character escaped.
pub fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// The request budget a minute a restaurant set for itself, if any
/// (`None` too when there is no such restaurant).
pub async fn requests_per_minute(conn: &mut AnyConnection, id: &str) -> Result<Option<u16>> {
    let set: Option<Option<i64>> =
        sqlx::query_scalar("SELECT requests_per_minute FROM restaurants WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(set.flatten().map(|n| n as u16))
}

/// Whether some restaurant has the owner key with this hash.
pub async fn has_owner_key(conn: &mut AnyConnection, key_hash: &str) -> Result<bool> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM restaurants WHERE owner_key_hash = $1")
            .bind(key_hash)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(found.is_some())
}

/// Replaces a restaurant's owner key hash.
pub async fn set_owner_key_hash(
    conn: &mut AnyConnection,
    id: &str,
    key_hash: &str,
    now: i64,
) -> Result<()> {
    sqlx::query("UPDATE restaurants SET owner_key_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(key_hash)
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
