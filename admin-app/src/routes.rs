//! The console's paths, spelled in full (the router has no `base`); used for links and
//! navigation. The `<Route>`s in [`crate::App`] spell the same literals (the `path!` macro needs
//! literals).

/// The log-in page.
pub const LOGIN: &str = "/admin/login";
/// The overview (dashboard).
pub const OVERVIEW: &str = "/admin";
/// The users table.
pub const USERS: &str = "/admin/users";
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
