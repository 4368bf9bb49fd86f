//! `covers` processes and booking traffic for them: the fault and
//! several-instance tests start real servers and talk HTTP to them.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// A running `covers` process.
pub struct Instance {
    child: Child,
    pub base: String,
}

impl Instance {
    /// Starts `covers` on `database_url`, on a free port, with its log in
    /// `dir`, and waits until it answers its health check.
    pub async fn start(database_url: &str, dir: &Path, name: &str) -> Instance {
        Self::start_with(database_url, dir, name, &[]).await
    }

    /// The same, with more settings in its environment.
    pub async fn start_with(
        database_url: &str,
        dir: &Path,
        name: &str,
        settings: &[(&str, &str)],
    ) -> Instance {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let log = std::fs::File::create(dir.join(format!("{name}.log"))).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_covers"))
            .current_dir(dir)
            .env("DATABASE_URL", database_url)
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("LEPTOS_SITE_ROOT", dir)
            .env("RUST_LOG", "warn")
            .env("NO_COLOR", "1")
            .env("COVERS_DB_CONNECTIONS", "8")
            // Load from one address, far beyond one diner's limits; every
            // instance shares the secret.
            .env("COVERS_RATE_LIMITS", "off")
            .env("COVERS_SECRET", super::SECRET)
            .envs(settings.iter().copied())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        let instance = Instance { child, base: format!("http://127.0.0.1:{port}") };
        assert!(
            instance.wait_healthy(Duration::from_secs(30)).await,
            "{name} did not come up; see its log in {}",
            dir.display()
        );
        instance
    }

    /// Waits until `/healthz` answers 200, up to `limit`.
    pub async fn wait_healthy(&self, limit: Duration) -> bool {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            let answer = client
                .get(format!("{}/healthz", self.base))
                .timeout(Duration::from_secs(2))
                .send()
                .await;
            if answer.is_ok_and(|a| a.status() == 200) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        false
    }

    /// Kills the process at once (SIGKILL): no clean shutdown.
    pub fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A restaurant made for a busy evening, through the API of `base`: UTC,
/// slots every 30 minutes, couples stay 90 minutes and others two hours,
/// four 2-tops and three 4-tops that can be pushed together in two groups,
/// a round 6-top, and a walk-in table. Answers (id, owner key).
pub async fn busy_restaurant(base: &str) -> (String, String) {
    let client = reqwest::Client::new();
    let created: Value = client
        .post(format!("{base}/api/v1/restaurants"))
        .json(&json!({
            "name": "Chez Charge", "phone": "+33 1 23 45 67 89", "timezone": "UTC",
            "slot_minutes": 30, "duration_minutes": 120,
            "durations": [{"max_party_size": 2, "minutes": 90}],
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap().to_string();
    let key = created["owner_key"].as_str().unwrap().to_string();
    let tables = json!({"tables": [
        {"capacity": 2, "label": "W1", "join_group": "window"},
        {"capacity": 2, "label": "W2", "join_group": "window"},
        {"capacity": 2, "label": "W3", "join_group": "window"},
        {"capacity": 2, "label": "W4", "join_group": "window"},
        {"capacity": 4, "label": "M1", "join_group": "main"},
        {"capacity": 4, "label": "M2", "join_group": "main"},
        {"capacity": 4, "label": "M3", "join_group": "main"},
        {"capacity": 6, "label": "Round"},
        {"capacity": 2, "label": "Bar", "walk_in_only": true},
    ]});
    let answer = client
        .post(format!("{base}/api/v1/restaurants/{id}/tables"))
        .bearer_auth(&key)
        .json(&tables)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 201);
    (id, key)
}

/// What one booking attempt of the load got.
#[derive(Clone, Debug)]
pub struct Attempt {
    /// The HTTP status, or `None` when the server could not be reached.
    pub status: Option<u16>,
    /// The reservation's id, when it was made (201).
    pub id: Option<String>,
    /// Whether it was then cancelled (answered 200).
    pub cancelled: bool,
    /// Whether a cancellation was sent.
    pub cancel_tried: bool,
    /// The status of the cancellation, if one was answered.
    pub cancel_status: Option<u16>,
}

/// Sends `attempts` bookings of the evening of `date` to the instances in
/// turn, `concurrency` at a time: parties of 1 to 8 at the hot times, and
/// the first booking and about one in five of the others cancelled right
/// away through another instance.
/// `done` counts the attempts finished, for tests that act during the load.
pub async fn evening_load(
    bases: Vec<String>,
    restaurant: String,
    date: String,
    attempts: usize,
    concurrency: usize,
    done: Arc<AtomicUsize>,
) -> Vec<Attempt> {
    let client = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().unwrap();
    let limit = Arc::new(tokio::sync::Semaphore::new(concurrency));
    let first_cancel = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let mut tasks = Vec::new();
    for i in 0..attempts {
        let permit = limit.clone().acquire_owned().await.unwrap();
        let (client, bases, restaurant, date, done) =
            (client.clone(), bases.clone(), restaurant.clone(), date.clone(), done.clone());
        let first_cancel = first_cancel.clone();
        tasks.push(tokio::spawn(async move {
            let mut seed = (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            let mut next = |n: u64| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed % n
            };
            let party = 1 + next(8);
            let time =
                ["17:00", "17:30", "18:00", "18:30", "19:00", "19:30", "20:00"][next(7) as usize];
            let base = &bases[i % bases.len()];
            let answer = client
                .post(format!("{base}/api/v1/reservations"))
                .json(&json!({
                    "restaurant_id": restaurant, "start": format!("{date}T{time}"),
                    "party_size": party, "name": format!("Guest {i}"), "phone": "+33 6 12 34 56 78",
                }))
                .send()
                .await;
            let mut attempt = Attempt {
                status: None,
                id: None,
                cancelled: false,
                cancel_tried: false,
                cancel_status: None,
            };
            if let Ok(answer) = answer {
                attempt.status = Some(answer.status().as_u16());
                if answer.status() == 201 {
                    let body: Value = answer.json().await.unwrap_or_default();
                    attempt.id = body["id"].as_str().map(String::from);
                    let code = body["code"].as_str().unwrap_or_default().to_string();
                    if next(5) == 0 || first_cancel.swap(false, Ordering::SeqCst) {
                        attempt.cancel_tried = true;
                        let other = &bases[(i + 1) % bases.len()];
                        let id = attempt.id.clone().unwrap_or_default();
                        let cancel = client
                            .post(format!("{other}/api/v1/reservations/{id}/cancel"))
                            .header("X-Reservation-Code", code)
                            .send()
                            .await;
                        attempt.cancel_status = cancel.ok().map(|c| c.status().as_u16());
                        attempt.cancelled = attempt.cancel_status == Some(200);
                    }
                }
            }
            done.fetch_add(1, Ordering::SeqCst);
            drop(permit);
            attempt
        }));
    }
    let mut out = Vec::new();
    for task in tasks {
        out.push(task.await.unwrap());
    }
    out
}

/// A date three days ahead (UTC), as the servers' own clock sees it.
pub fn evening_date() -> String {
    (chrono::Utc::now() + chrono::Duration::days(3)).format("%Y-%m-%d").to_string()
}

/// Checks that every reservation answered 201 is stored, and cancelled
/// exactly when its cancellation was answered 200.
pub async fn assert_every_acknowledged_booking_is_stored(
    db: &app::server::Db,
    attempts: &[Attempt],
) {
    for attempt in attempts.iter().filter(|a| a.status == Some(201)) {
        let id = attempt.id.as_deref().expect("a 201 carries the reservation");
        let mut conn = db.reader().acquire().await.unwrap();
        let status = app::server::store::reservations::status_of(&mut conn, id).await.unwrap();
        let status =
            status.unwrap_or_else(|| panic!("reservation {id} was answered 201 but is not stored"));
        if attempt.cancelled {
            assert_eq!(status, "cancelled", "{id}");
        } else if !attempt.cancel_tried {
            assert_eq!(status, "confirmed", "{id}");
        }
    }
}
