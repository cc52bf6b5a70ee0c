//! System settings: a small key/value table (values are JSON text).

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::schema::settings;
use crate::db::{Db, DbError};
use crate::db_run;

/// Whether new accounts may sign up (setting key of the first releases; a JSON boolean, read
/// while [`REGISTRATION`] is unset).
pub const REGISTRATION_OPEN: &str = "registration_open";
/// Who may sign up: `open`, `invite` or `closed` (setting key; a JSON string).
pub const REGISTRATION: &str = "registration";

/// The raw value of `key`, if set.
pub async fn get(db: &Db, key: &str) -> Result<Option<String>, DbError> {
    db_run!(db, |conn| {
        Ok(settings::table
            .filter(settings::key_name.eq(key))
            .select(settings::value)
            .first(conn)
            .await
            .optional()?)
    })
}

/// Sets `key` to `value`.
pub async fn set(db: &Db, key: &str, value: &str) -> Result<(), DbError> {
    db_run!(db, |conn| {
        diesel::insert_into(settings::table)
            .values((settings::key_name.eq(key), settings::value.eq(value)))
            .on_conflict(settings::key_name)
            .do_update()
            .set(settings::value.eq(value))
            .execute(conn)
            .await?;
        Ok(())
    })
}

/// A boolean setting, `default` when unset or unreadable.
pub async fn get_bool(db: &Db, key: &str, default: bool) -> Result<bool, DbError> {
    Ok(get(db, key)
        .await?
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or(default))
}

/// Sets `key` to `value` inside the caller's unit of work.
pub async fn set_in(conn: &mut crate::db::Conn<'_>, key: &str, value: &str) -> Result<(), DbError> {
    crate::conn_run!(conn, |conn| {
        diesel::insert_into(settings::table)
            .values((settings::key_name.eq(key), settings::value.eq(value)))
            .on_conflict(settings::key_name)
            .do_update()
            .set(settings::value.eq(value))
            .execute(conn)
            .await?;
        Ok(())
    })
}

/// The site's name (setting key; a JSON string).
pub const SITE_NAME: &str = "site_name";
/// The log-in pages' notice (setting key; a JSON string).
pub const LOGIN_NOTICE: &str = "login_notice";
/// Largest upload in MiB (setting key; a JSON number).
pub const MAX_UPLOAD_MIB: &str = "max_upload_mib";
/// Recall window in seconds (setting key; a JSON number).
pub const RECALL_WINDOW_S: &str = "recall_window_s";
/// The role of new accounts (setting key; a JSON string).
pub const DEFAULT_ROLE: &str = "default_role";

/// A string setting, `None` when unset or unreadable.
pub async fn get_string(db: &Db, key: &str) -> Result<Option<String>, DbError> {
    Ok(get(db, key)
        .await?
        .and_then(|v| serde_json::from_str(&v).ok()))
}

/// A number setting, `None` when unset or unreadable.
pub async fn get_u64(db: &Db, key: &str) -> Result<Option<u64>, DbError> {
    Ok(get(db, key)
        .await?
        .and_then(|v| serde_json::from_str(&v).ok()))
}
