//! E-mail through a real SMTP server: the confirmation arrives with its
//! text, HTML and calendar parts; a cancellation cancels the calendar
//! event; a mail server that is down delays a message, never a booking.

use std::sync::{Arc, Mutex};

use app::server::PublicUrl;
use app::server::delivery::{Delivery, Mailer, Transports};
use app::server::service::Caller;
use app::server::store::messages;
use chrono::{DateTime, Duration, Utc};
use mailparse::{MailHeaderMap, ParsedMail};
use testkit::smtp::{SmtpServer, free_port};
use testkit::{TestDb, booking};

const PUBLIC_URL: &str = "https://covers.example.com";

fn transports(smtp_url: &str) -> Transports {
    Transports {
        email: Some(Mailer::new(smtp_url, "Covers <covers@example.com>").unwrap()),
        sms: None,
        public_url: PublicUrl::new(PUBLIC_URL),
    }
}

/// The parts of a message by content type, decoded.
fn parts_of(mail: &ParsedMail) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if mail.subparts.is_empty() {
        out.push((mail.ctype.mimetype.clone(), mail.get_body().unwrap()));
    }
    for part in &mail.subparts {
        out.extend(parts_of(part));
    }
    out
}

fn part<'a>(parts: &'a [(String, String)], mimetype: &str) -> &'a str {
    &parts.iter().find(|(t, _)| t == mimetype).unwrap_or_else(|| panic!("no {mimetype} part")).1
}

#[tokio::test]
async fn the_confirmation_and_the_cancellation_arrive_with_their_calendar_event() {
    let smtp = SmtpServer::start().await;
    let t = TestDb::new().await;
    let (created, _) = t.restaurant(&[2]).await;
    let mut request = booking(&created.restaurant.id, "2026-12-04T19:00", 2);
    request.name = Some("Ada <b>Lovelace</b>".into());
    request.email = Some("ada@example.com".into());
    let booked = t.service.book(request).await.unwrap();
    let worker = Delivery::new(t.db.clone(), testkit::secrets(), transports(&smtp.url()))
        .with_clock(Arc::new(testkit::now));
    assert_eq!(worker.round().await.unwrap(), 1);

    let received = smtp.received();
    assert_eq!(received.len(), 1);
    let mail = mailparse::parse_mail(&received[0]).unwrap();
    assert_eq!(mail.headers.get_first_value("To").unwrap(), "ada@example.com");
    assert_eq!(
        mail.headers.get_first_value("Subject").unwrap(),
        "Your table at Chez Test, Friday 4 December 2026 at 19:00"
    );
    let parts = parts_of(&mail);
    let text = part(&parts, "text/plain");
    assert!(text.contains("Hello Ada <b>Lovelace</b>,"), "{text}");
    assert!(text.contains(
        "Your table for 2 people at Chez Test is booked for Friday 4 December 2026 at 19:00."
    ));
    assert!(text.contains(&format!("Reservation number: {}", booked.id)));
    let html = part(&parts, "text/html");
    // The manage link: a token that opens this reservation, in the address.
    let start = text.find(&format!("{PUBLIC_URL}/manage/")).expect("a manage link");
    let link = text[start..].split_whitespace().next().unwrap();
    let token = link.rsplit('/').next().unwrap();
    assert_eq!(t.service.managed(token).await.unwrap().id, booked.id);
    assert!(html.contains(&format!("href=\"{link}\"")), "{html}");
    assert!(!text.contains(booked.code.as_deref().unwrap()), "the code never travels");
    assert!(html.contains("Hello Ada &lt;b&gt;Lovelace&lt;/b&gt;,"), "{html}");
    assert!(!html.contains("<b>"));
    let calendar = part(&parts, "text/calendar");
    assert!(calendar.contains("METHOD:REQUEST"), "{calendar}");
    assert!(calendar.contains(&format!("UID:{}@covers", booked.id)));
    assert!(calendar.contains("DTSTART:20261204T190000Z"));
    assert!(calendar.contains("STATUS:CONFIRMED"));

    let mut conn = t.db.reader().acquire().await.unwrap();
    let confirmation = &messages::of_reservation(&mut conn, &booked.id).await.unwrap()[0];
    assert_eq!((confirmation.status.as_str(), confirmation.attempts), ("sent", 1));
    assert!(confirmation.sent_at.is_some());
    drop(conn);

    let diner = Caller::Diner { code: booked.code.clone().unwrap() };
    t.service.cancel(&booked.id, &diner, None).await.unwrap();
    assert_eq!(worker.round().await.unwrap(), 1);
    let received = smtp.received();
    assert_eq!(received.len(), 2);
    let mail = mailparse::parse_mail(&received[1]).unwrap();
    assert_eq!(
        mail.headers.get_first_value("Subject").unwrap(),
        "Your reservation at Chez Test is cancelled"
    );
    let parts = parts_of(&mail);
    let calendar = part(&parts, "text/calendar");
    assert!(calendar.contains("METHOD:CANCEL"), "{calendar}");
    assert!(calendar.contains("STATUS:CANCELLED"));
    assert!(calendar.contains(&format!("UID:{}@covers", booked.id)));
}

#[tokio::test]
async fn a_mail_server_that_is_down_delays_the_message_until_it_is_back() {
    let port = free_port();
    let t = TestDb::new().await;
    let (created, _) = t.restaurant(&[2]).await;
    let mut request = booking(&created.restaurant.id, "2026-12-04T19:00", 2);
    request.email = Some("ada@example.com".into());
    // The booking does not wait for the mail server.
    let booked = t.service.book(request).await.unwrap();
    let now: Arc<Mutex<DateTime<Utc>>> = Arc::new(Mutex::new(testkit::now()));
    let clock = now.clone();
    let worker = Delivery::new(
        t.db.clone(),
        testkit::secrets(),
        transports(&format!("smtp://127.0.0.1:{port}")),
    )
    .with_clock(Arc::new(move || *clock.lock().unwrap()));
    assert_eq!(worker.round().await.unwrap(), 1);
    let mut conn = t.db.reader().acquire().await.unwrap();
    let tried = messages::of_reservation(&mut conn, &booked.id).await.unwrap().remove(0);
    drop(conn);
    assert_eq!((tried.status.as_str(), tried.attempts), ("pending", 1));
    assert!(tried.last_error.is_some());
    assert_eq!(tried.due_at, testkit::now().timestamp() + 30, "tried again in 30 seconds");
    assert_eq!(worker.round().await.unwrap(), 0, "not before then");

    let smtp = SmtpServer::on(port).await;
    *now.lock().unwrap() += Duration::seconds(30);
    assert_eq!(worker.round().await.unwrap(), 1);
    assert_eq!(smtp.received().len(), 1);
    let mut conn = t.db.reader().acquire().await.unwrap();
    let sent = messages::of_reservation(&mut conn, &booked.id).await.unwrap().remove(0);
    assert_eq!((sent.status.as_str(), sent.attempts), ("sent", 2));
}
