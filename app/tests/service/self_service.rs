//! What a diner does alone: through the manage link of their messages (see,
//! say they are coming, change as a new online booking would, cancel), and
//! finding their reservations with a one-time code.

use std::sync::Arc;

use app::model::{NewRestaurant, ReservationChanges, Status};
use app::server::ServiceError;
use app::server::service::Caller;
use testkit::{TestDb, booking};

/// The one-time codes written to the outbox: (channel, recipient, code).
async fn codes_sent(t: &TestDb) -> Vec<(String, String, String)> {
    let rows: Vec<(String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT id, channel, recipient, sealed FROM messages WHERE kind = 'code' ORDER BY id",
    )
    .fetch_all(t.db.reader())
    .await
    .unwrap();
    rows.into_iter()
        .map(|(id, channel, to, sealed)| {
            let code = testkit::secrets().open_for(&id, &sealed.unwrap()).unwrap();
            (channel, to, code)
        })
        .collect()
}

fn link(t: &TestDb, reservation: &app::model::Reservation) -> String {
    t.service.manage_token(&reservation.id, reservation.start.timestamp())
}

#[tokio::test]
async fn a_manage_link_opens_its_own_reservation_until_it_expires() {
    let t = TestDb::new().await;
    let (created, _) = t.restaurant(&[2, 2]).await;
    let id = &created.restaurant.id;
    let mine = t.service.book(booking(id, "2026-12-04T19:00", 2)).await.unwrap();
    let theirs = t.service.book(booking(id, "2026-12-04T19:00", 2)).await.unwrap();
    let token = link(&t, &mine);
    assert_eq!(t.service.managed(&token).await.unwrap().id, mine.id);
    assert!(!token.contains(mine.code.as_deref().unwrap()), "never the code in a link");
    // The link is for that reservation only, and cannot be altered.
    let other = Caller::Link { token: token.clone() };
    assert!(matches!(
        t.service.reservation(&theirs.id, &other).await,
        Err(ServiceError::NotFound(_))
    ));
    let mut altered = token.clone().into_bytes();
    altered[3] ^= 1;
    let altered = String::from_utf8(altered).unwrap();
    assert!(matches!(t.service.managed(&altered).await, Err(ServiceError::NotFound(_))));
    // Two weeks after the reservation's time it opens nothing.
    let later = "2026-12-18T19:00:01Z".parse::<chrono::DateTime<chrono::Utc>>().unwrap();
    let then = t.service.clone().with_clock(Arc::new(move || later));
    assert!(matches!(then.managed(&token).await, Err(ServiceError::NotFound(_))));
}

#[tokio::test]
async fn the_diner_changes_their_reservation_as_a_new_booking_and_keeps_it_if_it_fails() {
    let t = TestDb::new().await;
    let (created, _) = t
        .restaurant_with(
            NewRestaurant { max_party_size: Some(4), ..Default::default() },
            vec![testkit::table(4, "T1", None, false)],
        )
        .await;
    let id = &created.restaurant.id;
    let mine = t.service.book(booking(id, "2026-12-04T19:00", 2)).await.unwrap();
    t.service.book(booking(id, "2026-12-04T21:00", 2)).await.unwrap();
    let by_link = Caller::Link { token: link(&t, &mine) };
    let to = |start: &str, party: i64| ReservationChanges {
        start: Some(start.into()),
        party_size: Some(party),
        table_ids: None,
    };
    // Taken: refused, and the reservation keeps its table and time.
    let taken = t.service.change_reservation(&mine.id, by_link.clone(), to("2026-12-04T21:00", 2));
    assert!(matches!(taken.await, Err(ServiceError::SlotUnavailable { .. })));
    // The online rules hold: no party over the restaurant's online limit.
    let big = t.service.change_reservation(&mine.id, by_link.clone(), to("2026-12-04T19:00", 6));
    assert!(matches!(big.await, Err(ServiceError::Invalid(_))));
    // The diner chooses times and people, not tables.
    let tables = ReservationChanges { table_ids: Some(vec!["x".into()]), ..Default::default() };
    let chosen = t.service.change_reservation(&mine.id, by_link.clone(), tables);
    assert_eq!(testkit::fields(chosen.await.unwrap_err()), ["table_ids"]);
    let kept = t.service.reservation(&mine.id, &by_link).await.unwrap();
    assert_eq!((kept.start, kept.tables.len()), (mine.start, 1));
    // A free time: moved, with a new confirmation of the change.
    let moved = t.service.change_reservation(&mine.id, by_link.clone(), to("2026-12-05T20:00", 3));
    let moved = moved.await.unwrap();
    assert_eq!(moved.start.format("%d %H:%M").to_string(), "05 20:00");
    assert_eq!(moved.party_size, 3);
    let kinds: Vec<String> = sqlx::query_scalar(
        "SELECT kind FROM messages WHERE reservation_id = $1 AND status = 'pending' ORDER BY created_at, id",
    )
    .bind(&mine.id)
    .fetch_all(t.db.reader())
    .await
    .unwrap();
    assert_eq!(kinds, ["confirmation", "change", "reminder"]);
    assert_eq!(testkit::overlapping_holds(&t.db).await, 0);
}

#[tokio::test]
async fn the_diner_says_they_are_coming_and_may_cancel_until_it_starts() {
    let t = TestDb::new().await;
    let (created, _) = t.restaurant(&[2]).await;
    let mine = t.service.book(booking(&created.restaurant.id, "2026-12-04T19:00", 2));
    let mine = mine.await.unwrap();
    let token = link(&t, &mine);
    assert!(mine.diner_confirmed_at.is_none());
    let coming = t.service.confirm_coming(&token).await.unwrap();
    assert!(coming.diner_confirmed_at.is_some());
    // Saying it twice records it once.
    t.service.confirm_coming(&token).await.unwrap();
    let key = Some(created.owner_key.as_str());
    let history = t.service.history(&mine.id, key).await.unwrap();
    let said = history.items.iter().filter(|h| h.change.contains("coming")).count();
    assert_eq!(said, 1);
    let by_link = Caller::Link { token: token.clone() };
    let cancelled = t.service.cancel(&mine.id, &by_link, None).await.unwrap();
    assert_eq!(
        (cancelled.status, cancelled.cancelled_by.as_deref()),
        (Status::Cancelled, Some("diner"))
    );
    assert!(matches!(
        t.service.confirm_coming(&token).await,
        Err(ServiceError::InvalidTransition(_))
    ));
}

#[tokio::test]
async fn a_code_shows_a_contacts_reservations_at_every_restaurant() {
    let t = TestDb::new().await;
    let (first, _) = t.restaurant(&[2]).await;
    let (second, _) = t.restaurant(&[2]).await;
    let mut by_email = booking(&first.restaurant.id, "2026-12-04T19:00", 2);
    by_email.email = Some("Ada@Example.com".into());
    t.service.book(by_email).await.unwrap();
    let mut elsewhere = booking(&second.restaurant.id, "2026-12-05T19:00", 2);
    elsewhere.email = Some("ada@example.com".into());
    elsewhere.phone = Some("+44 (0)20 0000 0000".into());
    t.service.book(elsewhere).await.unwrap();
    // The email however it is written.
    t.service.send_lookup_code(" ADA@example.com ").await.unwrap();
    let sent = codes_sent(&t).await;
    assert_eq!(sent.len(), 1);
    let (channel, to, code) = &sent[0];
    assert_eq!((channel.as_str(), to.as_str()), ("email", "ADA@example.com"));
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let refused = t.service.verify_lookup_code("ada@example.com", wrong).await;
    assert!(matches!(refused, Err(ServiceError::InvalidCode)));
    let found = t.service.verify_lookup_code("ada@example.com", code).await.unwrap();
    let places: Vec<&str> = found.iter().map(|f| f.reservation.restaurant_id.as_str()).collect();
    assert_eq!(places, [first.restaurant.id.as_str(), second.restaurant.id.as_str()]);
    let opened = t.service.managed(&found[1].manage_token).await.unwrap();
    assert_eq!(opened.id, found[1].reservation.id);
    // A code opens once.
    let again = t.service.verify_lookup_code("ada@example.com", code).await;
    assert!(matches!(again, Err(ServiceError::InvalidCode)));
    // By phone: the code goes by SMS, and finds the bookings with that number.
    t.service.send_lookup_code("+44 20 7946 0958").await.unwrap();
    let (channel, to, code) = codes_sent(&t).await.pop().unwrap();
    assert_eq!((channel.as_str(), to.as_str()), ("sms", "+44 20 7946 0958"));
    let found = t.service.verify_lookup_code("+442079460958", &code).await.unwrap();
    assert_eq!(found.len(), 1);
}

#[tokio::test]
async fn nobody_learns_whether_a_contact_booked_and_codes_do_not_last() {
    let t = TestDb::new().await;
    let (created, _) = t.restaurant(&[2]).await;
    t.service.book(booking(&created.restaurant.id, "2026-12-04T19:00", 2)).await.unwrap();
    // No reservation with this contact: the same answer, and nothing sent.
    t.service.send_lookup_code("nobody@example.com").await.unwrap();
    assert!(codes_sent(&t).await.is_empty());
    let nothing = t.service.verify_lookup_code("nobody@example.com", "123456").await;
    assert!(matches!(nothing, Err(ServiceError::InvalidCode)));
    // Five wrong tries void a code, even the right one after them.
    t.service.send_lookup_code("+44 20 7946 0958").await.unwrap();
    let (_, _, code) = codes_sent(&t).await.pop().unwrap();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        let refused = t.service.verify_lookup_code("+44 20 7946 0958", wrong).await;
        assert!(matches!(refused, Err(ServiceError::InvalidCode)));
    }
    let voided = t.service.verify_lookup_code("+44 20 7946 0958", &code).await;
    assert!(matches!(voided, Err(ServiceError::InvalidCode)));
    // A code lives ten minutes.
    t.service.send_lookup_code("+44 20 7946 0958").await.unwrap();
    let (_, _, code) = codes_sent(&t).await.pop().unwrap();
    let later = testkit::now() + chrono::Duration::minutes(11);
    let then = t.service.clone().with_clock(Arc::new(move || later));
    let expired = then.verify_lookup_code("+44 20 7946 0958", &code).await;
    assert!(matches!(expired, Err(ServiceError::InvalidCode)));
    // Five codes a day for one contact, then a wait.
    for _ in 0..3 {
        t.service.send_lookup_code("+44 20 7946 0958").await.unwrap();
    }
    let too_many = t.service.send_lookup_code("+44 20 7946 0958").await;
    assert!(matches!(too_many, Err(ServiceError::TooMany { .. })));
    assert_eq!(
        testkit::fields(t.service.send_lookup_code("not a contact").await.unwrap_err()),
        ["contact"]
    );
}
