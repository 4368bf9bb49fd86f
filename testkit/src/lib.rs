//! Fixtures for Covers' tests, shared by the service's tests (in `app`)
//! and the server's: a service on a database of its own (a fresh SQLite
//! file, or a fresh PostgreSQL database when `COVERS_TEST_POSTGRES` names a
//! server), a clock fixed in time and sample requests.

pub mod sms;
pub mod smtp;

use std::sync::Arc;

use app::model::{CreatedRestaurant, NewReservation, NewRestaurant, NewTable, Table};
use app::server::ServiceError;
use app::server::{Db, Secrets, Service};
use chrono::{DateTime, Utc};

/// "Now" in the tests: Tuesday 1 December 2026, 10:00 UTC.
pub const NOW: &str = "2026-12-01T10:00:00Z";

pub fn now() -> DateTime<Utc> {
    NOW.parse().unwrap()
}

/// The server secret of the tests (`COVERS_SECRET` of the servers they start).
pub const SECRET: &str = "covers tests: a server secret of at least 32 characters";

/// A date written `YYYY-MM-DD`, as the edge would parse it.
pub fn ymd(text: &str) -> chrono::NaiveDate {
    app::domain::limits::parse_date(text).expect("a date")
}

/// A party of `n` people.
pub fn party_of(n: i64) -> app::domain::PartySize {
    app::domain::PartySize::new(n).expect("1 to 20 people")
}

pub fn secrets() -> Secrets {
    Secrets::from_key(SECRET.as_bytes())
}

/// A service on a database of its own: a new SQLite file in a temporary
/// directory or, when `COVERS_TEST_POSTGRES` names a PostgreSQL server (the
/// test command starts one), a new database there.
pub struct TestDb {
    pub service: Service,
    pub db: Db,
    pub dir: tempfile::TempDir,
    url: String,
}

impl TestDb {
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = match std::env::var("COVERS_TEST_POSTGRES") {
            Ok(server) => fresh_postgres_database(&server).await,
            Err(_) => format!("sqlite:{}", dir.path().join("covers.db").display()),
        };
        let db = Db::connect(Some(&url)).await.unwrap();
        let service = Service::new(db.clone(), secrets()).with_clock(Arc::new(now));
        Self { service, db, dir, url }
    }

    /// The database's URL, for a second connection to the same data.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// A restaurant in UTC open every day 12:00–22:00, with the given tables.
    pub async fn restaurant(&self, seats: &[i64]) -> (CreatedRestaurant, Vec<Table>) {
        let created = self
            .service
            .create_restaurant(NewRestaurant {
                name: Some("Chez Test".into()),
                phone: Some("+33 1 23 45 67 89".into()),
                city: Some("Paris".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        let tables = if seats.is_empty() {
            Vec::new()
        } else {
            self.service
                .add_tables(
                    &created.restaurant.id,
                    Some(&created.owner_key),
                    seats
                        .iter()
                        .map(|&n| NewTable { capacity: Some(n), label: None, ..Default::default() })
                        .collect(),
                )
                .await
                .unwrap()
        };
        (created, tables)
    }

    pub async fn count(&self, table: &str) -> i64 {
        sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(self.db.reader())
            .await
            .unwrap()
    }
}

/// A booking request of Ada's for a party at `start`.
pub fn booking(restaurant_id: &str, start: &str, party: i64) -> NewReservation {
    NewReservation {
        restaurant_id: Some(restaurant_id.into()),
        start: Some(start.into()),
        party_size: Some(party),
        name: Some("Ada Lovelace".into()),
        phone: Some("+44 20 7946 0958".into()),
        notes: Some("Window seat, please".into()),
        ..Default::default()
    }
}

/// The fields a validation error names.
pub fn fields(err: ServiceError) -> Vec<String> {
    match err {
        ServiceError::Invalid(errors) => errors.0.keys().cloned().collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

impl TestDb {
    /// A restaurant made from `restaurant` (name and phone filled in) with
    /// the given tables.
    pub async fn restaurant_with(
        &self,
        restaurant: NewRestaurant,
        tables: Vec<NewTable>,
    ) -> (CreatedRestaurant, Vec<Table>) {
        let created = self
            .service
            .create_restaurant(NewRestaurant {
                name: Some("Chez Test".into()),
                phone: Some("+33 1 23 45 67 89".into()),
                ..restaurant
            })
            .await
            .unwrap();
        let tables = self
            .service
            .add_tables(&created.restaurant.id, Some(&created.owner_key), tables)
            .await
            .unwrap();
        (created, tables)
    }
}

/// A table to add: seats, label, join group, walk-in only.
pub fn table(seats: i64, label: &str, join_group: Option<&str>, walk_in_only: bool) -> NewTable {
    NewTable {
        capacity: Some(seats),
        label: Some(label.into()),
        join_group: join_group.map(String::from),
        walk_in_only: Some(walk_in_only),
        ..Default::default()
    }
}

/// How many pairs of active holds on one table overlap in `db` (always 0).
pub async fn overlapping_holds(db: &Db) -> i64 {
    let mut conn = db.reader().acquire().await.unwrap();
    app::server::store::reservations::overlapping_holds(&mut conn).await.unwrap()
}

/// Creates an empty database on the PostgreSQL server at `server_url` (a
/// superuser's URL) and answers its URL.
pub async fn fresh_postgres_database(server_url: &str) -> String {
    use sqlx::Connection;

    sqlx::any::install_default_drivers();
    let name = format!("covers_test_{}", uuid::Uuid::now_v7().simple());
    let mut admin = sqlx::AnyConnection::connect(server_url).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.unwrap();
    admin.close().await.unwrap();
    let (base, _) = server_url.rsplit_once('/').expect("a URL with a database name");
    format!("{base}/{name}")
}
