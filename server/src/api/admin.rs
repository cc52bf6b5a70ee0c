//! The admin console's functions; every one requires the `admin` right.

use async_trait::async_trait;
use shared::api::Caller;
use shared::api::admin::{AdminApi, UserFilter, offset_and_limit};
use shared::error::Invalid;
use shared::ids::UserId;
use shared::model::{
    AdminUser, AdminUserDetail, AuditEntry, OneTimePassword, Page, RightInfo, RoleInfo,
};
use shared::{AppError, rights};

use super::Api;
use crate::cache::Invalidation;
use crate::repo::{rbac, users};
use crate::state::AppState;

/// Replaces every role of `user` by `role_key` (`false` if no such role), effective at once
/// on every node. The one path for changing a user's roles.
pub async fn set_only_role(
    state: &AppState,
    user: shared::ids::UserId,
    role_key: &str,
) -> Result<bool, AppError> {
    let done = rbac::set_only_role(&state.db, user, role_key).await?;
    rights_changed(state, user).await?;
    Ok(done)
}

/// Makes a change to `user`'s rights (already committed) take effect at once on every node:
/// their cached sessions are dropped, so every request is judged by the new rights, and when
/// they lost `login` every live connection of theirs closes (code 4001).
pub async fn rights_changed(state: &AppState, user: shared::ids::UserId) -> Result<(), AppError> {
    state.hub.invalidate(Invalidation::User(user));
    let rights = rbac::rights_of(&state.db, user).await?;
    if !rights.iter().any(|r| r == rights::LOGIN) {
        state.hub.close_user_except(user, None);
        tracing::info!(user = %user, "user may no longer log in; their connections were closed");
    }
    Ok(())
}

/// Most users the `online` filter of the users table looks at.
const ONLINE_FILTER_MAX: usize = 10_000;

impl Api {
    /// The users table's query from the console's filter; `validation` for a value it does
    /// not know.
    async fn user_query(
        &self,
        filter: UserFilter,
        offset: u32,
        limit: u32,
    ) -> Result<users::UserQuery, AppError> {
        if filter
            .query
            .as_ref()
            .is_some_and(|q| q.chars().count() > 64)
        {
            return Err(AppError::invalid("query", Invalid::TooLong));
        }
        if filter.role.as_ref().is_some_and(|r| r.len() > 32) {
            return Err(AppError::invalid("role", Invalid::TooLong));
        }
        let status = match filter.status.as_deref() {
            None | Some("") => None,
            Some("active") => Some(users::StatusFilter::Active),
            Some("banned") => Some(users::StatusFilter::Banned),
            Some("muted") => Some(users::StatusFilter::Muted),
            Some("online") => {
                let online = self.state.hub.online_users(ONLINE_FILTER_MAX).await;
                Some(users::StatusFilter::Among(
                    online.into_iter().map(|u| u.0).collect(),
                ))
            }
            Some(_) => return Err(AppError::invalid("status", Invalid::OutOfRange)),
        };
        let order = match filter.sort.as_deref() {
            None | Some("") | Some("newest") => users::UserOrder::Newest,
            Some("oldest") => users::UserOrder::Oldest,
            Some("username") => users::UserOrder::Username,
            Some("last_seen") => users::UserOrder::LastSeen,
            Some(_) => return Err(AppError::invalid("sort", Invalid::OutOfRange)),
        };
        Ok(users::UserQuery {
            text: filter.query,
            role: filter.role.filter(|r| !r.is_empty()),
            status,
            order,
            offset,
            limit,
        })
    }
}

#[async_trait]
impl AdminApi for Api {
    async fn list_users(
        &self,
        caller: &Caller,
        filter: UserFilter,
        offset: Option<u32>,
        limit: Option<u32>,
    ) -> Result<Page<AdminUser>, AppError> {
        caller.require(rights::ADMIN)?;
        let (offset, limit) = offset_and_limit(offset, limit)?;
        let query = self.user_query(filter, offset, limit).await?;
        let (mut items, total) = users::list(&self.state.db, &query).await?;
        let ids: Vec<UserId> = items.iter().map(|u| u.id).collect();
        for (user, online) in items.iter_mut().zip(self.state.hub.online(&ids).await) {
            user.online = online;
        }
        Ok(Page {
            items,
            total,
            page: offset / limit + 1,
            per_page: limit,
        })
    }

    async fn list_roles(&self, caller: &Caller) -> Result<Vec<RoleInfo>, AppError> {
        caller.require(rights::ADMIN)?;
        Ok(rbac::list_roles(&self.state.db).await?)
    }

    async fn list_rights(&self, caller: &Caller) -> Result<Vec<RightInfo>, AppError> {
        caller.require(rights::ADMIN)?;
        Ok(rbac::list_rights(&self.state.db).await?)
    }

    async fn get_user(
        &self,
        caller: &Caller,
        user_id: UserId,
    ) -> Result<AdminUserDetail, AppError> {
        caller.require(rights::ADMIN)?;
        self.admin_user_detail(user_id).await
    }

    async fn create_user(
        &self,
        caller: &Caller,
        username: String,
        password: String,
        nickname: Option<String>,
        roles: Option<Vec<String>>,
    ) -> Result<AdminUserDetail, AppError> {
        self.do_admin_create_user(caller, username, password, nickname, roles)
            .await
    }

    async fn set_user_roles(
        &self,
        caller: &Caller,
        user_id: UserId,
        roles: Vec<String>,
    ) -> Result<AdminUserDetail, AppError> {
        self.do_admin_set_user_roles(caller, user_id, roles).await
    }

    async fn ban_user(
        &self,
        caller: &Caller,
        user_id: UserId,
        reason: String,
        until: Option<i64>,
    ) -> Result<AdminUserDetail, AppError> {
        self.do_admin_ban_user(caller, user_id, reason, until).await
    }

    async fn unban_user(
        &self,
        caller: &Caller,
        user_id: UserId,
    ) -> Result<AdminUserDetail, AppError> {
        self.do_admin_unban_user(caller, user_id).await
    }

    async fn mute_user(
        &self,
        caller: &Caller,
        user_id: UserId,
        until: Option<i64>,
    ) -> Result<AdminUserDetail, AppError> {
        self.do_admin_mute_user(caller, user_id, Some(until)).await
    }

    async fn unmute_user(
        &self,
        caller: &Caller,
        user_id: UserId,
    ) -> Result<AdminUserDetail, AppError> {
        self.do_admin_mute_user(caller, user_id, None).await
    }

    async fn reset_password(
        &self,
        caller: &Caller,
        user_id: UserId,
    ) -> Result<OneTimePassword, AppError> {
        self.do_admin_reset_password(caller, user_id).await
    }

    async fn revoke_sessions(
        &self,
        caller: &Caller,
        user_id: UserId,
    ) -> Result<AdminUserDetail, AppError> {
        self.do_admin_revoke_sessions(caller, user_id).await
    }

    async fn create_role(
        &self,
        caller: &Caller,
        name: String,
        description: Option<String>,
        rights: Vec<String>,
    ) -> Result<RoleInfo, AppError> {
        self.do_admin_create_role(caller, name, description, rights)
            .await
    }

    async fn update_role(
        &self,
        caller: &Caller,
        role: String,
        description: Option<String>,
        rights: Vec<String>,
    ) -> Result<RoleInfo, AppError> {
        self.do_admin_update_role(caller, role, description, rights)
            .await
    }

    async fn delete_role(&self, caller: &Caller, role: String) -> Result<(), AppError> {
        self.do_admin_delete_role(caller, role).await
    }

    async fn get_settings(
        &self,
        caller: &Caller,
    ) -> Result<shared::model::AdminSettings, AppError> {
        self.do_admin_get_settings(caller).await
    }

    async fn update_settings(
        &self,
        caller: &Caller,
        change: shared::api::admin::SettingsChange,
    ) -> Result<shared::model::AdminSettings, AppError> {
        self.do_admin_update_settings(caller, change).await
    }

    async fn audit_log(
        &self,
        caller: &Caller,
        actor: Option<UserId>,
        action: Option<String>,
        target: Option<i64>,
        before_id: Option<i64>,
        limit: Option<u32>,
    ) -> Result<Vec<AuditEntry>, AppError> {
        let filter = crate::repo::audit::Filter {
            actor,
            action,
            target,
            before_id,
        };
        self.do_admin_audit_log(caller, filter, limit).await
    }
}
