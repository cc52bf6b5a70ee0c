//! The console's paths, spelled in full (the router has no `base`); used for links and
//! navigation. The `<Route>`s in [`crate::App`] spell the same literals (the `path!` macro needs
//! literals).

/// The log-in page.
pub const LOGIN: &str = "/admin/login";
/// The overview (dashboard).
pub const OVERVIEW: &str = "/admin";
/// The users table.
pub const USERS: &str = "/admin/users";
/// The groups table.
pub const GROUPS: &str = "/admin/groups";
/// The message browser.
pub const MESSAGES: &str = "/admin/messages";
/// The report queue.
pub const REPORTS: &str = "/admin/reports";
/// The invite codes.
pub const INVITES: &str = "/admin/invites";
/// The assistant's question-and-answer table.
pub const ASSISTANT: &str = "/admin/assistant";
/// The roles table.
pub const ROLES: &str = "/admin/roles";
/// The rights table.
pub const RIGHTS: &str = "/admin/rights";
/// The audit log.
pub const AUDIT: &str = "/admin/audit";
/// The system settings.
pub const SETTINGS: &str = "/admin/settings";

/// Where a freshly logged-in admin lands.
pub const AFTER_LOG_IN: &str = USERS;

/// `value` escaped for a URL's query: RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`)
/// stay as they are, every other byte of its UTF-8 is percent-encoded (a space as `%20`).
pub fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(char::from(byte));
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_escaped() {
        assert_eq!(escape("last_seen"), "last_seen");
        assert_eq!(escape("a b&c=d"), "a%20b%26c%3Dd");
        assert_eq!(escape("张"), "%E5%BC%A0");
        assert_eq!(escape("x+y#z/?"), "x%2By%23z%2F%3F");
    }
}
