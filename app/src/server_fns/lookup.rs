//! Server functions of "Find my reservations": send a one-time code to a
//! phone or email, then show that contact's reservations for the code.
//! Between the steps the contact is kept in a short-lived signed cookie
//! (`covers_lookup`), never in the address; once the code is right the
//! cookie says so for half an hour, and the page lists the reservations.

#[cfg(feature = "ssr")]
use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::refusals::Wording;
#[cfg(feature = "ssr")]
use super::{FormError, failed, form_service, refuse, service};
use super::{FormResult, LoadError};
use crate::model::Reservation;

/// Where the person is in finding their reservations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Lookup {
    /// Nothing asked yet: the contact field.
    Ask,
    /// A code was sent (if the contact has reservations): the code field.
    Code,
    /// The code was right: the contact's reservations with their manage links.
    Found(Vec<FoundReservation>),
}

/// A reservation found, with the path of its manage page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FoundReservation {
    pub reservation: Reservation,
    pub manage_path: String,
}

#[cfg(feature = "ssr")]
mod state {
    use serde::{Deserialize, Serialize};

    use crate::server_fns::cookies;

    const COOKIE: &str = "covers_lookup";
    const PURPOSE: &str = "reservation lookup";
    /// How long the list stays open once the code was right.
    pub const FOUND_SECONDS: i64 = 30 * 60;

    /// What the cookie holds: the contact as typed, until when a code may
    /// be entered, and until when the list is open.
    #[derive(Serialize, Deserialize)]
    pub struct Kept {
        pub contact: String,
        pub until: i64,
        pub found: bool,
    }

    pub fn keep(kept: &Kept) {
        let Ok(json) = serde_json::to_vec(kept) else { return };
        let seconds = (kept.until - chrono::Utc::now().timestamp()).max(1);
        cookies::set_signed(COOKIE, PURPOSE, &json, seconds);
    }

    pub fn read() -> Option<Kept> {
        let data = cookies::get_signed(COOKIE, PURPOSE)?;
        let kept: Kept = serde_json::from_slice(&data).ok()?;
        (kept.until > chrono::Utc::now().timestamp()).then_some(kept)
    }

    pub fn forget() {
        cookies::set(COOKIE, "", 0);
    }
}

/// What the page shows now.
#[server]
pub async fn lookup_state() -> Result<Lookup, LoadError> {
    let Some(kept) = state::read() else { return Ok(Lookup::Ask) };
    if !kept.found {
        return Ok(Lookup::Code);
    }
    let found = service()?.reservations_of_contact(&kept.contact).await.map_err(failed)?;
    Ok(Lookup::Found(
        found
            .into_iter()
            .map(|f| FoundReservation {
                manage_path: format!("/manage/{}", f.manage_token),
                reservation: f.reservation,
            })
            .collect(),
    ))
}

/// Sends a code to the phone or email typed (when it has reservations).
#[server]
pub async fn send_lookup_code(contact: String) -> FormResult {
    use crate::server::service::CODE_LIFE_SECS;

    let values: BTreeMap<String, String> = [("contact".to_string(), contact.clone())].into();
    match form_service()?.send_lookup_code(&contact).await {
        Ok(()) => {
            let until = chrono::Utc::now().timestamp() + CODE_LIFE_SECS;
            state::keep(&state::Kept { contact: contact.trim().to_string(), until, found: false });
            leptos_axum::redirect("/reservations/find");
            Ok(None)
        }
        Err(err) => Wording {
            not_allowed: "The code could not be sent. Please try again.",
            gone: None,
            failed: "The code could not be sent. Please try again.",
            one_line: None,
        }
        .refuse(err, values),
    }
}

/// Checks the code sent to the contact kept by [`send_lookup_code`].
#[server]
pub async fn verify_lookup_code(code: String) -> FormResult {
    let values: BTreeMap<String, String> = [("code".to_string(), code.clone())].into();
    let Some(kept) = state::read().filter(|k| !k.found) else {
        return refuse(FormError::Refused(
            "The code has expired. Please ask for a new one.".into(),
        ));
    };
    // Wrong codes count against the client and the contact, as wrong
    // reservation codes do.
    let target = crate::domain::Contact::parse(&kept.contact)
        .map(|c| format!("contact {}", c.key()))
        .unwrap_or_default();
    if let Err(refusal) = super::guess_allowed(&target) {
        return refuse(refusal);
    }
    match form_service()?.verify_lookup_code(&kept.contact, &code).await {
        Ok(_) => {
            let until = chrono::Utc::now().timestamp() + state::FOUND_SECONDS;
            state::keep(&state::Kept { contact: kept.contact, until, found: true });
            leptos_axum::redirect("/reservations/find");
            Ok(None)
        }
        Err(err) => {
            if matches!(err, crate::server::ServiceError::InvalidCode) {
                super::guess_failed(&target);
            }
            Wording {
                not_allowed: "The code could not be checked. Please try again.",
                gone: None,
                failed: "The code could not be checked. Please try again.",
                one_line: None,
            }
            .refuse(err, values)
        }
    }
}

/// Starts again with another phone number or email.
#[server]
pub async fn forget_lookup() -> FormResult {
    state::forget();
    leptos_axum::redirect("/reservations/find");
    Ok(None)
}
