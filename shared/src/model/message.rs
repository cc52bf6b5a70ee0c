//! Conversations and messages.

use serde::{Deserialize, Serialize};

use crate::i18n::{Key, Lang};
use crate::ids::{ConversationId, GroupId, MessageId, UserId};
use crate::model::Media;

/// What a message says. Typed JSON, tagged by `type` like the seed system's bodies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MessageBody {
    /// Plain text (emoji included); `@mentions` are plain text for now.
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
}

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
            // Clients render notices in their own language.
            MessageBody::System { .. } => String::new(),
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
}

/// The kind of a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationKind {
    /// A one-to-one chat between two friends.
    Direct,
    /// A group chat.
    Group,
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
    /// The last message, if any.
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
    /// Time of the last activity (last message, or creation).
    pub updated_at: i64,
}
