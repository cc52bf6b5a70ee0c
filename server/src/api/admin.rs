//! The admin console's functions; every one requires the `admin` right.

use async_trait::async_trait;
use shared::api::Caller;
use shared::api::admin::AdminApi;
use shared::model::{AdminUser, Page, RightInfo, RoleInfo};
use shared::{AppError, rights};

use super::Api;
use crate::repo::{rbac, users};

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
