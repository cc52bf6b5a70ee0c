//! The app-wide chat store: a [`ChatState`] signal, filled from the API and kept current by the
//! realtime connection.

use leptos::prelude::*;
use shared::api::contacts::list_friend_requests;
use shared::api::groups::list_pending_group_requests;
use shared::api::messages::list_conversations;
use shared::ids::ConversationId;
use shared::model::{ConversationSummary, FriendRequest, GroupRequest};
use shared::state::ChatState;

/// The store, provided as context by the logged-in shell.
#[derive(Clone, Copy)]
pub struct Store {
    /// Conversations, loaded messages and friend requests.
    pub state: RwSignal<ChatState>,
    /// Bumped whenever the friend list may have changed; the Contacts pages refetch on it.
    pub friends_version: RwSignal<u32>,
    /// Bumped whenever a group may have changed; open group pages refetch on it.
    pub groups_version: RwSignal<u32>,
    /// Pending requests to join the groups the user owns or administers.
    pub group_requests: RwSignal<Vec<GroupRequest>>,
    /// Unsent text per conversation, kept on this device (see [`crate::drafts`]).
    pub drafts: RwSignal<crate::drafts::Drafts>,
    /// This device's notification switches (see [`crate::notify`]).
    pub notify: RwSignal<crate::notify::NotifySettings>,
    /// The digest of the lists the page was rendered with (see `layout::rendered_digest`),
    /// until the first connection has asked the server whether they are still current.
    pub seed_digest: RwSignal<Option<String>>,
}

impl Store {
    /// An empty store.
    pub fn new() -> Self {
        Store {
            state: RwSignal::new(ChatState::default()),
            friends_version: RwSignal::new(0),
            groups_version: RwSignal::new(0),
            group_requests: RwSignal::new(Vec::new()),
            drafts: RwSignal::new(crate::drafts::Drafts::new()),
            notify: RwSignal::new(crate::notify::NotifySettings::default()),
            seed_digest: RwSignal::new(None),
        }
    }

    /// Keeps `text` as the draft of `conversation` on this device (blank removes it).
    pub fn set_draft(self, conversation: ConversationId, text: &str) {
        let unchanged = self.drafts.with_untracked(|d| {
            d.get(&conversation)
                .map_or(text.trim().is_empty(), |t| t == text)
        });
        if unchanged {
            return;
        }
        self.drafts
            .update(|d| *d = crate::drafts::with_draft(std::mem::take(d), conversation, text));
        if let Some(me) = self.state.with_untracked(|s| s.me) {
            self.drafts.with_untracked(|d| crate::drafts::save(me, d));
        }
    }

    /// The draft of `conversation`, if there is one.
    pub fn draft(self, conversation: ConversationId) -> Option<String> {
        self.drafts.with(|d| d.get(&conversation).cloned())
    }

    /// Fills the store with lists fetched while rendering (keeps what is already loaded).
    pub fn seed(
        self,
        conversations: Vec<ConversationSummary>,
        requests: Vec<FriendRequest>,
        group_requests: Vec<GroupRequest>,
    ) {
        self.state.update(|s| {
            s.set_conversations(conversations);
            s.set_requests(requests);
        });
        self.group_requests.set(group_requests);
    }

    /// Friend requests waiting for the user's answer plus join requests waiting for theirs as
    /// a group owner or admin: the Contacts badge.
    pub fn pending_total(self) -> u64 {
        let friends = self.state.with(|s| s.pending_incoming()) as u64;
        friends + self.group_requests.with(|r| r.len()) as u64
    }

    /// Drops a join request once it has been answered here.
    pub fn forget_group_request(self, request: &GroupRequest) {
        self.group_requests
            .update(|list| list.retain(|r| r.id != request.id));
    }

    /// Fetches the conversation list, the friend and join requests and (through
    /// `friends_version` and `groups_version`) the friend list and open groups again, in the
    /// background.
    pub fn refetch(self) {
        self.state.update(|s| s.needs_refetch = false);
        leptos::task::spawn_local(async move {
            if let Ok(list) = list_conversations().await {
                self.state.try_update(|s| s.set_conversations(list));
            }
            if let Ok(list) = list_friend_requests().await {
                self.state.try_update(|s| s.set_requests(list));
            }
            if let Ok(list) = list_pending_group_requests().await {
                self.group_requests.try_set(list);
            }
            self.friends_version.try_update(|v| *v += 1);
            self.groups_version.try_update(|v| *v += 1);
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
