//! Opening, migrating and checking the database.
//!
//! Covers runs on SQLite or PostgreSQL, chosen by `DATABASE_URL`
//! (`sqlite:<path>` or `postgres://…`). With no `DATABASE_URL` it keeps its
//! data in a SQLite file, `./data/covers.db`, created and migrated on first
//! start. Queries are written once, in the SQL both engines read (`$1`
//! parameters), and run through sqlx's `Any` driver; each engine has its own
//! migrations, which give it the same tables and the same guards.

use std::ops::{Deref, DerefMut};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::pool::PoolConnection;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Any, AnyConnection, AnyPool, Connection, Executor, Transaction};

use super::primary::{self, Primary};
use super::replicas::Replicas;

/// The database file used when `DATABASE_URL` is not set.
pub const DEFAULT_SQLITE_PATH: &str = "data/covers.db";

/// How long a SQLite writer waits for another writer's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// How long Covers looks for the primary among several hosts as it starts.
const FIND_PRIMARY: Duration = Duration::from_secs(30);
/// How long a request waits for a free connection (or a new one) before the
/// database is treated as unavailable (503) rather than hanging.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported DATABASE_URL {0:?}: expected sqlite:<path> or postgres://…")]
    UnsupportedUrl(String),
    #[error("cannot create the directory {path}: {source}")]
    CreateDir { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("COVERS_SQLITE_SYNCHRONOUS={0:?}: expected FULL, EXTRA or NORMAL")]
    Synchronous(String),
    #[error("cannot start the write thread: {0}")]
    Thread(#[from] std::io::Error),
    #[error("DATABASE_URL names several hosts, but {0}")]
    NoPrimary(String),
    #[error("DATABASE_READ_URL names read replicas, which only PostgreSQL has")]
    ReplicasNeedPostgres,
}

/// SQLite's `synchronous` setting: `FULL` by default; `COVERS_SQLITE_SYNCHRONOUS`
/// may raise it to `EXTRA` or lower it to `NORMAL`, where a power cut or an
/// operating-system crash can lose the last commits (warned at start).
fn sqlite_synchronous() -> Result<&'static str, DbError> {
    let value = std::env::var("COVERS_SQLITE_SYNCHRONOUS").unwrap_or_default();
    match value.trim().to_ascii_uppercase().as_str() {
        "" | "FULL" => Ok("FULL"),
        "EXTRA" => Ok("EXTRA"),
        "NORMAL" => {
            tracing::warn!(
                "COVERS_SQLITE_SYNCHRONOUS=NORMAL: a power cut or an operating-system crash \
                 can lose bookings that were already confirmed"
            );
            Ok("NORMAL")
        }
        _ => Err(DbError::Synchronous(value)),
    }
}

/// The SQLite file `database_url` names (`None`: the default file), read as
/// opening the database reads it; `None` for another engine or a bad URL.
pub fn sqlite_file(database_url: Option<&str>) -> Option<PathBuf> {
    match database_url {
        None => Some(PathBuf::from(DEFAULT_SQLITE_PATH)),
        Some(url) if url.starts_with("sqlite:") => SqliteConnectOptions::from_str(url)
            .ok()
            .map(|options| options.get_filename().to_path_buf()),
        Some(_) => None,
    }
}

/// Which database engine holds the data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A handle on the database, cheap to clone. SQLite takes one writer at a
/// time, so there writes queue for a single connection (in order, without
/// busy retries) while reads use a pool of their own. PostgreSQL serves
/// both from one pool.
#[derive(Clone, Debug)]
pub struct Db {
    engine: Engine,
    writer: AnyPool,
    reader: AnyPool,
    /// SQLite only: the writer connection and the thread write transactions
    /// run on (see `Db::write`).
    lane: Option<WriteLane>,
    /// PostgreSQL on several hosts: the task that follows the primary.
    follower: Option<Arc<Follower>>,
    /// PostgreSQL read replicas, and the task watching their lag.
    replicas: Option<(Arc<Replicas>, Arc<Follower>)>,
    /// Where the data lives, for the log: a file path or a URL without its password.
    location: String,
}

/// The task following the primary; it stops with the last handle.
#[derive(Debug)]
struct Follower(tokio::task::JoinHandle<()>);

impl Drop for Follower {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Db {
    /// Opens the database named by `database_url` (or the default SQLite
    /// file), creating a SQLite file and its directory if needed, and
    /// applies every pending migration.
    pub async fn connect(database_url: Option<&str>) -> Result<Self, DbError> {
        install_default_drivers();
        match database_url {
            None => Self::sqlite(&format!("sqlite:{DEFAULT_SQLITE_PATH}")).await,
            Some(url) if url.starts_with("sqlite:") => Self::sqlite(url).await,
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Self::postgres(url).await
            }
            Some(url) => Err(DbError::UnsupportedUrl(redact(url))),
        }
    }

    async fn sqlite(url: &str) -> Result<Self, DbError> {
        let options = SqliteConnectOptions::from_str(url)?;
        let file = options.get_filename().to_path_buf();
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|source| DbError::CreateDir { path: dir.to_path_buf(), source })?;
        }
        let path = file.display().to_string();
        // Every connection: WAL (readers never block the writer), FULL sync
        // unless lowered (a commit reaches the disk before it is answered,
        // so a booking answered 201 survives a power cut), a busy timeout,
        // foreign keys on, and no checkpoint by a committing writer (see
        // `checkpoints`).
        let synchronous = sqlite_synchronous()?;
        let settings = format!(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = {synchronous}; \
             PRAGMA busy_timeout = {}; PRAGMA foreign_keys = ON; PRAGMA wal_autocheckpoint = 0;",
            BUSY_TIMEOUT.as_millis()
        );
        let pool = |max: u32, mode: &str| {
            let settings = settings.clone();
            let url = format!("sqlite://{path}?mode={mode}");
            async move {
                AnyPoolOptions::new()
                    .max_connections(max)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    // A file on this machine: no connection goes stale
                    // unnoticed, and each test would be a trip to SQLite's
                    // thread before every statement.
                    .test_before_acquire(false)
                    .after_connect(move |conn, _| {
                        let settings = settings.clone();
                        Box::pin(async move {
                            conn.execute(settings.as_str()).await?;
                            Ok(())
                        })
                    })
                    .connect(&url)
                    .await
            }
        };
        let writer = pool(1, "rwc").await?;
        sqlx::migrate!("../migrations/sqlite").run(&writer).await?;
        // The writer is handed out by `write_connection`, never to a reader.
        let readers = std::thread::available_parallelism().map_or(4, |n| n.get() * 2) as u32;
        let reader = pool(readers, "ro").await?;
        let checkpointer =
            sqlx::AnyConnection::connect(&format!("sqlite://{path}?mode=rw")).await?;
        let lane = WriteLane::start(checkpointer)?;
        Ok(Self {
            engine: Engine::Sqlite,
            writer,
            reader,
            lane: Some(lane),
            follower: None,
            replicas: None,
            location: path,
        })
    }

    async fn postgres(url: &str) -> Result<Self, DbError> {
        let connections = pg_connections();
        let mut options =
            AnyPoolOptions::new().max_connections(connections).acquire_timeout(ACQUIRE_TIMEOUT);
        // Several hosts: write to the primary, and follow it (see `primary`).
        let primary = match primary::split_hosts(url) {
            Some(urls) => {
                Some(Primary::find(urls, FIND_PRIMARY).await.map_err(DbError::NoPrimary)?)
            }
            None => None,
        };
        if let Some(primary) = &primary {
            let primary = primary.clone();
            options = options.before_acquire(move |_, meta| {
                let keep = primary.keeps(meta.age);
                Box::pin(async move { Ok(keep) })
            });
        }
        let pool = options.connect(primary.as_ref().map_or(url, |p| p.url())).await?;
        sqlx::migrate!("../migrations/postgres").run(&pool).await?;
        let follower =
            primary.map(|primary| Arc::new(Follower(tokio::spawn(primary.watch(pool.clone())))));
        Ok(Self {
            engine: Engine::Postgres,
            writer: pool.clone(),
            reader: pool,
            lane: None,
            follower,
            replicas: None,
            location: redact(url),
        })
    }

    /// Reads slot lists and restaurant pages from the PostgreSQL standbys
    /// `url` names, each while it is no more than `max_lag` behind (see
    /// `replicas`).
    pub fn read_from(mut self, url: &str, max_lag: Duration) -> Result<Self, DbError> {
        if self.engine != Engine::Postgres {
            return Err(DbError::ReplicasNeedPostgres);
        }
        let replicas = Replicas::new(url, max_lag, pg_connections())?;
        let watcher = Arc::new(Follower(tokio::spawn(replicas.clone().watch())));
        self.replicas = Some((replicas, watcher));
        Ok(self)
    }

    /// A connection for a read that may be a little stale (a slot list, a
    /// restaurant page): a read replica's while one is fit, else one of
    /// [`Db::reader`].
    pub async fn stale_reader(&self) -> Result<StaleRead, sqlx::Error> {
        if let Some((replicas, _)) = &self.replicas
            && let Some((host, conn)) = replicas.connection().await
        {
            return Ok(StaleRead::Replica { host, conn });
        }
        Ok(StaleRead::Primary(self.reader.acquire().await?))
    }

    /// Leaves replica `host` out of reads after `error`, until it is seen
    /// fit again.
    pub fn replica_failed(&self, host: usize, error: &str) {
        if let Some((replicas, _)) = &self.replicas {
            replicas.failed(host, error);
        }
    }

    /// How many read replicas may serve now (none without replicas).
    pub fn replicas_fit(&self) -> usize {
        self.replicas.as_ref().map_or(0, |(replicas, _)| replicas.fit())
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Where the data is kept, fit for a log line.
    pub fn location(&self) -> &str {
        &self.location
    }

    /// The connections every write goes through (on SQLite, one); a write
    /// transaction takes its connection with [`Db::write_connection`].
    pub fn writer(&self) -> &AnyPool {
        &self.writer
    }

    /// A connection for one write transaction, waited for in turn (at most
    /// as long as for a pool's). On SQLite it is the one writer connection,
    /// kept out of its pool between transactions: handing it back and out
    /// again costs two trips to SQLite's thread, which under load took
    /// longer than the transaction itself. The service takes it through
    /// `store::writer`, on the write path; called directly, it is for tests
    /// that go around the service on purpose.
    pub async fn write_connection(&self) -> Result<WriteConnection, sqlx::Error> {
        let Some(lane) = &self.lane else {
            return Ok(WriteConnection::Pooled(self.writer.acquire().await?));
        };
        let mut held = tokio::time::timeout(ACQUIRE_TIMEOUT, lane.connection.clone().lock_owned())
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)?;
        if lane.broken.swap(false, Ordering::AcqRel) {
            // Back to the pool, which closes it when it fails its test.
            held.take();
        }
        if held.is_none() {
            *held = Some(self.writer.acquire().await?);
        }
        Ok(WriteConnection::Held(held))
    }

    /// Starts a write transaction on `conn`. On SQLite it takes the write
    /// lock at once (`BEGIN IMMEDIATE`), so what the transaction reads
    /// cannot change before it commits. When SQLite's writer connection
    /// fails to start one for any reason but the database's own, the next
    /// write gets a new connection.
    pub async fn begin<'c>(
        &self,
        conn: &'c mut WriteConnection,
    ) -> Result<Transaction<'c, Any>, sqlx::Error> {
        let statement = match self.engine {
            Engine::Sqlite => "BEGIN IMMEDIATE",
            Engine::Postgres => "BEGIN",
        };
        let started = conn.begin_with(statement).await;
        if let (Err(err), Some(lane)) = (&started, &self.lane)
            && !matches!(err, sqlx::Error::Database(_))
        {
            lane.broken.store(true, Ordering::Release);
        }
        started
    }

    /// Connections for reads that need not see a write in progress.
    pub fn reader(&self) -> &AnyPool {
        &self.reader
    }

    /// Runs `work`, a write transaction, to its end. On SQLite it runs on a
    /// thread of its own: all writes take turns on one connection, so each
    /// statement of a transaction holds up every other write, and on the
    /// request threads each of those statements would also wait behind
    /// whatever reads are running there. The transaction finishes even if
    /// the caller stops waiting for it.
    pub async fn write<T: Send + 'static>(
        &self,
        work: impl Future<Output = T> + Send + 'static,
    ) -> T {
        let Some(lane) = &self.lane else { return work.await };
        match lane.handle.spawn(work).await {
            Ok(done) => done,
            Err(err) if err.is_panic() => std::panic::resume_unwind(err.into_panic()),
            Err(err) => panic!("the write thread stopped: {err}"),
        }
    }

    /// Answers whether the database responds to a trivial query.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1").execute(&self.reader).await.map(|_| ())
    }

    /// Waits for in-flight queries and closes every connection.
    pub async fn close(&self) {
        if let Some(follower) = &self.follower {
            follower.0.abort();
        }
        if let Some((replicas, watcher)) = &self.replicas {
            watcher.0.abort();
            replicas.close().await;
        }
        if let Some(lane) = &self.lane {
            lane.checkpoints.abort();
            // Wait for the write in progress, then hand the writer back so
            // that closing its pool does not wait for it forever.
            lane.connection.lock().await.take();
        }
        self.writer.close().await;
        self.reader.close().await;
    }
}

/// How many connections a PostgreSQL pool keeps at most:
/// `COVERS_DB_CONNECTIONS`, 10 by default.
fn pg_connections() -> u32 {
    std::env::var("COVERS_DB_CONNECTIONS").ok().and_then(|n| n.parse().ok()).unwrap_or(10)
}

/// A connection for a read that may be a little stale (`Db::stale_reader`).
pub enum StaleRead {
    /// Read replica number `host` (from 0).
    Replica { host: usize, conn: PoolConnection<Any> },
    /// The primary (or SQLite's readers).
    Primary(PoolConnection<Any>),
}

impl Deref for StaleRead {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        match self {
            Self::Replica { conn, .. } | Self::Primary(conn) => conn,
        }
    }
}

impl DerefMut for StaleRead {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match self {
            Self::Replica { conn, .. } | Self::Primary(conn) => conn,
        }
    }
}

/// The connection a write transaction runs on.
pub enum WriteConnection {
    /// SQLite's writer, this transaction's until it is dropped.
    Held(tokio::sync::OwnedMutexGuard<Option<PoolConnection<Any>>>),
    /// A connection of the pool (PostgreSQL).
    Pooled(PoolConnection<Any>),
}

impl Deref for WriteConnection {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        match self {
            Self::Held(held) => held.as_ref().expect("a held writer is filled when handed out"),
            Self::Pooled(conn) => conn,
        }
    }
}

impl DerefMut for WriteConnection {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match self {
            Self::Held(held) => held.as_mut().expect("a held writer is filled when handed out"),
            Self::Pooled(conn) => conn,
        }
    }
}

/// SQLite's writer connection, and a thread with an async runtime of its
/// own for write transactions; the thread stops when the last handle on it
/// is dropped.
#[derive(Clone, Debug)]
struct WriteLane {
    handle: tokio::runtime::Handle,
    connection: Arc<tokio::sync::Mutex<Option<PoolConnection<Any>>>>,
    /// Set when the connection failed to start a transaction.
    broken: Arc<AtomicBool>,
    /// The task that folds the write-ahead log back (`checkpoints`).
    checkpoints: tokio::task::AbortHandle,
    _running: Arc<tokio::sync::oneshot::Sender<()>>,
}

impl WriteLane {
    fn start(checkpointer: AnyConnection) -> std::io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let handle = runtime.handle().clone();
        let checkpoints = handle.spawn(checkpoints(checkpointer)).abort_handle();
        let (running, stopped) = tokio::sync::oneshot::channel::<()>();
        std::thread::Builder::new().name("covers-writes".into()).spawn(move || {
            // Resolves when every `WriteLane` is gone (the sender dropped).
            runtime.block_on(async {
                let _ = stopped.await;
            });
        })?;
        Ok(Self {
            handle,
            connection: Arc::default(),
            broken: Arc::default(),
            checkpoints,
            _running: Arc::new(running),
        })
    }
}

/// How often SQLite's write-ahead log is folded back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// Folds SQLite's write-ahead log back into the database file now and then,
/// on a connection of its own, for as long as the write thread runs. A
/// passive checkpoint waits for no one, so writes go on meanwhile; left to
/// the writer, it would run inside whichever commit crossed the log's size
/// limit, and every write queued behind that commit would wait for it.
async fn checkpoints(mut conn: AnyConnection) {
    let mut every = tokio::time::interval(CHECKPOINT_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if let Err(err) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&mut conn).await {
            tracing::warn!(error = %err, "SQLite checkpoint failed");
        }
    }
}

/// A database URL with any password replaced, so it can be logged.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            format!("{}://***{}", &url[..scheme_end], &url[at..])
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_hides_credentials() {
        assert_eq!(
            redact("postgres://covers:secret@db:5432/covers"),
            "postgres://***@db:5432/covers"
        );
        assert_eq!(redact("mysql://localhost/covers"), "mysql://localhost/covers");
    }

    #[tokio::test]
    async fn creates_and_migrates_a_sqlite_file() {
        let dir = std::env::temp_dir().join(format!("covers-db-test-{}", std::process::id()));
        let file = dir.join("nested").join("covers.db");
        let url = format!("sqlite:{}", file.display());
        let db = Db::connect(Some(&url)).await.expect("connect");
        db.ping().await.expect("ping");
        let mode: String =
            sqlx::query_scalar("PRAGMA journal_mode").fetch_one(db.reader()).await.unwrap();
        assert_eq!(mode, "wal");
        assert!(file.exists(), "the database file is created");
        db.close().await;
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[tokio::test]
    async fn rejects_an_unknown_engine_without_leaking_the_password() {
        install_default_drivers();
        let err = Db::connect(Some("mysql://root:hunter2@localhost/covers")).await.unwrap_err();
        let text = err.to_string();
        assert!(text.contains("unsupported DATABASE_URL"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
    }
}
