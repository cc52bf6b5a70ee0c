//! The admin console's functions. Every one requires the `admin` right, checked on the server.

use leptos::prelude::*;

use super::codec::Json;

use crate::error::AppError;
use crate::model::{AdminUser, Page, RightInfo, RoleInfo};

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
        query: Option<String>,
        page: u32,
        per_page: u32,
    ) -> Result<Page<AdminUser>, AppError>;
    /// See [`admin_list_roles`].
    async fn list_roles(&self, caller: &Caller) -> Result<Vec<RoleInfo>, AppError>;
    /// See [`admin_list_rights`].
    async fn list_rights(&self, caller: &Caller) -> Result<Vec<RightInfo>, AppError>;
}

/// Users matching `query` (part of the username or nickname; all when absent), newest first.
/// `page` counts from 1 (default 1); `per_page` defaults to 20, at most 100.
#[server(endpoint = "admin_list_users", input = Json, output = Json)]
pub async fn admin_list_users(
    query: Option<String>,
    page: Option<u32>,
    per_page: Option<u32>,
) -> Result<Page<AdminUser>, AppError> {
    let (ports, caller) = super::request()?;
    let page = page.unwrap_or(1).max(1);
    let per_page = per_page.unwrap_or(DEFAULT_PER_PAGE).clamp(1, MAX_PER_PAGE);
    ports.admin.list_users(&caller, query, page, per_page).await
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
