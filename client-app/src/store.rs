//! The app-wide chat store: a [`ChatState`] signal, filled from the API and kept current by the
//! realtime connection.

use leptos::prelude::*;
use shared::api::contacts::list_friend_requests;
use shared::api::messages::list_conversations;
use shared::model::{ConversationSummary, FriendRequest};
use shared::state::ChatState;

/// The store, provided as context by the logged-in shell.
#[derive(Clone, Copy)]
pub struct Store {
    /// Conversations, loaded messages and friend requests.
    pub state: RwSignal<ChatState>,
    /// Bumped whenever the friend list may have changed; the Contacts pages refetch on it.
    pub friends_version: RwSignal<u32>,
}

impl Store {
    /// An empty store.
    pub fn new() -> Self {
        Store {
            state: RwSignal::new(ChatState::default()),
            friends_version: RwSignal::new(0),
        }
    }

    /// Fills the store with lists fetched while rendering (keeps what is already loaded).
    pub fn seed(self, conversations: Vec<ConversationSummary>, requests: Vec<FriendRequest>) {
        self.state.update(|s| {
            s.set_conversations(conversations);
            s.set_requests(requests);
        });
    }

    /// Fetches the conversation list, the friend requests and (through `friends_version`) the
    /// friend list again, in the background.
    pub fn refetch(self) {
        self.state.update(|s| s.needs_refetch = false);
        leptos::task::spawn_local(async move {
            if let Ok(list) = list_conversations().await {
                self.state.try_update(|s| s.set_conversations(list));
            }
            if let Ok(list) = list_friend_requests().await {
                self.state.try_update(|s| s.set_requests(list));
            }
            self.friends_version.try_update(|v| *v += 1);
        });
    }
}

impl Default for Store {
    fn default() -> Self {
        Store::new()
    }
}

/// Creates the store and provides it as context.
pub fn provide_store() -> Store {
    let store = Store::new();
    provide_context(store);
    store
}

/// The store provided by the logged-in shell.
pub fn use_store() -> Store {
    use_context::<Store>().unwrap_or_else(provide_store)
}
