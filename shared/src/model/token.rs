//! Personal access tokens: a person's own bearer tokens for scripts, each limited to scopes.

use serde::{Deserialize, Serialize};

use crate::ids::SessionId;

/// Longest token name.
pub const TOKEN_NAME_MAX: usize = 64;
/// Most live personal tokens one user may hold.
pub const TOKENS_PER_USER_MAX: usize = 20;
/// Longest validity a token may be given, in days.
pub const TOKEN_DAYS_MAX: u32 = 366;

/// What a personal token may do. Every token may read (`get_*`, `list_*`, `search_*` and the
/// `/ws` event stream); `write` adds the functions that change things; `admin` adds the
/// `admin_*` functions (only for a holder of the `admin` right). No token may manage the
/// account itself (password, sessions, tokens, bots), which needs the person's own log-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenScope {
    /// Reading and the event stream.
    Read,
    /// Sending and every other change a person makes in the apps.
    Write,
    /// The administrator's functions.
    Admin,
}

impl TokenScope {
    /// Every scope, in order.
    pub const ALL: [TokenScope; 3] = [TokenScope::Read, TokenScope::Write, TokenScope::Admin];

    /// Its wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Write => "write",
            TokenScope::Admin => "admin",
        }
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<TokenScope> {
        TokenScope::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// What calling one server function needs from a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointClass {
    /// Reads only: any token.
    Read,
    /// Changes something: a token with `write`.
    Write,
    /// An `admin_*` function: a token with `admin`.
    Admin,
    /// Manages the account or its credentials: never with a token.
    Account,
}

/// Functions that manage the account or its credentials, refused to every personal token.
const ACCOUNT_ENDPOINTS: &[&str] = &[
    "sign_up",
    "log_in",
    "change_password",
    "list_sessions",
    "revoke_session",
    "create_personal_token",
    "list_personal_tokens",
    "revoke_personal_token",
    "create_bot",
    "regenerate_bot_token",
    "delete_bot",
    "set_bot_webhook",
    "list_bot_webhook_deliveries",
    "get_friend_link",
    "list_sign_in_methods",
    "unlink_sign_in",
];

/// Functions that only read although their names do not say so.
const READ_ENDPOINTS: &[&str] = &[
    "current_user",
    "site_info",
    "open_friend_link",
    "open_group_invite",
    "log_out",
];

/// What `/api/<endpoint>` needs from a personal token.
pub fn endpoint_class(endpoint: &str) -> EndpointClass {
    if endpoint.starts_with("admin_") {
        EndpointClass::Admin
    } else if ACCOUNT_ENDPOINTS.contains(&endpoint) {
        EndpointClass::Account
    } else if READ_ENDPOINTS.contains(&endpoint)
        || endpoint.starts_with("get_")
        || endpoint.starts_with("list_")
        || endpoint.starts_with("search_")
    {
        EndpointClass::Read
    } else {
        EndpointClass::Write
    }
}

/// Whether a token with `scopes` may call `/api/<endpoint>`.
pub fn scopes_allow(scopes: &[TokenScope], endpoint: &str) -> bool {
    match endpoint_class(endpoint) {
        EndpointClass::Read => true,
        EndpointClass::Write => scopes.contains(&TokenScope::Write),
        EndpointClass::Admin => scopes.contains(&TokenScope::Admin),
        EndpointClass::Account => false,
    }
}

/// A personal access token as its owner sees it (never its secret, after creation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonalToken {
    /// Its id (to revoke it).
    pub id: SessionId,
    /// The owner's name for it.
    pub name: String,
    /// What it may do (always with `read`).
    pub scopes: Vec<TokenScope>,
    /// When it was made.
    pub created_at: i64,
    /// When it stops working, or `null` for never.
    pub expires_at: Option<i64>,
    /// When it was last used.
    pub last_used_at: i64,
}

/// A new personal token and its secret, shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonalTokenWithSecret {
    /// The token.
    #[serde(flatten)]
    pub token: PersonalToken,
    /// The secret for `Authorization: Bearer <secret>`.
    pub secret: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert_eq!(endpoint_class("list_messages"), EndpointClass::Read);
        assert_eq!(endpoint_class("get_group"), EndpointClass::Read);
        assert_eq!(endpoint_class("search_messages"), EndpointClass::Read);
        assert_eq!(endpoint_class("current_user"), EndpointClass::Read);
        assert_eq!(endpoint_class("send_message"), EndpointClass::Write);
        assert_eq!(endpoint_class("admin_list_users"), EndpointClass::Admin);
        assert_eq!(endpoint_class("change_password"), EndpointClass::Account);
        assert_eq!(endpoint_class("list_sessions"), EndpointClass::Account);
        assert_eq!(
            endpoint_class("create_personal_token"),
            EndpointClass::Account
        );
    }

    #[test]
    fn scopes() {
        let read = [TokenScope::Read];
        let write = [TokenScope::Read, TokenScope::Write];
        assert!(scopes_allow(&read, "list_messages"));
        assert!(!scopes_allow(&read, "send_message"));
        assert!(scopes_allow(&write, "send_message"));
        assert!(!scopes_allow(&write, "admin_stats"));
        assert!(!scopes_allow(&TokenScope::ALL, "change_password"));
        assert!(scopes_allow(&TokenScope::ALL, "admin_stats"));
        assert_eq!(TokenScope::parse("write"), Some(TokenScope::Write));
        assert_eq!(TokenScope::parse("root"), None);
    }
}
