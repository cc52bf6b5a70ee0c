//! The WebSocket protocol at `/ws`: JSON text frames, each an object tagged by `type`.
//! Documented for clients in docs/EVENTS.md.

use serde::{Deserialize, Serialize};

use crate::ids::{ConversationId, GroupId, MessageId, UserId};
use crate::model::{FriendRequest, Message};

/// Most cursors one `resume` frame may carry.
pub const MAX_CURSORS: usize = 500;
/// Most messages sent back for one cursor; a larger gap gets a `resync` instead.
pub const MAX_RESUME_MESSAGES: usize = 200;

/// The newest seq a client holds for one conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// The conversation.
    pub conversation_id: ConversationId,
    /// The newest seq the client has (0 for none).
    pub seq: i64,
}

/// The longest `lists` digest a `resume` may carry.
pub const MAX_LISTS_DIGEST: usize = 32;

/// A digest of the lists a client's first screen shows (the answers of `list_conversations`,
/// `list_friend_requests` and `list_pending_group_requests`): 64-bit FNV-1a over their JSON, in
/// hex. Equal lists give equal digests on the server and in the browser, which serialize the
/// same types with the same code.
pub fn lists_digest(
    conversations: &[crate::model::ConversationSummary],
    requests: &[FriendRequest],
    group_requests: &[crate::model::GroupRequest],
) -> String {
    let json = serde_json::to_vec(&(conversations, requests, group_requests)).unwrap_or_default();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in json {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// What a client sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientFrame {
    /// After (re)connecting: "I have everything up to these seqs"; the server answers with
    /// every newer message of each conversation, in seq order, or `resync` for a gap too large.
    Resume {
        /// At most [`MAX_CURSORS`].
        cursors: Vec<Cursor>,
        /// The [`lists_digest`] of the lists the client holds (those the page was rendered
        /// with), to learn whether they are still current: the server answers `lists_checked`.
        /// Without it, a client fetches its lists again after every (re)connect.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lists: Option<String>,
    },
    /// Application-level heartbeat; answered with `pong`.
    Ping {
        /// Echoed back.
        nonce: u64,
    },
}

/// What the server sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerEvent {
    /// First frame after the handshake.
    Ready {
        /// The authenticated user.
        user_id: UserId,
    },
    /// A message was stored in one of the user's conversations (sent to every device of every
    /// member, the sender's other devices included).
    Message {
        /// The message.
        message: Message,
    },
    /// A stored message changed: edited, recalled, or its reactions changed. Sent to every
    /// member; the message replaces the one with the same seq.
    MessageChanged {
        /// The message as it is now.
        message: Message,
    },
    /// The user deleted a message for themselves (on any device): hide it.
    MessageHidden {
        /// Its conversation.
        conversation_id: ConversationId,
        /// The message.
        message_id: MessageId,
    },
    /// Someone is typing in a direct conversation of the user (sent at most every few seconds
    /// while they type; show "typing…" for a few seconds).
    Typing {
        /// The conversation.
        conversation_id: ConversationId,
        /// Who is typing.
        user_id: UserId,
    },
    /// Members read the user's messages in a conversation: refetch `get_read_receipts` if the
    /// chat is open. Coalesced: at most one every two seconds per conversation.
    ReadReceipts {
        /// The conversation.
        conversation_id: ConversationId,
    },
    /// The answer to a `resume` carrying `lists`: whether the client's conversation list,
    /// friend requests and pending join requests are what the server would answer now. Every
    /// change after this connection was registered arrives as an event, so lists that are
    /// `current` need no fetching.
    ListsChecked {
        /// `true` when the digests match.
        current: bool,
    },
    /// The resume sent every message newer than the given cursor.
    Resumed {
        /// The conversation.
        conversation_id: ConversationId,
        /// The newest seq now delivered.
        seq: i64,
    },
    /// The client must refetch: one conversation's history (`conversation_id`), or everything
    /// (`null`: the connection fell behind and is being closed).
    Resync {
        /// The conversation, or `null` for all.
        conversation_id: Option<ConversationId>,
    },
    /// A friend request involving the user was sent or answered.
    FriendRequest {
        /// The request as the user sees it.
        request: FriendRequest,
    },
    /// The user's friend list changed (friend added, removed or blocked): refetch it and the
    /// conversation list.
    ContactsChanged,
    /// A group the user belongs to (or just left or was removed from) changed: refetch it with
    /// `get_group` and the conversation list. Its notices arrive as `message` events too.
    GroupChanged {
        /// The group.
        group_id: GroupId,
    },
    /// The user changed their flags on a conversation (on any device).
    ConversationFlags {
        /// The conversation.
        conversation_id: ConversationId,
        /// Pinned to the top.
        pinned: bool,
        /// Notifications muted.
        muted: bool,
    },
    /// The user read a conversation up to `seq` on another device.
    ReadCursor {
        /// The conversation.
        conversation_id: ConversationId,
        /// The new read cursor.
        seq: i64,
    },
    /// Answer to a `ping`.
    Pong {
        /// The ping's nonce.
        nonce: u64,
    },
    /// A frame the server could not understand; the connection stays open.
    Error {
        /// Why.
        code: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_forms() {
        let f: ClientFrame =
            serde_json::from_str(r#"{"type":"resume","cursors":[{"conversation_id":3,"seq":10}]}"#)
                .unwrap();
        assert_eq!(
            f,
            ClientFrame::Resume {
                lists: None,
                cursors: vec![Cursor {
                    conversation_id: ConversationId(3),
                    seq: 10
                }]
            }
        );
        let e = serde_json::to_string(&ServerEvent::ContactsChanged).unwrap();
        assert_eq!(e, r#"{"type":"contacts_changed"}"#);
        let e = serde_json::to_string(&ServerEvent::Resync {
            conversation_id: None,
        })
        .unwrap();
        assert_eq!(e, r#"{"type":"resync","conversation_id":null}"#);
    }
}
