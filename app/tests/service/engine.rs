//! The booking engine through the service, on a real SQLite file: joined
//! tables, durations, walk-ins and the hold-back, idempotency, the status
//! lifecycle and its history, owner moves, daylight-saving changes, a busy
//! evening of concurrent bookings, and a property test that listing and
//! booking always agree.

use std::sync::Arc;

use app::domain::DurationRule;
use app::model::{NewRestaurant, NewTable, ReservationChanges, Status, StatusChange};
use app::server::service::SlotView;
use app::server::{Service, ServiceError};
use chrono::Duration;
use testkit::{TestDb, booking, fields, overlapping_holds, party_of, table, ymd};

const DAY: &str = "2026-12-04";

fn status(to: &str) -> StatusChange {
    StatusChange { status: Some(to.into()), reason: None }
}

fn labels(r: &app::model::Reservation) -> Vec<String> {
    r.tables.iter().map(|t| t.label.clone()).collect()
}

/// The most seats held at once (the load only rises where a hold starts).
async fn peak_held_seats(t: &TestDb) -> i64 {
    let peak: Option<i64> = sqlx::query_scalar(
        "SELECT MAX(load) FROM (SELECT (SELECT CAST(SUM(t.capacity) AS BIGINT) FROM reservation_tables h \
         JOIN tables t ON t.id = h.table_id WHERE h.active = 1 \
         AND h.start_at <= p.start_at AND p.start_at < h.hold_until) AS load \
         FROM reservation_tables p WHERE p.active = 1) AS loads",
    )
    .fetch_one(t.db.reader())
    .await
    .unwrap();
    peak.unwrap_or(0)
}

#[tokio::test]
async fn a_party_of_six_sits_at_two_joined_tables() {
    let t = TestDb::new().await;
    let (created, _) = t
        .restaurant_with(
            NewRestaurant::default(),
            vec![
                table(2, "T2", Some("window"), false),
                table(4, "T4", Some("window"), false),
                table(3, "T3", None, false),
            ],
        )
        .await;
    let id = &created.restaurant.id;
    let listed = t.service.slots(id, ymd(DAY), SlotView::Seatable(party_of(6))).await.unwrap();
    assert_eq!(listed.slots.len(), 10, "every slot can seat six on the pushed-together tables");
    let seven = listed.slots.iter().find(|s| s.local_time == "19:00").unwrap();
    let listed_labels: Vec<&str> = seven.tables.iter().map(|t| t.label.as_str()).collect();
    assert_eq!(listed_labels, ["T2", "T4"]);

    let six = t.service.book(booking(id, &format!("{DAY}T19:00"), 6)).await.unwrap();
    assert_eq!(labels(&six), ["T2", "T4"]);
    assert_eq!(t.count("reservation_tables").await, 2, "one hold per table");
    // T2 is taken with the six: a couple gets T3, and the next couple nothing.
    let two = t.service.book(booking(id, &format!("{DAY}T19:00"), 2)).await.unwrap();
    assert_eq!(labels(&two), ["T3"]);
    let full = t.service.book(booking(id, &format!("{DAY}T19:00"), 2)).await.unwrap_err();
    match full {
        ServiceError::SlotUnavailable { alternatives, .. } => assert!(!alternatives.is_empty()),
        other => panic!("expected a conflict, got {other:?}"),
    }
    // Seven is more than any table or group seats.
    let seven = t.service.book(booking(id, &format!("{DAY}T20:00"), 7)).await.unwrap_err();
    assert_eq!(fields(seven), ["party_size"]);
    assert!(
        t.service
            .slots(id, ymd(DAY), SlotView::Seatable(party_of(7)))
            .await
            .unwrap()
            .slots
            .is_empty()
    );
}

#[tokio::test]
async fn durations_follow_the_party_size_and_the_buffer_is_held() {
    let t = TestDb::new().await;
    let rules = NewRestaurant {
        slot_minutes: Some(30),
        duration_minutes: Some(120),
        durations: Some(vec![
            DurationRule { max_party_size: 4, minutes: 90 },
            DurationRule { max_party_size: 2, minutes: 75 },
        ]),
        buffer_minutes: Some(15),
        ..Default::default()
    };
    let (created, _) = t.restaurant_with(rules, vec![table(6, "T1", None, false)]).await;
    let id = &created.restaurant.id;
    assert_eq!(created.restaurant.durations[0].max_party_size, 2, "kept sorted");
    let two = t.service.book(booking(id, &format!("{DAY}T19:00"), 2)).await.unwrap();
    assert_eq!(two.end.format("%H:%M").to_string(), "20:15");
    // Held to 20:30 with the buffer: 20:00 is taken, 20:30 is free.
    let at_eight = t.service.book(booking(id, &format!("{DAY}T20:00"), 2)).await.unwrap_err();
    assert!(matches!(at_eight, ServiceError::SlotUnavailable { .. }));
    let five = t.service.book(booking(id, &format!("{DAY}T20:00"), 5)).await.unwrap_err();
    assert!(matches!(five, ServiceError::SlotUnavailable { .. }));
    // A party of five stays two hours, so 20:00 is its last start before 22:00 closing…
    let for_five =
        t.service.slots(id, ymd(DAY), SlotView::Tables(Some(party_of(5)))).await.unwrap();
    assert_eq!(for_five.slots.last().unwrap().local_time, "20:00");
    // …and a couple's last start is 20:30.
    let for_two = t.service.slots(id, ymd(DAY), SlotView::Tables(Some(party_of(2)))).await.unwrap();
    assert_eq!(for_two.slots.last().unwrap().local_time, "20:30");
    let late = t.service.book(booking(id, &format!("{DAY}T20:30"), 2)).await.unwrap();
    assert_eq!(late.end.format("%H:%M").to_string(), "21:45");

    // Bad durations are refused by field, and nothing changes.
    let bad = t
        .service
        .update_restaurant(
            id,
            Some(&created.owner_key),
            NewRestaurant {
                durations: Some(vec![DurationRule { max_party_size: 2, minutes: 5 }]),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fields(bad), ["durations"]);
    assert_eq!(t.service.restaurant(id).await.unwrap().durations.len(), 2);
}

#[tokio::test]
async fn walk_in_tables_and_the_hold_back_stay_off_online_booking() {
    let t = TestDb::new().await;
    let rules = NewRestaurant { walk_in_seats_percent: Some(50), ..Default::default() };
    let (created, tables) = t
        .restaurant_with(
            rules,
            vec![
                table(4, "A", None, false),
                table(4, "B", None, false),
                table(2, "Bar", None, true),
            ],
        )
        .await;
    let id = &created.restaurant.id;
    let key = Some(created.owner_key.as_str());
    let all = t.service.slots(id, ymd(DAY), SlotView::Tables(None)).await.unwrap();
    assert!(
        all.slots.iter().all(|s| s.tables.iter().all(|t| t.label != "Bar")),
        "a walk-in table is not offered"
    );
    // Eight bookable seats, half kept for walk-ins: one four-top online at a time.
    let first = t.service.book(booking(id, &format!("{DAY}T19:00"), 2)).await.unwrap();
    assert_eq!(labels(&first), ["A"]);
    let second = t.service.book(booking(id, &format!("{DAY}T19:00"), 2)).await.unwrap_err();
    assert!(matches!(second, ServiceError::SlotUnavailable { .. }), "{second:?}");
    let listed = t.service.slots(id, ymd(DAY), SlotView::Seatable(party_of(2))).await.unwrap();
    assert!(!listed.slots.iter().any(|s| s.local_time == "19:00"));
    let mut bar = booking(id, &format!("{DAY}T20:00"), 2);
    bar.table_id = Some(tables[2].id.clone());
    assert_eq!(fields(t.service.book(bar).await.unwrap_err()), ["table_id"]);

    // The owner sees why 19:00 is closed for a couple, and other reasons too.
    let why = t.service.explain_day(id, key, ymd(DAY), party_of(2)).await.unwrap();
    let at = |time: &str| why.slots.iter().find(|s| s.local_time == time).unwrap();
    assert_eq!(at("19:00").reason.as_ref().unwrap().code, "walk_in_hold_back");
    assert!(at("12:00").available);
    assert_eq!(at("12:00").tables[0].label, "A");
    let past = t.service.explain_day(id, key, ymd("2026-11-30"), party_of(2)).await.unwrap();
    assert!(past.slots.iter().all(|s| s.reason.as_ref().unwrap().code == "past"));
    let big = t.service.explain_day(id, key, ymd(DAY), party_of(6)).await.unwrap();
    assert_eq!(big.slots[0].reason.as_ref().unwrap().code, "party_too_large");
    let far = t.service.explain_day(id, key, ymd("2027-06-01"), party_of(2)).await.unwrap();
    assert_eq!(far.slots[0].reason.as_ref().unwrap().code, "beyond_window");
    t.service
        .update_restaurant(
            id,
            key,
            NewRestaurant {
                closed_dates: Some(vec!["2026-12-05".into()]),
                min_notice_minutes: Some(4 * 60),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let closed = t.service.explain_day(id, key, ymd("2026-12-05"), party_of(2)).await.unwrap();
    assert!(closed.slots.iter().all(|s| s.reason.as_ref().unwrap().code == "closed_date"));
    // Now is 10:00 UTC on 1 December: with four hours' notice, 13:00 is too soon, 14:00 is not.
    let today = t.service.explain_day(id, key, ymd("2026-12-01"), party_of(2)).await.unwrap();
    let code = |time: &str| {
        today
            .slots
            .iter()
            .find(|s| s.local_time == time)
            .unwrap()
            .reason
            .as_ref()
            .map(|r| r.code.clone())
    };
    assert_eq!(code("13:00").as_deref(), Some("notice"));
    assert_eq!(code("14:00"), None);
    assert!(matches!(
        t.service.explain_day(id, None, ymd(DAY), party_of(2)).await,
        Err(ServiceError::Unauthorized)
    ));
}

#[tokio::test]
async fn a_retry_with_the_same_idempotency_key_returns_the_same_reservation() {
    let t = TestDb::new().await;
    let (created, _) = t.restaurant(&[4, 4, 4]).await;
    let id = created.restaurant.id.clone();
    let request = booking(&id, &format!("{DAY}T19:00"), 2);
    let (first, replayed) = t.service.book_once(request.clone(), Some("order-1")).await.unwrap();
    assert!(!replayed);
    let (again, replayed) = t.service.book_once(request.clone(), Some("order-1")).await.unwrap();
    assert!(replayed);
    assert_eq!(again.id, first.id);
    assert_eq!(again.code, first.code, "the retry can show the code the first answer had");
    assert_eq!(t.count("reservations").await, 1);

    let mut other = request.clone();
    other.party_size = Some(3);
    let reused = t.service.book_once(other, Some("order-1")).await.unwrap_err();
    assert!(matches!(reused, ServiceError::IdempotencyKeyReused), "{reused:?}");
    assert_eq!(
        fields(t.service.book_once(request.clone(), Some("")).await.unwrap_err()),
        ["idempotency_key"]
    );

    // Retries arriving at once still make one reservation.
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let service = t.service.clone();
        let request = booking(&id, &format!("{DAY}T20:00"), 2);
        tasks.push(tokio::spawn(async move { service.book_once(request, Some("order-2")).await }));
    }
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(task.await.unwrap().unwrap().0.id);
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "every retry got the same reservation");
    assert_eq!(t.count("reservations").await, 2);

    // Keys are kept for a day and more; after two days a key is free again.
    let later = |hours: i64| {
        Service::new(t.db.clone(), testkit::secrets())
            .with_clock(Arc::new(move || testkit::now() + Duration::hours(hours)))
    };
    let (kept, replayed) = later(25).book_once(request.clone(), Some("order-1")).await.unwrap();
    assert!(replayed);
    assert_eq!(kept.id, first.id);
    let (fresh, replayed) = later(49).book_once(request, Some("order-1")).await.unwrap();
    assert!(!replayed);
    assert_ne!(fresh.id, first.id);
}

#[tokio::test]
async fn owners_walk_reservations_through_their_statuses_with_a_history() {
    let t = TestDb::new().await;
    let (created, _) = t.restaurant(&[4]).await;
    let id = &created.restaurant.id;
    let key = Some(created.owner_key.as_str());
    let start = format!("{DAY}T19:00");

    let r = t.service.book(booking(id, &start, 2)).await.unwrap();
    assert_eq!(
        t.service.set_status(&r.id, key, status("seated")).await.unwrap().status,
        Status::Seated
    );
    let done = t.service.set_status(&r.id, key, status("completed")).await.unwrap();
    assert_eq!(done.status, Status::Completed);
    let again = t.service.set_status(&r.id, key, status("completed")).await.unwrap();
    assert_eq!(again.status, Status::Completed, "setting the same status is a no-op");
    let back = t.service.set_status(&r.id, key, status("seated")).await.unwrap_err();
    assert!(matches!(back, ServiceError::InvalidTransition(_)), "{back:?}");
    assert_eq!(
        fields(t.service.set_status(&r.id, key, status("eaten")).await.unwrap_err()),
        ["status"]
    );
    assert!(matches!(
        t.service.set_status(&r.id, None, status("seated")).await,
        Err(ServiceError::Unauthorized)
    ));
    assert!(matches!(
        t.service.set_status(&r.id, Some("ck_wrong"), status("seated")).await,
        Err(ServiceError::NotFound(_))
    ));

    // A completed visit no longer holds its table: it can be booked again.
    let next = t.service.book(booking(id, &start, 2)).await.unwrap();
    // Cancel it as the owner, let someone else take the table, then try to bring it back.
    let cancelled = t
        .service
        .set_status(
            &next.id,
            key,
            StatusChange {
                status: Some("cancelled".into()),
                reason: Some("Kitchen closed".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(cancelled.cancelled_by.as_deref(), Some("owner"));
    assert_eq!(cancelled.cancel_reason.as_deref(), Some("Kitchen closed"));
    let taker = t.service.book(booking(id, &start, 3)).await.unwrap();
    let revive = t.service.set_status(&next.id, key, status("confirmed")).await.unwrap_err();
    assert!(matches!(revive, ServiceError::SlotUnavailable { .. }), "{revive:?}");
    t.service.set_status(&taker.id, key, status("no_show")).await.unwrap();
    let revived = t.service.set_status(&next.id, key, status("confirmed")).await.unwrap();
    assert_eq!(revived.status, Status::Confirmed);
    assert_eq!(revived.cancelled_at, None);
    assert_eq!(overlapping_holds(&t.db).await, 0);
    // The no-show turns up after all: seating them now needs the table back.
    let late = t.service.set_status(&taker.id, key, status("seated")).await.unwrap_err();
    assert!(matches!(late, ServiceError::SlotUnavailable { .. }));

    let history = t.service.history(&next.id, key).await.unwrap();
    let changes: Vec<(String, String)> =
        history.items.iter().map(|e| (e.by.clone(), e.change.clone())).collect();
    assert_eq!(
        changes,
        [
            ("diner".to_string(), "Booked for 2 people at T1".to_string()),
            ("owner".to_string(), "Confirmed → Cancelled: Kitchen closed".to_string()),
            ("owner".to_string(), "Cancelled → Confirmed".to_string()),
        ]
    );
    assert_eq!(history.items[2].status, Some(Status::Confirmed));
    assert!(matches!(t.service.history(&next.id, None).await, Err(ServiceError::Unauthorized)));
}

#[tokio::test]
async fn owners_move_reservations_and_the_guard_still_holds() {
    let t = TestDb::new().await;
    let (created, tables) = t.restaurant(&[2, 4]).await;
    let id = &created.restaurant.id;
    let key = Some(created.owner_key.as_str());
    let r = t.service.book(booking(id, &format!("{DAY}T19:00"), 2)).await.unwrap();
    assert_eq!(labels(&r), ["T1"]);
    let change = |start: Option<&str>, party: Option<i64>, tables: Option<Vec<String>>| {
        ReservationChanges { start: start.map(String::from), party_size: party, table_ids: tables }
    };
    let moved = t
        .service
        .move_reservation(&r.id, key, change(Some(&format!("{DAY}T20:00")), None, None))
        .await
        .unwrap();
    assert_eq!(moved.start.format("%H:%M").to_string(), "20:00");
    assert_eq!(labels(&moved), ["T1"]);
    // Four people now: the engine moves them to the four-top.
    let bigger = t.service.move_reservation(&r.id, key, change(None, Some(4), None)).await.unwrap();
    assert_eq!((bigger.party_size, labels(&bigger)), (4, vec!["T2".to_string()]));
    // Naming a table too small, or a time taken by someone else, is refused.
    let small = t
        .service
        .move_reservation(&r.id, key, change(None, None, Some(vec![tables[0].id.clone()])))
        .await
        .unwrap_err();
    assert_eq!(fields(small), ["table_ids"]);
    t.service.book(booking(id, &format!("{DAY}T21:00"), 3)).await.unwrap();
    let clash = t
        .service
        .move_reservation(&r.id, key, change(Some(&format!("{DAY}T21:00")), None, None))
        .await
        .unwrap_err();
    assert!(matches!(clash, ServiceError::SlotUnavailable { .. }), "{clash:?}");
    let off_grid = t
        .service
        .move_reservation(&r.id, key, change(Some(&format!("{DAY}T20:10")), None, None))
        .await
        .unwrap_err();
    assert_eq!(fields(off_grid), ["start"]);
    let unchanged = t.service.history(&r.id, key).await.unwrap();
    assert_eq!(unchanged.items.len(), 3, "booked, moved, moved again");
    assert!(
        unchanged.items[1]
            .change
            .starts_with("Moved from Fri 4 Dec 19:00, 2 people, T1 to Fri 4 Dec 20:00")
    );
    assert_eq!(overlapping_holds(&t.db).await, 0);
    // A cancelled reservation is brought back before it is moved.
    t.service.set_status(&r.id, key, status("cancelled")).await.unwrap();
    let gone =
        t.service.move_reservation(&r.id, key, change(None, Some(2), None)).await.unwrap_err();
    assert!(matches!(gone, ServiceError::InvalidTransition(_)));
}

/// A restaurant open 00:00–06:00 every day in `tz`, with one table, booking
/// two years ahead, slots every 30 minutes for an hour.
async fn night_owl(t: &TestDb, tz: &str) -> String {
    let hours = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .into_iter()
        .map(|day| app::domain::PeriodSpec {
            day: day.into(),
            open: "00:00".into(),
            close: "06:00".into(),
        })
        .collect();
    let rules = NewRestaurant {
        timezone: Some(tz.into()),
        opening_hours: Some(hours),
        slot_minutes: Some(30),
        max_days_ahead: Some(730),
        ..Default::default()
    };
    t.restaurant_with(rules, vec![table(4, "T1", None, false)]).await.0.restaurant.id
}

#[tokio::test]
async fn the_spring_gap_has_no_slot() {
    let t = TestDb::new().await;
    let id = night_owl(&t, "Europe/Paris").await;
    // 28 March 2027: Paris clocks go from 02:00 to 03:00.
    let day =
        t.service.slots(&id, ymd("2027-03-28"), SlotView::Seatable(party_of(2))).await.unwrap();
    let times: Vec<&str> = day.slots.iter().map(|s| s.local_time.as_str()).collect();
    assert_eq!(
        times,
        ["00:00", "00:30", "01:00", "01:30", "03:00", "03:30", "04:00", "04:30", "05:00"]
    );
    assert_eq!(day.slots[3].start.to_rfc3339(), "2027-03-28T01:30:00+01:00");
    assert_eq!(day.slots[4].start.to_rfc3339(), "2027-03-28T03:00:00+02:00");
    let gap = t.service.book(booking(&id, "2027-03-28T02:30", 2)).await.unwrap_err();
    assert_eq!(fields(gap), ["start"]);
    // An hour from 01:30 winter time ends at 03:30 summer time.
    let r = t.service.book(booking(&id, "2027-03-28T01:30", 2)).await.unwrap();
    assert_eq!(r.end.to_rfc3339(), "2027-03-28T03:30:00+02:00");
    let blocked =
        t.service.slots(&id, ymd("2027-03-28"), SlotView::Seatable(party_of(2))).await.unwrap();
    let left: Vec<&str> = blocked.slots.iter().map(|s| s.local_time.as_str()).collect();
    assert_eq!(left, ["00:00", "00:30", "03:30", "04:00", "04:30", "05:00"]);
}

#[tokio::test]
async fn the_autumn_repeat_is_offered_once_and_never_held_twice() {
    let t = TestDb::new().await;
    let id = night_owl(&t, "America/New_York").await;
    // 7 November 2027: New York clocks go back from 02:00 to 01:00.
    let day =
        t.service.slots(&id, ymd("2027-11-07"), SlotView::Seatable(party_of(2))).await.unwrap();
    let times: Vec<&str> = day.slots.iter().map(|s| s.local_time.as_str()).collect();
    assert_eq!(
        times,
        [
            "00:00", "00:30", "01:00", "01:30", "02:00", "02:30", "03:00", "03:30", "04:00",
            "04:30", "05:00"
        ]
    );
    let one = t.service.book(booking(&id, "2027-11-07T01:00", 2)).await.unwrap();
    assert_eq!(one.start.to_rfc3339(), "2027-11-07T01:00:00-04:00");
    assert_eq!(
        one.end.to_rfc3339(),
        "2027-11-07T01:00:00-05:00",
        "an hour later, after the change"
    );
    // The second 01:00 is not a slot, and 01:30 (the first) overlaps the booking.
    let second = t.service.book(booking(&id, "2027-11-07T01:00:00-05:00", 2)).await.unwrap_err();
    assert_eq!(fields(second), ["start"]);
    let half = t.service.book(booking(&id, "2027-11-07T01:30", 2)).await.unwrap_err();
    assert!(matches!(half, ServiceError::SlotUnavailable { .. }), "{half:?}");
    // Book every slot still offered, one after another: each succeeds, and
    // no two holds overlap.
    for slot in t
        .service
        .slots(&id, ymd("2027-11-07"), SlotView::Seatable(party_of(2)))
        .await
        .unwrap()
        .slots
    {
        let still =
            t.service.slots(&id, ymd("2027-11-07"), SlotView::Seatable(party_of(2))).await.unwrap();
        if still.slots.iter().any(|s| s.start == slot.start) {
            let start = app::model::rfc3339::format(&slot.start);
            t.service.book(booking(&id, &start, 2)).await.unwrap();
        }
    }
    assert_eq!(overlapping_holds(&t.db).await, 0);
    assert!(
        t.service
            .slots(&id, ymd("2027-11-07"), SlotView::Seatable(party_of(2)))
            .await
            .unwrap()
            .slots
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hot_evening_of_mixed_parties_never_holds_a_table_twice() {
    let t = TestDb::new().await;
    let rules = NewRestaurant {
        slot_minutes: Some(30),
        durations: Some(vec![DurationRule { max_party_size: 2, minutes: 90 }]),
        duration_minutes: Some(120),
        walk_in_seats_percent: Some(10),
        ..Default::default()
    };
    let mut room: Vec<NewTable> = Vec::new();
    for i in 1..=4 {
        room.push(table(2, &format!("W{i}"), Some("window"), false));
    }
    for i in 1..=3 {
        room.push(table(4, &format!("M{i}"), Some("main"), false));
    }
    room.push(table(6, "Round", None, false));
    room.push(table(2, "Bar", None, true));
    let (created, _) = t.restaurant_with(rules, room).await;
    let id = created.restaurant.id.clone();
    let mut seed = 7u64;
    let mut next = move |n: u64| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let mut tasks = Vec::new();
    let mut asked = Vec::new();
    for i in 0..80 {
        let party = 1 + next(10) as i64;
        let start =
            ["17:00", "17:30", "18:00", "18:30", "19:00", "19:30", "20:00"][next(7) as usize];
        asked.push((party, start.to_string()));
        let mut request = booking(&id, &format!("{DAY}T{start}"), party);
        request.name = Some(format!("Guest {i}"));
        let service = t.service.clone();
        tasks.push(tokio::spawn(async move { service.book(request).await }));
    }
    let mut booked = Vec::new();
    let mut refused = Vec::new();
    for (task, asked) in tasks.into_iter().zip(asked) {
        match task.await.unwrap() {
            Ok(r) => booked.push(r),
            Err(ServiceError::SlotUnavailable { .. }) => refused.push(asked),
            Err(other) => panic!("unexpected outcome: {other:?}"),
        }
    }
    assert!(!booked.is_empty() && !refused.is_empty(), "the evening filled up");
    // Every refusal was real: nothing was cancelled, so the room is at least
    // as full now, and none of the refused parties can be seated then.
    for (party, start) in &refused {
        let listed =
            t.service.slots(&id, ymd(DAY), SlotView::Seatable(party_of(*party))).await.unwrap();
        assert!(
            !listed.slots.iter().any(|s| &s.local_time == start),
            "a party of {party} was refused at {start}, yet it fits"
        );
    }
    // 26 bookable seats, 10% kept for walk-ins: at most 23 held online.
    assert!(peak_held_seats(&t).await <= 23);
    // Parties larger than any single table sat at tables pushed together.
    assert!(booked.iter().filter(|r| r.party_size > 6).all(|r| r.tables.len() > 1));
    assert_eq!(overlapping_holds(&t.db).await, 0);
    for r in &booked {
        let seats: u32 = r.tables.iter().map(|t| t.capacity as u32).sum();
        assert!(seats >= r.party_size as u32, "{} seats for {}", seats, r.party_size);
        assert!(r.tables.iter().all(|t| t.label != "Bar"));
    }
}

/// Listing and booking agree, whatever the restaurant and the sequence.
mod listing_and_booking_agree {
    use proptest::prelude::*;

    use super::*;

    #[derive(Clone, Debug)]
    struct Scenario {
        tables: Vec<(i64, Option<&'static str>, bool)>,
        slot_minutes: i64,
        short_couples: bool,
        buffer: i64,
        percent: i64,
        steps: Vec<(i64, usize, bool)>,
    }

    fn scenario() -> impl Strategy<Value = Scenario> {
        (
            prop::collection::vec(
                (
                    1i64..=8,
                    prop::sample::select(vec![None, Some("a"), Some("b")]),
                    prop::bool::weighted(0.1),
                ),
                1..=6,
            ),
            prop::sample::select(vec![30i64, 60]),
            any::<bool>(),
            prop::sample::select(vec![0i64, 15]),
            prop::sample::select(vec![0i64, 25]),
            prop::collection::vec((1i64..=9, 0usize..40, prop::bool::weighted(0.15)), 1..=14),
        )
            .prop_map(|(tables, slot_minutes, short_couples, buffer, percent, steps)| {
                Scenario { tables, slot_minutes, short_couples, buffer, percent, steps }
            })
    }

    async fn run(s: Scenario) -> Result<(), TestCaseError> {
        let t = TestDb::new().await;
        let rules = NewRestaurant {
            slot_minutes: Some(s.slot_minutes),
            durations: s
                .short_couples
                .then(|| vec![DurationRule { max_party_size: 2, minutes: 45 }]),
            buffer_minutes: Some(s.buffer),
            walk_in_seats_percent: Some(s.percent),
            ..Default::default()
        };
        let room = s
            .tables
            .iter()
            .enumerate()
            .map(|(i, (seats, group, walk_in))| table(*seats, &format!("T{i}"), *group, *walk_in))
            .collect();
        let (created, tables) = t.restaurant_with(rules, room).await;
        let id = &created.restaurant.id;
        let key = Some(created.owner_key.as_str());
        let mut made: Vec<String> = Vec::new();
        for (party, pick, cancel) in s.steps {
            if cancel && !made.is_empty() {
                let victim = made.remove(pick % made.len());
                t.service.set_status(&victim, key, status("cancelled")).await.unwrap();
                continue;
            }
            let every = t
                .service
                .slots(id, ymd(DAY), SlotView::Tables(Some(party_of(party))))
                .await
                .unwrap();
            if every.slots.is_empty() {
                continue;
            }
            let wanted = &every.slots[pick % every.slots.len()];
            let listed =
                t.service.slots(id, ymd(DAY), SlotView::Seatable(party_of(party))).await.unwrap();
            let offer = listed.slots.iter().find(|l| l.start == wanted.start);
            let start = app::model::rfc3339::format(&wanted.start);
            match (offer, t.service.book(booking(id, &start, party)).await) {
                (Some(offer), Ok(r)) => {
                    let offered: Vec<&str> =
                        offer.tables.iter().map(|t| t.table_id.as_str()).collect();
                    let given: Vec<&str> = r.tables.iter().map(|t| t.id.as_str()).collect();
                    prop_assert_eq!(offered, given, "booking gave the tables the listing showed");
                    made.push(r.id);
                }
                (None, Err(ServiceError::SlotUnavailable { .. })) => {}
                (None, Err(ServiceError::Invalid(f))) if f.0.contains_key("party_size") => {}
                (offer, outcome) => {
                    return Err(TestCaseError::fail(format!(
                        "listed: {}, booking: {outcome:?}",
                        offer.is_some()
                    )));
                }
            }
        }
        // Every reservation fits its tables and the rules.
        prop_assert_eq!(overlapping_holds(&t.db).await, 0);
        for rid in &made {
            let r = t
                .service
                .reservation(
                    rid,
                    &app::server::service::Caller::Owner { key: created.owner_key.clone() },
                )
                .await
                .unwrap();
            let held: Vec<&app::model::Table> =
                r.tables.iter().map(|h| tables.iter().find(|t| t.id == h.id).unwrap()).collect();
            let seats: i64 = held.iter().map(|t| t.capacity as i64).sum();
            prop_assert!(seats >= r.party_size as i64);
            prop_assert!(held.iter().all(|t| !t.walk_in_only), "a walk-in table was booked online");
            if held.len() > 1 {
                prop_assert!(held[0].join_group.is_some());
                prop_assert!(held.iter().all(|t| t.join_group == held[0].join_group));
            }
            let minutes = if s.short_couples && r.party_size <= 2 { 45 } else { 60 };
            prop_assert_eq!((r.end - r.start).num_minutes(), minutes);
        }
        // The hold-back: at every start, online holds stay within the share.
        if s.percent > 0 {
            let bookable: i64 =
                tables.iter().filter(|t| !t.walk_in_only).map(|t| t.capacity as i64).sum();
            let cap = bookable * (100 - s.percent) / 100;
            let peak = peak_held_seats(&t).await;
            prop_assert!(peak <= cap, "{} seats held, {} allowed", peak, cap);
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(40))]

        #[test]
        fn every_listed_slot_is_bookable_and_every_booking_keeps_the_rules(s in scenario()) {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(run(s))?;
        }
    }
}

#[tokio::test]
async fn today_and_the_notice_follow_the_restaurants_clock() {
    // 10:00 UTC on 1 December is 23:00 in Auckland: its 1 December is over,
    // while a restaurant in UTC still has its afternoon.
    let t = TestDb::new().await;
    let auckland =
        NewRestaurant { timezone: Some("Pacific/Auckland".into()), ..Default::default() };
    let (nz, _) = t.restaurant_with(auckland, vec![table(4, "T1", None, false)]).await;
    let (utc, _) =
        t.restaurant_with(NewRestaurant::default(), vec![table(4, "T1", None, false)]).await;
    let open = |day: &app::model::DaySlots| day.slots.len();
    let nz_today = t
        .service
        .slots(&nz.restaurant.id, ymd("2026-12-01"), SlotView::Seatable(party_of(2)))
        .await
        .unwrap();
    let utc_today = t
        .service
        .slots(&utc.restaurant.id, ymd("2026-12-01"), SlotView::Seatable(party_of(2)))
        .await
        .unwrap();
    assert_eq!(open(&nz_today), 0);
    assert_eq!(open(&utc_today), 10, "12:00 to 21:00 are all still ahead");
    // Two and a half hours' notice: 12:00 is too soon, 13:00 is not.
    let notice = NewRestaurant { min_notice_minutes: Some(150), ..Default::default() };
    t.service.update_restaurant(&utc.restaurant.id, Some(&utc.owner_key), notice).await.unwrap();
    let utc_today = t
        .service
        .slots(&utc.restaurant.id, ymd("2026-12-01"), SlotView::Seatable(party_of(2)))
        .await
        .unwrap();
    assert_eq!(utc_today.slots[0].local_time, "13:00");
    // Auckland's tomorrow is bookable from noon, and the booking window
    // counts Auckland days.
    let window = NewRestaurant { max_days_ahead: Some(1), ..Default::default() };
    t.service.update_restaurant(&nz.restaurant.id, Some(&nz.owner_key), window).await.unwrap();
    let tomorrow = t
        .service
        .slots(&nz.restaurant.id, ymd("2026-12-02"), SlotView::Seatable(party_of(2)))
        .await
        .unwrap();
    assert_eq!(tomorrow.slots.first().unwrap().start.to_rfc3339(), "2026-12-02T12:00:00+13:00");
    let beyond = t
        .service
        .slots(&nz.restaurant.id, ymd("2026-12-03"), SlotView::Seatable(party_of(2)))
        .await
        .unwrap();
    assert!(beyond.slots.is_empty(), "two Auckland days ahead is beyond the window");
}
