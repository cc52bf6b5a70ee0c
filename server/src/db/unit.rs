//! Units of work: one connection (and usually one transaction) passed down to every repository
//! function a change needs, so that the checks, the change and its notice commit together.
//!
//! Repository functions take a [`Conn`] and match on the backend with [`conn_run!`](crate::conn_run);
//! callers get one with [`db_transaction!`](crate::db_transaction) (a transaction: SQLite's
//! starts with `BEGIN IMMEDIATE`, so it holds the write lock from its first read and never has
//! to upgrade) or [`db_conn!`](crate::db_conn) (a single read, no transaction).

use diesel_async::AsyncPgConnection;
use shared::AppError;

use super::{DbError, SqliteConn};

/// A connection of either backend, lent to repository functions for the length of a unit of
/// work.
pub enum Conn<'a> {
    /// Embedded SQLite.
    Sqlite(&'a mut SqliteConn),
    /// PostgreSQL.
    Postgres(&'a mut AsyncPgConnection),
}

impl<'a> From<&'a mut SqliteConn> for Conn<'a> {
    fn from(conn: &'a mut SqliteConn) -> Self {
        Self::Sqlite(conn)
    }
}

impl<'a> From<&'a mut AsyncPgConnection> for Conn<'a> {
    fn from(conn: &'a mut AsyncPgConnection) -> Self {
        Self::Postgres(conn)
    }
}

/// Runs `$body` with `$c` bound to the backend connection inside a [`Conn`]; the body is
/// written once and compiled once per backend.
#[macro_export]
macro_rules! conn_run {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::Conn::Sqlite(inner) => {
                let $c: &mut $crate::db::SqliteConn = &mut **inner;
                $body
            }
            $crate::db::Conn::Postgres(inner) => {
                let $c: &mut diesel_async::AsyncPgConnection = &mut **inner;
                $body
            }
        }
    };
}

/// Runs `$body` with `$tx: &mut Conn` inside one transaction on a pooled connection of `$db`:
/// committed when the body returns `Ok`, rolled back when it returns `Err`. The body's error
/// type is [`Failure`]; the whole expression is a `Result<_, Failure>`.
#[macro_export]
macro_rules! db_transaction {
    ($db:expr, |$tx:ident| $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite(pool) => match pool.get().await {
                Ok(mut pooled) => {
                    pooled
                        .immediate_transaction(async |c| {
                            let $tx = &mut $crate::db::Conn::Sqlite(c);
                            $body
                        })
                        .await
                }
                Err(e) => Err($crate::db::Failure::from($crate::db::DbError::from(e))),
            },
            $crate::db::Db::Postgres(pool) => match pool.get().await {
                Ok(mut pooled) => {
                    diesel_async::AsyncConnection::transaction(&mut *pooled, async |c| {
                        let $tx = &mut $crate::db::Conn::Postgres(c);
                        $body
                    })
                    .await
                }
                Err(e) => Err($crate::db::Failure::from($crate::db::DbError::from(e))),
            },
        }
    };
}

/// Runs `$body` with `$conn: &mut Conn` on a pooled connection of `$db`, outside any
/// transaction (for reads). The body must evaluate to a `Result<_, E>` where `E: From<DbError>`.
#[macro_export]
macro_rules! db_conn {
    ($db:expr, |$conn:ident| $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite(pool) => {
                let mut pooled = pool.get().await.map_err($crate::db::DbError::from)?;
                let $conn = &mut $crate::db::Conn::Sqlite(&mut *pooled);
                $body
            }
            $crate::db::Db::Postgres(pool) => {
                let mut pooled = pool.get().await.map_err($crate::db::DbError::from)?;
                let $conn = &mut $crate::db::Conn::Postgres(&mut *pooled);
                $body
            }
        }
    };
}

/// Why a unit of work stopped: the operation refused (its checks failed) or the database
/// failed. Either way nothing it did was committed.
#[derive(Debug)]
pub enum Failure {
    /// A check refused the change.
    Refused(AppError),
    /// The database failed.
    Db(DbError),
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        Self::Refused(e)
    }
}

impl From<DbError> for Failure {
    fn from(e: DbError) -> Self {
        Self::Db(e)
    }
}

impl From<diesel::result::Error> for Failure {
    fn from(e: diesel::result::Error) -> Self {
        Self::Db(DbError::Query(e))
    }
}

impl From<Failure> for AppError {
    fn from(f: Failure) -> Self {
        match f {
            Failure::Refused(e) => e,
            Failure::Db(e) => e.into(),
        }
    }
}

impl From<Failure> for anyhow::Error {
    fn from(f: Failure) -> Self {
        match f {
            Failure::Refused(e) => anyhow::anyhow!("refused: {e}"),
            Failure::Db(e) => e.into(),
        }
    }
}
