//! Real `covers` processes under load: three instances on one PostgreSQL
//! database never double-book, one of them killed mid-load loses nothing it
//! acknowledged, and a SQLite server killed mid-load loses nothing either.
//!
//! The PostgreSQL tests need a server: the test command starts one and runs
//! them (`COVERS_TEST_POSTGRES=… cargo test -p server -- --include-ignored`).

use crate::common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use app::server::Db;
use common::load::{
    Attempt, Instance, assert_every_acknowledged_booking_is_stored, busy_restaurant, evening_date,
    evening_load,
};
use common::overlapping_holds;

fn postgres_server() -> String {
    std::env::var("COVERS_TEST_POSTGRES").expect(
        "this test needs COVERS_TEST_POSTGRES, a PostgreSQL server's URL (scripts/test.sh sets it)",
    )
}

/// Three `covers` processes on a new PostgreSQL database, with a busy restaurant.
struct Cluster {
    db: Db,
    _dir: tempfile::TempDir,
    instances: Vec<Instance>,
    bases: Vec<String>,
    restaurant: String,
}

impl Cluster {
    async fn start() -> Self {
        let url = common::fresh_postgres_database(&postgres_server()).await;
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(Some(&url)).await.unwrap();
        let mut instances = Vec::new();
        for name in ["a", "b", "c"] {
            instances.push(Instance::start(&url, dir.path(), name).await);
        }
        let bases: Vec<String> = instances.iter().map(|i| i.base.clone()).collect();
        let (restaurant, _) = busy_restaurant(&bases[0]).await;
        Self { db, _dir: dir, instances, bases, restaurant }
    }
}

fn count(attempts: &[Attempt], status: u16) -> usize {
    attempts.iter().filter(|a| a.status == Some(status)).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL; scripts/test.sh runs it"]
async fn three_instances_on_one_postgres_database_never_double_book() {
    let Cluster { db, _dir, instances: _running, bases, restaurant } = Cluster::start().await;
    let done = Arc::new(AtomicUsize::new(0));
    let attempts = evening_load(bases, restaurant, evening_date(), 300, 30, done).await;

    assert!(
        attempts.iter().all(|a| a.status.is_some_and(|s| s < 500)),
        "no 5xx, no dropped request"
    );
    assert!(count(&attempts, 201) > 0, "bookings were made");
    assert!(count(&attempts, 409) > 0, "the hot slots filled up");
    assert!(attempts.iter().any(|a| a.cancelled), "some were cancelled");
    assert_eq!(overlapping_holds(&db).await, 0);
    assert_every_acknowledged_booking_is_stored(&db, &attempts).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL; scripts/test.sh runs it"]
async fn killing_one_instance_mid_load_loses_no_acknowledged_booking() {
    let Cluster { db, _dir, mut instances, bases, restaurant } = Cluster::start().await;
    let done = Arc::new(AtomicUsize::new(0));
    let load = tokio::spawn(evening_load(bases, restaurant, evening_date(), 300, 30, done.clone()));
    while done.load(Ordering::SeqCst) < 100 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    instances[2].kill();
    let attempts = load.await.unwrap();

    // Requests to the killed instance may go unanswered; nothing answered is a 5xx.
    assert!(attempts.iter().all(|a| a.status.is_none_or(|s| s < 500)), "no 5xx");
    assert!(attempts.iter().any(|a| a.status.is_none()), "the killed instance stopped answering");
    // The other two kept serving to the end.
    let late = &attempts[200..];
    assert!(
        late.iter()
            .enumerate()
            .filter(|(i, _)| (200 + i) % 3 != 2)
            .all(|(_, a)| a.status.is_some()),
        "the surviving instances answered every request"
    );
    assert!(instances[0].wait_healthy(Duration::from_secs(1)).await);
    assert_eq!(overlapping_holds(&db).await, 0);
    assert_every_acknowledged_booking_is_stored(&db, &attempts).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_sqlite_server_killed_mid_load_loses_nothing_and_its_file_stays_sound() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("covers.db").display());
    let mut server = Instance::start(&url, dir.path(), "first").await;
    let (restaurant, _) = busy_restaurant(&server.base).await;
    let done = Arc::new(AtomicUsize::new(0));
    let date = evening_date();
    let load = tokio::spawn(evening_load(
        vec![server.base.clone()],
        restaurant.clone(),
        date.clone(),
        200,
        20,
        done.clone(),
    ));
    while done.load(Ordering::SeqCst) < 60 {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    server.kill();
    let attempts = load.await.unwrap();
    assert!(attempts.iter().all(|a| a.status.is_none_or(|s| s < 500)), "no 5xx");
    assert!(count(&attempts, 201) > 0);

    // Started again on the same file: everything acknowledged is there.
    let again = Instance::start(&url, dir.path(), "second").await;
    let db = Db::connect(Some(&url)).await.unwrap();
    let check: String =
        sqlx::query_scalar("PRAGMA integrity_check").fetch_one(db.reader()).await.unwrap();
    assert_eq!(check, "ok");
    assert_eq!(overlapping_holds(&db).await, 0);
    assert_every_acknowledged_booking_is_stored(&db, &attempts).await;
    // And it keeps taking bookings.
    let more = evening_load(vec![again.base.clone()], restaurant, date, 20, 5, done).await;
    assert!(more.iter().all(|a| a.status.is_some_and(|s| s < 500)));
}
