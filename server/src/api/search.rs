//! Searching the caller's messages.

use shared::api::Caller;
use shared::error::Invalid;
use shared::ids::{ConversationId, MessageId};
use shared::model::{SEARCH_PAGE_MAX, SEARCH_QUERY_MAX, SearchHit};
use shared::{AppError, validate};

use super::Api;
use crate::auth::limits::Action;
use crate::search::{self, terms};

/// Results per page unless asked otherwise.
const DEFAULT_PAGE: u32 = 20;
/// Messages a search indexes first, if the background indexer is behind.
const CATCH_UP: i64 = 2000;

impl Api {
    /// See `shared::api::messages::search_messages`.
    pub(crate) async fn search(
        &self,
        caller: &Caller,
        query: String,
        conversation: Option<ConversationId>,
        before: Option<MessageId>,
        limit: Option<u32>,
    ) -> Result<Vec<SearchHit>, AppError> {
        let me = caller.auth()?.user_id;
        let query = validate::text("query", &query, SEARCH_QUERY_MAX, true)?;
        let limit = limit.unwrap_or(DEFAULT_PAGE);
        if limit == 0 || limit > SEARCH_PAGE_MAX {
            return Err(AppError::invalid("limit", Invalid::OutOfRange));
        }
        self.state.limits.check_user(me, Action::Search)?;
        if let Some(conversation) = conversation {
            self.access_conversation(me, conversation).await?;
        }
        let wanted = terms::query_terms(&query);
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        search::catch_up(&self.state.db, CATCH_UP).await?;
        let ids = search::find(
            &self.state.db,
            search::Scope::Reader(me),
            &wanted,
            conversation,
            before,
            i64::from(limit),
        )
        .await?;
        let found = crate::repo::message_actions::stored_many(&self.state.db, &ids).await?;
        let mut hits: Vec<SearchHit> = found
            .into_iter()
            .map(|message| {
                let highlights = terms::highlights(&search::searchable(&message.body), &query);
                SearchHit {
                    message,
                    highlights,
                }
            })
            .collect();
        hits.sort_by_key(|h| std::cmp::Reverse(h.message.id));
        Ok(hits)
    }
}
