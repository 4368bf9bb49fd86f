//! A restaurant's set-up: creating it, changing its fields and rules,
//! reading it, and finding restaurants.

use sqlx::AnyConnection;

use super::auth::authorize_owner;
use super::outbox;
use super::{Result, Service, bounded, optional_text, read_stale};
use crate::domain::limits::{self, MAX_PAGE, parse_date, search_text};
use crate::domain::{DurationRule, Email, OpeningHours, Phone, RestaurantName, TimeZone};
use crate::model::{CreatedRestaurant, NewRestaurant, Restaurant, RestaurantPage};
use crate::server::error::FieldErrors;
use crate::server::secrets;
use crate::server::store::restaurants::{self, RestaurantFields};
use crate::server::store::{self, Scope, Turn, tables};

impl Service {
    /// Creates a restaurant; the answer carries its owner key, shown once.
    pub async fn create_restaurant(&self, input: NewRestaurant) -> Result<CreatedRestaurant> {
        let fields = merge_restaurant_fields(&input, RestaurantFields::new_restaurant(), true)?;
        self.write(fields, Self::create_restaurant_in).await
    }

    async fn create_restaurant_in(
        self,
        turn: Turn,
        fields: RestaurantFields,
    ) -> Result<CreatedRestaurant> {
        let owner_key = secrets::new_owner_key();
        let now = self.now().timestamp();
        let id = uuid::Uuid::now_v7().to_string();
        let mut writer = store::writer(&self.db, turn).await?;
        let mut tx = store::begin(&self.db, &mut writer, Scope::Unshared).await?;
        restaurants::insert(&mut tx, &id, &self.secrets.hash(&owner_key), now).await?;
        restaurants::store_fields(&mut tx, &id, &fields, now).await?;
        let record = restaurants::load(&mut tx, &id).await?;
        tx.commit().await?;
        tracing::info!(restaurant = %id, "restaurant created");
        Ok(CreatedRestaurant { restaurant: record.to_model(Some(Vec::new())), owner_key })
    }

    /// Changes the given fields of a restaurant (owner only).
    pub async fn update_restaurant(
        &self,
        id: &str,
        owner_key: Option<&str>,
        input: NewRestaurant,
    ) -> Result<Restaurant> {
        let asked = (id.to_owned(), owner_key.map(str::to_owned), input);
        self.write(asked, Self::update_restaurant_in).await
    }

    async fn update_restaurant_in(
        self,
        turn: Turn,
        (id, owner_key, input): (String, Option<String>, NewRestaurant),
    ) -> Result<Restaurant> {
        let mut writer = store::writer(&self.db, turn).await?;
        let mut tx = store::begin(&self.db, &mut writer, Scope::Restaurant(&id)).await?;
        let current = restaurants::load(&mut tx, &id).await?;
        authorize_owner(&self.secrets, &mut tx, &current, owner_key.as_deref()).await?;
        let fields =
            merge_restaurant_fields(&input, RestaurantFields::from_record(&current), false)?;
        let now = self.now();
        restaurants::store_fields(&mut tx, &id, &fields, now.timestamp()).await?;
        let record = restaurants::load(&mut tx, &id).await?;
        if record.reminder_hours_before != current.reminder_hours_before {
            outbox::reschedule_reminders(&mut tx, &record, now).await?;
        }
        let tables = tables::load(&mut tx, &id, false).await?;
        tx.commit().await?;
        tracing::info!(restaurant = %id, "restaurant changed");
        Ok(record.to_model(Some(tables.iter().map(|t| t.to_model()).collect())))
    }

    /// A restaurant with its bookable tables, as diners see it (a read
    /// replica may serve it).
    pub async fn restaurant(&self, id: &str) -> Result<Restaurant> {
        read_stale!(self, |conn| restaurant_with_tables(conn, id).await)
    }

    /// A restaurant with its bookable tables as last written, for its
    /// owner's pages.
    pub async fn restaurant_as_written(&self, id: &str) -> Result<Restaurant> {
        let mut conn = self.db.reader().acquire().await?;
        restaurant_with_tables(&mut conn, id).await
    }

    /// Restaurants whose name or city contains `q`, in `city` if given, by name.
    pub async fn list_restaurants(
        &self,
        q: Option<&str>,
        city: Option<&str>,
        page: u32,
        per_page: u32,
    ) -> Result<RestaurantPage> {
        let mut errors = FieldErrors::default();
        if !(1..=MAX_PAGE).contains(&page) {
            errors.add("page", format!("pages are 1 to {MAX_PAGE}"));
        }
        if let Err(e) = limits::PER_PAGE.check(per_page as i64) {
            errors.add("per_page", e.0);
        }
        let q = q.and_then(|q| errors.check("q", search_text(q)));
        let city = city.and_then(|c| errors.check("city", search_text(c)));
        errors.finish()?;
        let pattern = q
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(|q| format!("%{}%", restaurants::escape_like(&q.to_lowercase())));
        let city = city.map(str::trim).filter(|c| !c.is_empty()).map(str::to_lowercase);
        let (limit, offset) = (per_page as i64, (page as i64 - 1) * per_page as i64);
        let (total, found) = read_stale!(self, |conn| {
            restaurants::search(conn, pattern.as_deref(), city.as_deref(), limit, offset).await
        })?;
        let items = found.iter().map(|r| r.to_model(None)).collect();
        Ok(RestaurantPage { items, page, per_page, total })
    }

    /// The request budget a minute a restaurant set for itself, if any
    /// (`None` too when there is no such restaurant).
    pub async fn requests_per_minute(&self, id: &str) -> Result<Option<u16>> {
        let mut conn = self.db.reader().acquire().await?;
        restaurants::requests_per_minute(&mut conn, id).await
    }
}

/// A restaurant with its bookable tables, read on `conn`.
async fn restaurant_with_tables(conn: &mut AnyConnection, id: &str) -> Result<Restaurant> {
    let record = restaurants::load(conn, id).await?;
    let tables = tables::load(conn, id, false).await?;
    Ok(record.to_model(Some(tables.iter().map(|t| t.to_model()).collect())))
}

/// Applies the given input to `base`: each field present replaces the
/// stored one, after checking it. A create requires a name and a phone.
fn merge_restaurant_fields(
    input: &NewRestaurant,
    mut base: RestaurantFields,
    creating: bool,
) -> Result<RestaurantFields> {
    let mut errors = FieldErrors::default();
    match input.name.as_deref() {
        None if creating => errors.add("name", "name is required"),
        None => {}
        Some(name) => {
            if let Some(n) = errors.check("name", RestaurantName::parse(name)) {
                base.name = n.as_str().to_string();
            }
        }
    }
    match input.phone.as_deref() {
        None if creating => errors.add("phone", "phone is required"),
        None => {}
        Some(phone) => {
            if let Some(p) = errors.check("phone", Phone::parse(phone)) {
                base.phone = p.as_str().to_string();
            }
        }
    }
    if let Some(email) = &input.email {
        base.email = optional_text(Some(email))
            .and_then(|e| errors.check("email", Email::parse(e)).map(|e| e.as_str().to_string()));
    }
    let mut short = |field: &str, value: &Option<String>, target: &mut Option<String>| {
        if let Some(v) = value {
            let v = v.trim();
            if v.chars().count() > limits::PLACE_CHARS {
                errors.add(field, format!("at most {} characters", limits::PLACE_CHARS));
            }
            *target = (!v.is_empty()).then(|| v.to_string());
        }
    };
    short("address", &input.address, &mut base.address);
    short("city", &input.city, &mut base.city);
    if let Some(tz) =
        input.timezone.as_deref().and_then(|tz| errors.check("timezone", TimeZone::parse(tz)))
    {
        base.policy.tz = tz;
    }
    let mut degrees = |field: &str, value: Option<f64>, (min, max): (f64, f64)| {
        let value = value?;
        if (min..=max).contains(&value) {
            return Some(value);
        }
        errors.add(field, format!("must be between {min} and {max}"));
        None
    };
    if let Some(lat) = degrees("latitude", input.latitude, limits::LATITUDE) {
        base.latitude = Some(lat);
    }
    if let Some(lon) = degrees("longitude", input.longitude, limits::LONGITUDE) {
        base.longitude = Some(lon);
    }
    if let Some(hours) = input
        .opening_hours
        .as_ref()
        .and_then(|specs| errors.check("opening_hours", OpeningHours::parse(specs)))
    {
        base.policy.hours = hours;
    }
    let rules = &mut base.policy.rules;
    if let Some(n) = bounded(&mut errors, "slot_minutes", input.slot_minutes, limits::SLOT_MINUTES)
    {
        rules.slot_minutes = n as u16;
    }
    if let Some(n) =
        bounded(&mut errors, "duration_minutes", input.duration_minutes, limits::STAY_MINUTES)
    {
        rules.duration_minutes = n as u16;
    }
    if let Some(durations) = &input.durations {
        match parse_durations(durations) {
            Ok(d) => rules.durations = d,
            Err(message) => errors.add("durations", message),
        }
    }
    if let Some(n) =
        bounded(&mut errors, "buffer_minutes", input.buffer_minutes, limits::BUFFER_MINUTES)
    {
        rules.buffer_minutes = n as u16;
    }
    if let Some(n) = bounded(
        &mut errors,
        "walk_in_seats_percent",
        input.walk_in_seats_percent,
        limits::WALK_IN_PERCENT,
    ) {
        rules.walk_in_seats_percent = n as u8;
    }
    if let Some(n) =
        bounded(&mut errors, "min_notice_minutes", input.min_notice_minutes, limits::NOTICE_MINUTES)
    {
        rules.min_notice_minutes = n as u32;
    }
    if let Some(n) =
        bounded(&mut errors, "max_days_ahead", input.max_days_ahead, limits::DAYS_AHEAD)
    {
        rules.max_days_ahead = n as u16;
    }
    // 0 removes the restaurant's own limit: the tables decide.
    if let Some(n) = bounded(
        &mut errors,
        "requests_per_minute",
        input.requests_per_minute,
        limits::REQUESTS_PER_MINUTE,
    ) {
        base.requests_per_minute = Some(n as u16);
    }
    match input.reminder_hours_before {
        None => {}
        Some(None) => base.reminder_hours_before = None,
        Some(Some(n)) => {
            if let Some(n) = errors.check("reminder_hours_before", limits::REMINDER_HOURS.check(n))
            {
                base.reminder_hours_before = Some(n as u16);
            }
        }
    }
    if let Some(n) =
        bounded(&mut errors, "max_party_size", input.max_party_size, limits::LARGEST_PARTY)
    {
        rules.max_party_size = (n > 0).then_some(n as u8);
    }
    if let Some(dates) = &input.closed_dates {
        let mut parsed = Vec::new();
        for text in dates {
            match parse_date(text) {
                Ok(d) => parsed.push(d),
                Err(e) => errors.add("closed_dates", e.0),
            }
        }
        if parsed.len() > limits::MAX_CLOSED_DATES {
            errors.add("closed_dates", format!("at most {} dates", limits::MAX_CLOSED_DATES));
        }
        parsed.sort();
        parsed.dedup();
        rules.closed_dates = parsed;
    }
    errors.finish()?;
    Ok(base)
}

/// Durations by party size: sorted, each size once, within the bounds of a
/// party and of a stay.
fn parse_durations(rules: &[DurationRule]) -> std::result::Result<Vec<DurationRule>, String> {
    if rules.len() > limits::MAX_DURATIONS {
        return Err(format!("at most {} entries", limits::MAX_DURATIONS));
    }
    let mut sorted = rules.to_vec();
    sorted.sort_by_key(|d| d.max_party_size);
    for d in &sorted {
        if let Err(e) = limits::PARTY.check(d.max_party_size.into()) {
            return Err(format!("max_party_size {e}"));
        }
        if let Err(e) = limits::STAY_MINUTES.check(d.minutes.into()) {
            return Err(format!("minutes {e}"));
        }
    }
    if sorted.windows(2).any(|w| w[0].max_party_size == w[1].max_party_size) {
        return Err("each max_party_size once".into());
    }
    Ok(sorted)
}
