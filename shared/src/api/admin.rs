//! The admin console's functions. Every one requires the `admin` right, checked on the server.

use leptos::prelude::*;

use super::codec::Json;

use crate::error::AppError;
use crate::ids::UserId;
use crate::model::{
    AdminSettings, AdminUser, AdminUserDetail, AuditEntry, OneTimePassword, Page, RightInfo,
    RoleInfo,
};

#[cfg(feature = "ssr")]
use super::Caller;

/// Default page size of admin listings.
pub const DEFAULT_PER_PAGE: u32 = 20;
/// Largest page size of admin listings.
pub const MAX_PER_PAGE: u32 = 100;

/// The server's implementation of the admin area.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait AdminApi: Send + Sync {
    /// See [`admin_list_users`].
    async fn list_users(
        &self,
        caller: &Caller,
        filter: UserFilter,
        offset: Option<u32>,
        limit: Option<u32>,
    ) -> Result<Page<AdminUser>, AppError>;
    /// See [`admin_list_roles`].
    async fn list_roles(&self, caller: &Caller) -> Result<Vec<RoleInfo>, AppError>;
    /// See [`admin_list_rights`].
    async fn list_rights(&self, caller: &Caller) -> Result<Vec<RightInfo>, AppError>;
    /// See [`admin_get_user`].
    async fn get_user(&self, caller: &Caller, user_id: UserId)
    -> Result<AdminUserDetail, AppError>;
    /// See [`admin_create_user`].
    async fn create_user(
        &self,
        caller: &Caller,
        username: String,
        password: String,
        nickname: Option<String>,
        roles: Option<Vec<String>>,
    ) -> Result<AdminUserDetail, AppError>;
    /// See [`admin_set_user_roles`].
    async fn set_user_roles(
        &self,
        caller: &Caller,
        user_id: UserId,
        roles: Vec<String>,
    ) -> Result<AdminUserDetail, AppError>;
    /// See [`admin_ban_user`].
    async fn ban_user(
        &self,
        caller: &Caller,
        user_id: UserId,
        reason: String,
        until: Option<i64>,
    ) -> Result<AdminUserDetail, AppError>;
    /// See [`admin_unban_user`].
    async fn unban_user(
        &self,
        caller: &Caller,
        user_id: UserId,
    ) -> Result<AdminUserDetail, AppError>;
    /// See [`admin_mute_user`].
    async fn mute_user(
        &self,
        caller: &Caller,
        user_id: UserId,
        until: Option<i64>,
    ) -> Result<AdminUserDetail, AppError>;
    /// See [`admin_unmute_user`].
    async fn unmute_user(
        &self,
        caller: &Caller,
        user_id: UserId,
    ) -> Result<AdminUserDetail, AppError>;
    /// See [`admin_reset_password`].
    async fn reset_password(
        &self,
        caller: &Caller,
        user_id: UserId,
    ) -> Result<OneTimePassword, AppError>;
    /// See [`admin_revoke_sessions`].
    async fn revoke_sessions(
        &self,
        caller: &Caller,
        user_id: UserId,
    ) -> Result<AdminUserDetail, AppError>;
    /// See [`admin_create_role`].
    async fn create_role(
        &self,
        caller: &Caller,
        name: String,
        description: Option<String>,
        rights: Vec<String>,
    ) -> Result<RoleInfo, AppError>;
    /// See [`admin_update_role`].
    async fn update_role(
        &self,
        caller: &Caller,
        role: String,
        description: Option<String>,
        rights: Vec<String>,
    ) -> Result<RoleInfo, AppError>;
    /// See [`admin_delete_role`].
    async fn delete_role(&self, caller: &Caller, role: String) -> Result<(), AppError>;
    /// See [`admin_get_settings`].
    async fn get_settings(&self, caller: &Caller) -> Result<AdminSettings, AppError>;
    /// See [`admin_update_settings`].
    async fn update_settings(
        &self,
        caller: &Caller,
        change: SettingsChange,
    ) -> Result<AdminSettings, AppError>;
    /// See [`admin_audit_log`].
    async fn audit_log(
        &self,
        caller: &Caller,
        actor: Option<UserId>,
        action: Option<String>,
        target: Option<i64>,
        before_id: Option<i64>,
        limit: Option<u32>,
    ) -> Result<Vec<AuditEntry>, AppError>;
}

/// What `admin_list_users` filters and sorts by.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UserFilter {
    /// Part of the username or nickname (≤ 64 characters).
    pub query: Option<String>,
    /// Holders of this role key.
    pub role: Option<String>,
    /// `active` (neither banned nor muted), `banned`, `muted` or `online` (connected now).
    pub status: Option<String>,
    /// `newest` (default), `oldest`, `username` or `last_seen`.
    pub sort: Option<String>,
}

/// `offset` (default 0, at most [`crate::model::ADMIN_OFFSET_MAX`]) and `limit` (1–100,
/// default 20) of an admin listing; `validation` otherwise. The server checks them after the
/// caller's rights.
pub fn offset_and_limit(offset: Option<u32>, limit: Option<u32>) -> Result<(u32, u32), AppError> {
    use crate::error::Invalid;
    let offset = offset.unwrap_or(0);
    if offset > crate::model::ADMIN_OFFSET_MAX {
        return Err(AppError::invalid("offset", Invalid::OutOfRange));
    }
    let limit = limit.unwrap_or(DEFAULT_PER_PAGE);
    if !(1..=MAX_PER_PAGE).contains(&limit) {
        return Err(AppError::invalid("limit", Invalid::OutOfRange));
    }
    Ok((offset, limit))
}

/// Users matching `query` (part of the username or nickname), holding `role`, of one `status`
/// (`active`, `banned`, `muted`, `online`), sorted by `sort` (`newest`, `oldest`, `username`,
/// `last_seen`), each with avatar, provider, last seen and whether they are online now.
/// Paged by `offset` (from 0) and `limit` (1–100, default 20); `page` (from 1) and `per_page`
/// are accepted instead. Errors: `forbidden`, `validation`.
#[server(endpoint = "admin_list_users", input = Json, output = Json)]
pub async fn admin_list_users(
    #[server(default)] query: Option<String>,
    #[server(default)] role: Option<String>,
    #[server(default)] status: Option<String>,
    #[server(default)] sort: Option<String>,
    #[server(default)] offset: Option<u32>,
    #[server(default)] limit: Option<u32>,
    #[server(default)] page: Option<u32>,
    #[server(default)] per_page: Option<u32>,
) -> Result<Page<AdminUser>, AppError> {
    let (ports, caller) = super::request()?;
    // The page arguments keep their first meaning: `per_page` clamped to 1–100, a page past
    // the end empty.
    let limit = limit.or(per_page.map(|p| p.clamp(1, MAX_PER_PAGE)));
    let offset = match (offset, page) {
        (None, Some(page)) => Some(
            page.max(1)
                .saturating_sub(1)
                .saturating_mul(limit.unwrap_or(DEFAULT_PER_PAGE))
                .min(crate::model::ADMIN_OFFSET_MAX),
        ),
        (offset, _) => offset,
    };
    let filter = UserFilter {
        query,
        role,
        status,
        sort,
    };
    ports.admin.list_users(&caller, filter, offset, limit).await
}

/// Every role with its rights and number of users.
#[server(endpoint = "admin_list_roles", input = Json, output = Json)]
pub async fn admin_list_roles() -> Result<Vec<RoleInfo>, AppError> {
    let (ports, caller) = super::request()?;
    ports.admin.list_roles(&caller).await
}

/// Every right with the roles that grant it.
#[server(endpoint = "admin_list_rights", input = Json, output = Json)]
pub async fn admin_list_rights() -> Result<Vec<RightInfo>, AppError> {
    let (ports, caller) = super::request()?;
    ports.admin.list_rights(&caller).await
}

/// One user as the console's drawer shows them: profile, roles and rights now, ban and mute,
/// live sessions, groups, friend and message counts. Errors: `forbidden`, `not_found`.
#[server(endpoint = "admin_get_user", input = Json, output = Json)]
pub async fn admin_get_user(user_id: UserId) -> Result<AdminUserDetail, AppError> {
    let (ports, caller) = super::request()?;
    ports.admin.get_user(&caller, user_id).await
}

/// Creates an account (username and password by the sign-up rules; `nickname` defaults to the
/// username; `roles` to `["user"]`). Errors: `forbidden`, `validation`, `username_taken`.
#[server(endpoint = "admin_create_user", input = Json, output = Json)]
pub async fn admin_create_user(
    username: String,
    password: String,
    #[server(default)] nickname: Option<String>,
    #[server(default)] roles: Option<Vec<String>>,
) -> Result<AdminUserDetail, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .admin
        .create_user(&caller, username, password, nickname, roles)
        .await
}

/// Replaces the user's roles (1–16 role keys). Takes effect at once on every node; a user left
/// without `login` is signed out everywhere. The last user holding `admin` keeps it.
/// Errors: `forbidden`, `not_found`, `validation` (`roles`: empty, too many, or unknown).
#[server(endpoint = "admin_set_user_roles", input = Json, output = Json)]
pub async fn admin_set_user_roles(
    user_id: UserId,
    roles: Vec<String>,
) -> Result<AdminUserDetail, AppError> {
    let (ports, caller) = super::request()?;
    ports.admin.set_user_roles(&caller, user_id, roles).await
}

/// Bans the user until `until` (epoch ms, in the future; omitted or `null`: for good), with a
/// reason (≤ 200 characters): they cannot log in, every session of theirs ends and their live
/// connections close at once. Administrators cannot be banned (take `admin` away first).
/// Errors: `forbidden`, `not_found`, `validation`.
#[server(endpoint = "admin_ban_user", input = Json, output = Json)]
pub async fn admin_ban_user(
    user_id: UserId,
    reason: String,
    #[server(default)] until: Option<i64>,
) -> Result<AdminUserDetail, AppError> {
    let (ports, caller) = super::request()?;
    ports.admin.ban_user(&caller, user_id, reason, until).await
}

/// Lifts a ban. Errors: `forbidden`, `not_found`.
#[server(endpoint = "admin_unban_user", input = Json, output = Json)]
pub async fn admin_unban_user(user_id: UserId) -> Result<AdminUserDetail, AppError> {
    let (ports, caller) = super::request()?;
    ports.admin.unban_user(&caller, user_id).await
}

/// Mutes the user everywhere until `until` (epoch ms, in the future; omitted or `null`: for
/// good): they keep reading but cannot send. Errors: `forbidden`, `not_found`, `validation`.
#[server(endpoint = "admin_mute_user", input = Json, output = Json)]
pub async fn admin_mute_user(
    user_id: UserId,
    #[server(default)] until: Option<i64>,
) -> Result<AdminUserDetail, AppError> {
    let (ports, caller) = super::request()?;
    ports.admin.mute_user(&caller, user_id, until).await
}

/// Lifts a mute. Errors: `forbidden`, `not_found`.
#[server(endpoint = "admin_unmute_user", input = Json, output = Json)]
pub async fn admin_unmute_user(user_id: UserId) -> Result<AdminUserDetail, AppError> {
    let (ports, caller) = super::request()?;
    ports.admin.unmute_user(&caller, user_id).await
}

/// Gives the user a new random password, answered once; every session of theirs ends.
/// Errors: `forbidden`, `not_found`.
#[server(endpoint = "admin_reset_password", input = Json, output = Json)]
pub async fn admin_reset_password(user_id: UserId) -> Result<OneTimePassword, AppError> {
    let (ports, caller) = super::request()?;
    ports.admin.reset_password(&caller, user_id).await
}

/// Ends every session of the user (their live connections close at once).
/// Errors: `forbidden`, `not_found`.
#[server(endpoint = "admin_revoke_sessions", input = Json, output = Json)]
pub async fn admin_revoke_sessions(user_id: UserId) -> Result<AdminUserDetail, AppError> {
    let (ports, caller) = super::request()?;
    ports.admin.revoke_sessions(&caller, user_id).await
}

/// The audit log, newest first: entries older than `before_id` (paging), of one `actor`, one
/// `action` and one `target` id when given; `limit` 1–200, default 50. No function changes or
/// deletes an entry. Errors: `forbidden`, `validation`.
#[server(endpoint = "admin_audit_log", input = Json, output = Json)]
pub async fn admin_audit_log(
    #[server(default)] actor: Option<UserId>,
    #[server(default)] action: Option<String>,
    #[server(default)] target: Option<i64>,
    #[server(default)] before_id: Option<i64>,
    #[server(default)] limit: Option<u32>,
) -> Result<Vec<AuditEntry>, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .admin
        .audit_log(&caller, actor, action, target, before_id, limit)
        .await
}

/// Creates a role: `name` is its key (2–32 characters of `a-z 0-9 _ -`), `description` ≤ 200,
/// `rights` the right keys it grants (≤ 64, each existing). Errors: `forbidden`, `validation`
/// (`name` taken or malformed, `rights` unknown).
#[server(endpoint = "admin_create_role", input = Json, output = Json)]
pub async fn admin_create_role(
    name: String,
    #[server(default)] description: Option<String>,
    rights: Vec<String>,
) -> Result<RoleInfo, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .admin
        .create_role(&caller, name, description, rights)
        .await
}

/// Replaces role `role`'s rights (and its description when given). Takes effect at once for
/// every signed-in holder on every node. The `admin` role keeps every right, and no change may
/// leave nobody with `admin`. Errors: `forbidden`, `not_found`, `validation`.
#[server(endpoint = "admin_update_role", input = Json, output = Json)]
pub async fn admin_update_role(
    role: String,
    #[server(default)] description: Option<String>,
    rights: Vec<String>,
) -> Result<RoleInfo, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .admin
        .update_role(&caller, role, description, rights)
        .await
}

/// Deletes a role an administrator made (built-in roles stay); its holders lose it at once.
/// Errors: `forbidden` (built-in, or it would leave nobody with `admin`), `not_found`.
#[server(endpoint = "admin_delete_role", input = Json, output = Json)]
pub async fn admin_delete_role(role: String) -> Result<(), AppError> {
    let (ports, caller) = super::request()?;
    ports.admin.delete_role(&caller, role).await
}

/// The system settings. Errors: `forbidden`.
#[server(endpoint = "admin_get_settings", input = Json, output = Json)]
pub async fn admin_get_settings() -> Result<AdminSettings, AppError> {
    let (ports, caller) = super::request()?;
    ports.admin.get_settings(&caller).await
}

/// A change to the settings: each field optional, the others kept.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SettingsChange {
    /// `open` or `closed`.
    pub registration: Option<String>,
    /// 1–40 characters, one line.
    pub site_name: Option<String>,
    /// 1 MiB up to the server's configured ceiling.
    pub max_upload_mib: Option<u64>,
    /// 0 (no recall) up to a week.
    pub recall_window_s: Option<u64>,
    /// An existing role that does not grant `admin`.
    pub default_role: Option<String>,
    /// ≤ 500 characters (empty: none).
    pub login_notice: Option<String>,
}

/// Changes the settings given (each optional), in force at once: `registration` (`"open"` or
/// `"closed"`), `site_name`, `max_upload_mib`, `recall_window_s`, `default_role` (of new
/// accounts), `login_notice`. Errors: `forbidden`, `validation`.
#[server(endpoint = "admin_update_settings", input = Json, output = Json)]
pub async fn admin_update_settings(
    #[server(default)] registration: Option<String>,
    #[server(default)] site_name: Option<String>,
    #[server(default)] max_upload_mib: Option<u64>,
    #[server(default)] recall_window_s: Option<u64>,
    #[server(default)] default_role: Option<String>,
    #[server(default)] login_notice: Option<String>,
) -> Result<AdminSettings, AppError> {
    let (ports, caller) = super::request()?;
    let change = SettingsChange {
        registration,
        site_name,
        max_upload_mib,
        recall_window_s,
        default_role,
        login_notice,
    };
    ports.admin.update_settings(&caller, change).await
}
