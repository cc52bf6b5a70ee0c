//! The console's group and message area: the port's implementation, each function handing
//! over to its `do_admin_*` path ([`super::admin_groups`], [`super::admin_messages`]).

use async_trait::async_trait;
use shared::AppError;
use shared::api::Caller;
use shared::api::admin_content::{AdminContentApi, GroupFilter, MessageFilter};
use shared::ids::{GroupId, MessageId, UserId};
use shared::model::{AdminGroup, AdminGroupDetail, AdminMessage, Announced, DashboardStats, Page};

use super::Api;

#[async_trait]
impl AdminContentApi for Api {
    async fn list_groups(
        &self,
        caller: &Caller,
        filter: GroupFilter,
        offset: Option<u32>,
        limit: Option<u32>,
    ) -> Result<Page<AdminGroup>, AppError> {
        self.do_admin_list_groups(caller, filter, offset, limit)
            .await
    }

    async fn get_group(
        &self,
        caller: &Caller,
        group_id: GroupId,
    ) -> Result<AdminGroupDetail, AppError> {
        self.do_admin_get_group(caller, group_id).await
    }

    async fn set_group_status(
        &self,
        caller: &Caller,
        group_id: GroupId,
        status: String,
    ) -> Result<AdminGroupDetail, AppError> {
        self.do_admin_set_group_status(caller, group_id, status)
            .await
    }

    async fn dissolve_group(
        &self,
        caller: &Caller,
        group_id: GroupId,
    ) -> Result<AdminGroupDetail, AppError> {
        self.do_admin_dissolve_group(caller, group_id).await
    }

    async fn transfer_group(
        &self,
        caller: &Caller,
        group_id: GroupId,
        user_id: UserId,
    ) -> Result<AdminGroupDetail, AppError> {
        self.do_admin_transfer_group(caller, group_id, user_id)
            .await
    }

    async fn list_messages(
        &self,
        caller: &Caller,
        filter: MessageFilter,
        limit: Option<u32>,
    ) -> Result<Vec<AdminMessage>, AppError> {
        self.do_admin_list_messages(caller, filter, limit).await
    }

    async fn delete_message(
        &self,
        caller: &Caller,
        message_id: MessageId,
        reason: String,
    ) -> Result<AdminMessage, AppError> {
        self.do_admin_delete_message(caller, message_id, reason)
            .await
    }

    async fn stats(&self, caller: &Caller, hours: Option<u32>) -> Result<DashboardStats, AppError> {
        self.do_admin_stats(caller, hours).await
    }

    async fn announce(&self, caller: &Caller, text: String) -> Result<Announced, AppError> {
        self.do_admin_announce(caller, text).await
    }
}
