//! Acting on a sent message: reply (the quote's check), recall, edit, delete for me, forward
//! and reactions. Each change is checked first, made in one unit of work, and announced with
//! `message_changed` (or `message_hidden` to the caller's own devices) after the commit.

use std::sync::Arc;

use shared::api::Caller;
use shared::error::Invalid;
use shared::event::ServerEvent;
use shared::ids::{ConversationId, MessageId, UserId};
use shared::model::{
    FORWARD_MERGED_MAX, FORWARD_SEPARATE_MAX, FORWARD_TARGETS_MAX, ForwardedItem, GroupRole,
    Message, MessageBody, Quote, REACTIONS,
};
use shared::{AppError, rights, validate};

use super::Api;
use crate::auth::limits::Action;
use crate::db::Failure;
use crate::repo::message_actions as repo;
use crate::repo::message_batch::NewMessage;
use crate::repo::messages::{ConversationAccess, Stored, StoredBody};
use crate::time::now_ms;

/// The largest stored body a merged forward may have (its event goes to every member).
const FORWARD_BODY_MAX: usize = 256 * 1024;

impl Api {
    /// The message `id` and its conversation's access data, if `me` is a member there; a
    /// message elsewhere is `not_found`, as for a missing id.
    async fn access_message(
        &self,
        me: UserId,
        id: MessageId,
    ) -> Result<(Message, Arc<ConversationAccess>), AppError> {
        let message = repo::find(&self.state.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        match self.access_conversation(me, message.conversation_id).await {
            Ok(access) => Ok((message, access)),
            Err(AppError::Forbidden) => Err(AppError::NotFound),
            Err(e) => Err(e),
        }
    }

    /// Sends `message`'s new form to every member of its conversation.
    pub(crate) async fn announce_change(
        &self,
        id: MessageId,
        access: &ConversationAccess,
    ) -> Result<Message, AppError> {
        let message = repo::find(&self.state.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.state.hub.send_to(
            access.member_ids(),
            &ServerEvent::MessageChanged {
                message: message.clone(),
            },
        );
        Ok(message)
    }

    /// The quote for a reply to `id` in `conversation`: only a text may reply, and only to a
    /// message of the same conversation.
    pub(crate) async fn check_reply(
        &self,
        conversation: ConversationId,
        body: &MessageBody,
        id: MessageId,
    ) -> Result<Quote, AppError> {
        if !matches!(body, MessageBody::Text { .. }) {
            return Err(AppError::invalid("reply_to", Invalid::WrongKind));
        }
        let quoted = repo::find(&self.state.db, id).await?;
        match quoted {
            Some(m) if m.conversation_id == conversation => {
                if matches!(m.body, MessageBody::System { .. }) {
                    return Err(AppError::invalid("reply_to", Invalid::WrongKind));
                }
                Ok(repo::quote_of(&m))
            }
            _ => Err(AppError::invalid("reply_to", Invalid::Unknown)),
        }
    }

    /// Recalls a message: its sender within the recall window; a group's owner any message,
    /// its admins those of ordinary members, at any time.
    pub(crate) async fn do_recall(
        &self,
        caller: &Caller,
        id: MessageId,
    ) -> Result<Message, AppError> {
        let me = caller.auth()?.user_id;
        self.state.limits.check_user(me, Action::Send)?;
        let (message, access) = self.access_message(me, id).await?;
        if matches!(message.body, MessageBody::System { .. }) {
            return Err(AppError::invalid("message_id", Invalid::WrongKind));
        }
        let window = self.recall_window_ms().await?;
        let role = |u: Option<UserId>| {
            u.and_then(|u| access.member(u))
                .map_or(GroupRole::Member, |m| m.role)
        };
        let moderates = access.group.is_some()
            && match role(Some(me)) {
                GroupRole::Owner => true,
                GroupRole::Admin => role(message.sender_id) == GroupRole::Member,
                GroupRole::Member => false,
            };
        if !moderates {
            if message.sender_id != Some(me) {
                return Err(AppError::Forbidden);
            }
            if now_ms() - message.created_at > window {
                return Err(AppError::TooLate);
            }
        }
        if matches!(message.body, MessageBody::Recalled { .. }) {
            return Ok(message);
        }
        crate::db_transaction!(&self.state.db, |tx| {
            // Read again inside the unit: a concurrent recall or edit is seen.
            let Some((current, _)) = repo::stored(tx, id).await? else {
                return Err(Failure::Refused(AppError::NotFound));
            };
            if matches!(current.body, MessageBody::Recalled { .. }) {
                return Ok(());
            }
            repo::recall(tx, &current, me, false).await?;
            crate::search::forget(tx, id).await?;
            Ok::<_, Failure>(())
        })?;
        tracing::info!(message = %id, by = %me, "message recalled");
        self.announce_change(id, &access).await
    }

    /// Replaces the text of the caller's own text message within the edit window.
    pub(crate) async fn do_edit(
        &self,
        caller: &Caller,
        id: MessageId,
        text: String,
    ) -> Result<Message, AppError> {
        let me = caller.require(rights::SPEAK)?.user_id;
        self.state.limits.check_user(me, Action::Send)?;
        let text = validate::text("text", &text, validate::TEXT_MAX, true)?;
        let (message, _) = self.access_message(me, id).await?;
        if message.sender_id != Some(me) {
            return Err(AppError::Forbidden);
        }
        if !matches!(message.body, MessageBody::Text { .. }) {
            return Err(AppError::invalid("message_id", Invalid::WrongKind));
        }
        if !message.editable_by(me, now_ms()) {
            return Err(AppError::TooLate);
        }
        // Editing is speaking: a muted member may not, nor someone no longer a friend.
        let access = self.check_may_post(me, message.conversation_id).await?;
        crate::db_transaction!(&self.state.db, |tx| {
            let Some((current, reply_to)) = repo::stored(tx, id).await? else {
                return Err(Failure::Refused(AppError::NotFound));
            };
            if !matches!(current.body, MessageBody::Text { .. }) {
                // Recalled in the meantime.
                return Err(Failure::Refused(AppError::TooLate));
            }
            // The new text's ranges are unknown: its mentions go.
            let body = StoredBody {
                body: MessageBody::Text { text: text.clone() },
                reply_to,
                edited_at: Some(now_ms()),
                mentions: Vec::new(),
            };
            repo::set_body(tx, id, &body).await?;
            repo::drop_mentions(tx, id).await?;
            crate::repo::webhook_events::note_change(tx, &current, me).await?;
            crate::search::reindex(tx, id, current.conversation_id, &body.body).await?;
            Ok::<_, Failure>(())
        })?;
        self.announce_change(id, &access).await
    }

    /// Hides a message from the caller's history on all their devices.
    pub(crate) async fn do_hide(&self, caller: &Caller, id: MessageId) -> Result<(), AppError> {
        let me = caller.auth()?.user_id;
        let (message, _) = self.access_message(me, id).await?;
        repo::hide(&self.state.db, id, me, now_ms()).await?;
        self.state.hub.send_to(
            &[me],
            &ServerEvent::MessageHidden {
                conversation_id: message.conversation_id,
                message_id: id,
            },
        );
        Ok(())
    }

    /// Adds or removes the caller's reaction.
    pub(crate) async fn do_react(
        &self,
        caller: &Caller,
        id: MessageId,
        emoji: String,
        on: bool,
    ) -> Result<Message, AppError> {
        let me = caller.require(rights::SPEAK)?.user_id;
        self.state.limits.check_user(me, Action::Send)?;
        if !REACTIONS.contains(&emoji.as_str()) {
            return Err(AppError::invalid("emoji", Invalid::Unknown));
        }
        let (message, access) = self.access_message(me, id).await?;
        if matches!(
            message.body,
            MessageBody::System { .. } | MessageBody::Recalled { .. }
        ) {
            return Err(AppError::invalid("message_id", Invalid::WrongKind));
        }
        let already = message
            .reactions
            .iter()
            .any(|r| r.emoji == emoji && r.users.contains(&me));
        if already == on {
            return Ok(message);
        }
        crate::db_transaction!(&self.state.db, |tx| {
            let Some((current, _)) = repo::stored(tx, id).await? else {
                return Err(Failure::Refused(AppError::NotFound));
            };
            if matches!(current.body, MessageBody::Recalled { .. }) {
                return Err(Failure::Refused(AppError::invalid(
                    "message_id",
                    Invalid::WrongKind,
                )));
            }
            repo::react(tx, id, me, &emoji, on, now_ms()).await?;
            crate::repo::webhook_events::note_change(tx, &current, me).await?;
            Ok::<_, Failure>(())
        })?;
        self.announce_change(id, &access).await
    }

    /// Forwards messages the caller can see, one by one or merged into one chat-history card.
    pub(crate) async fn do_forward(
        &self,
        caller: &Caller,
        mut message_ids: Vec<MessageId>,
        mut targets: Vec<ConversationId>,
        merged: bool,
    ) -> Result<Vec<Message>, AppError> {
        let me = caller.require(rights::SPEAK)?.user_id;
        // Lengths first, before anything is done with the lists.
        let most = if merged {
            FORWARD_MERGED_MAX
        } else {
            FORWARD_SEPARATE_MAX
        };
        if message_ids.is_empty() || message_ids.len() > most {
            return Err(AppError::invalid("message_ids", Invalid::OutOfRange));
        }
        if targets.is_empty() || targets.len() > FORWARD_TARGETS_MAX {
            return Err(AppError::invalid("conversation_ids", Invalid::OutOfRange));
        }
        self.state.limits.check_user(me, Action::Send)?;
        message_ids.sort_unstable();
        message_ids.dedup();
        targets.sort_unstable();
        targets.dedup();
        let mut sources = repo::stored_many(&self.state.db, &message_ids).await?;
        if sources.len() != message_ids.len() {
            return Err(AppError::NotFound);
        }
        let hidden = repo::hidden_among(&self.state.db, me, &message_ids).await?;
        if !hidden.is_empty() {
            return Err(AppError::NotFound);
        }
        let mut from: Vec<ConversationId> = sources.iter().map(|m| m.conversation_id).collect();
        from.dedup();
        for conversation in &from {
            match self.access_conversation(me, *conversation).await {
                Ok(_) => {}
                Err(AppError::Forbidden) => return Err(AppError::NotFound),
                Err(e) => return Err(e),
            }
        }
        if sources.iter().any(|m| {
            matches!(
                m.body,
                MessageBody::System { .. } | MessageBody::Recalled { .. }
            )
        }) {
            return Err(AppError::invalid("message_ids", Invalid::WrongKind));
        }
        if merged && from.len() > 1 {
            return Err(AppError::invalid("message_ids", Invalid::OutOfRange));
        }
        for target in &targets {
            self.check_may_post(me, *target).await?;
        }
        sources.sort_by_key(|m| (m.created_at, m.id));
        let bodies: Vec<MessageBody> = if merged {
            vec![self.merged_body(me, from[0], &sources).await?]
        } else {
            sources.into_iter().map(|m| m.body).collect()
        };
        let mut sends = Vec::with_capacity(bodies.len() * targets.len());
        let now = now_ms();
        for target in &targets {
            for body in &bodies {
                let body_json = StoredBody::plain(body.clone()).to_json()?;
                if body_json.len() > FORWARD_BODY_MAX {
                    return Err(AppError::TooLarge);
                }
                sends.push(NewMessage {
                    conversation: *target,
                    sender: me,
                    client_msg_id: forward_client_id(),
                    body_json,
                    media_ids: body.all_media_ids(),
                    mentions: Vec::new(),
                    quote: None,
                    now,
                    search_terms: crate::search::terms_of(body),
                });
            }
        }
        // Queued in order, so each conversation receives them in the order given; the writer
        // stores those that wait together in one transaction.
        let writer = &self.state.writer;
        let stored =
            futures_util::future::join_all(sends.into_iter().map(|m| writer.insert(m))).await;
        let mut out = Vec::with_capacity(stored.len());
        for result in stored {
            match result? {
                Stored::New(m) | Stored::Duplicate(m) => out.push(m),
            }
        }
        tracing::info!(by = %me, messages = out.len(), merged, "messages forwarded");
        Ok(out)
    }

    /// The chat-history card for `sources` (all from `conversation`), naming each sender as
    /// the forwarder knows them.
    async fn merged_body(
        &self,
        me: UserId,
        conversation: ConversationId,
        sources: &[Message],
    ) -> Result<MessageBody, AppError> {
        let db = &self.state.db;
        let mut senders: Vec<i64> = sources
            .iter()
            .filter_map(|m| m.sender_id.map(|u| u.0))
            .collect();
        let access = self.access_conversation(me, conversation).await?;
        let members: Vec<i64> = access.member_ids().iter().map(|u| u.0).collect();
        if access.is_direct() {
            senders.extend(&members);
        }
        senders.sort_unstable();
        senders.dedup();
        let names = crate::repo::users::nicknames(db, &senders).await?;
        let name = |u: i64| {
            names
                .iter()
                .find(|(id, _)| *id == u)
                .map(|(_, n)| n.clone())
                .unwrap_or_default()
        };
        let (title, people) = match repo::group_name(db, conversation).await? {
            Some(group) => (group, Vec::new()),
            None => {
                // Me first, then the friend.
                let mut people: Vec<i64> = members.clone();
                people.sort_by_key(|u| *u != me.0);
                (String::new(), people.into_iter().map(name).collect())
            }
        };
        let items = sources
            .iter()
            .map(|m| ForwardedItem {
                sender_id: m.sender_id,
                sender_name: m.sender_id.map(|u| name(u.0)).unwrap_or_default(),
                body: m.body.clone(),
                created_at: m.created_at,
            })
            .collect();
        Ok(MessageBody::Forwarded {
            title,
            people,
            items,
        })
    }
}

/// A client id for a forwarded copy: 128 random bits, so unique per sender in practice.
fn forward_client_id() -> String {
    format!(
        "fwd:{:016x}{:016x}",
        rand::random::<u64>(),
        rand::random::<u64>()
    )
}
