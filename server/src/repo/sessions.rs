//! Sessions: one per logged-in device.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use shared::ids::{SessionId, UserId};
use shared::model::{PersonalToken, SessionInfo, TokenScope};

use crate::db::schema::{sessions, users};
use crate::db::{Db, DbError};
use crate::db_run;

/// How long a session lives without being used: 30 days.
pub const TTL_MS: i64 = 30 * 24 * 3600 * 1000;
/// A session's `last_seen_at` is refreshed at most this often (and its expiry extended).
pub const TOUCH_EVERY_MS: i64 = 60 * 1000;

/// A valid session found by its token.
#[derive(Debug, Clone, Queryable)]
pub struct Live {
    /// The session.
    pub id: i64,
    /// Its user.
    pub user_id: i64,
    /// The user's login name.
    pub username: String,
    /// When it was last refreshed.
    pub last_seen_at: i64,
    /// A bot's token: no idle expiry.
    pub lasting: bool,
    /// When it ends (a personal token's chosen expiry).
    pub expires_at: i64,
    /// A personal token's scopes (`read,write`); `None` for a log-in or a bot's token.
    pub scopes: Option<String>,
}

/// A live session as the session cache keeps it: who it is, what they may do, and when it was
/// last refreshed in the database.
#[derive(Debug)]
pub struct CachedSession {
    /// The session.
    pub session_id: SessionId,
    /// Its user.
    pub user_id: UserId,
    /// The user's login name.
    pub username: String,
    /// The user's rights (sorted keys; one shared copy per distinct set).
    pub rights: std::sync::Arc<Vec<String>>,
    /// When the session was last refreshed in the database (its expiry is this plus [`TTL_MS`]).
    pub last_seen_at: std::sync::atomic::AtomicI64,
    /// When the rights change by themselves (a ban or mute ends): the entry is stale from then
    /// on and is loaded again (`i64::MAX`: never).
    pub recheck_at: i64,
    /// A bot's or a personal token, which does not expire when idle.
    pub lasting: bool,
    /// A personal token's scopes; `None` for a log-in or a bot's token (every right).
    pub scopes: Option<std::sync::Arc<[TokenScope]>>,
}

/// Parses stored scopes (`read,write`), ignoring names this build does not know.
pub fn parse_scopes(stored: &str) -> Vec<TokenScope> {
    let mut scopes: Vec<TokenScope> = stored.split(',').filter_map(TokenScope::parse).collect();
    scopes.sort();
    scopes.dedup();
    scopes
}

/// Scopes as stored.
pub fn format_scopes(scopes: &[TokenScope]) -> String {
    scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// Stores a personal token of `user` in the caller's unit of work.
pub async fn create_token(
    conn: &mut crate::db::Conn<'_>,
    user: UserId,
    token_hash: &str,
    name: &str,
    scopes: &[TokenScope],
    expires_at: Option<i64>,
    now: i64,
) -> Result<SessionId, DbError> {
    let scopes = format_scopes(scopes);
    crate::conn_run!(conn, |conn| {
        let id: i64 = diesel::insert_into(sessions::table)
            .values((
                sessions::user_id.eq(user.0),
                sessions::token_hash.eq(token_hash),
                sessions::created_at.eq(now),
                sessions::last_seen_at.eq(now),
                sessions::expires_at.eq(expires_at.unwrap_or(LASTING_EXPIRES_AT)),
                sessions::user_agent.eq("personal token"),
                sessions::lasting.eq(true),
                sessions::token_name.eq(name),
                sessions::scopes.eq(&scopes),
            ))
            .returning(sessions::id)
            .get_result(conn)
            .await?;
        Ok::<_, DbError>(SessionId(id))
    })
}

/// How many unexpired personal tokens `user` holds.
pub async fn count_tokens(
    conn: &mut crate::db::Conn<'_>,
    user: UserId,
    now: i64,
) -> Result<i64, DbError> {
    crate::conn_run!(conn, |conn| {
        Ok::<_, DbError>(
            sessions::table
                .filter(sessions::user_id.eq(user.0))
                .filter(sessions::token_name.is_not_null())
                .filter(sessions::expires_at.gt(now))
                .count()
                .get_result(conn)
                .await?,
        )
    })
}

/// The unexpired personal tokens of `user`, newest first.
pub async fn list_tokens(db: &Db, user: UserId, now: i64) -> Result<Vec<PersonalToken>, DbError> {
    type Row = (i64, Option<String>, Option<String>, i64, i64, i64);
    let rows: Vec<Row> = db_run!(db, |conn| {
        Ok::<_, DbError>(
            sessions::table
                .filter(sessions::user_id.eq(user.0))
                .filter(sessions::token_name.is_not_null())
                .filter(sessions::expires_at.gt(now))
                .select((
                    sessions::id,
                    sessions::token_name,
                    sessions::scopes,
                    sessions::created_at,
                    sessions::expires_at,
                    sessions::last_seen_at,
                ))
                .order(sessions::id.desc())
                .load(conn)
                .await?,
        )
    })?;
    Ok(rows
        .into_iter()
        .map(
            |(id, name, scopes, created_at, expires_at, last_used_at)| PersonalToken {
                id: SessionId(id),
                name: name.unwrap_or_default(),
                scopes: parse_scopes(scopes.as_deref().unwrap_or("read")),
                created_at,
                expires_at: (expires_at < LASTING_EXPIRES_AT).then_some(expires_at),
                last_used_at,
            },
        )
        .collect())
}

/// Deletes a personal token of `user`; `false` if there is no such token of theirs.
pub async fn delete_token(db: &Db, user: UserId, id: SessionId) -> Result<bool, DbError> {
    db_run!(db, |conn| {
        let n = diesel::delete(
            sessions::table
                .filter(sessions::id.eq(id.0))
                .filter(sessions::user_id.eq(user.0))
                .filter(sessions::token_name.is_not_null()),
        )
        .execute(conn)
        .await?;
        Ok(n > 0)
    })
}

/// The expiry of a lasting session (a bot's token): never, in practice.
pub const LASTING_EXPIRES_AT: i64 = i64::MAX / 4;

/// Stores a bot's token in the caller's unit of work: a session without idle expiry.
pub async fn create_lasting(
    conn: &mut crate::db::Conn<'_>,
    user: UserId,
    token_hash: &str,
    now: i64,
) -> Result<SessionId, DbError> {
    crate::conn_run!(conn, |conn| {
        let id: i64 = diesel::insert_into(sessions::table)
            .values((
                sessions::user_id.eq(user.0),
                sessions::token_hash.eq(token_hash),
                sessions::created_at.eq(now),
                sessions::last_seen_at.eq(now),
                sessions::expires_at.eq(LASTING_EXPIRES_AT),
                sessions::user_agent.eq("bot token"),
                sessions::lasting.eq(true),
            ))
            .returning(sessions::id)
            .get_result(conn)
            .await?;
        Ok::<_, DbError>(SessionId(id))
    })
}

/// Deletes every session of `user` in the caller's unit of work; their ids.
pub async fn delete_all_in(
    conn: &mut crate::db::Conn<'_>,
    user: UserId,
) -> Result<Vec<SessionId>, DbError> {
    crate::conn_run!(conn, |conn| {
        let ids: Vec<i64> = diesel::delete(sessions::table.filter(sessions::user_id.eq(user.0)))
            .returning(sessions::id)
            .get_results(conn)
            .await?;
        Ok::<_, DbError>(ids.into_iter().map(SessionId).collect())
    })
}

/// Stores a new session.
pub async fn create(
    db: &Db,
    user: UserId,
    token_hash: &str,
    user_agent: &str,
    ip: Option<String>,
    now: i64,
) -> Result<SessionId, DbError> {
    db_run!(db, |conn| {
        let id: i64 = diesel::insert_into(sessions::table)
            .values((
                sessions::user_id.eq(user.0),
                sessions::token_hash.eq(token_hash),
                sessions::created_at.eq(now),
                sessions::last_seen_at.eq(now),
                sessions::expires_at.eq(now + TTL_MS),
                sessions::user_agent.eq(user_agent),
                sessions::ip.eq(ip.clone()),
            ))
            .returning(sessions::id)
            .get_result(conn)
            .await?;
        Ok(SessionId(id))
    })
}

/// The unexpired session with this token hash.
pub async fn find_live(db: &Db, token_hash: &str, now: i64) -> Result<Option<Live>, DbError> {
    db_run!(db, |conn| {
        Ok(sessions::table
            .inner_join(users::table)
            .filter(sessions::token_hash.eq(token_hash))
            .filter(sessions::expires_at.gt(now))
            .select((
                sessions::id,
                sessions::user_id,
                users::username,
                sessions::last_seen_at,
                sessions::lasting,
                sessions::expires_at,
                sessions::scopes,
            ))
            .first(conn)
            .await
            .optional()?)
    })
}

/// Records activity and extends the expiry (a lasting session keeps its own).
pub async fn touch(db: &Db, id: i64, now: i64) -> Result<(), DbError> {
    db_run!(db, |conn| {
        diesel::update(sessions::table.find(id))
            .set((
                sessions::last_seen_at.eq(now),
                sessions::expires_at.eq(now + TTL_MS),
            ))
            .filter(sessions::lasting.eq(false))
            .execute(conn)
            .await?;
        diesel::update(sessions::table.find(id).filter(sessions::lasting.eq(true)))
            .set(sessions::last_seen_at.eq(now))
            .execute(conn)
            .await?;
        Ok(())
    })
}

/// Deletes a session of `user`; `false` if it is not theirs or does not exist.
pub async fn delete(db: &Db, user: UserId, id: SessionId) -> Result<bool, DbError> {
    db_run!(db, |conn| {
        let n = diesel::delete(
            sessions::table
                .filter(sessions::id.eq(id.0))
                .filter(sessions::user_id.eq(user.0)),
        )
        .execute(conn)
        .await?;
        Ok(n > 0)
    })
}

/// Deletes expired sessions; returns how many.
pub async fn delete_expired(db: &Db, now: i64) -> Result<usize, DbError> {
    db_run!(db, |conn| {
        Ok(
            diesel::delete(sessions::table.filter(sessions::expires_at.le(now)))
                .execute(conn)
                .await?,
        )
    })
}

/// The user's sessions, most recently seen first, `current` marking `current`.
pub async fn list(db: &Db, user: UserId, current: SessionId) -> Result<Vec<SessionInfo>, DbError> {
    let now = crate::time::now_ms();
    let rows: Vec<(i64, i64, i64, String, Option<String>)> = db_run!(db, |conn| {
        Ok::<_, DbError>(
            sessions::table
                .filter(sessions::user_id.eq(user.0))
                .filter(sessions::expires_at.gt(now))
                .filter(sessions::token_name.is_null())
                .select((
                    sessions::id,
                    sessions::created_at,
                    sessions::last_seen_at,
                    sessions::user_agent,
                    sessions::ip,
                ))
                .order((sessions::last_seen_at.desc(), sessions::id.desc()))
                .load(conn)
                .await?,
        )
    })?;
    Ok(rows
        .into_iter()
        .map(
            |(id, created_at, last_seen_at, user_agent, ip)| SessionInfo {
                id: SessionId(id),
                created_at,
                last_seen_at,
                user_agent,
                ip,
                current: id == current.0,
            },
        )
        .collect())
}
