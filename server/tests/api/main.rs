//! Integration tests: a real Parley server on a loopback port, driven over HTTP exactly as the
//! apps and bots drive it, on SQLite and (when `PARLEY_TEST_POSTGRES_URL` is set) PostgreSQL.

#![allow(missing_docs, clippy::unwrap_used)]

mod fake_provider;
mod harness;

mod accounts;
mod admin;
mod admin_content;
mod assistant;
mod bans;
mod bots;
mod cluster;
mod contacts;
mod directory;
mod groups;
mod hostile;
mod invites;
mod links;
mod matrix;
mod media;
mod media_files;
mod media_limits;
mod message_actions;
mod messages;
mod moderation;
mod outgoing_webhooks;
mod pages;
mod presence;
mod realtime;
mod receipts;
mod reports;
mod search;
mod security;
mod seed;
mod sessions;
mod settings;
mod sign_in;
mod state;
mod tokens;
