//! Server functions behind a manage link (`/manage/:token`): the diner sees
//! their reservation, says they are coming, changes or cancels it. The
//! token is the capability; it travels in the link and the forms, and holds
//! no personal data.

#[cfg(feature = "ssr")]
use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::refusals::Wording;
use super::{FormResult, LoadError};
#[cfg(feature = "ssr")]
use super::{failed, form_service, service};
use crate::model::Reservation;

/// What the manage page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Managed {
    pub reservation: Reservation,
    pub token: String,
    /// It has not started and holds its tables: the diner may change it,
    /// cancel it or say they are coming.
    pub open: bool,
    /// The date and time fields' values: the restaurant's `YYYY-MM-DD` and `HH:MM`.
    pub date: String,
    pub time: String,
}

/// The reservation a manage link opens; `None` when the link is not one
/// of this server's, was changed, or has expired.
#[server]
pub async fn get_managed(token: String) -> Result<Option<Managed>, LoadError> {
    use crate::model::Status;
    use crate::server::ServiceError;

    let service = service()?;
    let reservation = match service.managed(&token).await {
        Ok(r) => r,
        Err(ServiceError::NotFound(_)) => return Ok(None),
        Err(e) => return Err(failed(e)),
    };
    let started = reservation.start <= chrono::Utc::now();
    let open = !started && matches!(reservation.status, Status::Pending | Status::Confirmed);
    Ok(Some(Managed {
        date: reservation.start.format("%Y-%m-%d").to_string(),
        time: reservation.start.format("%H:%M").to_string(),
        reservation,
        token,
        open,
    }))
}

#[cfg(feature = "ssr")]
fn back_to(token: &str) {
    leptos_axum::redirect(&format!("/manage/{token}"));
}

#[cfg(feature = "ssr")]
const GONE: &str = "This link no longer opens a reservation. Find your reservations with a code.";

/// How the actions of a manage page word their refusals.
#[cfg(feature = "ssr")]
fn wording(failed: &'static str, one_line: Option<&'static str>) -> Wording {
    Wording { not_allowed: GONE, gone: Some(GONE), failed, one_line }
}

/// The reservation a form's token opens, or the form's refusal.
#[cfg(feature = "ssr")]
fn linked(service: &crate::server::Service, token: &str) -> Result<String, FormResult> {
    service.open_link(token).map_err(|_| super::refuse(super::FormError::Refused(GONE.into())))
}

/// The diner says they are coming.
#[server]
pub async fn confirm_coming(token: String) -> FormResult {
    match form_service()?.confirm_coming(&token).await {
        Ok(_) => {
            back_to(&token);
            Ok(None)
        }
        Err(err) => wording("That did not go through. Please try again.", Some("Not confirmed"))
            .refuse(err, BTreeMap::new()),
    }
}

/// The diner changes the date, time or party size: booked as a new online
/// booking would be; the old tables are let go only if the new ones hold.
#[server]
pub async fn change_managed(
    token: String,
    date: String,
    time: String,
    party_size: String,
) -> FormResult {
    use crate::model::ReservationChanges;
    use crate::server::service::Caller;

    let values: BTreeMap<String, String> = [
        ("date".to_string(), date.clone()),
        ("time".to_string(), time.clone()),
        ("party_size".to_string(), party_size.clone()),
    ]
    .into();
    let mut fields = BTreeMap::new();
    let (date, time) = (date.trim(), time.trim());
    // Checked here with fixed words: what was typed is never shown back.
    if date.is_empty() {
        fields.insert("date".to_string(), "choose a date".to_string());
    } else if let Err(e) = crate::domain::limits::parse_date(date) {
        let words = if e.0.contains("not a date") { "enter a date like 2026-12-04" } else { &e.0 };
        fields.insert("date".to_string(), words.to_string());
    }
    if time.is_empty() {
        fields.insert("time".to_string(), "choose a time".to_string());
    } else if chrono::NaiveTime::parse_from_str(time, "%H:%M").is_err() {
        fields.insert("time".to_string(), "enter a time like 19:30".to_string());
    }
    let party = match party_size.trim().parse::<i64>() {
        Ok(n) => Some(n),
        Err(_) => {
            fields.insert("party_size".to_string(), "enter the number of people".to_string());
            None
        }
    };
    if !fields.is_empty() {
        return super::refuse(super::FormError::Invalid { fields, values });
    }
    let service = form_service()?;
    let id = match linked(&service, &token) {
        Ok(id) => id,
        Err(refused) => return refused,
    };
    let changes = ReservationChanges {
        start: Some(format!("{date}T{time}")),
        party_size: party,
        table_ids: None,
    };
    match service.change_reservation(&id, Caller::Link { token: token.clone() }, changes).await {
        Ok(_) => {
            back_to(&token);
            Ok(None)
        }
        Err(err) => wording("The reservation could not be changed. Please try again.", None)
            .refuse(start_as_time(err), values),
    }
}

/// A problem with the start is shown beside the time field.
#[cfg(feature = "ssr")]
fn start_as_time(err: crate::server::ServiceError) -> crate::server::ServiceError {
    use crate::server::ServiceError;
    match err {
        ServiceError::Invalid(mut fields) => {
            if let Some(message) = fields.0.remove("start") {
                fields.0.insert("time".to_string(), message);
            }
            ServiceError::Invalid(fields)
        }
        other => other,
    }
}

/// The diner cancels.
#[server]
pub async fn cancel_managed(token: String) -> FormResult {
    use crate::server::service::Caller;

    let service = form_service()?;
    let id = match linked(&service, &token) {
        Ok(id) => id,
        Err(refused) => return refused,
    };
    match service.cancel(&id, &Caller::Link { token: token.clone() }, None).await {
        Ok(_) => {
            back_to(&token);
            Ok(None)
        }
        Err(err) => wording("The reservation could not be cancelled. Please try again.", None)
            .refuse(err, BTreeMap::new()),
    }
}
