//! Wrong secrets (confirmation codes, owner keys) counted per client address
//! and per target (the reservation or restaurant they were tried on). Past
//! the budget both are locked out for a while, so guessing a code is as slow
//! for one client as for many.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// The address a request is counted against, put in its extensions by the
/// server (from the connection, or a trusted proxy's `X-Forwarded-For`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ClientAddr(pub IpAddr);

/// How many wrong secrets are allowed, and how fast the budget comes back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    pub count: NonZeroU32,
    pub per: Duration,
}

impl Budget {
    pub fn quota(self) -> Quota {
        let every = self.per / self.count.get();
        Quota::with_period(every.max(Duration::from_nanos(1)))
            .expect("a positive period")
            .allow_burst(self.count)
    }
}

pub struct Guesses {
    clients: Option<DefaultKeyedRateLimiter<IpAddr>>,
    targets: Option<DefaultKeyedRateLimiter<String>>,
    /// Until when a client (`c:` + address) or target (`t:` + id) is locked.
    locks: moka::sync::Cache<String, Instant>,
}

impl std::fmt::Debug for Guesses {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Guesses").finish_non_exhaustive()
    }
}

impl Guesses {
    /// Budgets per client and per target; `None` leaves that side unlimited.
    pub fn new(per_client: Option<Budget>, per_target: Option<Budget>) -> Self {
        Self {
            clients: per_client.map(|b| RateLimiter::keyed(b.quota())),
            targets: per_target.map(|b| RateLimiter::keyed(b.quota())),
            locks: moka::sync::Cache::builder()
                .max_capacity(100_000)
                .time_to_live(Duration::from_secs(24 * 3600))
                .build(),
        }
    }

    /// No limit at all.
    pub fn off() -> Self {
        Self::new(None, None)
    }

    /// `Err(wait)` while this client, or this target, is locked out.
    pub fn check(&self, client: IpAddr, target: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let wait = [format!("c:{client}"), format!("t:{target}")]
            .iter()
            .filter_map(|key| self.locks.get(key))
            .filter(|until| *until > now)
            .map(|until| until - now)
            .max();
        match wait {
            Some(wait) => Err(wait),
            None => Ok(()),
        }
    }

    /// Counts a wrong secret tried by `client` on `target`, locking either
    /// out when it has used up its budget.
    pub fn failed(&self, client: IpAddr, target: &str) {
        let now = Instant::now();
        if let Some(limiter) = &self.clients
            && let Err(not_until) = limiter.check_key(&client)
        {
            let wait = not_until.wait_time_from(governor::clock::Clock::now(limiter.clock()));
            self.locks.insert(format!("c:{client}"), now + wait);
        }
        if let Some(limiter) = &self.targets
            && let Err(not_until) = limiter.check_key(&target.to_string())
        {
            let wait = not_until.wait_time_from(governor::clock::Clock::now(limiter.clock()));
            self.locks.insert(format!("t:{target}"), now + wait);
        }
        for limiter in self.clients.iter() {
            if limiter.len() > 100_000 {
                limiter.retain_recent();
            }
        }
        for limiter in self.targets.iter() {
            if limiter.len() > 100_000 {
                limiter.retain_recent();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget(count: u32, secs: u64) -> Option<Budget> {
        Some(Budget { count: NonZeroU32::new(count).unwrap(), per: Duration::from_secs(secs) })
    }

    #[test]
    fn a_target_is_locked_after_its_budget_of_wrong_secrets() {
        let guesses = Guesses::new(budget(100, 3600), budget(3, 3600));
        let client: IpAddr = "203.0.113.9".parse().unwrap();
        for _ in 0..3 {
            assert!(guesses.check(client, "r1").is_ok());
            guesses.failed(client, "r1");
        }
        assert!(guesses.check(client, "r1").is_ok(), "three wrong tries are allowed");
        guesses.failed(client, "r1");
        let wait = guesses.check(client, "r1").unwrap_err();
        assert!(wait > Duration::from_secs(60), "locked for a while, not a moment");
        let other: IpAddr = "198.51.100.1".parse().unwrap();
        assert!(guesses.check(other, "r1").is_err(), "the target is locked for everyone");
        assert!(guesses.check(other, "r2").is_ok());
    }

    #[test]
    fn a_client_is_locked_after_its_budget_across_targets() {
        let guesses = Guesses::new(budget(2, 3600), budget(100, 3600));
        let client: IpAddr = "203.0.113.9".parse().unwrap();
        for target in ["a", "b", "c"] {
            guesses.failed(client, target);
        }
        assert!(guesses.check(client, "d").is_err());
        assert!(guesses.check("198.51.100.1".parse().unwrap(), "d").is_ok());
        assert!(Guesses::off().check(client, "d").is_ok());
    }
}
