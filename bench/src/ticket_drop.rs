//! The ticket drop: a popular restaurant opens an evening at one instant,
//! and a crowd of diners asks for its times and books at once, each trying
//! again while times are left. Exactly as many bookings as the tables allow
//! must be made, no table held twice, no 5xx, and every diner answered;
//! the figures are the latencies and the time until the last diner had an
//! answer.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::sync::{Barrier, Mutex};

use crate::server::Servers;
use crate::{Args, Op, Rng, check_database, open_restaurant, report};

/// Seatings an evening: 18:00 and 20:30, two and a half hours each.
const SEATINGS: usize = 2;
/// How many times a diner asks again after a time was taken under them.
const TRIES: usize = 4;

/// What became of one diner.
enum Outcome {
    Booked(String),
    /// Told that nothing is left.
    Full,
    /// A 5xx, or no answer at all.
    Failed,
}

/// The restaurant of the drop: `tables` two-tops, open 18:00–23:00 with
/// two seatings. Answers its id and the evening's date.
async fn popular_restaurant(
    client: &reqwest::Client,
    base: &str,
    tables: usize,
) -> Result<(String, String), String> {
    let rules = json!({"slot_minutes": 150, "duration_minutes": 150, "walk_in_seats_percent": 0});
    let list = (1..=tables).map(|i| json!({"capacity": 2, "label": format!("D{i}")})).collect();
    let id = open_restaurant(client, base, "Chez Ticket", ("18:00", "23:00"), rules, list).await?;
    let date = (chrono::Utc::now().date_naive() + chrono::Duration::days(7)).to_string();
    Ok((id, date))
}

/// The latencies of the two questions a diner asks.
struct Ops {
    times: Op,
    book: Op,
}

/// One diner: waits for the opening, then asks for the free times and books
/// one of them, again while times are left. Answers what became of it and
/// when it had its answer.
async fn diner(
    client: reqwest::Client,
    base: String,
    restaurant: String,
    date: String,
    seed: u64,
    opening: Arc<Barrier>,
    ops: Arc<Mutex<Ops>>,
) -> (Outcome, Instant) {
    let mut rng = Rng::new(seed);
    opening.wait().await;
    for _ in 0..TRIES {
        let started = Instant::now();
        let asked = client
            .get(format!(
                "{base}/api/v1/restaurants/{restaurant}/slots?date={date}&party_size=2&available=true"
            ))
            .send()
            .await;
        let status = asked.as_ref().map(|r| r.status().as_u16()).unwrap_or(0);
        let slots: Option<Value> = match asked {
            Ok(r) if status == 200 => r.json().await.ok(),
            _ => None,
        };
        ops.lock().await.times.record(started, slots.is_some());
        let Some(slots) = slots else { return (Outcome::Failed, Instant::now()) };
        let free: Vec<String> = slots["slots"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|s| s["tables"].as_array().is_some_and(|t| !t.is_empty()))
            .filter_map(|s| s["local_time"].as_str().map(String::from))
            .collect();
        if free.is_empty() {
            return (Outcome::Full, Instant::now());
        }
        let time = &free[rng.below(free.len() as u64) as usize];
        let started = Instant::now();
        let booked = client
            .post(format!("{base}/api/v1/reservations"))
            .json(&json!({
                "restaurant_id": restaurant, "start": format!("{date}T{time}"), "party_size": 2,
                "name": format!("Diner {seed}"), "phone": "+33 6 12 34 56 78",
            }))
            .send()
            .await;
        let status = booked.as_ref().map(|r| r.status().as_u16()).unwrap_or(0);
        ops.lock().await.book.record(started, status == 201 || status == 409);
        match (status, booked) {
            (201, Ok(answer)) => {
                let body: Value = answer.json().await.unwrap_or_default();
                let id = body["id"].as_str().unwrap_or_default().to_string();
                return (Outcome::Booked(id), Instant::now());
            }
            // Taken meanwhile: ask again.
            (409, _) => continue,
            _ => return (Outcome::Failed, Instant::now()),
        }
    }
    (Outcome::Full, Instant::now())
}

/// Runs the drop against `servers` and prints what it measured.
pub async fn run(args: &Args, servers: &Servers) -> Result<(), String> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.crowd)
        .timeout(Duration::from_secs(120))
        .build()
        .map_err(|e| e.to_string())?;
    let (restaurant, date) = popular_restaurant(&client, servers.base(), args.tables).await?;
    let capacity = args.tables * SEATINGS;
    println!(
        "covers-bench drop: {} diners at once for {} tables x {SEATINGS} seatings ({capacity} bookings), {} instance(s){}",
        args.crowd,
        args.tables,
        servers.bases.len(),
        servers
            .database_url
            .as_deref()
            .map(|u| format!(", {}", u.split('@').next_back().unwrap_or(u)))
            .unwrap_or_default()
    );
    let opening = Arc::new(Barrier::new(args.crowd + 1));
    let ops = Arc::new(Mutex::new(Ops { times: Op::new("times"), book: Op::new("book") }));
    let diners: Vec<_> = (0..args.crowd)
        .map(|d| {
            tokio::spawn(diner(
                client.clone(),
                servers.bases[d % servers.bases.len()].clone(),
                restaurant.clone(),
                date.clone(),
                args.seed.wrapping_add(d as u64 * 7919),
                opening.clone(),
                ops.clone(),
            ))
        })
        .collect();
    opening.wait().await;
    let opened = Instant::now();
    let (mut booked, mut full, mut failed) = (Vec::new(), 0, 0);
    let mut answered = hdrhistogram::Histogram::<u64>::new_with_bounds(1, 600_000_000, 3).unwrap();
    for task in diners {
        let (outcome, at) = task.await.map_err(|e| e.to_string())?;
        answered.saturating_record(at.duration_since(opened).as_micros().max(1) as u64);
        match outcome {
            Outcome::Booked(id) => booked.push(id),
            Outcome::Full => full += 1,
            Outcome::Failed => failed += 1,
        }
    }
    let seconds = answered.max() as f64 / 1e6;
    let ops = ops.lock().await;
    println!("results");
    report(&ops.times, seconds);
    report(&ops.book, seconds);
    let ms = |v: u64| v as f64 / 1000.0;
    println!(
        "  a diner's answer after the opening: p50 {:.0} ms, p99 {:.0} ms; the last {:.2} s",
        ms(answered.value_at_quantile(0.5)),
        ms(answered.value_at_quantile(0.99)),
        seconds
    );
    println!(
        "  diners: {} booked, {} told it is full, {} without an answer or with a 5xx",
        booked.len(),
        full,
        failed
    );
    let exact = booked.len() == capacity.min(args.crowd);
    println!(
        "  bookings made: {} of the {} the tables allow{}",
        booked.len(),
        capacity,
        if exact { "" } else { "  <- NOT EXACT" }
    );
    let checked = match &servers.database_url {
        Some(url) => check_database(url, &booked, &[]).await,
        None => Ok(()),
    };
    if !exact || failed > 0 {
        return Err("the drop did not end as it must".into());
    }
    checked
}
