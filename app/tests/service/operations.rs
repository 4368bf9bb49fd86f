//! The service against a real SQLite file: set-up, slots, booking,
//! cancelling, privacy, and the database's own double-booking guard.

use app::model::{NewReservation, NewRestaurant, NewTable, Status, TableChanges};
use app::server::ServiceError;
use app::server::service::{Caller, SlotView};
use testkit::{TestDb, booking, fields, party_of, ymd};

#[tokio::test]
async fn creating_a_restaurant_validates_every_field_and_writes_nothing_on_error() {
    let t = TestDb::new().await;
    let err = t
        .service
        .create_restaurant(NewRestaurant {
            phone: Some("12".into()),
            timezone: Some("Mars/Base".into()),
            opening_hours: Some(vec![app::domain::PeriodSpec {
                day: "mon".into(),
                open: "25:00".into(),
                close: "22:00".into(),
            }]),
            slot_minutes: Some(0),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(fields(err), ["name", "opening_hours", "phone", "slot_minutes", "timezone"]);
    assert_eq!(t.count("restaurants").await, 0);

    let (created, _) = t.restaurant(&[]).await;
    assert!(created.owner_key.starts_with("ck_"));
    let r = &created.restaurant;
    assert_eq!((r.timezone.as_str(), r.slot_minutes, r.duration_minutes), ("UTC", 60, 60));
    assert_eq!(r.opening_hours.len(), 7, "default: every day 12:00–22:00");
    let stored: String = sqlx::query_scalar("SELECT owner_key_hash FROM restaurants")
        .fetch_one(t.db.reader())
        .await
        .unwrap();
    assert_ne!(stored, created.owner_key, "the owner key is stored hashed");
}

#[tokio::test]
async fn tables_are_added_all_or_nothing_by_the_owner_only() {
    let t = TestDb::new().await;
    let (created, tables) = t.restaurant(&[2, 4]).await;
    let id = &created.restaurant.id;
    assert_eq!(tables.iter().map(|t| t.label.as_str()).collect::<Vec<_>>(), ["T1", "T2"]);

    let bad = vec![
        NewTable { capacity: Some(6), label: None, ..Default::default() },
        NewTable { capacity: Some(25), label: Some("t1".into()), ..Default::default() },
    ];
    let err = t.service.add_tables(id, Some(&created.owner_key), bad).await.unwrap_err();
    assert_eq!(fields(err), ["tables[1].capacity", "tables[1].label"]);
    assert_eq!(t.count("tables").await, 2, "nothing written");

    let err = t
        .service
        .add_tables(
            id,
            None,
            vec![NewTable { capacity: Some(2), label: None, ..Default::default() }],
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::Unauthorized));
    let (other, _) = t.restaurant(&[]).await;
    let err = t
        .service
        .add_tables(
            id,
            Some(&other.owner_key),
            vec![NewTable { capacity: Some(2), label: None, ..Default::default() }],
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::Forbidden));

    let table = t
        .service
        .update_table(
            id,
            &tables[0].id,
            Some(&created.owner_key),
            TableChanges { capacity: Some(3), label: Some("Window".into()), ..Default::default() },
        )
        .await
        .unwrap();
    assert_eq!((table.label.as_str(), table.capacity), ("Window", 3));
    t.service.remove_table(id, &tables[1].id, Some(&created.owner_key)).await.unwrap();
    let restaurant = t.service.restaurant(id).await.unwrap();
    assert_eq!(restaurant.tables.unwrap().len(), 1, "a removed table is no longer offered");
    assert_eq!(t.count("tables").await, 2, "but it is kept");
}

#[tokio::test]
async fn slots_list_every_table_and_the_available_ones_for_a_party() {
    let t = TestDb::new().await;
    let (created, tables) = t.restaurant(&[2, 4]).await;
    let id = &created.restaurant.id;
    let day = t.service.slots(id, ymd("2026-12-04"), SlotView::Tables(None)).await.unwrap();
    assert_eq!(day.slots.len(), 10);
    assert_eq!(day.slots[0].local_time, "12:00");
    assert_eq!(day.slots[0].start.to_rfc3339(), "2026-12-04T12:00:00+00:00");
    assert!(day.slots.iter().all(|s| s.tables.len() == 2 && s.tables.iter().all(|t| t.available)));

    t.service.book(booking(id, "2026-12-04T19:00", 2)).await.unwrap();
    let day = t.service.slots(id, ymd("2026-12-04"), SlotView::Tables(None)).await.unwrap();
    let seven = day.slots.iter().find(|s| s.local_time == "19:00").unwrap();
    assert_eq!(seven.tables.iter().map(|t| t.available).collect::<Vec<_>>(), [false, true]);

    let for_four =
        t.service.slots(id, ymd("2026-12-04"), SlotView::Seatable(party_of(4))).await.unwrap();
    assert_eq!(for_four.slots.len(), 10);
    assert!(
        for_four.slots.iter().all(|s| s.tables.len() == 1 && s.tables[0].table_id == tables[1].id)
    );
    // Now the 4-top is the only table left at 19:00: a second couple gets it,
    // and a third party of two finds 19:00 gone.
    t.service.book(booking(id, "2026-12-04T19:00", 2)).await.unwrap();
    let for_two =
        t.service.slots(id, ymd("2026-12-04"), SlotView::Seatable(party_of(2))).await.unwrap();
    assert!(!for_two.slots.iter().any(|s| s.local_time == "19:00"));
    assert_eq!(for_two.slots.len(), 9);
    // Too large a party: no slots at all.
    assert!(
        t.service
            .slots(id, ymd("2026-12-04"), SlotView::Seatable(party_of(5)))
            .await
            .unwrap()
            .slots
            .is_empty()
    );
    // Past dates have slots but none is available.
    let past = t.service.slots(id, ymd("2026-11-30"), SlotView::Tables(None)).await.unwrap();
    assert!(past.slots.iter().all(|s| s.tables.iter().all(|t| !t.available)));
    assert!(matches!(
        app::domain::limits::parse_date("04/12/2026"),
        Err(app::domain::ParseError(_))
    ));
    assert!(matches!(
        t.service.slots("nope", ymd("2026-12-04"), SlotView::Tables(None)).await,
        Err(ServiceError::NotFound(_))
    ));
}

#[tokio::test]
async fn booking_assigns_the_smallest_table_and_refuses_a_taken_slot_with_alternatives() {
    let t = TestDb::new().await;
    let (created, tables) = t.restaurant(&[4, 2]).await;
    let id = &created.restaurant.id;
    let first = t.service.book(booking(id, "2026-12-04T19:00", 2)).await.unwrap();
    assert_eq!(first.status, Status::Confirmed);
    assert_eq!(first.tables[0].id, tables[1].id, "the 2-top, not the 4-top");
    assert_eq!(first.end.to_rfc3339(), "2026-12-04T20:00:00+00:00");
    let code = first.code.clone().expect("the code is shown on creation");
    assert_eq!(code.len(), 10);
    // The answer to the booking is exactly what is stored.
    let stored =
        t.service.reservation(&first.id, &Caller::Diner { code: code.clone() }).await.unwrap();
    assert_eq!(stored, app::model::Reservation { code: None, ..first.clone() });

    let second = t.service.book(booking(id, "2026-12-04T19:00", 2)).await.unwrap();
    assert_eq!(second.tables[0].id, tables[0].id);
    match t.service.book(booking(id, "2026-12-04T19:00", 2)).await.unwrap_err() {
        ServiceError::SlotUnavailable { alternatives, .. } => {
            let times: Vec<String> =
                alternatives.iter().map(|a| a.format("%H:%M").to_string()).collect();
            assert_eq!(times, ["17:00", "18:00", "20:00"], "the nearest free times, in order");
        }
        other => panic!("expected SlotUnavailable, got {other:?}"),
    }
    assert_eq!(t.count("reservations").await, 2, "a refused booking writes nothing");

    // Asking for a particular table.
    let mut wanted = booking(id, "2026-12-04T20:00", 2);
    wanted.table_id = Some(tables[0].id.clone());
    assert_eq!(t.service.book(wanted.clone()).await.unwrap().tables[0].id, tables[0].id);
    assert!(matches!(t.service.book(wanted).await, Err(ServiceError::SlotUnavailable { .. })));
    let mut too_small = booking(id, "2026-12-04T21:00", 3);
    too_small.table_id = Some(tables[1].id.clone());
    assert_eq!(fields(t.service.book(too_small).await.unwrap_err()), ["table_id"]);
}

#[tokio::test]
async fn bad_bookings_name_the_field_and_write_nothing() {
    let t = TestDb::new().await;
    let (created, _) = t.restaurant(&[2]).await;
    let id = &created.restaurant.id;
    let err = t
        .service
        .book(NewReservation { restaurant_id: Some(id.clone()), ..Default::default() })
        .await
        .unwrap_err();
    assert_eq!(fields(err), ["name", "party_size", "phone", "start"]);
    for (start, why) in [
        ("2026-12-04T19:30", "not on the grid"),
        ("2026-12-04T23:00", "after closing"),
        ("2026-12-04T21:30", "would end after closing"),
        ("2026-11-30T19:00", "in the past"),
        ("2026-12-01T09:00", "before opening today"),
        ("2027-06-01T19:00", "beyond the booking window"),
        ("tonight", "not a time"),
    ] {
        let err = t.service.book(booking(id, start, 2)).await.unwrap_err();
        assert_eq!(fields(err), ["start"], "{why}");
    }
    assert_eq!(
        fields(t.service.book(booking(id, "2026-12-04T19:00", 3)).await.unwrap_err()),
        ["party_size"]
    );
    assert!(matches!(
        t.service.book(booking("no-such-id", "2026-12-04T19:00", 2)).await,
        Err(ServiceError::NotFound(_))
    ));
    // RFC 3339 with an offset names the same instant.
    t.service.book(booking(id, "2026-12-04T20:00:00+01:00", 2)).await.unwrap();
    assert_eq!(t.count("reservations").await, 1);
}

#[tokio::test]
async fn a_reservation_is_seen_and_cancelled_only_with_its_code_or_the_owner_key() {
    let t = TestDb::new().await;
    let (created, _) = t.restaurant(&[2]).await;
    let id = &created.restaurant.id;
    let booked = t.service.book(booking(id, "2026-12-04T19:00", 2)).await.unwrap();
    let code = booked.code.clone().unwrap();
    let diner = Caller::Diner { code: code.to_lowercase() };
    let seen = t.service.reservation(&booked.id, &diner).await.unwrap();
    assert_eq!(seen.name, "Ada Lovelace");
    assert_eq!(seen.code, None, "the code is not shown again");
    let owner = Caller::Owner { key: created.owner_key.clone() };
    assert!(t.service.reservation(&booked.id, &owner).await.is_ok());
    let wrong = Caller::Diner { code: "0000000000".into() };
    assert!(matches!(
        t.service.reservation(&booked.id, &wrong).await,
        Err(ServiceError::NotFound(_))
    ));
    assert!(matches!(
        t.service.cancel(&booked.id, &wrong, None).await,
        Err(ServiceError::NotFound(_))
    ));

    let cancelled = t.service.cancel(&booked.id, &diner, Some("plans changed")).await.unwrap();
    assert_eq!(cancelled.status, Status::Cancelled);
    assert_eq!(cancelled.cancelled_by.as_deref(), Some("diner"));
    assert_eq!(cancelled.cancel_reason.as_deref(), Some("plans changed"));
    let again = t.service.cancel(&booked.id, &diner, None).await.unwrap();
    assert_eq!(again.status, Status::Cancelled);
    assert_eq!(again.cancelled_at, cancelled.cancelled_at, "cancelling twice changes nothing");
    // The table is free again.
    t.service.book(booking(id, "2026-12-04T19:00", 2)).await.unwrap();
}

#[tokio::test]
async fn the_owner_sees_the_days_reservations() {
    let t = TestDb::new().await;
    let (created, _) = t.restaurant(&[2, 2]).await;
    let id = &created.restaurant.id;
    t.service.book(booking(id, "2026-12-04T20:00", 2)).await.unwrap();
    t.service.book(booking(id, "2026-12-04T12:00", 1)).await.unwrap();
    t.service.book(booking(id, "2026-12-05T12:00", 2)).await.unwrap();
    let day =
        t.service.day_reservations(id, Some(&created.owner_key), ymd("2026-12-04")).await.unwrap();
    assert_eq!(
        day.iter().map(|r| r.start.format("%H:%M").to_string()).collect::<Vec<_>>(),
        ["12:00", "20:00"]
    );
    assert!(matches!(
        t.service.day_reservations(id, None, ymd("2026-12-04")).await,
        Err(ServiceError::Unauthorized)
    ));
}

#[tokio::test]
async fn fifty_concurrent_bookings_of_one_table_yield_one_reservation() {
    let t = TestDb::new().await;
    let (created, tables) = t.restaurant(&[4]).await;
    let id = created.restaurant.id.clone();
    let mut tasks = Vec::new();
    for i in 0..50 {
        let service = t.service.clone();
        let mut request = booking(&id, "2026-12-04T19:00", 2);
        request.name = Some(format!("Diner {i}"));
        request.table_id = Some(tables[0].id.clone());
        tasks.push(tokio::spawn(async move { service.book(request).await }));
    }
    let mut booked = 0;
    let mut conflicts = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => booked += 1,
            Err(ServiceError::SlotUnavailable { .. }) => conflicts += 1,
            Err(other) => panic!("unexpected outcome: {other:?}"),
        }
    }
    assert_eq!((booked, conflicts), (1, 49));
    assert_eq!(t.count("reservations").await, 1);
    assert_eq!(t.count("reservation_tables").await, 1);
}

#[tokio::test]
async fn two_service_instances_on_one_file_cannot_double_book() {
    // Two processes' worth of pools on the same SQLite file.
    let t = TestDb::new().await;
    let (created, tables) = t.restaurant(&[4]).await;
    let other_db = app::server::Db::connect(Some(&t.url())).await.unwrap();
    let other = app::server::Service::new(other_db, testkit::secrets())
        .with_clock(std::sync::Arc::new(testkit::now));
    let mut tasks = Vec::new();
    for i in 0..20 {
        let service = if i % 2 == 0 { t.service.clone() } else { other.clone() };
        let request = booking(&created.restaurant.id, "2026-12-04T19:00", 2);
        tasks.push(tokio::spawn(async move { service.book(request).await }));
    }
    let outcomes: Vec<_> = futures_outcomes(tasks).await;
    assert_eq!(outcomes.iter().filter(|ok| **ok).count(), 1);
    let held: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM reservation_tables WHERE table_id = $1 AND active = 1",
    )
    .bind(&tables[0].id)
    .fetch_one(t.db.reader())
    .await
    .unwrap();
    assert_eq!(held, 1);
}

#[tokio::test]
async fn a_server_sees_at_once_what_another_changed_in_a_restaurant_and_its_tables() {
    // Two servers on one database; the first keeps the restaurant and its
    // tables in memory once it has listed slots.
    let t = TestDb::new().await;
    let (created, tables) = t.restaurant(&[2]).await;
    let (id, key) = (&created.restaurant.id, Some(created.owner_key.as_str()));
    let other_db = app::server::Db::connect(Some(&t.url())).await.unwrap();
    let other = app::server::Service::new(other_db, testkit::secrets())
        .with_clock(std::sync::Arc::new(testkit::now));
    let first = &t.service;
    let times = |day: app::model::DaySlots| {
        day.slots.iter().map(|s| s.local_time.clone()).collect::<Vec<_>>()
    };
    assert!(
        times(first.slots(id, ymd("2026-12-04"), SlotView::Seatable(party_of(4))).await.unwrap())
            .is_empty()
    );

    // A table added over there is offered and given out here.
    let added =
        other.add_tables(id, key, vec![testkit::table(4, "Big", None, false)]).await.unwrap();
    let for_four =
        first.slots(id, ymd("2026-12-04"), SlotView::Seatable(party_of(4))).await.unwrap();
    assert_eq!(for_four.slots.len(), 10);
    assert!(for_four.slots.iter().all(|s| s.tables[0].table_id == added[0].id));
    let booked = first.book(booking(id, "2026-12-04T19:00", 4)).await.unwrap();
    assert_eq!(booked.tables[0].id, added[0].id);

    // A table enlarged over there seats the larger party here.
    let changes = TableChanges { capacity: Some(6), ..Default::default() };
    other.update_table(id, &tables[0].id, key, changes).await.unwrap();
    let booked = first.book(booking(id, "2026-12-04T12:00", 6)).await.unwrap();
    assert_eq!(booked.tables[0].id, tables[0].id);

    // A table removed over there is neither listed nor given out here.
    other.remove_table(id, &added[0].id, key).await.unwrap();
    let day = first.slots(id, ymd("2026-12-04"), SlotView::Tables(None)).await.unwrap();
    assert!(day.slots.iter().all(|s| s.tables.len() == 1 && s.tables[0].table_id == tables[0].id));
    let err = first.book(booking(id, "2026-12-04T12:00", 4)).await.unwrap_err();
    assert!(matches!(err, ServiceError::SlotUnavailable { .. }), "{err:?}");

    // A day closed over there has no slots here, and bookings are refused.
    let closed =
        NewRestaurant { closed_dates: Some(vec!["2026-12-05".into()]), ..Default::default() };
    other.update_restaurant(id, key, closed).await.unwrap();
    assert!(
        times(first.slots(id, ymd("2026-12-05"), SlotView::Seatable(party_of(2))).await.unwrap())
            .is_empty()
    );
    assert_eq!(
        fields(first.book(booking(id, "2026-12-05T19:00", 2)).await.unwrap_err()),
        ["start"]
    );

    // Slots every half hour from now on: 19:30, no slot before, is one here.
    assert_eq!(
        fields(first.book(booking(id, "2026-12-06T19:30", 2)).await.unwrap_err()),
        ["start"]
    );
    let half_hourly = NewRestaurant { slot_minutes: Some(30), ..Default::default() };
    other.update_restaurant(id, key, half_hourly).await.unwrap();
    assert!(
        times(first.slots(id, ymd("2026-12-06"), SlotView::Seatable(party_of(2))).await.unwrap())
            .contains(&"19:30".into())
    );
    first.book(booking(id, "2026-12-06T19:30", 2)).await.unwrap();
}

async fn futures_outcomes(
    tasks: Vec<tokio::task::JoinHandle<Result<app::model::Reservation, ServiceError>>>,
) -> Vec<bool> {
    let mut out = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => out.push(true),
            Err(ServiceError::SlotUnavailable { .. }) => out.push(false),
            Err(other) => panic!("unexpected outcome: {other:?}"),
        }
    }
    out
}

#[tokio::test]
async fn the_database_refuses_overlapping_holds_whatever_code_writes_them() {
    let t = TestDb::new().await;
    let (created, tables) = t.restaurant(&[4]).await;
    let id = &created.restaurant.id;
    let first = t.service.book(booking(id, "2026-12-04T19:00", 2)).await.unwrap();
    let start: i64 = sqlx::query_scalar("SELECT start_at FROM reservations")
        .fetch_one(t.db.reader())
        .await
        .unwrap();

    // A second reservation row written directly, half an hour later.
    let mut writer = t.db.write_connection().await.unwrap();
    sqlx::query(
        "INSERT INTO reservations (id, restaurant_id, party_size, start_at, end_at, hold_until, name, phone, status, code_hash, created_at, updated_at) \
         VALUES ('manual', $1, 2, $2, $3, $4, 'X', '0123456789', 'confirmed', 'h', 0, 0)",
    )
    .bind(id)
    .bind(start + 1800)
    .bind(start + 5400)
    .bind(start + 5400)
    .execute(&mut *writer)
    .await
    .unwrap();
    let overlap = sqlx::query(
        "INSERT INTO reservation_tables (reservation_id, table_id, restaurant_id, start_at, hold_until, active) VALUES ('manual', $1, $2, $3, $4, 1)",
    )
    .bind(&tables[0].id)
    .bind(id)
    .bind(start + 1800)
    .bind(start + 5400)
    .execute(&mut *writer)
    .await
    .unwrap_err();
    assert!(overlap.to_string().contains("table_already_held"), "{overlap}");

    // A hold that does not match its reservation's time is refused too.
    let mismatch = sqlx::query(
        "INSERT INTO reservation_tables (reservation_id, table_id, restaurant_id, start_at, hold_until, active) VALUES ('manual', $1, $2, $3, $4, 1)",
    )
    .bind(&tables[0].id)
    .bind(id)
    .bind(start + 7200)
    .bind(start + 9000)
    .execute(&mut *writer)
    .await
    .unwrap_err();
    assert!(mismatch.to_string().contains("hold_does_not_match_reservation"), "{mismatch}");

    // Cancel the booking, book the table again, then try to revive the first.
    drop(writer); // the service writes through the same one connection
    let diner = Caller::Diner { code: first.code.clone().unwrap() };
    t.service.cancel(&first.id, &diner, None).await.unwrap();
    t.service.book(booking(id, "2026-12-04T19:00", 2)).await.unwrap();
    let mut writer = t.db.write_connection().await.unwrap();
    let revive = sqlx::query("UPDATE reservations SET status = 'confirmed' WHERE id = $1")
        .bind(&first.id)
        .execute(&mut *writer)
        .await
        .unwrap_err();
    assert!(revive.to_string().contains("table_already_held"), "{revive}");
    // Moving a reservation onto a held time is refused as well.
    let second_id: String = sqlx::query_scalar(
        "SELECT id FROM reservations WHERE status = 'confirmed' AND id <> 'manual'",
    )
    .fetch_one(t.db.reader())
    .await
    .unwrap();
    drop(writer);
    t.service.book(booking(id, "2026-12-04T20:00", 2)).await.unwrap();
    let mut writer = t.db.write_connection().await.unwrap();
    let moved = sqlx::query("UPDATE reservations SET start_at = start_at + 1800, end_at = end_at + 1800, hold_until = hold_until + 1800 WHERE id = $1")
        .bind(&second_id)
        .execute(&mut *writer)
        .await
        .unwrap_err();
    assert!(moved.to_string().contains("table_already_held"), "{moved}");
}

#[tokio::test]
async fn demo_data_fills_an_empty_database_only() {
    let t = TestDb::new().await;
    assert_eq!(app::server::demo::seed_if_empty(&t.service).await.unwrap(), 2);
    assert_eq!(t.count("restaurants").await, 2);
    assert!(t.count("tables").await >= 8);
    assert_eq!(app::server::demo::seed_if_empty(&t.service).await.unwrap(), 0, "never twice");
    assert_eq!(t.count("restaurants").await, 2);
}

#[tokio::test]
async fn the_sqlite_write_ahead_log_is_folded_back_so_it_stops_growing() {
    // On SQLite whatever the test pass (PostgreSQL keeps its own log).
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("covers.db");
    let db = app::server::Db::connect(Some(&format!("sqlite:{}", file.display()))).await.unwrap();
    let service = app::server::Service::new(db, testkit::secrets())
        .with_clock(std::sync::Arc::new(testkit::now));
    let created = service
        .create_restaurant(NewRestaurant {
            name: Some("Chez Test".into()),
            phone: Some("+33 1 23 45 67 89".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let tables = [2, 2, 4, 4, 6, 6].map(|n| NewTable { capacity: Some(n), ..Default::default() });
    service
        .add_tables(&created.restaurant.id, Some(&created.owner_key), tables.to_vec())
        .await
        .unwrap();
    let id = &created.restaurant.id;
    let wal = dir.path().join("covers.db-wal");
    let book_a_week = |week: i64| {
        let service = service.clone();
        let id = id.clone();
        async move {
            for day in 0..7 {
                for hour in 12..21 {
                    let date = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
                        + chrono::Duration::days(week * 7 + day);
                    let start = format!("{date}T{hour}:00");
                    service.book(booking(&id, &start, 2)).await.unwrap();
                }
            }
        }
    };
    book_a_week(0).await;
    let after_one_week = std::fs::metadata(&wal).unwrap().len();
    // Once the log has been folded back (every second), later writes reuse
    // it from its start instead of making it longer.
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    book_a_week(1).await;
    let after_two_weeks = std::fs::metadata(&wal).unwrap().len();
    assert!(
        after_two_weeks < after_one_week * 3 / 2,
        "the log grew from {after_one_week} to {after_two_weeks} bytes"
    );
}

#[tokio::test]
async fn secrets_stored_before_they_were_keyed_are_upgraded_and_keep_working() {
    use sha2::Digest;
    let t = TestDb::new().await;
    let (created, _) = t.restaurant(&[2]).await;
    let id = &created.restaurant.id;
    let booked = t.service.book(booking(id, "2026-12-04T19:00", 2)).await.unwrap();
    let code = booked.code.clone().unwrap();
    let unkeyed = |secret: &str| {
        sha2::Sha256::digest(secret.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    // As an older Covers stored them: the plain SHA-256 of each secret.
    let mut writer = t.db.write_connection().await.unwrap();
    sqlx::query("UPDATE restaurants SET owner_key_hash = $1 WHERE id = $2")
        .bind(unkeyed(&created.owner_key))
        .bind(id)
        .execute(&mut *writer)
        .await
        .unwrap();
    sqlx::query("UPDATE reservations SET code_hash = $1 WHERE id = $2")
        .bind(unkeyed(&code))
        .bind(&booked.id)
        .execute(&mut *writer)
        .await
        .unwrap();

    drop(writer);
    assert_eq!(t.service.upgrade_stored_secrets().await.unwrap(), 2);
    assert_eq!(t.service.upgrade_stored_secrets().await.unwrap(), 0, "once only");
    let stored: String = sqlx::query_scalar("SELECT code_hash FROM reservations WHERE id = $1")
        .bind(&booked.id)
        .fetch_one(t.db.reader())
        .await
        .unwrap();
    assert!(stored.starts_with("hmac:"), "{stored}");
    let as_diner = t.service.reservation(&booked.id, &Caller::Diner { code }).await.unwrap();
    assert_eq!(as_diner.id, booked.id);
    let key = created.owner_key.clone();
    assert!(t.service.reservation(&booked.id, &Caller::Owner { key }).await.is_ok());
}
