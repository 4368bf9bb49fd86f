//! A diner's booking: checked once, decided by the engine with the same
//! predicate the slot lists use, then written with its holds, its first
//! history line and (with an idempotency key) the key, in one transaction.
//! A slot taken meanwhile is refused with the nearest other times.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AnyConnection;

use super::availability::held_table;
use super::cache::Day;
use super::outbox::{self, Cause, Diner};
use super::{Result, Service, optional_text};
use crate::domain::{
    Ask, Channel, DinerName, Email, Floor, Notes, PartySize, Phone, Slot, Start, TableInfo,
    Unavailable, alternatives, seat,
};
use crate::model::{NewReservation, Reservation, Status, people};
use crate::server::error::{FieldErrors, ServiceError};
use crate::server::secrets;
use crate::server::store::restaurants::RestaurantRecord;
use crate::server::store::{self, Scope, Turn, reservations};

/// How many alternative start times a refused booking offers.
const ALTERNATIVES: usize = 3;

impl Service {
    /// Books a table. Without `table_id` the engine assigns one or several
    /// joined tables. A slot taken meanwhile is a `SlotUnavailable` with the
    /// nearest other start times that can seat the party.
    pub async fn book(&self, input: NewReservation) -> Result<Reservation> {
        self.book_once(input, None).await.map(|(reservation, _)| reservation)
    }

    /// Books as [`Service::book`] does, at most once per idempotency key: a
    /// retry with the same key and the same request answers the reservation
    /// the first made (and `true`, "replayed"); the same key with another
    /// request is refused. The write lock is taken before the key is looked
    /// up, so retries that arrive together are answered one after another.
    pub async fn book_once(
        &self,
        input: NewReservation,
        idempotency_key: Option<&str>,
    ) -> Result<(Reservation, bool)> {
        self.write((input, idempotency_key.map(str::to_owned)), Self::book_in).await
    }

    async fn book_in(
        self,
        turn: Turn,
        (input, idempotency_key): (NewReservation, Option<String>),
    ) -> Result<(Reservation, bool)> {
        let idempotency_key = idempotency_key.as_deref();
        let mut errors = FieldErrors::default();
        let key = match idempotency_key {
            Some(key)
                if key.is_empty()
                    || key.len() > 255
                    || !key.bytes().all(|b| b.is_ascii_graphic()) =>
            {
                errors.add(
                    "idempotency_key",
                    "the Idempotency-Key header must be 1 to 255 visible ASCII characters",
                );
                None
            }
            other => other,
        };
        let restaurant_id =
            errors.required("restaurant_id", optional_text(input.restaurant_id.as_ref()));
        let start = errors
            .required("start", optional_text(input.start.as_ref()))
            .and_then(|s| errors.check("start", Start::parse(s)));
        let party = match input.party_size {
            None => {
                errors.add("party_size", "party size is required");
                None
            }
            Some(n) => errors.check("party_size", PartySize::new(n)),
        };
        let name = errors
            .required("name", input.name.as_deref())
            .and_then(|n| errors.check("name", DinerName::parse(n)));
        let phone = errors
            .required("phone", input.phone.as_deref())
            .and_then(|p| errors.check("phone", Phone::parse(p)));
        let email = optional_text(input.email.as_ref())
            .and_then(|e| errors.check("email", Email::parse(e)));
        let notes = errors
            .check("notes", Notes::parse(input.notes.as_deref().unwrap_or("")))
            .unwrap_or_default();
        let table_id = optional_text(input.table_id.as_ref());
        errors.finish()?;
        let (restaurant_id, start) = (restaurant_id.expect("checked"), start.expect("checked"));
        let (party, name, phone) =
            (party.expect("checked"), name.expect("checked"), phone.expect("checked"));

        let mut writer = store::writer(&self.db, turn).await?;
        let mut tx = store::begin(&self.db, &mut writer, Scope::Restaurant(restaurant_id)).await?;
        let now = self.now();
        let request_hash =
            self.secrets.hash(&serde_json::to_string(&input).expect("a request serializes"));
        if let Some(key) = key
            && let Some(replay) = self.replay(&mut tx, key, &request_hash, now).await?
        {
            tx.commit().await?;
            return Ok((replay, true));
        }
        let Day { plan, prepared: (date, slot), holds, .. } = self
            .floor(&mut tx, restaurant_id, None, |restaurant| {
                let policy = &restaurant.policy;
                let start = start
                    .resolve(restaurant.tz())
                    .map_err(|e| ServiceError::invalid("start", e.0))?;
                let (date, slot) = policy.find_slot(start, Some(party)).ok_or_else(|| {
                    ServiceError::invalid("start", not_a_slot(policy.rules.slot_minutes))
                })?;
                Ok(((date, slot), policy.grid(date, Some(party))))
            })
            .await?;
        let restaurant = &plan.restaurant;
        let policy = &restaurant.policy;
        let floor = Floor { tables: &plan.tables, holds: &holds };
        let requested: Option<Vec<String>> = table_id.map(|id| vec![id.to_string()]);
        let ask = Ask { party, channel: Channel::Online, tables: requested.as_deref() };
        let seated = match seat(policy, floor, date, &slot, ask, now) {
            Ok(seated) => seated,
            Err(why) => {
                return Err(refusal(restaurant, floor, date, &slot, ask, now, &why));
            }
        };

        let id = uuid::Uuid::now_v7().to_string();
        let code = secrets::new_confirmation_code();
        let ts = now.timestamp();
        let until = slot.end + policy.rules.buffer();
        let code_hash = self.secrets.hash(&code);
        let row = reservations::insert(
            &mut tx,
            reservations::NewRow {
                id: &id,
                restaurant_id,
                party_size: party.get() as i64,
                start: slot.start,
                end: slot.end,
                hold_until: until,
                name: name.as_str(),
                phone: phone.as_str(),
                email: email.as_ref().map(Email::as_str),
                notes: notes.as_str(),
                code_hash: &code_hash,
                now: ts,
            },
        )
        .await?;
        hold_tables(&mut tx, &id, restaurant_id, &seated, slot.start, until).await?;
        let labels = table_labels(&seated);
        let booked = format!("Booked for {} at {labels}", people(party.get()));
        reservations::record(&mut tx, &id, now, "diner", Some(Status::Confirmed), &booked).await?;
        let diner = Diner {
            reservation_id: &id,
            start: slot.start,
            email: email.as_ref().map(Email::as_str),
            phone: phone.as_str(),
        };
        outbox::write(&mut tx, restaurant, &diner, Cause::Booked, now).await?;
        if let Some(key) = key {
            self.remember(&mut tx, key, request_hash, &id, &code, ts).await?;
        }
        let tables = seated.iter().map(|t| held_table(t)).collect();
        let mut reservation = reservations::from_row(row, tables, restaurant)?;
        tx.commit().await?;
        tracing::info!(reservation = %id, restaurant = %restaurant_id, tables = %labels, party = party.get(), "reservation confirmed");
        metrics::counter!("covers_bookings_total").increment(1);
        reservation.code = Some(code);
        Ok((reservation, false))
    }
}

/// Holds `tables` for a reservation. The schema refuses a hold that
/// overlaps another on the same table, whatever the code above decided:
/// that refusal becomes a conflict.
pub(super) async fn hold_tables(
    conn: &mut AnyConnection,
    reservation_id: &str,
    restaurant_id: &str,
    tables: &[&TableInfo],
    start: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<()> {
    let ids: Vec<&str> = tables.iter().map(|t| t.id.as_str()).collect();
    if reservations::hold(conn, reservation_id, restaurant_id, &ids, start, until).await? {
        return Ok(());
    }
    tracing::warn!(reservation = %reservation_id, tables = %table_labels(tables), "overlap refused by the database");
    metrics::counter!("covers_booking_conflicts_total", "found_by" => "database").increment(1);
    Err(ServiceError::SlotUnavailable {
        message: "that table is already booked at that time".into(),
        alternatives: Vec::new(),
    })
}

pub(super) fn not_a_slot(slot_minutes: u16) -> String {
    format!(
        "no reservation can start then: the restaurant is closed, or slots start every {slot_minutes} minutes from opening"
    )
}

/// "T2 + T4"
/// "T2 + T4"
fn table_labels(tables: &[&TableInfo]) -> String {
    tables.iter().map(|t| t.label.as_str()).collect::<Vec<_>>().join(" + ")
}

/// The error for a party the engine could not seat: a validation error
/// naming the field when the request was wrong, else a conflict with the
/// nearest start times that can seat the party.
pub(super) fn refusal(
    restaurant: &RestaurantRecord,
    floor: Floor<'_>,
    date: NaiveDate,
    slot: &Slot,
    ask: Ask<'_>,
    now: DateTime<Utc>,
    why: &Unavailable,
) -> ServiceError {
    if why.is_bad_request() {
        let field = match why {
            Unavailable::UnknownTable | Unavailable::TooSmall | Unavailable::NotJoinable => {
                if ask.channel == Channel::Online { "table_id" } else { "table_ids" }
            }
            Unavailable::PartyTooLarge { .. } | Unavailable::NoTableFits => "party_size",
            _ => "start",
        };
        return ServiceError::invalid(field, why.message());
    }
    let any_table = Ask { tables: None, ..ask };
    let alternatives =
        alternatives(&restaurant.policy, floor, date, any_table, slot.start, now, ALTERNATIVES)
            .into_iter()
            .map(|s| restaurant.local(s.start))
            .collect();
    metrics::counter!("covers_booking_conflicts_total", "found_by" => "engine").increment(1);
    let message = if ask.tables.is_some() {
        "that table is already booked at that time".to_string()
    } else {
        format!("no table for {} is free at that time", ask.party)
    };
    ServiceError::SlotUnavailable { message, alternatives }
}
