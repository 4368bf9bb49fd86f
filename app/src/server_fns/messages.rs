//! The server function of the messages page: what was sent to the
//! restaurant's diners on a day.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::LoadError;
#[cfg(feature = "ssr")]
use super::{failed, service};
use crate::model::{Message, Restaurant};

/// What the messages page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OwnerMessages {
    pub restaurant: Restaurant,
    /// Whether this browser holds the restaurant's owner key.
    pub is_owner: bool,
    /// The service date shown, `YYYY-MM-DD`.
    pub date: String,
    pub date_error: Option<String>,
    /// Newest first.
    pub messages: Vec<Message>,
}

/// The messages written during a service day (owner only; others get the
/// restaurant and `is_owner: false`).
#[server]
pub async fn get_owner_messages(
    id: String,
    date: String,
) -> Result<Option<OwnerMessages>, LoadError> {
    let service = service()?;
    let Some(start) = super::owner::owner_day_start(&service, &id, &date).await? else {
        return Ok(None);
    };
    let super::owner::OwnerDayStart { restaurant, key, is_owner, date, date_error } = start;
    let mut page = OwnerMessages {
        restaurant,
        is_owner,
        date: date.format("%Y-%m-%d").to_string(),
        date_error,
        messages: Vec::new(),
    };
    if !is_owner {
        return Ok(Some(page));
    }
    page.messages = service.messages(&id, key.as_deref(), Some(date)).await.map_err(failed)?;
    Ok(Some(page))
}
