//! Covers follows the primary: a `covers` given both hosts of a primary and
//! its synchronous standby keeps booking when the primary's host is lost and
//! the standby is promoted. Meanwhile requests answer 503 with
//! `Retry-After`, never a 500 or nothing; afterwards every booking answered
//! 201 is on the new primary and no table is held twice. The test makes
//! clusters of its own (`COVERS_PG_BIN`, which the test command sets).

use crate::common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::cluster::Cluster;
use common::load::{
    Instance, assert_every_acknowledged_booking_is_stored, busy_restaurant, evening_date,
    evening_load,
};
use serde_json::{Value, json};

/// One booking attempt: its status (`None`: no answer), its reservation.
type Seen = (Option<u16>, Option<String>);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL; scripts/test.sh runs it"]
async fn bookings_go_on_on_the_promoted_standby_and_no_acknowledged_one_is_lost() {
    let primary = Cluster::start();
    let standby = primary.standby();
    let hosts = format!(
        "postgres://covers@{},{}/postgres?target_session_attrs=read-write",
        primary.address, standby.address
    );
    let dir = tempfile::tempdir().unwrap();
    let covers = Instance::start(&hosts, dir.path(), "covers").await;
    let (restaurant, _) = busy_restaurant(&covers.base).await;

    // One booking after another, each on its own evening and time, so that
    // every one of them can be seated.
    let stop = Arc::new(AtomicBool::new(false));
    let load = {
        let (base, stop) = (covers.base.clone(), stop.clone());
        let client = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().unwrap();
        tokio::spawn(async move {
            let mut seen: Vec<Seen> = Vec::new();
            let mut i = 0usize;
            while !stop.load(Ordering::SeqCst) {
                let date =
                    chrono::Utc::now().date_naive() + chrono::Duration::days(2 + i as i64 / 8);
                let time =
                    ["12:00", "13:30", "15:00", "16:30", "18:00", "19:30", "20:00", "12:30"][i % 8];
                let answer = client
                    .post(format!("{base}/api/v1/reservations"))
                    .json(&json!({
                        "restaurant_id": restaurant, "start": format!("{date}T{time}"),
                        "party_size": 2, "name": format!("Guest {i}"), "phone": "0612345678",
                    }))
                    .send()
                    .await;
                let (status, id) = match answer {
                    Ok(answer) => {
                        let status = answer.status().as_u16();
                        let retry_after = answer.headers().contains_key("retry-after");
                        let body: Value = answer.json().await.unwrap_or_default();
                        assert!(status != 503 || retry_after, "a 503 says when to try again");
                        (Some(status), body["id"].as_str().map(String::from))
                    }
                    Err(_) => (None, None),
                };
                seen.push((status, if status == Some(201) { id } else { None }));
                i += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            seen
        })
    };
    tokio::time::sleep(Duration::from_secs(2)).await;

    // The primary's host is lost; the standby is promoted.
    primary.kill();
    let lost = Instant::now();
    standby.promote();
    // Bookings succeed again without anybody touching Covers.
    let client = reqwest::Client::new();
    let back = loop {
        let health = client.get(format!("{}/healthz", covers.base)).send().await;
        if health.is_ok_and(|h| h.status() == 200) && lost.elapsed() > Duration::from_secs(1) {
            break lost.elapsed();
        }
        assert!(lost.elapsed() < Duration::from_secs(60), "Covers did not find the new primary");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    tokio::time::sleep(Duration::from_secs(3)).await;
    stop.store(true, Ordering::SeqCst);
    let seen = load.await.unwrap();
    let count = |status: u16| seen.iter().filter(|(s, _)| *s == Some(status)).count();
    println!(
        "service back {:.1} s after the primary was lost; {} bookings, {} answered 503",
        back.as_secs_f64(),
        count(201),
        count(503)
    );

    assert!(seen.iter().all(|(s, _)| matches!(s, Some(201 | 503))), "only 201 or 503: {seen:?}");
    let booked: Vec<&String> = seen.iter().filter_map(|(_, id)| id.as_ref()).collect();
    let late = &seen[seen.len() - 10..];
    assert!(late.iter().all(|(s, _)| *s == Some(201)), "booking again after the switch: {late:?}");
    // Everything acknowledged is on the new primary; no table is held twice.
    let db = app::server::Db::connect(Some(&standby.url)).await.unwrap();
    let mut conn = db.reader().acquire().await.unwrap();
    for id in &booked {
        let status = app::server::store::reservations::status_of(&mut conn, id).await.unwrap();
        assert_eq!(status.as_deref(), Some("confirmed"), "reservation {id} answered 201");
    }
    assert_eq!(app::server::store::reservations::overlapping_holds(&mut conn).await.unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL; scripts/test.sh runs it"]
async fn three_instances_booking_at_full_speed_follow_the_promoted_standby() {
    let primary = Cluster::start();
    let standby = primary.standby();
    let hosts = format!("postgres://covers@{},{}/postgres", primary.address, standby.address);
    let dir = tempfile::tempdir().unwrap();
    let mut instances = Vec::new();
    for name in ["a", "b", "c"] {
        instances.push(Instance::start(&hosts, dir.path(), name).await);
    }
    let bases: Vec<String> = instances.iter().map(|i| i.base.clone()).collect();
    let (restaurant, _) = busy_restaurant(&bases[0]).await;

    // Bookings and cancellations through the three at once; a third of the
    // way in, the primary's host is lost and the standby promoted.
    let done = Arc::new(AtomicUsize::new(0));
    let load = tokio::spawn(evening_load(
        bases.clone(),
        restaurant.clone(),
        evening_date(),
        450,
        30,
        done.clone(),
    ));
    while done.load(Ordering::SeqCst) < 150 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    primary.kill();
    let lost = Instant::now();
    standby.promote();
    let attempts = load.await.unwrap();

    // Every instance books again by itself.
    let client = reqwest::Client::new();
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).format("%Y-%m-%d");
    for (i, base) in bases.iter().enumerate() {
        loop {
            let answer = client
                .post(format!("{base}/api/v1/reservations"))
                .json(&json!({
                    "restaurant_id": restaurant, "start": format!("{tomorrow}T{}:00", 12 + 2 * i),
                    "party_size": 2, "name": "After", "phone": "0612345678",
                }))
                .send()
                .await;
            if answer.is_ok_and(|a| a.status() == 201) {
                break;
            }
            assert!(lost.elapsed() < Duration::from_secs(60), "{base} did not book again");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let statuses = |wanted: u16| attempts.iter().filter(|a| a.status == Some(wanted)).count();
    println!(
        "all three booking again {:.1} s after the primary was lost; {} booked, {} full, {} answered 503",
        lost.elapsed().as_secs_f64(),
        statuses(201),
        statuses(409),
        statuses(503)
    );
    assert!(
        attempts.iter().all(|a| matches!(a.status, Some(201 | 409 | 503))),
        "every request answered, and no error but 503"
    );
    assert!(
        attempts.iter().all(|a| a.cancel_status.is_none_or(|s| matches!(s, 200 | 503))),
        "cancellations too"
    );
    let db = app::server::Db::connect(Some(&standby.url)).await.unwrap();
    assert_eq!(common::overlapping_holds(&db).await, 0);
    assert_every_acknowledged_booking_is_stored(&db, &attempts).await;
}
