//! Roles, rights and their links to users.

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use shared::ids::{RightId, RoleId, UserId};
use shared::model::{RightInfo, RoleInfo};
use shared::rights::{BUILTIN_RIGHTS, BUILTIN_ROLES, ROLE_ADMIN};

use super::{count_of, keys_of};
use crate::db::schema::{rights, role_rights, roles, user_roles, users};
use crate::db::{Db, DbError};
use crate::db_run;

/// Creates the built-in rights and roles that do not exist yet, in one transaction. A role that
/// exists keeps the rights an administrator gave it; only a newly created role gets its default
/// rights. The `admin` role always holds every right (rights added by later versions too).
pub async fn ensure_builtins(db: &Db, now: i64) -> Result<(), DbError> {
    db_run!(db, |conn| {
        conn.transaction(async |conn| {
            // Rights this version brings go to the built-in roles that grant them by default,
            // even where those roles exist already (an upgrade).
            let mut new_rights: Vec<&str> = Vec::new();
            for (key, name, _) in BUILTIN_RIGHTS {
                let inserted = diesel::insert_into(rights::table)
                    .values((
                        rights::key_name.eq(*key),
                        rights::name.eq(*name),
                        rights::created_at.eq(now),
                    ))
                    .on_conflict(rights::key_name)
                    .do_nothing()
                    .execute(conn)
                    .await?;
                if inserted == 1 {
                    new_rights.push(key);
                }
            }
            for (key, name, _, granted) in BUILTIN_ROLES {
                let inserted = diesel::insert_into(roles::table)
                    .values((
                        roles::key_name.eq(*key),
                        roles::name.eq(*name),
                        roles::created_at.eq(now),
                    ))
                    .on_conflict(roles::key_name)
                    .do_nothing()
                    .execute(conn)
                    .await?;
                // A role that exists keeps its rights, plus the new ones it grants by default.
                let granting: Vec<&str> = if inserted == 0 {
                    granted
                        .iter()
                        .copied()
                        .filter(|r| new_rights.contains(r))
                        .collect()
                } else {
                    granted.to_vec()
                };
                if granting.is_empty() && *key != ROLE_ADMIN {
                    continue;
                }
                let role_id: i64 = roles::table
                    .filter(roles::key_name.eq(*key))
                    .select(roles::id)
                    .first(conn)
                    .await?;
                let mut query = rights::table.select(rights::id).into_boxed();
                if *key != ROLE_ADMIN {
                    query = query.filter(rights::key_name.eq_any(granting));
                }
                let right_ids: Vec<i64> = query.load(conn).await?;
                for right_id in right_ids {
                    diesel::insert_into(role_rights::table)
                        .values((
                            role_rights::role_id.eq(role_id),
                            role_rights::right_id.eq(right_id),
                        ))
                        .on_conflict_do_nothing()
                        .execute(conn)
                        .await?;
                }
            }
            Ok::<_, DbError>(())
        })
        .await
    })
}

/// Creates a role granting `granted` rights (keys that exist); the role's id.
pub async fn create_role(
    db: &Db,
    key: &str,
    name: &str,
    granted: &[&str],
    now: i64,
) -> Result<RoleId, DbError> {
    db_run!(db, |conn| {
        conn.transaction(async |conn| {
            let role_id: i64 = diesel::insert_into(roles::table)
                .values((
                    roles::key_name.eq(key),
                    roles::name.eq(name),
                    roles::created_at.eq(now),
                ))
                .returning(roles::id)
                .get_result(conn)
                .await?;
            let right_ids: Vec<i64> = rights::table
                .filter(rights::key_name.eq_any(granted.iter().copied()))
                .select(rights::id)
                .load(conn)
                .await?;
            for right_id in right_ids {
                diesel::insert_into(role_rights::table)
                    .values((
                        role_rights::role_id.eq(role_id),
                        role_rights::right_id.eq(right_id),
                    ))
                    .execute(conn)
                    .await?;
            }
            Ok::<_, DbError>(RoleId(role_id))
        })
        .await
    })
}

/// Gives `user` the role `role_key` (no-op when held already). `false` if no such role.
pub async fn grant_role(db: &Db, user: UserId, role_key: &str) -> Result<bool, DbError> {
    db_run!(db, |conn| {
        let role_id: Option<i64> = roles::table
            .filter(roles::key_name.eq(role_key))
            .select(roles::id)
            .first(conn)
            .await
            .optional()?;
        let Some(role_id) = role_id else {
            return Ok(false);
        };
        diesel::insert_into(user_roles::table)
            .values((
                user_roles::user_id.eq(user.0),
                user_roles::role_id.eq(role_id),
            ))
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
        Ok(true)
    })
}

/// Replaces every role of `user` by `role_key` alone. `false` if no such role.
pub async fn set_only_role(db: &Db, user: UserId, role_key: &str) -> Result<bool, DbError> {
    db_run!(db, |conn| {
        conn.transaction(async |conn| {
            let role_id: Option<i64> = roles::table
                .filter(roles::key_name.eq(role_key))
                .select(roles::id)
                .first(conn)
                .await
                .optional()?;
            let Some(role_id) = role_id else {
                return Ok::<bool, DbError>(false);
            };
            diesel::delete(user_roles::table.filter(user_roles::user_id.eq(user.0)))
                .execute(conn)
                .await?;
            diesel::insert_into(user_roles::table)
                .values((
                    user_roles::user_id.eq(user.0),
                    user_roles::role_id.eq(role_id),
                ))
                .execute(conn)
                .await?;
            Ok(true)
        })
        .await
    })
}

/// `rights` less what a ban (`login`) or a mute (`speak`) in force at `now` takes away.
pub fn restrict(
    mut rights: Vec<String>,
    banned_until: Option<i64>,
    muted_until: Option<i64>,
    now: i64,
) -> Vec<String> {
    if banned_until.is_some_and(|t| t > now) {
        rights.retain(|r| r != shared::rights::LOGIN);
    }
    if muted_until.is_some_and(|t| t > now) {
        rights.retain(|r| r != shared::rights::SPEAK);
    }
    rights
}

/// When the restrictions in force at `now` next change by themselves (the earliest end of a
/// ban or mute still running), if ever.
pub fn restrictions_change(
    banned_until: Option<i64>,
    muted_until: Option<i64>,
    now: i64,
) -> Option<i64> {
    [banned_until, muted_until]
        .into_iter()
        .flatten()
        .filter(|t| *t > now)
        .min()
}

/// A user's ban and mute ends, as stored.
async fn restrictions(db: &Db, user: UserId) -> Result<(Option<i64>, Option<i64>), DbError> {
    db_run!(db, |conn| {
        Ok(users::table
            .find(user.0)
            .select((users::banned_until, users::muted_until))
            .first(conn)
            .await
            .optional()?
            .unwrap_or((None, None)))
    })
}

/// Role keys and the right keys held now (less a ban's or a mute's) of one user, each sorted
/// and without duplicates.
pub async fn roles_and_rights(
    db: &Db,
    user: UserId,
) -> Result<(Vec<String>, Vec<String>), DbError> {
    let (mut role_keys, right_keys) = db_run!(db, |conn| {
        let role_keys: Vec<String> = user_roles::table
            .inner_join(roles::table)
            .filter(user_roles::user_id.eq(user.0))
            .select(roles::key_name)
            .load(conn)
            .await?;
        let mut right_keys: Vec<String> = user_roles::table
            .inner_join(role_rights::table.on(role_rights::role_id.eq(user_roles::role_id)))
            .inner_join(rights::table.on(rights::id.eq(role_rights::right_id)))
            .filter(user_roles::user_id.eq(user.0))
            .select(rights::key_name)
            .distinct()
            .load(conn)
            .await?;
        right_keys.sort();
        right_keys.dedup();
        Ok::<_, DbError>((role_keys, right_keys))
    })?;
    role_keys.sort();
    let (banned, muted) = restrictions(db, user).await?;
    let now = crate::time::now_ms();
    Ok((role_keys, restrict(right_keys, banned, muted, now)))
}

/// The right keys `user` holds now through their roles, less a ban's or a mute's, sorted, and
/// when that set next changes by itself (a ban or mute ending), if ever: what each request's
/// session check needs.
pub async fn effective_rights(
    db: &Db,
    user: UserId,
    now: i64,
) -> Result<(Vec<String>, Option<i64>), DbError> {
    let mut right_keys: Vec<String> = db_run!(db, |conn| {
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
    right_keys.sort();
    let (banned, muted) = restrictions(db, user).await?;
    Ok((
        restrict(right_keys, banned, muted, now),
        restrictions_change(banned, muted, now),
    ))
}

/// The right keys `user` holds now (see [`effective_rights`]).
pub async fn rights_of(db: &Db, user: UserId) -> Result<Vec<String>, DbError> {
    Ok(effective_rights(db, user, crate::time::now_ms()).await?.0)
}

/// How many rights exist.
pub async fn right_count(conn: &mut crate::db::Conn<'_>) -> Result<usize, DbError> {
    crate::conn_run!(conn, |conn| {
        let n: i64 = rights::table.count().get_result(conn).await?;
        Ok(usize::try_from(n).unwrap_or(0))
    })
}

/// Role keys of several users at once.
pub async fn roles_of_users(db: &Db, users: &[i64]) -> Result<BTreeMap<i64, Vec<String>>, DbError> {
    let pairs: Vec<(i64, String)> = db_run!(db, |conn| {
        Ok::<_, DbError>(
            user_roles::table
                .inner_join(roles::table)
                .filter(user_roles::user_id.eq_any(users))
                .select((user_roles::user_id, roles::key_name))
                .order((user_roles::user_id, roles::key_name))
                .load(conn)
                .await?,
        )
    })?;
    let mut map: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for (user, role) in pairs {
        map.entry(user).or_default().push(role);
    }
    Ok(map)
}

/// Every role with its rights and user count, by key.
pub async fn list_roles(db: &Db) -> Result<Vec<RoleInfo>, DbError> {
    db_run!(db, |conn| {
        let all: Vec<(i64, String, String, String)> = roles::table
            .select((roles::id, roles::key_name, roles::name, roles::description))
            .order(roles::key_name)
            .load(conn)
            .await?;
        let grants: Vec<(i64, String)> = role_rights::table
            .inner_join(rights::table)
            .select((role_rights::role_id, rights::key_name))
            .order(rights::key_name)
            .load(conn)
            .await?;
        let counts: Vec<(i64, i64)> = user_roles::table
            .group_by(user_roles::role_id)
            .select((user_roles::role_id, diesel::dsl::count_star()))
            .load(conn)
            .await?;
        Ok(all
            .into_iter()
            .map(|(id, key, name, description)| RoleInfo {
                id: RoleId(id),
                builtin: BUILTIN_ROLES.iter().any(|(k, ..)| *k == key),
                key,
                name,
                rights: keys_of(&grants, id),
                user_count: count_of(&counts, id),
                description,
            })
            .collect())
    })
}

/// Every right with the roles that grant it, by key.
pub async fn list_rights(db: &Db) -> Result<Vec<RightInfo>, DbError> {
    db_run!(db, |conn| {
        let all: Vec<(i64, String, String)> = rights::table
            .select((rights::id, rights::key_name, rights::name))
            .order(rights::key_name)
            .load(conn)
            .await?;
        let grants: Vec<(i64, String)> = role_rights::table
            .inner_join(roles::table)
            .select((role_rights::right_id, roles::key_name))
            .order(roles::key_name)
            .load(conn)
            .await?;
        Ok(all
            .into_iter()
            .map(|(id, key, name)| RightInfo {
                id: RightId(id),
                key,
                name,
                roles: keys_of(&grants, id),
            })
            .collect())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn bans_take_login_and_mutes_take_speak_while_they_last() {
        let all = keys(&["add_friend", "login", "speak"]);
        assert_eq!(
            restrict(all.clone(), Some(200), None, 100),
            keys(&["add_friend", "speak"])
        );
        assert_eq!(
            restrict(all.clone(), None, Some(200), 100),
            keys(&["add_friend", "login"])
        );
        assert_eq!(
            restrict(all.clone(), Some(100), Some(50), 100),
            all,
            "ended ones do nothing"
        );
        assert_eq!(restrictions_change(Some(300), Some(200), 100), Some(200));
        assert_eq!(restrictions_change(Some(50), None, 100), None);
    }
}
