//! Availability: the slots of a day with each table's state, for diners
//! and the API, and why each time is bookable or not, for the owner. Both
//! ask the engine's one predicate, as booking does.

use chrono::{DateTime, NaiveDate, Utc};

use super::auth::authorize_owner;
use super::cache::Day;
use super::{Result, Service, read_stale};
use crate::domain::{Ask, Channel, Floor, PartySize, Start, TableInfo, capitalize, seat};
use crate::model::{
    DayExplanation, DaySlots, HeldTable, Reason, SlotExplanation, SlotInfo, TableAvailability,
};
use crate::server::error::ServiceError;

/// Which slots of a day to list, and what each says of its tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlotView {
    /// Every slot, with every table offered online and whether it is free
    /// for the whole slot; with a party, whether the party could book it.
    Tables(Option<PartySize>),
    /// Only the slots where the party can be seated, each with the tables
    /// a booking would be given.
    Seatable(PartySize),
}

impl Service {
    /// The service date and the instant of a start time, when it is a slot
    /// of the restaurant for the party: a slot after midnight belongs to the
    /// previous day's late period, as for booking. `None` when it is no slot;
    /// an `Invalid` error when `start` is a wall time the clocks skip.
    pub async fn slot_start(
        &self,
        restaurant_id: &str,
        start: Start,
        party: PartySize,
    ) -> Result<Option<(NaiveDate, DateTime<Utc>)>> {
        // The restaurant as the slot lists see it (kept in memory, checked
        // against its stored revision); no slot, so no holds are read.
        let Day { plan, .. } = read_stale!(self, |conn| {
            self.floor(conn, restaurant_id, None, |_| Ok(((), Vec::new()))).await
        })?;
        let policy = &plan.restaurant.policy;
        let start = start.resolve(policy.tz).map_err(|e| ServiceError::invalid("start", e.0))?;
        Ok(policy.find_slot(start, Some(party)).map(|(date, slot)| (date, slot.start)))
    }

    /// The slots of `date` as `view` asks. Listing asks the engine's one
    /// predicate, as booking does.
    pub async fn slots(
        &self,
        restaurant_id: &str,
        date: NaiveDate,
        view: SlotView,
    ) -> Result<DaySlots> {
        let party = match view {
            SlotView::Tables(party) => party,
            SlotView::Seatable(party) => Some(party),
        };
        let Day { plan, grid, holds, .. } = read_stale!(self, |conn| {
            self.floor(conn, restaurant_id, None, |restaurant| {
                let policy = &restaurant.policy;
                let closed = policy.rules.closed_dates.binary_search(&date).is_ok();
                Ok(((), if closed { Vec::new() } else { policy.grid(date, party) }))
            })
            .await
        })?;
        let (restaurant, tables) = (&plan.restaurant, &plan.tables);
        let policy = &restaurant.policy;
        let now = self.now();
        let floor = Floor { tables, holds: &holds };
        let slots = grid
            .iter()
            .filter_map(|slot| {
                let tables_view: Vec<TableAvailability> = if let SlotView::Seatable(party) = view {
                    let ask = Ask::online(party);
                    let seated = seat(policy, floor, date, slot, ask, now).ok()?;
                    seated.into_iter().map(|t| availability(t, true)).collect()
                } else {
                    tables
                        .iter()
                        .filter(|t| !t.walk_in_only)
                        .map(|t| {
                            // Without a party, whether the table could take the
                            // smallest party it accepts.
                            let party = party.unwrap_or_else(|| {
                                PartySize::new(t.min_party as i64).expect("1 to 20")
                            });
                            let ids = [t.id.clone()];
                            let ask = Ask { party, channel: Channel::Online, tables: Some(&ids) };
                            availability(t, seat(policy, floor, date, slot, ask, now).is_ok())
                        })
                        .collect()
                };
                Some(SlotInfo {
                    start: restaurant.local(slot.start),
                    local_time: slot.local.format("%H:%M").to_string(),
                    tables: tables_view,
                })
            })
            .collect();
        Ok(DaySlots { date, timezone: restaurant.tz().name().to_string(), slots })
    }

    /// Every slot of `date` for a party, with the tables a booking would get
    /// or why it cannot be booked online (owner only).
    pub async fn explain_day(
        &self,
        restaurant_id: &str,
        owner_key: Option<&str>,
        date: NaiveDate,
        party: PartySize,
    ) -> Result<DayExplanation> {
        let mut conn = self.db.reader().acquire().await?;
        let Day { plan, grid, holds, .. } = self
            .floor(&mut conn, restaurant_id, None, |restaurant| {
                Ok(((), restaurant.policy.grid(date, Some(party))))
            })
            .await?;
        let restaurant = &plan.restaurant;
        authorize_owner(&self.secrets, &mut conn, restaurant, owner_key).await?;
        drop(conn);
        let policy = &restaurant.policy;
        let floor = Floor { tables: &plan.tables, holds: &holds };
        let now = self.now();
        let slots = grid
            .iter()
            .map(|slot| {
                let (tables, reason) =
                    match seat(policy, floor, date, slot, Ask::online(party), now) {
                        Ok(seated) => (seated.into_iter().map(held_table).collect(), None),
                        Err(why) => (
                            Vec::new(),
                            Some(Reason {
                                code: why.code().to_string(),
                                message: capitalize(&why.message()),
                            }),
                        ),
                    };
                SlotExplanation {
                    start: restaurant.local(slot.start),
                    local_time: slot.local.format("%H:%M").to_string(),
                    available: reason.is_none(),
                    tables,
                    reason,
                }
            })
            .collect();
        Ok(DayExplanation {
            date,
            timezone: restaurant.tz().name().to_string(),
            party_size: party.get(),
            slots,
        })
    }
}

fn availability(table: &TableInfo, available: bool) -> TableAvailability {
    TableAvailability {
        table_id: table.id.clone(),
        label: table.label.clone(),
        capacity: table.seats.get(),
        available,
    }
}

/// A table as a reservation shows it.
pub(super) fn held_table(table: &TableInfo) -> HeldTable {
    HeldTable { id: table.id.clone(), label: table.label.clone(), capacity: table.seats.get() }
}
