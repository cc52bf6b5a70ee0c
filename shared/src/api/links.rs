//! Links that bring people in: the caller's add-friend link and group invite links, each also
//! given as a QR code.

use leptos::prelude::*;

use super::codec::Json;

use crate::error::AppError;
use crate::ids::{GroupId, GroupInviteId};
use crate::model::{FriendLink, GroupInfo, GroupInvite, InvitePreview, UserCard};

#[cfg(feature = "ssr")]
use super::Caller;

/// The server's implementation of the links area.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait LinksApi: Send + Sync {
    /// See [`get_friend_link`].
    async fn get_friend_link(&self, caller: &Caller, reset: bool) -> Result<FriendLink, AppError>;
    /// See [`open_friend_link`].
    async fn open_friend_link(&self, caller: &Caller, code: String) -> Result<UserCard, AppError>;
    /// See [`create_group_invite`].
    async fn create_group_invite(
        &self,
        caller: &Caller,
        group_id: GroupId,
        expires_in_hours: Option<u32>,
        max_uses: Option<u32>,
    ) -> Result<GroupInvite, AppError>;
    /// See [`list_group_invites`].
    async fn list_group_invites(
        &self,
        caller: &Caller,
        group_id: GroupId,
    ) -> Result<Vec<GroupInvite>, AppError>;
    /// See [`revoke_group_invite`].
    async fn revoke_group_invite(
        &self,
        caller: &Caller,
        invite_id: GroupInviteId,
    ) -> Result<(), AppError>;
    /// See [`open_group_invite`].
    async fn open_group_invite(
        &self,
        caller: &Caller,
        code: String,
    ) -> Result<InvitePreview, AppError>;
    /// See [`join_group_by_invite`].
    async fn join_group_by_invite(
        &self,
        caller: &Caller,
        code: String,
    ) -> Result<GroupInfo, AppError>;
}

/// The caller's add-friend link and its QR code, made on first use. `reset: true` replaces it
/// with a new one, and the old link stops working.
#[server(endpoint = "get_friend_link", input = Json, output = Json)]
pub async fn get_friend_link(
    #[server(default)] reset: Option<bool>,
) -> Result<FriendLink, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .links
        .get_friend_link(&caller, reset.unwrap_or(false))
        .await
}

/// Whose add-friend link `code` is: their card, with their relation to the caller (then
/// `send_friend_request` asks them). Errors: `not_found` (unknown or reset link),
/// `rate_limited`.
#[server(endpoint = "open_friend_link", input = Json, output = Json)]
pub async fn open_friend_link(code: String) -> Result<UserCard, AppError> {
    let (ports, caller) = super::request()?;
    ports.links.open_friend_link(&caller, code).await
}

/// Makes an invite link for a group (its owner or an admin): valid for `expires_in_hours`
/// (1–720, default 168) and for `max_uses` joins (1–10,000; omitted: any number). A group
/// keeps at most 20 live links; making another revokes the oldest.
/// Errors: `forbidden` (not an owner or admin, or dissolved), `not_found`, `validation`.
#[server(endpoint = "create_group_invite", input = Json, output = Json)]
pub async fn create_group_invite(
    group_id: GroupId,
    #[server(default)] expires_in_hours: Option<u32>,
    #[server(default)] max_uses: Option<u32>,
) -> Result<GroupInvite, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .links
        .create_group_invite(&caller, group_id, expires_in_hours, max_uses)
        .await
}

/// A group's live invite links (not expired, revoked or used up), newest first; for its owner
/// and admins. Errors: `forbidden`, `not_found`.
#[server(endpoint = "list_group_invites", input = Json, output = Json)]
pub async fn list_group_invites(group_id: GroupId) -> Result<Vec<GroupInvite>, AppError> {
    let (ports, caller) = super::request()?;
    ports.links.list_group_invites(&caller, group_id).await
}

/// Revokes an invite link at once (the group's owner or an admin).
/// Errors: `forbidden`, `not_found`.
#[server(endpoint = "revoke_group_invite", input = Json, output = Json)]
pub async fn revoke_group_invite(invite_id: GroupInviteId) -> Result<(), AppError> {
    let (ports, caller) = super::request()?;
    ports.links.revoke_group_invite(&caller, invite_id).await
}

/// What invite link `code` leads to, for anyone signed in: the group's card, who shared it and
/// until when it works. Errors: `not_found`, `link_expired` (expired, revoked, used up or the
/// group dissolved), `rate_limited`.
#[server(endpoint = "open_group_invite", input = Json, output = Json)]
pub async fn open_group_invite(code: String) -> Result<InvitePreview, AppError> {
    let (ports, caller) = super::request()?;
    ports.links.open_group_invite(&caller, code).await
}

/// Joins the group of invite link `code` (no approval needed: whoever shared the link
/// vouched). A member already gets the group back without using the link up.
/// Errors: `not_found`, `link_expired`, `rate_limited`.
#[server(endpoint = "join_group_by_invite", input = Json, output = Json)]
pub async fn join_group_by_invite(code: String) -> Result<GroupInfo, AppError> {
    let (ports, caller) = super::request()?;
    ports.links.join_group_by_invite(&caller, code).await
}
