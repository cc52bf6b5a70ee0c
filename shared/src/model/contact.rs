//! People: search results, friends and friend requests.

use serde::{Deserialize, Serialize};

use crate::ids::{ConversationId, FriendRequestId, UserId};

/// Another user as search and profiles show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserCard {
    /// The user.
    pub id: UserId,
    /// Login name.
    pub username: String,
    /// Display name.
    pub nickname: String,
    /// The avatar's thumbnail URL (`null`: none; show the initial).
    #[serde(default)]
    pub avatar_url: Option<String>,
    /// Their signature.
    pub signature: String,
    /// How they relate to the caller.
    pub relation: Relation,
}

/// How another user relates to the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// The caller themself.
    Myself,
    /// A friend.
    Friend,
    /// The caller has sent them a request that is still pending.
    RequestSent,
    /// They have sent the caller a request that is still pending.
    RequestReceived,
    /// The caller has blocked them.
    Blocked,
    /// None of the above.
    Stranger,
}

/// A friend in the caller's contact list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Friend {
    /// The friend.
    pub user_id: UserId,
    /// Login name.
    pub username: String,
    /// Their display name.
    pub nickname: String,
    /// The avatar's thumbnail URL (`null`: none; show the initial).
    #[serde(default)]
    pub avatar_url: Option<String>,
    /// The caller's alias for them (empty when none).
    pub remark: String,
    /// Their signature.
    pub signature: String,
    /// The one-to-one conversation with them.
    pub conversation_id: ConversationId,
    /// Since when.
    pub since: i64,
    /// The display name spelled for sorting and indexing: Chinese characters as their pinyin,
    /// everything lower-case (the list is ordered by it, and grouped by its first letter).
    #[serde(default)]
    pub sort_key: String,
}

impl Friend {
    /// The name to show: the remark when set, else the nickname.
    pub fn display_name(&self) -> &str {
        if self.remark.is_empty() {
            &self.nickname
        } else {
            &self.remark
        }
    }
}

/// Where a friend request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    /// Waiting for the target's answer.
    Pending,
    /// Accepted: they are friends.
    Accepted,
    /// Declined by the target.
    Declined,
}

/// A friend request, seen by either side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FriendRequest {
    /// The request.
    pub id: FriendRequestId,
    /// Who asked.
    pub from: UserCard,
    /// Who was asked.
    pub to: UserCard,
    /// The note the requester wrote.
    pub note: String,
    /// Where it stands.
    pub status: RequestStatus,
    /// When it was sent.
    pub created_at: i64,
}
