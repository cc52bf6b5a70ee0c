//! Invite codes as stored, the accounts made with them, and using one up.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use shared::ids::UserId;
use shared::model::{InviteCode, InviteStatus, InviteUse};

use crate::conn_run;
use crate::db::schema::{invite_code_uses, invite_codes, users};
use crate::db::{Conn, DbError};

/// The rows of `invite_codes` that admit an account at `$now`: not revoked, not used up, not
/// expired.
macro_rules! usable {
    ($now:expr) => {
        invite_codes::revoked_at
            .is_null()
            .and(
                invite_codes::max_uses
                    .is_null()
                    .or(invite_codes::uses.lt(invite_codes::max_uses.assume_not_null())),
            )
            .and(
                invite_codes::expires_at
                    .is_null()
                    .or(invite_codes::expires_at.assume_not_null().gt($now)),
            )
    };
}

/// Accounts listed with each code.
const USES_SHOWN: i64 = 10;

/// A code to create.
#[derive(Debug, Clone)]
pub struct NewInviteCode<'a> {
    /// The code.
    pub code: &'a str,
    /// The administrator's note.
    pub note: &'a str,
    /// Most accounts it may make.
    pub max_uses: Option<u32>,
    /// When it stops working.
    pub expires_at: Option<i64>,
    /// Who creates it.
    pub created_by: UserId,
    /// When.
    pub at: i64,
}

type Row = (
    i64,
    String,
    String,
    Option<i64>,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    i64,
);

type Columns = (
    invite_codes::id,
    invite_codes::code,
    invite_codes::note,
    invite_codes::max_uses,
    invite_codes::uses,
    invite_codes::expires_at,
    invite_codes::revoked_at,
    invite_codes::created_by,
    invite_codes::created_at,
);

const COLUMNS: Columns = (
    invite_codes::id,
    invite_codes::code,
    invite_codes::note,
    invite_codes::max_uses,
    invite_codes::uses,
    invite_codes::expires_at,
    invite_codes::revoked_at,
    invite_codes::created_by,
    invite_codes::created_at,
);

/// A count as stored, as the API's `u32` (saturating).
fn count(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

/// Creates `code`; its id. A code another row holds fails on the unique index.
pub async fn insert(conn: &mut Conn<'_>, new: NewInviteCode<'_>) -> Result<i64, DbError> {
    conn_run!(conn, |conn| {
        Ok::<_, DbError>(
            diesel::insert_into(invite_codes::table)
                .values((
                    invite_codes::code.eq(new.code),
                    invite_codes::note.eq(new.note),
                    invite_codes::max_uses.eq(new.max_uses.map(i64::from)),
                    invite_codes::expires_at.eq(new.expires_at),
                    invite_codes::created_by.eq(new.created_by.0),
                    invite_codes::created_at.eq(new.at),
                ))
                .returning(invite_codes::id)
                .get_result(conn)
                .await?,
        )
    })
}

/// How many codes still admit accounts at `now`.
pub async fn count_active(conn: &mut Conn<'_>, now: i64) -> Result<i64, DbError> {
    conn_run!(conn, |conn| {
        Ok::<_, DbError>(
            invite_codes::table
                .filter(usable!(now))
                .count()
                .get_result(conn)
                .await?,
        )
    })
}

/// Codes of `status` at `now` (all when `None`) older than `before`, newest first, at most
/// `limit`.
pub async fn list(
    conn: &mut Conn<'_>,
    status: Option<InviteStatus>,
    before: Option<i64>,
    limit: i64,
    now: i64,
) -> Result<Vec<InviteCode>, DbError> {
    let rows: Vec<Row> = conn_run!(conn, |conn| {
        let mut query = invite_codes::table.select(COLUMNS).into_boxed();
        let not_revoked = invite_codes::revoked_at.is_null();
        let room_left = invite_codes::max_uses
            .is_null()
            .or(invite_codes::uses.lt(invite_codes::max_uses.assume_not_null()));
        query = match status {
            None => query,
            Some(InviteStatus::Active) => query.filter(usable!(now)),
            Some(InviteStatus::UsedUp) => query
                .filter(not_revoked)
                .filter(invite_codes::uses.ge(invite_codes::max_uses.assume_not_null())),
            Some(InviteStatus::Expired) => query
                .filter(not_revoked)
                .filter(room_left)
                .filter(invite_codes::expires_at.assume_not_null().le(now)),
            Some(InviteStatus::Revoked) => query.filter(invite_codes::revoked_at.is_not_null()),
        };
        if let Some(before) = before {
            query = query.filter(invite_codes::id.lt(before));
        }
        Ok::<_, DbError>(
            query
                .order(invite_codes::id.desc())
                .limit(limit)
                .load(conn)
                .await?,
        )
    })?;
    views(conn, rows, now).await
}

/// One code, or `None`.
pub async fn get(conn: &mut Conn<'_>, id: i64, now: i64) -> Result<Option<InviteCode>, DbError> {
    let rows: Vec<Row> = conn_run!(conn, |conn| {
        Ok::<_, DbError>(
            invite_codes::table
                .find(id)
                .select(COLUMNS)
                .load(conn)
                .await?,
        )
    })?;
    Ok(views(conn, rows, now).await?.pop())
}

/// Revokes code `id` at `at` unless it is revoked already; whether it existed.
pub async fn revoke(conn: &mut Conn<'_>, id: i64, at: i64) -> Result<bool, DbError> {
    conn_run!(conn, |conn| {
        diesel::update(
            invite_codes::table
                .filter(invite_codes::id.eq(id))
                .filter(invite_codes::revoked_at.is_null()),
        )
        .set(invite_codes::revoked_at.eq(at))
        .execute(conn)
        .await?;
        let found: i64 = invite_codes::table
            .filter(invite_codes::id.eq(id))
            .count()
            .get_result(conn)
            .await?;
        Ok::<_, DbError>(found == 1)
    })
}

/// Whether `code` admits an account at `now` (a cheap look before the password is hashed).
pub async fn is_usable(conn: &mut Conn<'_>, code: &str, now: i64) -> Result<bool, DbError> {
    let n: i64 = conn_run!(conn, |conn| {
        Ok::<_, DbError>(
            invite_codes::table
                .filter(invite_codes::code.eq(code))
                .filter(usable!(now))
                .count()
                .get_result(conn)
                .await?,
        )
    })?;
    Ok(n == 1)
}

/// Uses `code` once, in the sign-up's unit of work: its id, or `None` when it admits nobody
/// at `now` (one conditional update, so two sign-ups racing for the last use cannot both win).
pub async fn consume(conn: &mut Conn<'_>, code: &str, now: i64) -> Result<Option<i64>, DbError> {
    conn_run!(conn, |conn| {
        Ok::<_, DbError>(
            diesel::update(
                invite_codes::table
                    .filter(invite_codes::code.eq(code))
                    .filter(usable!(now)),
            )
            .set(invite_codes::uses.eq(invite_codes::uses + 1))
            .returning(invite_codes::id)
            .get_result(conn)
            .await
            .optional()?,
        )
    })
}

/// Records that `user` signed up with code `invite` at `at`.
pub async fn record_use(
    conn: &mut Conn<'_>,
    invite: i64,
    user: UserId,
    at: i64,
) -> Result<(), DbError> {
    conn_run!(conn, |conn| {
        diesel::insert_into(invite_code_uses::table)
            .values((
                invite_code_uses::invite_id.eq(invite),
                invite_code_uses::user_id.eq(user.0),
                invite_code_uses::used_at.eq(at),
            ))
            .execute(conn)
            .await?;
        Ok::<_, DbError>(())
    })
}

/// Rows as the console shows them: with the creators' names and the latest accounts made (the
/// URL is the caller's to fill in: it depends on the origin asked).
async fn views(conn: &mut Conn<'_>, rows: Vec<Row>, now: i64) -> Result<Vec<InviteCode>, DbError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let creators: Vec<i64> = rows.iter().filter_map(|r| r.7).collect();
    let names: Vec<(i64, String)> = conn_run!(conn, |conn| {
        Ok::<_, DbError>(
            users::table
                .filter(users::id.eq_any(&creators))
                .select((users::id, users::username))
                .load(conn)
                .await?,
        )
    })?;
    let names: HashMap<i64, String> = names.into_iter().collect();
    // The latest few per code, one indexed query each: a page holds at most 100 codes, and a
    // code with no limit may have made any number of accounts.
    let mut used_by: HashMap<i64, Vec<InviteUse>> = HashMap::new();
    for &invite in &ids {
        let uses: Vec<(i64, String, i64)> = conn_run!(conn, |conn| {
            Ok::<_, DbError>(
                invite_code_uses::table
                    .inner_join(users::table.on(users::id.eq(invite_code_uses::user_id)))
                    .filter(invite_code_uses::invite_id.eq(invite))
                    .select((
                        invite_code_uses::user_id,
                        users::username,
                        invite_code_uses::used_at,
                    ))
                    .order((
                        invite_code_uses::used_at.desc(),
                        invite_code_uses::user_id.desc(),
                    ))
                    .limit(USES_SHOWN)
                    .load(conn)
                    .await?,
            )
        })?;
        let uses = uses
            .into_iter()
            .map(|(user, username, used_at)| InviteUse {
                user_id: UserId(user),
                username,
                used_at,
            })
            .collect();
        used_by.insert(invite, uses);
    }
    Ok(rows
        .into_iter()
        .map(
            |(id, code, note, max_uses, uses, expires_at, revoked_at, created_by, created_at)| {
                let (uses, max_uses) = (count(uses), max_uses.map(count));
                InviteCode {
                    id,
                    code,
                    url: String::new(),
                    note,
                    max_uses,
                    uses,
                    expires_at,
                    revoked_at,
                    status: InviteStatus::of(revoked_at, uses, max_uses, expires_at, now),
                    created_by: created_by.map(UserId),
                    created_by_name: created_by
                        .and_then(|c| names.get(&c).cloned())
                        .unwrap_or_default(),
                    created_at,
                    used_by: used_by.remove(&id).unwrap_or_default(),
                }
            },
        )
        .collect())
}
