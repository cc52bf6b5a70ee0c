//! The admin console's functions; every one requires the `admin` right.

use async_trait::async_trait;
use shared::api::Caller;
use shared::api::admin::AdminApi;
use shared::model::{AdminUser, Page, RightInfo, RoleInfo};
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

#[async_trait]
impl AdminApi for Api {
    async fn list_users(
        &self,
        caller: &Caller,
        query: Option<String>,
        page: u32,
        per_page: u32,
    ) -> Result<Page<AdminUser>, AppError> {
        caller.require(rights::ADMIN)?;
        let (items, total) = users::list(&self.state.db, query.as_deref(), page, per_page).await?;
        Ok(Page {
            items,
            total,
            page,
            per_page,
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
}
