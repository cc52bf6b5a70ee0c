//! The database: one codebase over SQLite (embedded default) and PostgreSQL (by URL).
//!
//! Queries are written once and expanded per backend by [`db_run!`](crate::db_run), the single
//! dispatch point between the two; business code never matches on the backend.

pub mod migrate;
pub mod schema;
mod unit;

pub use unit::{Conn, Failure};

use std::path::PathBuf;
use std::time::Duration;

use diesel::ConnectionError;
use diesel::sqlite::SqliteConnection;
use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use futures_util::FutureExt;

/// An SQLite connection usable from async code (queries run on the blocking pool).
pub type SqliteConn = SyncConnectionWrapper<SqliteConnection>;

/// Where the data lives, parsed from `DATABASE_URL`. Its `Debug` form hides the password.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// An SQLite file (created if missing).
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL.
    Postgres(String),
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sqlite(path) => f.debug_tuple("Sqlite").field(path).finish(),
            Self::Postgres(url) => f
                .debug_tuple("Postgres")
                .field(&crate::config::redact(url))
                .finish(),
        }
    }
}

impl DatabaseUrl {
    /// Parses `sqlite://PATH`, `sqlite:PATH`, `postgres://…` or `postgresql://…`.
    pub fn parse(url: &str) -> Result<Self, String> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .ok_or_else(|| {
                format!("DATABASE_URL must start with sqlite:// or postgres:// (got {url:?})")
            })?;
        if path.is_empty() {
            return Err("DATABASE_URL names no SQLite file".into());
        }
        Ok(Self::Sqlite(PathBuf::from(path)))
    }

    /// The backend's name, for logs and `/readyz`.
    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }
}

/// A failure talking to the database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// A query failed.
    #[error("query failed: {0}")]
    Query(#[from] diesel::result::Error),
    /// No connection could be had from the pool.
    #[error("connection pool: {0}")]
    Pool(String),
    /// The database could not be opened.
    #[error("cannot connect: {0}")]
    Connect(String),
    /// Migrations failed.
    #[error("migration failed: {0}")]
    Migration(String),
}

impl From<diesel_async::pooled_connection::deadpool::PoolError> for DbError {
    fn from(e: diesel_async::pooled_connection::deadpool::PoolError) -> Self {
        Self::Pool(crate::config::redact(&e.to_string()))
    }
}

impl From<ConnectionError> for DbError {
    fn from(e: ConnectionError) -> Self {
        Self::Connect(crate::config::redact(&e.to_string()))
    }
}

/// What a client is told to wait when the database cannot be reached or is out of space.
const UNAVAILABLE_RETRY_SECS: u64 = 2;

impl From<DbError> for shared::AppError {
    /// The database being away (no connection, a connection lost, a full disk) is
    /// `unavailable`: nothing was changed and the same request can be retried shortly. Anything
    /// else is `internal`.
    fn from(e: DbError) -> Self {
        tracing::error!(error = %e, "database error");
        if e.is_unavailable() {
            shared::AppError::Unavailable {
                retry_after_secs: UNAVAILABLE_RETRY_SECS,
            }
        } else {
            shared::AppError::Internal
        }
    }
}

impl DbError {
    /// `conflict` when this is a violated unique constraint (the thing exists already), else
    /// an internal error.
    pub fn unique_as(self, conflict: shared::AppError) -> shared::AppError {
        if self.is_unique_violation() {
            conflict
        } else {
            self.into()
        }
    }

    /// Whether the database could not be used at all: no connection from the pool, a
    /// connection lost mid-query, or no space left to write.
    pub fn is_unavailable(&self) -> bool {
        use diesel::result::{DatabaseErrorKind, Error};
        match self {
            Self::Pool(_) | Self::Connect(_) => true,
            Self::Query(Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _)) => true,
            Self::Query(Error::DatabaseError(_, info)) => {
                let message = info.message();
                message.contains("disk is full")
                    || message.contains("No space left")
                    || message.contains("could not extend file")
                    || message.contains("terminating connection")
            }
            Self::Query(Error::BrokenTransactionManager) => true,
            _ => false,
        }
    }

    /// Whether the error is a violated unique constraint (e.g. a taken username).
    pub fn is_unique_violation(&self) -> bool {
        matches!(
            self,
            Self::Query(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _
            ))
        )
    }
}

/// A pool of connections to one of the two backends.
#[derive(Clone)]
pub enum Db {
    /// Embedded SQLite.
    Sqlite(Pool<SqliteConn>),
    /// PostgreSQL.
    Postgres(Pool<AsyncPgConnection>),
}

/// Runs `$body` with `$conn` bound to a pooled connection of whichever backend `$db` uses.
///
/// The body is written once and compiled once per backend; it must evaluate to a
/// `Result<_, DbError>` (pool errors convert with `?`).
#[macro_export]
macro_rules! db_run {
    ($db:expr, |$conn:ident| $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite(pool) => {
                let mut pooled = pool.get().await?;
                let $conn: &mut $crate::db::SqliteConn = &mut *pooled;
                $body
            }
            $crate::db::Db::Postgres(pool) => {
                let mut pooled = pool.get().await?;
                let $conn: &mut diesel_async::AsyncPgConnection = &mut *pooled;
                $body
            }
        }
    };
}

/// Every SQLite connection's settings: WAL, fsync at checkpoints only, foreign keys, a wait
/// for the write lock, and a checkpoint once the WAL holds 16,000 pages (32 MiB with the 2 KiB
/// pages of [`migrate::SQLITE_PAGE_SIZE`]) rather than SQLite's 1,000: under a stream of sends
/// every commit rewrites the same hot index pages, and each checkpoint (with its fsyncs) stalls
/// the writer.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA wal_autocheckpoint = 16000;";

impl Db {
    /// Opens a pool on `url` and applies pending migrations.
    pub async fn connect(url: &DatabaseUrl, max_size: usize) -> Result<Db, DbError> {
        migrate::run(url).await?;
        let db = match url {
            DatabaseUrl::Sqlite(path) => {
                let mut config = ManagerConfig::<SqliteConn>::default();
                // A checkout only checks for an open transaction; the default also runs a test
                // query each time, doubling the statements of every request.
                config.recycling_method = RecyclingMethod::Fast;
                config.custom_setup = Box::new(|url| {
                    let url = url.to_owned();
                    async move {
                        let mut conn = SqliteConn::establish(&url).await?;
                        conn.batch_execute(SQLITE_PRAGMAS)
                            .await
                            .map_err(ConnectionError::CouldntSetupConfiguration)?;
                        Ok(conn)
                    }
                    .boxed()
                });
                let manager =
                    AsyncDieselConnectionManager::new_with_config(path.to_string_lossy(), config);
                let pool = Pool::builder(manager)
                    .max_size(max_size)
                    .wait_timeout(Some(Duration::from_secs(10)))
                    .runtime(deadpool::Runtime::Tokio1)
                    .build()
                    .map_err(|e| DbError::Connect(e.to_string()))?;
                Db::Sqlite(pool)
            }
            DatabaseUrl::Postgres(url) => {
                let mut config = ManagerConfig::<AsyncPgConnection>::default();
                // A dropped connection fails its next query and is then discarded by the pool.
                config.recycling_method = RecyclingMethod::Fast;
                let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(
                    url.clone(),
                    config,
                );
                let pool = Pool::builder(manager)
                    .max_size(max_size)
                    .wait_timeout(Some(Duration::from_secs(10)))
                    .runtime(deadpool::Runtime::Tokio1)
                    .build()
                    .map_err(|e| DbError::Connect(e.to_string()))?;
                Db::Postgres(pool)
            }
        };
        db.ping().await?;
        Ok(db)
    }

    /// Runs a trivial query: the database answers.
    pub async fn ping(&self) -> Result<(), DbError> {
        crate::db_run!(self, |conn| {
            conn.batch_execute("SELECT 1").await?;
            Ok(())
        })
    }

    /// The backend's name.
    pub fn backend_name(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }
}

/// Creates the parent folder of an SQLite file.
pub fn ensure_parent_dir(url: &DatabaseUrl) -> std::io::Result<()> {
    if let DatabaseUrl::Sqlite(path) = url
        && let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_urls() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/parley.db"),
            Ok(DatabaseUrl::Sqlite("data/parley.db".into()))
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:/tmp/x.db"),
            Ok(DatabaseUrl::Sqlite("/tmp/x.db".into()))
        );
        assert!(matches!(
            DatabaseUrl::parse("postgres://localhost/parley"),
            Ok(DatabaseUrl::Postgres(_))
        ));
        assert!(DatabaseUrl::parse("mysql://x").is_err());
        assert!(DatabaseUrl::parse("sqlite://").is_err());
    }
}
