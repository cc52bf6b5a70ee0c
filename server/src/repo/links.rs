//! Add-friend link codes (on `users`) and group invite links (`group_invites`).

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use shared::ids::{GroupId, GroupInviteId, UserId};

use crate::conn_run;
use crate::db::schema::{group_invites, users};
use crate::db::{Conn, DbError};

/// A group invite as stored.
#[derive(Debug, Clone, Queryable)]
pub struct InviteRow {
    /// The invite.
    pub id: i64,
    /// Its group.
    pub group_id: i64,
    /// The link's code.
    pub code: String,
    /// Who made it.
    pub created_by: i64,
    /// Made at.
    pub created_at: i64,
    /// Stops working at.
    pub expires_at: i64,
    /// Joins allowed (`None`: any number).
    pub max_uses: Option<i64>,
    /// Joins so far.
    pub uses: i64,
    /// Revoked at.
    pub revoked_at: Option<i64>,
}

impl InviteRow {
    /// Whether the link still lets someone in at `now`.
    pub fn is_live(&self, now: i64) -> bool {
        self.revoked_at.is_none()
            && self.expires_at > now
            && self.max_uses.is_none_or(|max| self.uses < max)
    }
}

const INVITE_COLUMNS: (
    group_invites::id,
    group_invites::group_id,
    group_invites::code,
    group_invites::created_by,
    group_invites::created_at,
    group_invites::expires_at,
    group_invites::max_uses,
    group_invites::uses,
    group_invites::revoked_at,
) = (
    group_invites::id,
    group_invites::group_id,
    group_invites::code,
    group_invites::created_by,
    group_invites::created_at,
    group_invites::expires_at,
    group_invites::max_uses,
    group_invites::uses,
    group_invites::revoked_at,
);

/// `user`'s add-friend code, if one was made.
pub async fn friend_code(conn: &mut Conn<'_>, user: UserId) -> Result<Option<String>, DbError> {
    conn_run!(conn, |conn| {
        Ok(users::table
            .find(user.0)
            .select(users::friend_code)
            .first::<Option<String>>(conn)
            .await
            .optional()?
            .flatten())
    })
}

/// Gives `user` the add-friend code `code` (a clash with another user's code is a unique
/// violation).
pub async fn set_friend_code(conn: &mut Conn<'_>, user: UserId, code: &str) -> Result<(), DbError> {
    conn_run!(conn, |conn| {
        diesel::update(users::table.find(user.0))
            .set(users::friend_code.eq(code))
            .execute(conn)
            .await?;
        Ok(())
    })
}

/// The user whose add-friend code is `code`.
pub async fn user_by_friend_code(
    conn: &mut Conn<'_>,
    code: &str,
) -> Result<Option<UserId>, DbError> {
    conn_run!(conn, |conn| {
        let id: Option<i64> = users::table
            .filter(users::friend_code.eq(code))
            .select(users::id)
            .first(conn)
            .await
            .optional()?;
        Ok(id.map(UserId))
    })
}

/// Stores a new invite link.
#[allow(clippy::too_many_arguments)]
pub async fn create_invite(
    conn: &mut Conn<'_>,
    group: GroupId,
    code: &str,
    by: UserId,
    now: i64,
    expires_at: i64,
    max_uses: Option<i64>,
) -> Result<GroupInviteId, DbError> {
    conn_run!(conn, |conn| {
        let id: i64 = diesel::insert_into(group_invites::table)
            .values((
                group_invites::group_id.eq(group.0),
                group_invites::code.eq(code),
                group_invites::created_by.eq(by.0),
                group_invites::created_at.eq(now),
                group_invites::expires_at.eq(expires_at),
                group_invites::max_uses.eq(max_uses),
                group_invites::uses.eq(0_i64),
            ))
            .returning(group_invites::id)
            .get_result(conn)
            .await?;
        Ok(GroupInviteId(id))
    })
}

/// One invite by id.
pub async fn invite(conn: &mut Conn<'_>, id: GroupInviteId) -> Result<Option<InviteRow>, DbError> {
    conn_run!(conn, |conn| {
        Ok(group_invites::table
            .find(id.0)
            .select(INVITE_COLUMNS)
            .first(conn)
            .await
            .optional()?)
    })
}

/// One invite by its code.
pub async fn invite_by_code(conn: &mut Conn<'_>, code: &str) -> Result<Option<InviteRow>, DbError> {
    conn_run!(conn, |conn| {
        Ok(group_invites::table
            .filter(group_invites::code.eq(code))
            .select(INVITE_COLUMNS)
            .first(conn)
            .await
            .optional()?)
    })
}

/// A group's invites that are neither revoked nor expired at `now`, newest first (used-up
/// ones included: the caller filters with [`InviteRow::is_live`]).
pub async fn unexpired_invites(
    conn: &mut Conn<'_>,
    group: GroupId,
    now: i64,
) -> Result<Vec<InviteRow>, DbError> {
    conn_run!(conn, |conn| {
        Ok(group_invites::table
            .filter(group_invites::group_id.eq(group.0))
            .filter(group_invites::revoked_at.is_null())
            .filter(group_invites::expires_at.gt(now))
            .select(INVITE_COLUMNS)
            .order((group_invites::created_at.desc(), group_invites::id.desc()))
            .load(conn)
            .await?)
    })
}

/// Revokes invites `ids` at `now` (those already revoked keep their time).
pub async fn revoke(conn: &mut Conn<'_>, ids: &[i64], now: i64) -> Result<(), DbError> {
    conn_run!(conn, |conn| {
        diesel::update(
            group_invites::table
                .filter(group_invites::id.eq_any(ids))
                .filter(group_invites::revoked_at.is_null()),
        )
        .set(group_invites::revoked_at.eq(now))
        .execute(conn)
        .await?;
        Ok(())
    })
}

/// Counts one use of invite `id` if it is still live at `now`; `false` when it is not (the
/// statement itself re-checks, so two joins racing for the last use cannot both win).
pub async fn use_invite(conn: &mut Conn<'_>, id: GroupInviteId, now: i64) -> Result<bool, DbError> {
    conn_run!(conn, |conn| {
        let changed = diesel::update(
            group_invites::table
                .filter(group_invites::id.eq(id.0))
                .filter(group_invites::revoked_at.is_null())
                .filter(group_invites::expires_at.gt(now))
                .filter(
                    group_invites::max_uses
                        .is_null()
                        .or(group_invites::max_uses.gt(group_invites::uses.nullable())),
                ),
        )
        .set(group_invites::uses.eq(group_invites::uses + 1))
        .execute(conn)
        .await?;
        Ok(changed == 1)
    })
}
