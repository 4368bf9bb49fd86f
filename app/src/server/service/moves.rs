//! The owner moving a reservation to another time, party size or tables.
//! The restaurant is not bound by the online rules, but never seats two
//! reservations on one table.

use super::auth::{Caller, authorize_reservation};
use super::booking::{hold_tables, not_a_slot, refusal};
use super::cache::Day;
use super::outbox::{self, Cause, Diner};
use super::{Result, Service, optional_text};
use crate::domain::{Ask, Channel, Floor, MAX_JOINED_TABLES, PartySize, Start, seat};
use crate::model::{Reservation, ReservationChanges, people};
use crate::server::error::{FieldErrors, ServiceError};
use crate::server::store::{self, Scope, Turn, from_secs, reservations};

impl Service {
    /// Moves a reservation to another time, party size or tables (owner
    /// only). Without `table_ids` the engine assigns tables again.
    pub async fn move_reservation(
        &self,
        id: &str,
        owner_key: Option<&str>,
        changes: ReservationChanges,
    ) -> Result<Reservation> {
        let asked = (id.to_owned(), owner_key.map(str::to_owned), changes);
        self.write(asked, Self::move_in).await
    }

    async fn move_in(
        self,
        turn: Turn,
        (id, owner_key, changes): (String, Option<String>, ReservationChanges),
    ) -> Result<Reservation> {
        let id = id.as_str();
        let mut errors = FieldErrors::default();
        let party = changes.party_size.and_then(|n| errors.check("party_size", PartySize::new(n)));
        let start = match (changes.start.is_some(), optional_text(changes.start.as_ref())) {
            (true, None) => {
                errors.add("start", "start cannot be empty");
                None
            }
            (_, text) => text.and_then(|t| errors.check("start", Start::parse(t))),
        };
        if let Some(ids) = &changes.table_ids {
            if ids.is_empty() {
                errors.add("table_ids", "name at least one table, or leave table_ids out");
            } else if ids.len() > MAX_JOINED_TABLES {
                errors.add("table_ids", format!("at most {MAX_JOINED_TABLES} tables"));
            }
        }
        errors.finish()?;
        let key = owner_key.ok_or(ServiceError::Unauthorized)?;
        let mut writer = store::writer(&self.db, turn).await?;
        let mut tx = store::begin(&self.db, &mut writer, Scope::ReservationOf(id)).await?;
        let owner = Caller::Owner { key };
        let (row, restaurant) = authorize_reservation(&self.secrets, &mut tx, id, &owner).await?;
        if !row.status()?.holds_tables() {
            return Err(ServiceError::InvalidTransition(format!(
                "a {} reservation cannot be moved; bring it back first",
                row.status()?.label().to_lowercase()
            )));
        }
        let party = match party {
            Some(p) => p,
            None => PartySize::new(row.party_size)
                .map_err(|_| ServiceError::Internal(format!("reservation {id}: bad party size")))?,
        };
        let Day { plan, prepared: (date, slot), holds, .. } = self
            .floor(&mut tx, &restaurant.id, Some(id), |restaurant| {
                let policy = &restaurant.policy;
                let start = match start {
                    Some(start) => start
                        .resolve(restaurant.tz())
                        .map_err(|e| ServiceError::invalid("start", e.0))?,
                    None => from_secs(row.start_at),
                };
                let (date, slot) = policy.find_slot(start, Some(party)).ok_or_else(|| {
                    ServiceError::invalid("start", not_a_slot(policy.rules.slot_minutes))
                })?;
                Ok(((date, slot), policy.grid(date, Some(party))))
            })
            .await?;
        let policy = &plan.restaurant.policy;
        let floor = Floor { tables: &plan.tables, holds: &holds };
        let ask = Ask { party, channel: Channel::Restaurant, tables: changes.table_ids.as_deref() };
        let now = self.now();
        let seated = seat(policy, floor, date, &slot, ask, now)
            .map_err(|why| refusal(&restaurant, floor, date, &slot, ask, now, &why))?;
        let before = reservations::load(&mut tx, id, &restaurant).await?;
        let until = slot.end + policy.rules.buffer();
        reservations::release(&mut tx, id).await?;
        let party_size = party.get() as i64;
        reservations::reschedule(&mut tx, id, party_size, &slot, until, now.timestamp()).await?;
        hold_tables(&mut tx, id, &restaurant.id, &seated, slot.start, until).await?;
        let after = reservations::load(&mut tx, id, &restaurant).await?;
        let describe = |r: &Reservation| {
            let labels: Vec<&str> = r.tables.iter().map(|t| t.label.as_str()).collect();
            format!(
                "{}, {}, {}",
                r.start.format("%a %-d %b %H:%M"),
                people(r.party_size),
                labels.join(" + ")
            )
        };
        let text = format!("Moved from {} to {}", describe(&before), describe(&after));
        reservations::record(&mut tx, id, now, "owner", None, &text).await?;
        // The diner hears of a new time or party size, not of new tables.
        if (before.start, before.party_size) != (after.start, after.party_size) {
            let diner = Diner::of(&row);
            let diner = Diner { start: slot.start, ..diner };
            outbox::write(&mut tx, &restaurant, &diner, Cause::Changed, now).await?;
        }
        tx.commit().await?;
        tracing::info!(reservation = %id, "reservation moved");
        Ok(after)
    }
}
