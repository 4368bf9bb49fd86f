//! Messages as `covers` sends them: configured by its environment, its
//! delivery worker sends the confirmation of a booking made through the
//! API to a real mail server.

use std::time::{Duration, Instant};

use serde_json::json;
use testkit::smtp::SmtpServer;

use crate::common;
use common::load::{Instance, busy_restaurant, evening_date};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_booking_made_through_the_api_is_confirmed_by_email() {
    let smtp = SmtpServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let database = match std::env::var("COVERS_TEST_POSTGRES") {
        Ok(server) => common::fresh_postgres_database(&server).await,
        Err(_) => format!("sqlite:{}", dir.path().join("covers.db").display()),
    };
    let smtp_url = smtp.url();
    let settings = [
        ("COVERS_SMTP_URL", smtp_url.as_str()),
        ("COVERS_MAIL_FROM", "Covers <covers@example.com>"),
        ("COVERS_PUBLIC_URL", "https://covers.example.com"),
    ];
    let covers = Instance::start_with(&database, dir.path(), "covers", &settings).await;
    let (restaurant, _) = busy_restaurant(&covers.base).await;
    let booked = reqwest::Client::new()
        .post(format!("{}/api/v1/reservations", covers.base))
        .json(&json!({
            "restaurant_id": restaurant, "start": format!("{}T19:00", evening_date()),
            "party_size": 2, "name": "Ada Lovelace", "phone": "+44 20 7946 0958",
            "email": "ada@example.com",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(booked.status(), 201);
    let reservation: serde_json::Value = booked.json().await.unwrap();
    let started = Instant::now();
    while smtp.received().is_empty() {
        assert!(started.elapsed() < Duration::from_secs(20), "no confirmation arrived");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let received = smtp.received();
    // The parts are quoted-printable: lines broken with "=" at the end.
    let mail = String::from_utf8_lossy(&received[0]).replace("=\r\n", "").replace("=\n", "");
    assert!(mail.contains("Subject: Your table at Chez Charge"), "{mail}");
    assert!(mail.contains("To: ada@example.com"), "{mail}");
    // The manage link opens the reservation's page.
    let at = mail.find("https://covers.example.com/manage/").expect("a manage link");
    let path =
        mail[at..].split_whitespace().next().unwrap().replace("https://covers.example.com", "");
    let page = reqwest::get(format!("{}{path}", covers.base)).await.unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains(reservation["id"].as_str().unwrap()), "{page}");
}

/// A mail server that takes connections and never answers: a worker
/// sending to it is stuck mid-delivery. Answers its URL and a receiver
/// told of each connection.
fn silent_mail_server() -> (String, std::sync::mpsc::Receiver<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    let (told, connected) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
            let _ = told.send(());
        }
    });
    (url, connected)
}

/// The database of a test: a fresh PostgreSQL database when the tests have a
/// server, else a SQLite file in `dir`.
async fn database(dir: &std::path::Path) -> String {
    match std::env::var("COVERS_TEST_POSTGRES") {
        Ok(server) => common::fresh_postgres_database(&server).await,
        Err(_) => format!("sqlite:{}", dir.join("covers.db").display()),
    }
}

/// A booking with an e-mail address through the API of `base`; answers its status.
async fn book(base: &str, restaurant: &str, time: &str, email: &str) -> u16 {
    reqwest::Client::new()
        .post(format!("{base}/api/v1/reservations"))
        .json(&json!({
            "restaurant_id": restaurant, "start": format!("{}T{time}", evening_date()),
            "party_size": 2, "name": "Ada Lovelace", "phone": "+44 20 7946 0958", "email": email,
        }))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// A message's status, attempts and last error, read from the database.
async fn message_state(db: &app::server::Db) -> (String, i64, Option<String>) {
    sqlx::query_as("SELECT status, attempts, last_error FROM messages WHERE kind = 'confirmation'")
        .fetch_one(db.reader())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_an_instance_was_sending_when_it_was_killed_goes_out_after_its_restart() {
    let dir = tempfile::tempdir().unwrap();
    let url = database(dir.path()).await;
    let (silent, connected) = silent_mail_server();
    // A short lease, so that the test need not wait two minutes for it.
    let timing = [("COVERS_DELIVERY_LEASE", "12"), ("COVERS_DELIVERY_RETRY", "1")];
    let mail = |smtp: &str| {
        let mut settings = vec![
            ("COVERS_SMTP_URL", smtp.to_string()),
            ("COVERS_MAIL_FROM", "Covers <covers@example.com>".to_string()),
        ];
        settings.extend(timing.iter().map(|(k, v)| (*k, v.to_string())));
        settings
    };
    let settings = mail(&silent);
    let settings: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut covers = Instance::start_with(&url, dir.path(), "first", &settings).await;
    let (restaurant, _) = busy_restaurant(&covers.base).await;
    // The booking answers at once, whatever the mail server does.
    assert_eq!(book(&covers.base, &restaurant, "19:00", "ada@example.com").await, 201);
    // The worker took the confirmation and is talking to the mail server: kill it.
    tokio::task::spawn_blocking(move || connected.recv_timeout(Duration::from_secs(20)))
        .await
        .unwrap()
        .expect("the worker connected to the mail server");
    covers.kill();
    let db = app::server::Db::connect(Some(&url)).await.unwrap();
    assert_eq!(
        message_state(&db).await,
        ("pending".to_string(), 1, None),
        "taken, and killed before it could say what became of it"
    );

    // Restarted with a mail server that answers: once the dead worker's
    // lease runs out, the message goes out.
    let smtp = SmtpServer::start().await;
    let settings = mail(&smtp.url());
    let settings: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let _covers = Instance::start_with(&url, dir.path(), "second", &settings).await;
    let started = Instant::now();
    while smtp.received().is_empty() {
        assert!(started.elapsed() < Duration::from_secs(40), "the confirmation never arrived");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mail = String::from_utf8_lossy(&smtp.received()[0]).to_string();
    assert!(mail.contains("To: ada@example.com"), "{mail}");
    let (status, attempts, _) = message_state(&db).await;
    assert_eq!((status.as_str(), attempts), ("sent", 2));
    assert_eq!(smtp.received().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL; scripts/test.sh runs it"]
async fn two_instances_on_postgresql_send_each_message_once() {
    let server = std::env::var("COVERS_TEST_POSTGRES").expect("a PostgreSQL server's URL");
    let url = common::fresh_postgres_database(&server).await;
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start().await;
    let smtp_url = smtp.url();
    let settings = [
        ("COVERS_SMTP_URL", smtp_url.as_str()),
        ("COVERS_MAIL_FROM", "Covers <covers@example.com>"),
    ];
    let a = Instance::start_with(&url, dir.path(), "a", &settings).await;
    let b = Instance::start_with(&url, dir.path(), "b", &settings).await;
    let (restaurant, _) = busy_restaurant(&a.base).await;
    // Bookings through both instances, each confirmed to its own address.
    let mut booked = Vec::new();
    for (i, time) in ["12:00", "14:00", "16:00", "18:00"].iter().cycle().take(32).enumerate() {
        let base = if i % 2 == 0 { &a.base } else { &b.base };
        let email = format!("guest{i}@example.com");
        if book(base, &restaurant, time, &email).await == 201 {
            booked.push(email);
        }
    }
    assert!(booked.len() >= 20, "most of the evening was booked: {}", booked.len());
    let started = Instant::now();
    while smtp.received().len() < booked.len() {
        assert!(started.elapsed() < Duration::from_secs(60), "not every confirmation arrived");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Both workers share the work; a little longer, to see no message come twice.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let received: Vec<String> =
        smtp.received().iter().map(|m| String::from_utf8_lossy(m).to_string()).collect();
    assert_eq!(received.len(), booked.len(), "each confirmation once");
    for email in &booked {
        let to = format!("To: {email}");
        assert_eq!(received.iter().filter(|m| m.contains(&to)).count(), 1, "{email}");
    }
}
