//! What the admin console's moderation and audit functions return.

use serde::{Deserialize, Serialize};

use crate::ids::{GroupId, UserId};
use crate::model::{AdminUser, GroupRole, SessionInfo};

/// Longest reason of a ban, in characters.
pub const BAN_REASON_MAX: usize = 200;
/// Most roles one user may be given at once.
pub const MAX_ROLES_PER_USER: usize = 16;
/// The `until` stored for a ban or mute without an end (9999-12-31): shown as "permanent".
pub const FOREVER: i64 = 253_402_300_799_999;
/// Most audit entries one page holds.
pub const AUDIT_PAGE_MAX: u32 = 200;
/// Audit entries a page holds when no limit is asked for.
pub const AUDIT_PAGE_DEFAULT: u32 = 50;

/// Everything the console shows about one user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminUserDetail {
    /// The row of the users table (roles, ban and mute included).
    pub user: AdminUser,
    /// Their signature.
    pub signature: String,
    /// Where the account comes from (`local`, …).
    pub provider: String,
    /// The rights they hold now (a ban takes `login`, a mute `speak`).
    pub rights: Vec<String>,
    /// Why they were banned (empty when not banned).
    pub ban_reason: String,
    /// Their live sessions, most recently seen first.
    pub sessions: Vec<SessionInfo>,
    /// The groups they are in.
    pub groups: Vec<AdminUserGroup>,
    /// How many friends they have.
    pub friend_count: u64,
    /// How many messages they have sent.
    pub message_count: u64,
}

/// One group of a user, as the console shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminUserGroup {
    /// The group.
    pub group_id: GroupId,
    /// Its name.
    pub name: String,
    /// The user's role in it.
    pub role: GroupRole,
}

/// What `admin_reset_password` answers: the new password, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OneTimePassword {
    /// The user.
    pub user_id: UserId,
    /// The password to hand to them (they should change it after logging in).
    pub password: String,
}

/// One entry of the audit log: who did what to whom, when and from where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// The entry (ids grow with time).
    pub id: i64,
    /// The administrator who acted.
    pub actor_id: UserId,
    /// Their username at the time.
    pub actor_name: String,
    /// The function's name without `admin_` (`ban_user`, `set_user_roles`, …).
    pub action: String,
    /// What was acted on: `user`, `role`, `group`, `message`, `settings`.
    pub target_kind: String,
    /// Its id, when it has one.
    pub target_id: Option<i64>,
    /// Its name at the time (a username, a role key).
    pub target_name: String,
    /// The change: `before` and `after` where they apply, and the reason given.
    pub detail: serde_json::Value,
    /// The administrator's address.
    pub address: Option<String>,
    /// When (epoch ms).
    pub created_at: i64,
}

/// The system settings the console edits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminSettings {
    /// Who may sign up: `open` (anyone) or `closed` (`sign_up` answers `registration_closed`;
    /// administrators still create accounts).
    pub registration: String,
}
