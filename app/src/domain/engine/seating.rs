//! How a party is seated: the one predicate [`seat`], the ways to seat a
//! party at one table or at tables pushed together, the walk-in hold-back,
//! and the nearest times offered after a refusal.

use std::cmp::Ordering;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::*;

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
pub(super) fn online_seat_cap(tables: &[TableInfo], percent: u8) -> u32 {
    let bookable: u32 =
        tables.iter().filter(|t| !t.walk_in_only).map(|t| t.seats.get() as u32).sum();
    bookable * (100 - percent.min(100) as u32) / 100
}

/// The most seats held at any instant of `[start, until)` by `holds` on `tables`.
pub(super) fn peak_held_seats(
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
