//! Opening, migrating and checking the database.
//!
//! With no `DATABASE_URL` Covers keeps its data in a SQLite file,
//! `./data/covers.db`, created and migrated on first start.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

/// The database file used when `DATABASE_URL` is not set.
pub const DEFAULT_SQLITE_PATH: &str = "data/covers.db";

/// How long a writer waits for another writer's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a request waits for a free connection before the database is
/// treated as unavailable (503) rather than hanging.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported DATABASE_URL {0:?}: expected sqlite:<path>")]
    UnsupportedUrl(String),
    #[error("cannot create the directory {path}: {source}")]
    CreateDir { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// A handle on the database, cheap to clone. SQLite takes one writer at a
/// time, so writes queue for a single connection (in order, without busy
/// retries) while reads use a pool of their own.
#[derive(Clone, Debug)]
pub struct Db {
    writer: SqlitePool,
    reader: SqlitePool,
    /// Where the data lives, for the log: a file path (secrets never appear).
    location: String,
}

impl Db {
    /// Opens the database named by `database_url` (or the default SQLite
    /// file), creating the file and its directory if needed, and applies
    /// every pending migration.
    pub async fn connect(database_url: Option<&str>) -> Result<Self, DbError> {
        let (options, location) = match database_url {
            None => {
                let path = Path::new(DEFAULT_SQLITE_PATH);
                (SqliteConnectOptions::new().filename(path), path.display().to_string())
            }
            Some(url) if url.starts_with("sqlite:") => {
                let options = SqliteConnectOptions::from_str(url)?;
                let location = options.get_filename().display().to_string();
                (options, location)
            }
            Some(url) => return Err(DbError::UnsupportedUrl(redact(url))),
        };
        if let Some(dir) = options.get_filename().parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|source| DbError::CreateDir { path: dir.to_path_buf(), source })?;
        }
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // With WAL, NORMAL loses no committed transaction on a crash of
            // the process; only a power loss can drop the last commits.
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true);
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options.clone())
            .await?;
        sqlx::migrate!("../migrations/sqlite").run(&writer).await?;
        let readers = std::thread::available_parallelism().map_or(4, |n| n.get() * 2) as u32;
        let reader = SqlitePoolOptions::new()
            .max_connections(readers)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options.read_only(true))
            .await?;
        Ok(Self { writer, reader, location })
    }

    /// Where the data is kept, fit for a log line.
    pub fn location(&self) -> &str {
        &self.location
    }

    /// The connection every write goes through.
    pub fn writer(&self) -> &SqlitePool {
        &self.writer
    }

    /// Connections for reads that need not see a write in progress.
    pub fn reader(&self) -> &SqlitePool {
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
        let err = Db::connect(Some("mysql://root:hunter2@localhost/covers")).await.unwrap_err();
        let text = err.to_string();
        assert!(text.contains("unsupported DATABASE_URL"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
    }
}
