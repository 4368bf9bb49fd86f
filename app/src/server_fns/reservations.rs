//! Server functions of the diner's side: a slot's details, reserving,
//! finding, viewing and cancelling reservations kept in this browser.

#[cfg(feature = "ssr")]
use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::refusals::Wording;
#[cfg(feature = "ssr")]
use super::service;
#[cfg(feature = "ssr")]
use super::{Alternative, FormError, cookies, failed, form_service, refuse};
use super::{FormResult, LoadError};
#[cfg(feature = "ssr")]
use crate::model::people;
use crate::model::{Reservation, TableAvailability};

/// What the slot page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlotDetails {
    pub restaurant_id: String,
    pub restaurant_name: String,
    /// The start as the form sends it back: local `YYYY-MM-DDTHH:MM`.
    pub start: String,
    /// "Friday 4 December 2026 at 19:00"
    pub when: String,
    pub party_size: u8,
    /// The tables free for the whole slot that seat the party alone.
    pub tables: Vec<TableAvailability>,
    /// The tables "any table" would give: one, or several pushed together.
    pub assigned: Vec<TableAvailability>,
    /// Why the slot cannot be booked, if it cannot.
    pub problem: Option<String>,
}

/// A reservation kept in this browser, with its confirmation code.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MyReservation {
    pub reservation: Reservation,
    pub code: String,
}

/// "Friday 4 December 2026 at 19:00"
pub fn long_when(t: &chrono::DateTime<chrono::FixedOffset>) -> String {
    t.format("%A %-d %B %Y at %H:%M").to_string()
}

/// The slot starting at `start` (local `YYYY-MM-DDTHH:MM`) for a party.
#[server]
pub async fn get_slot(
    id: String,
    start: String,
    party_size: String,
) -> Result<Option<SlotDetails>, LoadError> {
    use crate::domain::{PartySize, Start};
    use crate::server::ServiceError;
    use crate::server::service::SlotView;

    let service = service()?;
    let restaurant = match service.restaurant(&id).await {
        Ok(r) => r,
        Err(ServiceError::NotFound(_)) => return Ok(None),
        Err(e) => return Err(failed(e)),
    };
    let party = PartySize::parse(&party_size).unwrap_or(PartySize::DEFAULT);
    let start = start.trim().to_string();
    let mut details = SlotDetails {
        restaurant_id: restaurant.id.clone(),
        restaurant_name: restaurant.name.clone(),
        start: start.clone(),
        when: start.replace('T', " "),
        party_size: party.get(),
        tables: Vec::new(),
        assigned: Vec::new(),
        problem: None,
    };
    let not_a_time = || Some("This is not a time of this restaurant.".to_string());
    let Ok(asked) = Start::parse(&start) else {
        details.problem = not_a_time();
        return Ok(Some(details));
    };
    let (date, instant) = match service.slot_start(&id, asked, party).await {
        Ok(Some(slot)) => slot,
        Ok(None) => {
            details.problem = Some("The restaurant takes no reservation at this time.".into());
            return Ok(Some(details));
        }
        Err(ServiceError::Invalid(_)) => {
            details.problem = not_a_time();
            return Ok(Some(details));
        }
        Err(e) => return Err(failed(e)),
    };
    let starts_then = |s: &crate::model::SlotInfo| s.start == instant;
    let slots = service.slots(&id, date, SlotView::Tables(Some(party))).await.map_err(failed)?;
    if let Some(slot) = slots.slots.into_iter().find(starts_then) {
        details.when = long_when(&slot.start);
        details.tables = slot.tables.into_iter().filter(|t| t.available).collect();
        let available =
            service.slots(&id, date, SlotView::Seatable(party)).await.map_err(failed)?;
        details.assigned =
            available.slots.into_iter().find(starts_then).map(|s| s.tables).unwrap_or_default();
        if details.assigned.is_empty() {
            details.problem = Some(format!(
                "No table for {} is free at this time. Please choose another time.",
                people(party.get())
            ));
        }
        return Ok(Some(details));
    }
    details.problem = Some("The restaurant takes no reservation at this time.".into());
    Ok(Some(details))
}

/// Reserves; on success remembers the reservation in this browser and goes
/// to its confirmation page.
#[server]
#[allow(clippy::too_many_arguments)]
pub async fn reserve(
    restaurant_id: String,
    start: String,
    party_size: String,
    table_id: Option<String>,
    name: String,
    phone: String,
    email: Option<String>,
    notes: Option<String>,
) -> FormResult {
    use crate::model::NewReservation;
    use crate::server::ServiceError;

    let service = form_service()?;
    let values: BTreeMap<String, String> = [
        ("name", Some(name.clone())),
        ("phone", Some(phone.clone())),
        ("email", email.clone()),
        ("notes", notes.clone()),
        ("table_id", table_id.clone()),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| (k.to_string(), v)))
    .collect();
    let party: Option<i64> = party_size.trim().parse().ok();
    let request = NewReservation {
        restaurant_id: Some(restaurant_id.clone()),
        start: Some(start),
        party_size: party.or(Some(0)),
        name: Some(name),
        phone: Some(phone),
        email,
        notes,
        table_id: table_id.filter(|t| !t.trim().is_empty()),
    };
    match service.book(request).await {
        Ok(reservation) => {
            cookies::remember_reservation(
                &reservation.id,
                reservation.code.as_deref().unwrap_or_default(),
            );
            leptos_axum::redirect(&format!("/reservations/{}", reservation.id));
            Ok(None)
        }
        Err(ServiceError::SlotUnavailable { message, alternatives }) => {
            let alternatives = alternatives
                .iter()
                .map(|t| Alternative {
                    local_time: t.format("%H:%M").to_string(),
                    href: format!(
                        "/restaurants/{restaurant_id}/slot?start={}&party_size={}",
                        t.format("%Y-%m-%dT%H:%M"),
                        party.unwrap_or(2)
                    ),
                })
                .collect();
            refuse(FormError::SlotTaken {
                message: format!("Sorry, {message}."),
                alternatives,
                values,
            })
        }
        Err(err) => Wording {
            not_allowed: "Your reservation could not be saved. Please try again.",
            gone: Some("This restaurant no longer exists."),
            failed: "Your reservation could not be saved. Please try again.",
            one_line: None,
        }
        .refuse(err, values),
    }
}

/// A reservation this browser remembers, with its code.
#[server]
pub async fn get_my_reservation(id: String) -> Result<Option<MyReservation>, LoadError> {
    use crate::server::ServiceError;
    use crate::server::service::Caller;

    let Some(code) = cookies::reservation_code(&id) else { return Ok(None) };
    match service()?.reservation(&id, &Caller::Diner { code: code.clone() }).await {
        Ok(reservation) => Ok(Some(MyReservation { reservation, code })),
        Err(ServiceError::NotFound(_)) => Ok(None),
        Err(e) => Err(failed(e)),
    }
}

/// Every reservation this browser remembers, newest first.
#[server]
pub async fn my_reservations() -> Result<Vec<MyReservation>, LoadError> {
    use crate::server::service::Caller;

    let service = service()?;
    let mut out = Vec::new();
    for (id, code) in cookies::reservations() {
        if let Ok(reservation) =
            service.reservation(&id, &Caller::Diner { code: code.clone() }).await
        {
            out.push(MyReservation { reservation, code });
        }
    }
    Ok(out)
}

/// Cancels a reservation this browser remembers.
#[server]
pub async fn cancel_my_reservation(id: String) -> FormResult {
    use crate::server::service::Caller;

    let Some(code) = cookies::reservation_code(&id) else {
        return refuse(FormError::Refused("This reservation is not kept in this browser.".into()));
    };
    match form_service()?.cancel(&id, &Caller::Diner { code }, None).await {
        Ok(_) => {
            leptos_axum::redirect(&format!("/reservations/{id}"));
            Ok(None)
        }
        Err(err) => Wording {
            not_allowed: "This reservation was not found.",
            gone: Some("This reservation was not found."),
            failed: "The reservation could not be cancelled. Please try again.",
            one_line: None,
        }
        .refuse(err, BTreeMap::new()),
    }
}

/// Finds a reservation by its id and code and remembers it in this browser.
#[server]
pub async fn find_reservation(reservation_id: String, code: String) -> FormResult {
    use crate::server::ServiceError;
    use crate::server::service::Caller;

    let values: BTreeMap<String, String> = [
        ("reservation_id".to_string(), reservation_id.clone()),
        ("code".to_string(), code.clone()),
    ]
    .into();
    let mut fields = BTreeMap::new();
    let id = reservation_id.trim().to_string();
    let code = crate::server::secrets::normalize_code(&code);
    if id.is_empty() {
        fields.insert("reservation_id".to_string(), "enter the reservation number".to_string());
    }
    if code.is_empty() {
        fields.insert("code".to_string(), "enter the confirmation code".to_string());
    }
    if !fields.is_empty() {
        return refuse(FormError::Invalid { fields, values });
    }
    let target = format!("reservation {id}");
    if let Err(refusal) = super::guess_allowed(&target) {
        return refuse(refusal);
    }
    match form_service()?.reservation(&id, &Caller::Diner { code: code.clone() }).await {
        Ok(_) => {
            cookies::remember_reservation(&id, &code);
            leptos_axum::redirect(&format!("/reservations/{id}"));
            Ok(None)
        }
        Err(ServiceError::NotFound(_)) => {
            super::guess_failed(&target);
            refuse(FormError::Invalid {
                fields: [(
                    "code".to_string(),
                    "no reservation has this number and code".to_string(),
                )]
                .into(),
                values,
            })
        }
        Err(err) => Wording {
            not_allowed: "The reservation could not be looked up. Please try again.",
            gone: None,
            failed: "The reservation could not be looked up. Please try again.",
            one_line: None,
        }
        .refuse(err, values),
    }
}
