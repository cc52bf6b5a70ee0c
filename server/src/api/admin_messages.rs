//! The admin console's message browser: any conversation's messages, found by conversation,
//! sender or words, and their removal ("removed by an administrator").

use std::collections::HashMap;

use serde_json::json;
use shared::api::Caller;
use shared::api::admin_content::MessageFilter;
use shared::error::Invalid;
use shared::ids::MessageId;
use shared::model::{
    ADMIN_MESSAGES_DEFAULT, ADMIN_MESSAGES_MAX, ADMIN_REASON_MAX, AdminMessage, Message,
    MessageBody, SEARCH_QUERY_MAX,
};
use shared::{AppError, rights, validate};

use super::Api;
use super::moderation::{Audited, record};
use crate::db::Failure;
use crate::repo::admin_messages as repo;
use crate::repo::message_actions;
use crate::search::{self, terms};

/// Messages a search indexes first, if the background indexer is behind.
const CATCH_UP: i64 = 2000;

impl Api {
    /// `admin_list_messages`.
    pub(crate) async fn do_admin_list_messages(
        &self,
        caller: &Caller,
        filter: MessageFilter,
        limit: Option<u32>,
    ) -> Result<Vec<AdminMessage>, AppError> {
        caller.require(rights::ADMIN)?;
        let limit = limit.unwrap_or(ADMIN_MESSAGES_DEFAULT);
        if !(1..=ADMIN_MESSAGES_MAX).contains(&limit) {
            return Err(AppError::invalid("limit", Invalid::OutOfRange));
        }
        let query = match filter.query.as_deref().map(str::trim) {
            Some(q) if !q.is_empty() => Some(validate::text("query", q, SEARCH_QUERY_MAX, true)?),
            _ => None,
        };
        let db = &self.state.db;
        let ids = match query {
            Some(query) => {
                let wanted = terms::query_terms(&query);
                if wanted.is_empty() {
                    return Ok(Vec::new());
                }
                search::catch_up(db, CATCH_UP).await?;
                let scope = search::Scope::Anyone {
                    sender: filter.user_id,
                };
                search::find(
                    db,
                    scope,
                    &wanted,
                    filter.conversation_id,
                    filter.before_id,
                    i64::from(limit),
                )
                .await?
            }
            None => {
                repo::ids(
                    db,
                    filter.conversation_id,
                    filter.user_id,
                    filter.before_id,
                    i64::from(limit),
                )
                .await?
            }
        };
        let mut found = message_actions::stored_many(db, &ids).await?;
        found.sort_by_key(|m| std::cmp::Reverse(m.id));
        self.admin_messages(found).await
    }

    /// Messages with the names the console shows beside them.
    async fn admin_messages(&self, found: Vec<Message>) -> Result<Vec<AdminMessage>, AppError> {
        let db = &self.state.db;
        let mut conversations: Vec<i64> = found.iter().map(|m| m.conversation_id.0).collect();
        conversations.sort_unstable();
        conversations.dedup();
        let mut senders: Vec<i64> = found
            .iter()
            .filter_map(|m| m.sender_id)
            .map(|s| s.0)
            .collect();
        senders.sort_unstable();
        senders.dedup();
        let titles = repo::titles(db, &conversations).await?;
        let names: HashMap<i64, String> = repo::usernames(db, &senders).await?;
        Ok(found
            .into_iter()
            .map(|message| {
                let (kind, title) = titles
                    .get(&message.conversation_id.0)
                    .cloned()
                    .unwrap_or_default();
                AdminMessage {
                    conversation_kind: kind,
                    conversation_title: title,
                    sender_name: message
                        .sender_id
                        .and_then(|s| names.get(&s.0).cloned())
                        .unwrap_or_default(),
                    message,
                }
            })
            .collect())
    }

    /// `admin_delete_message`.
    pub(crate) async fn do_admin_delete_message(
        &self,
        caller: &Caller,
        id: MessageId,
        reason: String,
    ) -> Result<AdminMessage, AppError> {
        let me = caller.require(rights::ADMIN)?.user_id;
        let reason = validate::text("reason", &reason, ADMIN_REASON_MAX, false)?;
        crate::db_transaction!(&self.state.db, |tx| {
            let Some((current, _)) = message_actions::stored(tx, id).await? else {
                return Err(Failure::Refused(AppError::NotFound));
            };
            if matches!(
                current.body,
                MessageBody::System { .. } | MessageBody::Recalled { .. }
            ) {
                return Err(AppError::invalid("message_id", Invalid::WrongKind).into());
            }
            message_actions::recall(tx, &current, me, true).await?;
            search::forget(tx, id).await?;
            let sender = current.sender_id.map(|s| s.0);
            record(
                tx,
                caller,
                Audited {
                    action: "delete_message",
                    target_kind: "message",
                    target_id: Some(id.0),
                    target_name: "",
                    detail: json!({
                        "conversation_id": current.conversation_id.0,
                        "sender_id": sender,
                        "before": current.body,
                        "reason": reason,
                    }),
                },
            )
            .await?;
            Ok::<_, Failure>(())
        })?;
        tracing::info!(message = %id, by = %me, "message removed by an administrator");
        let message = message_actions::find(&self.state.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        if let Some(access) = self
            .state
            .hub
            .caches()
            .conversation(&self.state.db, message.conversation_id)
            .await?
        {
            self.announce_change(id, &access).await?;
        }
        self.admin_messages(vec![message])
            .await?
            .pop()
            .ok_or(AppError::NotFound)
    }
}
