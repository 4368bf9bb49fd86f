//! The outbox: the messages a booking, a change and a cancellation cause
//! are written in the same transaction, reminders follow the reservation,
//! and the delivery worker records what became of each message.

use std::sync::Arc;

use app::model::{NewRestaurant, ReservationChanges};
use app::server::delivery::{Delivery, Transports};
use app::server::service::Caller;
use app::server::store::messages;
use testkit::{TestDb, booking};

/// A reservation's messages: kind, channel, recipient, status, due (UTC).
async fn messages_of(
    t: &TestDb,
    reservation: &str,
) -> Vec<(String, String, String, String, String)> {
    let mut conn = t.db.reader().acquire().await.unwrap();
    let rows = messages::of_reservation(&mut conn, reservation).await.unwrap();
    rows.into_iter()
        .map(|m| {
            let due = chrono::DateTime::from_timestamp(m.due_at, 0).unwrap();
            (m.kind, m.channel, m.recipient, m.status, due.format("%m-%d %H:%M").to_string())
        })
        .collect()
}

fn row(
    kind: &str,
    channel: &str,
    to: &str,
    status: &str,
    due: &str,
) -> (String, String, String, String, String) {
    (kind.into(), channel.into(), to.into(), status.into(), due.into())
}

const ADA_PHONE: &str = "+44 20 7946 0958";

#[tokio::test]
async fn a_booking_writes_its_confirmation_and_reminders_with_it() {
    let t = TestDb::new().await;
    let (created, _) = t.restaurant(&[2, 4]).await;
    let id = &created.restaurant.id;
    let mut with_email = booking(id, "2026-12-04T19:00", 2);
    with_email.email = Some("ada@example.com".into());
    let booked = t.service.book(with_email).await.unwrap();
    // Now is 1 December 10:00: the confirmation at once, reminders a day before.
    assert_eq!(
        messages_of(&t, &booked.id).await,
        vec![
            row("confirmation", "email", "ada@example.com", "pending", "12-01 10:00"),
            row("reminder", "sms", ADA_PHONE, "pending", "12-03 19:00"),
            row("reminder", "email", "ada@example.com", "pending", "12-03 19:00"),
        ]
    );
    // Without an e-mail address the confirmation goes by SMS.
    let by_phone = t.service.book(booking(id, "2026-12-04T20:00", 2)).await.unwrap();
    assert_eq!(
        messages_of(&t, &by_phone.id).await,
        vec![
            row("confirmation", "sms", ADA_PHONE, "pending", "12-01 10:00"),
            row("reminder", "sms", ADA_PHONE, "pending", "12-03 20:00"),
        ]
    );
    // Too close to its time for a reminder: the confirmation only.
    let tonight = t.service.book(booking(id, "2026-12-01T20:00", 2)).await.unwrap();
    assert_eq!(
        messages_of(&t, &tonight.id).await,
        vec![row("confirmation", "sms", ADA_PHONE, "pending", "12-01 10:00")]
    );
}

#[tokio::test]
async fn a_refused_booking_writes_no_message() {
    let t = TestDb::new().await;
    let (created, _) = t.restaurant(&[2]).await;
    let id = &created.restaurant.id;
    t.service.book(booking(id, "2026-12-04T19:00", 2)).await.unwrap();
    let before = t.count("messages").await;
    assert!(t.service.book(booking(id, "2026-12-04T19:00", 2)).await.is_err());
    assert_eq!(t.count("messages").await, before);
}

#[tokio::test]
async fn a_cancellation_tells_the_diner_and_drops_the_reminder() {
    let t = TestDb::new().await;
    let (created, _) = t.restaurant(&[2]).await;
    let booked = t.service.book(booking(&created.restaurant.id, "2026-12-04T19:00", 2)).await;
    let booked = booked.unwrap();
    let diner = Caller::Diner { code: booked.code.clone().unwrap() };
    t.service.cancel(&booked.id, &diner, None).await.unwrap();
    assert_eq!(
        messages_of(&t, &booked.id).await,
        vec![
            row("confirmation", "sms", ADA_PHONE, "pending", "12-01 10:00"),
            row("reminder", "sms", ADA_PHONE, "dropped", "12-03 19:00"),
            row("cancellation", "sms", ADA_PHONE, "pending", "12-01 10:00"),
        ]
    );
    // Cancelling again changes nothing, and sends nothing.
    t.service.cancel(&booked.id, &diner, None).await.unwrap();
    assert_eq!(messages_of(&t, &booked.id).await.len(), 3);
}

#[tokio::test]
async fn a_new_time_moves_the_reminder_and_new_tables_send_nothing() {
    let t = TestDb::new().await;
    let (created, tables) = t.restaurant(&[2, 2]).await;
    let (id, key) = (&created.restaurant.id, Some(created.owner_key.as_str()));
    let booked = t.service.book(booking(id, "2026-12-04T19:00", 2)).await.unwrap();
    let other = booked.tables[0].id.clone();
    let other = tables.iter().find(|t| t.id != other).unwrap().id.clone();
    let new_table = ReservationChanges { table_ids: Some(vec![other]), ..Default::default() };
    t.service.move_reservation(&booked.id, key, new_table).await.unwrap();
    assert_eq!(messages_of(&t, &booked.id).await.len(), 2, "tables only: nothing to tell");
    let later = ReservationChanges { start: Some("2026-12-05T19:00".into()), ..Default::default() };
    t.service.move_reservation(&booked.id, key, later).await.unwrap();
    assert_eq!(
        messages_of(&t, &booked.id).await,
        vec![
            row("confirmation", "sms", ADA_PHONE, "pending", "12-01 10:00"),
            row("reminder", "sms", ADA_PHONE, "dropped", "12-03 19:00"),
            row("change", "sms", ADA_PHONE, "pending", "12-01 10:00"),
            row("reminder", "sms", ADA_PHONE, "pending", "12-04 19:00"),
        ]
    );
}

#[tokio::test]
async fn a_new_reminder_setting_moves_the_reminders_and_off_drops_them() {
    let t = TestDb::new().await;
    let (created, _) = t.restaurant(&[2]).await;
    let (id, key) = (&created.restaurant.id, Some(created.owner_key.as_str()));
    let booked = t.service.book(booking(id, "2026-12-04T19:00", 2)).await.unwrap();
    let hours =
        |n: Option<i64>| NewRestaurant { reminder_hours_before: Some(n), ..Default::default() };
    let changed = t.service.update_restaurant(id, key, hours(Some(3))).await.unwrap();
    assert_eq!(changed.reminder_hours_before, Some(3));
    let pending = |rows: Vec<(String, String, String, String, String)>| {
        rows.into_iter()
            .filter(|r| r.0 == "reminder" && r.3 == "pending")
            .map(|r| r.4)
            .collect::<Vec<_>>()
    };
    assert_eq!(pending(messages_of(&t, &booked.id).await), ["12-04 16:00"]);
    // Longer than the time left: the reminder that was still to go goes now.
    t.service.update_restaurant(id, key, hours(Some(90))).await.unwrap();
    assert_eq!(pending(messages_of(&t, &booked.id).await), ["12-01 10:00"]);
    // A reservation already reminded is not reminded again.
    let mut writer = t.db.write_connection().await.unwrap();
    sqlx::query(
        "UPDATE messages SET status = 'sent' WHERE reservation_id = $1 AND status = 'pending'",
    )
    .bind(&booked.id)
    .execute(&mut *writer)
    .await
    .unwrap();
    drop(writer);
    t.service.update_restaurant(id, key, hours(Some(2))).await.unwrap();
    assert!(pending(messages_of(&t, &booked.id).await).is_empty());
    let off = t.service.update_restaurant(id, key, hours(None)).await.unwrap();
    assert_eq!(off.reminder_hours_before, None);
    assert!(pending(messages_of(&t, &booked.id).await).is_empty());
    // A booking while reminders are off gets none.
    let quiet = t.service.book(booking(id, "2026-12-05T19:00", 2)).await.unwrap();
    assert_eq!(messages_of(&t, &quiet.id).await.len(), 1, "the confirmation alone");
    let out_of_range = t.service.update_restaurant(id, key, hours(Some(200))).await;
    assert_eq!(testkit::fields(out_of_range.unwrap_err()), ["reminder_hours_before"]);
}

#[tokio::test]
async fn without_a_provider_the_worker_records_why_nothing_was_sent() {
    let t = TestDb::new().await;
    let (created, _) = t.restaurant(&[2]).await;
    let mut request = booking(&created.restaurant.id, "2026-12-04T19:00", 2);
    request.email = Some("ada@example.com".into());
    let booked = t.service.book(request).await.unwrap();
    let worker = Delivery::new(t.db.clone(), testkit::secrets(), Transports::default())
        .with_clock(Arc::new(testkit::now));
    assert_eq!(worker.round().await.unwrap(), 1, "the confirmation is due, the reminders are not");
    assert_eq!(worker.round().await.unwrap(), 0, "a message is taken once");
    let mut conn = t.db.reader().acquire().await.unwrap();
    let sent = messages::of_reservation(&mut conn, &booked.id).await.unwrap();
    let confirmation = &sent[0];
    assert_eq!(confirmation.status, "not_sent");
    assert_eq!(confirmation.last_error.as_deref(), Some("not sent: no mail server configured"));
    assert_eq!(confirmation.attempts, 1);
    assert!(sent[1..].iter().all(|m| m.status == "pending"));
}

/// Two workers on one database (two instances) take different messages:
/// each is taken once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_take_each_message_once() {
    let t = TestDb::new().await;
    let (created, _) = t.restaurant(&[2; 12]).await;
    let id = &created.restaurant.id;
    for hour in 12..22 {
        for _ in 0..3 {
            t.service.book(booking(id, &format!("2026-12-04T{hour}:00"), 2)).await.unwrap();
        }
    }
    let other = app::server::Db::connect(Some(&t.url())).await.unwrap();
    let clock = Arc::new(testkit::now);
    let first = Delivery::new(t.db.clone(), testkit::secrets(), Transports::default())
        .with_clock(clock.clone());
    let second = Delivery::new(other, testkit::secrets(), Transports::default()).with_clock(clock);
    let mut taken = 0;
    loop {
        let (a, b) = tokio::join!(first.round(), second.round());
        let round = a.unwrap() + b.unwrap();
        if round == 0 {
            break;
        }
        taken += round;
    }
    assert_eq!(taken, 30, "thirty confirmations, each taken once");
    let twice: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE attempts > 1")
        .fetch_one(t.db.reader())
        .await
        .unwrap();
    assert_eq!(twice, 0);
}
