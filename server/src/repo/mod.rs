//! Queries, grouped by table family. Each function is written once for both backends through
//! [`db_run!`](crate::db_run) and returns [`DbError`](crate::db::DbError) on failure.

pub mod admin_groups;
pub mod admin_messages;
pub mod assistant;
pub mod audit;
pub mod bot_webhooks;
pub mod bots;
pub mod contacts;
pub mod groups;
pub mod identities;
pub mod invite_codes;
pub mod links;
pub mod media;
pub mod message_actions;
pub mod message_batch;
pub mod messages;
pub mod moderation;
pub mod rbac;
pub mod reports;
pub mod roles;
pub mod sessions;
pub mod settings;
pub mod stats;
pub mod system_chat;
pub mod users;
pub mod webhook_events;
pub mod webhooks;

/// The keys paired with `id` in `(id, key)` rows, in row order.
pub fn keys_of(rows: &[(i64, String)], id: i64) -> Vec<String> {
    rows.iter()
        .filter(|(r, _)| *r == id)
        .map(|(_, k)| k.clone())
        .collect()
}

/// The count paired with `id` in `(id, count)` rows (0 when absent).
pub fn count_of(rows: &[(i64, i64)], id: i64) -> u64 {
    rows.iter()
        .find(|(r, _)| *r == id)
        .map(|(_, c)| u64::try_from(*c).unwrap_or(0))
        .unwrap_or(0)
}
