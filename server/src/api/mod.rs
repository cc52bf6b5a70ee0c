//! The implementations of the API ports declared in `shared::api`.
//!
//! Each area follows one shape: `check_*` validates input and authorizes the caller without
//! changing anything, `do_*` performs the change (and, once realtime lands, emits its event
//! after the commit). The port methods only chain the two.

pub mod accounts;
pub mod admin;
pub mod admin_content;
pub mod admin_dashboard;
pub mod admin_groups;
pub mod admin_messages;
pub mod assistant;
pub mod bots;
pub mod contacts;
pub mod groups;
pub mod hooks;
pub mod invites;
pub mod links;
pub mod media;
pub mod message_actions;
pub mod messages;
pub mod moderation;
pub mod presence;
pub mod receipts;
pub mod reports;
pub mod roles_admin;
pub mod search;
pub mod settings;
pub mod sign_in;

use std::sync::Arc;

use shared::api::Ports;

use crate::state::AppState;

/// The server's API implementation; one value serves every area.
#[derive(Clone)]
pub struct Api {
    /// The shared state.
    pub state: AppState,
}

/// The ports every server function receives through the Leptos context.
pub fn ports(state: &AppState) -> Ports {
    let api = Arc::new(Api {
        state: state.clone(),
    });
    Ports {
        accounts: api.clone(),
        admin: api.clone(),
        admin_content: api.clone(),
        contacts: api.clone(),
        groups: api.clone(),
        links: api.clone(),
        reports: api.clone(),
        invites: api.clone(),
        bots: api.clone(),
        assistant: api.clone(),
        media: api.clone(),
        messages: api,
    }
}
