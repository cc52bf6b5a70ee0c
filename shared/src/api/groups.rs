//! Group chats: creation, membership, join requests, moderation.

use leptos::prelude::*;

use super::codec::Json;

use crate::error::AppError;
use crate::ids::{GroupId, GroupRequestId, UserId};
use crate::model::{GroupCard, GroupInfo, GroupRequest};

#[cfg(feature = "ssr")]
use super::Caller;

/// The server's implementation of the groups area.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait GroupsApi: Send + Sync {
    /// See [`list_group_directory`].
    async fn list_group_directory(
        &self,
        caller: &Caller,
        offset: Option<u32>,
    ) -> Result<Vec<GroupCard>, AppError>;
    /// See [`set_group_listed`].
    async fn set_group_listed(
        &self,
        caller: &Caller,
        group_id: GroupId,
        listed: bool,
    ) -> Result<GroupInfo, AppError>;
    /// See [`set_group_nickname`].
    async fn set_group_nickname(
        &self,
        caller: &Caller,
        group_id: GroupId,
        nickname: String,
    ) -> Result<GroupInfo, AppError>;
    /// See [`create_group`].
    async fn create_group(
        &self,
        caller: &Caller,
        name: String,
        introduction: Option<String>,
        member_ids: Vec<UserId>,
    ) -> Result<GroupInfo, AppError>;
    /// See [`get_group`].
    async fn get_group(&self, caller: &Caller, group_id: GroupId) -> Result<GroupInfo, AppError>;
    /// See [`search_groups`].
    async fn search_groups(
        &self,
        caller: &Caller,
        query: String,
    ) -> Result<Vec<GroupCard>, AppError>;
    /// See [`invite_to_group`].
    async fn invite_to_group(
        &self,
        caller: &Caller,
        group_id: GroupId,
        user_ids: Vec<UserId>,
    ) -> Result<GroupInfo, AppError>;
    /// See [`request_join_group`].
    async fn request_join_group(
        &self,
        caller: &Caller,
        group_id: GroupId,
        note: String,
    ) -> Result<GroupRequest, AppError>;
    /// See [`list_group_requests`].
    async fn list_group_requests(
        &self,
        caller: &Caller,
        group_id: GroupId,
    ) -> Result<Vec<GroupRequest>, AppError>;
    /// See [`list_pending_group_requests`].
    async fn list_pending_group_requests(
        &self,
        caller: &Caller,
    ) -> Result<Vec<GroupRequest>, AppError>;
    /// See [`respond_group_request`].
    async fn respond_group_request(
        &self,
        caller: &Caller,
        request_id: GroupRequestId,
        accept: bool,
    ) -> Result<GroupRequest, AppError>;
    /// See [`remove_group_member`].
    async fn remove_group_member(
        &self,
        caller: &Caller,
        group_id: GroupId,
        user_id: UserId,
    ) -> Result<GroupInfo, AppError>;
    /// See [`mute_group_member`].
    async fn mute_group_member(
        &self,
        caller: &Caller,
        group_id: GroupId,
        user_id: UserId,
        minutes: u32,
    ) -> Result<GroupInfo, AppError>;
    /// See [`set_group_muted`].
    async fn set_group_muted(
        &self,
        caller: &Caller,
        group_id: GroupId,
        muted: bool,
    ) -> Result<GroupInfo, AppError>;
    /// See [`update_group`].
    async fn update_group(
        &self,
        caller: &Caller,
        group_id: GroupId,
        name: String,
        introduction: String,
        notice: String,
    ) -> Result<GroupInfo, AppError>;
    /// See [`set_group_admin`].
    async fn set_group_admin(
        &self,
        caller: &Caller,
        group_id: GroupId,
        user_id: UserId,
        admin: bool,
    ) -> Result<GroupInfo, AppError>;
    /// See [`transfer_group`].
    async fn transfer_group(
        &self,
        caller: &Caller,
        group_id: GroupId,
        user_id: UserId,
    ) -> Result<GroupInfo, AppError>;
    /// See [`dissolve_group`].
    async fn dissolve_group(
        &self,
        caller: &Caller,
        group_id: GroupId,
    ) -> Result<GroupInfo, AppError>;
    /// See [`leave_group`].
    async fn leave_group(&self, caller: &Caller, group_id: GroupId) -> Result<(), AppError>;
}

/// Creates a group owned by the caller, with an optional introduction (≤ 200), with the given friends as members (needs the `create_group` right). Errors: `forbidden`, `validation`, `not_found` (a member is not the caller's friend).
#[server(endpoint = "create_group", input = Json, output = Json)]
pub async fn create_group(
    name: String,
    introduction: Option<String>,
    member_ids: Vec<UserId>,
) -> Result<GroupInfo, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .groups
        .create_group(&caller, name, introduction, member_ids)
        .await
}

/// A group with its members. Members only: `forbidden` otherwise.
#[server(endpoint = "get_group", input = Json, output = Json)]
pub async fn get_group(group_id: GroupId) -> Result<GroupInfo, AppError> {
    let (ports, caller) = super::request()?;
    ports.groups.get_group(&caller, group_id).await
}

/// Groups whose name contains `query` (at most 20; dissolved groups excluded).
#[server(endpoint = "search_groups", input = Json, output = Json)]
pub async fn search_groups(query: String) -> Result<Vec<GroupCard>, AppError> {
    let (ports, caller) = super::request()?;
    ports.groups.search_groups(&caller, query).await
}

/// Owner or admins add friends of theirs to the group. Errors: `forbidden`, `not_found` (not a friend).
#[server(endpoint = "invite_to_group", input = Json, output = Json)]
pub async fn invite_to_group(
    group_id: GroupId,
    user_ids: Vec<UserId>,
) -> Result<GroupInfo, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .groups
        .invite_to_group(&caller, group_id, user_ids)
        .await
}

/// Asks to join a group with a note (≤ 100). Errors: `already_member`, `request_pending`, `not_found`.
#[server(endpoint = "request_join_group", input = Json, output = Json)]
pub async fn request_join_group(group_id: GroupId, note: String) -> Result<GroupRequest, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .groups
        .request_join_group(&caller, group_id, note)
        .await
}

/// A group's join requests, pending first (owner and admins only).
#[server(endpoint = "list_group_requests", input = Json, output = Json)]
pub async fn list_group_requests(group_id: GroupId) -> Result<Vec<GroupRequest>, AppError> {
    let (ports, caller) = super::request()?;
    ports.groups.list_group_requests(&caller, group_id).await
}

/// Pending join requests of every live group the caller owns or administers, newest first
/// (at most 100): what the owner and admins still have to answer.
#[server(endpoint = "list_pending_group_requests", input = Json, output = Json)]
pub async fn list_pending_group_requests() -> Result<Vec<GroupRequest>, AppError> {
    let (ports, caller) = super::request()?;
    ports.groups.list_pending_group_requests(&caller).await
}

/// Owner or admins approve or decline a pending join request. Errors: `forbidden`, `not_found`.
#[server(endpoint = "respond_group_request", input = Json, output = Json)]
pub async fn respond_group_request(
    request_id: GroupRequestId,
    accept: bool,
) -> Result<GroupRequest, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .groups
        .respond_group_request(&caller, request_id, accept)
        .await
}

/// Removes a member (owner: anyone; admins: plain members). Errors: `forbidden`, `not_found`.
#[server(endpoint = "remove_group_member", input = Json, output = Json)]
pub async fn remove_group_member(
    group_id: GroupId,
    user_id: UserId,
) -> Result<GroupInfo, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .groups
        .remove_group_member(&caller, group_id, user_id)
        .await
}

/// Mutes a member for `minutes` (1–43200; 0 lifts the mute). Same powers as removing.
#[server(endpoint = "mute_group_member", input = Json, output = Json)]
pub async fn mute_group_member(
    group_id: GroupId,
    user_id: UserId,
    minutes: u32,
) -> Result<GroupInfo, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .groups
        .mute_group_member(&caller, group_id, user_id, minutes)
        .await
}

/// Mutes or unmutes the whole group (owner and admins still speak).
#[server(endpoint = "set_group_muted", input = Json, output = Json)]
pub async fn set_group_muted(group_id: GroupId, muted: bool) -> Result<GroupInfo, AppError> {
    let (ports, caller) = super::request()?;
    ports.groups.set_group_muted(&caller, group_id, muted).await
}

/// Owner or admins set name (1–32), introduction (≤ 200) and notice (≤ 500).
#[server(endpoint = "update_group", input = Json, output = Json)]
pub async fn update_group(
    group_id: GroupId,
    name: String,
    introduction: String,
    notice: String,
) -> Result<GroupInfo, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .groups
        .update_group(&caller, group_id, name, introduction, notice)
        .await
}

/// The owner makes a member an admin or a plain member again.
#[server(endpoint = "set_group_admin", input = Json, output = Json)]
pub async fn set_group_admin(
    group_id: GroupId,
    user_id: UserId,
    admin: bool,
) -> Result<GroupInfo, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .groups
        .set_group_admin(&caller, group_id, user_id, admin)
        .await
}

/// The owner hands the group to another member and becomes an admin.
#[server(endpoint = "transfer_group", input = Json, output = Json)]
pub async fn transfer_group(group_id: GroupId, user_id: UserId) -> Result<GroupInfo, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .groups
        .transfer_group(&caller, group_id, user_id)
        .await
}

/// The owner dissolves the group: history stays readable, nobody can post.
#[server(endpoint = "dissolve_group", input = Json, output = Json)]
pub async fn dissolve_group(group_id: GroupId) -> Result<GroupInfo, AppError> {
    let (ports, caller) = super::request()?;
    ports.groups.dissolve_group(&caller, group_id).await
}

/// Leaves a group (the owner must transfer it or dissolve it first: `forbidden`).
#[server(endpoint = "leave_group", input = Json, output = Json)]
pub async fn leave_group(group_id: GroupId) -> Result<(), AppError> {
    let (ports, caller) = super::request()?;
    ports.groups.leave_group(&caller, group_id).await
}

/// Most groups one page of the directory holds.
pub const DIRECTORY_PAGE: u32 = 50;

/// The public group directory: groups their owners listed, the largest first, a page of 50
/// from `offset` (default 0, at most 10,000). Anyone signed in may ask to join them.
/// Errors: `validation` (`offset` too large).
#[server(endpoint = "list_group_directory", input = Json, output = Json)]
pub async fn list_group_directory(
    #[server(default)] offset: Option<u32>,
) -> Result<Vec<GroupCard>, AppError> {
    let (ports, caller) = super::request()?;
    ports.groups.list_group_directory(&caller, offset).await
}

/// Lists the group in the public directory, or takes it out (the owner only).
/// Errors: `forbidden` (not the owner, or dissolved), `not_found`.
#[server(endpoint = "set_group_listed", input = Json, output = Json)]
pub async fn set_group_listed(group_id: GroupId, listed: bool) -> Result<GroupInfo, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .groups
        .set_group_listed(&caller, group_id, listed)
        .await
}

/// Sets the name the caller goes by in this group (≤ 32 characters, one line; empty clears it).
/// Members see it instead of the caller's nickname, unless they gave the caller a remark.
/// Errors: `validation`, `forbidden` (not a member), `not_found`.
#[server(endpoint = "set_group_nickname", input = Json, output = Json)]
pub async fn set_group_nickname(
    group_id: GroupId,
    nickname: String,
) -> Result<GroupInfo, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .groups
        .set_group_nickname(&caller, group_id, nickname)
        .await
}
