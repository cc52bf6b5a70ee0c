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

/// Applies every pending migration; returns how many were applied.
pub async fn run(url: &DatabaseUrl) -> Result<usize, DbError> {
    super::ensure_parent_dir(url).map_err(|e| DbError::Connect(e.to_string()))?;
    match url {
        DatabaseUrl::Sqlite(path) => {
            let path = path.to_string_lossy().into_owned();
            tokio::task::spawn_blocking(move || {
                let mut conn = SqliteConnection::establish(&path)?;
                diesel::connection::SimpleConnection::batch_execute(
                    &mut conn,
                    "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
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
}
