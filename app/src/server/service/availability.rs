//! Availability: the slots of a day with each table's state, for diners
//! and the API, and why each time is bookable or not, for the owner. Both
//! ask the engine's one predicate, as booking does.

use chrono::{DateTime, NaiveDate, Utc};

use super::auth::authorize_owner;
use super::booking::parse_start;
use super::cache::Day;
use super::{Result, Service};
use crate::domain::limits::parse_date;
use crate::domain::{Ask, Channel, Floor, PartySize, TableInfo, capitalize, seat};
use crate::model::{
    DayExplanation, DaySlots, HeldTable, Reason, SlotExplanation, SlotInfo, TableAvailability,
};
use crate::server::error::{FieldErrors, ServiceError};

impl Service {
    /// The service date and the instant of a start time, when it is a slot
    /// of the restaurant for the party: a slot after midnight belongs to the
    /// previous day's late period, as for booking. `None` when it is no slot;
    /// an `Invalid` error when `start` is not a time.
    pub async fn slot_start(
        &self,
        restaurant_id: &str,
        start: &str,
        party: PartySize,
    ) -> Result<Option<(NaiveDate, DateTime<Utc>)>> {
        // The restaurant as the slot lists see it (kept in memory, checked
        // against its stored revision); no slot, so no holds are read.
        let mut conn = self.db.reader().acquire().await?;
        let Day { plan, .. } =
            self.floor(&mut conn, restaurant_id, None, |_| Ok(((), Vec::new()))).await?;
        drop(conn);
        let policy = &plan.restaurant.policy;
        let start = parse_start(start, policy.tz).map_err(|m| ServiceError::invalid("start", m))?;
        Ok(policy.find_slot(start, Some(party)).map(|(date, slot)| (date, slot.start)))
    }

    /// Every slot of `date` with every table offered online and whether it is
    /// free for the whole slot; with a party size, whether the party could
    /// book that table. With `available_only`, just the slots where the party
    /// can be seated, each with the tables it would be given. Both ask the
    /// engine's one predicate.
    pub async fn slots(
        &self,
        restaurant_id: &str,
        date: &str,
        party_size: Option<&str>,
        available_only: bool,
    ) -> Result<DaySlots> {
        let mut errors = FieldErrors::default();
        let date = errors.check("date", parse_date(date));
        let party = party_size.and_then(|p| errors.check("party_size", PartySize::parse(p)));
        if available_only && party.is_none() && party_size.is_none() {
            errors.add("party_size", "party_size is required with available=true");
        }
        errors.finish()?;
        let date = date.expect("checked");
        let mut conn = self.db.reader().acquire().await?;
        let Day { plan, grid, holds, .. } = self
            .floor(&mut conn, restaurant_id, None, |restaurant| {
                let policy = &restaurant.policy;
                let closed = policy.rules.closed_dates.binary_search(&date).is_ok();
                Ok(((), if closed { Vec::new() } else { policy.grid(date, party) }))
            })
            .await?;
        drop(conn);
        let (restaurant, tables) = (&plan.restaurant, &plan.tables);
        let policy = &restaurant.policy;
        let now = self.now();
        let floor = Floor { tables, holds: &holds };
        let slots = grid
            .iter()
            .filter_map(|slot| {
                let tables_view: Vec<TableAvailability> = if available_only {
                    let ask = Ask::online(party.expect("checked"));
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
        date: &str,
        party_size: &str,
    ) -> Result<DayExplanation> {
        let mut errors = FieldErrors::default();
        let date = errors.check("date", parse_date(date));
        let party = errors.check("party_size", PartySize::parse(party_size));
        errors.finish()?;
        let (date, party) = (date.expect("checked"), party.expect("checked"));
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
