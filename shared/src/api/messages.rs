//! Conversations and messages.

use leptos::prelude::*;

use super::codec::Json;

use crate::error::AppError;
use crate::ids::{ConversationId, MessageId};
use crate::model::{
    ConversationSummary, Mention, Message, MessageBody, MessageReaders, ReadReceipts, SearchHit,
};

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
        reply_to: Option<MessageId>,
        mentions: Vec<Mention>,
    ) -> Result<Message, AppError>;
    /// See [`get_read_receipts`].
    async fn get_read_receipts(
        &self,
        caller: &Caller,
        conversation_id: ConversationId,
    ) -> Result<ReadReceipts, AppError>;
    /// See [`list_message_readers`].
    async fn list_message_readers(
        &self,
        caller: &Caller,
        message_id: MessageId,
    ) -> Result<MessageReaders, AppError>;
    /// See [`search_messages`].
    async fn search_messages(
        &self,
        caller: &Caller,
        query: String,
        conversation_id: Option<ConversationId>,
        before_id: Option<MessageId>,
        limit: Option<u32>,
    ) -> Result<Vec<SearchHit>, AppError>;
    /// See [`set_typing`].
    async fn set_typing(
        &self,
        caller: &Caller,
        conversation_id: ConversationId,
    ) -> Result<(), AppError>;
    /// See [`list_messages`].
    async fn list_messages(
        &self,
        caller: &Caller,
        conversation_id: ConversationId,
        before_seq: Option<i64>,
        limit: Option<u32>,
    ) -> Result<Vec<Message>, AppError>;
    /// See [`list_messages_around`].
    async fn list_messages_around(
        &self,
        caller: &Caller,
        conversation_id: ConversationId,
        seq: i64,
        limit: Option<u32>,
    ) -> Result<Vec<Message>, AppError>;
    /// See [`recall_message`].
    async fn recall_message(
        &self,
        caller: &Caller,
        message_id: MessageId,
    ) -> Result<Message, AppError>;
    /// See [`edit_message`].
    async fn edit_message(
        &self,
        caller: &Caller,
        message_id: MessageId,
        text: String,
    ) -> Result<Message, AppError>;
    /// See [`delete_message_for_me`].
    async fn delete_message_for_me(
        &self,
        caller: &Caller,
        message_id: MessageId,
    ) -> Result<(), AppError>;
    /// See [`forward_messages`].
    async fn forward_messages(
        &self,
        caller: &Caller,
        message_ids: Vec<MessageId>,
        conversation_ids: Vec<ConversationId>,
        merged: bool,
    ) -> Result<Vec<Message>, AppError>;
    /// See [`react_message`].
    async fn react_message(
        &self,
        caller: &Caller,
        message_id: MessageId,
        emoji: String,
        on: bool,
    ) -> Result<Message, AppError>;
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
/// `reply_to` (optional) quotes a message of the same conversation; only a text may reply.
/// `mentions` (optional, at most 20) mark `@name` ranges of a text in a group: members, or
/// everyone (`user_id` `null`, owners and admins only).
/// Errors: `forbidden` (not a member, no `speak` right, the friendship ended, `@all` by a
/// member), `validation` (`reply_to` names no message of this conversation; a mention out of
/// the text or of someone not in the group), `muted`.
#[server(endpoint = "send_message", input = Json, output = Json)]
pub async fn send_message(
    conversation_id: ConversationId,
    client_msg_id: String,
    body: MessageBody,
    #[server(default)] reply_to: Option<MessageId>,
    #[server(default)] mentions: Vec<Mention>,
) -> Result<Message, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .messages
        .send_message(
            &caller,
            conversation_id,
            client_msg_id,
            body,
            reply_to,
            mentions,
        )
        .await
}

/// The read cursors of the conversation's other members (ascending), from which the apps
/// show "Read" or "N unread" under the caller's messages. Empty in a group of more than 500.
/// Errors: `forbidden` (not a member).
#[server(endpoint = "get_read_receipts", input = Json, output = Json)]
pub async fn get_read_receipts(conversation_id: ConversationId) -> Result<ReadReceipts, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .messages
        .get_read_receipts(&caller, conversation_id)
        .await
}

/// Who has and has not read one of the caller's own messages. Errors: `not_found` (no such
/// message, or not a member), `forbidden` (someone else's message).
#[server(endpoint = "list_message_readers", input = Json, output = Json)]
pub async fn list_message_readers(message_id: MessageId) -> Result<MessageReaders, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .messages
        .list_message_readers(&caller, message_id)
        .await
}

/// Tells the other side of a direct chat that the caller is typing (the apps call it at most
/// every few seconds while the user types; more often is ignored). Errors: `forbidden` (not a
/// member, or a group: groups show no typing).
#[server(endpoint = "set_typing", input = Json, output = Json)]
pub async fn set_typing(conversation_id: ConversationId) -> Result<(), AppError> {
    let (ports, caller) = super::request()?;
    ports.messages.set_typing(&caller, conversation_id).await
}

/// The history around one message, oldest first: up to `limit` (default 50, at most 100)
/// messages centred on `seq` (where a reply's quote jumps to). Errors: `forbidden`.
#[server(endpoint = "list_messages_around", input = Json, output = Json)]
pub async fn list_messages_around(
    conversation_id: ConversationId,
    seq: i64,
    limit: Option<u32>,
) -> Result<Vec<Message>, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .messages
        .list_messages_around(&caller, conversation_id, seq, limit)
        .await
}

/// Recalls a message for everyone: its sender within the recall window (2 minutes by
/// default), a group's owner or admins any member's message at any time. The content is
/// removed from the database and its media is no longer fetchable through this conversation;
/// every member receives `message_changed` with a `recalled` body. Errors: `not_found`,
/// `forbidden`, `too_late`.
#[server(endpoint = "recall_message", input = Json, output = Json)]
pub async fn recall_message(message_id: MessageId) -> Result<Message, AppError> {
    let (ports, caller) = super::request()?;
    ports.messages.recall_message(&caller, message_id).await
}

/// Replaces the text of the caller's own text message, within 24 hours of sending; the message
/// shows "Edited". Errors: `not_found`, `forbidden`, `too_late`, `validation`.
#[server(endpoint = "edit_message", input = Json, output = Json)]
pub async fn edit_message(message_id: MessageId, text: String) -> Result<Message, AppError> {
    let (ports, caller) = super::request()?;
    ports.messages.edit_message(&caller, message_id, text).await
}

/// Hides a message from the caller's history on all their devices (others still see it).
/// Errors: `not_found`.
#[server(endpoint = "delete_message_for_me", input = Json, output = Json)]
pub async fn delete_message_for_me(message_id: MessageId) -> Result<(), AppError> {
    let (ports, caller) = super::request()?;
    ports
        .messages
        .delete_message_for_me(&caller, message_id)
        .await
}

/// Forwards messages the caller can see to up to 9 conversations, one by one (at most 30) or
/// `merged` (at most 100) into a single "chat history" message. Media is shared, not copied.
/// Returns the new messages. Errors: `not_found` (a message the caller cannot see),
/// `forbidden`/`muted` (a conversation the caller may not post to), `validation`, `too_large`.
#[server(endpoint = "forward_messages", input = Json, output = Json)]
pub async fn forward_messages(
    message_ids: Vec<MessageId>,
    conversation_ids: Vec<ConversationId>,
    #[server(default)] merged: bool,
) -> Result<Vec<Message>, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .messages
        .forward_messages(&caller, message_ids, conversation_ids, merged)
        .await
}

/// Adds (`on`) or removes the caller's reaction `emoji` (one of `REACTIONS`) to a message;
/// every member receives `message_changed`. Errors: `not_found`, `validation`.
#[server(endpoint = "react_message", input = Json, output = Json)]
pub async fn react_message(
    message_id: MessageId,
    emoji: String,
    on: bool,
) -> Result<Message, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .messages
        .react_message(&caller, message_id, emoji, on)
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

/// Messages matching every word of `query` (1–100 characters; Chinese matches by characters,
/// so one character finds too), newest first, only in the caller's conversations (one of them
/// when `conversation_id` is given) and never those they deleted for themselves or recalled.
/// Pages with `before_id` (the last id of the previous page); `limit` defaults to 20, at most
/// 50. Errors: `validation`, `forbidden` (`conversation_id` of a conversation the caller is not
/// in), `rate_limited`.
#[server(endpoint = "search_messages", input = Json, output = Json)]
pub async fn search_messages(
    query: String,
    #[server(default)] conversation_id: Option<ConversationId>,
    #[server(default)] before_id: Option<MessageId>,
    #[server(default)] limit: Option<u32>,
) -> Result<Vec<SearchHit>, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .messages
        .search_messages(&caller, query, conversation_id, before_id, limit)
        .await
}
