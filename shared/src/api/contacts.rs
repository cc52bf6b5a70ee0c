//! Contacts: finding people, friend requests, friends, remarks and blocks.

use leptos::prelude::*;

use super::codec::Json;

use crate::error::AppError;
use crate::ids::{FriendRequestId, UserId};
use crate::model::{Friend, FriendRequest, Presence, UserCard};

#[cfg(feature = "ssr")]
use super::Caller;

/// Most results `search_users` returns.
pub const SEARCH_LIMIT: usize = 20;

/// The server's implementation of the contacts area.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait ContactsApi: Send + Sync {
    /// See [`get_presence`].
    async fn get_presence(
        &self,
        caller: &Caller,
        user_ids: Vec<UserId>,
    ) -> Result<Vec<Presence>, AppError>;
    /// See [`search_users`].
    async fn search_users(&self, caller: &Caller, query: String)
    -> Result<Vec<UserCard>, AppError>;
    /// See [`send_friend_request`].
    async fn send_friend_request(
        &self,
        caller: &Caller,
        user_id: UserId,
        note: String,
    ) -> Result<FriendRequest, AppError>;
    /// See [`list_friend_requests`].
    async fn list_friend_requests(&self, caller: &Caller) -> Result<Vec<FriendRequest>, AppError>;
    /// See [`respond_friend_request`].
    async fn respond_friend_request(
        &self,
        caller: &Caller,
        request_id: FriendRequestId,
        accept: bool,
    ) -> Result<FriendRequest, AppError>;
    /// See [`list_friends`].
    async fn list_friends(&self, caller: &Caller) -> Result<Vec<Friend>, AppError>;
    /// See [`remove_friend`].
    async fn remove_friend(&self, caller: &Caller, user_id: UserId) -> Result<(), AppError>;
    /// See [`set_remark`].
    async fn set_remark(
        &self,
        caller: &Caller,
        user_id: UserId,
        remark: String,
    ) -> Result<Friend, AppError>;
    /// See [`get_user`].
    async fn get_user(&self, caller: &Caller, user_id: UserId) -> Result<UserCard, AppError>;
    /// See [`list_blocked`].
    async fn list_blocked(&self, caller: &Caller) -> Result<Vec<UserCard>, AppError>;
    /// See [`block_user`].
    async fn block_user(&self, caller: &Caller, user_id: UserId) -> Result<(), AppError>;
    /// See [`unblock_user`].
    async fn unblock_user(&self, caller: &Caller, user_id: UserId) -> Result<(), AppError>;
}

/// Users whose username or nickname contains `query` (case-insensitive), at most 20, with
/// their relation to the caller. Errors: `validation` (empty query).
#[server(endpoint = "search_users", input = Json, output = Json)]
pub async fn search_users(query: String) -> Result<Vec<UserCard>, AppError> {
    let (ports, caller) = super::request()?;
    ports.contacts.search_users(&caller, query).await
}

/// Asks `user_id` to become a friend, with a note (≤ 100 characters). Needs the `add_friend`
/// right. If they had already asked the caller, this accepts their request instead.
/// Errors: `forbidden`, `cannot_add_self`, `already_friends`, `request_pending`, `blocked`,
/// `not_found`.
#[server(endpoint = "send_friend_request", input = Json, output = Json)]
pub async fn send_friend_request(user_id: UserId, note: String) -> Result<FriendRequest, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .contacts
        .send_friend_request(&caller, user_id, note)
        .await
}

/// The caller's friend requests, received and sent, newest first (the last 100).
#[server(endpoint = "list_friend_requests", input = Json, output = Json)]
pub async fn list_friend_requests() -> Result<Vec<FriendRequest>, AppError> {
    let (ports, caller) = super::request()?;
    ports.contacts.list_friend_requests(&caller).await
}

/// Accepts or declines a pending request sent to the caller. Accepting creates the friendship
/// and its conversation. Errors: `not_found` (no such pending request to the caller).
#[server(endpoint = "respond_friend_request", input = Json, output = Json)]
pub async fn respond_friend_request(
    request_id: FriendRequestId,
    accept: bool,
) -> Result<FriendRequest, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .contacts
        .respond_friend_request(&caller, request_id, accept)
        .await
}

/// The caller's friends, ordered by display name.
#[server(endpoint = "list_friends", input = Json, output = Json)]
pub async fn list_friends() -> Result<Vec<Friend>, AppError> {
    let (ports, caller) = super::request()?;
    ports.contacts.list_friends(&caller).await
}

/// Ends a friendship on both sides (their conversation's history is kept, but neither can post).
/// Errors: `not_found` (not a friend).
#[server(endpoint = "remove_friend", input = Json, output = Json)]
pub async fn remove_friend(user_id: UserId) -> Result<(), AppError> {
    let (ports, caller) = super::request()?;
    ports.contacts.remove_friend(&caller, user_id).await
}

/// Sets the caller's alias for a friend (≤ 32 characters; empty clears it).
#[server(endpoint = "set_remark", input = Json, output = Json)]
pub async fn set_remark(user_id: UserId, remark: String) -> Result<Friend, AppError> {
    let (ports, caller) = super::request()?;
    ports.contacts.set_remark(&caller, user_id, remark).await
}

/// One user's card, as a profile page shows it: the caller themself, friends, anyone with a
/// pending request either way or blocked by the caller, and anyone who shares a group chat with
/// the caller. Errors: `not_found` for everyone else (whether or not the id exists).
#[server(endpoint = "get_user", input = Json, output = Json)]
pub async fn get_user(user_id: UserId) -> Result<UserCard, AppError> {
    let (ports, caller) = super::request()?;
    ports.contacts.get_user(&caller, user_id).await
}

/// Blocks a user: any friendship ends, pending requests between the two are declined, and
/// neither can request the other while the block stands.
#[server(endpoint = "block_user", input = Json, output = Json)]
pub async fn block_user(user_id: UserId) -> Result<(), AppError> {
    let (ports, caller) = super::request()?;
    ports.contacts.block_user(&caller, user_id).await
}

/// The users the caller has blocked, most recently blocked first (at most [`BLOCKED_LIMIT`]).
#[server(endpoint = "list_blocked", input = Json, output = Json)]
pub async fn list_blocked() -> Result<Vec<UserCard>, AppError> {
    let (ports, caller) = super::request()?;
    ports.contacts.list_blocked(&caller).await
}

/// The most blocked users [`list_blocked`] returns.
pub const BLOCKED_LIMIT: usize = 1000;

/// Lifts a block.
#[server(endpoint = "unblock_user", input = Json, output = Json)]
pub async fn unblock_user(user_id: UserId) -> Result<(), AppError> {
    let (ports, caller) = super::request()?;
    ports.contacts.unblock_user(&caller, user_id).await
}

/// Whether these users (at most 50) are online, or when they were last seen: only those whose
/// setting lets the caller see it (others are left out). Apps ask for the people a screen shows,
/// every half minute, instead of receiving an event for every connection change.
/// Errors: `validation` (more than 50).
#[server(endpoint = "get_presence", input = Json, output = Json)]
pub async fn get_presence(user_ids: Vec<UserId>) -> Result<Vec<Presence>, AppError> {
    let (ports, caller) = super::request()?;
    ports.contacts.get_presence(&caller, user_ids).await
}
