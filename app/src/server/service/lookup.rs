//! Finding one's reservations again: a person proves they hold a phone
//! number or an email with a one-time code sent there, then sees the
//! reservations booked with it at every restaurant, each with its manage
//! link. Asking for a code answers the same whether or not the contact has
//! booked; the code goes out (through the outbox) only when it has.

use std::collections::HashMap;

use sqlx::AnyConnection;

use super::{Result, Service};
use crate::domain::Contact;
use crate::model::Reservation;
use crate::server::error::ServiceError;
use crate::server::secrets::new_one_time_code;
use crate::server::store::messages::{self, Channel, Kind, NewMessage};
use crate::server::store::{self, Scope, Turn, lookup, reservations, restaurants};

/// How long a code is good for.
pub const CODE_LIFE_SECS: i64 = 10 * 60;
/// Wrong tries that void a code.
pub const CODE_TRIES: i64 = 5;
/// Codes one contact may be sent in a day.
pub const CODES_PER_DAY: i64 = 5;
/// How far back "recent" reservations go.
const RECENT_SECS: i64 = 30 * 24 * 3600;
/// The most reservations one lookup shows.
const MAX_FOUND: i64 = 50;
const DAY_SECS: i64 = 24 * 3600;

/// A reservation found by its contact, with the token of its manage link.
#[derive(Clone, Debug)]
pub struct Found {
    pub reservation: Reservation,
    pub manage_token: String,
}

fn parse_contact(text: &str) -> Result<Contact> {
    Contact::parse(text).map_err(|e| ServiceError::invalid("contact", e.0))
}

/// What binds a code to its contact in the stored hash.
fn sealed_pair(contact: &str, code: &str) -> String {
    format!("{contact}\0{code}")
}

impl Service {
    /// Sends a one-time code to `contact` when reservations were booked with
    /// it; answers the same either way. At most [`CODES_PER_DAY`] a day.
    pub async fn send_lookup_code(&self, contact: &str) -> Result<()> {
        let contact = parse_contact(contact)?;
        self.write(contact, Self::send_lookup_code_in).await
    }

    async fn send_lookup_code_in(self, turn: Turn, contact: Contact) -> Result<()> {
        let mut writer = store::writer(&self.db, turn).await?;
        let mut tx = store::begin(&self.db, &mut writer, Scope::Unshared).await?;
        let now = self.now().timestamp();
        let key = contact.key();
        lookup::lock_contact(&mut tx, self.db.engine(), &key).await?;
        lookup::forget_codes(&mut tx, now - DAY_SECS).await?;
        let (sent, oldest) = lookup::codes_since(&mut tx, &key, now - DAY_SECS).await?;
        if sent >= CODES_PER_DAY {
            let back = oldest.map_or(DAY_SECS, |t| t + DAY_SECS - now).max(1);
            return Err(ServiceError::TooMany { retry_after_secs: back as u64 });
        }
        // The code is stored (as a keyed hash) whether or not it is sent, so
        // that both answers take the same path.
        let code = new_one_time_code();
        let code_hash = self.secrets.hash(&sealed_pair(&key, &code));
        let code_id = uuid::Uuid::now_v7().to_string();
        let expires = now + CODE_LIFE_SECS;
        lookup::insert_code(&mut tx, &code_id, &key, &code_hash, expires, CODE_TRIES, now).await?;
        let email = matches!(contact, Contact::Email(_));
        if lookup::has_reservations(&mut tx, &key, email, now - RECENT_SECS).await? {
            let id = uuid::Uuid::now_v7().to_string();
            let sealed = self.secrets.seal_for(&id, &code);
            let message = NewMessage {
                id: &id,
                restaurant_id: None,
                reservation_id: None,
                kind: Kind::Code,
                channel: if email { Channel::Email } else { Channel::Sms },
                recipient: contact.address(),
                sealed: Some(&sealed),
                due_at: now,
                now,
            };
            messages::enqueue(&mut tx, message).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The reservations booked with `contact`, upcoming and of the last 30
    /// days, when `code` is its newest code, unused and in time. A wrong
    /// code spends one of its tries.
    pub async fn verify_lookup_code(&self, contact: &str, code: &str) -> Result<Vec<Found>> {
        let contact = parse_contact(contact)?;
        let code: String = code.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ServiceError::invalid("code", "enter the 6 digits of the code"));
        }
        self.write((contact, code), Self::verify_lookup_code_in).await
    }

    async fn verify_lookup_code_in(
        self,
        turn: Turn,
        (contact, code): (Contact, String),
    ) -> Result<Vec<Found>> {
        let mut writer = store::writer(&self.db, turn).await?;
        let mut tx = store::begin(&self.db, &mut writer, Scope::Unshared).await?;
        let now = self.now().timestamp();
        let key = contact.key();
        let Some(live) = lookup::take_try(&mut tx, &key, now).await? else {
            return Err(ServiceError::InvalidCode);
        };
        if !self.secrets.matches(&sealed_pair(&key, &code), &live.code_hash) {
            tx.commit().await?;
            return Err(ServiceError::InvalidCode);
        }
        lookup::use_code(&mut tx, &live.id, now).await?;
        tx.commit().await?;
        let mut conn = self.db.reader().acquire().await?;
        self.found(&mut conn, &contact).await
    }

    /// The reservations booked with `contact` (which the caller proved the
    /// person holds: the pages keep that proof in a signed cookie).
    pub async fn reservations_of_contact(&self, contact: &str) -> Result<Vec<Found>> {
        let contact = parse_contact(contact)?;
        let mut conn = self.db.reader().acquire().await?;
        self.found(&mut conn, &contact).await
    }

    async fn found(&self, conn: &mut AnyConnection, contact: &Contact) -> Result<Vec<Found>> {
        let now = self.now().timestamp();
        let email = matches!(contact, Contact::Email(_));
        let rows =
            lookup::reservations_of(conn, &contact.key(), email, now - RECENT_SECS, MAX_FOUND)
                .await?;
        let mut places = HashMap::new();
        let mut found = Vec::with_capacity(rows.len());
        for row in rows {
            if !places.contains_key(&row.restaurant_id) {
                let place = restaurants::load(conn, &row.restaurant_id).await?;
                places.insert(row.restaurant_id.clone(), place);
            }
            let manage_token = self.manage_token(&row.id, row.start_at);
            let restaurant = &places[&row.restaurant_id];
            let reservation = reservations::to_model(conn, row, restaurant).await?;
            found.push(Found { reservation, manage_token });
        }
        Ok(found)
    }
}
