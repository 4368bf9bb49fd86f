//! Server functions of the owner's side: creating a restaurant, laying out
//! its tables. The owner key lives in an HttpOnly cookie of this browser.

#[cfg(feature = "ssr")]
use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::refusals::{Wording, as_form_fields};
#[cfg(feature = "ssr")]
use super::{FormError, cookies, failed, form_service, refuse, service};
use super::{FormResult, LoadError};
use crate::model::Restaurant;

/// The cookie that carries a new restaurant's owner key to the next page, once.
#[cfg(feature = "ssr")]
const NEW_KEY_COOKIE: &str = "covers_new_key";

/// What the tables page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OwnerTables {
    pub restaurant: Restaurant,
    /// Whether this browser holds the restaurant's owner key.
    pub is_owner: bool,
    /// The owner key, right after the restaurant was created or its key
    /// replaced (shown once).
    pub new_owner_key: Option<String>,
    /// Whether that key replaced an older one.
    pub key_replaced: bool,
}

/// Creates a restaurant open on the ticked days from `opens` to `closes`,
/// keeps its owner key in this browser and goes on to its tables.
#[server]
#[allow(clippy::too_many_arguments)]
pub async fn create_restaurant(
    name: String,
    phone: String,
    timezone: String,
    address: Option<String>,
    city: Option<String>,
    opens: String,
    closes: String,
    mon: Option<String>,
    tue: Option<String>,
    wed: Option<String>,
    thu: Option<String>,
    fri: Option<String>,
    sat: Option<String>,
    sun: Option<String>,
) -> FormResult {
    use crate::domain::PeriodSpec;
    use crate::model::NewRestaurant;

    let days = [
        ("mon", mon),
        ("tue", tue),
        ("wed", wed),
        ("thu", thu),
        ("fri", fri),
        ("sat", sat),
        ("sun", sun),
    ];
    let mut values: BTreeMap<String, String> = [
        ("name", name.clone()),
        ("phone", phone.clone()),
        ("timezone", timezone.clone()),
        ("address", address.clone().unwrap_or_default()),
        ("city", city.clone().unwrap_or_default()),
        ("opens", opens.clone()),
        ("closes", closes.clone()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let open_days: Vec<&str> =
        days.iter().filter(|(_, on)| on.is_some()).map(|(d, _)| *d).collect();
    for day in &open_days {
        values.insert(day.to_string(), "on".into());
    }
    values.insert("days_sent".into(), "1".into());
    if open_days.is_empty() {
        return refuse(FormError::Invalid {
            fields: [("days".to_string(), "tick at least one day".to_string())].into(),
            values,
        });
    }
    let hours = open_days
        .iter()
        .map(|day| PeriodSpec { day: day.to_string(), open: opens.clone(), close: closes.clone() })
        .collect();
    let input = NewRestaurant {
        name: Some(name),
        phone: Some(phone),
        timezone: Some(timezone),
        address,
        city,
        opening_hours: Some(hours),
        ..Default::default()
    };
    match form_service()?.create_restaurant(input).await {
        Ok(created) => {
            let id = &created.restaurant.id;
            cookies::remember_owner_key(id, &created.owner_key);
            cookies::set(NEW_KEY_COOKIE, &format!("{id}.{}", created.owner_key), 600);
            leptos_axum::redirect(&format!("/restaurants/{id}/tables"));
            Ok(None)
        }
        // Opening-hours problems are shown beside the opening and closing times.
        Err(err) => Wording {
            not_allowed: "The restaurant could not be created. Please try again.",
            gone: None,
            failed: "The restaurant could not be created. Please try again.",
            one_line: None,
        }
        .refuse(as_form_fields(err), values),
    }
}

/// A restaurant with its tables, the owner key this browser holds for it,
/// and whether that key is the restaurant's; `None` when there is no such
/// restaurant.
#[cfg(feature = "ssr")]
pub(crate) async fn restaurant_for_owner(
    service: &crate::server::Service,
    id: &str,
) -> Result<Option<(Restaurant, Option<String>, bool)>, LoadError> {
    use crate::server::ServiceError;

    let restaurant = match service.restaurant_as_written(id).await {
        Ok(r) => r,
        Err(ServiceError::NotFound(_)) => return Ok(None),
        Err(e) => return Err(failed(e)),
    };
    let key = cookies::owner_key(id);
    let is_owner = service.is_owner(id, key.as_deref()).await.map_err(failed)?;
    Ok(Some((restaurant, key, is_owner)))
}

/// What an owner's page of one day starts from.
#[cfg(feature = "ssr")]
pub(crate) struct OwnerDayStart {
    pub restaurant: Restaurant,
    /// This browser's owner key, if it holds one.
    pub key: Option<String>,
    pub is_owner: bool,
    /// The day asked for; blank or not a date: the restaurant's today.
    pub date: chrono::NaiveDate,
    /// Why the date asked for was not taken, shown to the owner only.
    pub date_error: Option<String>,
}

/// The restaurant of an owner's day page and the day it shows; `None` when
/// there is no such restaurant.
#[cfg(feature = "ssr")]
pub(crate) async fn owner_day_start(
    service: &crate::server::Service,
    id: &str,
    date: &str,
) -> Result<Option<OwnerDayStart>, LoadError> {
    let Some((restaurant, key, is_owner)) = restaurant_for_owner(service, id).await? else {
        return Ok(None);
    };
    let tz = crate::domain::TimeZone::parse(&restaurant.timezone).map_err(|_| LoadError::Failed)?;
    let (date, date_error) = super::date_or_today(date, service.today_in(tz));
    let date_error = date_error.filter(|_| is_owner);
    Ok(Some(OwnerDayStart { restaurant, key, is_owner, date, date_error }))
}

/// A restaurant and its tables, for the tables and rules pages.
#[server]
pub async fn get_owner_tables(id: String) -> Result<Option<OwnerTables>, LoadError> {
    let Some((restaurant, _, is_owner)) = restaurant_for_owner(&service()?, &id).await? else {
        return Ok(None);
    };
    // `id.key`, or `id.key.replaced` after a rotation.
    let kept = cookies::get(NEW_KEY_COOKIE).and_then(|value| {
        let mut parts = value.splitn(3, '.');
        let (for_id, key, replaced) = (parts.next()?, parts.next()?, parts.next().is_some());
        (for_id == id).then(|| (key.to_string(), replaced))
    });
    if kept.is_some() {
        cookies::set(NEW_KEY_COOKIE, "", 0);
    }
    let key_replaced = kept.as_ref().is_some_and(|(_, replaced)| *replaced);
    let new_owner_key = kept.map(|(key, _)| key);
    Ok(Some(OwnerTables { restaurant, is_owner, new_owner_key, key_replaced }))
}

/// Replaces the owner key of a restaurant this browser manages: the old key
/// stops working everywhere, this browser keeps the new one, and the tables
/// page shows it once.
#[server]
pub async fn replace_owner_key(restaurant_id: String) -> FormResult {
    let key = cookies::owner_key(&restaurant_id);
    match form_service()?.rotate_owner_key(&restaurant_id, key.as_deref()).await {
        Ok(new_key) => {
            cookies::remember_owner_key(&restaurant_id, &new_key);
            cookies::set(NEW_KEY_COOKIE, &format!("{restaurant_id}.{new_key}.replaced"), 600);
            leptos_axum::redirect(&format!("/restaurants/{restaurant_id}/tables"));
            Ok(None)
        }
        Err(err) => Wording {
            not_allowed: "Only the restaurant's owner can replace its key.",
            gone: Some("This restaurant no longer exists."),
            failed: "The owner key could not be replaced. Please try again.",
            one_line: None,
        }
        .refuse(err, BTreeMap::new()),
    }
}

/// Adds a table to a restaurant this browser manages.
#[server]
pub async fn add_table(
    restaurant_id: String,
    capacity: String,
    label: Option<String>,
    min_party_size: Option<String>,
    area: Option<String>,
    join_group: Option<String>,
    /// A checkbox: present ("on") when ticked.
    walk_in_only: Option<String>,
) -> FormResult {
    use crate::model::NewTable;

    let values: BTreeMap<String, String> = [
        ("capacity".to_string(), capacity.clone()),
        ("label".to_string(), label.clone().unwrap_or_default()),
        ("min_party_size".to_string(), min_party_size.clone().unwrap_or_default()),
        ("area".to_string(), area.clone().unwrap_or_default()),
        ("join_group".to_string(), join_group.clone().unwrap_or_default()),
        ("walk_in_only".to_string(), walk_in_only.clone().unwrap_or_default()),
    ]
    .into();
    let Ok(seats) = capacity.trim().parse::<i64>() else {
        return refuse(FormError::Invalid {
            fields: [("capacity".to_string(), "enter the number of seats, 1 to 20".to_string())]
                .into(),
            values,
        });
    };
    let min_party_size = match min_party_size.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        None => None,
        Some(text) => match text.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                return refuse(FormError::Invalid {
                    fields: [(
                        "min_party_size".to_string(),
                        "enter a number of people, 1 to 20".to_string(),
                    )]
                    .into(),
                    values,
                });
            }
        },
    };
    let key = cookies::owner_key(&restaurant_id);
    let table = NewTable {
        capacity: Some(seats),
        label: label.filter(|l| !l.trim().is_empty()),
        min_party_size,
        area,
        join_group,
        walk_in_only: Some(walk_in_only.is_some()),
    };
    match form_service()?.add_tables(&restaurant_id, key.as_deref(), vec![table]).await {
        Ok(_) => Ok(None),
        Err(err) => Wording {
            not_allowed: "Only the restaurant's owner can add tables.",
            gone: Some("This restaurant no longer exists."),
            failed: "The table could not be added. Please try again.",
            one_line: None,
        }
        .refuse(as_form_fields(err), values),
    }
}

/// Lets this browser manage a restaurant, given its owner key.
#[server]
pub async fn claim_restaurant(restaurant_id: String, owner_key: String) -> FormResult {
    let key = owner_key.trim().to_string();
    let target = format!("restaurant {restaurant_id}");
    if let Err(refusal) = super::guess_allowed(&target) {
        return refuse(refusal);
    }
    let owns = form_service()?
        .is_owner(&restaurant_id, Some(&key))
        .await
        .map_err(|_| FormError::Failed("The key could not be checked. Please try again.".into()))?;
    if owns {
        cookies::remember_owner_key(&restaurant_id, &key);
        Ok(None)
    } else {
        super::guess_failed(&target);
        refuse(FormError::Invalid {
            fields: [(
                "owner_key".to_string(),
                "this is not the owner key of this restaurant".to_string(),
            )]
            .into(),
            values: BTreeMap::new(),
        })
    }
}
