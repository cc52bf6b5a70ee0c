//! Roles as the admin console edits them, inside the caller's unit of work.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::conn_run;
use crate::db::schema::{rights, role_rights, roles, user_roles, users};
use crate::db::{Conn, DbError};

/// The id of role `key`, if it exists.
pub async fn id_of(conn: &mut Conn<'_>, key: &str) -> Result<Option<i64>, DbError> {
    conn_run!(conn, |conn| {
        Ok(roles::table
            .filter(roles::key_name.eq(key))
            .select(roles::id)
            .first(conn)
            .await
            .optional()?)
    })
}

/// Stores a new role without rights; a taken key is a unique violation.
pub async fn insert(
    conn: &mut Conn<'_>,
    key: &str,
    description: &str,
    now: i64,
) -> Result<i64, DbError> {
    conn_run!(conn, |conn| {
        Ok(diesel::insert_into(roles::table)
            .values((
                roles::key_name.eq(key),
                roles::name.eq(key),
                roles::description.eq(description),
                roles::created_at.eq(now),
            ))
            .returning(roles::id)
            .get_result(conn)
            .await?)
    })
}

/// Sets role `id`'s description.
pub async fn set_description(
    conn: &mut Conn<'_>,
    id: i64,
    description: &str,
) -> Result<(), DbError> {
    conn_run!(conn, |conn| {
        diesel::update(roles::table.find(id))
            .set(roles::description.eq(description))
            .execute(conn)
            .await?;
        Ok(())
    })
}

/// The ids of the rights `keys` names, with their keys (unknown keys are left out).
pub async fn right_ids(
    conn: &mut Conn<'_>,
    keys: &[String],
) -> Result<Vec<(i64, String)>, DbError> {
    conn_run!(conn, |conn| {
        Ok(rights::table
            .filter(rights::key_name.eq_any(keys))
            .select((rights::id, rights::key_name))
            .load(conn)
            .await?)
    })
}

/// The right keys role `id` grants, sorted.
pub async fn rights_of_role(conn: &mut Conn<'_>, id: i64) -> Result<Vec<String>, DbError> {
    conn_run!(conn, |conn| {
        Ok(role_rights::table
            .inner_join(rights::table)
            .filter(role_rights::role_id.eq(id))
            .select(rights::key_name)
            .order(rights::key_name)
            .load(conn)
            .await?)
    })
}

/// Makes role `id` grant exactly the rights `right_ids`.
pub async fn set_rights(conn: &mut Conn<'_>, id: i64, right_ids: &[i64]) -> Result<(), DbError> {
    conn_run!(conn, |conn| {
        diesel::delete(role_rights::table.filter(role_rights::role_id.eq(id)))
            .execute(conn)
            .await?;
        for right in right_ids {
            diesel::insert_into(role_rights::table)
                .values((
                    role_rights::role_id.eq(id),
                    role_rights::right_id.eq(*right),
                ))
                .execute(conn)
                .await?;
        }
        Ok(())
    })
}

/// The users holding role `id`.
pub async fn holders(conn: &mut Conn<'_>, id: i64) -> Result<Vec<i64>, DbError> {
    conn_run!(conn, |conn| {
        Ok(user_roles::table
            .filter(user_roles::role_id.eq(id))
            .select(user_roles::user_id)
            .load(conn)
            .await?)
    })
}

/// Deletes role `id` (its grants and holdings go with it).
pub async fn delete(conn: &mut Conn<'_>, id: i64) -> Result<(), DbError> {
    conn_run!(conn, |conn| {
        diesel::delete(user_roles::table.filter(user_roles::role_id.eq(id)))
            .execute(conn)
            .await?;
        diesel::delete(role_rights::table.filter(role_rights::role_id.eq(id)))
            .execute(conn)
            .await?;
        diesel::delete(roles::table.find(id)).execute(conn).await?;
        Ok(())
    })
}

/// How many users hold the `admin` right through a role and are not banned at `now`.
pub async fn admin_count(conn: &mut Conn<'_>, now: i64) -> Result<usize, DbError> {
    conn_run!(conn, |conn| {
        let ids: Vec<i64> = user_roles::table
            .inner_join(role_rights::table.on(role_rights::role_id.eq(user_roles::role_id)))
            .inner_join(rights::table.on(rights::id.eq(role_rights::right_id)))
            .inner_join(users::table.on(users::id.eq(user_roles::user_id)))
            .filter(rights::key_name.eq(shared::rights::ADMIN))
            .filter(
                users::banned_until
                    .is_null()
                    .or(users::banned_until.le(now)),
            )
            .select(user_roles::user_id)
            .distinct()
            .load(conn)
            .await?;
        Ok(ids.len())
    })
}
