//! The client's chat store and its pure reducer.
//!
//! The client app keeps one [`ChatState`], filled from the API (`list_conversations`,
//! `list_friend_requests`, `list_messages`) and updated by every realtime [`ServerEvent`] through
//! [`apply_event`]. The rule the tests check: a state built from a server snapshot, with the
//! events that followed applied, equals a state built fresh from the later snapshot.

use std::collections::{BTreeMap, BTreeSet};

use crate::event::{Cursor, ServerEvent};
use crate::ids::{ConversationId, MessageId, UserId};
use crate::model::{ConversationSummary, FriendRequest, Message, RequestStatus};

/// Everything the client knows about the user's chats.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChatState {
    /// The logged-in user (messages from them never count as unread).
    pub me: Option<UserId>,
    /// Conversation summaries, by id.
    pub conversations: BTreeMap<ConversationId, ConversationSummary>,
    /// Loaded messages per conversation, keyed (and so sorted and deduplicated) by seq.
    pub messages: BTreeMap<ConversationId, BTreeMap<i64, Message>>,
    /// Friend requests involving the user, received and sent.
    pub requests: Vec<FriendRequest>,
    /// Set when the lists must be fetched again (contacts changed, resync, unknown conversation).
    pub needs_refetch: bool,
    /// Conversations whose history must be fetched again (a resync named them).
    pub stale_history: BTreeSet<ConversationId>,
    /// Per conversation, how many `typing` events arrived (the chat shows "typing…" for a few
    /// seconds after each).
    pub typing: BTreeMap<ConversationId, u64>,
    /// Per conversation, how many `read_receipts` hints arrived (an open chat refetches its
    /// receipts on each).
    pub receipts: BTreeMap<ConversationId, u64>,
    /// Per conversation, the last seq the fetched summary's unread count already covers.
    counted_up_to: BTreeMap<ConversationId, i64>,
}

impl ChatState {
    /// An empty store for `me`.
    pub fn new(me: Option<UserId>) -> Self {
        ChatState {
            me,
            ..ChatState::default()
        }
    }

    /// A store built from fresh server data.
    pub fn fresh(
        me: Option<UserId>,
        conversations: Vec<ConversationSummary>,
        requests: Vec<FriendRequest>,
    ) -> Self {
        let mut state = ChatState::new(me);
        state.set_conversations(conversations);
        state.set_requests(requests);
        state
    }

    /// Replaces the summaries with a fresh `list_conversations` answer (loaded messages stay).
    pub fn set_conversations(&mut self, list: Vec<ConversationSummary>) {
        self.counted_up_to = list.iter().map(|c| (c.id, c.last_seq)).collect();
        self.conversations = list.into_iter().map(|c| (c.id, c)).collect();
        // Messages that arrived while the list was being fetched are newer than it: count them.
        let me = self.me;
        for (id, summary) in &mut self.conversations {
            let Some(loaded) = self.messages.get(id) else {
                continue;
            };
            for message in loaded.range(summary.last_seq + 1..).map(|(_, m)| m) {
                let mine = message.sender_id.is_some() && message.sender_id == me;
                if message.seq > summary.read_seq && !mine {
                    summary.unread += 1;
                    if me.is_some_and(|u| message.mentions_user(u)) {
                        summary.mentioned = true;
                    }
                }
                summary.last_seq = message.seq;
                summary.updated_at = summary.updated_at.max(message.created_at);
                summary.last_message = Some(message.clone().preview_only());
            }
        }
    }

    /// Replaces the friend requests with a fresh `list_friend_requests` answer.
    pub fn set_requests(&mut self, list: Vec<FriendRequest>) {
        self.requests = list;
    }

    /// Adds a page of history from `list_messages` (or `list_messages_around`). The page is the
    /// newest word on the seqs it spans: a loaded message it carries is replaced (edited,
    /// recalled or reacted to meanwhile), and one it leaves out within its span was deleted
    /// for the user on another device.
    pub fn add_history(&mut self, conversation_id: ConversationId, page: Vec<Message>) {
        self.stale_history.remove(&conversation_id);
        let loaded = self.messages.entry(conversation_id).or_default();
        if let (Some(first), Some(last)) = (page.first(), page.last()) {
            let (from, to) = (first.seq, last.seq);
            let kept: BTreeSet<i64> = page.iter().map(|m| m.seq).collect();
            loaded.retain(|seq, _| *seq < from || *seq > to || kept.contains(seq));
        }
        for m in page {
            loaded.insert(m.seq, m);
        }
    }

    /// Records a message: stores it once, moves the conversation's last message and counts it
    /// as unread when it is new, from someone else and after the read cursor.
    pub fn add_message(&mut self, message: Message) {
        let cid = message.conversation_id;
        let seq = message.seq;
        let loaded = self.messages.entry(cid).or_default();
        if loaded.contains_key(&seq) {
            return;
        }
        loaded.insert(seq, message.clone());
        let counted = self.counted_up_to.get(&cid).copied().unwrap_or(0);
        let Some(summary) = self.conversations.get_mut(&cid) else {
            // A conversation the list does not show yet (a new friend): fetch the list again.
            self.needs_refetch = true;
            return;
        };
        let mine = message.sender_id.is_some() && message.sender_id == self.me;
        if seq > counted && seq > summary.read_seq && !mine {
            summary.unread += 1;
            if self.me.is_some_and(|u| message.mentions_user(u)) {
                summary.mentioned = true;
            }
        }
        if seq > summary.last_seq {
            summary.last_seq = seq;
            summary.updated_at = summary.updated_at.max(message.created_at);
            summary.last_message = Some(message.preview_only());
        }
    }

    /// Puts a changed message (edited, recalled, reacted to) in place of the loaded one with the
    /// same seq, and in the conversation's summary when it is the last message. A message not
    /// loaded is left to the next fetch.
    pub fn replace_message(&mut self, message: Message) {
        let cid = message.conversation_id;
        if let Some(loaded) = self.messages.get_mut(&cid)
            && let Some(slot) = loaded.get_mut(&message.seq)
        {
            *slot = message.clone();
        }
        if let Some(summary) = self.conversations.get_mut(&cid)
            && summary
                .last_message
                .as_ref()
                .is_some_and(|m| m.id == message.id)
        {
            summary.last_message = Some(message.preview_only());
        }
    }

    /// Removes a message the user deleted for themselves from the loaded history.
    pub fn hide_message(&mut self, conversation_id: ConversationId, message_id: MessageId) {
        if let Some(loaded) = self.messages.get_mut(&conversation_id) {
            loaded.retain(|_, m| m.id != message_id);
        }
        // The conversation's preview was that message: the newest one still shown replaces it,
        // or the list is fetched again when none is loaded.
        let newest = self
            .messages
            .get(&conversation_id)
            .and_then(|l| l.values().next_back().cloned());
        if let Some(summary) = self.conversations.get_mut(&conversation_id)
            && summary
                .last_message
                .as_ref()
                .is_some_and(|m| m.id == message_id)
        {
            match newest {
                Some(m) => summary.last_message = Some(m),
                None => self.needs_refetch = true,
            }
        }
    }

    /// Moves the read cursor of a conversation (never backwards) and recounts its unread.
    pub fn mark_read(&mut self, conversation_id: ConversationId, seq: i64) {
        let me = self.me;
        let loaded = self.messages.get(&conversation_id);
        let Some(summary) = self.conversations.get_mut(&conversation_id) else {
            return;
        };
        if seq <= summary.read_seq {
            return;
        }
        summary.read_seq = seq;
        if seq >= summary.last_seq {
            summary.unread = 0;
            summary.mentioned = false;
            return;
        }
        // Messages after the cursor that are loaded and not ours; the rest were counted before.
        let after = summary.last_seq - seq;
        let counted = loaded.map_or(0, |l| {
            l.range(seq + 1..)
                .filter(|(_, m)| m.sender_id.is_none() || m.sender_id != me)
                .count()
        });
        let loaded_after = loaded.map_or(0, |l| l.range(seq + 1..).count());
        let unknown = u64::try_from(after)
            .unwrap_or(0)
            .saturating_sub(loaded_after as u64);
        summary.unread = summary.unread.min(counted as u64 + unknown);
    }

    /// Inserts or replaces a friend request (by id), newest first.
    pub fn upsert_request(&mut self, request: FriendRequest) {
        self.requests.retain(|r| r.id != request.id);
        self.requests.push(request);
        self.requests
            .sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    }

    /// The conversations as the Chats tab lists them: pinned first, then by last activity.
    pub fn sorted_conversations(&self) -> Vec<ConversationSummary> {
        let mut list: Vec<_> = self.conversations.values().cloned().collect();
        list.sort_by(|a, b| {
            b.pinned
                .cmp(&a.pinned)
                .then(b.updated_at.cmp(&a.updated_at))
                .then(b.id.cmp(&a.id))
        });
        list
    }

    /// Unread messages over every unmuted conversation.
    pub fn total_unread(&self) -> u64 {
        self.conversations
            .values()
            .filter(|c| !c.muted)
            .map(|c| c.unread)
            .sum()
    }

    /// Pending requests other people sent the user.
    pub fn pending_incoming(&self) -> usize {
        self.requests
            .iter()
            .filter(|r| r.status == RequestStatus::Pending && Some(r.to.id) == self.me)
            .count()
    }

    /// The loaded messages of a conversation, oldest first.
    pub fn history(&self, conversation_id: ConversationId) -> Vec<Message> {
        self.messages
            .get(&conversation_id)
            .map(|l| l.values().cloned().collect())
            .unwrap_or_default()
    }

    /// What `resume` should carry: the newest seq known for every conversation.
    pub fn cursors(&self) -> Vec<Cursor> {
        let mut ids: BTreeSet<ConversationId> = self.conversations.keys().copied().collect();
        ids.extend(self.messages.keys().copied());
        ids.into_iter()
            .map(|id| {
                let listed = self.conversations.get(&id).map_or(0, |c| c.last_seq);
                let loaded = self
                    .messages
                    .get(&id)
                    .and_then(|l| l.keys().next_back().copied())
                    .unwrap_or(0);
                Cursor {
                    conversation_id: id,
                    seq: listed.max(loaded),
                }
            })
            .collect()
    }
}

/// Applies one realtime event to the store.
pub fn apply_event(state: &mut ChatState, event: ServerEvent) {
    match event {
        ServerEvent::Ready { user_id } => state.me = Some(user_id),
        ServerEvent::Message { message } => state.add_message(message),
        ServerEvent::MessageChanged { message } => state.replace_message(message),
        ServerEvent::MessageHidden {
            conversation_id,
            message_id,
        } => state.hide_message(conversation_id, message_id),
        ServerEvent::ReadCursor {
            conversation_id,
            seq,
        } => state.mark_read(conversation_id, seq),
        ServerEvent::FriendRequest { request } => state.upsert_request(request),
        ServerEvent::ContactsChanged => state.needs_refetch = true,
        ServerEvent::ListsChecked { current } => {
            if !current {
                state.needs_refetch = true;
            }
        }
        ServerEvent::Resync { conversation_id } => {
            state.needs_refetch = true;
            match conversation_id {
                Some(id) => {
                    state.stale_history.insert(id);
                }
                None => {
                    state.stale_history.extend(state.messages.keys().copied());
                }
            }
        }
        ServerEvent::ConversationFlags {
            conversation_id,
            pinned,
            muted,
        } => {
            if let Some(summary) = state.conversations.get_mut(&conversation_id) {
                summary.pinned = pinned;
                summary.muted = muted;
            }
        }
        // A group's members, name or notice changed: its title and list entry come from the
        // server again.
        ServerEvent::GroupChanged { .. } => state.needs_refetch = true,
        ServerEvent::Typing {
            conversation_id, ..
        } => *state.typing.entry(conversation_id).or_default() += 1,
        ServerEvent::ReadReceipts { conversation_id } => {
            *state.receipts.entry(conversation_id).or_default() += 1;
        }
        ServerEvent::Resumed { .. } | ServerEvent::Pong { .. } | ServerEvent::Error { .. } => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{FriendRequestId, MessageId};
    use crate::model::{ConversationKind, MessageBody, Relation, UserCard};

    const ME: UserId = UserId(1);
    const BOB: UserId = UserId(2);
    const C: ConversationId = ConversationId(10);
    const D: ConversationId = ConversationId(11);

    fn msg(conversation_id: ConversationId, seq: i64, sender: UserId) -> Message {
        Message {
            id: MessageId(conversation_id.0 * 1000 + seq),
            conversation_id,
            seq,
            sender_id: Some(sender),
            client_msg_id: Some(format!("c{seq}")),
            body: MessageBody::Text {
                text: format!("m{seq}"),
            },
            created_at: 1_000 * seq,
            quote: None,
            edited_at: None,
            reactions: Vec::new(),
            mentions: Vec::new(),
        }
    }

    fn summary(
        id: ConversationId,
        last: Option<Message>,
        read_seq: i64,
        unread: u64,
    ) -> ConversationSummary {
        ConversationSummary {
            id,
            kind: ConversationKind::Direct,
            title: format!("c{id}"),
            avatar_url: None,
            peer_id: Some(BOB),
            group_id: None,
            last_seq: last.as_ref().map_or(0, |m| m.seq),
            updated_at: last.as_ref().map_or(0, |m| m.created_at),
            last_message: last,
            read_seq,
            unread,
            pinned: false,
            muted: false,
            mentioned: false,
        }
    }

    fn card(id: UserId) -> UserCard {
        UserCard {
            id,
            username: format!("u{id}"),
            nickname: format!("U{id}"),
            avatar_url: None,
            signature: String::new(),
            relation: Relation::Stranger,
        }
    }

    fn request(status: RequestStatus) -> FriendRequest {
        FriendRequest {
            id: FriendRequestId(5),
            from: card(BOB),
            to: card(ME),
            note: "hi".into(),
            status,
            created_at: 7,
        }
    }

    fn comparable(s: &ChatState) -> (Vec<ConversationSummary>, Vec<FriendRequest>, usize, u64) {
        (
            s.sorted_conversations(),
            s.requests.clone(),
            s.pending_incoming(),
            s.total_unread(),
        )
    }

    #[test]
    fn hiding_the_last_message_shows_the_one_before_in_the_list() {
        let mut state = ChatState::fresh(
            Some(ME),
            vec![summary(C, Some(msg(C, 2, BOB)), 2, 0)],
            vec![],
        );
        state.add_message(msg(C, 1, BOB));
        state.add_message(msg(C, 2, BOB));
        state.hide_message(C, msg(C, 2, BOB).id);
        let preview = state.conversations[&C].last_message.clone();
        assert_eq!(preview.map(|m| m.seq), Some(1));
        assert!(!state.needs_refetch);
        // Nothing loaded to fall back on: the list is fetched again.
        let mut bare = ChatState::fresh(
            Some(ME),
            vec![summary(D, Some(msg(D, 3, BOB)), 3, 0)],
            vec![],
        );
        bare.hide_message(D, msg(D, 3, BOB).id);
        assert!(bare.needs_refetch);
    }

    #[test]
    fn lists_that_are_not_current_are_fetched_again() {
        let mut state = ChatState::fresh(Some(ME), vec![summary(C, None, 0, 0)], vec![]);
        apply_event(&mut state, ServerEvent::ListsChecked { current: true });
        assert!(!state.needs_refetch);
        apply_event(&mut state, ServerEvent::ListsChecked { current: false });
        assert!(state.needs_refetch);
    }

    #[test]
    fn initial_state_plus_events_equals_fresh_state() {
        let initial = ChatState::fresh(
            Some(ME),
            vec![
                summary(C, Some(msg(C, 2, BOB)), 1, 1),
                summary(D, Some(msg(D, 1, ME)), 1, 0),
            ],
            vec![],
        );
        let events = vec![
            ServerEvent::Ready { user_id: ME },
            ServerEvent::Message {
                message: msg(C, 3, BOB),
            },
            ServerEvent::Message {
                message: msg(C, 4, ME),
            },
            ServerEvent::Message {
                message: msg(D, 2, BOB),
            },
            ServerEvent::Message {
                message: msg(D, 3, BOB),
            },
            ServerEvent::FriendRequest {
                request: request(RequestStatus::Pending),
            },
            ServerEvent::ReadCursor {
                conversation_id: D,
                seq: 2,
            },
        ];
        let mut state = initial;
        for e in events {
            apply_event(&mut state, e);
        }
        let fresh = ChatState::fresh(
            Some(ME),
            vec![
                summary(C, Some(msg(C, 4, ME)), 1, 2),
                summary(D, Some(msg(D, 3, BOB)), 2, 1),
            ],
            vec![request(RequestStatus::Pending)],
        );
        assert_eq!(comparable(&state), comparable(&fresh));
        assert_eq!(state.pending_incoming(), 1);
        assert_eq!(state.total_unread(), 3);
        assert!(!state.needs_refetch);

        apply_event(
            &mut state,
            ServerEvent::FriendRequest {
                request: request(RequestStatus::Accepted),
            },
        );
        apply_event(
            &mut state,
            ServerEvent::ReadCursor {
                conversation_id: C,
                seq: 4,
            },
        );
        let fresh = ChatState::fresh(
            Some(ME),
            vec![
                summary(C, Some(msg(C, 4, ME)), 4, 0),
                summary(D, Some(msg(D, 3, BOB)), 2, 1),
            ],
            vec![request(RequestStatus::Accepted)],
        );
        assert_eq!(comparable(&state), comparable(&fresh));
        assert_eq!(state.pending_incoming(), 0);
    }

    #[test]
    fn duplicates_are_ignored() {
        let mut state = ChatState::fresh(Some(ME), vec![summary(C, None, 0, 0)], vec![]);
        for _ in 0..3 {
            apply_event(
                &mut state,
                ServerEvent::Message {
                    message: msg(C, 1, BOB),
                },
            );
        }
        // The resume overlapping a page already loaded counts nothing twice either.
        state.add_history(C, vec![msg(C, 1, BOB)]);
        assert_eq!(state.history(C).len(), 1);
        assert_eq!(state.conversations[&C].unread, 1);
        assert_eq!(state.conversations[&C].last_seq, 1);
    }

    #[test]
    fn messages_already_counted_by_the_list_are_not_counted_again() {
        let mut state = ChatState::fresh(
            Some(ME),
            vec![summary(C, Some(msg(C, 2, BOB)), 0, 2)],
            vec![],
        );
        apply_event(
            &mut state,
            ServerEvent::Message {
                message: msg(C, 1, BOB),
            },
        );
        apply_event(
            &mut state,
            ServerEvent::Message {
                message: msg(C, 2, BOB),
            },
        );
        assert_eq!(state.conversations[&C].unread, 2);
    }

    #[test]
    fn out_of_order_seqs_are_kept_sorted() {
        let mut state = ChatState::fresh(Some(ME), vec![summary(C, None, 0, 0)], vec![]);
        for seq in [3, 1, 2] {
            apply_event(
                &mut state,
                ServerEvent::Message {
                    message: msg(C, seq, BOB),
                },
            );
        }
        let seqs: Vec<i64> = state.history(C).iter().map(|m| m.seq).collect();
        assert_eq!(seqs, vec![1, 2, 3]);
        let c = &state.conversations[&C];
        assert_eq!((c.last_seq, c.unread), (3, 3));
        assert_eq!(c.last_message.as_ref().map(|m| m.seq), Some(3));
        assert_eq!(
            state.cursors(),
            vec![Cursor {
                conversation_id: C,
                seq: 3
            }]
        );
    }

    #[test]
    fn refetch_flags() {
        let mut state = ChatState::new(Some(ME));
        apply_event(&mut state, ServerEvent::ContactsChanged);
        assert!(state.needs_refetch);
        let mut state = ChatState::new(Some(ME));
        apply_event(
            &mut state,
            ServerEvent::Message {
                message: msg(C, 1, BOB),
            },
        );
        assert!(
            state.needs_refetch,
            "an unknown conversation needs the list again"
        );
        let mut state = ChatState::new(Some(ME));
        apply_event(
            &mut state,
            ServerEvent::Resync {
                conversation_id: Some(C),
            },
        );
        assert!(state.needs_refetch && state.stale_history.contains(&C));
    }

    #[test]
    fn new_messages_reorder_the_list_with_pinned_first() {
        let mut pinned = summary(D, Some(msg(D, 1, BOB)), 1, 0);
        pinned.pinned = true;
        let mut state = ChatState::fresh(
            Some(ME),
            vec![
                summary(C, Some(msg(C, 1, BOB)), 1, 0),
                pinned,
                summary(
                    ConversationId(12),
                    Some(msg(ConversationId(12), 5, BOB)),
                    5,
                    0,
                ),
            ],
            vec![],
        );
        apply_event(
            &mut state,
            ServerEvent::Message {
                message: msg(C, 9, BOB),
            },
        );
        let order: Vec<ConversationId> =
            state.sorted_conversations().iter().map(|c| c.id).collect();
        assert_eq!(order, vec![D, C, ConversationId(12)]);
    }

    #[test]
    fn a_fetched_page_replaces_what_it_spans() {
        let mut state = ChatState::fresh(Some(ME), vec![summary(C, None, 0, 0)], Vec::new());
        state.add_history(C, (1..=4).map(|seq| msg(C, seq, BOB)).collect());
        // Fetched again: 2 was edited, 3 deleted for me on another device.
        let mut edited = msg(C, 2, BOB);
        edited.body = MessageBody::Text {
            text: "changed".into(),
        };
        edited.edited_at = Some(5);
        state.add_history(C, vec![msg(C, 1, BOB), edited.clone(), msg(C, 4, BOB)]);
        let seqs: Vec<i64> = state.history(C).iter().map(|m| m.seq).collect();
        assert_eq!(seqs, [1, 2, 4]);
        assert_eq!(state.history(C)[1], edited);
        // A page elsewhere leaves the rest alone.
        state.add_history(C, vec![msg(C, 9, BOB)]);
        assert_eq!(state.history(C).len(), 4);
    }
}
