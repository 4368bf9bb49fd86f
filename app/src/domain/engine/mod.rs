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

mod seating;

pub use seating::{Ask, Floor, alternatives, natural_cmp, seat};

#[cfg(test)]
mod tests;
