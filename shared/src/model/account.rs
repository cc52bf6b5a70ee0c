//! Accounts, sessions and what the admin console lists.

use serde::{Deserialize, Serialize};

use crate::ids::{RightId, RoleId, SessionId, UserId};

/// The logged-in user ("me"), as returned by `log_in`, `sign_up` and `current_user`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    /// The user's id.
    pub id: UserId,
    /// The unique login name (lower-case).
    pub username: String,
    /// The display name.
    pub nickname: String,
    /// The avatar's thumbnail URL (`null`: none; show the initial).
    #[serde(default)]
    pub avatar_url: Option<String>,
    /// A short personal signature ("what's up"); may be empty.
    pub signature: String,
    /// Keys of the user's roles, sorted.
    pub roles: Vec<String>,
    /// Keys of the rights the roles grant (their union), sorted.
    pub rights: Vec<String>,
    /// Who may see when the user is online or was last seen.
    #[serde(default)]
    pub presence: PresenceVisibility,
}

/// Who may see a user's presence (online, last seen).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PresenceVisibility {
    /// Anyone who may see the user's profile (friends, people with a request, members of a
    /// shared group).
    Everyone,
    /// Friends only.
    #[default]
    Friends,
    /// Nobody.
    Nobody,
}

impl PresenceVisibility {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            PresenceVisibility::Everyone => "everyone",
            PresenceVisibility::Friends => "friends",
            PresenceVisibility::Nobody => "nobody",
        }
    }

    /// From the stored form (anything unknown is the default, friends).
    pub fn parse(s: &str) -> Self {
        match s {
            "everyone" => PresenceVisibility::Everyone,
            "nobody" => PresenceVisibility::Nobody,
            _ => PresenceVisibility::Friends,
        }
    }
}

/// Whether a user is online now, or when they were last seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presence {
    /// The user.
    pub user_id: UserId,
    /// Connected now (on any server node).
    pub online: bool,
    /// Their last activity (epoch ms), when known.
    pub last_seen: Option<i64>,
}

/// Most users one presence request asks about.
pub const PRESENCE_MAX: usize = 50;

impl Me {
    /// Whether the user holds `right` (see [`crate::rights`]).
    pub fn has_right(&self, right: &str) -> bool {
        self.rights.iter().any(|r| r == right)
    }
}

/// One logged-in device of the current user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// The session's id (to revoke it).
    pub id: SessionId,
    /// When the device logged in.
    pub created_at: i64,
    /// When the device was last seen making a request.
    pub last_seen_at: i64,
    /// The browser's User-Agent at log-in, shortened.
    pub user_agent: String,
    /// The address the device logged in from, if known.
    pub ip: Option<String>,
    /// Whether this is the session making the request.
    pub current: bool,
}

/// A page of results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// How many items match in all.
    pub total: u64,
    /// This page's number, from 1.
    pub page: u32,
    /// Items per page.
    pub per_page: u32,
}

/// A user as the admin console lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminUser {
    /// The user's id.
    pub id: UserId,
    /// Login name.
    pub username: String,
    /// Display name.
    pub nickname: String,
    /// The avatar's thumbnail URL (`null`: none; show the initial).
    #[serde(default)]
    pub avatar_url: Option<String>,
    /// Keys of the user's roles, sorted.
    pub roles: Vec<String>,
    /// When the account was created.
    pub created_at: i64,
    /// How many sessions (devices) are logged in.
    pub session_count: u64,
    /// Banned (may not log in) until then (epoch ms), when banned now.
    #[serde(default)]
    pub banned_until: Option<i64>,
    /// Muted (may not speak anywhere) until then (epoch ms), when muted now.
    #[serde(default)]
    pub muted_until: Option<i64>,
    /// Where the account comes from (`local`, `github`, `oidc`, `bot`, …).
    #[serde(default)]
    pub provider: String,
    /// The outside providers linked to it (`github`, `oidc`), in the order they were linked.
    #[serde(default)]
    pub linked: Vec<String>,
    /// When one of their sessions was last used (epoch ms); `null` when they never logged in.
    #[serde(default)]
    pub last_seen_at: Option<i64>,
    /// Whether they are connected now (on any node).
    #[serde(default)]
    pub online: bool,
}

/// A role with its rights.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleInfo {
    /// The role's id.
    pub id: RoleId,
    /// Stable key (`admin`, `user`, …).
    pub key: String,
    /// Display name given when the role was created.
    pub name: String,
    /// Keys of the rights the role grants, sorted.
    pub rights: Vec<String>,
    /// How many users hold the role.
    pub user_count: u64,
    /// What the role is for (set by administrators).
    #[serde(default)]
    pub description: String,
    /// One of Parley's own roles (`admin`, `user`, `mute`, `disabled`): never deleted.
    #[serde(default)]
    pub builtin: bool,
}

/// A right and how many roles grant it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RightInfo {
    /// The right's id.
    pub id: RightId,
    /// Stable key (`login`, `speak`, …).
    pub key: String,
    /// Display name given when the right was created.
    pub name: String,
    /// Keys of the roles granting it, sorted.
    pub roles: Vec<String>,
}
