//! Following the PostgreSQL primary among several hosts.
//!
//! `DATABASE_URL` may name several hosts in libpq's form,
//! `postgres://user:pw@h1:5432,h2:5432/covers?target_session_attrs=read-write`.
//! sqlx connects to one host per URL, so Covers splits the list, finds the
//! host that accepts writes (where `pg_is_in_recovery()` is false) and points
//! its pool there. A watcher asks that host every second; when it is gone or
//! has become a standby (a failover), it looks for the new primary and
//! points the pool at it. Connections made before the move are dropped as
//! they come back to the pool, so no request writes to the old host. While
//! there is no primary, requests answer 503 with `Retry-After`.

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use sqlx::any::AnyConnectOptions;
use sqlx::{AnyConnection, AnyPool, Connection};

/// How often the watcher asks the primary whether it still is one.
const WATCH: Duration = Duration::from_secs(1);
/// How long one question to one host may take.
const PROBE: Duration = Duration::from_secs(2);

/// The single-host URLs of a URL naming several hosts (libpq's form), in
/// its order and without libpq's `target_session_attrs`; `None` for a URL
/// of one host.
pub fn split_hosts(url: &str) -> Option<Vec<String>> {
    let (scheme, rest) = url.split_once("://")?;
    let (authority, path) = match rest.find(['/', '?']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let (user, hosts) = match authority.rsplit_once('@') {
        Some((user, hosts)) => (format!("{user}@"), hosts),
        None => (String::new(), authority),
    };
    if !hosts.contains(',') {
        return None;
    }
    let path = without_param(path, "target_session_attrs");
    Some(
        hosts
            .split(',')
            .filter(|h| !h.is_empty())
            .map(|host| format!("{scheme}://{user}{host}{path}"))
            .collect(),
    )
}

/// `path` (`/db?a=1&b=2`) without the query parameter `name`.
fn without_param(path: &str, name: &str) -> String {
    let Some((base, query)) = path.split_once('?') else { return path.to_string() };
    let kept: Vec<&str> =
        query.split('&').filter(|p| p.split('=').next() != Some(name) && !p.is_empty()).collect();
    if kept.is_empty() { base.to_string() } else { format!("{base}?{}", kept.join("&")) }
}

/// Whether the host at `url` answers as a primary (`Some(true)`), as a
/// standby (`Some(false)`), or not at all (`None`).
async fn is_primary(url: &str) -> Option<bool> {
    let ask = async {
        let mut conn = AnyConnection::connect(url).await.ok()?;
        let standby: bool =
            sqlx::query_scalar("SELECT pg_is_in_recovery()").fetch_one(&mut conn).await.ok()?;
        let _ = conn.close().await;
        Some(!standby)
    };
    tokio::time::timeout(PROBE, ask).await.ok().flatten()
}

/// The hosts of the database and which of them the pool writes to.
#[derive(Debug)]
pub struct Primary {
    urls: Vec<String>,
    current: AtomicUsize,
    /// When the pool last moved to another host, in milliseconds since
    /// `epoch`: connections older than that are dropped.
    moved_at: AtomicU64,
    epoch: Instant,
}

impl Primary {
    /// The hosts of `urls` and the one that is primary now, asked in turn
    /// for up to `wait` (a failover may be under way as Covers starts).
    pub async fn find(urls: Vec<String>, wait: Duration) -> Result<Arc<Self>, String> {
        let deadline = Instant::now() + wait;
        loop {
            for (i, url) in urls.iter().enumerate() {
                if is_primary(url).await == Some(true) {
                    let epoch = Instant::now();
                    let primary = Self {
                        urls,
                        current: AtomicUsize::new(i),
                        moved_at: AtomicU64::new(0),
                        epoch,
                    };
                    return Ok(Arc::new(primary));
                }
            }
            if Instant::now() >= deadline {
                return Err(format!("none of the {} hosts accepts writes", urls.len()));
            }
            tokio::time::sleep(WATCH).await;
        }
    }

    /// The URL of the host written to now.
    pub fn url(&self) -> &str {
        &self.urls[self.current.load(Ordering::Acquire)]
    }

    /// Whether a connection of `age` was made after the last move.
    pub fn keeps(&self, age: Duration) -> bool {
        let moved = Duration::from_millis(self.moved_at.load(Ordering::Acquire));
        let since_move = self.epoch.elapsed().saturating_sub(moved);
        moved.is_zero() || age < since_move
    }

    /// Asks the primary every second whether it still is one; when it is
    /// not, finds the host that is and points `pool` at it. Runs for ever.
    pub async fn watch(self: Arc<Self>, pool: AnyPool) {
        let mut tick = tokio::time::interval(WATCH);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if is_primary(self.url()).await == Some(true) {
                continue;
            }
            for (i, url) in self.urls.iter().enumerate() {
                if i == self.current.load(Ordering::Acquire) {
                    continue;
                }
                if is_primary(url).await == Some(true) {
                    let Ok(options) = AnyConnectOptions::from_str(url) else { continue };
                    pool.set_connect_options(options);
                    self.current.store(i, Ordering::Release);
                    let now = self.epoch.elapsed().as_millis().max(1) as u64;
                    self.moved_at.store(now, Ordering::Release);
                    tracing::warn!(host = i + 1, "the database primary moved; writing there now");
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_of_several_hosts_is_split_into_one_url_a_host() {
        let urls = split_hosts(
            "postgres://u:pw@h1:5432,h2:5433/covers?target_session_attrs=read-write&sslmode=disable",
        )
        .unwrap();
        assert_eq!(
            urls,
            [
                "postgres://u:pw@h1:5432/covers?sslmode=disable",
                "postgres://u:pw@h2:5433/covers?sslmode=disable"
            ]
        );
        let plain = split_hosts("postgres://h1,h2/covers?target_session_attrs=read-write");
        assert_eq!(plain.unwrap(), ["postgres://h1/covers", "postgres://h2/covers"]);
        assert_eq!(split_hosts("postgres://u@h1:5432/covers"), None);
    }
}
