//! Conversations and messages.

use leptos::prelude::*;

use super::codec::Json;

use crate::error::AppError;
use crate::ids::ConversationId;
use crate::model::{ConversationSummary, Message, MessageBody};

#[cfg(feature = "ssr")]
use super::Caller;

/// The server's implementation of the messages area.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait MessagesApi: Send + Sync {
    /// See [`list_conversations`].
    async fn list_conversations(
        &self,
        caller: &Caller,
    ) -> Result<Vec<ConversationSummary>, AppError>;
    /// See [`send_message`].
    async fn send_message(
        &self,
        caller: &Caller,
        conversation_id: ConversationId,
        client_msg_id: String,
        body: MessageBody,
    ) -> Result<Message, AppError>;
    /// See [`list_messages`].
    async fn list_messages(
        &self,
        caller: &Caller,
        conversation_id: ConversationId,
        before_seq: Option<i64>,
        limit: Option<u32>,
    ) -> Result<Vec<Message>, AppError>;
    /// See [`set_conversation_flags`].
    async fn set_conversation_flags(
        &self,
        caller: &Caller,
        conversation_id: ConversationId,
        pinned: bool,
        muted: bool,
    ) -> Result<(), AppError>;
    /// See [`mark_read`].
    async fn mark_read(
        &self,
        caller: &Caller,
        conversation_id: ConversationId,
        seq: i64,
    ) -> Result<(), AppError>;
}

/// The caller's conversations: pinned first, then by last activity, with the last message and
/// the unread count.
#[server(endpoint = "list_conversations", input = Json, output = Json)]
pub async fn list_conversations() -> Result<Vec<ConversationSummary>, AppError> {
    let (ports, caller) = super::request()?;
    ports.messages.list_conversations(&caller).await
}

/// Sends a message. The sender is the caller; `client_msg_id` (1–64 visible ASCII characters,
/// unique per sender) makes a retry return the stored message instead of a duplicate.
/// Errors: `forbidden` (not a member, no `speak` right, or the friendship ended), `validation`.
#[server(endpoint = "send_message", input = Json, output = Json)]
pub async fn send_message(
    conversation_id: ConversationId,
    client_msg_id: String,
    body: MessageBody,
) -> Result<Message, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .messages
        .send_message(&caller, conversation_id, client_msg_id, body)
        .await
}

/// A page of history, oldest first: the `limit` (default 50, at most 100) messages before
/// `before_seq` (the newest when `null`). Errors: `forbidden` (not a member).
#[server(endpoint = "list_messages", input = Json, output = Json)]
pub async fn list_messages(
    conversation_id: ConversationId,
    before_seq: Option<i64>,
    limit: Option<u32>,
) -> Result<Vec<Message>, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .messages
        .list_messages(&caller, conversation_id, before_seq, limit)
        .await
}

/// Sets the caller's own flags on a conversation: pinned to the top of the list, and muted
/// (no notification sound or badge count for it). Errors: `forbidden` (not a member).
#[server(endpoint = "set_conversation_flags", input = Json, output = Json)]
pub async fn set_conversation_flags(
    conversation_id: ConversationId,
    pinned: bool,
    muted: bool,
) -> Result<(), AppError> {
    let (ports, caller) = super::request()?;
    ports
        .messages
        .set_conversation_flags(&caller, conversation_id, pinned, muted)
        .await
}

/// Marks the conversation read up to `seq` (never moves backwards; capped at the newest seq).
#[server(endpoint = "mark_read", input = Json, output = Json)]
pub async fn mark_read(conversation_id: ConversationId, seq: i64) -> Result<(), AppError> {
    let (ports, caller) = super::request()?;
    ports
        .messages
        .mark_read(&caller, conversation_id, seq)
        .await
}
