//! What the admin console's group and message functions take and return.

use serde::{Deserialize, Serialize};

use crate::ids::{ConversationId, GroupId, UserId};
use crate::model::{GroupMember, Message};

/// Longest reason an administrator gives for deleting a message, in characters.
pub const ADMIN_REASON_MAX: usize = 200;
/// Most messages one `admin_list_messages` page holds.
pub const ADMIN_MESSAGES_MAX: u32 = 200;
/// Messages a page holds when no limit is asked for.
pub const ADMIN_MESSAGES_DEFAULT: u32 = 50;
/// Furthest offset an admin listing may start at.
pub const ADMIN_OFFSET_MAX: u32 = 1_000_000;

/// An administrator's hold on a group (the seed system's group ban).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupStatus {
    /// No hold: the group works as its owner set it.
    #[default]
    Active,
    /// Nobody may post, its owner and admins included; everything else works.
    Muted,
    /// Read-only and hidden: nobody may post or change it, it is not found by search or in
    /// the directory, and its invite links stop working.
    Disabled,
}

impl GroupStatus {
    /// The stored and wire form.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupStatus::Active => "active",
            GroupStatus::Muted => "muted",
            GroupStatus::Disabled => "disabled",
        }
    }

    /// Parses the stored form (`None` for anything else).
    pub fn parse(s: &str) -> Option<GroupStatus> {
        match s {
            "active" => Some(GroupStatus::Active),
            "muted" => Some(GroupStatus::Muted),
            "disabled" => Some(GroupStatus::Disabled),
            _ => None,
        }
    }

    /// Whether members may post (the group's own mutes still apply).
    pub fn allows_posting(self) -> bool {
        self == GroupStatus::Active
    }
}

/// A group as the console's table lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminGroup {
    /// The group.
    pub id: GroupId,
    /// Its conversation (for `admin_list_messages`).
    pub conversation_id: ConversationId,
    /// Its name.
    pub name: String,
    /// The avatar's thumbnail URL (`null`: none).
    #[serde(default)]
    pub avatar_url: Option<String>,
    /// The owner.
    pub owner_id: UserId,
    /// The owner's username.
    pub owner_name: String,
    /// How many members it has.
    pub member_count: u64,
    /// The administrator's hold.
    pub status: GroupStatus,
    /// Dissolved by its owner or an administrator.
    pub dissolved: bool,
    /// Listed in the public directory.
    pub listed: bool,
    /// When it was created.
    pub created_at: i64,
    /// When its last message was sent.
    #[serde(default)]
    pub last_message_at: Option<i64>,
}

/// Everything the console shows about one group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminGroupDetail {
    /// The table's row.
    pub group: AdminGroup,
    /// Its introduction.
    pub introduction: String,
    /// Its pinned notice.
    pub notice: String,
    /// Its owner muted everyone but the owner and admins.
    pub muted_all: bool,
    /// How many messages it holds.
    pub message_count: u64,
    /// The members: owner first, then admins, then by join time.
    pub members: Vec<GroupMember>,
}

/// A message as the console's message browser lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminMessage {
    /// The message as members see it.
    pub message: Message,
    /// `direct` or `group`.
    pub conversation_kind: String,
    /// The group's name, or the two people's usernames for a direct chat.
    pub conversation_title: String,
    /// The sender's username (empty for notices).
    pub sender_name: String,
}

/// Longest announcement, in characters.
pub const ANNOUNCEMENT_MAX: usize = 2000;
/// Longest window `admin_stats` covers, in hours (30 days).
pub const STATS_HOURS_MAX: u32 = 720;

/// One point of a time series: the bucket's start (epoch ms, UTC) and its count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesPoint {
    /// Start of the hour or day.
    pub at: i64,
    /// How many.
    pub count: u64,
}

/// The dashboard's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardStats {
    /// People's accounts (bots, the assistant and webhooks not counted).
    pub users: u64,
    /// Groups that are not dissolved.
    pub groups: u64,
    /// Messages stored.
    pub messages: u64,
    /// Bytes of uploaded files.
    pub media_bytes: u64,
    /// Bytes the database takes (`null` when the database does not say).
    #[serde(default)]
    pub database_bytes: Option<u64>,
    /// Users connected now, on any node.
    pub online_users: u64,
    /// Open connections on the node that answered.
    pub connections: u64,
    /// The window of the series, in hours.
    pub hours: u32,
    /// Messages per hour over the window, oldest first, every hour present.
    pub messages_per_hour: Vec<SeriesPoint>,
    /// People's accounts created per UTC day over the window, oldest first.
    pub new_users_per_day: Vec<SeriesPoint>,
    /// People who sent at least one message, per UTC day over the window, oldest first.
    pub active_users_per_day: Vec<SeriesPoint>,
    /// When the figures were taken.
    pub generated_at: i64,
}

/// What `admin_announce` answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Announced {
    /// How many users received it.
    pub recipients: u64,
}
