//! A refused form posted without JavaScript comes back to its page. What it
//! needs there (the messages, what was typed, other times) travels in a
//! short-lived cookie signed with the server's key, never in the address:
//! an address can be written by anyone and ends up in histories and logs.
//! The page reads the cookie once, as it renders, and removes it.

use serde::{Deserialize, Serialize};

use super::FormError;

/// A refusal on its way back to the page whose form was refused.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FormFlash {
    /// The page the form was on (its path).
    pub page: String,
    /// The server function that refused (its URL path).
    pub action: String,
    pub error: FormError,
}

#[cfg(feature = "ssr")]
mod ssr {
    use axum::http::{header, request::Parts};
    use leptos::prelude::use_context;

    use super::FormFlash;
    use crate::server_fns::{FormError, cookies};

    const COOKIE: &str = "covers_form";
    const PURPOSE: &str = "form refusal";
    /// Long enough for the redirect back, short enough not to linger.
    const SECONDS: i64 = 120;

    /// Keeps `error` for the page the current form post came from.
    pub fn keep(error: FormError) {
        let Some(parts) = use_context::<Parts>() else { return };
        let page = parts
            .headers
            .get(header::REFERER)
            .and_then(|v| v.to_str().ok())
            .and_then(|r| r.parse::<axum::http::Uri>().ok())
            .map(|uri| uri.path().to_string())
            .unwrap_or_default();
        let mut flash = FormFlash { page, action: parts.uri.path().to_string(), error };
        let mut json = serde_json::to_vec(&flash).unwrap_or_default();
        if json.len() > 2400 {
            // Too long for a cookie: the messages come back, the typing not.
            if let FormError::Invalid { values, .. } | FormError::SlotTaken { values, .. } =
                &mut flash.error
            {
                values.clear();
            }
            json = serde_json::to_vec(&flash).unwrap_or_default();
        }
        cookies::set_signed(COOKIE, PURPOSE, &json, SECONDS);
    }

    /// The refusal kept for the page being rendered, if any; it is removed.
    pub fn take() -> Option<FormFlash> {
        let data = cookies::take_signed(COOKIE, PURPOSE)?;
        let flash: FormFlash = serde_json::from_slice(&data).ok()?;
        let path = use_context::<Parts>()?.uri.path().to_string();
        (flash.page == path).then_some(flash)
    }
}

#[cfg(feature = "ssr")]
pub(crate) use ssr::keep;

/// The refused form kept for the page being rendered, read once as the
/// server renders it and handed to the browser with the page, so the
/// hydrated page shows the same.
pub fn provide_for_page() {
    use leptos::prelude::provide_context;
    #[cfg(feature = "ssr")]
    let read = ssr::take;
    #[cfg(not(feature = "ssr"))]
    let read = || None;
    let flash: Option<FormFlash> = leptos::prelude::SharedValue::new(read).into_inner();
    provide_context(super::PageFlash(flash));
}
