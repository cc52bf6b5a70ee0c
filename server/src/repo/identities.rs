//! Outside accounts linked to users (`user_identities`) and sign-ins under way
//! (`sign_in_states`).

use std::collections::HashMap;

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use shared::ids::UserId;
use shared::model::LinkedIdentity;

use crate::conn_run;
use crate::db::schema::{sign_in_states, user_identities, users};
use crate::db::{Conn, Db, DbError};
use crate::db_run;

/// A sign-in under way, as stored until its callback.
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = sign_in_states)]
pub struct SignInState {
    /// SHA-256 of the `state` sent to the provider (hex).
    pub state_hash: String,
    /// The provider's key.
    pub provider: String,
    /// The PKCE verifier.
    pub pkce_verifier: String,
    /// The OpenID Connect nonce (empty for GitHub).
    pub nonce: String,
    /// The redirect URI the provider was given (sent again with the code).
    pub redirect_uri: String,
    /// Where the browser goes afterwards.
    pub next_path: String,
    /// The signed-in user linking an account, or `None` for a sign-in.
    pub link_user_id: Option<i64>,
    /// When it stops being accepted (epoch ms).
    pub expires_at: i64,
}

/// Stores a new sign-in after dropping the expired ones.
pub async fn put_state(db: &Db, state: &SignInState, now: i64) -> Result<(), DbError> {
    db_run!(db, |conn| {
        diesel::delete(sign_in_states::table.filter(sign_in_states::expires_at.le(now)))
            .execute(conn)
            .await?;
        diesel::insert_into(sign_in_states::table)
            .values(state)
            .execute(conn)
            .await?;
        Ok(())
    })
}

/// Takes the sign-in whose state hashes to `hash` away, if it is there: a second callback
/// with the same state (a replay, or a race) finds nothing.
pub async fn take_state(db: &Db, hash: &str) -> Result<Option<SignInState>, DbError> {
    db_run!(db, |c| {
        let Some(row) = sign_in_states::table
            .find(hash)
            .first::<SignInState>(c)
            .await
            .optional()?
        else {
            return Ok(None);
        };
        let taken = diesel::delete(sign_in_states::table.find(hash))
            .execute(c)
            .await?;
        Ok((taken == 1).then_some(row))
    })
}

/// The user linked to `subject` at `provider`.
pub async fn find_user(
    conn: &mut Conn<'_>,
    provider: &str,
    subject: &str,
) -> Result<Option<UserId>, DbError> {
    conn_run!(conn, |c| {
        Ok(user_identities::table
            .filter(user_identities::provider.eq(provider))
            .filter(user_identities::subject.eq(subject))
            .select(user_identities::user_id)
            .first::<i64>(c)
            .await
            .optional()?
            .map(UserId))
    })
}

/// Links `subject` at `provider` to `user` (a unique violation when either is linked already).
pub async fn link(
    conn: &mut Conn<'_>,
    user: UserId,
    provider: &str,
    subject: &str,
    login: &str,
    now: i64,
) -> Result<(), DbError> {
    conn_run!(conn, |c| {
        diesel::insert_into(user_identities::table)
            .values((
                user_identities::user_id.eq(user.0),
                user_identities::provider.eq(provider),
                user_identities::subject.eq(subject),
                user_identities::login.eq(login),
                user_identities::created_at.eq(now),
            ))
            .execute(c)
            .await?;
        Ok(())
    })
}

/// Removes `user`'s link at `provider`; whether there was one.
pub async fn unlink(conn: &mut Conn<'_>, user: UserId, provider: &str) -> Result<bool, DbError> {
    conn_run!(conn, |c| {
        let n = diesel::delete(
            user_identities::table
                .filter(user_identities::user_id.eq(user.0))
                .filter(user_identities::provider.eq(provider)),
        )
        .execute(c)
        .await?;
        Ok(n > 0)
    })
}

/// `user`'s linked accounts, oldest first, and whether they have a password.
pub async fn methods(
    conn: &mut Conn<'_>,
    user: UserId,
) -> Result<(bool, Vec<LinkedIdentity>), DbError> {
    conn_run!(conn, |c| {
        let hash: String = users::table
            .find(user.0)
            .select(users::password_hash)
            .first(c)
            .await?;
        let rows: Vec<(String, String, i64)> = user_identities::table
            .filter(user_identities::user_id.eq(user.0))
            .order(user_identities::id.asc())
            .select((
                user_identities::provider,
                user_identities::login,
                user_identities::created_at,
            ))
            .load(c)
            .await?;
        let linked = rows
            .into_iter()
            .map(|(provider, login, created_at)| LinkedIdentity {
                provider,
                login,
                created_at,
            })
            .collect();
        Ok((!hash.is_empty(), linked))
    })
}

/// The providers linked to each of `ids`, in the order they were linked.
pub async fn linked_of_users(db: &Db, ids: &[i64]) -> Result<HashMap<i64, Vec<String>>, DbError> {
    let rows: Vec<(i64, String)> = db_run!(db, |conn| {
        Ok::<_, DbError>(
            user_identities::table
                .filter(user_identities::user_id.eq_any(ids))
                .order(user_identities::id.asc())
                .select((user_identities::user_id, user_identities::provider))
                .load(conn)
                .await?,
        )
    })?;
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    for (user, provider) in rows {
        out.entry(user).or_default().push(provider);
    }
    Ok(out)
}
