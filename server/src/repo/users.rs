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
            create_in(
                &mut crate::db::Conn::from(conn),
                username,
                password_hash,
                nickname,
                role_key,
                now,
            )
            .await
        })
        .await
    })
}

/// Creates a user holding `role_key` inside the caller's unit of work (sign-up by invitation
/// uses the code up in the same one).
pub async fn create_in(
    conn: &mut crate::db::Conn<'_>,
    username: &str,
    password_hash: &str,
    nickname: &str,
    role_key: &str,
    now: i64,
) -> Result<UserId, DbError> {
    create_from_in(
        conn,
        username,
        password_hash,
        nickname,
        "local",
        role_key,
        now,
    )
    .await
}

/// Creates a user who came from `provider` (`local`, or `github`/`oidc` with an empty
/// password hash: no password) holding `role_key`, with their chat with the assistant, inside
/// the caller's unit of work.
pub async fn create_from_in(
    conn: &mut crate::db::Conn<'_>,
    username: &str,
    password_hash: &str,
    nickname: &str,
    provider: &str,
    role_key: &str,
    now: i64,
) -> Result<UserId, DbError> {
    let id = crate::conn_run!(conn, |conn| {
        let id: i64 = diesel::insert_into(users::table)
            .values((
                users::username.eq(username),
                users::password_hash.eq(password_hash),
                users::nickname.eq(nickname),
                users::signature.eq(""),
                users::provider.eq(provider),
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
    })?;
    super::assistant::welcome(conn, id, now).await?;
    Ok(id)
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

/// Whose standing `admin_list_users` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusFilter {
    /// Neither banned nor muted now.
    Active,
    /// Banned now.
    Banned,
    /// Muted now.
    Muted,
    /// Among these (the users connected now).
    Among(Vec<i64>),
}

/// How `admin_list_users` orders its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserOrder {
    /// Newest account first.
    Newest,
    /// Oldest account first.
    Oldest,
    /// By username.
    Username,
    /// Most recently seen first (never seen last).
    LastSeen,
}

/// What one page of the console's users table asks for.
#[derive(Debug, Clone)]
pub struct UserQuery {
    /// Part of the username or nickname, case-insensitive.
    pub text: Option<String>,
    /// Holders of this role key.
    pub role: Option<String>,
    /// Their standing.
    pub status: Option<StatusFilter>,
    /// The order.
    pub order: UserOrder,
    /// Rows skipped.
    pub offset: u32,
    /// Rows at most.
    pub limit: u32,
}

/// The SQL of a user's last use of any session (0 when none), for ordering.
fn last_seen_sql() -> diesel::expression::SqlLiteral<diesel::sql_types::BigInt> {
    diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "COALESCE((SELECT MAX(s.last_seen_at) FROM sessions s WHERE s.user_id = users.id), 0)",
    )
}

/// One page of the console's users table with the total count of matches.
pub async fn list(db: &Db, q: &UserQuery) -> Result<(Vec<AdminUser>, u64), DbError> {
    let pattern = q
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(like_pattern);
    let now = crate::time::now_ms();
    type Row = (
        i64,
        String,
        String,
        i64,
        Option<String>,
        Option<i64>,
        Option<i64>,
        String,
    );
    let (rows, total): (Vec<Row>, i64) = db_run!(db, |conn| {
        // The same filters, once for the count and once for the page.
        let filtered = || {
            let mut query = users::table.into_boxed();
            if let Some(p) = &pattern {
                query = query.filter(
                    lower(users::username)
                        .like(p.clone())
                        .escape('\\')
                        .or(lower(users::nickname).like(p.clone()).escape('\\')),
                );
            }
            if let Some(role) = &q.role {
                query = query.filter(
                    users::id.eq_any(
                        user_roles::table
                            .inner_join(roles::table.on(roles::id.eq(user_roles::role_id)))
                            .filter(roles::key_name.eq(role.clone()))
                            .select(user_roles::user_id),
                    ),
                );
            }
            match &q.status {
                None => {}
                Some(StatusFilter::Banned) => query = query.filter(users::banned_until.gt(now)),
                Some(StatusFilter::Muted) => query = query.filter(users::muted_until.gt(now)),
                Some(StatusFilter::Active) => {
                    query = query
                        .filter(
                            users::banned_until
                                .is_null()
                                .or(users::banned_until.le(now)),
                        )
                        .filter(users::muted_until.is_null().or(users::muted_until.le(now)));
                }
                Some(StatusFilter::Among(ids)) => {
                    query = query.filter(users::id.eq_any(ids.clone()))
                }
            }
            query
        };
        let total: i64 = filtered().count().get_result(conn).await?;
        let mut page = filtered().select((
            users::id,
            users::username,
            users::nickname,
            users::created_at,
            users::avatar,
            users::banned_until,
            users::muted_until,
            users::provider,
        ));
        page = match q.order {
            UserOrder::Newest => page.order((users::created_at.desc(), users::id.desc())),
            UserOrder::Oldest => page.order((users::created_at.asc(), users::id.asc())),
            UserOrder::Username => page.order(users::username.asc()),
            UserOrder::LastSeen => page.order((last_seen_sql().desc(), users::id.desc())),
        };
        let rows = page
            .limit(i64::from(q.limit))
            .offset(i64::from(q.offset))
            .load(conn)
            .await?;
        Ok::<_, DbError>((rows, total))
    })?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let mut roles = super::rbac::roles_of_users(db, &ids).await?;
    let mut linked = super::identities::linked_of_users(db, &ids).await?;
    type SessionStats = (i64, i64, Option<i64>);
    let session_stats: Vec<SessionStats> = db_run!(db, |conn| {
        Ok::<_, DbError>(
            sessions::table
                .filter(sessions::user_id.eq_any(&ids))
                .filter(sessions::expires_at.gt(now))
                .group_by(sessions::user_id)
                .select((
                    sessions::user_id,
                    diesel::dsl::count_star(),
                    diesel::dsl::max(sessions::last_seen_at),
                ))
                .load(conn)
                .await?,
        )
    })?;
    let items = rows
        .into_iter()
        .map(
            |(id, username, nickname, created_at, avatar, banned_until, muted_until, provider)| {
                let stats = session_stats.iter().find(|(u, _, _)| *u == id);
                AdminUser {
                    banned_until: banned_until.filter(|t| *t > now),
                    muted_until: muted_until.filter(|t| *t > now),
                    id: UserId(id),
                    username,
                    nickname,
                    avatar_url: shared::model::avatar_url(avatar),
                    roles: roles.remove(&id).unwrap_or_default(),
                    created_at,
                    session_count: stats.map_or(0, |s| u64::try_from(s.1).unwrap_or(0)),
                    provider,
                    linked: linked.remove(&id).unwrap_or_default(),
                    last_seen_at: stats.and_then(|s| s.2),
                    online: false,
                }
            },
        )
        .collect();
    Ok((items, u64::try_from(total).unwrap_or(0)))
}

/// Every person's id (no bots or webhooks), in order.
pub async fn people_ids(db: &Db) -> Result<Vec<UserId>, DbError> {
    let ids: Vec<i64> = db_run!(db, |conn| {
        Ok::<_, DbError>(
            users::table
                .filter(users::kind.eq(super::bots::KIND_PERSON))
                .select(users::id)
                .order(users::id.asc())
                .load(conn)
                .await?,
        )
    })?;
    Ok(ids.into_iter().map(UserId).collect())
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
