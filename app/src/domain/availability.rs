//! The availability predicate and table assignment: one function decides
//! whether a table is free, and both the slot lists and booking call it.
//!
//! A reservation holds its tables over `[start, end + buffer)`. A table is
//! free for a new hold if no existing hold on it overlaps that interval.

use chrono::{DateTime, Duration, Utc};

use super::hours::Slot;
use super::values::{PartySize, Seats};

/// A table as availability sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableInfo {
    pub id: String,
    pub label: String,
    pub seats: Seats,
}

/// A reservation's hold on one table, `[start, until)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hold {
    pub table_id: String,
    pub start: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

/// Whether `table_id` is free over `[start, until)` given the current holds.
pub fn table_is_free(
    holds: &[Hold],
    table_id: &str,
    start: DateTime<Utc>,
    until: DateTime<Utc>,
) -> bool {
    !holds.iter().any(|h| h.table_id == table_id && h.start < until && start < h.until)
}

/// Why no table can be given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoTable {
    /// The requested table is not one of the restaurant's bookable tables.
    UnknownTable,
    /// The requested table seats fewer people than the party.
    TooSmall,
    /// Every table that fits is held at that time.
    AllHeld,
    /// No table of the restaurant seats a party that large.
    PartyTooLarge,
}

/// The table for a party over `[start, until)`: the requested one if it fits
/// and is free; otherwise the smallest free table that fits (fewest seats,
/// then label), which keeps larger tables for larger parties.
pub fn assign_table<'t>(
    tables: &'t [TableInfo],
    holds: &[Hold],
    party: PartySize,
    start: DateTime<Utc>,
    until: DateTime<Utc>,
    requested: Option<&str>,
) -> Result<&'t TableInfo, NoTable> {
    if let Some(id) = requested {
        let table = tables.iter().find(|t| t.id == id).ok_or(NoTable::UnknownTable)?;
        if !table.seats.fits(party) {
            return Err(NoTable::TooSmall);
        }
        return if table_is_free(holds, &table.id, start, until) {
            Ok(table)
        } else {
            Err(NoTable::AllHeld)
        };
    }
    let mut fitting: Vec<&TableInfo> = tables.iter().filter(|t| t.seats.fits(party)).collect();
    if fitting.is_empty() {
        return Err(NoTable::PartyTooLarge);
    }
    fitting.sort_by(|a, b| a.seats.cmp(&b.seats).then_with(|| natural_cmp(&a.label, &b.label)));
    fitting.into_iter().find(|t| table_is_free(holds, &t.id, start, until)).ok_or(NoTable::AllHeld)
}

/// Labels in the order people expect: "T2" before "T10".
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn key(s: &str) -> Vec<(String, u64)> {
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut digits = String::new();
        for c in s.chars() {
            if c.is_ascii_digit() {
                digits.push(c);
            } else {
                if !digits.is_empty() {
                    parts.push((std::mem::take(&mut text), digits.parse().unwrap_or(u64::MAX)));
                    digits.clear();
                }
                text.push(c.to_ascii_lowercase());
            }
        }
        parts.push((text, digits.parse().unwrap_or(0)));
        parts
    }
    key(a).cmp(&key(b)).then_with(|| a.cmp(b))
}

/// One slot of a day, with every table's availability for the whole slot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotTables {
    pub slot: Slot,
    /// Whether the slot can be booked at all now (not past, inside the window).
    pub open_for_booking: bool,
    /// For each table (in the order given), whether it is free for the slot.
    pub free: Vec<bool>,
}

/// The availability of every slot of one date. A slot is open for booking
/// when its date is inside the booking window (`date_bookable`) and it starts
/// no earlier than `earliest_start` (now plus the minimum notice).
pub fn day_availability(
    slots: Vec<Slot>,
    tables: &[TableInfo],
    holds: &[Hold],
    buffer: Duration,
    earliest_start: DateTime<Utc>,
    date_bookable: bool,
) -> Vec<SlotTables> {
    slots
        .into_iter()
        .map(|slot| {
            let open_for_booking = date_bookable && slot.start >= earliest_start;
            let until = slot.end + buffer;
            let free = tables
                .iter()
                .map(|t| open_for_booking && table_is_free(holds, &t.id, slot.start, until))
                .collect();
            SlotTables { slot, open_for_booking, free }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hhmm: &str) -> DateTime<Utc> {
        format!("2026-12-04T{hhmm}:00Z").parse().unwrap()
    }

    fn table(id: &str, seats: i64) -> TableInfo {
        TableInfo { id: id.into(), label: id.into(), seats: Seats::new(seats).unwrap() }
    }

    fn hold(table: &str, from: &str, until: &str) -> Hold {
        Hold { table_id: table.into(), start: at(from), until: at(until) }
    }

    fn party(n: i64) -> PartySize {
        PartySize::new(n).unwrap()
    }

    #[test]
    fn overlap_is_half_open() {
        let holds = [hold("T1", "19:00", "20:00")];
        // Back to back is fine on both sides.
        assert!(table_is_free(&holds, "T1", at("18:00"), at("19:00")));
        assert!(table_is_free(&holds, "T1", at("20:00"), at("21:00")));
        // Any overlap is not: inside, around, straddling either end, equal.
        for (from, until) in [
            ("19:00", "20:00"),
            ("19:15", "19:45"),
            ("18:00", "21:00"),
            ("18:30", "19:30"),
            ("19:59", "21:00"),
        ] {
            assert!(!table_is_free(&holds, "T1", at(from), at(until)), "{from}–{until}");
        }
        // Another table's hold does not matter.
        assert!(table_is_free(&holds, "T2", at("19:00"), at("20:00")));
    }

    #[test]
    fn an_in_progress_reservation_blocks_a_later_start() {
        // A 90-minute hold from 19:00 still occupies the table at 20:00.
        let holds = [hold("T1", "19:00", "20:30")];
        assert!(!table_is_free(&holds, "T1", at("20:00"), at("21:00")));
    }

    #[test]
    fn assigns_the_smallest_free_table_that_fits() {
        let tables = [table("T8", 8), table("T2", 2), table("T4", 4), table("T4b", 4)];
        let pick = |n, holds: &[Hold]| {
            assign_table(&tables, holds, party(n), at("19:00"), at("20:00"), None)
                .map(|t| t.id.clone())
        };
        assert_eq!(pick(2, &[]), Ok("T2".into()));
        assert_eq!(pick(3, &[]), Ok("T4".into()));
        assert_eq!(pick(3, &[hold("T4", "19:00", "20:00")]), Ok("T4b".into()));
        assert_eq!(pick(2, &[hold("T2", "18:30", "19:30")]), Ok("T4".into()));
        assert_eq!(pick(9, &[]), Err(NoTable::PartyTooLarge));
        let all = [hold("T8", "19:00", "20:00")];
        assert_eq!(pick(5, &all), Err(NoTable::AllHeld));
    }

    #[test]
    fn a_requested_table_must_exist_fit_and_be_free() {
        let tables = [table("T2", 2), table("T4", 4)];
        let ask = |id, n, holds: &[Hold]| {
            assign_table(&tables, holds, party(n), at("19:00"), at("20:00"), Some(id))
                .map(|t| t.id.clone())
        };
        assert_eq!(ask("T4", 2, &[]), Ok("T4".into()));
        assert_eq!(ask("T2", 3, &[]), Err(NoTable::TooSmall));
        assert_eq!(ask("T9", 2, &[]), Err(NoTable::UnknownTable));
        assert_eq!(ask("T4", 2, &[hold("T4", "18:30", "19:30")]), Err(NoTable::AllHeld));
    }

    #[test]
    fn labels_sort_naturally() {
        let mut labels = vec!["T10", "T2", "Patio 1", "T1"];
        labels.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(labels, ["Patio 1", "T1", "T2", "T10"]);
    }

    #[test]
    fn day_availability_marks_past_and_held_slots() {
        let slot = |h: &str, e: &str| Slot { start: at(h), end: at(e), local: at(h).naive_utc() };
        let slots = vec![slot("12:00", "13:00"), slot("19:00", "20:00"), slot("20:00", "21:00")];
        let tables = [table("T1", 2), table("T2", 4)];
        let holds = [hold("T1", "19:00", "20:00")];
        let days = day_availability(slots, &tables, &holds, Duration::zero(), at("15:00"), true);
        assert!(!days[0].open_for_booking, "a past slot is closed");
        assert_eq!(days[0].free, [false, false]);
        assert_eq!(days[1].free, [false, true]);
        assert_eq!(days[2].free, [true, true]);
    }
}
