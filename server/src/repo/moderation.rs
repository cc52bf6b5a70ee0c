//! What the admin console changes about a user: bans, mutes, roles, password and sessions, each
//! inside the caller's unit of work (so the audit entry commits with it), and what its drawer
//! reads.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use shared::ids::{GroupId, UserId};
use shared::model::{AdminUserGroup, GroupRole};

use crate::conn_run;
use crate::db::schema::{
    chat_groups, contacts, conversation_members, messages, rights, role_rights, roles, sessions,
    user_roles, users,
};
use crate::db::{Conn, DbError};

/// A user's standing as the console changes it.
#[derive(Debug, Clone, Queryable)]
pub struct Standing {
    /// Login name.
    pub username: String,
    /// Banned until.
    pub banned_until: Option<i64>,
    /// Why.
    pub ban_reason: String,
    /// Muted until.
    pub muted_until: Option<i64>,
}

/// The standing of `user`, if the account exists.
pub async fn standing(conn: &mut Conn<'_>, user: UserId) -> Result<Option<Standing>, DbError> {
    conn_run!(conn, |conn| {
        Ok(users::table
            .find(user.0)
            .select((
                users::username,
                users::banned_until,
                users::ban_reason,
                users::muted_until,
            ))
            .first(conn)
            .await
            .optional()?)
    })
}

/// Bans `user` until `until` for `reason` (`None`: lifts the ban and clears the reason).
pub async fn set_ban(
    conn: &mut Conn<'_>,
    user: UserId,
    until: Option<i64>,
    reason: &str,
) -> Result<(), DbError> {
    conn_run!(conn, |conn| {
        diesel::update(users::table.find(user.0))
            .set((users::banned_until.eq(until), users::ban_reason.eq(reason)))
            .execute(conn)
            .await?;
        Ok(())
    })
}

/// Mutes `user` until `until` (`None`: lifts the mute).
pub async fn set_mute(
    conn: &mut Conn<'_>,
    user: UserId,
    until: Option<i64>,
) -> Result<(), DbError> {
    conn_run!(conn, |conn| {
        diesel::update(users::table.find(user.0))
            .set(users::muted_until.eq(until))
            .execute(conn)
            .await?;
        Ok(())
    })
}

/// Deletes every session of `user`; how many there were.
pub async fn end_sessions(conn: &mut Conn<'_>, user: UserId) -> Result<usize, DbError> {
    conn_run!(conn, |conn| {
        Ok(
            diesel::delete(sessions::table.filter(sessions::user_id.eq(user.0)))
                .execute(conn)
                .await?,
        )
    })
}

/// Stores a new password hash for `user`.
pub async fn set_password_hash(
    conn: &mut Conn<'_>,
    user: UserId,
    hash: &str,
) -> Result<(), DbError> {
    let now = crate::time::now_ms();
    conn_run!(conn, |conn| {
        diesel::update(users::table.find(user.0))
            .set((users::password_hash.eq(hash), users::updated_at.eq(now)))
            .execute(conn)
            .await?;
        Ok(())
    })
}

/// The ids of the roles `keys` names, with their keys (unknown keys are left out).
pub async fn role_ids(conn: &mut Conn<'_>, keys: &[String]) -> Result<Vec<(i64, String)>, DbError> {
    conn_run!(conn, |conn| {
        Ok(roles::table
            .filter(roles::key_name.eq_any(keys))
            .select((roles::id, roles::key_name))
            .load(conn)
            .await?)
    })
}

/// The role keys of `user`, sorted.
pub async fn role_keys(conn: &mut Conn<'_>, user: UserId) -> Result<Vec<String>, DbError> {
    let mut keys: Vec<String> = conn_run!(conn, |conn| {
        Ok::<_, DbError>(
            user_roles::table
                .inner_join(roles::table)
                .filter(user_roles::user_id.eq(user.0))
                .select(roles::key_name)
                .load(conn)
                .await?,
        )
    })?;
    keys.sort();
    Ok(keys)
}

/// Gives `user` exactly the roles `ids`.
pub async fn replace_roles(conn: &mut Conn<'_>, user: UserId, ids: &[i64]) -> Result<(), DbError> {
    conn_run!(conn, |conn| {
        diesel::delete(user_roles::table.filter(user_roles::user_id.eq(user.0)))
            .execute(conn)
            .await?;
        for id in ids {
            diesel::insert_into(user_roles::table)
                .values((user_roles::user_id.eq(user.0), user_roles::role_id.eq(*id)))
                .execute(conn)
                .await?;
        }
        Ok(())
    })
}

/// How many users other than `user` hold the `admin` right through a role and are not banned
/// at `now`: the administrators who would remain.
pub async fn other_admins(conn: &mut Conn<'_>, user: UserId, now: i64) -> Result<i64, DbError> {
    conn_run!(conn, |conn| {
        let ids: Vec<i64> = user_roles::table
            .inner_join(role_rights::table.on(role_rights::role_id.eq(user_roles::role_id)))
            .inner_join(rights::table.on(rights::id.eq(role_rights::right_id)))
            .inner_join(users::table.on(users::id.eq(user_roles::user_id)))
            .filter(rights::key_name.eq(shared::rights::ADMIN))
            .filter(user_roles::user_id.ne(user.0))
            .filter(
                users::banned_until
                    .is_null()
                    .or(users::banned_until.le(now)),
            )
            .select(user_roles::user_id)
            .distinct()
            .load(conn)
            .await?;
        Ok(i64::try_from(ids.len()).unwrap_or(i64::MAX))
    })
}

/// Whether the roles `ids` grant the `admin` right.
pub async fn roles_grant_admin(conn: &mut Conn<'_>, ids: &[i64]) -> Result<bool, DbError> {
    conn_run!(conn, |conn| {
        let n: i64 = role_rights::table
            .inner_join(rights::table.on(rights::id.eq(role_rights::right_id)))
            .filter(role_rights::role_id.eq_any(ids))
            .filter(rights::key_name.eq(shared::rights::ADMIN))
            .count()
            .get_result(conn)
            .await?;
        Ok(n > 0)
    })
}

/// The groups `user` is a member of (at most 200), by name.
pub async fn groups_of(conn: &mut Conn<'_>, user: UserId) -> Result<Vec<AdminUserGroup>, DbError> {
    let rows: Vec<(i64, String, String)> = conn_run!(conn, |conn| {
        Ok::<_, DbError>(
            conversation_members::table
                .inner_join(
                    chat_groups::table
                        .on(chat_groups::conversation_id.eq(conversation_members::conversation_id)),
                )
                .filter(conversation_members::user_id.eq(user.0))
                .select((
                    chat_groups::id,
                    chat_groups::name,
                    conversation_members::role,
                ))
                .order(chat_groups::name.asc())
                .limit(200)
                .load(conn)
                .await?,
        )
    })?;
    Ok(rows
        .into_iter()
        .map(|(id, name, role)| AdminUserGroup {
            group_id: GroupId(id),
            name,
            role: GroupRole::parse(&role),
        })
        .collect())
}

/// How many friends `user` has and how many messages they sent.
pub async fn counts(conn: &mut Conn<'_>, user: UserId) -> Result<(i64, i64), DbError> {
    conn_run!(conn, |conn| {
        let friends: i64 = contacts::table
            .filter(contacts::owner_id.eq(user.0))
            .count()
            .get_result(conn)
            .await?;
        let sent: i64 = messages::table
            .filter(messages::sender_id.eq(user.0))
            .count()
            .get_result(conn)
            .await?;
        Ok((friends, sent))
    })
}

/// Where `user`'s account comes from and when it was made.
pub async fn provider_and_created(
    conn: &mut Conn<'_>,
    user: UserId,
) -> Result<(String, i64), DbError> {
    conn_run!(conn, |conn| {
        Ok(users::table
            .find(user.0)
            .select((users::provider, users::created_at))
            .first(conn)
            .await?)
    })
}

/// Stores a new local account without roles (the caller gives them in the same unit of work)
/// and its chat with the assistant; a taken username is a unique violation.
pub async fn create_user(
    conn: &mut Conn<'_>,
    username: &str,
    password_hash: &str,
    nickname: &str,
    now: i64,
) -> Result<UserId, DbError> {
    let id = conn_run!(conn, |conn| {
        let id: i64 = diesel::insert_into(users::table)
            .values((
                users::username.eq(username),
                users::password_hash.eq(password_hash),
                users::nickname.eq(nickname),
                users::signature.eq(""),
                users::provider.eq("local"),
                users::created_at.eq(now),
                users::updated_at.eq(now),
            ))
            .returning(users::id)
            .get_result(conn)
            .await?;
        Ok::<_, DbError>(UserId(id))
    })?;
    super::assistant::welcome(conn, id, now).await?;
    Ok(id)
}

/// The right keys `user`'s roles grant (before any ban or mute), sorted.
pub async fn rights_through_roles(
    conn: &mut Conn<'_>,
    user: UserId,
) -> Result<Vec<String>, DbError> {
    let mut keys: Vec<String> = conn_run!(conn, |conn| {
        Ok::<_, DbError>(
            user_roles::table
                .inner_join(role_rights::table.on(role_rights::role_id.eq(user_roles::role_id)))
                .inner_join(rights::table.on(rights::id.eq(role_rights::right_id)))
                .filter(user_roles::user_id.eq(user.0))
                .select(rights::key_name)
                .distinct()
                .load(conn)
                .await?,
        )
    })?;
    keys.sort();
    Ok(keys)
}
