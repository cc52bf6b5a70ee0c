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
