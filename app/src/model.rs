//! The shapes that travel: what the JSON API returns and what server
//! functions hand to pages. Compiled for the server and the browser alike.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::domain::{DurationRule, PeriodSpec};

/// Instants on the wire: RFC 3339 with the restaurant's offset, always
/// written as `+HH:MM` (`2026-12-04T19:00:00+01:00`, and `+00:00`, not `Z`).
pub mod rfc3339 {
    use chrono::{DateTime, FixedOffset, SecondsFormat};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn format(t: &DateTime<FixedOffset>) -> String {
        t.to_rfc3339_opts(SecondsFormat::Secs, false)
    }

    pub fn serialize<S: Serializer>(t: &DateTime<FixedOffset>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format(t))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<FixedOffset>, D::Error> {
        let text = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&text).map_err(serde::de::Error::custom)
    }

    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(
            t: &Option<DateTime<FixedOffset>>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match t {
                Some(t) => s.serialize_some(&format(t)),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|text| DateTime::parse_from_rfc3339(&text).map_err(serde::de::Error::custom))
                .transpose()
        }
    }
}

/// How a party size reads: "1 person", "4 people".
pub fn people(n: u8) -> String {
    if n == 1 { "1 person".to_string() } else { format!("{n} people") }
}

/// A restaurant as diners and integrators see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Restaurant {
    pub id: String,
    pub name: String,
    pub phone: String,
    pub email: Option<String>,
    pub address: Option<String>,
    pub city: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub timezone: String,
    pub opening_hours: Vec<PeriodSpec>,
    pub slot_minutes: u16,
    pub duration_minutes: u16,
    pub durations: Vec<DurationRule>,
    pub buffer_minutes: u16,
    pub walk_in_seats_percent: u8,
    pub min_notice_minutes: u32,
    pub max_days_ahead: u16,
    pub max_party_size: Option<u8>,
    pub closed_dates: Vec<NaiveDate>,
    /// Requests a minute the restaurant's pages and API take from everyone
    /// together; `null`: the server's default.
    #[serde(default)]
    pub requests_per_minute: Option<u16>,
    /// Hours before a reservation its reminder goes; `null`: no reminders.
    #[serde(default)]
    pub reminder_hours_before: Option<u16>,
    #[serde(with = "rfc3339")]
    pub created_at: DateTime<FixedOffset>,
    #[serde(with = "rfc3339")]
    pub updated_at: DateTime<FixedOffset>,
    /// The bookable tables, when the restaurant is fetched on its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tables: Option<Vec<Table>>,
}

/// A table of a restaurant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Table {
    pub id: String,
    pub label: String,
    pub capacity: u8,
    /// The smallest party seated at this table alone.
    pub min_party_size: u8,
    pub area: Option<String>,
    /// Tables with the same join group may be pushed together for one party.
    pub join_group: Option<String>,
    /// Kept for walk-ins: never offered online.
    pub walk_in_only: bool,
    pub active: bool,
}

/// One page of the restaurant list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RestaurantPage {
    pub items: Vec<Restaurant>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
}

/// The slots of one date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DaySlots {
    pub date: NaiveDate,
    pub timezone: String,
    pub slots: Vec<SlotInfo>,
}

/// A slot and its tables.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SlotInfo {
    #[serde(with = "rfc3339")]
    pub start: DateTime<FixedOffset>,
    /// The wall time the restaurant calls it: "19:00".
    pub local_time: String,
    pub tables: Vec<TableAvailability>,
}

/// Whether one table is free for a whole slot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TableAvailability {
    pub table_id: String,
    pub label: String,
    pub capacity: u8,
    pub available: bool,
}

/// Reservation statuses. Only `pending`, `confirmed` and `seated` hold tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pending,
    Confirmed,
    Seated,
    Completed,
    Cancelled,
    NoShow,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Pending,
        Status::Confirmed,
        Status::Seated,
        Status::Completed,
        Status::Cancelled,
        Status::NoShow,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Confirmed => "confirmed",
            Status::Seated => "seated",
            Status::Completed => "completed",
            Status::Cancelled => "cancelled",
            Status::NoShow => "no_show",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn holds_tables(self) -> bool {
        matches!(self, Status::Pending | Status::Confirmed | Status::Seated)
    }

    /// The statuses an owner can move a reservation to from this one.
    /// Besides the usual path, a mistaken seating or no-show can be undone,
    /// a no-show who turns up late can be seated, and a cancelled
    /// reservation can be brought back.
    pub fn next_steps(self) -> &'static [Status] {
        use Status::*;
        match self {
            Pending => &[Confirmed, Seated, Cancelled, NoShow],
            Confirmed => &[Seated, Cancelled, NoShow],
            Seated => &[Completed, Confirmed],
            NoShow => &[Seated, Confirmed],
            Cancelled => &[Confirmed],
            Completed => &[],
        }
    }

    /// What the button that makes this change says.
    pub fn step_label(self, to: Status) -> &'static str {
        use Status::*;
        match (self, to) {
            (Pending, Confirmed) => "Confirm",
            (Seated, Confirmed) => "Undo seating",
            (NoShow, Confirmed) => "Undo no-show",
            (Cancelled, Confirmed) => "Reinstate",
            (_, Seated) => "Seat",
            (_, Completed) => "Complete",
            (_, Cancelled) => "Cancel",
            (_, NoShow) => "No-show",
            (_, Pending) => "Mark pending",
            (_, Confirmed) => "Confirm",
        }
    }

    /// How a person reads it.
    pub fn label(self) -> &'static str {
        match self {
            Status::Pending => "Pending",
            Status::Confirmed => "Confirmed",
            Status::Seated => "Seated",
            Status::Completed => "Completed",
            Status::Cancelled => "Cancelled",
            Status::NoShow => "No-show",
        }
    }
}

/// A table a reservation holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HeldTable {
    pub id: String,
    pub label: String,
    pub capacity: u8,
}

/// A reservation. `code` is present only in the answer that created it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Reservation {
    pub id: String,
    pub restaurant_id: String,
    pub restaurant_name: String,
    pub status: Status,
    #[serde(with = "rfc3339")]
    pub start: DateTime<FixedOffset>,
    #[serde(with = "rfc3339")]
    pub end: DateTime<FixedOffset>,
    pub party_size: u8,
    pub tables: Vec<HeldTable>,
    pub name: String,
    pub phone: String,
    pub email: Option<String>,
    pub notes: String,
    #[serde(with = "rfc3339")]
    pub created_at: DateTime<FixedOffset>,
    #[serde(with = "rfc3339")]
    pub updated_at: DateTime<FixedOffset>,
    #[serde(with = "rfc3339::option")]
    pub cancelled_at: Option<DateTime<FixedOffset>>,
    pub cancelled_by: Option<String>,
    pub cancel_reason: Option<String>,
    /// When the diner said they are coming (through their manage link).
    #[serde(default, with = "rfc3339::option")]
    pub diner_confirmed_at: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// A new restaurant. Every field is optional here so that a missing one is
/// reported as a validation error naming it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewRestaurant {
    #[cfg_attr(
        feature = "ssr",
        schema(
            required = true,
            nullable = false,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub name: Option<String>,
    #[cfg_attr(
        feature = "ssr",
        schema(
            required = true,
            nullable = false,
            pattern = r"^\+?[ ().\-]*([0-9][ ().\-]*){7,15}$"
        )
    )]
    pub phone: Option<String>,
    #[cfg_attr(
        feature = "ssr",
        schema(
            pattern = r"^$|^[^\s@\u0000-\u001f\u007f-\u009f]+@[^\s@.\u0000-\u001f\u007f-\u009f][^\s@\u0000-\u001f\u007f-\u009f]*\.[^\s@\u0000-\u001f\u007f-\u009f]*[^\s@.\u0000-\u001f\u007f-\u009f]$"
        )
    )]
    pub email: Option<String>,
    pub address: Option<String>,
    pub city: Option<String>,
    #[cfg_attr(feature = "ssr", schema(example = "Europe/Paris"))]
    pub timezone: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub opening_hours: Option<Vec<PeriodSpec>>,
    #[serde(default, deserialize_with = "whole_number::option")]
    pub slot_minutes: Option<i64>,
    #[serde(default, deserialize_with = "whole_number::option")]
    pub duration_minutes: Option<i64>,
    pub durations: Option<Vec<DurationRule>>,
    #[serde(default, deserialize_with = "whole_number::option")]
    pub buffer_minutes: Option<i64>,
    #[serde(default, deserialize_with = "whole_number::option")]
    pub walk_in_seats_percent: Option<i64>,
    #[serde(default, deserialize_with = "whole_number::option")]
    pub min_notice_minutes: Option<i64>,
    #[serde(default, deserialize_with = "whole_number::option")]
    pub max_days_ahead: Option<i64>,
    #[serde(default, deserialize_with = "whole_number::option")]
    pub max_party_size: Option<i64>,
    #[cfg_attr(feature = "ssr", schema(inline, value_type = Option<Vec<ClosedDate>>))]
    pub closed_dates: Option<Vec<String>>,
    /// Requests a minute the restaurant's pages and API take from everyone
    /// together, 100 to 2000 (default: the server's, 2000 unless set).
    #[serde(default, deserialize_with = "whole_number::option")]
    pub requests_per_minute: Option<i64>,
    /// Hours before a reservation its reminder goes, 1 to 168 (default 24);
    /// `null` turns reminders off.
    #[serde(default, deserialize_with = "whole_number::nullable")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>, nullable))]
    pub reminder_hours_before: Option<Option<i64>>,
}

/// A date a restaurant is closed, `YYYY-MM-DD` (2000 to 2199).
#[cfg(feature = "ssr")]
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Date, pattern = r"^2[01][0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
pub struct ClosedDate(pub String);

/// A restaurant just created, with its owner key (shown this once).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CreatedRestaurant {
    #[serde(flatten)]
    pub restaurant: Restaurant,
    pub owner_key: String,
}

/// A table to add.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewTable {
    #[cfg_attr(feature = "ssr", schema(required = true, nullable = false))]
    #[serde(default, deserialize_with = "whole_number::option")]
    pub capacity: Option<i64>,
    #[cfg_attr(
        feature = "ssr",
        schema(
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub label: Option<String>,
    #[serde(default, deserialize_with = "whole_number::option")]
    pub min_party_size: Option<i64>,
    pub area: Option<String>,
    pub join_group: Option<String>,
    pub walk_in_only: Option<bool>,
}

/// Changes to a table; absent fields stay as they are, and an empty `area`
/// or `join_group` clears it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TableChanges {
    #[serde(default, deserialize_with = "whole_number::option")]
    pub capacity: Option<i64>,
    #[cfg_attr(
        feature = "ssr",
        schema(
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub label: Option<String>,
    #[serde(default, deserialize_with = "whole_number::option")]
    pub min_party_size: Option<i64>,
    pub area: Option<String>,
    pub join_group: Option<String>,
    pub walk_in_only: Option<bool>,
}

/// A reservation request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewReservation {
    #[cfg_attr(feature = "ssr", schema(required = true, nullable = false))]
    pub restaurant_id: Option<String>,
    /// RFC 3339, or a local `YYYY-MM-DDTHH:MM` read in the restaurant's zone.
    #[cfg_attr(
        feature = "ssr",
        schema(
            required = true,
            nullable = false,
            pattern = r"^2[01][0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?$"
        )
    )]
    pub start: Option<String>,
    #[cfg_attr(feature = "ssr", schema(required = true, nullable = false))]
    #[serde(default, deserialize_with = "whole_number::option")]
    pub party_size: Option<i64>,
    #[cfg_attr(
        feature = "ssr",
        schema(
            required = true,
            nullable = false,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub name: Option<String>,
    #[cfg_attr(
        feature = "ssr",
        schema(
            required = true,
            nullable = false,
            pattern = r"^\+?[ ().\-]*([0-9][ ().\-]*){7,15}$"
        )
    )]
    pub phone: Option<String>,
    #[cfg_attr(
        feature = "ssr",
        schema(
            pattern = r"^$|^[^\s@\u0000-\u001f\u007f-\u009f]+@[^\s@.\u0000-\u001f\u007f-\u009f][^\s@\u0000-\u001f\u007f-\u009f]*\.[^\s@\u0000-\u001f\u007f-\u009f]*[^\s@.\u0000-\u001f\u007f-\u009f]$"
        )
    )]
    pub email: Option<String>,
    #[cfg_attr(
        feature = "ssr",
        schema(pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$")
    )]
    pub notes: Option<String>,
    pub table_id: Option<String>,
}

/// An owner's change of a reservation's status.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    #[cfg_attr(feature = "ssr", schema(required = true, nullable = false, value_type = Status))]
    pub status: Option<String>,
    /// Why, for a cancellation.
    pub reason: Option<String>,
}

/// An owner's move of a reservation: another time, party size or tables.
/// Absent fields stay; without `table_ids` the engine assigns again.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReservationChanges {
    #[cfg_attr(
        feature = "ssr",
        schema(
            pattern = r"^2[01][0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?$"
        )
    )]
    pub start: Option<String>,
    #[serde(default, deserialize_with = "whole_number::option")]
    pub party_size: Option<i64>,
    pub table_ids: Option<Vec<String>>,
}

/// A message to a diner (or one on its way), and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Message {
    pub id: String,
    pub reservation_id: Option<String>,
    /// `confirmation`, `change`, `cancellation` or `reminder`.
    pub kind: String,
    /// `email` or `sms`.
    pub channel: String,
    /// The address or number it goes to.
    pub to: String,
    /// `pending`, `sent`, `failed`, `not_sent` or `dropped` (a reminder
    /// whose reservation moved or was cancelled).
    pub status: String,
    /// How many times it was tried.
    pub attempts: u32,
    /// Why it was not sent (yet), when it was not.
    pub last_error: Option<String>,
    #[serde(with = "rfc3339")]
    pub created_at: DateTime<FixedOffset>,
    /// When it goes (or went) out.
    #[serde(with = "rfc3339")]
    pub due_at: DateTime<FixedOffset>,
    #[serde(default, with = "rfc3339::option")]
    pub sent_at: Option<DateTime<FixedOffset>>,
}

/// One entry of a reservation's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HistoryEntry {
    #[serde(with = "rfc3339")]
    pub at: DateTime<FixedOffset>,
    /// `diner` or `owner`.
    pub by: String,
    /// What changed, in words.
    pub change: String,
    /// The status after the change, when it set one.
    pub status: Option<Status>,
}

/// A reservation's history, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct History {
    pub items: Vec<HistoryEntry>,
}

/// Why a slot cannot be booked online.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Reason {
    /// `closed_date`, `past`, `notice`, `beyond_window`, `party_too_large`,
    /// `no_table_fits`, `all_tables_held`, `walk_in_hold_back`.
    pub code: String,
    pub message: String,
}

/// A slot as the owner's explanation shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SlotExplanation {
    #[serde(with = "rfc3339")]
    pub start: DateTime<FixedOffset>,
    pub local_time: String,
    pub available: bool,
    /// The tables a booking now would get.
    pub tables: Vec<HeldTable>,
    /// Why not, when not available.
    pub reason: Option<Reason>,
}

/// Every slot of a date for a party, available or not and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DayExplanation {
    pub date: NaiveDate,
    pub timezone: String,
    pub party_size: u8,
    pub slots: Vec<SlotExplanation>,
}

/// Whole numbers as JSON may write them: `20`, or `20.0` (the same number).
pub mod whole_number {
    use std::fmt;

    use serde::Deserializer;
    use serde::de::{self, Visitor};

    struct Whole;

    impl<'de> Visitor<'de> for Whole {
        type Value = i64;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a whole number")
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
            Ok(v)
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
            i64::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
            if v.fract() == 0.0 && v.abs() < 9.0e15 {
                Ok(v as i64)
            } else {
                Err(E::invalid_value(de::Unexpected::Float(v), &self))
            }
        }
    }

    struct Maybe;

    impl<'de> Visitor<'de> for Maybe {
        type Value = Option<i64>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a whole number")
        }

        fn visit_none<E: de::Error>(self) -> Result<Option<i64>, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Option<i64>, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<i64>, D::Error> {
            d.deserialize_any(Whole).map(Some)
        }
    }

    /// An optional whole number.
    pub fn option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        d.deserialize_option(Maybe)
    }

    /// A whole number that may be `null` on purpose: absent is `None`
    /// (with `#[serde(default)]`), `null` is `Some(None)`.
    pub fn nullable<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
        d.deserialize_option(Maybe).map(Some)
    }

    /// A whole number that fits `T` (a `u8` of seats, a `u16` of minutes).
    pub fn fits<'de, D: Deserializer<'de>, T: TryFrom<i64>>(d: D) -> Result<T, D::Error> {
        let n = d.deserialize_any(Whole)?;
        T::try_from(n).map_err(|_| {
            de::Error::invalid_value(de::Unexpected::Signed(n), &"a smaller whole number")
        })
    }
}
