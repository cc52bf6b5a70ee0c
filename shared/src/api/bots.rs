//! Bots: users make them (right `create_bot`), and programs drive them with their token —
//! `Authorization: Bearer <token>` on the same `/api/*` functions and on `/ws`.

use leptos::prelude::*;

use super::codec::Json;

use crate::error::AppError;
use crate::ids::{ConversationId, UserId};
use crate::model::{Bot, BotWebhook, BotWithToken, IncomingWebhook, WebhookDelivery};

#[cfg(feature = "ssr")]
use super::Caller;

/// The server's implementation of bots.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait BotsApi: Send + Sync {
    /// See [`create_bot`].
    async fn create_bot(
        &self,
        caller: &Caller,
        name: String,
        description: String,
    ) -> Result<BotWithToken, AppError>;
    /// See [`list_bots`].
    async fn list_bots(&self, caller: &Caller) -> Result<Vec<Bot>, AppError>;
    /// See [`regenerate_bot_token`].
    async fn regenerate_bot_token(
        &self,
        caller: &Caller,
        bot_id: UserId,
    ) -> Result<BotWithToken, AppError>;
    /// See [`delete_bot`].
    async fn delete_bot(&self, caller: &Caller, bot_id: UserId) -> Result<(), AppError>;
    /// See [`open_bot_chat`].
    async fn open_bot_chat(
        &self,
        caller: &Caller,
        bot_id: UserId,
    ) -> Result<ConversationId, AppError>;
    /// See [`set_bot_webhook`].
    async fn set_bot_webhook(
        &self,
        caller: &Caller,
        bot_id: UserId,
        url: Option<String>,
    ) -> Result<Option<BotWebhook>, AppError>;
    /// See [`list_bot_webhook_deliveries`].
    async fn list_bot_webhook_deliveries(
        &self,
        caller: &Caller,
        bot_id: UserId,
        before_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<WebhookDelivery>, AppError>;
    /// See [`create_incoming_webhook`].
    async fn create_incoming_webhook(
        &self,
        caller: &Caller,
        conversation_id: ConversationId,
        name: String,
    ) -> Result<IncomingWebhook, AppError>;
    /// See [`list_incoming_webhooks`].
    async fn list_incoming_webhooks(
        &self,
        caller: &Caller,
        conversation_id: ConversationId,
    ) -> Result<Vec<IncomingWebhook>, AppError>;
    /// See [`delete_incoming_webhook`].
    async fn delete_incoming_webhook(
        &self,
        caller: &Caller,
        webhook_id: i64,
    ) -> Result<(), AppError>;
}

/// Creates a bot named `name` (1–32 characters) with a `description` (≤ 200): a user of kind
/// `bot` owned by the caller, in the caller's contacts (so it can be added to groups the caller
/// manages) with their 1:1 conversation open. Answers the bot with its token, shown this once.
/// At most 20 bots per owner. Errors: `unauthenticated`, `forbidden` (no `create_bot` right, or
/// the caller is a bot), `validation`.
#[server(endpoint = "create_bot", input = Json, output = Json)]
pub async fn create_bot(
    name: String,
    #[server(default)] description: String,
) -> Result<BotWithToken, AppError> {
    let (ports, caller) = super::request()?;
    ports.bots.create_bot(&caller, name, description).await
}

/// The caller's bots, oldest first. Errors: `unauthenticated`.
#[server(endpoint = "list_bots", input = Json, output = Json)]
pub async fn list_bots() -> Result<Vec<Bot>, AppError> {
    let (ports, caller) = super::request()?;
    ports.bots.list_bots(&caller).await
}

/// A new token for one of the caller's bots: the old one stops working at once (its sockets
/// close). Errors: `unauthenticated`, `not_found` (not the caller's bot).
#[server(endpoint = "regenerate_bot_token", input = Json, output = Json)]
pub async fn regenerate_bot_token(bot_id: UserId) -> Result<BotWithToken, AppError> {
    let (ports, caller) = super::request()?;
    ports.bots.regenerate_bot_token(&caller, bot_id).await
}

/// Deletes one of the caller's bots: its token stops working at once and it can no longer sign
/// in or be added anywhere; the messages it sent stay. Errors: `unauthenticated`, `not_found`.
#[server(endpoint = "delete_bot", input = Json, output = Json)]
pub async fn delete_bot(bot_id: UserId) -> Result<(), AppError> {
    let (ports, caller) = super::request()?;
    ports.bots.delete_bot(&caller, bot_id).await
}

/// Opens (or finds) the caller's 1:1 conversation with a bot — anyone may, without a friend
/// request; the bot joins the caller's contacts. Errors: `unauthenticated`, `not_found` (no
/// such bot), `blocked`, `validation` (a bot opening a chat with a bot).
#[server(endpoint = "open_bot_chat", input = Json, output = Json)]
pub async fn open_bot_chat(bot_id: UserId) -> Result<ConversationId, AppError> {
    let (ports, caller) = super::request()?;
    ports.bots.open_bot_chat(&caller, bot_id).await
}

/// Sets where Parley posts the events meant for one of the caller's bots (`url`, `http` or
/// `https`), or removes it (`null`: the events still queued are given up). Each new message in
/// the bot's conversations (not its own) is posted as JSON `{"type":"message","delivery_id",
/// "bot_id","timestamp","message"}` with the headers `X-Parley-Signature: sha256=<hex
/// HMAC-SHA256 of the body with the secret>`, `X-Parley-Delivery` and `X-Parley-Timestamp`;
/// a post that fails or takes over 10 s is retried with growing pauses for a day, in order,
/// across restarts. Answers the webhook with its secret (kept while the webhook stays set).
/// Addresses on loopback, private, link-local or cloud-metadata networks are refused unless
/// the operator allows them. Errors: `unauthenticated`, `not_found` (not the caller's bot),
/// `validation` (`url`).
#[server(endpoint = "set_bot_webhook", input = Json, output = Json)]
pub async fn set_bot_webhook(
    bot_id: UserId,
    url: Option<String>,
) -> Result<Option<BotWebhook>, AppError> {
    let (ports, caller) = super::request()?;
    ports.bots.set_bot_webhook(&caller, bot_id, url).await
}

/// The delivery log of one of the caller's bots, newest first: `limit` (1–100) entries older
/// than `before_id`. Errors: `unauthenticated`, `not_found`, `validation`.
#[server(endpoint = "list_bot_webhook_deliveries", input = Json, output = Json)]
pub async fn list_bot_webhook_deliveries(
    bot_id: UserId,
    #[server(default)] before_id: Option<i64>,
    #[server(default)] limit: Option<u32>,
) -> Result<Vec<WebhookDelivery>, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .bots
        .list_bot_webhook_deliveries(&caller, bot_id, before_id, limit.unwrap_or(50))
        .await
}

/// Creates an incoming webhook for a group the caller owns or manages, or for a direct chat
/// the caller is in (either of the two, while they are friends): a bot named `name` (1–32)
/// joins the conversation, and `POST {"text": "…"}` (or any `send_message` body needing no
/// upload, as `{"body": {…}}`) to the answer's secret `url` posts there as that bot. The URL is
/// shown this once. At most 10 per conversation. In a direct chat the bot posts while the two
/// are friends, is never taken for the friend, and is not waited for in read receipts. Errors:
/// `unauthenticated`, `forbidden` (not the group's owner or an admin), `not_found` (neither a
/// group nor a direct chat of the caller's), `validation`, `group_disabled`.
#[server(endpoint = "create_incoming_webhook", input = Json, output = Json)]
pub async fn create_incoming_webhook(
    conversation_id: ConversationId,
    name: String,
) -> Result<IncomingWebhook, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .bots
        .create_incoming_webhook(&caller, conversation_id, name)
        .await
}

/// The incoming webhooks of a group the caller owns or manages, or of a direct chat the caller
/// is in, oldest first (without their URLs). Errors: `unauthenticated`, `forbidden`, `not_found`.
#[server(endpoint = "list_incoming_webhooks", input = Json, output = Json)]
pub async fn list_incoming_webhooks(
    conversation_id: ConversationId,
) -> Result<Vec<IncomingWebhook>, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .bots
        .list_incoming_webhooks(&caller, conversation_id)
        .await
}

/// Deletes an incoming webhook of a group the caller owns or manages, or of a direct chat the
/// caller is in: its URL stops at once and its bot leaves (its messages stay). Errors: `unauthenticated`, `forbidden`,
/// `not_found`.
#[server(endpoint = "delete_incoming_webhook", input = Json, output = Json)]
pub async fn delete_incoming_webhook(webhook_id: i64) -> Result<(), AppError> {
    let (ports, caller) = super::request()?;
    ports
        .bots
        .delete_incoming_webhook(&caller, webhook_id)
        .await
}
