//! The admin console's user moderation: bans, mutes, roles, password resets, sessions and new
//! accounts. Each change is one unit of work with its audit entry; once committed it takes
//! effect at once on every node ([`super::admin::rights_changed`]: cached sessions dropped, live
//! connections of a user who can no longer log in closed).

use rand::Rng;
use serde_json::json;
use shared::api::Caller;
use shared::error::Invalid;
use shared::ids::{SessionId, UserId};
use shared::model::{
    AUDIT_PAGE_DEFAULT, AUDIT_PAGE_MAX, AdminUser, AdminUserDetail, AuditEntry, BAN_REASON_MAX,
    FOREVER, MAX_ROLES_PER_USER, OneTimePassword,
};
use shared::{AppError, rights, validate};

use super::Api;
use super::admin::rights_changed;
use crate::auth::password;
use crate::db::{Conn, Failure};
use crate::repo::audit::{self, NewEntry};
use crate::repo::moderation::{self as repo, Standing};
use crate::repo::{rbac, sessions, users};
use crate::time::now_ms;

/// Characters of a password made by `admin_reset_password`.
const ONE_TIME_PASSWORD_LEN: usize = 16;

/// What one audited change records besides who and when.
pub(crate) struct Audited<'a> {
    /// The function's name without `admin_`.
    pub action: &'a str,
    /// `user`, `role`, …
    pub target_kind: &'a str,
    /// Its id.
    pub target_id: Option<i64>,
    /// Its name.
    pub target_name: &'a str,
    /// Before, after, reason.
    pub detail: serde_json::Value,
}

/// Appends the audit entry of a change made by `caller`, in the change's unit of work.
pub(crate) async fn record(
    tx: &mut Conn<'_>,
    caller: &Caller,
    change: Audited<'_>,
) -> Result<(), Failure> {
    let auth = caller.auth()?;
    audit::insert(
        tx,
        NewEntry {
            actor: auth.user_id,
            actor_name: &auth.username,
            action: change.action,
            target_kind: change.target_kind,
            target_id: change.target_id,
            target_name: change.target_name,
            detail: change.detail,
            address: caller.ip.map(|ip| ip.to_string()),
            at: now_ms(),
        },
    )
    .await?;
    Ok(())
}

/// Appends the audit entry of a change `caller` made to `user` (whose standing before it is
/// `standing`).
async fn record_user(
    tx: &mut Conn<'_>,
    caller: &Caller,
    action: &str,
    user: UserId,
    standing: &Standing,
    detail: serde_json::Value,
) -> Result<(), Failure> {
    record(
        tx,
        caller,
        Audited {
            action,
            target_kind: "user",
            target_id: Some(user.0),
            target_name: &standing.username,
            detail,
        },
    )
    .await
}

/// The user's standing, or `not_found`.
async fn load(tx: &mut Conn<'_>, user: UserId) -> Result<Standing, Failure> {
    Ok(repo::standing(tx, user).await?.ok_or(AppError::NotFound)?)
}

/// `until` of a ban or mute: in the future (`validation` otherwise), [`FOREVER`] when absent.
fn check_until(until: Option<i64>, now: i64) -> Result<i64, AppError> {
    match until {
        None => Ok(FOREVER),
        Some(t) if t > now && t <= FOREVER => Ok(t),
        Some(_) => Err(AppError::invalid("until", Invalid::OutOfRange)),
    }
}

/// A ban or mute end as the table shows it: only while it lasts.
fn in_force(until: Option<i64>, now: i64) -> Option<i64> {
    until.filter(|t| *t > now)
}

/// Role keys as given: 1–16 distinct keys (`validation` on `roles` otherwise).
fn check_role_list(roles: &[String]) -> Result<Vec<String>, AppError> {
    if roles.is_empty() {
        return Err(AppError::invalid("roles", Invalid::Required));
    }
    if roles.len() > MAX_ROLES_PER_USER {
        return Err(AppError::invalid("roles", Invalid::TooLong));
    }
    let mut keys: Vec<String> = roles.iter().map(|r| r.trim().to_owned()).collect();
    keys.sort();
    keys.dedup();
    Ok(keys)
}

/// A random password of letters and digits.
fn one_time_password() -> String {
    rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(ONE_TIME_PASSWORD_LEN)
        .map(char::from)
        .collect()
}

impl Api {
    /// The drawer's view of `user`.
    pub(crate) async fn admin_user_detail(
        &self,
        user: UserId,
    ) -> Result<AdminUserDetail, AppError> {
        let db = &self.state.db;
        let now = now_ms();
        let profile = users::profile(db, user).await?.ok_or(AppError::NotFound)?;
        let (roles, rights) = rbac::roles_and_rights(db, user).await?;
        let (standing, (provider, linked), groups, (friends, sent), created_at) =
            crate::db_conn!(db, |conn| {
                let standing = repo::standing(conn, user)
                    .await?
                    .ok_or(AppError::NotFound)?;
                let (provider, created_at) = repo::provider_and_created(conn, user).await?;
                let (_, linked) = crate::repo::identities::methods(conn, user).await?;
                let linked: Vec<String> = linked.into_iter().map(|l| l.provider).collect();
                let groups = repo::groups_of(conn, user).await?;
                let counts = repo::counts(conn, user).await?;
                Ok::<_, AppError>((standing, (provider, linked), groups, counts, created_at))
            })?;
        // The console's own session is never "current" here.
        let sessions = sessions::list(db, user, SessionId(0)).await?;
        let online = self.state.hub.online(&[user]).await.first() == Some(&true);
        Ok(AdminUserDetail {
            user: AdminUser {
                id: user,
                username: profile.username,
                nickname: profile.nickname,
                avatar_url: shared::model::avatar_url(profile.avatar),
                roles,
                created_at,
                session_count: u64::try_from(sessions.len()).unwrap_or(0),
                banned_until: in_force(standing.banned_until, now),
                muted_until: in_force(standing.muted_until, now),
                provider: provider.clone(),
                linked,
                last_seen_at: sessions.iter().map(|s| s.last_seen_at).max(),
                online,
            },
            signature: profile.signature,
            provider,
            rights,
            ban_reason: if in_force(standing.banned_until, now).is_some() {
                standing.ban_reason
            } else {
                String::new()
            },
            sessions,
            groups,
            friend_count: u64::try_from(friends).unwrap_or(0),
            message_count: u64::try_from(sent).unwrap_or(0),
        })
    }

    /// Commits a change to `user`, makes it take effect everywhere and answers the drawer.
    async fn changed(&self, user: UserId) -> Result<AdminUserDetail, AppError> {
        rights_changed(&self.state, user).await?;
        self.admin_user_detail(user).await
    }

    /// `admin_create_user`.
    pub(crate) async fn do_admin_create_user(
        &self,
        caller: &Caller,
        username: String,
        password: String,
        nickname: Option<String>,
        roles: Option<Vec<String>>,
    ) -> Result<AdminUserDetail, AppError> {
        caller.require(rights::ADMIN)?;
        let username = validate::username(&username)?;
        validate::new_password("password", &password, &username)?;
        let nickname = match nickname.as_deref().map(str::trim) {
            None | Some("") => username.clone(),
            Some(n) => validate::nickname(n)?,
        };
        let roles = check_role_list(&roles.unwrap_or_else(|| vec![rights::ROLE_USER.to_owned()]))?;
        let hash = password::hash(password).await?;
        let user = crate::db_transaction!(&self.state.db, |tx| {
            let ids = repo::role_ids(tx, &roles).await?;
            if ids.len() != roles.len() {
                return Err(AppError::invalid("roles", Invalid::Unknown).into());
            }
            let user = repo::create_user(tx, &username, &hash, &nickname, now_ms())
                .await
                .map_err(|e| Failure::Refused(e.unique_as(AppError::UsernameTaken)))?;
            let role_ids: Vec<i64> = ids.iter().map(|(id, _)| *id).collect();
            repo::replace_roles(tx, user, &role_ids).await?;
            record(
                tx,
                caller,
                Audited {
                    action: "create_user",
                    target_kind: "user",
                    target_id: Some(user.0),
                    target_name: &username,
                    detail: json!({"after": {"roles": roles, "nickname": nickname}}),
                },
            )
            .await?;
            Ok::<_, Failure>(user)
        })?;
        tracing::info!(user = %user, %username, "account created by an administrator");
        self.admin_user_detail(user).await
    }

    /// `admin_set_user_roles`.
    pub(crate) async fn do_admin_set_user_roles(
        &self,
        caller: &Caller,
        user: UserId,
        roles: Vec<String>,
    ) -> Result<AdminUserDetail, AppError> {
        caller.require(rights::ADMIN)?;
        let roles = check_role_list(&roles)?;
        crate::db_transaction!(&self.state.db, |tx| {
            let standing = load(tx, user).await?;
            let ids = repo::role_ids(tx, &roles).await?;
            if ids.len() != roles.len() {
                return Err(AppError::invalid("roles", Invalid::Unknown).into());
            }
            let role_ids: Vec<i64> = ids.iter().map(|(id, _)| *id).collect();
            // The last administrator keeps `admin`.
            if !repo::roles_grant_admin(tx, &role_ids).await?
                && repo::other_admins(tx, user, now_ms()).await? == 0
            {
                return Err(AppError::Forbidden.into());
            }
            let before = repo::role_keys(tx, user).await?;
            repo::replace_roles(tx, user, &role_ids).await?;
            record_user(
                tx,
                caller,
                "set_user_roles",
                user,
                &standing,
                json!({"before": before, "after": roles}),
            )
            .await?;
            Ok::<_, Failure>(())
        })?;
        self.changed(user).await
    }

    /// `admin_ban_user`.
    pub(crate) async fn do_admin_ban_user(
        &self,
        caller: &Caller,
        user: UserId,
        reason: String,
        until: Option<i64>,
    ) -> Result<AdminUserDetail, AppError> {
        let me = caller.require(rights::ADMIN)?.user_id;
        let reason = validate::text("reason", &reason, BAN_REASON_MAX, false)?;
        let until = check_until(until, now_ms())?;
        if user == me {
            return Err(AppError::Forbidden);
        }
        let ended = crate::db_transaction!(&self.state.db, |tx| {
            let standing = load(tx, user).await?;
            // An administrator is demoted first: a ban never locks the console out.
            let (_, rights) = roles_and_rights_in(tx, user).await?;
            if rights.iter().any(|r| r == rights::ADMIN) {
                return Err(AppError::Forbidden.into());
            }
            repo::set_ban(tx, user, Some(until), &reason).await?;
            let ended = repo::end_sessions(tx, user).await?;
            record_user(
                tx,
                caller,
                "ban_user",
                user,
                &standing,
                json!({
                    "before": {"banned_until": standing.banned_until},
                    "after": {"banned_until": until},
                    "reason": reason,
                    "sessions_ended": ended,
                }),
            )
            .await?;
            Ok::<_, Failure>(ended)
        })?;
        self.state.hub.close_user_except(user, None);
        tracing::info!(user = %user, by = %me, sessions = ended, "user banned");
        self.changed(user).await
    }

    /// `admin_unban_user`.
    pub(crate) async fn do_admin_unban_user(
        &self,
        caller: &Caller,
        user: UserId,
    ) -> Result<AdminUserDetail, AppError> {
        caller.require(rights::ADMIN)?;
        crate::db_transaction!(&self.state.db, |tx| {
            let standing = load(tx, user).await?;
            repo::set_ban(tx, user, None, "").await?;
            record_user(tx, caller, "unban_user", user, &standing, json!({
                        "before": {"banned_until": standing.banned_until, "reason": standing.ban_reason},
                        "after": {"banned_until": null},
                    })).await?;
            Ok::<_, Failure>(())
        })?;
        self.changed(user).await
    }

    /// `admin_mute_user` (`until` checked) and `admin_unmute_user` (`until` `None`).
    pub(crate) async fn do_admin_mute_user(
        &self,
        caller: &Caller,
        user: UserId,
        until: Option<Option<i64>>,
    ) -> Result<AdminUserDetail, AppError> {
        caller.require(rights::ADMIN)?;
        let until = match until {
            Some(t) => Some(check_until(t, now_ms())?),
            None => None,
        };
        crate::db_transaction!(&self.state.db, |tx| {
            let standing = load(tx, user).await?;
            repo::set_mute(tx, user, until).await?;
            record_user(
                tx,
                caller,
                if until.is_some() {
                    "mute_user"
                } else {
                    "unmute_user"
                },
                user,
                &standing,
                json!({
                    "before": {"muted_until": standing.muted_until},
                    "after": {"muted_until": until},
                }),
            )
            .await?;
            Ok::<_, Failure>(())
        })?;
        self.changed(user).await
    }

    /// `admin_reset_password`.
    pub(crate) async fn do_admin_reset_password(
        &self,
        caller: &Caller,
        user: UserId,
    ) -> Result<OneTimePassword, AppError> {
        caller.require(rights::ADMIN)?;
        let fresh = one_time_password();
        let hash = password::hash(fresh.clone()).await?;
        crate::db_transaction!(&self.state.db, |tx| {
            let standing = load(tx, user).await?;
            repo::set_password_hash(tx, user, &hash).await?;
            let ended = repo::end_sessions(tx, user).await?;
            record_user(
                tx,
                caller,
                "reset_password",
                user,
                &standing,
                json!({"sessions_ended": ended}),
            )
            .await?;
            Ok::<_, Failure>(())
        })?;
        self.state.hub.close_user_except(user, None);
        Ok(OneTimePassword {
            user_id: user,
            password: fresh,
        })
    }

    /// `admin_revoke_sessions`.
    pub(crate) async fn do_admin_revoke_sessions(
        &self,
        caller: &Caller,
        user: UserId,
    ) -> Result<AdminUserDetail, AppError> {
        caller.require(rights::ADMIN)?;
        crate::db_transaction!(&self.state.db, |tx| {
            let standing = load(tx, user).await?;
            let ended = repo::end_sessions(tx, user).await?;
            record_user(
                tx,
                caller,
                "revoke_sessions",
                user,
                &standing,
                json!({"sessions_ended": ended}),
            )
            .await?;
            Ok::<_, Failure>(())
        })?;
        self.state.hub.close_user_except(user, None);
        self.changed(user).await
    }

    /// `admin_audit_log`.
    pub(crate) async fn do_admin_audit_log(
        &self,
        caller: &Caller,
        filter: audit::Filter,
        limit: Option<u32>,
    ) -> Result<Vec<AuditEntry>, AppError> {
        caller.require(rights::ADMIN)?;
        let limit = limit.unwrap_or(AUDIT_PAGE_DEFAULT);
        if !(1..=AUDIT_PAGE_MAX).contains(&limit) {
            return Err(AppError::invalid("limit", Invalid::OutOfRange));
        }
        if filter.action.as_ref().is_some_and(|a| a.len() > 64) {
            return Err(AppError::invalid("action", Invalid::TooLong));
        }
        Ok(audit::list(&self.state.db, &filter, i64::from(limit)).await?)
    }
}

/// Role keys and rights held through roles (no restrictions applied), inside a unit of work.
async fn roles_and_rights_in(
    tx: &mut Conn<'_>,
    user: UserId,
) -> Result<(Vec<String>, Vec<String>), Failure> {
    let roles = repo::role_keys(tx, user).await?;
    let rights = repo::rights_through_roles(tx, user).await?;
    Ok((roles, rights))
}
