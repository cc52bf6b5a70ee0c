//! Conversations and messages.

use serde::{Deserialize, Serialize};

use crate::i18n::{Key, Lang};
use crate::ids::{ConversationId, GroupId, MessageId, UserId};
use crate::model::Media;

/// What a message says. Typed JSON, tagged by `type` like the seed system's bodies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MessageBody {
    /// Plain text (emoji included); `@mentions` are marked by the message's `mentions`.
    Text {
        /// The text, 1–5000 characters.
        text: String,
    },
    /// A photo the sender uploaded (`upload_media`, kind `image`).
    Image {
        /// The upload.
        media_id: String,
        /// Filled in by the server from the upload; whatever a client sends here is replaced.
        #[serde(default)]
        media: Option<Media>,
    },
    /// A video the sender uploaded (kind `video`).
    Video {
        /// The upload.
        media_id: String,
        /// Filled in by the server.
        #[serde(default)]
        media: Option<Media>,
    },
    /// A file the sender uploaded (any kind), shown as a card that downloads it.
    File {
        /// The upload.
        media_id: String,
        /// Filled in by the server.
        #[serde(default)]
        media: Option<Media>,
    },
    /// A voice note (kind `audio`), at most 60 seconds.
    Voice {
        /// The upload.
        media_id: String,
        /// Its length as recorded, 1 ms … 60 s.
        duration_ms: u32,
        /// Filled in by the server.
        #[serde(default)]
        media: Option<Media>,
    },
    /// A place (the seed system's `loc`).
    Location {
        /// What the place is called, 1–100 characters.
        title: String,
        /// Latitude, −90 … 90.
        lat: f64,
        /// Longitude, −180 … 180.
        lng: f64,
    },
    /// A message its sender (or a group's owner or admin) recalled: its content is gone.
    Recalled {
        /// Who recalled it (the sender, or the owner or admin who removed it).
        by: UserId,
        /// Removed by a server administrator (the apps say so instead of naming `by`).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        by_admin: bool,
    },
    /// Several messages forwarded as one "chat history" card (WeChat's merged forward).
    Forwarded {
        /// The group's name when the chat was a group's (empty otherwise); the apps word the
        /// card's title around it.
        title: String,
        /// For a direct chat, the two people's names, the forwarder's first.
        #[serde(default)]
        people: Vec<String>,
        /// The messages, oldest first, at most [`FORWARD_MERGED_MAX`].
        items: Vec<ForwardedItem>,
    },
    /// A notice written by the server (sender `None`): someone joined, left, was muted …
    System {
        /// What happened.
        notice: SystemNotice,
    },
}

/// What a system message reports. `by` is the user who did it; names are ids, which clients
/// resolve against the group's member list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SystemNotice {
    /// The group was created.
    GroupCreated {
        /// The creator.
        by: UserId,
        /// The group's name.
        name: String,
    },
    /// Users joined (invited, or a join request was approved).
    MembersJoined {
        /// Who joined.
        users: Vec<UserId>,
        /// Who invited or approved them.
        by: UserId,
    },
    /// A member left.
    MemberLeft {
        /// Who left.
        user: UserId,
    },
    /// A member was removed.
    MemberRemoved {
        /// Who was removed.
        user: UserId,
        /// By whom.
        by: UserId,
    },
    /// A member was muted until a time (`None`: the mute was lifted).
    MemberMuted {
        /// Who.
        user: UserId,
        /// Until when (epoch ms), or `None` when unmuted.
        until: Option<i64>,
        /// By whom.
        by: UserId,
    },
    /// The whole group was muted or unmuted (owner and admins may still speak).
    GroupMuted {
        /// Muted or not.
        muted: bool,
        /// By whom.
        by: UserId,
    },
    /// Name, introduction or notice changed.
    InfoChanged {
        /// The new name.
        name: String,
        /// The new notice (empty when none).
        notice: String,
        /// By whom.
        by: UserId,
    },
    /// A member was made an admin, or stopped being one.
    AdminChanged {
        /// Who.
        user: UserId,
        /// Now an admin or not.
        admin: bool,
        /// By whom (the owner).
        by: UserId,
    },
    /// A friend request was accepted: the first line of the friends' chat.
    FriendAdded {
        /// Who sent the request.
        user: UserId,
        /// Who accepted it.
        by: UserId,
    },
    /// The owner handed the group to another member.
    OwnerChanged {
        /// The new owner.
        user: UserId,
        /// The previous owner.
        by: UserId,
    },
    /// The group was dissolved: no one can post any more.
    Dissolved {
        /// By whom (the owner).
        by: UserId,
    },
    /// Someone joined through an invite link.
    JoinedByLink {
        /// Who joined.
        user: UserId,
        /// Who made the link.
        by: UserId,
    },
    /// A server administrator put a hold on the group or lifted it.
    StatusChanged {
        /// The hold now.
        status: crate::model::GroupStatus,
    },
    /// A server administrator dissolved the group.
    DissolvedByAdmin,
    /// A server administrator handed the group to another member.
    OwnerChangedByAdmin {
        /// The new owner.
        user: UserId,
    },
    /// In the reporter's system chat: an administrator handled their report.
    ReportHandled {
        /// What they had reported.
        target_kind: crate::model::ReportTarget,
        /// What was done.
        action: crate::model::ReportAction,
    },
    /// In everyone's system chat: an administrator's announcement.
    Announcement {
        /// What it says.
        text: String,
    },
}

/// One message inside a merged forward, as it was when forwarded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForwardedItem {
    /// Who sent it.
    pub sender_id: Option<UserId>,
    /// Their name as the forwarder saw it.
    pub sender_name: String,
    /// What it said.
    pub body: MessageBody,
    /// When it was first sent.
    pub created_at: i64,
}

/// The message a reply quotes, as the reply shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    /// The quoted message.
    pub message_id: MessageId,
    /// Its seq (where "jump to the original" goes).
    pub seq: i64,
    /// Who sent it.
    pub sender_id: Option<UserId>,
    /// A snippet of it: text cut to [`QUOTE_TEXT_MAX`] characters, a forward's title without
    /// its items, `recalled` once the original was recalled.
    pub body: MessageBody,
}

/// An `@mention` in a text: who (`null` for everyone, `@all`) and where, as a range of
/// characters (Unicode scalar values) of the text that starts with `@`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    /// The member mentioned, or `None` for everyone.
    pub user_id: Option<UserId>,
    /// The first character of the `@name`.
    pub start: u32,
    /// Its length in characters.
    pub len: u32,
}

/// Most mentions one message carries.
pub const MENTIONS_MAX: usize = 20;

/// Who a message's readers see read it: the members who have and have not, for the message's
/// sender.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageReaders {
    /// Members who read it (their read cursor reached it).
    pub read: Vec<UserId>,
    /// Members who have not yet.
    pub unread: Vec<UserId>,
}

/// The read cursors of a conversation's other members, for "Read" and "N unread" under the
/// reader's own messages. Empty for a group larger than [`RECEIPTS_MAX_MEMBERS`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadReceipts {
    /// Every other member's read seq, ascending.
    pub cursors: Vec<i64>,
}

/// A message search found, with where the query's words occur in its text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    /// The message.
    pub message: Message,
    /// Character ranges `[start, len]` of its searchable text to highlight: the text of a text
    /// message, a file's name, a place's title.
    pub highlights: Vec<(u32, u32)>,
}

/// The longest search query, in characters.
pub const SEARCH_QUERY_MAX: usize = 100;
/// Most results one search page returns.
pub const SEARCH_PAGE_MAX: u32 = 50;

/// Groups with more members than this show no read receipts.
pub const RECEIPTS_MAX_MEMBERS: usize = 500;

/// One emoji's reactions to a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reaction {
    /// The emoji, one of [`REACTIONS`].
    pub emoji: String,
    /// Who reacted with it, in the order they did.
    pub users: Vec<UserId>,
}

/// The emoji a message can be reacted to with.
pub const REACTIONS: &[&str] = &["👍", "❤️", "😂", "😮", "😢", "🙏", "🎉", "👎"];
/// Characters of a quoted text a reply carries.
pub const QUOTE_TEXT_MAX: usize = 100;
/// Most messages one merged forward carries.
pub const FORWARD_MERGED_MAX: usize = 100;
/// Most messages forwarded one by one in one call.
pub const FORWARD_SEPARATE_MAX: usize = 30;
/// Most conversations one forward goes to.
pub const FORWARD_TARGETS_MAX: usize = 9;
/// How long after sending its sender may recall a message unless the server is configured
/// otherwise (`PARLEY_RECALL_WINDOW_SECS`), in seconds.
pub const RECALL_WINDOW_DEFAULT_SECS: u64 = 120;
/// How long after sending its sender may edit a text message, in milliseconds.
pub const EDIT_WINDOW_MS: i64 = 24 * 60 * 60 * 1000;

/// Longest voice note, in milliseconds.
pub const VOICE_MAX_MS: u32 = 60_000;
/// Longest location title, in characters.
pub const LOCATION_TITLE_MAX: usize = 100;

impl MessageBody {
    /// A one-line preview for the conversation list, as WeChat words it: the text's first
    /// line, `[Photo]`, `[Video]`, `[Voice] 5"`, `[File] name`, `[Location] title` (in `lang`).
    /// Empty for system notices, which the UI words itself.
    pub fn preview(&self, lang: Lang) -> String {
        let short =
            |s: &str| -> String { s.lines().next().unwrap_or("").chars().take(60).collect() };
        match self {
            MessageBody::Text { text } => short(text),
            MessageBody::Image { .. } => lang.t(Key::PreviewPhoto).to_owned(),
            MessageBody::Video { .. } => lang.t(Key::PreviewVideo).to_owned(),
            MessageBody::Voice { duration_ms, .. } => {
                let secs = duration_ms.div_ceil(1000).max(1);
                format!("{} {secs}\"", lang.t(Key::PreviewVoice))
            }
            MessageBody::File { media, .. } => {
                let name = media.as_ref().map_or("", |m| m.name.as_str());
                format!("{} {}", lang.t(Key::PreviewFile), short(name))
            }
            MessageBody::Location { title, .. } => {
                format!("{} {}", lang.t(Key::PreviewLocation), short(title))
            }
            MessageBody::Forwarded { title, people, .. } => {
                let whose = if title.is_empty() {
                    people.join(lang.t(Key::ChatHistoryAnd))
                } else {
                    title.clone()
                };
                format!("{} {}", lang.t(Key::PreviewChatHistory), short(&whose))
            }
            // Clients word notices and recalls in their own language, with names.
            MessageBody::System { .. } | MessageBody::Recalled { .. } => String::new(),
        }
    }

    /// The short form a reply quotes: text cut to [`QUOTE_TEXT_MAX`] characters, a merged
    /// forward without its items.
    pub fn snippet(&self) -> MessageBody {
        match self {
            MessageBody::Text { text } => MessageBody::Text {
                text: text.chars().take(QUOTE_TEXT_MAX).collect(),
            },
            MessageBody::Forwarded { title, people, .. } => MessageBody::Forwarded {
                title: title.clone(),
                people: people.clone(),
                items: Vec::new(),
            },
            other => other.clone(),
        }
    }

    /// The text message search finds in this body (and highlights in results): a text, a
    /// file's name, a place's title, a merged forward's texts.
    pub fn search_text(&self) -> String {
        match self {
            MessageBody::Text { text } => text.clone(),
            MessageBody::File { media, .. } => {
                media.as_ref().map(|m| m.name.clone()).unwrap_or_default()
            }
            MessageBody::Location { title, .. } => title.clone(),
            MessageBody::Forwarded { items, .. } => items
                .iter()
                .map(|i| i.body.search_text())
                .collect::<Vec<_>>()
                .join("\n"),
            _ => String::new(),
        }
    }

    /// Every media id this body refers to, those inside a merged forward included.
    pub fn all_media_ids(&self) -> Vec<String> {
        let mut ids = Vec::new();
        self.collect_media_ids(&mut ids);
        ids.sort();
        ids.dedup();
        ids
    }

    fn collect_media_ids(&self, out: &mut Vec<String>) {
        match self {
            MessageBody::Forwarded { items, .. } => {
                for item in items {
                    item.body.collect_media_ids(out);
                }
            }
            other => {
                if let Some(id) = other.media_id() {
                    out.push(id.to_owned());
                }
            }
        }
    }

    /// The media id a body refers to, if any.
    pub fn media_id(&self) -> Option<&str> {
        match self {
            MessageBody::Image { media_id, .. }
            | MessageBody::Video { media_id, .. }
            | MessageBody::File { media_id, .. }
            | MessageBody::Voice { media_id, .. } => Some(media_id),
            _ => None,
        }
    }

    /// The stored media a body carries, if any.
    pub fn media(&self) -> Option<&Media> {
        match self {
            MessageBody::Image { media, .. }
            | MessageBody::Video { media, .. }
            | MessageBody::File { media, .. }
            | MessageBody::Voice { media, .. } => media.as_ref(),
            _ => None,
        }
    }
}

/// A stored message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// The message.
    pub id: MessageId,
    /// Its conversation.
    pub conversation_id: ConversationId,
    /// Its position in the conversation: 1, 2, 3 … without gaps.
    pub seq: i64,
    /// Who sent it (`None` for system notices).
    pub sender_id: Option<UserId>,
    /// The sender's id for the send (retries with the same id return this message).
    pub client_msg_id: Option<String>,
    /// What it says.
    pub body: MessageBody,
    /// When the server stored it.
    pub created_at: i64,
    /// The message this one replies to, as a snippet (resolved when read: a recalled original
    /// shows as recalled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<Box<Quote>>,
    /// When its sender last edited it (text only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited_at: Option<i64>,
    /// Reactions, one entry per emoji.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reactions: Vec<Reaction>,
    /// The `@mentions` of a text, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mentions: Vec<Mention>,
}

impl Message {
    /// Whether this message mentions `user` (by name or with `@all`), not counting their own.
    pub fn mentions_user(&self, user: UserId) -> bool {
        self.sender_id != Some(user)
            && self
                .mentions
                .iter()
                .any(|m| m.user_id.is_none() || m.user_id == Some(user))
    }

    /// The message as a conversation list shows it: without its quote and reactions.
    pub fn preview_only(mut self) -> Self {
        self.quote = None;
        self.reactions = Vec::new();
        self
    }

    /// Whether `user` may still recall this message as its sender, `window_ms` after sending.
    pub fn recallable_by_sender(&self, user: UserId, now: i64, window_ms: i64) -> bool {
        self.sender_id == Some(user)
            && now - self.created_at <= window_ms
            && !matches!(
                self.body,
                MessageBody::Recalled { .. } | MessageBody::System { .. }
            )
    }

    /// Whether `user` may still edit this message: their own text, within [`EDIT_WINDOW_MS`].
    pub fn editable_by(&self, user: UserId, now: i64) -> bool {
        self.sender_id == Some(user)
            && now - self.created_at <= EDIT_WINDOW_MS
            && matches!(self.body, MessageBody::Text { .. })
    }
}

/// The kind of a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationKind {
    /// A one-to-one chat between two friends.
    Direct,
    /// A group chat.
    Group,
    /// The user's "Parley" chat: announcements and answers to their reports, read-only.
    System,
}

/// A conversation as the caller's conversation list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConversationSummary {
    /// The conversation.
    pub id: ConversationId,
    /// Direct or group.
    pub kind: ConversationKind,
    /// The title: the friend's remark or nickname, or the group's name.
    pub title: String,
    /// The avatar's thumbnail URL (`null`: none; show the initial).
    #[serde(default)]
    pub avatar_url: Option<String>,
    /// For a direct chat, the other person.
    pub peer_id: Option<UserId>,
    /// For a group chat, the group.
    #[serde(default)]
    pub group_id: Option<GroupId>,
    /// The last message, if any (without its quote and reactions: see
    /// [`Message::preview_only`]).
    pub last_message: Option<Message>,
    /// The newest seq in the conversation.
    pub last_seq: i64,
    /// The newest seq the caller has read.
    pub read_seq: i64,
    /// Messages after `read_seq` not sent by the caller.
    pub unread: u64,
    /// Pinned to the top by the caller.
    pub pinned: bool,
    /// Notifications muted by the caller.
    pub muted: bool,
    /// An unread message mentions the caller (`[@me]` in the list).
    #[serde(default)]
    pub mentioned: bool,
    /// Time of the last activity (last message, or creation).
    pub updated_at: i64,
}
