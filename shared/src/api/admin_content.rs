//! The admin console's group and message functions. Every one requires the `admin` right,
//! checked on the server, and every change writes an audit entry.

use leptos::prelude::*;

use super::codec::Json;

use crate::error::AppError;
use crate::ids::{ConversationId, GroupId, MessageId, UserId};
use crate::model::{AdminGroup, AdminGroupDetail, AdminMessage, Announced, DashboardStats, Page};

#[cfg(feature = "ssr")]
use super::Caller;

/// What `admin_list_groups` filters on.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GroupFilter {
    /// Part of the group's name (≤ 64 characters).
    pub query: Option<String>,
    /// `active`, `muted`, `disabled` or `dissolved`.
    pub status: Option<String>,
}

/// What `admin_list_messages` filters on.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MessageFilter {
    /// One conversation.
    pub conversation_id: Option<ConversationId>,
    /// One sender.
    pub user_id: Option<UserId>,
    /// Words the text holds (Chinese, Japanese and Korean included, as the client's search).
    pub query: Option<String>,
    /// Messages older than this one (paging).
    pub before_id: Option<MessageId>,
}

/// The server's implementation of the console's group and message area.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait AdminContentApi: Send + Sync {
    /// See [`admin_list_groups`].
    async fn list_groups(
        &self,
        caller: &Caller,
        filter: GroupFilter,
        offset: Option<u32>,
        limit: Option<u32>,
    ) -> Result<Page<AdminGroup>, AppError>;
    /// See [`admin_get_group`].
    async fn get_group(
        &self,
        caller: &Caller,
        group_id: GroupId,
    ) -> Result<AdminGroupDetail, AppError>;
    /// See [`admin_set_group_status`].
    async fn set_group_status(
        &self,
        caller: &Caller,
        group_id: GroupId,
        status: String,
    ) -> Result<AdminGroupDetail, AppError>;
    /// See [`admin_dissolve_group`].
    async fn dissolve_group(
        &self,
        caller: &Caller,
        group_id: GroupId,
    ) -> Result<AdminGroupDetail, AppError>;
    /// See [`admin_transfer_group`].
    async fn transfer_group(
        &self,
        caller: &Caller,
        group_id: GroupId,
        user_id: UserId,
    ) -> Result<AdminGroupDetail, AppError>;
    /// See [`admin_list_messages`].
    async fn list_messages(
        &self,
        caller: &Caller,
        filter: MessageFilter,
        limit: Option<u32>,
    ) -> Result<Vec<AdminMessage>, AppError>;
    /// See [`admin_delete_message`].
    async fn delete_message(
        &self,
        caller: &Caller,
        message_id: MessageId,
        reason: String,
    ) -> Result<AdminMessage, AppError>;
    /// See [`admin_stats`].
    async fn stats(&self, caller: &Caller, hours: Option<u32>) -> Result<DashboardStats, AppError>;
    /// See [`admin_announce`].
    async fn announce(&self, caller: &Caller, text: String) -> Result<Announced, AppError>;
}

/// Groups whose name holds `query`, of one `status` (`active`, `muted`, `disabled`, or
/// `dissolved`), newest first; `offset` from 0, `limit` 1–100 (default 20).
/// Errors: `forbidden`, `validation`.
#[server(endpoint = "admin_list_groups", input = Json, output = Json)]
pub async fn admin_list_groups(
    #[server(default)] query: Option<String>,
    #[server(default)] status: Option<String>,
    #[server(default)] offset: Option<u32>,
    #[server(default)] limit: Option<u32>,
) -> Result<Page<AdminGroup>, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .admin_content
        .list_groups(&caller, GroupFilter { query, status }, offset, limit)
        .await
}

/// One group: its row, introduction, notice, members with their roles, and how many messages
/// it holds. Errors: `forbidden`, `not_found`.
#[server(endpoint = "admin_get_group", input = Json, output = Json)]
pub async fn admin_get_group(group_id: GroupId) -> Result<AdminGroupDetail, AppError> {
    let (ports, caller) = super::request()?;
    ports.admin_content.get_group(&caller, group_id).await
}

/// Puts a hold on a group or lifts it: `active` (none), `muted` (nobody may post) or
/// `disabled` (read-only, hidden from search and the directory, invite links dead). Members
/// see a banner and a notice. Errors: `forbidden`, `not_found`, `validation` (another value,
/// or a dissolved group).
#[server(endpoint = "admin_set_group_status", input = Json, output = Json)]
pub async fn admin_set_group_status(
    group_id: GroupId,
    status: String,
) -> Result<AdminGroupDetail, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .admin_content
        .set_group_status(&caller, group_id, status)
        .await
}

/// Dissolves a group as its owner could: history stays readable, nobody may post.
/// Errors: `forbidden`, `not_found`, `validation` (dissolved already).
#[server(endpoint = "admin_dissolve_group", input = Json, output = Json)]
pub async fn admin_dissolve_group(group_id: GroupId) -> Result<AdminGroupDetail, AppError> {
    let (ports, caller) = super::request()?;
    ports.admin_content.dissolve_group(&caller, group_id).await
}

/// Makes member `user_id` the group's owner (the old owner stays as an admin).
/// Errors: `forbidden`, `not_found` (no such group, or not a member), `validation` (the owner
/// already, or a dissolved group).
#[server(endpoint = "admin_transfer_group", input = Json, output = Json)]
pub async fn admin_transfer_group(
    group_id: GroupId,
    user_id: UserId,
) -> Result<AdminGroupDetail, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .admin_content
        .transfer_group(&caller, group_id, user_id)
        .await
}

/// Messages of any conversation, newest first: of one `conversation_id`, of one sender
/// `user_id`, holding the words of `query` (≤ 64 characters), older than `before_id`; `limit`
/// 1–200 (default 50). `query` goes through the same word index as the client's search.
/// Errors: `forbidden`, `validation`.
#[server(endpoint = "admin_list_messages", input = Json, output = Json)]
pub async fn admin_list_messages(
    #[server(default)] conversation_id: Option<ConversationId>,
    #[server(default)] user_id: Option<UserId>,
    #[server(default)] query: Option<String>,
    #[server(default)] before_id: Option<MessageId>,
    #[server(default)] limit: Option<u32>,
) -> Result<Vec<AdminMessage>, AppError> {
    let (ports, caller) = super::request()?;
    let filter = MessageFilter {
        conversation_id,
        user_id,
        query,
        before_id,
    };
    ports
        .admin_content
        .list_messages(&caller, filter, limit)
        .await
}

/// Removes a message's content for everyone; members see "removed by an administrator".
/// `reason` (≤ 200 characters) goes to the audit log. Errors: `forbidden`, `not_found`,
/// `validation` (a notice, or removed already).
#[server(endpoint = "admin_delete_message", input = Json, output = Json)]
pub async fn admin_delete_message(
    message_id: MessageId,
    #[server(default)] reason: String,
) -> Result<AdminMessage, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .admin_content
        .delete_message(&caller, message_id, reason)
        .await
}

/// The dashboard: totals (users, groups, messages, upload bytes, database size), who is online
/// and how many connections are open now, and per-hour messages, per-day sign-ups and per-day
/// active senders over the last `hours` (1–720, default 48). Errors: `forbidden`, `validation`.
#[server(endpoint = "admin_stats", input = Json, output = Json)]
pub async fn admin_stats(
    #[server(default)] hours: Option<u32>,
) -> Result<DashboardStats, AppError> {
    let (ports, caller) = super::request()?;
    ports.admin_content.stats(&caller, hours).await
}

/// Sends `text` (1–2,000 characters) to every person (bots and webhooks are left out), in their
/// "Parley" system chat.
/// Errors: `forbidden`, `validation`.
#[server(endpoint = "admin_announce", input = Json, output = Json)]
pub async fn admin_announce(text: String) -> Result<Announced, AppError> {
    let (ports, caller) = super::request()?;
    ports.admin_content.announce(&caller, text).await
}
