//! Unsent text kept per conversation on this device, as WeChat keeps it: the chat's input bar
//! starts from it and the Chats list shows it as "[Draft] …" until it is sent or erased.
//!
//! Kept in local storage under a key of the signed-in user's own (another account signed in on
//! the same browser sees none of it), bounded in count and length.

use std::collections::BTreeMap;

use shared::ids::{ConversationId, UserId};

/// At most this many conversations keep a draft (the oldest ids are dropped first).
pub const MAX_DRAFTS: usize = 200;

/// The drafts of one user: conversation → text.
pub type Drafts = BTreeMap<ConversationId, String>;

/// `drafts` with `text` as the draft of `conversation` (blank removes it), bounded.
pub fn with_draft(mut drafts: Drafts, conversation: ConversationId, text: &str) -> Drafts {
    if text.trim().is_empty() {
        drafts.remove(&conversation);
    } else {
        let text: String = text.chars().take(shared::validate::TEXT_MAX).collect();
        drafts.insert(conversation, text);
    }
    while drafts.len() > MAX_DRAFTS {
        drafts.pop_first();
    }
    drafts
}

#[cfg(feature = "hydrate")]
fn storage_key(me: UserId) -> String {
    format!("parley_drafts_{me}")
}

/// The drafts `me` left on this device (none outside a browser).
#[cfg(feature = "hydrate")]
pub fn load(me: UserId) -> Drafts {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(&storage_key(me)).ok().flatten())
        .and_then(|text| serde_json::from_str::<Vec<(ConversationId, String)>>(&text).ok())
        .map(|list| {
            list.into_iter()
                .fold(Drafts::new(), |d, (c, t)| with_draft(d, c, &t))
        })
        .unwrap_or_default()
}

/// The drafts `me` left on this device (none outside a browser).
#[cfg(not(feature = "hydrate"))]
pub fn load(_me: UserId) -> Drafts {
    Drafts::new()
}

/// Keeps `drafts` for `me` on this device.
#[cfg(feature = "hydrate")]
pub fn save(me: UserId, drafts: &Drafts) {
    let list: Vec<(&ConversationId, &String)> = drafts.iter().collect();
    if let (Some(storage), Ok(text)) = (
        web_sys::window().and_then(|w| w.local_storage().ok().flatten()),
        serde_json::to_string(&list),
    ) {
        let _ = storage.set_item(&storage_key(me), &text);
    }
}

/// Keeps `drafts` for `me` on this device (nothing outside a browser).
#[cfg(not(feature = "hydrate"))]
pub fn save(_me: UserId, _drafts: &Drafts) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_drafts_are_removed_and_long_ones_cut() {
        let c = ConversationId(7);
        let d = with_draft(Drafts::new(), c, "你好");
        assert_eq!(d.get(&c).map(String::as_str), Some("你好"));
        let d = with_draft(d, c, "  \n");
        assert!(d.is_empty());
        let long = "字".repeat(shared::validate::TEXT_MAX + 10);
        let d = with_draft(Drafts::new(), c, &long);
        assert_eq!(d[&c].chars().count(), shared::validate::TEXT_MAX);
    }

    #[test]
    fn the_count_is_bounded() {
        let d = (0..MAX_DRAFTS as i64 + 5)
            .fold(Drafts::new(), |d, i| with_draft(d, ConversationId(i), "x"));
        assert_eq!(d.len(), MAX_DRAFTS);
        assert!(
            !d.contains_key(&ConversationId(0)),
            "the oldest ids go first"
        );
    }
}
