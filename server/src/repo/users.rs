//! Users and their profiles.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use shared::ids::UserId;
use shared::model::AdminUser;

use crate::db::schema::{roles, sessions, user_roles, users};
use crate::db::{Db, DbError};
use crate::db_run;

/// What log-in needs to know about an account.
#[derive(Debug, Clone, Queryable)]
pub struct Credentials {
    /// The user.
    pub id: i64,
    /// The stored argon2id PHC hash.
    pub password_hash: String,
}

/// A user's profile fields.
#[derive(Debug, Clone, Queryable)]
pub struct Profile {
    /// The user.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Display name.
    pub nickname: String,
    /// Signature.
    pub signature: String,
    /// Avatar media id.
    pub avatar: Option<String>,
    /// Who may see their presence (`everyone`, `friends`, `nobody`).
    pub presence: String,
}

/// Creates a user holding `role_key` in one transaction. A taken username surfaces as a unique
/// violation ([`DbError::is_unique_violation`]).
pub async fn create(
    db: &Db,
    username: &str,
    password_hash: &str,
    nickname: &str,
    role_key: &str,
    now: i64,
) -> Result<UserId, DbError> {
    db_run!(db, |conn| {
        conn.transaction(async |conn| {
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
            let role_id: i64 = roles::table
                .filter(roles::key_name.eq(role_key))
                .select(roles::id)
                .first(conn)
                .await?;
            diesel::insert_into(user_roles::table)
                .values((user_roles::user_id.eq(id), user_roles::role_id.eq(role_id)))
                .execute(conn)
                .await?;
            Ok::<_, DbError>(UserId(id))
        })
        .await
    })
}

/// The credentials of `username`, if the account exists.
pub async fn credentials(db: &Db, username: &str) -> Result<Option<Credentials>, DbError> {
    db_run!(db, |conn| {
        Ok(users::table
            .filter(users::username.eq(username))
            .select((users::id, users::password_hash))
            .first(conn)
            .await
            .optional()?)
    })
}

/// The password hash of a user.
pub async fn password_hash(db: &Db, user: UserId) -> Result<Option<String>, DbError> {
    db_run!(db, |conn| {
        Ok(users::table
            .find(user.0)
            .select(users::password_hash)
            .first(conn)
            .await
            .optional()?)
    })
}

/// The profile of a user.
pub async fn profile(db: &Db, user: UserId) -> Result<Option<Profile>, DbError> {
    db_run!(db, |conn| {
        Ok(users::table
            .find(user.0)
            .select((
                users::id,
                users::username,
                users::nickname,
                users::signature,
                users::avatar,
                users::presence,
            ))
            .first(conn)
            .await
            .optional()?)
    })
}

/// Sets who may see `user`'s presence.
pub async fn set_presence(db: &Db, user: UserId, visibility: &str) -> Result<(), DbError> {
    db_run!(db, |conn| {
        diesel::update(users::table.find(user.0))
            .set(users::presence.eq(visibility))
            .execute(conn)
            .await?;
        Ok(())
    })
}

/// For each of `ids`: `(user, presence setting, last activity of any session)`.
pub async fn presence_of(db: &Db, ids: &[i64]) -> Result<Vec<(i64, String, Option<i64>)>, DbError> {
    use crate::db::schema::sessions;
    type Settings = Vec<(i64, String)>;
    type Seen = Vec<(i64, Option<i64>)>;
    let (settings, seen): (Settings, Seen) = db_run!(db, |conn| {
        let settings: Vec<(i64, String)> = users::table
            .filter(users::id.eq_any(ids))
            .select((users::id, users::presence))
            .load(conn)
            .await?;
        let seen: Vec<(i64, Option<i64>)> = sessions::table
            .filter(sessions::user_id.eq_any(ids))
            .group_by(sessions::user_id)
            .select((sessions::user_id, diesel::dsl::max(sessions::last_seen_at)))
            .load(conn)
            .await?;
        Ok::<_, DbError>((settings, seen))
    })?;
    Ok(settings
        .into_iter()
        .map(|(id, presence)| {
            let last = seen.iter().find(|(u, _)| *u == id).and_then(|(_, t)| *t);
            (id, presence, last)
        })
        .collect())
}

/// Nicknames of several users: `(id, nickname)`.
pub async fn nicknames(db: &Db, ids: &[i64]) -> Result<Vec<(i64, String)>, DbError> {
    db_run!(db, |conn| {
        Ok(users::table
            .filter(users::id.eq_any(ids))
            .select((users::id, users::nickname))
            .load(conn)
            .await?)
    })
}

/// The id of `username`, if the account exists.
pub async fn id_by_username(db: &Db, username: &str) -> Result<Option<UserId>, DbError> {
    db_run!(db, |conn| {
        Ok(users::table
            .filter(users::username.eq(username))
            .select(users::id)
            .first(conn)
            .await
            .optional()?
            .map(UserId))
    })
}

/// Sets nickname and signature.
pub async fn update_profile(
    db: &Db,
    user: UserId,
    nickname: &str,
    signature: &str,
    now: i64,
) -> Result<(), DbError> {
    db_run!(db, |conn| {
        diesel::update(users::table.find(user.0))
            .set((
                users::nickname.eq(nickname),
                users::signature.eq(signature),
                users::updated_at.eq(now),
            ))
            .execute(conn)
            .await?;
        Ok(())
    })
}

/// Replaces the password hash and deletes every session of the user except `keep`.
pub async fn set_password(
    db: &Db,
    user: UserId,
    hash: &str,
    keep: Option<i64>,
    now: i64,
) -> Result<(), DbError> {
    db_run!(db, |conn| {
        conn.transaction(async |conn| {
            diesel::update(users::table.find(user.0))
                .set((users::password_hash.eq(hash), users::updated_at.eq(now)))
                .execute(conn)
                .await?;
            let others = sessions::table
                .filter(sessions::user_id.eq(user.0))
                .filter(sessions::id.ne(keep.unwrap_or(-1)));
            diesel::delete(others).execute(conn).await?;
            Ok::<_, DbError>(())
        })
        .await
    })
}

diesel::define_sql_function! {
    /// SQL `lower(text)`, the same on both backends.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
pub fn like_pattern(query: &str) -> String {
    let mut p = String::with_capacity(query.len() + 2);
    p.push('%');
    for c in query.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// One page of users whose username or nickname contains `query` (case-insensitive), newest
/// first, with the total count of matches.
pub async fn list(
    db: &Db,
    query: Option<&str>,
    page: u32,
    per_page: u32,
) -> Result<(Vec<AdminUser>, u64), DbError> {
    let pattern = query
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(like_pattern);
    let offset = i64::from(page.saturating_sub(1)) * i64::from(per_page);
    type Row = (
        i64,
        String,
        String,
        i64,
        Option<String>,
        Option<i64>,
        Option<i64>,
    );
    let (rows, total): (Vec<Row>, i64) = db_run!(db, |conn| {
        let mut count = users::table.into_boxed();
        let mut select = users::table.into_boxed();
        if let Some(p) = &pattern {
            let matches = lower(users::username)
                .like(p.clone())
                .escape('\\')
                .or(lower(users::nickname).like(p.clone()).escape('\\'));
            count = count.filter(matches.clone());
            select = select.filter(matches);
        }
        let total: i64 = count.count().get_result(conn).await?;
        let rows = select
            .select((
                users::id,
                users::username,
                users::nickname,
                users::created_at,
                users::avatar,
                users::banned_until,
                users::muted_until,
            ))
            .order((users::created_at.desc(), users::id.desc()))
            .limit(i64::from(per_page))
            .offset(offset)
            .load(conn)
            .await?;
        Ok::<_, DbError>((rows, total))
    })?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let mut roles = super::rbac::roles_of_users(db, &ids).await?;
    let session_counts: Vec<(i64, i64)> = db_run!(db, |conn| {
        Ok::<_, DbError>(
            sessions::table
                .filter(sessions::user_id.eq_any(&ids))
                .filter(sessions::expires_at.gt(crate::time::now_ms()))
                .group_by(sessions::user_id)
                .select((sessions::user_id, diesel::dsl::count_star()))
                .load(conn)
                .await?,
        )
    })?;
    let now = crate::time::now_ms();
    let items = rows
        .into_iter()
        .map(
            |(id, username, nickname, created_at, avatar, banned_until, muted_until)| AdminUser {
                banned_until: banned_until.filter(|t| *t > now),
                muted_until: muted_until.filter(|t| *t > now),
                id: UserId(id),
                username,
                nickname,
                avatar_url: shared::model::avatar_url(avatar),
                roles: roles.remove(&id).unwrap_or_default(),
                created_at,
                session_count: super::count_of(&session_counts, id),
            },
        )
        .collect();
    Ok((items, u64::try_from(total).unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("Ab"), "%ab%");
        assert_eq!(like_pattern("50%_x\\"), "%50\\%\\_x\\\\%");
    }
}
