//! Reading from PostgreSQL read replicas.
//!
//! `DATABASE_READ_URL` names one or several standbys (libpq's multi-host
//! form is split as for `DATABASE_URL`). Slot lists and restaurant pages
//! read there; everything a person has just written and must see again (a
//! diner's own reservation, the owner's pages) and every write go to the
//! primary. A watcher asks each replica every second whether it is still a
//! standby, still receiving the primary's log, and how far its replay is
//! behind; one lagging beyond `COVERS_MAX_REPLICA_LAG` seconds, or down, is
//! left out until it catches up, and with none fit the primary serves.
//!
//! A stale list cannot book anything: booking runs on the primary, under the
//! restaurant's lock and the exclusion constraint, and answers a taken slot
//! with 409 and alternatives.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool};

use super::primary::split_hosts;

/// How often each replica is asked how far behind it is.
const WATCH: Duration = Duration::from_secs(1);
/// How long one question to a replica may take.
const PROBE: Duration = Duration::from_secs(2);
/// How long a read waits for a replica's connection before it goes to the
/// primary instead.
const ACQUIRE: Duration = Duration::from_secs(1);

/// The replay delay of a standby in seconds: none when it has replayed all
/// it received; otherwise the age of the last transaction it replayed.
/// `NULL` when the host is no standby or receives nothing from a primary
/// (its data may be any age).
const LAG: &str = "SELECT CASE \
     WHEN NOT pg_is_in_recovery() THEN NULL \
     WHEN NOT EXISTS (SELECT 1 FROM pg_stat_wal_receiver) THEN NULL \
     WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN CAST(0 AS DOUBLE PRECISION) \
     ELSE CAST(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) AS DOUBLE PRECISION) \
     END";

/// The read replicas and which of them may serve now.
#[derive(Debug)]
pub struct Replicas {
    hosts: Vec<Replica>,
    max_lag: Duration,
    /// Turns through the fit replicas.
    next: AtomicUsize,
}

#[derive(Debug)]
struct Replica {
    pool: AnyPool,
    /// Up, a standby, receiving, and within the lag bound at the last look.
    fit: AtomicBool,
}

impl Replicas {
    /// The replicas `url` names (one host or several), none of them trusted
    /// until the watcher has looked at it; a replica that is down as Covers
    /// starts is simply not read from.
    pub fn new(url: &str, max_lag: Duration, connections: u32) -> Result<Arc<Self>, sqlx::Error> {
        let urls = split_hosts(url).unwrap_or_else(|| vec![url.to_string()]);
        let hosts = urls
            .iter()
            .map(|url| {
                let pool = AnyPoolOptions::new()
                    .max_connections(connections)
                    .acquire_timeout(ACQUIRE)
                    .connect_lazy(url)?;
                Ok(Replica { pool, fit: AtomicBool::new(false) })
            })
            .collect::<Result<_, sqlx::Error>>()?;
        Ok(Arc::new(Self { hosts, max_lag, next: AtomicUsize::new(0) }))
    }

    /// A connection to a replica fit to read from, in turn; `None` when
    /// none is (then the primary serves).
    pub async fn connection(&self) -> Option<(usize, PoolConnection<Any>)> {
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        for i in (0..self.hosts.len()).map(|k| (start + k) % self.hosts.len()) {
            let host = &self.hosts[i];
            if !host.fit.load(Ordering::Acquire) {
                continue;
            }
            match host.pool.acquire().await {
                Ok(conn) => return Some((i, conn)),
                Err(err) => self.failed(i, &err.to_string()),
            }
        }
        None
    }

    /// Leaves replica `i` out until the watcher finds it fit again.
    pub fn failed(&self, i: usize, error: &str) {
        if self.hosts[i].fit.swap(false, Ordering::AcqRel) {
            tracing::warn!(replica = i + 1, error, "read replica failed; reading from the primary");
        }
    }

    /// How many replicas may serve reads now.
    pub fn fit(&self) -> usize {
        self.hosts.iter().filter(|h| h.fit.load(Ordering::Acquire)).count()
    }

    /// Asks every replica how far behind it is, every second, for ever.
    pub async fn watch(self: Arc<Self>) {
        let mut tick = tokio::time::interval(WATCH);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            for (i, host) in self.hosts.iter().enumerate() {
                let lag = tokio::time::timeout(
                    PROBE,
                    sqlx::query_scalar::<_, Option<f64>>(LAG).fetch_one(&host.pool),
                )
                .await;
                let fit = match lag {
                    Ok(Ok(Some(lag))) => lag <= self.max_lag.as_secs_f64(),
                    _ => false,
                };
                let was = host.fit.swap(fit, Ordering::AcqRel);
                if was != fit {
                    let lag = match lag {
                        Ok(Ok(Some(lag))) => format!("{lag:.1} s behind"),
                        Ok(Ok(None)) => "not a receiving standby".to_string(),
                        Ok(Err(err)) => err.to_string(),
                        Err(_) => "no answer".to_string(),
                    };
                    if fit {
                        tracing::info!(replica = i + 1, lag, "reading from the replica");
                    } else {
                        tracing::warn!(replica = i + 1, lag, "replica left out of reads");
                    }
                }
            }
        }
    }

    /// Closes every replica's connections.
    pub async fn close(&self) {
        for host in &self.hosts {
            host.pool.close().await;
        }
    }
}
