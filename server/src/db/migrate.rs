//! Embedded migrations: two trees with the same names, one per backend.

use diesel::Connection;
use diesel::sqlite::SqliteConnection;
use diesel_async::{AsyncConnection, AsyncMigrationHarness, AsyncPgConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::{DatabaseUrl, DbError};

/// The SQLite migration tree.
pub const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
/// The PostgreSQL migration tree.
pub const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// The page size of a new SQLite database, in bytes (an existing file keeps its own).
///
/// Smaller than SQLite's 4,096 because of how a batch of sends writes: each new message
/// touches one leaf of each of its two indexes and its conversation's row, scattered over the
/// file, and every commit appends each page it changed to the write-ahead log whole. With
/// 2,048-byte pages a message costs about half the log bytes, and the checkpoints copy half as
/// much (see docs/BENCHMARKS.md).
pub const SQLITE_PAGE_SIZE: u32 = 2048;

/// Applies every pending migration; returns how many were applied.
pub async fn run(url: &DatabaseUrl) -> Result<usize, DbError> {
    super::ensure_parent_dir(url).map_err(|e| DbError::Connect(e.to_string()))?;
    match url {
        DatabaseUrl::Sqlite(path) => {
            let path = path.to_string_lossy().into_owned();
            tokio::task::spawn_blocking(move || {
                let mut conn = SqliteConnection::establish(&path)?;
                // The page size first: switching to WAL writes the header of a new file. Then
                // the settings every connection has.
                diesel::connection::SimpleConnection::batch_execute(
                    &mut conn,
                    &format!(
                        "PRAGMA page_size = {SQLITE_PAGE_SIZE}; {}",
                        super::SQLITE_PRAGMAS
                    ),
                )?;
                let applied = conn
                    .run_pending_migrations(SQLITE)
                    .map_err(|e| DbError::Migration(e.to_string()))?;
                Ok(applied.len())
            })
            .await
            .map_err(|e| DbError::Migration(e.to_string()))?
        }
        DatabaseUrl::Postgres(url) => {
            let conn = AsyncPgConnection::establish(url).await?;
            tokio::task::spawn_blocking(move || {
                let mut harness = AsyncMigrationHarness::new(conn);
                let applied = harness
                    .run_pending_migrations(POSTGRES)
                    .map_err(|e| DbError::Migration(e.to_string()))?;
                Ok(applied.len())
            })
            .await
            .map_err(|e| DbError::Migration(e.to_string()))?
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use diesel::Connection;
    use diesel::sqlite::SqliteConnection;

    use super::DatabaseUrl;

    fn names(tree: &str) -> BTreeSet<String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(tree);
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn both_trees_have_the_same_migrations() {
        let sqlite = names("sqlite");
        assert!(!sqlite.is_empty());
        assert_eq!(sqlite, names("postgres"));
    }

    fn page_size(path: &Path) -> i64 {
        use diesel::prelude::*;
        #[derive(QueryableByName)]
        struct PageSize {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            page_size: i64,
        }
        let mut conn = SqliteConnection::establish(&path.to_string_lossy()).unwrap();
        diesel::sql_query("PRAGMA page_size")
            .get_result::<PageSize>(&mut conn)
            .unwrap()
            .page_size
    }

    #[tokio::test]
    async fn a_new_sqlite_database_gets_the_page_size_and_an_existing_one_keeps_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("fresh.db");
        let applied = super::run(&DatabaseUrl::Sqlite(fresh.clone()))
            .await
            .unwrap();
        assert!(applied > 0);
        assert_eq!(page_size(&fresh), i64::from(super::SQLITE_PAGE_SIZE));
        assert_eq!(
            super::run(&DatabaseUrl::Sqlite(fresh.clone()))
                .await
                .unwrap(),
            0
        );

        // A database created with SQLite's default page size (as before) migrates and keeps it.
        let older = dir.path().join("older.db");
        {
            let mut conn = SqliteConnection::establish(&older.to_string_lossy()).unwrap();
            diesel::connection::SimpleConnection::batch_execute(
                &mut conn,
                "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER);",
            )
            .unwrap();
        }
        assert!(
            super::run(&DatabaseUrl::Sqlite(older.clone()))
                .await
                .unwrap()
                > 0
        );
        assert_eq!(page_size(&older), 4096);
    }
}
