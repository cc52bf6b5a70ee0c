//! Conversations, membership, messages and read cursors.

use diesel::dsl::{exists, not};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use shared::ids::{ConversationId, MessageId, UserId};
use shared::model::{GroupRole, Mention, Message, MessageBody};

use crate::db::schema::{
    chat_groups, contacts, conversation_members, conversations, hidden_messages, media_refs,
    message_mentions, messages, users,
};
use crate::db::{Conn, Db, DbError};
use crate::db_run;

/// A message row: `(id, conversation_id, seq, sender_id, client_msg_id, body, created_at)`.
pub(crate) type MessageRow = (i64, i64, i64, Option<i64>, Option<String>, String, i64);

pub(crate) const MESSAGE_COLUMNS: (
    messages::id,
    messages::conversation_id,
    messages::seq,
    messages::sender_id,
    messages::client_msg_id,
    messages::body,
    messages::created_at,
) = (
    messages::id,
    messages::conversation_id,
    messages::seq,
    messages::sender_id,
    messages::client_msg_id,
    messages::body,
    messages::created_at,
);

/// What the `body` column holds: the message body and, beside its fields, what the message
/// row has no column for (the quoted message, the last edit). Rows written before replies
/// existed parse as bodies without them.
#[derive(Debug, Serialize, Deserialize)]
pub struct StoredBody {
    /// The body.
    #[serde(flatten)]
    pub body: MessageBody,
    /// The id of the message this one replies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<i64>,
    /// When the text was last edited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited_at: Option<i64>,
    /// The text's `@mentions`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mentions: Vec<Mention>,
}

impl StoredBody {
    /// A body as sent (not a reply, never edited).
    pub fn plain(body: MessageBody) -> Self {
        StoredBody {
            body,
            reply_to: None,
            edited_at: None,
            mentions: Vec::new(),
        }
    }

    /// The JSON stored in the `body` column.
    pub fn to_json(&self) -> Result<String, DbError> {
        serde_json::to_string(self).map_err(|e| DbError::Pool(e.to_string()))
    }
}

/// A decoded row and the id of the message it replies to (its quote is resolved separately).
pub(super) type Decoded = (Message, Option<i64>);

/// Decodes a stored row; a body that no longer parses is logged and skipped by callers.
pub(super) fn decode(row: MessageRow) -> Option<Decoded> {
    let (id, conversation, seq, sender, client_msg_id, body, created_at) = row;
    match serde_json::from_str::<StoredBody>(&body) {
        Ok(stored) => Some((
            Message {
                id: MessageId(id),
                conversation_id: ConversationId(conversation),
                seq,
                sender_id: sender.map(UserId),
                client_msg_id,
                body: stored.body,
                created_at,
                quote: None,
                edited_at: stored.edited_at,
                reactions: Vec::new(),
                mentions: stored.mentions,
            },
            stored.reply_to,
        )),
        Err(e) => {
            tracing::error!(message = id, error = %e, "stored message body does not parse");
            None
        }
    }
}

/// Decodes a stored row without resolving its quote or reactions.
fn to_message(row: MessageRow) -> Option<Message> {
    decode(row).map(|(m, _)| m)
}

/// One member's standing in a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberAccess {
    /// The member.
    pub user: UserId,
    /// Their role (`member` in direct conversations).
    pub role: GroupRole,
    /// Their speaking mute.
    pub muted_until: Option<i64>,
    /// In a direct conversation, whether they still count the other as a friend.
    pub friends: bool,
    /// Whether they are an incoming webhook's bot.
    pub hook: bool,
}

/// What decides who may post in a group, besides each member's own mute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupGate {
    /// Only the owner and admins may post.
    pub muted_all: bool,
    /// Dissolved: nobody may post.
    pub dissolved: bool,
    /// An administrator's hold.
    pub status: shared::model::GroupStatus,
}

/// Who may read and write a conversation: what every send and read checks, kept in memory
/// (see [`crate::cache`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationAccess {
    /// For a group, what decides who may post; `None` for a direct conversation.
    pub group: Option<GroupGate>,
    /// The members, by user id.
    members: Vec<MemberAccess>,
    /// Their ids, in the same order (who receives its events).
    ids: Vec<UserId>,
}

impl ConversationAccess {
    /// Whether this is a direct (two-person) conversation.
    pub fn is_direct(&self) -> bool {
        self.group.is_none()
    }

    /// `user`'s standing, or `None` for a non-member.
    pub fn member(&self, user: UserId) -> Option<&MemberAccess> {
        self.ids
            .binary_search(&user)
            .ok()
            .and_then(|i| self.members.get(i))
    }

    /// Every member (the receivers of the conversation's events).
    pub fn member_ids(&self) -> &[UserId] {
        &self.ids
    }

    /// Every member's standing, in id order.
    pub fn members(&self) -> &[MemberAccess] {
        &self.members
    }
}

/// The access data of `conversation`, or `None` when it does not exist: the conversation, its
/// group (for a group conversation) and the members with their friendship, in three queries
/// at most.
pub async fn access(
    db: &Db,
    conversation: ConversationId,
) -> Result<Option<ConversationAccess>, DbError> {
    type MemberRow = (i64, String, Option<i64>, Option<i64>, String);
    type GroupRow = (bool, Option<i64>, String);
    let found: Option<(String, Option<GroupRow>, Vec<MemberRow>)> = db_run!(db, |conn| {
        let kind: Option<String> = conversations::table
            .find(conversation.0)
            .select(conversations::kind)
            .first(conn)
            .await
            .optional()?;
        let Some(kind) = kind else {
            return Ok::<_, DbError>(None);
        };
        let group: Option<GroupRow> = if kind == "group" {
            chat_groups::table
                .filter(chat_groups::conversation_id.eq(conversation.0))
                .select((
                    chat_groups::muted_all,
                    chat_groups::dissolved_at,
                    chat_groups::status,
                ))
                .first(conn)
                .await
                .optional()?
        } else {
            None
        };
        let rows: Vec<MemberRow> = conversation_members::table
            .left_join(
                contacts::table.on(contacts::owner_id
                    .eq(conversation_members::user_id)
                    .and(contacts::conversation_id.eq(conversation_members::conversation_id))),
            )
            .inner_join(users::table.on(users::id.eq(conversation_members::user_id)))
            .filter(conversation_members::conversation_id.eq(conversation.0))
            .select((
                conversation_members::user_id,
                conversation_members::role,
                conversation_members::muted_until,
                contacts::owner_id.nullable(),
                users::kind,
            ))
            .order(conversation_members::user_id.asc())
            .load(conn)
            .await?;
        Ok::<_, DbError>(Some((kind, group, rows)))
    })?;
    let Some((kind, group, rows)) = found else {
        return Ok(None);
    };
    let members: Vec<MemberAccess> = rows
        .into_iter()
        .map(|(user, role, muted_until, contact, kind)| MemberAccess {
            user: UserId(user),
            role: GroupRole::parse(&role),
            muted_until,
            friends: contact.is_some(),
            hook: kind == crate::repo::bots::KIND_HOOK,
        })
        .collect();
    let ids = members.iter().map(|m| m.user).collect();
    let group = match (kind.as_str(), group) {
        ("group", Some((muted_all, dissolved, status))) => Some(GroupGate {
            muted_all,
            dissolved: dissolved.is_some(),
            status: shared::model::GroupStatus::parse(&status).unwrap_or_default(),
        }),
        // A group conversation without its group row cannot be written to.
        ("group", None) => Some(GroupGate {
            muted_all: true,
            dissolved: true,
            status: shared::model::GroupStatus::Disabled,
        }),
        _ => None,
    };
    Ok(Some(ConversationAccess {
        group,
        members,
        ids,
    }))
}

/// The newest seq of a conversation (0 when it does not exist).
pub async fn last_seq(db: &Db, conversation: ConversationId) -> Result<i64, DbError> {
    db_run!(db, |conn| {
        Ok(conversations::table
            .find(conversation.0)
            .select(conversations::last_seq)
            .first::<i64>(conn)
            .await
            .optional()?
            .unwrap_or(0))
    })
}

/// The outcome of storing a message.
#[derive(Debug, Clone)]
pub enum Stored {
    /// A new message with the next seq.
    New(Message),
    /// The sender already sent this `client_msg_id`: the message stored then.
    Duplicate(Message),
}

enum TxError {
    Duplicate(MessageRow),
    Db(DbError),
}

impl From<diesel::result::Error> for TxError {
    fn from(e: diesel::result::Error) -> Self {
        TxError::Db(e.into())
    }
}

/// The message `sender` stored with `client_msg_id`, if any.
async fn by_client_id(
    db: &Db,
    sender: UserId,
    client_msg_id: &str,
) -> Result<Option<MessageRow>, DbError> {
    db_run!(db, |conn| {
        Ok(messages::table
            .filter(messages::sender_id.eq(sender.0))
            .filter(messages::client_msg_id.eq(client_msg_id))
            .select(MESSAGE_COLUMNS)
            .first(conn)
            .await
            .optional()?)
    })
}

/// Wraps a stored row as a new message (`new`) or the earlier one a repeated send returns.
pub(super) fn stored_from(row: MessageRow, new: bool) -> Result<Stored, DbError> {
    let message = to_message(row).ok_or_else(|| DbError::Pool("undecodable message".into()))?;
    Ok(if new {
        Stored::New(message)
    } else {
        Stored::Duplicate(message)
    })
}

/// [`insert`] for a queued send (the group-commit writer's fallback).
pub(super) async fn insert_one(
    db: &Db,
    m: &super::message_batch::NewMessage,
) -> Result<Stored, DbError> {
    insert_json(db, m).await
}

/// Stores a message with the conversation's next seq, in one transaction that starts with the
/// write (so SQLite takes its write lock at once and concurrent senders queue on it). A
/// `client_msg_id` the sender used before returns the stored message instead (the seq
/// increment is rolled back), also when two retries race.
pub async fn insert(
    db: &Db,
    conversation: ConversationId,
    sender: UserId,
    client_msg_id: &str,
    body: &MessageBody,
    now: i64,
) -> Result<Stored, DbError> {
    let m = super::message_batch::NewMessage {
        conversation,
        sender,
        client_msg_id: client_msg_id.to_owned(),
        body_json: StoredBody::plain(body.clone()).to_json()?,
        media_ids: body.all_media_ids(),
        mentions: Vec::new(),
        quote: None,
        now,
        search_terms: crate::search::terms_of(body),
    };
    insert_json(db, &m).await
}

/// [`insert`] with the body already serialized.
async fn insert_json(db: &Db, m: &super::message_batch::NewMessage) -> Result<Stored, DbError> {
    let conversation = m.conversation;
    let sender = m.sender;
    let client_msg_id = m.client_msg_id.as_str();
    let body_json = m.body_json.as_str();
    let media_ids = &m.media_ids;
    let mentions = &m.mentions;
    let now = m.now;
    let result: Result<MessageRow, TxError> = db_run!(db, |conn| {
        Ok::<_, DbError>(
            conn.transaction(async |conn| {
                let seq: i64 = diesel::update(conversations::table.find(conversation.0))
                    .set((
                        conversations::last_seq.eq(conversations::last_seq + 1),
                        conversations::last_message_at.eq(now),
                    ))
                    .returning(conversations::last_seq)
                    .get_result(conn)
                    .await?;
                let existing: Option<MessageRow> = messages::table
                    .filter(messages::sender_id.eq(sender.0))
                    .filter(messages::client_msg_id.eq(client_msg_id))
                    .select(MESSAGE_COLUMNS)
                    .first(conn)
                    .await
                    .optional()?;
                if let Some(row) = existing {
                    return Err(TxError::Duplicate(row));
                }
                let row: MessageRow = diesel::insert_into(messages::table)
                    .values((
                        messages::conversation_id.eq(conversation.0),
                        messages::seq.eq(seq),
                        messages::sender_id.eq(sender.0),
                        messages::client_msg_id.eq(client_msg_id),
                        messages::body.eq(body_json),
                        messages::created_at.eq(now),
                    ))
                    .returning(MESSAGE_COLUMNS)
                    .get_result(conn)
                    .await?;
                for media_id in media_ids {
                    diesel::insert_into(media_refs::table)
                        .values((
                            media_refs::media_id.eq(media_id),
                            media_refs::conversation_id.eq(conversation.0),
                        ))
                        .on_conflict_do_nothing()
                        .execute(conn)
                        .await?;
                }
                for user in mentions {
                    diesel::insert_into(message_mentions::table)
                        .values((
                            message_mentions::message_id.eq(row.0),
                            message_mentions::conversation_id.eq(conversation.0),
                            message_mentions::seq.eq(seq),
                            message_mentions::user_id.eq(user),
                            message_mentions::sender_id.eq(sender.0),
                        ))
                        .on_conflict_do_nothing()
                        .execute(conn)
                        .await?;
                }
                Ok(row)
            })
            .await,
        )
    })?;
    let decode = |row| to_message(row).ok_or_else(|| DbError::Pool("undecodable message".into()));
    match result {
        Ok(row) => Ok(Stored::New(decode(row)?)),
        Err(TxError::Duplicate(row)) => Ok(Stored::Duplicate(decode(row)?)),
        Err(TxError::Db(e)) if e.is_unique_violation() => {
            // A concurrent retry committed first: answer with its message.
            match by_client_id(db, sender, client_msg_id).await? {
                Some(row) => Ok(Stored::Duplicate(decode(row)?)),
                None => Err(e),
            }
        }
        Err(TxError::Db(e)) => Err(e),
    }
}

/// Stores a server-written message (no sender, no client id) with the next seq, in the
/// caller's unit of work (a notice commits with the change it announces).
pub async fn insert_system(
    conn: &mut Conn<'_>,
    conversation: ConversationId,
    body: &MessageBody,
    now: i64,
) -> Result<Message, DbError> {
    insert_in(conn, conversation, None, body, now).await
}

/// Stores a message with the next seq in the caller's unit of work: from nobody (a notice) or
/// from `sender` with its client id (the assistant's greeting, made with the account it
/// greets). Without mentions, quotes or media.
pub async fn insert_in(
    conn: &mut Conn<'_>,
    conversation: ConversationId,
    sender: Option<(UserId, &str)>,
    body: &MessageBody,
    now: i64,
) -> Result<Message, DbError> {
    let body_json = StoredBody::plain(body.clone()).to_json()?;
    let row: MessageRow = crate::conn_run!(conn, |conn| {
        {
            let seq: i64 = diesel::update(conversations::table.find(conversation.0))
                .set((
                    conversations::last_seq.eq(conversations::last_seq + 1),
                    conversations::last_message_at.eq(now),
                ))
                .returning(conversations::last_seq)
                .get_result(conn)
                .await?;
            let row: MessageRow = diesel::insert_into(messages::table)
                .values((
                    messages::conversation_id.eq(conversation.0),
                    messages::seq.eq(seq),
                    messages::sender_id.eq(sender.map(|(user, _)| user.0)),
                    messages::client_msg_id.eq(sender.map(|(_, key)| key)),
                    messages::body.eq(&body_json),
                    messages::created_at.eq(now),
                ))
                .returning(MESSAGE_COLUMNS)
                .get_result(conn)
                .await?;
            Ok::<_, DbError>(row)
        }
    })?;
    to_message(row).ok_or_else(|| DbError::Pool("undecodable message".into()))
}

/// Up to `limit` messages before `before_seq` (or the newest), oldest first, as `viewer` sees
/// them (without those they deleted for themselves; quotes and reactions resolved).
pub async fn history(
    db: &Db,
    viewer: UserId,
    conversation: ConversationId,
    before_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<Message>, DbError> {
    let mut rows: Vec<MessageRow> = db_run!(db, |conn| {
        let mut q = messages::table
            .filter(messages::conversation_id.eq(conversation.0))
            .filter(not(exists(
                hidden_messages::table
                    .filter(hidden_messages::user_id.eq(viewer.0))
                    .filter(hidden_messages::message_id.eq(messages::id)),
            )))
            .into_boxed();
        if let Some(before) = before_seq {
            q = q.filter(messages::seq.lt(before));
        }
        Ok::<_, DbError>(
            q.select(MESSAGE_COLUMNS)
                .order(messages::seq.desc())
                .limit(limit)
                .load(conn)
                .await?,
        )
    })?;
    rows.reverse();
    super::message_actions::decorate(db, rows.into_iter().filter_map(decode).collect()).await
}

/// The messages after `seq`, oldest first, at most `limit`, as `viewer` sees them.
pub async fn after(
    db: &Db,
    viewer: UserId,
    conversation: ConversationId,
    seq: i64,
    limit: usize,
) -> Result<Vec<Message>, DbError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows: Vec<MessageRow> = db_run!(db, |conn| {
        Ok::<_, DbError>(
            messages::table
                .filter(messages::conversation_id.eq(conversation.0))
                .filter(messages::seq.gt(seq))
                .filter(not(exists(
                    hidden_messages::table
                        .filter(hidden_messages::user_id.eq(viewer.0))
                        .filter(hidden_messages::message_id.eq(messages::id)),
                )))
                .select(MESSAGE_COLUMNS)
                .order(messages::seq.asc())
                .limit(limit)
                .load(conn)
                .await?,
        )
    })?;
    super::message_actions::decorate(db, rows.into_iter().filter_map(decode).collect()).await
}

/// The members of a conversation.
pub async fn members(
    conn: &mut Conn<'_>,
    conversation: ConversationId,
) -> Result<Vec<UserId>, DbError> {
    let ids: Vec<i64> = crate::conn_run!(conn, |conn| {
        Ok::<_, DbError>(
            conversation_members::table
                .filter(conversation_members::conversation_id.eq(conversation.0))
                .select(conversation_members::user_id)
                .load(conn)
                .await?,
        )
    })?;
    Ok(ids.into_iter().map(UserId).collect())
}

/// Sets `user`'s pinned and muted flags on a conversation.
pub async fn set_flags(
    db: &Db,
    conversation: ConversationId,
    user: UserId,
    pinned: bool,
    muted: bool,
) -> Result<(), DbError> {
    db_run!(db, |conn| {
        diesel::update(
            conversation_members::table
                .filter(conversation_members::conversation_id.eq(conversation.0))
                .filter(conversation_members::user_id.eq(user.0)),
        )
        .set((
            conversation_members::pinned.eq(pinned),
            conversation_members::muted.eq(muted),
        ))
        .execute(conn)
        .await?;
        Ok(())
    })
}

/// Moves `user`'s read cursor forward to `seq` (capped at the newest seq; never backwards);
/// `(from, to)` when it moved.
pub async fn mark_read(
    db: &Db,
    conversation: ConversationId,
    user: UserId,
    seq: i64,
    last_seq: i64,
) -> Result<Option<(i64, i64)>, DbError> {
    let target = seq.min(last_seq);
    db_run!(db, |conn| {
        let from: Option<i64> = conversation_members::table
            .filter(conversation_members::conversation_id.eq(conversation.0))
            .filter(conversation_members::user_id.eq(user.0))
            .select(conversation_members::read_seq)
            .first(conn)
            .await
            .optional()?;
        let Some(from) = from.filter(|f| *f < target) else {
            return Ok(None);
        };
        let moved = diesel::update(
            conversation_members::table
                .filter(conversation_members::conversation_id.eq(conversation.0))
                .filter(conversation_members::user_id.eq(user.0))
                .filter(conversation_members::read_seq.lt(target)),
        )
        .set(conversation_members::read_seq.eq(target))
        .execute(conn)
        .await?;
        Ok((moved > 0).then_some((from, target)))
    })
}

/// The senders (other than `reader`) of a conversation's messages with seq in `from + 1 ..= to`.
pub async fn senders_between(
    db: &Db,
    conversation: ConversationId,
    reader: UserId,
    from: i64,
    to: i64,
) -> Result<Vec<UserId>, DbError> {
    let ids: Vec<Option<i64>> = db_run!(db, |conn| {
        Ok::<_, DbError>(
            messages::table
                .filter(messages::conversation_id.eq(conversation.0))
                .filter(messages::seq.gt(from))
                .filter(messages::seq.le(to))
                .filter(messages::sender_id.ne(reader.0))
                .select(messages::sender_id)
                .distinct()
                .load(conn)
                .await?,
        )
    })?;
    Ok(ids.into_iter().flatten().map(UserId).collect())
}

/// `(user, read_seq)` of every member of a conversation.
pub async fn read_cursors(
    db: &Db,
    conversation: ConversationId,
) -> Result<Vec<(i64, i64)>, DbError> {
    db_run!(db, |conn| {
        Ok::<_, DbError>(
            // A webhook's bot never reads: it is not waited for.
            conversation_members::table
                .inner_join(users::table.on(users::id.eq(conversation_members::user_id)))
                .filter(conversation_members::conversation_id.eq(conversation.0))
                .filter(users::kind.ne(crate::repo::bots::KIND_HOOK))
                .select((
                    conversation_members::user_id,
                    conversation_members::read_seq,
                ))
                .load(conn)
                .await?,
        )
    })
}

/// The other member of a direct conversation:
/// `(conversation, user, nickname, remark, avatar)`.
pub type PeerRow = (i64, i64, String, Option<String>, Option<String>);

/// One of `user`'s conversations with what the list needs.
#[derive(Debug, Clone)]
pub struct ConversationRow {
    /// The conversation.
    pub id: i64,
    /// `direct` or `group`.
    pub kind: String,
    /// Newest seq.
    pub last_seq: i64,
    /// Last activity.
    pub updated_at: i64,
    /// The user's read cursor.
    pub read_seq: i64,
    /// Pinned by the user.
    pub pinned: bool,
    /// Muted by the user.
    pub muted: bool,
}

/// A membership joined with its conversation:
/// `(id, kind, last_seq, last_message_at, created_at, read_seq, pinned, muted)`.
type MemberRow = (i64, String, i64, Option<i64>, i64, i64, bool, bool);

/// What the conversation list is built from.
pub struct ListData {
    /// The caller's conversations.
    pub rows: Vec<ConversationRow>,
    /// The last message of each conversation that has one.
    pub last: Vec<Message>,
    /// `(conversation, unread count)` for conversations with unread messages.
    pub unread: Vec<(i64, i64)>,
    /// The other members of direct conversations.
    pub peers: Vec<PeerRow>,
    /// The group conversations' groups.
    pub groups: Vec<GroupNameRow>,
    /// Conversations with an unread message mentioning the user.
    pub mentioned: Vec<i64>,
}

/// `(conversation, group, group name, avatar)` of a group conversation.
pub type GroupNameRow = (i64, i64, String, Option<String>);

/// Everything the conversation list needs, in five queries whatever the number of
/// conversations: memberships, last messages, unread counts, direct peers, group names.
pub async fn list_for(db: &Db, user: UserId) -> Result<ListData, DbError> {
    db_run!(db, |conn| {
        let rows: Vec<MemberRow> = conversation_members::table
            .inner_join(conversations::table)
            .filter(conversation_members::user_id.eq(user.0))
            .select((
                conversations::id,
                conversations::kind,
                conversations::last_seq,
                conversations::last_message_at,
                conversations::created_at,
                conversation_members::read_seq,
                conversation_members::pinned,
                conversation_members::muted,
            ))
            .load(conn)
            .await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
        let last: Vec<MessageRow> = messages::table
            .inner_join(
                conversations::table.on(conversations::id
                    .eq(messages::conversation_id)
                    .and(conversations::last_seq.eq(messages::seq))),
            )
            .filter(messages::conversation_id.eq_any(&ids))
            .select(MESSAGE_COLUMNS)
            .load(conn)
            .await?;
        // A last message the user deleted for themselves gives way to the newest one they
        // still see (looked up only for those conversations).
        let last_ids: Vec<i64> = last.iter().map(|m| m.0).collect();
        let hidden_last: Vec<i64> = hidden_messages::table
            .filter(hidden_messages::user_id.eq(user.0))
            .filter(hidden_messages::message_id.eq_any(&last_ids))
            .select(hidden_messages::message_id)
            .load(conn)
            .await?;
        let mut last = last;
        for hidden in hidden_last {
            let Some(at) = last.iter().position(|m| m.0 == hidden) else {
                continue;
            };
            let conversation = last[at].1;
            let visible: Option<MessageRow> = messages::table
                .filter(messages::conversation_id.eq(conversation))
                .filter(diesel::dsl::not(diesel::dsl::exists(
                    hidden_messages::table
                        .filter(hidden_messages::user_id.eq(user.0))
                        .filter(hidden_messages::message_id.eq(messages::id)),
                )))
                .select(MESSAGE_COLUMNS)
                .order(messages::seq.desc())
                .first(conn)
                .await
                .optional()?;
            match visible {
                Some(row) => last[at] = row,
                None => {
                    last.swap_remove(at);
                }
            }
        }
        let unread: Vec<(i64, i64)> = messages::table
            .inner_join(
                conversation_members::table.on(conversation_members::conversation_id
                    .eq(messages::conversation_id)
                    .and(conversation_members::user_id.eq(user.0))
                    .and(messages::seq.gt(conversation_members::read_seq))),
            )
            .filter(
                messages::sender_id
                    .ne(user.0)
                    .or(messages::sender_id.is_null()),
            )
            .group_by(messages::conversation_id)
            .select((messages::conversation_id, diesel::dsl::count_star()))
            .load(conn)
            .await?;
        let peers: Vec<PeerRow> = conversation_members::table
            .inner_join(users::table)
            .left_join(
                contacts::table.on(contacts::owner_id
                    .eq(user.0)
                    .and(contacts::friend_id.eq(conversation_members::user_id))),
            )
            .filter(conversation_members::conversation_id.eq_any(&ids))
            .filter(conversation_members::user_id.ne(user.0))
            // A direct chat's webhook is not the person it is with.
            .filter(users::kind.ne(crate::repo::bots::KIND_HOOK))
            .select((
                conversation_members::conversation_id,
                users::id,
                users::nickname,
                contacts::remark.nullable(),
                users::avatar,
            ))
            .load(conn)
            .await?;
        let rows = rows
            .into_iter()
            .map(
                |(id, kind, last_seq, last_at, created, read_seq, pinned, muted)| ConversationRow {
                    id,
                    kind,
                    last_seq,
                    updated_at: last_at.unwrap_or(created),
                    read_seq,
                    pinned,
                    muted,
                },
            )
            .collect();
        let groups: Vec<GroupNameRow> = chat_groups::table
            .filter(chat_groups::conversation_id.eq_any(&ids))
            .select((
                chat_groups::conversation_id,
                chat_groups::id,
                chat_groups::name,
                chat_groups::avatar,
            ))
            .load(conn)
            .await?;
        let mentioned: Vec<i64> = message_mentions::table
            .inner_join(
                conversation_members::table.on(conversation_members::conversation_id
                    .eq(message_mentions::conversation_id)
                    .and(conversation_members::user_id.eq(user.0))
                    .and(message_mentions::seq.gt(conversation_members::read_seq))),
            )
            .filter(
                message_mentions::user_id
                    .eq(user.0)
                    .or(message_mentions::user_id.eq(0)),
            )
            .filter(message_mentions::sender_id.ne(user.0))
            .select(message_mentions::conversation_id)
            .distinct()
            .load(conn)
            .await?;
        Ok(ListData {
            rows,
            last: last.into_iter().filter_map(to_message).collect(),
            unread,
            peers,
            groups,
            mentioned,
        })
    })
}
