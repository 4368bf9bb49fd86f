//! Changing a reservation's time, party size or tables: the owner moving
//! it (not bound by the online rules, and free to choose tables), or the
//! diner changing it as a new online booking would be made. Neither ever
//! seats two reservations on one table.

use super::auth::Caller;
use super::booking::{hold_tables, not_a_slot, refusal};
use super::cache::Day;
use super::outbox::{self, Cause, Diner};
use super::{Result, Service, optional_text};
use crate::domain::{Ask, Channel, Floor, MAX_JOINED_TABLES, PartySize, Start, seat};
use crate::model::{Reservation, ReservationChanges, Status, people};
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
        let key = owner_key.ok_or(ServiceError::Unauthorized)?;
        self.change_reservation(id, Caller::Owner { key: key.to_owned() }, changes).await
    }

    /// Changes a reservation's time or party size. The owner may also
    /// choose its tables and is not bound by the online rules; the diner
    /// (by code or manage link) books the new time as a new online booking
    /// would, before it starts. Either way the old tables are let go only
    /// if the new ones hold, in one transaction.
    pub async fn change_reservation(
        &self,
        id: &str,
        caller: Caller,
        changes: ReservationChanges,
    ) -> Result<Reservation> {
        let asked = (id.to_owned(), caller, changes);
        self.write(asked, Self::move_in).await
    }

    async fn move_in(
        self,
        turn: Turn,
        (id, caller, changes): (String, Caller, ReservationChanges),
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
            if caller.is_diner() {
                errors.add("table_ids", "the restaurant chooses the tables");
            } else if ids.is_empty() {
                errors.add("table_ids", "name at least one table, or leave table_ids out");
            } else if ids.len() > MAX_JOINED_TABLES {
                errors.add("table_ids", format!("at most {MAX_JOINED_TABLES} tables"));
            }
        }
        errors.finish()?;
        let mut writer = store::writer(&self.db, turn).await?;
        let mut tx = store::begin(&self.db, &mut writer, Scope::ReservationOf(id)).await?;
        let (row, restaurant) = self.authorize(&mut tx, id, &caller).await?;
        let status = row.status()?;
        if !status.holds_tables() || (caller.is_diner() && status == Status::Seated) {
            return Err(ServiceError::InvalidTransition(match caller.is_diner() {
                true => format!(
                    "a {} reservation cannot be changed; please book again",
                    status.label().to_lowercase()
                ),
                false => format!(
                    "a {} reservation cannot be moved; bring it back first",
                    status.label().to_lowercase()
                ),
            }));
        }
        let now = self.now();
        if caller.is_diner() && from_secs(row.start_at) <= now {
            return Err(ServiceError::InvalidTransition(
                "this reservation has already started; please call the restaurant".into(),
            ));
        }
        let party = match party {
            Some(p) => p,
            None => PartySize::new(row.party_size)
                .map_err(|_| ServiceError::Internal(format!("reservation {id}: bad party size")))?,
        };
        let Day { plan, prepared: (date, slot), holds, .. } = self
            .floor(&mut tx, &restaurant.id, Some(id), |restaurant| {
                let policy = &restaurant.policy;
                let current = from_secs(row.start_at);
                let start = match start {
                    // The wall time it already has (a change of the party
                    // alone): the same instant, even in the hour the clocks
                    // repeat.
                    Some(Start::Local(local))
                        if restaurant.local(current).naive_local() == local =>
                    {
                        current
                    }
                    Some(start) => start
                        .resolve(restaurant.tz())
                        .map_err(|e| ServiceError::invalid("start", e.0))?,
                    None => current,
                };
                let (date, slot) = policy.find_slot(start, Some(party)).ok_or_else(|| {
                    ServiceError::invalid("start", not_a_slot(policy.rules.slot_minutes))
                })?;
                Ok(((date, slot), policy.grid(date, Some(party))))
            })
            .await?;
        let policy = &plan.restaurant.policy;
        let floor = Floor { tables: &plan.tables, holds: &holds };
        let channel = if caller.is_diner() { Channel::Online } else { Channel::Restaurant };
        let ask = Ask { party, channel, tables: changes.table_ids.as_deref() };
        let before = reservations::load(&mut tx, id, &restaurant).await?;
        if caller.is_diner()
            && slot.start == from_secs(row.start_at)
            && party.get() as i64 == row.party_size
        {
            // Nothing the diner can change changed.
            return Ok(before);
        }
        let seated = seat(policy, floor, date, &slot, ask, now)
            .map_err(|why| refusal(&restaurant, floor, date, &slot, ask, now, &why))?;
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
        reservations::record(&mut tx, id, now, caller.by(), None, &text).await?;
        // The diner hears of a new time or party size, not of new tables.
        if (before.start, before.party_size) != (after.start, after.party_size) {
            let diner = Diner::of(&row);
            let diner = Diner { start: slot.start, ..diner };
            outbox::write(&mut tx, &restaurant, &diner, Cause::Changed, now).await?;
        }
        tx.commit().await?;
        tracing::info!(reservation = %id, by = caller.by(), "reservation moved");
        Ok(after)
    }
}
