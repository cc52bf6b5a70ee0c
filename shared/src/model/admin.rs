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

/// Longest site name, in characters.
pub const SITE_NAME_MAX: usize = 40;
/// Longest log-in notice, in characters.
pub const LOGIN_NOTICE_MAX: usize = 500;
/// Longest recall window an administrator may set, in seconds (a week).
pub const RECALL_WINDOW_MAX_SECS: u64 = 7 * 24 * 3600;
/// The site name until an administrator sets one.
pub const DEFAULT_SITE_NAME: &str = "Parley";

/// Who may sign up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Registration {
    /// Anyone.
    Open,
    /// Whoever holds a valid invite code.
    Invite,
    /// Nobody: administrators create accounts.
    Closed,
}

impl Registration {
    /// Its name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Invite => "invite",
            Self::Closed => "closed",
        }
    }

    /// The mode named `raw`.
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Open, Self::Invite, Self::Closed]
            .into_iter()
            .find(|m| m.as_str() == raw)
    }
}

/// The system settings the console edits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminSettings {
    /// Who may sign up: `open` (anyone), `invite` (whoever holds a valid invite code) or
    /// `closed` (`sign_up` answers `registration_closed`; administrators still create accounts).
    pub registration: String,
    /// The name the apps show (log-in pages, the system chat).
    #[serde(default)]
    pub site_name: String,
    /// Largest upload, in MiB (at most `max_upload_mib_limit`).
    #[serde(default)]
    pub max_upload_mib: u64,
    /// The ceiling the server was started with (`PARLEY_MAX_UPLOAD_MIB`); read-only.
    #[serde(default)]
    pub max_upload_mib_limit: u64,
    /// How long after sending its sender may recall a message, in seconds.
    #[serde(default)]
    pub recall_window_s: u64,
    /// The role new accounts get.
    #[serde(default)]
    pub default_role: String,
    /// A notice the log-in pages show (empty: none).
    #[serde(default)]
    pub login_notice: String,
}

/// What anyone may know about this server before signing in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteInfo {
    /// The name the apps show.
    pub site_name: String,
    /// The log-in pages' notice (empty: none).
    pub login_notice: String,
    /// Whether anyone may sign up (`open`), only with an invite code (`invite`) or nobody
    /// (`closed`).
    pub registration: String,
    /// How long after sending its sender may recall a message, in seconds.
    pub recall_window_s: u64,
    /// Largest upload, in MiB.
    pub max_upload_mib: u64,
    /// The outside providers the log-in page offers.
    #[serde(default)]
    pub sign_in_providers: Vec<crate::model::SignInProvider>,
}
