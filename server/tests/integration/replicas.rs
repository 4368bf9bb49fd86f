//! Read replicas: slot lists and restaurant pages come from a replica while
//! it keeps up; a diner's own reservation and the owner's lists come from
//! the primary; a replica lagging beyond `COVERS_MAX_REPLICA_LAG`, or down,
//! is left out for the primary, and taken back once it is fit; a stale list
//! leads to a clean 409, never to a double booking. The test makes clusters
//! of its own (`COVERS_PG_BIN`, which the test command sets).

use crate::common;

use std::time::{Duration, Instant};

use common::cluster::Cluster;
use common::load::{Instance, busy_restaurant};
use serde_json::{Value, json};

/// Asks `url` until `done` holds of its status, up to `limit`.
async fn until(url: &str, limit: Duration, done: impl Fn(u16) -> bool) -> bool {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Ok(answer) = client.get(url).send().await
            && done(answer.status().as_u16())
        {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

/// How many read replicas `base` reads from now, by its metrics.
async fn replicas_fit(base: &str) -> u32 {
    let text = reqwest::get(format!("{base}/metrics")).await.unwrap().text().await.unwrap();
    let line = text.lines().find(|l| l.starts_with("covers_db_replicas_fit ")).unwrap();
    line.rsplit(' ').next().unwrap().parse::<f64>().unwrap() as u32
}

/// Waits until `base` reads from `wanted` replicas, up to ten seconds.
async fn until_fit(base: &str, wanted: u32) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while replicas_fit(base).await != wanted {
        assert!(Instant::now() < deadline, "{base} did not come to {wanted} fit replicas");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The tables free at `time` on `date` in a slot list of `base`.
async fn free_tables(base: &str, restaurant: &str, date: &str, time: &str) -> Vec<String> {
    let url = format!("{base}/api/v1/restaurants/{restaurant}/slots?date={date}&party_size=2");
    let day: Value = reqwest::get(url).await.unwrap().json().await.unwrap();
    let slot = day["slots"].as_array().unwrap().iter().find(|s| s["local_time"] == time).unwrap();
    let free = slot["tables"].as_array().unwrap().iter().filter(|t| t["available"] == true);
    free.map(|t| t["table_id"].as_str().unwrap().to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL; scripts/test.sh runs it"]
async fn lists_read_a_replica_that_keeps_up_and_the_primary_otherwise() {
    let primary = Cluster::start();
    let replica = primary.replica();
    let dir = tempfile::tempdir().unwrap();
    let start = async |name: &str, lag: &str| {
        let settings =
            [("DATABASE_READ_URL", replica.url.as_str()), ("COVERS_MAX_REPLICA_LAG", lag)];
        Instance::start_with(&primary.url, dir.path(), name, &settings).await
    };
    // One instance takes a replica up to an hour behind, one a second.
    let patient = start("patient", "3600").await;
    let strict = start("strict", "1").await;
    let (restaurant, key) = busy_restaurant(&patient.base).await;
    until_fit(&patient.base, 1).await;
    until_fit(&strict.base, 1).await;
    let page = |base: &str| format!("{base}/api/v1/restaurants/{restaurant}");
    assert!(until(&page(&patient.base), Duration::from_secs(10), |s| s == 200).await);

    // The replica stops replaying what the primary sends it.
    replica.psql("SELECT pg_wal_replay_pause()");
    let date = (chrono::Utc::now() + chrono::Duration::days(3)).format("%Y-%m-%d").to_string();
    let before = free_tables(&patient.base, &restaurant, &date, "19:00").await;
    let client = reqwest::Client::new();
    let book = |table: Option<&String>| {
        let mut body = json!({
            "restaurant_id": restaurant, "start": format!("{date}T19:00"),
            "party_size": 2, "name": "Ada", "phone": "0612345678",
        });
        if let Some(table) = table {
            body["table_id"] = json!(table);
        }
        client.post(format!("{}/api/v1/reservations", patient.base)).json(&body).send()
    };
    let booked = book(None).await.unwrap();
    assert_eq!(booked.status(), 201);
    let booked: Value = booked.json().await.unwrap();
    let table = booked["tables"][0]["id"].as_str().unwrap().to_string();
    let id = booked["id"].as_str().unwrap();

    // The patient instance's list still offers the table (the replica is
    // behind), but the booking, on the primary, finds it taken: a clean
    // 409 with alternatives.
    assert!(before.contains(&table));
    assert!(free_tables(&patient.base, &restaurant, &date, "19:00").await.contains(&table));
    let again = book(Some(&table)).await.unwrap();
    assert_eq!(again.status(), 409);
    let refused: Value = again.json().await.unwrap();
    assert!(!refused["error"]["alternatives"].as_array().unwrap().is_empty(), "{refused}");

    // The diner's own reservation and the owner's list read the primary.
    let own = client
        .get(format!("{}/api/v1/reservations/{id}", patient.base))
        .header("X-Reservation-Code", booked["code"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 200);
    let owner: Value = client
        .get(format!("{}/api/v1/restaurants/{restaurant}/reservations?date={date}", patient.base))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(owner["items"].as_array().unwrap().iter().any(|r| r["id"] == id), "{owner}");

    // The strict instance leaves the lagging replica out: its list shows
    // the table taken.
    until_fit(&strict.base, 0).await;
    assert!(!free_tables(&strict.base, &restaurant, &date, "19:00").await.contains(&table));

    // Replay goes on: the replica catches up and serves again.
    replica.psql("SELECT pg_wal_replay_resume()");
    until_fit(&strict.base, 1).await;
    assert!(!free_tables(&strict.base, &restaurant, &date, "19:00").await.contains(&table));

    // The replica's host is lost while diners read, and comes back: every
    // read is answered, from the primary meanwhile.
    let reads = {
        let (base, restaurant, date) = (patient.base.clone(), restaurant.clone(), date.clone());
        tokio::spawn(async move {
            let client = reqwest::Client::new();
            let url = format!("{base}/api/v1/restaurants/{restaurant}/slots?date={date}");
            let mut statuses = Vec::new();
            let started = Instant::now();
            while started.elapsed() < Duration::from_secs(6) {
                let answer = client.get(&url).timeout(Duration::from_secs(10)).send().await;
                statuses.push(answer.map(|a| a.status().as_u16()).ok());
            }
            statuses
        })
    };
    tokio::time::sleep(Duration::from_secs(1)).await;
    replica.kill();
    until_fit(&patient.base, 0).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    replica.start_again();
    let statuses = reads.await.unwrap();
    println!("{} slot lists read while the replica was lost and back", statuses.len());
    assert!(statuses.iter().all(|s| *s == Some(200)), "every read answered 200: {statuses:?}");
    until_fit(&patient.base, 1).await;
    assert!(!free_tables(&patient.base, &restaurant, &date, "19:00").await.contains(&table));
}
