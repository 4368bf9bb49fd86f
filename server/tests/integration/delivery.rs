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
