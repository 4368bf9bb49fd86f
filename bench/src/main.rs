//! `covers-bench`: a load benchmark of Covers through its public HTTP API.
//!
//! It starts a `covers` server on a fresh database (or uses `--url`),
//! creates a restaurant of 20 tables, then for a fixed time runs *diners*
//! (ask for a hot evening slot, book the first free table, sometimes cancel
//! their oldest booking) and *browsers* (ask for availability only). It
//! prints throughput and latency per operation, checks the database for
//! double bookings and lost bookings, and measures two limits on the same
//! machine: the bare booking transaction without HTTP, and an empty axum
//! handler. Its figures are printed, never asserted.

mod server;
mod ticket_drop;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use app::model::{NewReservation, NewRestaurant, NewTable};
use app::server::store::{self, reservations};
use app::server::{Db, Service, ServiceError};
use clap::Parser;
use hdrhistogram::Histogram;
use serde_json::{Value, json};
use tokio::sync::Mutex;

#[derive(Parser, Debug, Clone)]
#[command(name = "covers-bench", about = "Load benchmark of Covers through its HTTP API")]
pub struct Args {
    /// A running Covers to measure, e.g. http://127.0.0.1:3000 (default: start one).
    #[arg(long)]
    url: Option<String>,
    /// The `covers` binary to start.
    #[arg(long, default_value = "target/release/covers")]
    server: String,
    /// The database of the server started here (default: a new SQLite file).
    /// Also used for the checks and the bare transaction rate.
    #[arg(long)]
    database_url: Option<String>,
    /// Connections that look for a table and book it.
    #[arg(long, default_value_t = 16)]
    diners: usize,
    /// Connections that only ask for availability.
    #[arg(long, default_value_t = 8)]
    browsers: usize,
    /// What browsers ask for: every table of every slot (`tables`), or the
    /// tables free for their party, the diners' question (`free`).
    #[arg(long, value_enum, default_value_t = Browse::Tables)]
    browse: Browse,
    /// Seconds of load.
    #[arg(long, default_value_t = 30)]
    duration: u64,
    /// Seed of every random choice.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Share of bookings after which a diner cancels their oldest booking.
    #[arg(long, default_value_t = 0.2)]
    cancel_share: f64,
    /// Past reservations to store before the run (to show that the size of
    /// the history does not slow availability down).
    #[arg(long, default_value_t = 0)]
    past: u64,
    /// Seconds for each limit measurement (0 skips them).
    #[arg(long, default_value_t = 5)]
    limit_seconds: u64,
    /// What to run: a busy service of mixed diners and browsers for
    /// `--duration` (`evening`), or a crowd booking at one instant the
    /// evenings a popular restaurant opens (`drop`).
    #[arg(long, value_enum, default_value_t = Scenario::Evening)]
    scenario: Scenario,
    /// `drop`: how many diners ask and book at once.
    #[arg(long, default_value_t = 2000)]
    crowd: usize,
    /// `drop`: the restaurant's tables (two-tops; two seatings an evening).
    #[arg(long, default_value_t = 50)]
    tables: usize,
    /// `covers` instances started on the one database (PostgreSQL for more
    /// than one); requests go to them in turn.
    #[arg(long, default_value_t = 1)]
    instances: usize,
    /// `COVERS_RATE_LIMITS` of the server started here. The load comes from
    /// one address, far beyond one person's limits, so they are off by
    /// default; give budgets too large to reach (`client=1000000/second,…`)
    /// to measure what counting costs.
    #[arg(long, default_value = "off")]
    rate_limits: String,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum Scenario {
    Evening,
    Drop,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum Browse {
    Tables,
    Free,
}

/// A small deterministic generator (xorshift), one per connection.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Latencies and outcomes of one operation.
pub struct Op {
    name: &'static str,
    latency: Histogram<u64>,
    errors: u64,
}

impl Op {
    pub fn new(name: &'static str) -> Self {
        Self { name, latency: Histogram::new_with_bounds(1, 60_000_000, 3).unwrap(), errors: 0 }
    }

    /// Records the latency of a request begun at `started`, and an error
    /// unless it went as expected.
    pub fn record(&mut self, started: Instant, ok: bool) {
        let micros = started.elapsed().as_micros().max(1) as u64;
        self.latency.saturating_record(micros);
        if !ok {
            self.errors += 1;
        }
    }
}

#[derive(Default)]
struct Outcomes {
    booked: Vec<String>,
    rejected: u64,
    cancelled: Vec<String>,
}

/// Stores `count` past reservations of `restaurant` (two hours apart on each
/// of its tables, all before today), straight into the database.
async fn store_past_reservations(
    database_url: &str,
    restaurant: &str,
    count: u64,
) -> Result<(), String> {
    let db = Db::connect(Some(database_url)).await.map_err(|e| e.to_string())?;
    let tables = {
        let mut conn = db.reader().acquire().await.map_err(|e| e.to_string())?;
        store::tables::load(&mut conn, restaurant, false).await.map_err(|e| e.to_string())?
    };
    let now = chrono::Utc::now();
    let started = Instant::now();
    let per_table = tables.len() as u64;
    let mut n = 0u64;
    while n < count {
        let mut writer = db.write_connection().await.map_err(|e| e.to_string())?;
        let mut tx = db.begin(&mut writer).await.map_err(|e| e.to_string())?;
        for _ in 0..5_000.min(count - n) {
            let table = tables[(n % per_table) as usize].id.as_str();
            let start = now
                - chrono::Duration::days(1)
                - chrono::Duration::hours(2 * (n / per_table) as i64);
            let end = start + chrono::Duration::minutes(90);
            let id = format!("past-{n}");
            let row = store::reservations::NewRow {
                id: &id,
                restaurant_id: restaurant,
                party_size: 2,
                start,
                end,
                hold_until: end,
                name: "Past Guest",
                phone: "0612345678",
                email: None,
                notes: "",
                code_hash: "x",
                now: start.timestamp(),
            };
            store::reservations::insert_completed(&mut tx, row, &[table])
                .await
                .map_err(|e| e.to_string())?;
            n += 1;
        }
        tx.commit().await.map_err(|e| e.to_string())?;
    }
    if database_url.starts_with("sqlite:") {
        // Fold the bulk load's write-ahead log into the file, as the regular
        // checkpoints of a server that grew its history day by day would have.
        let mut writer = db.write_connection().await.map_err(|e| e.to_string())?;
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut *writer)
            .await
            .map_err(|e| e.to_string())?;
    }
    db.close().await;
    println!(
        "stored {count} past reservations of the restaurant in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The restaurant of the run: 20 tables of 2 to 8 seats, open 12:00–23:00,
/// slots every 30 minutes, reservations of 90 minutes.
async fn create_restaurant(
    client: &reqwest::Client,
    base: &str,
    seed: u64,
) -> Result<String, String> {
    let mut rng = Rng::new(seed);
    let tables: Vec<Value> =
        (1..=20).map(|i| json!({"capacity": 2 + rng.below(7), "label": format!("T{i}")})).collect();
    let rules = json!({"slot_minutes": 30, "duration_minutes": 90});
    open_restaurant(client, base, "Bench Bistro", ("12:00", "23:00"), rules, tables).await
}

/// Creates a restaurant in UTC through the API, open every day during
/// `hours`, with the booking rules of `rules` (a JSON object) and `tables`;
/// answers its id.
pub async fn open_restaurant(
    client: &reqwest::Client,
    base: &str,
    name: &str,
    (open, close): (&str, &str),
    rules: Value,
    tables: Vec<Value>,
) -> Result<String, String> {
    let hours: Vec<Value> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .iter()
        .map(|d| json!({"day": d, "open": open, "close": close}))
        .collect();
    let mut restaurant = json!({
        "name": name, "phone": "+33 1 23 45 67 89", "timezone": "UTC", "opening_hours": hours,
    });
    for (field, value) in rules.as_object().into_iter().flatten() {
        restaurant[field] = value.clone();
    }
    let created: Value = client
        .post(format!("{base}/api/v1/restaurants"))
        .json(&restaurant)
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    let id = created["id"].as_str().ok_or("no restaurant id")?.to_string();
    let key = created["owner_key"].as_str().ok_or("no owner key")?;
    let answer = client
        .post(format!("{base}/api/v1/restaurants/{id}/tables"))
        .bearer_auth(key)
        .json(&json!({ "tables": tables }))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if answer.status() != 201 {
        return Err(format!("adding tables answered {}", answer.status()));
    }
    Ok(id)
}

const HOT_TIMES: [&str; 3] = ["19:00", "19:30", "20:00"];

/// A random hot evening in the next four weeks.
fn evening(rng: &mut Rng) -> (String, &'static str) {
    let date = chrono::Utc::now().date_naive() + chrono::Duration::days(1 + rng.below(28) as i64);
    (date.to_string(), HOT_TIMES[rng.below(3) as usize])
}

#[allow(clippy::too_many_arguments)]
async fn diner(
    client: reqwest::Client,
    base: String,
    restaurant: String,
    seed: u64,
    cancel_share: f64,
    stop: Arc<AtomicBool>,
    ops: Arc<Mutex<(Op, Op, Op)>>,
    outcomes: Arc<Mutex<Outcomes>>,
) {
    let mut rng = Rng::new(seed);
    let mut mine: std::collections::VecDeque<(String, String)> = Default::default();
    let mut n = 0u64;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let (date, time) = evening(&mut rng);
        let party = 2 + rng.below(5);
        let started = Instant::now();
        let slots = client
            .get(format!(
                "{base}/api/v1/restaurants/{restaurant}/slots?date={date}&party_size={party}&available=true"
            ))
            .send()
            .await;
        let slots: Option<Value> = match slots {
            Ok(r) if r.status() == 200 => r.json().await.ok(),
            _ => None,
        };
        ops.lock().await.0.record(started, slots.is_some());
        let Some(slots) = slots else { continue };
        let wanted = slots["slots"]
            .as_array()
            .and_then(|all| all.iter().find(|s| s["local_time"] == time))
            .and_then(|s| s["tables"].as_array())
            .and_then(|t| {
                if t.len() == 1 { t[0]["table_id"].as_str().map(String::from) } else { None }
            });
        let Some(table) = wanted else { continue };
        let started = Instant::now();
        let booked = client
            .post(format!("{base}/api/v1/reservations"))
            .json(&json!({
                "restaurant_id": restaurant, "start": format!("{date}T{time}"), "party_size": party,
                "name": format!("Diner {seed}-{n}"), "phone": "+33 6 12 34 56 78", "table_id": table,
            }))
            .send()
            .await;
        let status = booked.as_ref().map(|r| r.status().as_u16()).unwrap_or(0);
        let body: Option<Value> = match booked {
            Ok(r) if status == 201 => r.json().await.ok(),
            _ => None,
        };
        ops.lock().await.1.record(started, status == 201 || status == 409);
        match (status, body) {
            (201, Some(body)) => {
                let id = body["id"].as_str().unwrap_or_default().to_string();
                let code = body["code"].as_str().unwrap_or_default().to_string();
                outcomes.lock().await.booked.push(id.clone());
                mine.push_back((id, code));
            }
            (409, _) => outcomes.lock().await.rejected += 1,
            _ => {}
        }
        if (rng.below(1000) as f64) < cancel_share * 1000.0
            && let Some((id, code)) = mine.pop_front()
        {
            let started = Instant::now();
            let cancelled = client
                .post(format!("{base}/api/v1/reservations/{id}/cancel"))
                .header("X-Reservation-Code", code)
                .send()
                .await;
            let ok = cancelled.is_ok_and(|r| r.status() == 200);
            ops.lock().await.2.record(started, ok);
            if ok {
                outcomes.lock().await.cancelled.push(id);
            }
        }
    }
}

async fn browser(
    client: reqwest::Client,
    base: String,
    restaurant: String,
    seed: u64,
    browse: Browse,
    stop: Arc<AtomicBool>,
    op: Arc<Mutex<Op>>,
) {
    let mut rng = Rng::new(seed);
    let free_only = if browse == Browse::Free { "&available=true" } else { "" };
    while !stop.load(Ordering::Relaxed) {
        let (date, _) = evening(&mut rng);
        let party = 1 + rng.below(8);
        let started = Instant::now();
        let answer = client
            .get(format!(
                "{base}/api/v1/restaurants/{restaurant}/slots?date={date}&party_size={party}{free_only}"
            ))
            .send()
            .await;
        let ok = match answer {
            Ok(r) => r.status() == 200 && r.bytes().await.is_ok(),
            Err(_) => false,
        };
        op.lock().await.record(started, ok);
    }
}

pub fn report(op: &Op, seconds: f64) {
    let h = &op.latency;
    let ms = |v: u64| v as f64 / 1000.0;
    println!(
        "  {:<14} {:>8} req {:>9.0} req/s   p50 {:>7.2} ms  p95 {:>7.2} ms  p99 {:>7.2} ms  max {:>8.2} ms  errors {}",
        op.name,
        h.len(),
        h.len() as f64 / seconds,
        ms(h.value_at_quantile(0.50)),
        ms(h.value_at_quantile(0.95)),
        ms(h.value_at_quantile(0.99)),
        ms(h.max()),
        op.errors
    );
}

/// Bookings per second straight through the service (no HTTP), with the
/// same number of concurrent bookers, on a restaurant of its own.
async fn bare_booking_rate(
    database_url: &str,
    bookers: usize,
    seconds: u64,
) -> Result<f64, String> {
    let db = Db::connect(Some(database_url)).await.map_err(|e| e.to_string())?;
    // A restaurant of its own, read by nothing else: any key will do.
    let key = app::server::secrets::new_server_secret();
    let service = Service::new(db.clone(), app::server::Secrets::from_key(key.as_bytes()));
    let created = service
        .create_restaurant(NewRestaurant {
            name: Some("Bare Transactions".into()),
            phone: Some("+33 1 23 45 67 89".into()),
            opening_hours: Some(
                ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
                    .iter()
                    .map(|d| app::domain::PeriodSpec {
                        day: d.to_string(),
                        open: "00:00".into(),
                        close: "24:00".into(),
                    })
                    .collect(),
            ),
            slot_minutes: Some(15),
            duration_minutes: Some(15),
            max_days_ahead: Some(730),
            ..Default::default()
        })
        .await
        .map_err(|e| e.to_string())?;
    let id = created.restaurant.id.clone();
    service
        .add_tables(
            &id,
            Some(&created.owner_key),
            (0..20).map(|_| NewTable { capacity: Some(4), ..Default::default() }).collect(),
        )
        .await
        .map_err(|e| e.to_string())?;
    let rate = per_second(bookers, seconds, move |b, stop| {
        let (service, id) = (service.clone(), id.clone());
        async move {
            let mut done = 0u64;
            let base = chrono::Utc::now().date_naive() + chrono::Duration::days(1);
            let mut n = 0i64;
            while !stop.load(Ordering::Relaxed) {
                // Each booker walks its own quarter hours: every attempt is a full booking.
                let minutes = (n * bookers as i64 + b as i64) * 15;
                let day = base + chrono::Duration::days(minutes / 1440);
                let at = format!("{day}T{:02}:{:02}", (minutes % 1440) / 60, minutes % 60);
                n += 1;
                let request = NewReservation {
                    restaurant_id: Some(id.clone()),
                    start: Some(at),
                    party_size: Some(2),
                    name: Some("Bare".into()),
                    phone: Some("0612345678".into()),
                    ..Default::default()
                };
                match service.book(request).await {
                    Ok(_) | Err(ServiceError::SlotUnavailable { .. }) => done += 1,
                    Err(_) => {}
                }
            }
            done
        }
    })
    .await;
    db.close().await;
    Ok(rate)
}

/// Runs `workers` copies of a loop for `seconds` (each gets its index and
/// the flag that ends it, and counts what it did); answers the count per
/// second.
async fn per_second<F, Fut>(workers: usize, seconds: u64, work: F) -> f64
where
    F: Fn(usize, Arc<AtomicBool>) -> Fut,
    Fut: std::future::Future<Output = u64> + Send + 'static,
{
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let tasks: Vec<_> = (0..workers).map(|w| tokio::spawn(work(w, stop.clone()))).collect();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut total = 0;
    for task in tasks {
        total += task.await.unwrap_or(0);
    }
    total as f64 / started.elapsed().as_secs_f64()
}

/// Requests per second to an axum handler that answers "ok", with the
/// same client and number of connections as the run.
async fn empty_handler_rate(connections: usize, seconds: u64) -> Result<f64, String> {
    let app = axum::Router::new().route("/", axum::routing::get(|| async { "ok" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
    let base = format!("http://{}", listener.local_addr().map_err(|e| e.to_string())?);
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let client = reqwest::Client::new();
    let rate = per_second(connections, seconds, move |_, stop| {
        let (client, base) = (client.clone(), base.clone());
        async move {
            let mut done = 0u64;
            while !stop.load(Ordering::Relaxed) {
                if let Ok(r) = client.get(&base).send().await
                    && r.bytes().await.is_ok()
                {
                    done += 1;
                }
            }
            done
        }
    })
    .await;
    server.abort();
    Ok(rate)
}

pub async fn check_database(
    database_url: &str,
    booked: &[String],
    cancelled: &[String],
) -> Result<(), String> {
    let db = Db::connect(Some(database_url)).await.map_err(|e| e.to_string())?;
    let mut conn = db.reader().acquire().await.map_err(|e| e.to_string())?;
    let overlaps = reservations::overlapping_holds(&mut conn).await.map_err(|e| e.to_string())?;
    let mut missing = 0;
    for id in booked {
        let found = reservations::status_of(&mut conn, id).await.map_err(|e| e.to_string())?;
        let expected = if cancelled.contains(id) { "cancelled" } else { "confirmed" };
        if found.as_deref() != Some(expected) {
            missing += 1;
        }
    }
    drop(conn);
    println!("checks");
    println!("  tables held twice at overlapping times: {overlaps}");
    println!("  201 answers not stored as answered:     {missing} of {}", booked.len());
    db.close().await;
    if overlaps == 0 && missing == 0 { Ok(()) } else { Err("the database checks failed".into()) }
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    if let Err(err) = run(args).await {
        eprintln!("covers-bench: {err}");
        std::process::exit(1);
    }
}

async fn run(args: Args) -> Result<(), String> {
    let server = server::start(&args).await?;
    if args.scenario == Scenario::Drop {
        return ticket_drop::run(&args, &server).await;
    }
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.diners + args.browsers)
        .build()
        .map_err(|e| e.to_string())?;
    let restaurant = create_restaurant(&client, server.base(), args.seed).await?;
    if args.past > 0 {
        let url =
            server.database_url.as_deref().ok_or("--past needs the database (--database-url)")?;
        store_past_reservations(url, &restaurant, args.past).await?;
    }
    println!(
        "covers-bench: {} diners, {} browsers ({}), {} s, seed {}, against {}{}",
        args.diners,
        args.browsers,
        if args.browse == Browse::Free { "free tables" } else { "all tables" },
        args.duration,
        args.seed,
        server.base(),
        server
            .database_url
            .as_deref()
            .map(|u| format!(" ({})", u.split('@').next_back().unwrap_or(u)))
            .unwrap_or_default()
    );
    let stop = Arc::new(AtomicBool::new(false));
    let diner_ops =
        Arc::new(Mutex::new((Op::new("availability"), Op::new("book"), Op::new("cancel"))));
    let browser_op = Arc::new(Mutex::new(Op::new("browse")));
    let outcomes = Arc::new(Mutex::new(Outcomes::default()));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for d in 0..args.diners {
        tasks.push(tokio::spawn(diner(
            client.clone(),
            server.base().to_string(),
            restaurant.clone(),
            args.seed.wrapping_add(d as u64 * 7919),
            args.cancel_share,
            stop.clone(),
            diner_ops.clone(),
            outcomes.clone(),
        )));
    }
    for b in 0..args.browsers {
        tasks.push(tokio::spawn(browser(
            client.clone(),
            server.base().to_string(),
            restaurant.clone(),
            args.seed.wrapping_add(1_000_003 + b as u64 * 104_729),
            args.browse,
            stop.clone(),
            browser_op.clone(),
        )));
    }
    tokio::time::sleep(Duration::from_secs(args.duration)).await;
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        let _ = task.await;
    }
    let seconds = started.elapsed().as_secs_f64();
    let (availability, book, cancel) = &*diner_ops.lock().await;
    let browse = &*browser_op.lock().await;
    let outcomes = outcomes.lock().await;
    let total = availability.latency.len()
        + book.latency.len()
        + cancel.latency.len()
        + browse.latency.len();
    println!("results over {seconds:.1} s");
    println!("  all requests   {total:>8} req {:>9.0} req/s", total as f64 / seconds);
    for op in [availability, book, cancel, browse] {
        report(op, seconds);
    }
    println!(
        "  bookings: {} made, {} rejected (slot taken), {} cancelled; errors: {}",
        outcomes.booked.len(),
        outcomes.rejected,
        outcomes.cancelled.len(),
        availability.errors + book.errors + cancel.errors + browse.errors
    );
    let booking_rate = book.latency.len() as f64 / seconds;
    let checked = match &server.database_url {
        Some(url) => check_database(url, &outcomes.booked, &outcomes.cancelled).await,
        None => {
            println!("checks: skipped (give --database-url to check the database of --url)");
            Ok(())
        }
    };
    if args.limit_seconds > 0 {
        println!("limits on this machine");
        if let Some(url) = &server.database_url {
            let bare = bare_booking_rate(url, args.diners, args.limit_seconds).await?;
            println!("  bare booking transaction (no HTTP): {bare:>9.0} bookings/s");
            println!(
                "  Covers' booking requests in the run: {booking_rate:>9.0} /s = {:.0}% of the bare rate (while also serving availability)",
                100.0 * booking_rate / bare
            );
        }
        let empty = empty_handler_rate(args.diners + args.browsers, args.limit_seconds).await?;
        println!("  empty axum handler:                 {empty:>9.0} req/s");
    }
    checked
}
