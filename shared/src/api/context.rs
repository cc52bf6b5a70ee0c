//! What the server hands every server function: the implementations (ports) and the caller.

use std::net::IpAddr;
use std::sync::Arc;

use leptos::prelude::use_context;

use crate::error::AppError;
use crate::ids::{SessionId, UserId};

use super::accounts::AccountsApi;
use super::admin::AdminApi;
use super::admin_content::AdminContentApi;
use super::assistant::AssistantApi;
use super::bots::BotsApi;
use super::contacts::ContactsApi;
use super::groups::GroupsApi;
use super::invites::InvitesApi;
use super::links::LinksApi;
use super::media::MediaApi;
use super::messages::MessagesApi;
use super::reports::ReportsApi;

/// The implementations of every API area, provided by the server as Leptos context.
#[derive(Clone)]
pub struct Ports {
    /// Accounts, sessions and profiles.
    pub accounts: Arc<dyn AccountsApi>,
    /// The admin console's functions.
    pub admin: Arc<dyn AdminApi>,
    /// The admin console's group and message functions.
    pub admin_content: Arc<dyn AdminContentApi>,
    /// Friends, requests, blocks.
    pub contacts: Arc<dyn ContactsApi>,
    /// Conversations and messages.
    pub messages: Arc<dyn MessagesApi>,
    /// Group chats.
    pub groups: Arc<dyn GroupsApi>,
    /// Uploads and avatars.
    pub media: Arc<dyn MediaApi>,
    /// Add-friend links and group invite links.
    pub links: Arc<dyn LinksApi>,
    /// Reports and their queue.
    pub reports: Arc<dyn ReportsApi>,
    /// Invite codes.
    pub invites: Arc<dyn InvitesApi>,
    /// Bots and their tokens.
    pub bots: Arc<dyn BotsApi>,
    /// The assistant.
    pub assistant: Arc<dyn AssistantApi>,
}

/// Who is calling: resolved by the server from the session cookie before the function runs, and
/// stored in the request's extensions. Never taken from the request payload.
#[derive(Clone, Debug, Default)]
pub struct Caller {
    /// The authenticated user, if any.
    pub auth: Option<Auth>,
    /// The peer address of the request.
    pub ip: Option<IpAddr>,
    /// The request's User-Agent header.
    pub user_agent: String,
    /// Where the caller reached Parley (`https://chat.example.com`): the configured public
    /// origin, else the request's own. Links the caller shares are built on it.
    pub origin: String,
}

/// An authenticated caller.
#[derive(Clone, Debug)]
pub struct Auth {
    /// The user.
    pub user_id: UserId,
    /// The session (device) the request came through.
    pub session_id: SessionId,
    /// The user's login name.
    pub username: String,
    /// Keys of the user's rights at the time of the request.
    pub rights: Vec<String>,
    /// A personal token's scopes, or `None` for a log-in or a bot's token.
    pub scopes: Option<Vec<crate::model::TokenScope>>,
}

impl Caller {
    /// The authenticated user, or [`AppError::Unauthenticated`].
    pub fn auth(&self) -> Result<&Auth, AppError> {
        self.auth.as_ref().ok_or(AppError::Unauthenticated)
    }

    /// The authenticated user if they hold `right`; otherwise `Unauthenticated` or `Forbidden`.
    pub fn require(&self, right: &str) -> Result<&Auth, AppError> {
        let auth = self.auth()?;
        if auth.rights.iter().any(|r| r == right) {
            Ok(auth)
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// Fetches the ports and the caller of the current request from the Leptos context.
///
/// Missing context is a server wiring fault: it is reported as [`AppError::Internal`] (never a
/// panic, which would drop the connection instead of answering).
pub fn request() -> Result<(Ports, Caller), AppError> {
    let ports = use_context::<Ports>().ok_or(AppError::Internal)?;
    let parts = use_context::<http::request::Parts>().ok_or(AppError::Internal)?;
    let caller = parts
        .extensions
        .get::<Caller>()
        .cloned()
        .ok_or(AppError::Internal)?;
    Ok((ports, caller))
}
