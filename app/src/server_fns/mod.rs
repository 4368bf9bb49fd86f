//! Server functions: what the pages ask of the server. Each is thin: read
//! the input, call the service from the application state, shape the answer.

pub mod flash;
pub mod link;
pub mod lookup;
pub mod manage;
pub mod messages;
pub mod owner;
pub mod reservations;

#[cfg(feature = "ssr")]
pub(crate) mod refusals;

#[cfg(feature = "ssr")]
pub(crate) mod cookies;

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use crate::model::{DaySlots, Restaurant};

/// Why a form was not accepted, as the page shows it. Without JavaScript it
/// travels back to the page in a signed cookie (see [`flash`]), so the page
/// can show the messages and the values that were typed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum FormError {
    /// Messages by field name, and what was typed, to fill the form again.
    #[error("please correct the marked fields")]
    Invalid { fields: BTreeMap<String, String>, values: BTreeMap<String, String> },
    /// The slot was taken meanwhile: other times that can seat the party.
    #[error("{message}")]
    SlotTaken { message: String, alternatives: Vec<Alternative>, values: BTreeMap<String, String> },
    /// Not allowed or not found.
    #[error("{0}")]
    Refused(String),
    /// The server could not do it; nothing was changed.
    #[error("{0}")]
    Failed(String),
}

/// Why a page's data could not be loaded. The page says so, and answers
/// with the matching status: 503 (and `Retry-After`) while the database is
/// unreachable, 500 otherwise. A missing restaurant or reservation is not an
/// error: loaders answer `Ok(None)` and the page is a 404.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum LoadError {
    #[error("Covers cannot reach its database just now. Please try again in a moment.")]
    Unavailable,
    #[error("This page could not be loaded. Please try again.")]
    Failed,
}

impl FromServerFnError for LoadError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(_: ServerFnErrorErr) -> Self {
        LoadError::Failed
    }
}

impl LoadError {
    /// The HTTP status of a page that could not load its data.
    pub fn status(&self) -> u16 {
        match self {
            LoadError::Unavailable => 503,
            LoadError::Failed => 500,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::server::ServiceError> for LoadError {
    fn from(err: crate::server::ServiceError) -> Self {
        use crate::server::ServiceError;
        match err {
            ServiceError::Unavailable | ServiceError::Retry => LoadError::Unavailable,
            other => {
                tracing::error!(error = %other, "a page's data could not be loaded");
                LoadError::Failed
            }
        }
    }
}

/// Another start time offered when a slot is taken.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alternative {
    pub local_time: String,
    pub href: String,
}

impl FromServerFnError for FormError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        FormError::Failed(value.to_string())
    }
}

impl FormError {
    /// The message for one field, if any.
    pub fn field(&self, name: &str) -> Option<String> {
        match self {
            FormError::Invalid { fields, .. } => fields.get(name).cloned(),
            _ => None,
        }
    }

    /// The message of a refusal that concerns the whole form, not one field.
    pub fn general(&self) -> Option<String> {
        match self {
            FormError::Refused(message) | FormError::Failed(message) => Some(message.clone()),
            _ => None,
        }
    }

    /// What was typed into a field before the error, if known.
    pub fn value(&self, name: &str) -> Option<String> {
        match self {
            FormError::Invalid { values, .. } | FormError::SlotTaken { values, .. } => {
                values.get(name).cloned()
            }
            _ => None,
        }
    }
}

/// What a form's server function answers: `Ok(None)` when done (usually
/// with a redirect), else why not. A refusal is an ordinary answer (HTTP 200)
/// for the hydrated page; after a plain form post without JavaScript it is
/// kept for the form's page (see [`flash`]), to which the browser goes back.
pub type FormResult = Result<Option<FormError>, FormError>;

/// Answers a refusal in the way the caller can read (see [`FormResult`]).
#[cfg(feature = "ssr")]
pub(crate) fn refuse(error: FormError) -> FormResult {
    let plain_form_post = use_context::<axum::http::request::Parts>().is_some_and(|parts| {
        parts
            .headers
            .get(axum::http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    });
    if plain_form_post {
        flash::keep(error);
        Ok(None)
    } else {
        Ok(Some(error))
    }
}

/// The refused form kept for the page being shown (after a post without
/// JavaScript), provided by the page loader to the page's forms.
#[derive(Clone, Debug, PartialEq)]
pub struct PageFlash(pub Option<flash::FormFlash>);

/// The refusal of an action's last run, if it was refused; before any run,
/// the refusal of this action's form posted without JavaScript, if the page
/// was given one.
pub fn action_error<I>(action: ServerAction<I>) -> Signal<Option<FormError>>
where
    I: leptos::server_fn::ServerFn<Output = Option<FormError>, Error = FormError>
        + Clone
        + Send
        + Sync
        + 'static,
{
    let here = leptos_router::hooks::use_location().pathname.get_untracked();
    let kept = use_context::<PageFlash>()
        .and_then(|flash| flash.0)
        .filter(|flash| flash.action == I::PATH && flash.page == here)
        .map(|flash| flash.error);
    Signal::derive(move || match action.value().get() {
        Some(Ok(refusal)) => refusal,
        Some(Err(error)) => Some(error),
        None => kept.clone(),
    })
}

/// What the restaurant page shows for a date and a party size.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DayView {
    pub restaurant: Restaurant,
    /// The date shown (`YYYY-MM-DD`): the one asked for, or the restaurant's today.
    pub date: String,
    pub party_size: u8,
    /// Every slot with every table.
    pub all: DaySlots,
    /// The slots where the party can be seated, with the table it would get.
    pub available: DaySlots,
    /// Messages for the Date and Party size fields, when what was asked is not valid.
    pub date_error: Option<String>,
    pub party_size_error: Option<String>,
}

/// Whether the client of this request may try another secret on `target`
/// (a reservation's code, a restaurant's key): after too many wrong ones
/// both are locked out for a while.
#[cfg(feature = "ssr")]
pub(crate) fn guess_allowed(target: &str) -> Result<(), FormError> {
    let Some(state) = use_context::<crate::server::AppState>() else { return Ok(()) };
    state.guesses.check(client(), target).map_err(|wait| {
        let minutes = wait.as_secs().div_ceil(60).max(1);
        FormError::Refused(format!(
            "Too many wrong tries. Please wait {minutes} minute{} and try again.",
            if minutes == 1 { "" } else { "s" }
        ))
    })
}

/// Counts a wrong secret tried by the client of this request on `target`.
#[cfg(feature = "ssr")]
pub(crate) fn guess_failed(target: &str) {
    if let Some(state) = use_context::<crate::server::AppState>() {
        state.guesses.failed(client(), target);
    }
}

/// The client address the server counted this request against.
#[cfg(feature = "ssr")]
fn client() -> std::net::IpAddr {
    use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<crate::server::ClientAddr>().copied())
        .map_or(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), |c| c.0)
}

/// The service, for server functions that load a page's data.
#[cfg(feature = "ssr")]
pub(crate) fn service() -> Result<crate::server::Service, LoadError> {
    use_context::<crate::server::AppState>().map(|s| s.service).ok_or(LoadError::Failed)
}

/// The service, for server functions behind a form.
#[cfg(feature = "ssr")]
pub(crate) fn form_service() -> Result<crate::server::Service, FormError> {
    service().map_err(|_| FormError::Failed("The server is not ready. Please try again.".into()))
}

/// A page loader's answer to a service error (see [`LoadError`]).
/// The date a page was asked for: blank is `today`; a bad date is `today`
/// too, with the message to show beside the field.
#[cfg(feature = "ssr")]
pub(crate) fn date_or_today(
    text: &str,
    today: chrono::NaiveDate,
) -> (chrono::NaiveDate, Option<String>) {
    match text.trim() {
        "" => (today, None),
        text => match crate::domain::limits::parse_date(text) {
            Ok(date) => (date, None),
            Err(e) => (today, Some(e.0)),
        },
    }
}

#[cfg(feature = "ssr")]
pub(crate) fn failed(err: crate::server::ServiceError) -> LoadError {
    LoadError::from(err)
}

/// Restaurants whose name or city contains `q` (all when empty), by name.
#[server]
pub async fn search_restaurants(q: String) -> Result<Vec<Restaurant>, LoadError> {
    let service = service()?;
    let page = service.list_restaurants(Some(&q), None, 1, 100).await.map_err(failed)?;
    Ok(page.items)
}

/// A restaurant's slots on `date` (default: its today) for a party (default 2).
#[server]
pub async fn restaurant_day(
    id: String,
    date: String,
    party_size: String,
) -> Result<Option<DayView>, LoadError> {
    use crate::domain::{PartySize, TimeZone};
    use crate::server::ServiceError;
    use crate::server::service::SlotView;

    let service = service()?;
    let restaurant = match service.restaurant(&id).await {
        Ok(r) => r,
        Err(ServiceError::NotFound(_)) => return Ok(None),
        Err(e) => return Err(failed(e)),
    };
    let tz = TimeZone::parse(&restaurant.timezone).map_err(|_| LoadError::Failed)?;
    let (party, party_size_error) = match party_size.trim() {
        "" => (PartySize::DEFAULT, None),
        text => match PartySize::parse(text) {
            Ok(p) => (p, None),
            Err(e) => (PartySize::DEFAULT, Some(e.0)),
        },
    };
    let (date, date_error) = date_or_today(&date, service.today_in(tz));
    let all = service.slots(&id, date, SlotView::Tables(None)).await.map_err(failed)?;
    let available = service.slots(&id, date, SlotView::Seatable(party)).await.map_err(failed)?;
    Ok(Some(DayView {
        restaurant,
        date: date.format("%Y-%m-%d").to_string(),
        party_size: party.get(),
        all,
        available,
        date_error,
        party_size_error,
    }))
}
