//! The client's pages, one file each.

pub mod add_friend;
pub mod auth;
pub mod blocked;
pub mod bot_webhook;
pub mod bots;
pub mod chat;
pub mod chats;
pub mod contacts;
pub mod discover;
pub mod friend;
pub mod group_hooks;
pub mod group_info;
pub mod group_invite;
pub mod group_links;
pub mod group_manage;
pub mod group_new;
pub mod group_search;
pub mod links;
pub mod me;
pub mod new_friends;
pub mod not_found;
pub mod report;
pub mod search;
pub mod sessions;
pub mod sign_in_methods;
pub mod tokens;
