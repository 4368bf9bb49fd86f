//! Opening, migrating and checking the database.
//!
//! Covers runs on SQLite or PostgreSQL, chosen by `DATABASE_URL`
//! (`sqlite:<path>` or `postgres://…`). With no `DATABASE_URL` it keeps its
//! data in a SQLite file, `./data/covers.db`, created and migrated on first
//! start. Queries are written once, in the SQL both engines read (`$1`
//! parameters), and run through sqlx's `Any` driver; each engine has its own
//! migrations, which give it the same tables and the same guards.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AnyPool, Executor};

/// The database file used when `DATABASE_URL` is not set.
pub const DEFAULT_SQLITE_PATH: &str = "data/covers.db";

/// How long a SQLite writer waits for another writer's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
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
    /// Where the data lives, for the log: a file path or a URL without its password.
    location: String,
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
        // Every connection: WAL (readers never block the writer), NORMAL
        // sync (with WAL no committed transaction is lost when the process
        // dies; only a power loss can drop the last commits), a busy
        // timeout, and foreign keys on.
        let settings = format!(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
             PRAGMA busy_timeout = {}; PRAGMA foreign_keys = ON;",
            BUSY_TIMEOUT.as_millis()
        );
        let pool = |max: u32, mode: &str| {
            let settings = settings.clone();
            let url = format!("sqlite://{path}?mode={mode}");
            async move {
                AnyPoolOptions::new()
                    .max_connections(max)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
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
        let readers = std::thread::available_parallelism().map_or(4, |n| n.get() * 2) as u32;
        let reader = pool(readers, "ro").await?;
        Ok(Self { engine: Engine::Sqlite, writer, reader, location: path })
    }

    async fn postgres(url: &str) -> Result<Self, DbError> {
        let connections =
            std::env::var("COVERS_DB_CONNECTIONS").ok().and_then(|n| n.parse().ok()).unwrap_or(10);
        let pool = AnyPoolOptions::new()
            .max_connections(connections)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect(url)
            .await?;
        sqlx::migrate!("../migrations/postgres").run(&pool).await?;
        Ok(Self {
            engine: Engine::Postgres,
            writer: pool.clone(),
            reader: pool,
            location: redact(url),
        })
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Where the data is kept, fit for a log line.
    pub fn location(&self) -> &str {
        &self.location
    }

    /// The connections every write goes through.
    pub fn writer(&self) -> &AnyPool {
        &self.writer
    }

    /// Connections for reads that need not see a write in progress.
    pub fn reader(&self) -> &AnyPool {
        &self.reader
    }

    /// Answers whether the database responds to a trivial query.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1").execute(&self.reader).await.map(|_| ())
    }

    /// Waits for in-flight queries and closes every connection.
    pub async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
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
