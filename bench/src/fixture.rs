//! The fixture `parley bench-fixture` writes: users with session tokens, friend pairs, the
//! large group and the history conversation.

use std::path::Path;

use anyhow::Context;
use serde::Deserialize;

/// One user with a live session.
#[derive(Debug, Clone, Deserialize)]
pub struct User {
    /// The login name.
    pub username: String,
    /// The session token (`Authorization: Bearer`).
    pub token: String,
}

/// Two friends and their direct conversation (indexes into [`Fixture::users`]).
#[derive(Debug, Clone, Deserialize)]
pub struct Pair {
    /// The sender's index.
    pub a: usize,
    /// The receiver's index.
    pub b: usize,
    /// Their conversation.
    pub conversation_id: i64,
}

/// The large group.
#[derive(Debug, Clone, Deserialize)]
pub struct Group {
    /// Its conversation.
    pub conversation_id: i64,
    /// Member indexes, the owner first.
    pub members: Vec<usize>,
}

/// The conversation pre-filled with history.
#[derive(Debug, Clone, Deserialize)]
pub struct History {
    /// Its two members.
    pub pair: Pair,
    /// How many messages it holds.
    pub messages: usize,
}

/// Everything the fixture holds.
#[derive(Debug, Clone, Deserialize)]
pub struct Fixture {
    /// The password of every user.
    pub password: String,
    /// The users.
    pub users: Vec<User>,
    /// Friend pairs.
    pub pairs: Vec<Pair>,
    /// The group, if any.
    pub group: Option<Group>,
    /// The history conversation, if any.
    pub history: Option<History>,
}

impl Fixture {
    /// Reads the fixture file.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        serde_json::from_slice(&bytes).with_context(|| format!("parsing {}", path.display()))
    }
}
