//! PostgreSQL stopped and started again under load: the instances answer
//! 503 with `Retry-After` while it is down, never hang or crash, and
//! recover by themselves. The test stops a cluster of its own, so the
//! other tests' database stays up; it needs PostgreSQL's binaries
//! (`COVERS_PG_BIN`, which the test command sets).

use crate::common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::cluster::Cluster;
use common::load::{Instance, busy_restaurant, evening_date};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL; scripts/test.sh runs it"]
async fn instances_answer_503_while_postgres_is_down_and_recover_by_themselves() {
    let cluster = Cluster::start();
    let url = common::fresh_postgres_database(&cluster.url).await;
    let dir = tempfile::tempdir().unwrap();
    let a = Instance::start(&url, dir.path(), "a").await;
    let b = Instance::start(&url, dir.path(), "b").await;
    let (restaurant, _) = busy_restaurant(&a.base).await;
    let date = evening_date();

    // Bookings keep coming through both instances while the database restarts.
    let stop = Arc::new(AtomicBool::new(false));
    let load = {
        let (bases, stop) = (vec![a.base.clone(), b.base.clone()], stop.clone());
        let client = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().unwrap();
        tokio::spawn(async move {
            let mut seen = Vec::new();
            let mut i = 0usize;
            while !stop.load(Ordering::SeqCst) {
                let time = ["12:00", "13:00", "14:00", "15:00", "16:00", "17:00"][i % 6];
                let answer = client
                    .post(format!("{}/api/v1/reservations", bases[i % 2]))
                    .json(&json!({
                        "restaurant_id": restaurant, "start": format!("{date}T{time}"),
                        "party_size": 2, "name": format!("Guest {i}"), "phone": "0612345678",
                    }))
                    .send()
                    .await;
                let status = answer.as_ref().ok().map(|a| a.status().as_u16());
                let retry_after = answer.ok().and_then(|a| a.headers().get("retry-after").cloned());
                seen.push((status, retry_after.is_some()));
                i += 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            seen
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;

    cluster.stop();
    tokio::time::sleep(Duration::from_secs(1)).await;
    for instance in [&a, &b] {
        let health = reqwest::get(format!("{}/healthz", instance.base)).await.unwrap();
        assert_eq!(health.status(), 503, "health is 503 while the database is down");
        assert!(health.headers().contains_key("retry-after"));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    cluster.start_again();

    for instance in [&a, &b] {
        assert!(instance.wait_healthy(Duration::from_secs(30)).await, "recovered by itself");
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::SeqCst);
    let seen = load.await.unwrap();

    assert!(seen.iter().all(|(s, _)| s.is_some()), "every request was answered");
    let statuses: Vec<u16> = seen.iter().filter_map(|(s, _)| *s).collect();
    assert!(
        statuses.iter().all(|s| [201, 409, 503].contains(s)),
        "only bookings, conflicts and 503s: {statuses:?}"
    );
    assert!(seen.iter().any(|(s, _)| *s == Some(503)), "the outage was seen as 503");
    assert!(
        seen.iter().filter(|(s, _)| *s == Some(503)).all(|(_, retry)| *retry),
        "every 503 says when to retry"
    );
    let last = statuses.iter().rposition(|s| *s == 503).unwrap();
    assert!(
        statuses[last + 1..].iter().any(|s| *s == 201 || *s == 409),
        "bookings are served again after the restart"
    );
}
