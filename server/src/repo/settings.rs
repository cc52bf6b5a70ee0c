//! System settings: a small key/value table (values are JSON text).

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::schema::settings;
use crate::db::{Db, DbError};
use crate::db_run;

/// Whether new accounts may sign up (setting key).
pub const REGISTRATION_OPEN: &str = "registration_open";

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
