//! Conversations and messages: sending with deduplication and per-conversation seq, history,
//! read cursors and the conversation list.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use shared::api::Caller;
use shared::api::messages::MessagesApi;
use shared::error::Invalid;
use shared::event::ServerEvent;
use shared::ids::{ConversationId, MessageId, UserId};
use shared::model::{
    ConversationKind, ConversationSummary, GroupStatus, MENTIONS_MAX, Mention, Message,
    MessageBody, MessageReaders, ReadReceipts,
};
use shared::{AppError, rights, validate};

use super::Api;
use crate::auth::limits::Action;
use crate::repo::message_batch::NewMessage;
use crate::repo::messages::{self as repo, ConversationAccess, Stored, StoredBody};
use crate::time::now_ms;

/// Default history page size.
const DEFAULT_PAGE: u32 = 50;

impl Api {
    /// The access data of `conversation` if `user` is a member, or `forbidden` (a non-member
    /// learns nothing, not even whether the conversation exists). Served from the cache.
    pub(crate) async fn access_conversation(
        &self,
        user: UserId,
        conversation: ConversationId,
    ) -> Result<Arc<ConversationAccess>, AppError> {
        let access = self
            .state
            .hub
            .caches()
            .conversation(&self.state.db, conversation)
            .await?;
        match access {
            Some(access) if access.member(user).is_some() => Ok(access),
            _ => Err(AppError::Forbidden),
        }
    }

    /// Validates a send: `speak` right, membership, an open friendship, a well-formed body.
    async fn check_send(
        &self,
        caller: &Caller,
        conversation: ConversationId,
        client_msg_id: &str,
        body: MessageBody,
    ) -> Result<(UserId, MessageBody, Arc<ConversationAccess>), AppError> {
        let me = caller.require(rights::SPEAK)?.user_id;
        self.state.limits.check_user(me, Action::Send)?;
        validate::client_msg_id(client_msg_id)?;
        let body = match body {
            MessageBody::Text { text } => MessageBody::Text {
                text: validate::text("text", &text, validate::TEXT_MAX, true)?,
            },
            // Only the server writes notices, recalls and merged forwards.
            MessageBody::System { .. }
            | MessageBody::Recalled { .. }
            | MessageBody::Forwarded { .. } => {
                return Err(AppError::invalid("body", Invalid::OutOfRange));
            }
            other => self.check_media_body(me, other).await?,
        };
        let access = self.check_may_post(me, conversation).await?;
        Ok((me, body, access))
    }

    /// Whether `me` may post to `conversation` now: a member, still friends in a direct chat
    /// (a webhook's bot there: while the two people are),
    /// not muted (alone or with everyone) in a group that is not dissolved and on which no
    /// administrator put a hold (`muted`, `group_disabled`).
    pub(crate) async fn check_may_post(
        &self,
        me: UserId,
        conversation: ConversationId,
    ) -> Result<Arc<ConversationAccess>, AppError> {
        let access = self.access_conversation(me, conversation).await?;
        let Some(member) = access.member(me) else {
            return Err(AppError::Forbidden);
        };
        match access.group {
            // A direct chat's webhook posts while the two people in it are still friends.
            None if member.hook => {
                let people_friends = access
                    .members()
                    .iter()
                    .filter(|m| !m.hook)
                    .all(|m| m.friends);
                if !people_friends {
                    return Err(AppError::Forbidden);
                }
            }
            None if !member.friends => return Err(AppError::Forbidden),
            None => {}
            Some(gate) => {
                match gate.status {
                    GroupStatus::Disabled => return Err(AppError::GroupDisabled),
                    GroupStatus::Muted => return Err(AppError::Muted { until: None }),
                    GroupStatus::Active => {}
                }
                if gate.dissolved || (gate.muted_all && !member.role.manages()) {
                    return Err(AppError::Muted { until: None });
                }
                if let Some(until) = member.muted_until.filter(|t| *t > now_ms()) {
                    return Err(AppError::Muted { until: Some(until) });
                }
            }
        }
        Ok(access)
    }
}

#[async_trait]
impl MessagesApi for Api {
    async fn list_conversations(
        &self,
        caller: &Caller,
    ) -> Result<Vec<ConversationSummary>, AppError> {
        let me = caller.auth()?.user_id;
        let repo::ListData {
            rows,
            last,
            unread,
            peers,
            groups,
            mentioned,
        } = repo::list_for(&self.state.db, me).await?;
        // Each side table indexed once: a user in thousands of conversations costs linear work.
        let peers: HashMap<i64, _> = peers.iter().map(|p| (p.0, p)).collect();
        let groups: HashMap<i64, _> = groups.iter().map(|g| (g.0, g)).collect();
        let unread: HashMap<i64, i64> = unread.into_iter().collect();
        let mut last: HashMap<i64, Message> =
            last.into_iter().map(|m| (m.conversation_id.0, m)).collect();
        // The system chat speaks for the server, under the site's name.
        let site_name = if rows.iter().any(|r| r.kind == "system") {
            crate::repo::settings::get_string(&self.state.db, crate::repo::settings::SITE_NAME)
                .await?
                .unwrap_or_else(|| shared::model::DEFAULT_SITE_NAME.to_owned())
        } else {
            String::new()
        };
        let mut list: Vec<ConversationSummary> = rows
            .into_iter()
            .map(|row| {
                let peer = peers.get(&row.id).copied();
                let group = groups.get(&row.id).copied();
                let group_name = group.map(|g| g.2.clone());
                let avatar = match (group, peer) {
                    (Some(g), _) => g.3.clone(),
                    (None, Some(p)) => p.4.clone(),
                    (None, None) => None,
                };
                let title = match (group_name, peer) {
                    (Some(name), _) => name,
                    (None, Some((_, _, nickname, remark, _))) => match remark {
                        Some(r) if !r.is_empty() => r.clone(),
                        _ => nickname.clone(),
                    },
                    (None, None) if row.kind == "system" => site_name.clone(),
                    (None, None) => String::new(),
                };
                ConversationSummary {
                    id: ConversationId(row.id),
                    kind: match row.kind.as_str() {
                        "group" => ConversationKind::Group,
                        "system" => ConversationKind::System,
                        _ => ConversationKind::Direct,
                    },
                    title,
                    avatar_url: shared::model::avatar_url(avatar),
                    peer_id: peer.map(|p| UserId(p.1)),
                    group_id: group.map(|g| shared::ids::GroupId(g.1)),
                    last_message: last.remove(&row.id),
                    last_seq: row.last_seq,
                    read_seq: row.read_seq,
                    unread: unread
                        .get(&row.id)
                        .map_or(0, |c| u64::try_from(*c).unwrap_or(0)),
                    pinned: row.pinned,
                    muted: row.muted,
                    mentioned: mentioned.contains(&row.id),
                    updated_at: row.updated_at,
                }
            })
            .collect();
        list.sort_by(|a, b| {
            b.pinned
                .cmp(&a.pinned)
                .then(b.updated_at.cmp(&a.updated_at))
                .then(b.id.0.cmp(&a.id.0))
        });
        Ok(list)
    }

    async fn send_message(
        &self,
        caller: &Caller,
        conversation_id: ConversationId,
        client_msg_id: String,
        body: MessageBody,
        reply_to: Option<MessageId>,
        mentions: Vec<Mention>,
    ) -> Result<Message, AppError> {
        if mentions.len() > MENTIONS_MAX {
            return Err(AppError::invalid("mentions", Invalid::OutOfRange));
        }
        let (me, body, access) = self
            .check_send(caller, conversation_id, &client_msg_id, body)
            .await?;
        let mentioned = check_mentions(&access, me, &body, &mentions)?;
        let quote = match reply_to {
            Some(id) => Some(self.check_reply(conversation_id, &body, id).await?),
            None => None,
        };
        let media_ids = body.all_media_ids();
        let search_terms = crate::search::terms_of(&body);
        let body_json = StoredBody {
            body,
            reply_to: reply_to.map(|id| id.0),
            edited_at: None,
            mentions,
        }
        .to_json()?;
        let stored = self
            .state
            .writer
            .insert(NewMessage {
                conversation: conversation_id,
                sender: me,
                client_msg_id: client_msg_id.clone(),
                body_json,
                media_ids,
                mentions: mentioned,
                quote: quote.map(Box::new),
                now: now_ms(),
                search_terms,
            })
            .await?;
        match stored {
            // The writer has delivered it to the members, after the commit.
            Stored::New(message) => {
                self.after_send(&access, &message).await;
                Ok(message)
            }
            Stored::Duplicate(message) if message.conversation_id == conversation_id => {
                // Answered as readers see it (with its quote and reactions).
                Ok(
                    crate::repo::message_actions::find(&self.state.db, message.id)
                        .await?
                        .unwrap_or(message),
                )
            }
            // The same client id reused for another conversation is a client bug.
            Stored::Duplicate(_) => Err(AppError::invalid("client_msg_id", Invalid::OutOfRange)),
        }
    }

    async fn list_messages(
        &self,
        caller: &Caller,
        conversation_id: ConversationId,
        before_seq: Option<i64>,
        limit: Option<u32>,
    ) -> Result<Vec<Message>, AppError> {
        let me = caller.auth()?.user_id;
        let limit = limit.unwrap_or(DEFAULT_PAGE);
        if limit == 0 || limit > validate::PAGE_MAX {
            return Err(AppError::invalid("limit", Invalid::OutOfRange));
        }
        self.access_conversation(me, conversation_id).await?;
        Ok(repo::history(
            &self.state.db,
            me,
            conversation_id,
            before_seq,
            i64::from(limit),
        )
        .await?)
    }

    async fn list_messages_around(
        &self,
        caller: &Caller,
        conversation_id: ConversationId,
        seq: i64,
        limit: Option<u32>,
    ) -> Result<Vec<Message>, AppError> {
        let me = caller.auth()?.user_id;
        let limit = limit.unwrap_or(DEFAULT_PAGE);
        if limit == 0 || limit > validate::PAGE_MAX {
            return Err(AppError::invalid("limit", Invalid::OutOfRange));
        }
        if seq < 1 {
            return Err(AppError::invalid("seq", Invalid::OutOfRange));
        }
        self.access_conversation(me, conversation_id).await?;
        Ok(crate::repo::message_actions::around(
            &self.state.db,
            me,
            conversation_id,
            seq,
            i64::from(limit),
        )
        .await?)
    }

    async fn recall_message(
        &self,
        caller: &Caller,
        message_id: MessageId,
    ) -> Result<Message, AppError> {
        self.do_recall(caller, message_id).await
    }

    async fn edit_message(
        &self,
        caller: &Caller,
        message_id: MessageId,
        text: String,
    ) -> Result<Message, AppError> {
        self.do_edit(caller, message_id, text).await
    }

    async fn delete_message_for_me(
        &self,
        caller: &Caller,
        message_id: MessageId,
    ) -> Result<(), AppError> {
        self.do_hide(caller, message_id).await
    }

    async fn forward_messages(
        &self,
        caller: &Caller,
        message_ids: Vec<MessageId>,
        conversation_ids: Vec<ConversationId>,
        merged: bool,
    ) -> Result<Vec<Message>, AppError> {
        self.do_forward(caller, message_ids, conversation_ids, merged)
            .await
    }

    async fn react_message(
        &self,
        caller: &Caller,
        message_id: MessageId,
        emoji: String,
        on: bool,
    ) -> Result<Message, AppError> {
        self.do_react(caller, message_id, emoji, on).await
    }

    async fn get_read_receipts(
        &self,
        caller: &Caller,
        conversation_id: ConversationId,
    ) -> Result<ReadReceipts, AppError> {
        let me = caller.auth()?.user_id;
        self.read_receipts(me, conversation_id).await
    }

    async fn list_message_readers(
        &self,
        caller: &Caller,
        message_id: MessageId,
    ) -> Result<MessageReaders, AppError> {
        let me = caller.auth()?.user_id;
        self.message_readers(me, message_id).await
    }

    async fn search_messages(
        &self,
        caller: &Caller,
        query: String,
        conversation_id: Option<ConversationId>,
        before_id: Option<MessageId>,
        limit: Option<u32>,
    ) -> Result<Vec<shared::model::SearchHit>, AppError> {
        self.search(caller, query, conversation_id, before_id, limit)
            .await
    }

    async fn set_typing(
        &self,
        caller: &Caller,
        conversation_id: ConversationId,
    ) -> Result<(), AppError> {
        let me = caller.auth()?.user_id;
        self.typing(me, conversation_id).await
    }

    async fn set_conversation_flags(
        &self,
        caller: &Caller,
        conversation_id: ConversationId,
        pinned: bool,
        muted: bool,
    ) -> Result<(), AppError> {
        let me = caller.auth()?.user_id;
        self.access_conversation(me, conversation_id).await?;
        repo::set_flags(&self.state.db, conversation_id, me, pinned, muted).await?;
        self.state.hub.send_to(
            &[me],
            &ServerEvent::ConversationFlags {
                conversation_id,
                pinned,
                muted,
            },
        );
        Ok(())
    }

    async fn mark_read(
        &self,
        caller: &Caller,
        conversation_id: ConversationId,
        seq: i64,
    ) -> Result<(), AppError> {
        let me = caller.auth()?.user_id;
        if seq < 0 {
            return Err(AppError::invalid("seq", Invalid::OutOfRange));
        }
        self.access_conversation(me, conversation_id).await?;
        let last_seq = repo::last_seq(&self.state.db, conversation_id).await?;
        let moved = repo::mark_read(&self.state.db, conversation_id, me, seq, last_seq).await?;
        if let Some((from, to)) = moved {
            self.hint_receipts(conversation_id, me, from, to).await;
        }
        self.state.hub.send_to(
            &[me],
            &ServerEvent::ReadCursor {
                conversation_id,
                seq: seq.min(last_seq),
            },
        );
        Ok(())
    }
}

/// The `message_mentions` rows of a send (0 for everyone) after checking its mentions: only a
/// text in a group mentions; each range lies in the text and starts with `@`, in order without
/// overlap; each user is a member; `@all` needs an owner or admin.
fn check_mentions(
    access: &ConversationAccess,
    me: UserId,
    body: &MessageBody,
    mentions: &[Mention],
) -> Result<Vec<i64>, AppError> {
    if mentions.is_empty() {
        return Ok(Vec::new());
    }
    let MessageBody::Text { text } = body else {
        return Err(AppError::invalid("mentions", Invalid::WrongKind));
    };
    if access.is_direct() {
        return Err(AppError::invalid("mentions", Invalid::WrongKind));
    }
    let chars: Vec<char> = text.chars().collect();
    let mut end = 0usize;
    let mut users = Vec::with_capacity(mentions.len());
    for m in mentions {
        let start = m.start as usize;
        let len = m.len as usize;
        let fits = start >= end
            && len >= 2
            && start.checked_add(len).is_some_and(|e| e <= chars.len())
            && chars.get(start) == Some(&'@');
        if !fits {
            return Err(AppError::invalid("mentions", Invalid::OutOfRange));
        }
        end = start + len;
        match m.user_id {
            None => {
                let manages = access.member(me).is_some_and(|x| x.role.manages());
                if !manages {
                    return Err(AppError::Forbidden);
                }
                users.push(0);
            }
            Some(user) => {
                if access.member(user).is_none() {
                    return Err(AppError::invalid("mentions", Invalid::Unknown));
                }
                users.push(user.0);
            }
        }
    }
    users.sort_unstable();
    users.dedup();
    Ok(users)
}
