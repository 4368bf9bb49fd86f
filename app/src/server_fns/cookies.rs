//! The cookies Covers keeps in a browser (server side only):
//! - `covers_owner_<restaurant id>`: the owner key, so this browser can keep
//!   managing the restaurant;
//! - `covers_new_key`: the owner key of a restaurant just created, shown once;
//! - `covers_reservations`: the reservations made here (`id.code,…`), so the
//!   diner can come back to them.
//!
//! - `covers_lookup`: the phone or email of "Find my reservations" between
//!   its steps, and whether its code was right, signed (see
//!   `server_fns::lookup`);
//! - `covers_form`: a refused form's answer on its way back to the page,
//!   signed (see `server_fns::flash`).
//!
//! All are HttpOnly: page scripts never see the secrets. When people reach
//! Covers over https they are also `Secure` and named with the `__Host-`
//! prefix, so no other site or plain-http page can set them.

use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderValue, request::Parts};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

const YEAR: i64 = 365 * 24 * 3600;
/// How many reservations a browser remembers (the newest are kept).
pub const MAX_REMEMBERED: usize = 30;

/// Whether cookies are `Secure` (Covers is reached over https).
fn secure() -> bool {
    use_context::<crate::server::AppState>().is_some_and(|s| s.secure_cookies)
}

/// The name a cookie is stored under.
fn stored_name(name: &str) -> String {
    if secure() { format!("__Host-{name}") } else { name.to_string() }
}

/// The value of a cookie of the current request.
pub fn get(name: &str) -> Option<String> {
    let name = stored_name(name);
    let name = name.as_str();
    let parts = use_context::<Parts>()?;
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// Sets a cookie on the response; `max_age` 0 removes it.
pub fn set(name: &str, value: &str, max_age: i64) {
    if let Some(response) = use_context::<ResponseOptions>() {
        let name = stored_name(name);
        let secure = if secure() { "; Secure" } else { "" };
        let cookie =
            format!("{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}");
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.append_header(SET_COOKIE, value);
        }
    }
}

/// Sets a cookie holding `data` signed with the server's key for
/// `purpose`, so that it comes back unchanged or not at all.
pub fn set_signed(name: &str, purpose: &str, data: &[u8], max_age: i64) {
    if let Some(state) = use_context::<crate::server::AppState>() {
        set(name, &state.service.secrets().sign(purpose, data), max_age);
    }
}

/// The data of a cookie made by [`set_signed`] for `purpose`, if this
/// request carries it unchanged.
pub fn get_signed(name: &str, purpose: &str) -> Option<Vec<u8>> {
    verify(purpose, &get(name)?)
}

/// The same, read once: the cookie, when the request carries it, is removed.
pub fn take_signed(name: &str, purpose: &str) -> Option<Vec<u8>> {
    let token = get(name)?;
    set(name, "", 0);
    verify(purpose, &token)
}

fn verify(purpose: &str, token: &str) -> Option<Vec<u8>> {
    use_context::<crate::server::AppState>()?.service.secrets().verify(purpose, token)
}

pub fn owner_cookie(restaurant_id: &str) -> String {
    format!("covers_owner_{restaurant_id}")
}

/// The owner key this browser holds for a restaurant.
pub fn owner_key(restaurant_id: &str) -> Option<String> {
    get(&owner_cookie(restaurant_id)).filter(|k| is_token(k))
}

pub fn remember_owner_key(restaurant_id: &str, key: &str) {
    set(&owner_cookie(restaurant_id), key, YEAR);
}

/// The reservations (id, code) remembered by this browser, newest first.
pub fn reservations() -> Vec<(String, String)> {
    get("covers_reservations")
        .unwrap_or_default()
        .split(',')
        .filter_map(|entry| entry.split_once('.'))
        .filter(|(id, code)| is_token(id) && is_token(code))
        .map(|(id, code)| (id.to_string(), code.to_string()))
        .collect()
}

/// Remembers a reservation in this browser (moving it to the front).
pub fn remember_reservation(id: &str, code: &str) {
    let mut list = reservations();
    list.retain(|(other, _)| other != id);
    list.insert(0, (id.to_string(), code.to_string()));
    list.truncate(MAX_REMEMBERED);
    let value = list.iter().map(|(id, code)| format!("{id}.{code}")).collect::<Vec<_>>().join(",");
    set("covers_reservations", &value, YEAR);
}

/// The code remembered for a reservation.
pub fn reservation_code(id: &str) -> Option<String> {
    reservations().into_iter().find(|(other, _)| other == id).map(|(_, code)| code)
}

/// Cookie-safe tokens only: letters, digits, `-` and `_`.
fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 100
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
