//! The booking engine: one predicate decides whether a party can be seated
//! at a slot and on which tables. The slot lists, booking, the alternatives
//! offered after a refusal and the owner's "why is this slot unavailable"
//! all call [`seat`], so a slot shown as available is one that booking
//! accepts (unless someone else took it first).
//!
//! A reservation holds its tables over `[start, end + buffer)`. A party sits
//! at one table that fits it or, when none is free, at a combination of
//! tables of one join group (tables that can be pushed together). Tables
//! kept for walk-ins are never given online, and the walk-in hold-back keeps
//! a share of all seats off online booking at every instant.

use std::cmp::Ordering;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::hours::{OpeningHours, Slot, slot_grid};
use super::values::{PartySize, Seats, TimeZone};

pub use super::limits::MAX_JOINED_TABLES;

/// The most combinations of joined tables considered for one party at one
/// slot, so that a huge join group cannot make a slot list slow. Real join
/// groups stay far below it.
const MAX_COMBINATIONS: usize = 5000;

/// How long reservations of parties up to `max_party_size` last.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DurationRule {
    #[serde(deserialize_with = "crate::model::whole_number::fits")]
    pub max_party_size: u8,
    #[serde(deserialize_with = "crate::model::whole_number::fits")]
    pub minutes: u16,
}

/// A restaurant's booking rules (see the table in the API contract).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rules {
    pub slot_minutes: u16,
    pub duration_minutes: u16,
    /// Sorted by `max_party_size`, each size once.
    pub durations: Vec<DurationRule>,
    pub buffer_minutes: u16,
    pub walk_in_seats_percent: u8,
    pub min_notice_minutes: u32,
    pub max_days_ahead: u16,
    pub max_party_size: Option<u8>,
    /// Sorted, each date once.
    pub closed_dates: Vec<NaiveDate>,
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            slot_minutes: 60,
            duration_minutes: 60,
            durations: Vec::new(),
            buffer_minutes: 0,
            walk_in_seats_percent: 0,
            min_notice_minutes: 0,
            max_days_ahead: 60,
            max_party_size: None,
            closed_dates: Vec::new(),
        }
    }
}

impl Rules {
    /// How long a reservation of `party` holds its tables (before the
    /// buffer): the first duration rule that covers the party, else the
    /// default duration. Without a party, the default duration.
    pub fn duration_minutes_for(&self, party: Option<PartySize>) -> u16 {
        party
            .and_then(|p| self.durations.iter().find(|d| d.max_party_size >= p.get()))
            .map_or(self.duration_minutes, |d| d.minutes)
    }

    pub fn buffer(&self) -> Duration {
        Duration::minutes(self.buffer_minutes as i64)
    }
}

/// What the engine knows of a restaurant: where it is, when it opens, its rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub tz: TimeZone,
    pub hours: OpeningHours,
    pub rules: Rules,
}

/// A table as the engine sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableInfo {
    pub id: String,
    pub label: String,
    pub seats: Seats,
    pub min_party: u8,
    pub join_group: Option<String>,
    pub walk_in_only: bool,
}

impl TableInfo {
    /// Whether the party may sit at this table alone.
    pub fn suits(&self, party: PartySize) -> bool {
        self.seats.fits(party) && party.get() >= self.min_party
    }
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

/// Who is booking: a diner or integrator online, or the restaurant itself.
/// The restaurant is not bound by the online rules (notice, booking window,
/// largest online party, walk-in hold-back) and may name walk-in tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    Online,
    Restaurant,
}

/// Why a party cannot be seated at a slot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unavailable {
    /// The restaurant is closed on that date.
    ClosedDate,
    /// The slot has started or is over.
    Past,
    /// The slot starts sooner than the minimum notice.
    Notice { minutes: u32 },
    /// The date is further ahead than bookings open.
    BeyondWindow { days: u16 },
    /// The party is larger than online booking accepts.
    PartyTooLarge { limit: u8 },
    /// No table or combination of tables can seat the party at all.
    NoTableFits,
    /// Every table or combination that fits is held at that time.
    AllHeld,
    /// Tables are free, but giving them would eat into the walk-in hold-back.
    HoldBack { percent: u8 },
    /// A requested table is not one of the restaurant's tables.
    UnknownTable,
    /// Requested tables that seat fewer than the party (or want a larger one).
    TooSmall,
    /// Requested tables that cannot be pushed together.
    NotJoinable,
}

impl Unavailable {
    /// A stable code for clients.
    pub fn code(&self) -> &'static str {
        match self {
            Unavailable::ClosedDate => "closed_date",
            Unavailable::Past => "past",
            Unavailable::Notice { .. } => "notice",
            Unavailable::BeyondWindow { .. } => "beyond_window",
            Unavailable::PartyTooLarge { .. } => "party_too_large",
            Unavailable::NoTableFits => "no_table_fits",
            Unavailable::AllHeld => "all_tables_held",
            Unavailable::HoldBack { .. } => "walk_in_hold_back",
            Unavailable::UnknownTable => "unknown_table",
            Unavailable::TooSmall => "table_too_small",
            Unavailable::NotJoinable => "tables_not_joinable",
        }
    }

    /// Whether the request itself was wrong (a 422), rather than the slot
    /// being full.
    pub fn is_bad_request(&self) -> bool {
        !matches!(self, Unavailable::AllHeld | Unavailable::HoldBack { .. })
    }

    /// In words for people.
    pub fn message(&self) -> String {
        match self {
            Unavailable::ClosedDate => "the restaurant is closed that day".into(),
            Unavailable::Past => "that time has passed".into(),
            Unavailable::Notice { minutes } => {
                format!("bookings need {} notice", minutes_in_words(*minutes))
            }
            Unavailable::BeyondWindow { days } => {
                format!("bookings open {days} day{} ahead", if *days == 1 { "" } else { "s" })
            }
            Unavailable::PartyTooLarge { limit: 0 } => {
                "this restaurant has no tables to book yet".into()
            }
            Unavailable::PartyTooLarge { limit } => format!(
                "online bookings are for parties of up to {limit}; please call the restaurant"
            ),
            Unavailable::NoTableFits => "no table or tables pushed together fit this party".into(),
            Unavailable::AllHeld => "every table that fits this party is booked then".into(),
            Unavailable::HoldBack { percent } => {
                format!("the rest of the room is kept for walk-ins ({percent}% of seats)")
            }
            Unavailable::UnknownTable => "no such table at this restaurant".into(),
            Unavailable::TooSmall => "those tables do not suit a party of that size".into(),
            Unavailable::NotJoinable => "those tables cannot be pushed together".into(),
        }
    }
}

fn minutes_in_words(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} minutes'"),
        (1, 0) => "an hour's".into(),
        (h, 0) => format!("{h} hours'"),
        (h, m) => format!("{h} h {m} min"),
    }
}

impl Policy {
    /// The restaurant's date at `now`.
    pub fn today(&self, now: DateTime<Utc>) -> NaiveDate {
        now.with_timezone(&self.tz.0).date_naive()
    }

    /// The slot grid of `date` for a party (its duration decides which slots
    /// end by closing time); closed dates included.
    pub fn grid(&self, date: NaiveDate, party: Option<PartySize>) -> Vec<Slot> {
        slot_grid(
            &self.hours,
            self.tz,
            date,
            self.rules.slot_minutes,
            self.rules.duration_minutes_for(party),
        )
    }

    /// The service date and slot that start at `start` for this party, if
    /// any: slots after midnight belong to the previous day's late period.
    pub fn find_slot(
        &self,
        start: DateTime<Utc>,
        party: Option<PartySize>,
    ) -> Option<(NaiveDate, Slot)> {
        let local_date = start.with_timezone(&self.tz.0).date_naive();
        [Some(local_date), local_date.pred_opt()].into_iter().flatten().find_map(|date| {
            self.grid(date, party).into_iter().find(|s| s.start == start).map(|s| (date, s))
        })
    }

    /// Why `date` as a whole cannot be booked through `channel`, if it cannot.
    pub fn date_problem(
        &self,
        date: NaiveDate,
        now: DateTime<Utc>,
        channel: Channel,
    ) -> Option<Unavailable> {
        let today = self.today(now);
        if channel == Channel::Online && date < today {
            Some(Unavailable::Past)
        } else if self.rules.closed_dates.binary_search(&date).is_ok() {
            Some(Unavailable::ClosedDate)
        } else if channel == Channel::Online
            && date > today + Duration::days(self.rules.max_days_ahead as i64)
        {
            Some(Unavailable::BeyondWindow { days: self.rules.max_days_ahead })
        } else {
            None
        }
    }

    /// The largest party online booking accepts with these tables: the
    /// largest that one table or one join group seats, and at most the
    /// restaurant's own limit.
    pub fn party_limit(&self, tables: &[TableInfo]) -> u8 {
        let online: Vec<&TableInfo> = tables.iter().filter(|t| !t.walk_in_only).collect();
        let single = online.iter().map(|t| t.seats.get()).max().unwrap_or(0);
        let mut groups: Vec<(&str, Vec<u8>)> = Vec::new();
        for t in online.iter().filter(|t| t.join_group.is_some()) {
            let group = t.join_group.as_deref().unwrap_or_default();
            match groups.iter_mut().find(|(g, _)| *g == group) {
                Some((_, seats)) => seats.push(t.seats.get()),
                None => groups.push((group, vec![t.seats.get()])),
            }
        }
        let joined = groups
            .into_iter()
            .map(|(_, mut seats)| {
                seats.sort_unstable_by(|a, b| b.cmp(a));
                seats.iter().take(MAX_JOINED_TABLES).map(|&s| s as u16).sum::<u16>()
            })
            .max()
            .unwrap_or(0);
        let largest = single.max(joined.min(PartySize::MAX as u16) as u8);
        self.rules.max_party_size.map_or(largest, |max| max.min(largest))
    }
}

/// One way to seat a party: a single table or tables pushed together.
#[derive(Clone, Debug)]
struct Seating<'t> {
    tables: Vec<&'t TableInfo>,
    seats: u16,
    /// How many of the tables could have been joined for a larger party.
    joinable: usize,
}

impl Seating<'_> {
    /// The order of preference that does not depend on time: one table
    /// before several, fewer seats left empty, fewer tables, and tables that
    /// cannot be joined before those that can (they are kept for large parties).
    fn static_key(&self) -> (bool, u16, usize, usize) {
        (self.tables.len() > 1, self.seats, self.tables.len(), self.joinable)
    }

    fn labels_cmp(&self, other: &Self) -> Ordering {
        for (a, b) in self.tables.iter().zip(&other.tables) {
            match natural_cmp(&a.label, &b.label) {
                Ordering::Equal => continue,
                unequal => return unequal,
            }
        }
        self.tables.len().cmp(&other.tables.len())
    }
}

fn seating<'t>(tables: Vec<&'t TableInfo>) -> Seating<'t> {
    let seats = tables.iter().map(|t| t.seats.get() as u16).sum();
    let joinable = tables.iter().filter(|t| t.join_group.is_some()).count();
    Seating { tables, seats, joinable }
}

/// Every way to seat `party` at the given tables, best first by the order
/// that does not depend on time: each table that suits the party alone, then
/// each minimal combination of tables of one join group (no table of it
/// could be left out).
fn seatings<'t>(tables: &[&'t TableInfo], party: PartySize) -> Vec<Seating<'t>> {
    let need = party.get() as u16;
    let mut out: Vec<Seating<'t>> =
        tables.iter().filter(|t| t.suits(party)).map(|t| seating(vec![*t])).collect();
    let mut groups: Vec<Vec<&'t TableInfo>> = Vec::new();
    for t in tables.iter().filter(|t| t.join_group.is_some()) {
        match groups.iter_mut().find(|g| g[0].join_group == t.join_group) {
            Some(group) => group.push(t),
            None => groups.push(vec![t]),
        }
    }
    for mut group in groups {
        // Largest first, so the search reaches the party with few tables.
        group.sort_by(|a, b| b.seats.cmp(&a.seats).then_with(|| natural_cmp(&a.label, &b.label)));
        let mut chosen = Vec::new();
        combine(&group, 0, need, 0, &mut chosen, &mut out);
    }
    out.sort_by(|a, b| a.static_key().cmp(&b.static_key()).then_with(|| a.labels_cmp(b)));
    out
}

/// Depth-first search for minimal combinations of at least two tables of
/// `group` (sorted by seats, largest first) that seat `need`.
fn combine<'t>(
    group: &[&'t TableInfo],
    from: usize,
    need: u16,
    seats: u16,
    chosen: &mut Vec<&'t TableInfo>,
    out: &mut Vec<Seating<'t>>,
) {
    if chosen.len() == MAX_JOINED_TABLES || out.len() >= MAX_COMBINATIONS {
        return;
    }
    for i in from..group.len() {
        let table = group[i];
        let total = seats + table.seats.get() as u16;
        chosen.push(table);
        if total >= need {
            // Minimal: the smallest table taken (the last, by the sort) is needed.
            let minimal = total - (table.seats.get() as u16) < need;
            if chosen.len() >= 2 && minimal && out.len() < MAX_COMBINATIONS {
                let mut tables = chosen.clone();
                tables.sort_by(|a, b| natural_cmp(&a.label, &b.label));
                out.push(seating(tables));
            }
        } else {
            combine(group, i + 1, need, total, chosen, out);
        }
        chosen.pop();
    }
}

/// How much free time a seating leaves unusable around `[start, until)`: the
/// gaps to the neighbouring holds on each of its tables (capped at a few
/// hours, so a table free all evening counts as such). Smaller is a tighter
/// fit, which keeps long free stretches for later bookings.
fn slack(seating: &Seating, holds: &[Hold], start: DateTime<Utc>, until: DateTime<Utc>) -> i64 {
    let cap = Duration::hours(4);
    seating
        .tables
        .iter()
        .map(|t| {
            let on_table = holds.iter().filter(|h| h.table_id == t.id);
            let before = on_table
                .clone()
                .filter(|h| h.until <= start)
                .map(|h| start - h.until)
                .min()
                .unwrap_or(cap)
                .min(cap);
            let after = on_table
                .filter(|h| h.start >= until)
                .map(|h| h.start - until)
                .min()
                .unwrap_or(cap)
                .min(cap);
            (before + after).num_minutes()
        })
        .sum()
}

/// The most seats online reservations may hold at any one instant.
fn online_seat_cap(tables: &[TableInfo], percent: u8) -> u32 {
    let bookable: u32 =
        tables.iter().filter(|t| !t.walk_in_only).map(|t| t.seats.get() as u32).sum();
    bookable * (100 - percent.min(100) as u32) / 100
}

/// The most seats held at any instant of `[start, until)` by `holds` on `tables`.
fn peak_held_seats(
    tables: &[TableInfo],
    holds: &[Hold],
    start: DateTime<Utc>,
    until: DateTime<Utc>,
) -> u32 {
    let seats_of =
        |id: &str| tables.iter().find(|t| t.id == id).map_or(0, |t| t.seats.get() as u32);
    let overlapping: Vec<&Hold> =
        holds.iter().filter(|h| h.start < until && start < h.until).collect();
    // The load only rises where a hold begins: check the start and each of those.
    std::iter::once(start)
        .chain(overlapping.iter().map(|h| h.start).filter(|&t| t > start))
        .map(|instant| {
            overlapping
                .iter()
                .filter(|h| h.start <= instant && instant < h.until)
                .map(|h| seats_of(&h.table_id))
                .sum::<u32>()
        })
        .max()
        .unwrap_or(0)
}

/// The tables of a restaurant and the holds on them around the time asked.
#[derive(Clone, Copy, Debug)]
pub struct Floor<'t> {
    pub tables: &'t [TableInfo],
    pub holds: &'t [Hold],
}

/// What a booking asks of the engine.
#[derive(Clone, Copy, Debug)]
pub struct Ask<'a> {
    pub party: PartySize,
    pub channel: Channel,
    /// Tables the booker named (one, or several of a join group).
    pub tables: Option<&'a [String]>,
}

impl<'a> Ask<'a> {
    pub fn online(party: PartySize) -> Self {
        Self { party, channel: Channel::Online, tables: None }
    }
}

/// The tables for a party at `slot` of `date` (the slot as the grid makes it
/// for this party), or why there are none. This is the one availability
/// predicate of Covers.
pub fn seat<'t>(
    policy: &Policy,
    floor: Floor<'t>,
    date: NaiveDate,
    slot: &Slot,
    ask: Ask<'_>,
    now: DateTime<Utc>,
) -> Result<Vec<&'t TableInfo>, Unavailable> {
    let Floor { tables, holds } = floor;
    let online = ask.channel == Channel::Online;
    if let Some(problem) = policy.date_problem(date, now, ask.channel) {
        return Err(problem);
    }
    // The restaurant may also record what already happened.
    if online && slot.start < now {
        return Err(Unavailable::Past);
    }
    let notice = policy.rules.min_notice_minutes;
    if online && slot.start < now + Duration::minutes(notice as i64) {
        return Err(Unavailable::Notice { minutes: notice });
    }
    if online && !within_limit_at_a_glance(policy, tables, ask.party) {
        let limit = policy.party_limit(tables);
        if ask.party.get() > limit {
            return Err(Unavailable::PartyTooLarge { limit });
        }
    }
    let candidates = match ask.tables {
        Some(ids) => vec![requested_seating(tables, ids, ask)?],
        None => {
            let usable: Vec<&TableInfo> = tables.iter().filter(|t| !t.walk_in_only).collect();
            seatings(&usable, ask.party)
        }
    };
    if candidates.is_empty() {
        return Err(Unavailable::NoTableFits);
    }
    let until = slot.end + policy.rules.buffer();
    let free: Vec<&Seating> = candidates
        .iter()
        .filter(|s| s.tables.iter().all(|t| table_is_free(holds, &t.id, slot.start, until)))
        .collect();
    if free.is_empty() {
        return Err(Unavailable::AllHeld);
    }
    let percent = policy.rules.walk_in_seats_percent;
    let allowed: Vec<&Seating> = if online && percent > 0 {
        let cap = online_seat_cap(tables, percent);
        let held = peak_held_seats(tables, holds, slot.start, until);
        free.into_iter().filter(|s| held + s.seats as u32 <= cap).collect()
    } else {
        free
    };
    let Some(first) = allowed.first() else {
        return Err(Unavailable::HoldBack { percent });
    };
    // Among the seatings as good as the first by the static order, the
    // tightest fit in time; then by label, for a stable answer.
    let key = first.static_key();
    let best = allowed
        .iter()
        .take_while(|s| s.static_key() == key)
        .min_by(|a, b| {
            slack(a, holds, slot.start, until)
                .cmp(&slack(b, holds, slot.start, until))
                .then_with(|| a.labels_cmp(b))
        })
        .expect("at least the first");
    Ok(best.tables.clone())
}

/// Whether the party is surely within the online limit: no larger than the
/// restaurant's own limit and than some single table offered online. (The
/// full limit, with joined tables, is computed only when this fails; the
/// slot lists ask this for every slot and table.)
fn within_limit_at_a_glance(policy: &Policy, tables: &[TableInfo], party: PartySize) -> bool {
    policy.rules.max_party_size.is_none_or(|max| party.get() <= max)
        && tables.iter().any(|t| !t.walk_in_only && t.seats.fits(party))
}

/// The seating a booker asked for by naming tables.
fn requested_seating<'t>(
    tables: &'t [TableInfo],
    ids: &[String],
    ask: Ask<'_>,
) -> Result<Seating<'t>, Unavailable> {
    let mut chosen: Vec<&TableInfo> = Vec::new();
    for id in ids {
        let table = tables.iter().find(|t| &t.id == id).ok_or(Unavailable::UnknownTable)?;
        if ask.channel == Channel::Online && table.walk_in_only {
            return Err(Unavailable::UnknownTable);
        }
        if !chosen.iter().any(|c| c.id == table.id) {
            chosen.push(table);
        }
    }
    match chosen.as_slice() {
        [] => Err(Unavailable::UnknownTable),
        [one] if !one.suits(ask.party) => Err(Unavailable::TooSmall),
        [_] => Ok(seating(chosen)),
        [first, rest @ ..] => {
            let group = first.join_group.as_deref();
            if group.is_none()
                || rest.iter().any(|t| t.join_group.as_deref() != group)
                || chosen.len() > MAX_JOINED_TABLES
            {
                return Err(Unavailable::NotJoinable);
            }
            let seating = seating(chosen);
            if seating.seats < ask.party.get() as u16 {
                return Err(Unavailable::TooSmall);
            }
            Ok(seating)
        }
    }
}

/// Labels in the order people expect: "T2" before "T10".
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
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

/// The start times of `date` nearest to `wanted` (before or after) where the
/// party can be seated now, in time order.
pub fn alternatives(
    policy: &Policy,
    floor: Floor<'_>,
    date: NaiveDate,
    ask: Ask<'_>,
    wanted: DateTime<Utc>,
    now: DateTime<Utc>,
    how_many: usize,
) -> Vec<Slot> {
    let mut free: Vec<Slot> = policy
        .grid(date, Some(ask.party))
        .into_iter()
        .filter(|s| s.start != wanted)
        .filter(|s| seat(policy, floor, date, s, ask, now).is_ok())
        .collect();
    free.sort_by_key(|s| ((s.start - wanted).num_seconds().abs(), s.start));
    free.truncate(how_many);
    free.sort_by_key(|s| s.start);
    free
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: &str = "2026-12-04T08:00:00Z";

    fn at(hhmm: &str) -> DateTime<Utc> {
        format!("2026-12-04T{hhmm}:00Z").parse().unwrap()
    }

    fn date() -> NaiveDate {
        "2026-12-04".parse().unwrap()
    }

    fn table(id: &str, seats: i64) -> TableInfo {
        TableInfo {
            id: id.into(),
            label: id.into(),
            seats: Seats::new(seats).unwrap(),
            min_party: 1,
            join_group: None,
            walk_in_only: false,
        }
    }

    fn joinable(id: &str, seats: i64, group: &str) -> TableInfo {
        TableInfo { join_group: Some(group.into()), ..table(id, seats) }
    }

    fn hold(table: &str, from: &str, until: &str) -> Hold {
        Hold { table_id: table.into(), start: at(from), until: at(until) }
    }

    fn party(n: i64) -> PartySize {
        PartySize::new(n).unwrap()
    }

    fn policy(rules: Rules) -> Policy {
        Policy { tz: TimeZone::parse("UTC").unwrap(), hours: OpeningHours::default(), rules }
    }

    fn slot(start: &str, minutes: i64) -> Slot {
        Slot {
            start: at(start),
            end: at(start) + Duration::minutes(minutes),
            local: at(start).naive_utc(),
        }
    }

    /// The labels of the tables a party of `n` gets at 19:00.
    fn pick(
        policy: &Policy,
        tables: &[TableInfo],
        holds: &[Hold],
        n: i64,
    ) -> Result<Vec<String>, Unavailable> {
        let s = slot("19:00", 60);
        seat(
            policy,
            Floor { tables, holds },
            date(),
            &s,
            Ask::online(party(n)),
            NOW.parse().unwrap(),
        )
        .map(|ts| ts.iter().map(|t| t.label.clone()).collect())
    }

    #[test]
    fn overlap_is_half_open() {
        let holds = [hold("T1", "19:00", "20:00")];
        assert!(table_is_free(&holds, "T1", at("18:00"), at("19:00")));
        assert!(table_is_free(&holds, "T1", at("20:00"), at("21:00")));
        for (from, until) in [
            ("19:00", "20:00"),
            ("19:15", "19:45"),
            ("18:00", "21:00"),
            ("18:30", "19:30"),
            ("19:59", "21:00"),
        ] {
            assert!(!table_is_free(&holds, "T1", at(from), at(until)), "{from}–{until}");
        }
        assert!(table_is_free(&holds, "T2", at("19:00"), at("20:00")));
    }

    #[test]
    fn an_in_progress_reservation_blocks_a_later_start() {
        let p = policy(Rules::default());
        let tables = [table("T1", 4)];
        let holds = [hold("T1", "18:30", "19:30")];
        assert_eq!(pick(&p, &tables, &holds, 2), Err(Unavailable::AllHeld));
    }

    #[test]
    fn the_smallest_single_table_that_fits_is_given() {
        let p = policy(Rules::default());
        let tables = [table("T8", 8), table("T2", 2), table("T4", 4), table("T4b", 4)];
        assert_eq!(pick(&p, &tables, &[], 2).unwrap(), ["T2"]);
        assert_eq!(pick(&p, &tables, &[], 3).unwrap(), ["T4"]);
        assert_eq!(pick(&p, &tables, &[hold("T4", "19:00", "20:00")], 3).unwrap(), ["T4b"]);
        assert_eq!(pick(&p, &tables, &[hold("T2", "18:30", "19:30")], 2).unwrap(), ["T4"]);
        assert_eq!(pick(&p, &tables, &[], 9), Err(Unavailable::PartyTooLarge { limit: 8 }));
        assert_eq!(
            pick(&p, &tables, &[hold("T8", "19:00", "20:00")], 5),
            Err(Unavailable::AllHeld)
        );
    }

    #[test]
    fn a_minimum_party_keeps_small_parties_off_big_tables() {
        let p = policy(Rules::default());
        let mut big = table("T8", 8);
        big.min_party = 5;
        let tables = [big, table("T4", 4)];
        assert_eq!(pick(&p, &tables, &[], 2).unwrap(), ["T4"]);
        assert_eq!(
            pick(&p, &tables, &[hold("T4", "19:00", "20:00")], 2),
            Err(Unavailable::AllHeld)
        );
        assert_eq!(pick(&p, &tables, &[], 6).unwrap(), ["T8"]);
    }

    #[test]
    fn a_party_of_six_sits_at_a_two_and_a_four_pushed_together() {
        let p = policy(Rules::default());
        let tables = [joinable("T2", 2, "window"), joinable("T4", 4, "window"), table("T3", 3)];
        assert_eq!(pick(&p, &tables, &[], 6).unwrap(), ["T2", "T4"]);
        assert_eq!(p.party_limit(&tables), 6);
        assert_eq!(pick(&p, &tables, &[], 7), Err(Unavailable::PartyTooLarge { limit: 6 }));
        // A single table is preferred to joining when one fits.
        let with_six = [tables[0].clone(), tables[1].clone(), table("T6", 6)];
        assert_eq!(pick(&p, &with_six, &[], 6).unwrap(), ["T6"]);
        // …and joining is the fallback when it is taken.
        assert_eq!(pick(&p, &with_six, &[hold("T6", "19:00", "20:00")], 6).unwrap(), ["T2", "T4"]);
    }

    #[test]
    fn the_smallest_combination_is_chosen_and_groups_do_not_mix() {
        let p = policy(Rules::default());
        let tables = [
            joinable("A2", 2, "a"),
            joinable("A4", 4, "a"),
            joinable("A6", 6, "a"),
            joinable("B4", 4, "b"),
        ];
        // 7: A2+A6 (8 seats) beats A4+A6 (10); B4 cannot join group a.
        assert_eq!(pick(&p, &tables, &[], 7).unwrap(), ["A2", "A6"]);
        // 12 needs all three of group a.
        assert_eq!(pick(&p, &tables, &[], 12).unwrap(), ["A2", "A4", "A6"]);
    }

    #[test]
    fn a_huge_join_group_still_seats_a_party() {
        // Twenty stools in one group: tens of thousands of ways to seat six.
        let p = policy(Rules::default());
        let tables: Vec<TableInfo> =
            (1..=20).map(|i| joinable(&format!("S{i}"), 1, "bar")).collect();
        let got = pick(&p, &tables, &[], 6).unwrap();
        assert_eq!(got.len(), 6);
    }

    #[test]
    fn joinable_tables_are_kept_for_large_parties() {
        let p = policy(Rules::default());
        let tables = [joinable("J4", 4, "g"), table("S4", 4), joinable("J2", 2, "g")];
        assert_eq!(pick(&p, &tables, &[], 4).unwrap(), ["S4"]);
    }

    #[test]
    fn among_equal_tables_the_tightest_fit_in_time_wins() {
        let p = policy(Rules::default());
        let tables = [table("T1", 2), table("T2", 2)];
        // T2 is booked until 19:00: seating at 19:00 there leaves no gap,
        // and keeps T1 free all evening.
        let holds = [hold("T2", "17:00", "19:00")];
        assert_eq!(pick(&p, &tables, &holds, 2).unwrap(), ["T2"]);
    }

    #[test]
    fn walk_in_tables_are_never_given_online() {
        let p = policy(Rules::default());
        let mut w = table("W2", 2);
        w.walk_in_only = true;
        let tables = [w, table("T6", 6)];
        assert_eq!(pick(&p, &tables, &[], 2).unwrap(), ["T6"]);
        let ids = ["W2".to_string()];
        let ask = Ask { party: party(2), channel: Channel::Online, tables: Some(&ids) };
        let s = slot("19:00", 60);
        let now = NOW.parse().unwrap();
        assert_eq!(
            seat(&p, Floor { tables: &tables, holds: &[] }, date(), &s, ask, now),
            Err(Unavailable::UnknownTable)
        );
        // The restaurant itself may seat people there.
        let ask = Ask { channel: Channel::Restaurant, ..ask };
        assert_eq!(
            seat(&p, Floor { tables: &tables, holds: &[] }, date(), &s, ask, now).unwrap()[0].label,
            "W2"
        );
        // A walk-in table does not count towards the online party limit.
        assert_eq!(p.party_limit(&tables), 6);
    }

    #[test]
    fn the_hold_back_keeps_a_share_of_seats_off_online_booking() {
        // 20 seats, 25% held back: online holds stay at 15 seats or fewer.
        let p = policy(Rules { walk_in_seats_percent: 25, ..Rules::default() });
        let tables = [table("A", 4), table("B", 4), table("C", 4), table("D", 8)];
        let holds = [hold("D", "18:00", "20:00"), hold("A", "19:30", "20:30")];
        // 8 + 4 held at 19:30; another 4 would make 16.
        assert_eq!(pick(&p, &tables, &holds, 2), Err(Unavailable::HoldBack { percent: 25 }));
        // Before the second hold begins there is room.
        let early = slot("18:00", 60);
        let now = NOW.parse().unwrap();
        let got = seat(
            &p,
            Floor { tables: &tables, holds: &holds[..1] },
            date(),
            &early,
            Ask::online(party(2)),
            now,
        );
        assert!(got.is_ok(), "{got:?}");
        // The restaurant is not bound by it.
        let ask = Ask { channel: Channel::Restaurant, ..Ask::online(party(2)) };
        assert!(
            seat(
                &p,
                Floor { tables: &tables, holds: &holds },
                date(),
                &slot("19:00", 60),
                ask,
                now
            )
            .is_ok()
        );
    }

    #[test]
    fn requested_tables_must_exist_suit_and_join() {
        let p = policy(Rules::default());
        let tables =
            [joinable("T2", 2, "g"), joinable("T4", 4, "g"), table("T6", 6), table("T8", 8)];
        let ask = |ids: &[&str], n| {
            let ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
            let a = Ask { party: party(n), channel: Channel::Online, tables: Some(&ids) };
            seat(
                &p,
                Floor { tables: &tables, holds: &[] },
                date(),
                &slot("19:00", 60),
                a,
                NOW.parse().unwrap(),
            )
            .map(|ts| ts.iter().map(|t| t.label.clone()).collect::<Vec<_>>())
        };
        assert_eq!(ask(&["T4"], 3).unwrap(), ["T4"]);
        assert_eq!(ask(&["T2"], 3), Err(Unavailable::TooSmall));
        assert_eq!(ask(&["T9"], 2), Err(Unavailable::UnknownTable));
        assert_eq!(ask(&["T2", "T4"], 6).unwrap(), ["T2", "T4"]);
        assert_eq!(ask(&["T2", "T4"], 7), Err(Unavailable::TooSmall));
        assert_eq!(ask(&["T4", "T6"], 8), Err(Unavailable::NotJoinable));
    }

    #[test]
    fn the_rules_close_slots_with_a_reason() {
        let now: DateTime<Utc> = NOW.parse().unwrap();
        let tables = [table("T4", 4)];
        let check = |rules: Rules, d: &str, s: &Slot| {
            let p = policy(rules);
            seat(
                &p,
                Floor { tables: &tables, holds: &[] },
                d.parse().unwrap(),
                s,
                Ask::online(party(2)),
                now,
            )
            .map(|_| ())
        };
        let evening = slot("19:00", 60);
        assert_eq!(check(Rules::default(), "2026-12-04", &evening), Ok(()));
        assert_eq!(
            check(Rules::default(), "2026-12-04", &slot("07:00", 60)),
            Err(Unavailable::Past)
        );
        let notice = Rules { min_notice_minutes: 12 * 60, ..Rules::default() };
        assert_eq!(
            check(notice, "2026-12-04", &evening),
            Err(Unavailable::Notice { minutes: 720 })
        );
        let closed = Rules { closed_dates: vec![date()], ..Rules::default() };
        assert_eq!(check(closed, "2026-12-04", &evening), Err(Unavailable::ClosedDate));
        let window = Rules { max_days_ahead: 0, ..Rules::default() };
        let tomorrow = Slot {
            start: evening.start + Duration::days(1),
            end: evening.end + Duration::days(1),
            local: evening.local,
        };
        assert_eq!(
            check(window.clone(), "2026-12-05", &tomorrow),
            Err(Unavailable::BeyondWindow { days: 0 })
        );
        assert_eq!(check(window, "2026-12-04", &evening), Ok(()));
        let small = Rules { max_party_size: Some(1), ..Rules::default() };
        assert_eq!(
            check(small, "2026-12-04", &evening),
            Err(Unavailable::PartyTooLarge { limit: 1 })
        );
    }

    #[test]
    fn durations_follow_party_size() {
        let rules = Rules {
            duration_minutes: 150,
            durations: vec![
                DurationRule { max_party_size: 2, minutes: 75 },
                DurationRule { max_party_size: 4, minutes: 90 },
            ],
            ..Rules::default()
        };
        assert_eq!(rules.duration_minutes_for(Some(party(1))), 75);
        assert_eq!(rules.duration_minutes_for(Some(party(2))), 75);
        assert_eq!(rules.duration_minutes_for(Some(party(3))), 90);
        assert_eq!(rules.duration_minutes_for(Some(party(5))), 150);
        assert_eq!(rules.duration_minutes_for(None), 150);
        // A longer reservation must still end by closing: 12:00–22:00 with
        // 150 minutes leaves 19:00 as the last start.
        let p = policy(rules);
        let last = |n| p.grid(date(), Some(party(n))).last().map(|s| s.local.time().to_string());
        assert_eq!(last(2).as_deref(), Some("20:00:00"));
        assert_eq!(last(6).as_deref(), Some("19:00:00"));
    }

    #[test]
    fn the_buffer_is_held_like_the_reservation() {
        let p = policy(Rules { buffer_minutes: 30, ..Rules::default() });
        let tables = [table("T4", 4)];
        // A hold to 19:00 plus a new one from 19:00: fine. One that runs to
        // 19:30 because of its buffer blocks a 19:00 start.
        assert!(pick(&p, &tables, &[hold("T4", "17:30", "19:00")], 2).is_ok());
        assert_eq!(
            pick(&p, &tables, &[hold("T4", "18:00", "19:30")], 2),
            Err(Unavailable::AllHeld)
        );
        // The new reservation's own buffer reaches the next one.
        assert_eq!(
            pick(&p, &tables, &[hold("T4", "20:15", "21:00")], 2),
            Err(Unavailable::AllHeld)
        );
    }

    #[test]
    fn alternatives_are_the_nearest_free_times() {
        let p = policy(Rules::default());
        let tables = [table("T4", 4)];
        let holds = [hold("T4", "19:00", "20:00"), hold("T4", "20:00", "21:00")];
        let now = NOW.parse().unwrap();
        let alts = alternatives(
            &p,
            Floor { tables: &tables, holds: &holds },
            date(),
            Ask::online(party(2)),
            at("19:00"),
            now,
            3,
        );
        let times: Vec<String> =
            alts.iter().map(|s| s.local.time().format("%H:%M").to_string()).collect();
        assert_eq!(times, ["17:00", "18:00", "21:00"]);
    }

    #[test]
    fn labels_sort_naturally() {
        let mut labels = vec!["T10", "T2", "Patio 1", "T1"];
        labels.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(labels, ["Patio 1", "T1", "T2", "T10"]);
    }

    mod properties {
        //! The engine against a brute-force oracle: on small random floors,
        //! every subset of tables is tried, and the engine's answer must be
        //! the best valid one, or a refusal for the right reason.

        use proptest::prelude::*;

        use super::*;

        #[derive(Clone, Debug)]
        struct Case {
            tables: Vec<TableInfo>,
            holds: Vec<Hold>,
            percent: u8,
            buffer: u16,
            party: u8,
            start_quarter: i64,
            minutes: i64,
        }

        fn case() -> impl Strategy<Value = Case> {
            let table = (1i64..=8, 1u8..=3, 0usize..3, prop::bool::weighted(0.15));
            (
                prop::collection::vec(table, 1..=7),
                prop::collection::vec((0usize..7, 0i64..24, 2i64..=12), 0..10),
                prop::sample::select(vec![0u8, 0, 20, 50]),
                prop::sample::select(vec![0u16, 15]),
                1u8..=14,
                4i64..=16,
                prop::sample::select(vec![60i64, 90, 120]),
            )
                .prop_map(
                    |(tables, raw_holds, percent, buffer, party, start_quarter, minutes)| {
                        let tables: Vec<TableInfo> = tables
                            .into_iter()
                            .enumerate()
                            .map(|(i, (seats, min, group, walk_in))| TableInfo {
                                id: format!("T{i}"),
                                label: format!("T{i}"),
                                seats: Seats::new(seats).unwrap(),
                                min_party: min.min(seats as u8),
                                join_group: [None, Some("a".to_string()), Some("b".to_string())]
                                    [group]
                                    .clone(),
                                walk_in_only: walk_in,
                            })
                            .collect();
                        // Holds as the database would have them: never overlapping on a table.
                        let mut holds: Vec<Hold> = Vec::new();
                        for (t, quarter, length) in raw_holds {
                            let table = &tables[t % tables.len()];
                            let start = at("16:00") + Duration::minutes(15 * quarter);
                            let until = start + Duration::minutes(15 * length);
                            if table_is_free(&holds, &table.id, start, until) {
                                holds.push(Hold { table_id: table.id.clone(), start, until });
                            }
                        }
                        Case { tables, holds, percent, buffer, party, start_quarter, minutes }
                    },
                )
        }

        /// Every valid way to seat the party, free or not: single tables that
        /// suit it, and minimal combinations of one join group.
        fn all_seatings(tables: &[TableInfo], party: u8) -> Vec<Vec<&TableInfo>> {
            let online: Vec<&TableInfo> = tables.iter().filter(|t| !t.walk_in_only).collect();
            let mut out = Vec::new();
            for mask in 1u32..(1 << online.len()) {
                let set: Vec<&TableInfo> =
                    (0..online.len()).filter(|i| mask & (1 << i) != 0).map(|i| online[i]).collect();
                let seats: u16 = set.iter().map(|t| t.seats.get() as u16).sum();
                let valid = match set.as_slice() {
                    [one] => one.suits(PartySize::new(party as i64).unwrap()),
                    many => {
                        let group = &many[0].join_group;
                        let smallest = many.iter().map(|t| t.seats.get() as u16).min().unwrap();
                        many.len() <= MAX_JOINED_TABLES
                            && group.is_some()
                            && many.iter().all(|t| &t.join_group == group)
                            && seats >= party as u16
                            && seats - smallest < party as u16
                    }
                };
                if valid {
                    out.push(set);
                }
            }
            out
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(600))]

            #[test]
            fn the_engine_gives_the_best_valid_seating_or_the_right_reason(c in case()) {
                let p = policy(Rules {
                    walk_in_seats_percent: c.percent,
                    buffer_minutes: c.buffer,
                    ..Rules::default()
                });
                let start = at("17:00") + Duration::minutes(15 * c.start_quarter);
                let s = Slot { start, end: start + Duration::minutes(c.minutes), local: start.naive_utc() };
                let until = s.end + Duration::minutes(c.buffer as i64);
                let floor = Floor { tables: &c.tables, holds: &c.holds };
                let party = PartySize::new(c.party as i64).unwrap();
                let got = seat(&p, floor, date(), &s, Ask::online(party), NOW.parse().unwrap());

                let valid = all_seatings(&c.tables, c.party);
                let free: Vec<&Vec<&TableInfo>> = valid
                    .iter()
                    .filter(|set| set.iter().all(|t| table_is_free(&c.holds, &t.id, start, until)))
                    .collect();
                let cap = online_seat_cap(&c.tables, c.percent);
                let held = peak_held_seats(&c.tables, &c.holds, start, until);
                let seats_of = |set: &[&TableInfo]| set.iter().map(|t| t.seats.get() as u32).sum::<u32>();
                let allowed: Vec<&&Vec<&TableInfo>> = free
                    .iter()
                    .filter(|set| c.percent == 0 || held + seats_of(set) <= cap)
                    .collect();

                if c.party > p.party_limit(&c.tables) {
                    prop_assert_eq!(got, Err(Unavailable::PartyTooLarge { limit: p.party_limit(&c.tables) }));
                } else if valid.is_empty() {
                    prop_assert_eq!(got, Err(Unavailable::NoTableFits));
                } else if free.is_empty() {
                    prop_assert_eq!(got, Err(Unavailable::AllHeld));
                } else if allowed.is_empty() {
                    prop_assert_eq!(got, Err(Unavailable::HoldBack { percent: c.percent }));
                } else {
                    let chosen = got.expect("a seating exists");
                    let mut ids: Vec<&str> = chosen.iter().map(|t| t.id.as_str()).collect();
                    ids.sort_unstable();
                    // It is one of the allowed seatings…
                    let is_allowed = allowed.iter().any(|set| {
                        let mut other: Vec<&str> = set.iter().map(|t| t.id.as_str()).collect();
                        other.sort_unstable();
                        other == ids
                    });
                    prop_assert!(is_allowed, "{ids:?} is not a free, valid seating");
                    // …and none is better: a single table when one is allowed,
                    // and no allowed seating of that kind has fewer seats.
                    let key = |set: &[&TableInfo]| (set.len() > 1, seats_of(set));
                    let best = allowed.iter().map(|set| key(set)).min().unwrap();
                    prop_assert_eq!(key(&chosen), best);
                }
            }
        }
    }
}
