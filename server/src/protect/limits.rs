//! Limits on what one client, one restaurant or one guessed secret may do,
//! on by default (`COVERS_RATE_LIMITS` tunes or turns them off). Each is a
//! GCRA budget kept in this process's memory: with several instances behind
//! a load balancer every instance keeps its own, so the whole service allows
//! up to that many times more (see docs/security.md).

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use app::server::Service;
use app::server::guesses::Budget;
use app::server::{ClientAddr, Guesses};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, RateLimiter};

use super::{Protection, refusal};
use crate::error::ApiError;

/// The budgets, by name as `COVERS_RATE_LIMITS` spells them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LimitSettings {
    /// Every request of one client address (static files aside).
    pub client: Option<Budget>,
    /// Every request that names one restaurant (its pages and API), for a
    /// restaurant that set no budget of its own (`requests_per_minute`).
    pub restaurant: Option<Budget>,
    /// Bookings made by one client.
    pub booking: Option<Budget>,
    /// Restaurants created by one client.
    pub new_restaurant: Option<Budget>,
    /// One-time codes asked for by one client ("Find my reservations").
    pub lookup: Option<Budget>,
    /// Wrong codes and keys tried by one client.
    pub guess_client: Option<Budget>,
    /// Wrong codes and keys tried on one reservation or restaurant.
    pub guess_target: Option<Budget>,
}

fn budget(count: u32, per: Duration) -> Option<Budget> {
    Some(Budget { count: NonZeroU32::new(count).expect("positive"), per })
}

const MINUTE: Duration = Duration::from_secs(60);
const HOUR: Duration = Duration::from_secs(3600);
const DAY: Duration = Duration::from_secs(24 * 3600);

impl Default for LimitSettings {
    fn default() -> Self {
        Self {
            client: budget(600, MINUTE),
            restaurant: budget(2000, MINUTE),
            booking: budget(30, HOUR),
            new_restaurant: budget(10, DAY),
            lookup: budget(10, HOUR),
            guess_client: budget(30, HOUR),
            guess_target: budget(10, HOUR),
        }
    }
}

impl LimitSettings {
    /// Everything allowed.
    pub fn off() -> Self {
        Self {
            client: None,
            restaurant: None,
            booking: None,
            new_restaurant: None,
            lookup: None,
            guess_client: None,
            guess_target: None,
        }
    }

    /// `off`, or the defaults changed by `name=N/unit` items (`unit`:
    /// `second`, `minute`, `hour`, `day`; `name=off` lifts one limit).
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("off") {
            return Ok(Self::off());
        }
        let mut settings = Self::default();
        for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (name, value) =
                item.split_once('=').ok_or_else(|| format!("{item:?} is not name=N/unit"))?;
            let slot = match name.trim() {
                "client" => &mut settings.client,
                "restaurant" => &mut settings.restaurant,
                "booking" => &mut settings.booking,
                "new_restaurant" => &mut settings.new_restaurant,
                "lookup" => &mut settings.lookup,
                "guess_client" => &mut settings.guess_client,
                "guess_target" => &mut settings.guess_target,
                other => return Err(format!("{other:?} is not a limit's name")),
            };
            *slot = parse_budget(value.trim()).ok_or_else(|| {
                format!("{value:?}: use N/second, N/minute, N/hour, N/day or off")
            })?;
        }
        Ok(settings)
    }

    pub fn is_off(&self) -> bool {
        *self == Self::off()
    }

    /// The wrong-secret budgets, for the pages' forms and the API alike.
    pub fn guesses(&self) -> Guesses {
        Guesses::new(self.guess_client, self.guess_target)
    }
}

/// `N/unit` as a budget; `off` is `Some(None)`.
fn parse_budget(text: &str) -> Option<Option<Budget>> {
    if text.eq_ignore_ascii_case("off") {
        return Some(None);
    }
    let (count, unit) = text.split_once('/')?;
    let count = NonZeroU32::new(count.trim().parse().ok()?)?;
    let per = match unit.trim() {
        "s" | "sec" | "second" => Duration::from_secs(1),
        "min" | "minute" => MINUTE,
        "h" | "hour" => HOUR,
        "d" | "day" => DAY,
        _ => return None,
    };
    Some(Some(Budget { count, per }))
}

/// The limiters of one process.
pub struct Limiters {
    client: Option<DefaultKeyedRateLimiter<IpAddr>>,
    /// The default budget of a restaurant; `None`: restaurants are not limited.
    restaurant_default: Option<Budget>,
    /// Each restaurant's limiter, with the budget a minute it was made for.
    restaurants: moka::sync::Cache<String, (Option<u16>, Arc<DefaultDirectRateLimiter>)>,
    /// Each restaurant's own budget, read from the database at most once a
    /// minute (so a change counts within a minute, on every instance).
    budgets: moka::sync::Cache<String, Option<u16>>,
    booking: Option<DefaultKeyedRateLimiter<IpAddr>>,
    new_restaurant: Option<DefaultKeyedRateLimiter<IpAddr>>,
    lookup: Option<DefaultKeyedRateLimiter<IpAddr>>,
    /// The server functions behind the booking, new-restaurant and
    /// send-code forms, beside their API paths.
    booking_paths: Vec<&'static str>,
    new_restaurant_paths: Vec<&'static str>,
    lookup_paths: Vec<&'static str>,
}

fn keyed<K: std::hash::Hash + Eq + Clone>(
    budget: Option<Budget>,
) -> Option<DefaultKeyedRateLimiter<K>> {
    budget.map(|b| RateLimiter::keyed(b.quota()))
}

impl Limiters {
    pub fn new(settings: &LimitSettings) -> Self {
        use leptos::server_fn::ServerFn;
        Self {
            client: keyed(settings.client),
            restaurant_default: settings.restaurant,
            restaurants: moka::sync::Cache::builder()
                .max_capacity(100_000)
                .time_to_idle(Duration::from_secs(600))
                .build(),
            budgets: moka::sync::Cache::builder()
                .max_capacity(100_000)
                .time_to_live(MINUTE)
                .build(),
            booking: keyed(settings.booking),
            new_restaurant: keyed(settings.new_restaurant),
            lookup: keyed(settings.lookup),
            booking_paths: vec![
                "/api/v1/reservations",
                app::server_fns::reservations::Reserve::PATH,
            ],
            new_restaurant_paths: vec![
                "/api/v1/restaurants",
                app::server_fns::owner::CreateRestaurant::PATH,
            ],
            lookup_paths: vec!["/api/v1/lookup", app::server_fns::lookup::SendLookupCode::PATH],
        }
    }

    /// The limiter of restaurant `id`: its own budget a minute, else the default.
    async fn restaurant(
        &self,
        id: &str,
        service: Option<&Service>,
    ) -> Option<Arc<DefaultDirectRateLimiter>> {
        let default = self.restaurant_default?;
        let own = match self.budgets.get(id) {
            Some(own) => own,
            None => {
                let own = match service {
                    Some(service) => service.requests_per_minute(id).await.unwrap_or(None),
                    None => None,
                };
                self.budgets.insert(id.to_string(), own);
                own
            }
        };
        if let Some((made_for, limiter)) = self.restaurants.get(id)
            && made_for == own
        {
            return Some(limiter);
        }
        let budget = match own.and_then(|n| NonZeroU32::new(n.into())) {
            Some(count) => Budget { count, per: MINUTE },
            None => default,
        };
        let limiter = Arc::new(RateLimiter::direct(budget.quota()));
        self.restaurants.insert(id.to_string(), (own, limiter.clone()));
        Some(limiter)
    }

    /// `Err(wait)` when `request` is over one of its budgets.
    async fn check(
        &self,
        client: IpAddr,
        changing: bool,
        path: &str,
        service: Option<&Service>,
    ) -> Result<(), Duration> {
        if let Some(limiter) = &self.client {
            wait(limiter, &client)?;
        }
        if let Some(id) = restaurant_of(path)
            && let Some(limiter) = self.restaurant(id, service).await
        {
            limiter.check().map_err(|not_until| {
                not_until.wait_time_from(governor::clock::Clock::now(limiter.clock()))
            })?;
        }
        if changing {
            if let Some(limiter) = &self.booking
                && self.booking_paths.contains(&path)
            {
                wait(limiter, &client)?;
            }
            if let Some(limiter) = &self.new_restaurant
                && self.new_restaurant_paths.contains(&path)
            {
                wait(limiter, &client)?;
            }
            if let Some(limiter) = &self.lookup
                && self.lookup_paths.contains(&path)
            {
                wait(limiter, &client)?;
            }
        }
        Ok(())
    }

    /// Reads restaurant `id`'s own budget again at its next request (after a
    /// change made through this instance).
    fn forget_budget(&self, id: &str) {
        self.budgets.invalidate(id);
    }

    /// Forgets the clients that have their whole budget back.
    fn tidy(&self) {
        if let Some(l) = &self.client {
            l.retain_recent();
        }
        if let Some(l) = &self.booking {
            l.retain_recent();
        }
        if let Some(l) = &self.new_restaurant {
            l.retain_recent();
        }
        if let Some(l) = &self.lookup {
            l.retain_recent();
        }
    }
}

fn wait<K: std::hash::Hash + Eq + Clone>(
    limiter: &DefaultKeyedRateLimiter<K>,
    key: &K,
) -> Result<(), Duration> {
    limiter
        .check_key(key)
        .map_err(|not_until| not_until.wait_time_from(governor::clock::Clock::now(limiter.clock())))
}

/// The restaurant a page or API path names: `/restaurants/{id}…` or
/// `/api/v1/restaurants/{id}…`.
fn restaurant_of(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/api/v1").unwrap_or(path).strip_prefix("/restaurants/")?;
    let id = rest.split('/').next()?;
    (!id.is_empty() && id != "new").then_some(id)
}

/// Files of the built site and the operators' endpoints are not counted.
fn exempt(path: &str) -> bool {
    path.starts_with("/pkg/") || matches!(path, "/favicon.svg" | "/healthz" | "/metrics")
}

/// The middleware: counts the request against its budgets, answers 429
/// with `Retry-After` when one is spent, and (for the JSON API) counts the
/// wrong codes and keys it answered.
pub async fn limit(
    State(protection): State<Arc<Protection>>,
    mut request: Request,
    next: Next,
) -> Response {
    let client = protection.proxies.client_of(&request);
    request.extensions_mut().insert(ClientAddr(client));
    let path = request.uri().path().to_string();
    if exempt(&path) {
        return next.run(request).await;
    }
    let changing = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let checked = protection.limiters.check(client, changing, &path, protection.service.as_ref());
    if let Err(wait) = checked.await {
        return refusal(&request, ApiError::RateLimited { retry_after: wait });
    }
    let n = protection.checks.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    if n % 8192 == 8191 {
        protection.limiters.tidy();
    }
    // A secret tried through the JSON API: a code on a reservation, or a key
    // on a restaurant or reservation.
    let target = guessed_target(&path, &request);
    if let Some((target, _)) = &target
        && let Err(wait) = protection.guesses.check(client, target)
    {
        return refusal(&request, ApiError::RateLimited { retry_after: wait });
    }
    let response = next.run(request).await;
    if changing
        && response.status().is_success()
        && let Some(id) = restaurant_of(&path)
    {
        protection.limiters.forget_budget(id);
    }
    if let Some((target, secret)) = target
        && secret.was_wrong(response.status())
    {
        protection.guesses.failed(client, &target);
    }
    response
}

/// The secret a request tries.
#[derive(Clone, Copy)]
enum Secret {
    /// A reservation's code (or a key tried on a reservation): a wrong one
    /// is answered 404, as for no reservation.
    Code,
    /// An owner key: a wrong one is answered 401 or 403.
    OwnerKey,
}

impl Secret {
    fn was_wrong(self, status: StatusCode) -> bool {
        match self {
            Secret::Code => status == StatusCode::NOT_FOUND,
            Secret::OwnerKey => matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN),
        }
    }
}

/// What a request carrying a code or key tries it on, and which it carries.
fn guessed_target(path: &str, request: &Request) -> Option<(String, Secret)> {
    let headers = request.headers();
    let secret = if headers.contains_key("x-reservation-code") {
        Secret::Code
    } else if headers.contains_key("authorization") {
        Secret::OwnerKey
    } else {
        return None;
    };
    let rest = path.strip_prefix("/api/v1/")?;
    let mut parts = rest.split('/');
    match (parts.next(), parts.next(), secret) {
        // A wrong code or key on a reservation is answered 404 alike.
        (Some("reservations"), Some(id), _) => Some((format!("reservation {id}"), Secret::Code)),
        (Some("restaurants"), Some(id), Secret::OwnerKey) => {
            Some((format!("restaurant {id}"), secret))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_read_off_defaults_and_changes() {
        assert!(LimitSettings::parse("off").unwrap().is_off());
        assert_eq!(LimitSettings::parse("").unwrap(), LimitSettings::default());
        let s = LimitSettings::parse("client=5/second, booking=off, guess_target=3/hour").unwrap();
        assert_eq!(s.client, budget(5, Duration::from_secs(1)));
        assert_eq!(s.booking, None);
        assert_eq!(s.guess_target, budget(3, HOUR));
        assert_eq!(s.restaurant, LimitSettings::default().restaurant);
        assert!(LimitSettings::parse("clients=5/minute").is_err());
        assert!(LimitSettings::parse("client=0/minute").is_err());
        assert!(LimitSettings::parse("client=5/week").is_err());
    }

    #[test]
    fn the_restaurant_of_a_path() {
        assert_eq!(restaurant_of("/restaurants/abc/slot"), Some("abc"));
        assert_eq!(restaurant_of("/api/v1/restaurants/abc"), Some("abc"));
        assert_eq!(restaurant_of("/restaurants/new"), None);
        assert_eq!(restaurant_of("/api/v1/restaurants"), None);
        assert_eq!(restaurant_of("/reservations/x"), None);
    }
}
