//! Group chats.

use serde::{Deserialize, Serialize};

use crate::ids::{ConversationId, GroupId, GroupRequestId, UserId};
use crate::model::RequestStatus;

/// A member's standing in a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupRole {
    /// Created the group or received it; one per group.
    Owner,
    /// Helps the owner: approves requests, invites, removes and mutes members.
    Admin,
    /// Everyone else.
    Member,
}

impl GroupRole {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupRole::Owner => "owner",
            GroupRole::Admin => "admin",
            GroupRole::Member => "member",
        }
    }

    /// Parses the stored form (unknown values are members).
    pub fn parse(s: &str) -> GroupRole {
        match s {
            "owner" => GroupRole::Owner,
            "admin" => GroupRole::Admin,
            _ => GroupRole::Member,
        }
    }

    /// Owner or admin.
    pub fn manages(self) -> bool {
        matches!(self, GroupRole::Owner | GroupRole::Admin)
    }
}

/// What anyone may see of a group (search results).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupCard {
    /// The group.
    pub id: GroupId,
    /// Its name.
    pub name: String,
    /// The avatar's thumbnail URL (`null`: none; show the initial).
    #[serde(default)]
    pub avatar_url: Option<String>,
    /// Its introduction.
    pub introduction: String,
    /// How many members it has.
    pub member_count: u64,
    /// Whether the caller is a member.
    pub is_member: bool,
}

/// One member of a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMember {
    /// The user.
    pub user_id: UserId,
    /// Login name.
    pub username: String,
    /// Display name.
    pub nickname: String,
    /// The name they chose for themselves in this group (empty: none).
    #[serde(default)]
    pub group_nickname: String,
    /// The avatar's thumbnail URL (`null`: none; show the initial).
    #[serde(default)]
    pub avatar_url: Option<String>,
    /// Owner, admin or member.
    pub role: GroupRole,
    /// Muted until (epoch ms), if muted now.
    pub muted_until: Option<i64>,
    /// Joined at.
    pub joined_at: i64,
}

impl GroupMember {
    /// How the group shows them: their group nickname, else their nickname.
    pub fn shown_name(&self) -> &str {
        if self.group_nickname.is_empty() {
            &self.nickname
        } else {
            &self.group_nickname
        }
    }
}

/// A group as its members see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupInfo {
    /// The group.
    pub id: GroupId,
    /// Its conversation.
    pub conversation_id: ConversationId,
    /// Name (1–32 characters).
    pub name: String,
    /// The avatar's thumbnail URL (`null`: none; show the initial).
    #[serde(default)]
    pub avatar_url: Option<String>,
    /// Introduction (≤ 200).
    pub introduction: String,
    /// Notice pinned by the owner or admins (≤ 500).
    pub notice: String,
    /// The owner.
    pub owner_id: UserId,
    /// Only the owner and admins may speak.
    pub muted_all: bool,
    /// Dissolved: history readable, nobody may post.
    pub dissolved: bool,
    /// Members: owner first, then admins, then by join time.
    pub members: Vec<GroupMember>,
    /// Listed in the public group directory by its owner.
    #[serde(default)]
    pub listed: bool,
    /// An administrator's hold: `muted` (nobody may post) or `disabled` (read-only); the
    /// apps show a banner.
    #[serde(default)]
    pub status: crate::model::GroupStatus,
    /// Created at.
    pub created_at: i64,
}

/// A request to join a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRequest {
    /// The request.
    pub id: GroupRequestId,
    /// The group.
    pub group_id: GroupId,
    /// The group's name.
    pub group_name: String,
    /// Who asked.
    pub user_id: UserId,
    /// Their nickname.
    pub nickname: String,
    /// Their note.
    pub note: String,
    /// Where it stands.
    pub status: RequestStatus,
    /// Sent at.
    pub created_at: i64,
}
