//! Server functions of running a restaurant: its booking rules and opening
//! hours, changes to its tables, and the day's reservations with their
//! statuses, histories and the reasons slots cannot be booked.

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::refusals::{Wording, as_form_fields};
#[cfg(feature = "ssr")]
use super::{FormError, cookies, failed, form_service, refuse, service};
use super::{FormResult, LoadError};
use crate::model::{DayExplanation, HistoryEntry, Reservation, Restaurant};

/// The weekdays as the rules form names them.
pub const WEEKDAYS: [(&str, &str); 7] = [
    ("mon", "Monday"),
    ("tue", "Tuesday"),
    ("wed", "Wednesday"),
    ("thu", "Thursday"),
    ("fri", "Friday"),
    ("sat", "Saturday"),
    ("sun", "Sunday"),
];

/// How many "party size → duration" rows the rules form offers.
pub const DURATION_ROWS: usize = 4;

/// A day's opening periods as the rules form shows them: "12:00–15:00, 18:00–23:00".
pub fn day_hours(restaurant: &Restaurant, day: &str) -> String {
    restaurant
        .opening_hours
        .iter()
        .filter(|p| p.day == day)
        .map(|p| format!("{}–{}", p.open, p.close))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads one day's periods typed as "12:00–15:00, 18:00–23:30"; blank is closed.
pub fn parse_day_hours(day: &str, text: &str) -> Result<Vec<crate::domain::PeriodSpec>, String> {
    text.split([',', ';'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (open, close) = part
                .split_once(['–', '-', '—'])
                .or_else(|| part.split_once(" to "))
                .ok_or_else(|| format!("{part:?}: write periods like 12:00–15:00"))?;
            Ok(crate::domain::PeriodSpec {
                day: day.to_string(),
                open: open.trim().to_string(),
                close: close.trim().to_string(),
            })
        })
        .collect()
}

/// What the day page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OwnerDay {
    pub restaurant: Restaurant,
    /// Whether this browser holds the restaurant's owner key.
    pub is_owner: bool,
    /// The service date shown, `YYYY-MM-DD`.
    pub date: String,
    pub date_error: Option<String>,
    /// The party size the slot explanation is for.
    pub party_size: u8,
    pub reservations: Vec<DayReservation>,
    pub explanation: Option<DayExplanation>,
}

/// A reservation of the day with its history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DayReservation {
    pub reservation: Reservation,
    pub history: Vec<HistoryEntry>,
}

/// Saves the booking rules and opening hours. The form's fields arrive as
/// `rules[slot_minutes]`, `rules[hours_mon]`, `rules[upto_1]`, …
#[server]
pub async fn save_rules(restaurant_id: String, rules: BTreeMap<String, String>) -> FormResult {
    use crate::domain::DurationRule;
    use crate::model::NewRestaurant;

    let text = |name: &str| rules.get(name).map(|v| v.trim()).unwrap_or_default().to_string();
    let mut fields = BTreeMap::new();
    let mut number = |name: &str, blank: Option<i64>| -> Option<i64> {
        let value = text(name);
        if value.is_empty() {
            return blank;
        }
        match value.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                fields.insert(name.to_string(), "enter a whole number".to_string());
                None
            }
        }
    };
    let mut input = NewRestaurant {
        slot_minutes: number("slot_minutes", None),
        duration_minutes: number("duration_minutes", None),
        buffer_minutes: number("buffer_minutes", Some(0)),
        walk_in_seats_percent: number("walk_in_seats_percent", Some(0)),
        min_notice_minutes: number("min_notice_minutes", Some(0)),
        max_days_ahead: number("max_days_ahead", None),
        // Blank: the tables decide the largest party.
        max_party_size: number("max_party_size", Some(0)),
        // Blank: unchanged (the server's default until one is set).
        requests_per_minute: number("requests_per_minute", None),
        // Blank: no reminders.
        reminder_hours_before: Some(number("reminder_hours_before", None)),
        ..Default::default()
    };
    let mut durations = Vec::new();
    for row in 1..=DURATION_ROWS {
        let (upto, minutes) = (text(&format!("upto_{row}")), text(&format!("minutes_{row}")));
        match (upto.parse::<u8>(), minutes.parse::<u16>()) {
            _ if upto.is_empty() && minutes.is_empty() => {}
            (Ok(max_party_size), Ok(minutes)) => {
                durations.push(DurationRule { max_party_size, minutes })
            }
            _ => {
                fields.insert(
                    "durations".to_string(),
                    "fill in both the party size and the minutes of each row".to_string(),
                );
            }
        }
    }
    input.durations = Some(durations);
    let mut hours = Vec::new();
    for (day, name) in WEEKDAYS {
        match parse_day_hours(day, &text(&format!("hours_{day}"))) {
            Ok(periods) => hours.extend(periods),
            Err(message) => {
                fields.insert(format!("hours_{day}"), format!("{name}: {message}"));
            }
        }
    }
    if hours.is_empty() && !fields.keys().any(|k| k.starts_with("hours_")) {
        fields.insert("hours".to_string(), "open on at least one day".to_string());
    }
    input.opening_hours = Some(hours);
    input.closed_dates = Some(
        text("closed_dates")
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|d| !d.is_empty())
            .map(String::from)
            .collect(),
    );
    let values = rules.clone();
    if !fields.is_empty() {
        return refuse(FormError::Invalid { fields, values });
    }
    let key = cookies::owner_key(&restaurant_id);
    let wording = Wording {
        not_allowed: "Only the restaurant's owner can change its rules.",
        gone: Some("This restaurant no longer exists."),
        failed: "The rules could not be saved. Please try again.",
        one_line: None,
    };
    match form_service()?.update_restaurant(&restaurant_id, key.as_deref(), input).await {
        Ok(_) => Ok(None),
        Err(err) => wording.refuse(as_form_fields(err), values),
    }
}

/// Changes one table. The form's fields arrive as `table[capacity]`, …
#[server]
pub async fn edit_table(
    restaurant_id: String,
    table_id: String,
    table: BTreeMap<String, String>,
) -> FormResult {
    use crate::model::TableChanges;

    let text = |name: &str| table.get(name).map(|v| v.trim().to_string());
    let mut fields = BTreeMap::new();
    let mut number = |name: &str| -> Option<i64> {
        let value = text(name).filter(|v| !v.is_empty())?;
        value
            .parse()
            .map_err(|_| fields.insert(name.to_string(), "enter a whole number".into()))
            .ok()
    };
    let changes = TableChanges {
        capacity: number("capacity"),
        min_party_size: number("min_party_size").or(Some(1)),
        label: text("label"),
        area: Some(text("area").unwrap_or_default()),
        join_group: Some(text("join_group").unwrap_or_default()),
        walk_in_only: Some(text("walk_in_only").is_some()),
    };
    let mut values = table.clone();
    values.insert("table_id".into(), table_id.clone());
    if !fields.is_empty() {
        return refuse(FormError::Invalid { fields, values });
    }
    let key = cookies::owner_key(&restaurant_id);
    let wording = Wording {
        not_allowed: "Only the restaurant's owner can change its tables.",
        gone: Some("That table no longer exists."),
        failed: "The table could not be changed. Please try again.",
        one_line: None,
    };
    match form_service()?.update_table(&restaurant_id, &table_id, key.as_deref(), changes).await {
        Ok(_) => Ok(None),
        Err(err) => wording.refuse(err, values),
    }
}

/// Stops offering a table; reservations that have it keep it.
#[server]
pub async fn retire_table(restaurant_id: String, table_id: String) -> FormResult {
    let key = cookies::owner_key(&restaurant_id);
    // A table removed already (in another tab, say) is done.
    let wording = Wording {
        not_allowed: "Only the restaurant's owner can remove tables.",
        gone: None,
        failed: "The table could not be removed. Please try again.",
        one_line: None,
    };
    match form_service()?.remove_table(&restaurant_id, &table_id, key.as_deref()).await {
        Ok(()) => Ok(None),
        Err(err) => wording.refuse(err, BTreeMap::new()),
    }
}

/// A service day of a restaurant: its reservations with their histories and
/// why each slot can or cannot be booked for a party (owner only; others get
/// the restaurant and `is_owner: false`).
#[server]
pub async fn get_owner_day(
    id: String,
    date: String,
    party_size: String,
) -> Result<Option<OwnerDay>, LoadError> {
    use crate::domain::PartySize;

    let service = service()?;
    let Some(start) = super::owner::owner_day_start(&service, &id, &date).await? else {
        return Ok(None);
    };
    let super::owner::OwnerDayStart { restaurant, key, is_owner, date, date_error } = start;
    let party = PartySize::parse(&party_size).unwrap_or(PartySize::DEFAULT);
    let mut day = OwnerDay {
        restaurant,
        is_owner,
        date: date.format("%Y-%m-%d").to_string(),
        date_error,
        party_size: party.get(),
        reservations: Vec::new(),
        explanation: None,
    };
    if !is_owner {
        return Ok(Some(day));
    }
    let reservations = service.day_reservations(&id, key.as_deref(), date).await.map_err(failed)?;
    for reservation in reservations {
        let history = service.history(&reservation.id, key.as_deref()).await.map_err(failed)?;
        day.reservations.push(DayReservation { reservation, history: history.items });
    }
    day.explanation =
        Some(service.explain_day(&id, key.as_deref(), date, party).await.map_err(failed)?);
    Ok(Some(day))
}

/// Changes a reservation's status, as its restaurant's owner.
#[server]
pub async fn change_status(
    restaurant_id: String,
    reservation_id: String,
    status: String,
) -> FormResult {
    use crate::model::StatusChange;

    let key = cookies::owner_key(&restaurant_id);
    let change = StatusChange { status: Some(status), reason: None };
    // A reservation is "not found" for anyone but its restaurant's owner.
    let wording = Wording {
        not_allowed: "Only the restaurant's owner can change reservations.",
        gone: Some("Only the restaurant's owner can change reservations."),
        failed: "The reservation could not be changed. Please try again.",
        one_line: Some("Not changed"),
    };
    match form_service()?.set_status(&reservation_id, key.as_deref(), change).await {
        Ok(_) => Ok(None),
        Err(err) => wording.refuse(err, BTreeMap::new()),
    }
}

/// Moves a reservation to another day, time, party size or tables, as its
/// restaurant's owner. The ticked tables arrive as `tables[table-<id>]`
/// (a key that does not start with a digit, so it is not read as a list
/// index); none ticked lets the engine choose.
#[server]
pub async fn move_booking(
    restaurant_id: String,
    reservation_id: String,
    date: String,
    time: String,
    party_size: String,
    tables: Option<BTreeMap<String, String>>,
) -> FormResult {
    use crate::model::ReservationChanges;

    let party = match party_size.trim().parse::<i64>() {
        Ok(n) => Some(n),
        Err(_) => {
            return refuse(FormError::Refused(
                "Not moved: enter the number of people, 1 to 20.".into(),
            ));
        }
    };
    let table_ids: Vec<String> = tables
        .unwrap_or_default()
        .into_keys()
        .map(|key| key.trim_start_matches("table-").to_string())
        .collect();
    let changes = ReservationChanges {
        start: Some(format!("{}T{}", date.trim(), time.trim())),
        party_size: party,
        table_ids: (!table_ids.is_empty()).then_some(table_ids),
    };
    let key = cookies::owner_key(&restaurant_id);
    // A reservation is "not found" for anyone but its restaurant's owner.
    let wording = Wording {
        not_allowed: "Only the restaurant's owner can move reservations.",
        gone: Some("Only the restaurant's owner can move reservations."),
        failed: "The reservation could not be moved. Please try again.",
        one_line: Some("Not moved"),
    };
    match form_service()?.move_reservation(&reservation_id, key.as_deref(), changes).await {
        Ok(_) => Ok(None),
        Err(err) => wording.refuse(err, BTreeMap::new()),
    }
}
