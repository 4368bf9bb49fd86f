//! SMS through a local server speaking the provider's API: a diner without
//! an e-mail address gets their confirmation by text; a number the
//! provider refuses fails at once, a provider that is down is tried again.

use std::sync::Arc;

use app::server::PublicUrl;
use app::server::delivery::{Delivery, Texter, Transports};
use app::server::store::messages;
use testkit::sms::{ACCOUNT, SmsProvider, TOKEN};
use testkit::{TestDb, booking};

const FROM: &str = "+15005550006";

fn transports(provider: &SmsProvider) -> Transports {
    Transports {
        email: None,
        sms: Some(Texter::new(&provider.url, ACCOUNT, TOKEN, FROM).unwrap()),
        public_url: PublicUrl::new("https://covers.example.com"),
    }
}

#[tokio::test]
async fn a_diner_without_an_address_gets_the_confirmation_by_text() {
    let provider = SmsProvider::start().await;
    let t = TestDb::new().await;
    let (created, _) = t.restaurant(&[2]).await;
    let booked = t.service.book(booking(&created.restaurant.id, "2026-12-04T19:00", 2)).await;
    let booked = booked.unwrap();
    let worker = Delivery::new(t.db.clone(), testkit::secrets(), transports(&provider))
        .with_clock(Arc::new(testkit::now));
    assert_eq!(worker.round().await.unwrap(), 1);
    let texts = provider.texts();
    assert_eq!(texts.len(), 1);
    assert_eq!(texts[0].to, "+442079460958", "the number as typed, without spaces");
    assert_eq!(texts[0].from, FROM);
    let (news, token) = texts[0].body.split_once("https://covers.example.com/manage/").unwrap();
    assert_eq!(
        news,
        "Chez Test: table for 2 people booked, Fri 4 Dec 19:00. See, change or cancel your \
         reservation: "
    );
    assert_eq!(t.service.managed(token).await.unwrap().id, booked.id);
    let mut conn = t.db.reader().acquire().await.unwrap();
    let sent = messages::of_reservation(&mut conn, &booked.id).await.unwrap().remove(0);
    assert_eq!(sent.status, "sent");
    assert_eq!(sent.provider_id.as_deref(), Some("SM00000000000000000000000000000001"));
}

#[tokio::test]
async fn a_refused_number_fails_at_once_and_a_provider_that_is_down_is_tried_again() {
    let provider = SmsProvider::start().await;
    let t = TestDb::new().await;
    let (created, _) = t.restaurant(&[2, 2]).await;
    let id = &created.restaurant.id;
    let refused = t.service.book(booking(id, "2026-12-04T19:00", 2)).await.unwrap();
    let worker = Delivery::new(t.db.clone(), testkit::secrets(), transports(&provider))
        .with_clock(Arc::new(testkit::now));
    provider.refuse_next(400, "The 'To' number is not a valid phone number.");
    assert_eq!(worker.round().await.unwrap(), 1);
    let mut conn = t.db.reader().acquire().await.unwrap();
    let failed = messages::of_reservation(&mut conn, &refused.id).await.unwrap().remove(0);
    drop(conn);
    assert_eq!(failed.status, "failed");
    assert!(failed.last_error.as_deref().unwrap().contains("not a valid phone number"));

    let later = t.service.book(booking(id, "2026-12-04T20:00", 2)).await.unwrap();
    provider.refuse_next(503, "Service Unavailable");
    assert_eq!(worker.round().await.unwrap(), 1);
    let mut conn = t.db.reader().acquire().await.unwrap();
    let waiting = messages::of_reservation(&mut conn, &later.id).await.unwrap().remove(0);
    assert_eq!((waiting.status.as_str(), waiting.attempts), ("pending", 1));
    assert!(provider.texts().is_empty());
}
