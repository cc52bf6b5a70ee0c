//! Bots: users of kind `bot` that programs drive with a token.

use serde::{Deserialize, Serialize};

use crate::ids::{ConversationId, UserId};

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
