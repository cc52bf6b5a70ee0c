//! Bots: users of kind `bot` that programs drive with a token.

use serde::{Deserialize, Serialize};

use crate::ids::{ConversationId, MessageId, UserId};

/// Longest bot name (its nickname).
pub const BOT_NAME_MAX: usize = 32;
/// Longest bot description.
pub const BOT_DESCRIPTION_MAX: usize = 200;
/// Most bots one user may own.
pub const BOTS_PER_OWNER_MAX: usize = 20;

/// A bot as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bot {
    /// The bot's user id (`bot_id` in the API).
    pub bot_id: UserId,
    /// Its username (made by the server, `bot_…`).
    pub username: String,
    /// Its display name.
    pub name: String,
    /// What it does.
    pub description: String,
    /// Its avatar, if one was set.
    pub avatar_url: Option<String>,
    /// The owner's user id.
    pub owner_id: UserId,
    /// The owner's conversation with the bot.
    pub conversation_id: Option<ConversationId>,
    /// When it was made.
    pub created_at: i64,
    /// Where Parley posts the bot's events, if an outgoing webhook is set.
    #[serde(default)]
    pub webhook_url: Option<String>,
}

/// A bot and its secret token, shown once (on creation and on regeneration).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BotWithToken {
    /// The bot.
    #[serde(flatten)]
    pub bot: Bot,
    /// The token for `Authorization: Bearer <token>` on `/api/*` and `/ws`.
    pub token: String,
}

/// Incoming webhooks one group may have.
pub const WEBHOOKS_PER_GROUP_MAX: usize = 10;
/// Longest text one webhook call may post.
pub const WEBHOOK_BODY_MAX_BYTES: usize = 64 * 1024;

/// An incoming webhook: a secret URL that posts into a group as the hook's own bot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncomingWebhook {
    /// Its id.
    pub id: i64,
    /// The group's conversation it posts into.
    pub conversation_id: ConversationId,
    /// Its name (the bot's display name).
    pub name: String,
    /// The bot it posts as (a member of the group).
    pub bot_id: UserId,
    /// Who made it.
    pub created_by: Option<UserId>,
    /// Their username.
    pub created_by_name: String,
    /// When.
    pub created_at: i64,
    /// The secret URL to POST to (`<origin>/hooks/<token>`): only in the answer of
    /// `create_incoming_webhook`, `null` afterwards.
    pub url: Option<String>,
}

/// Longest outgoing webhook URL.
pub const WEBHOOK_URL_MAX: usize = 2048;
/// How long an event is retried before it is given up, in milliseconds (a day).
pub const WEBHOOK_RETRY_FOR_MS: i64 = 24 * 3600 * 1000;
/// Most deliveries one page of the delivery log holds.
pub const DELIVERY_PAGE_MAX: u32 = 100;

/// A bot's outgoing webhook, as `set_bot_webhook` answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BotWebhook {
    /// The bot.
    pub bot_id: UserId,
    /// Where events are posted.
    pub url: String,
    /// The key of each post's `X-Parley-Signature` (`sha256=` and the hex HMAC-SHA256 of the
    /// body with this key).
    pub secret: String,
}

/// Where one event stands in a bot's outgoing webhook queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Not yet accepted by the receiver: waiting for its first or next attempt.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Given up after a day of failures (or the webhook was removed).
    Failed,
}

impl DeliveryStatus {
    /// Its stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> DeliveryStatus {
        match s {
            "delivered" => DeliveryStatus::Delivered,
            "failed" => DeliveryStatus::Failed,
            _ => DeliveryStatus::Pending,
        }
    }
}

/// One event in a bot's delivery log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookDelivery {
    /// Its id in the log (for paging).
    pub id: i64,
    /// The `X-Parley-Delivery` header: the same on every attempt, for the receiver to drop
    /// repeats.
    pub delivery_id: String,
    /// The event's type (`message`).
    pub event: String,
    /// The conversation it happened in.
    pub conversation_id: Option<ConversationId>,
    /// The message it carries.
    pub message_id: Option<MessageId>,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts made so far.
    pub attempts: u32,
    /// The receiver's last HTTP status, if it answered.
    pub last_status_code: Option<u16>,
    /// Why the last attempt failed (timeout, refused connection, …).
    pub last_error: Option<String>,
    /// When the event was queued.
    pub created_at: i64,
    /// When the next attempt is due (pending only).
    pub next_attempt_at: Option<i64>,
    /// When it was delivered or given up.
    pub finished_at: Option<i64>,
}
