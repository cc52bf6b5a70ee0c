//! The admin console's message browser: ids of any conversation's messages, and what names
//! their conversations and senders.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use shared::ids::{ConversationId, MessageId, UserId};

use crate::db::schema::{chat_groups, conversation_members, conversations, messages, users};
use crate::db::{Db, DbError};
use crate::db_run;

/// Ids of messages of `conversation` (any when `None`) sent by `sender` (anyone when `None`),
/// older than `before`, newest first, at most `limit`.
pub async fn ids(
    db: &Db,
    conversation: Option<ConversationId>,
    sender: Option<UserId>,
    before: Option<MessageId>,
    limit: i64,
) -> Result<Vec<MessageId>, DbError> {
    let ids: Vec<i64> = db_run!(db, |conn| {
        let mut query = messages::table.select(messages::id).into_boxed();
        if let Some(c) = conversation {
            query = query.filter(messages::conversation_id.eq(c.0));
        }
        if let Some(s) = sender {
            query = query.filter(messages::sender_id.eq(s.0));
        }
        if let Some(b) = before {
            query = query.filter(messages::id.lt(b.0));
        }
        Ok::<_, DbError>(
            query
                .order(messages::id.desc())
                .limit(limit)
                .load(conn)
                .await?,
        )
    })?;
    Ok(ids.into_iter().map(MessageId).collect())
}

/// How the console names conversations: `(kind, title)` by conversation id, a group by its
/// name and a direct chat by its two usernames.
pub async fn titles(
    db: &Db,
    conversations_: &[i64],
) -> Result<HashMap<i64, (String, String)>, DbError> {
    type Kinds = Vec<(i64, String)>;
    type Names = Vec<(i64, String)>;
    type People = Vec<(i64, String)>;
    let (kinds, groups, people): (Kinds, Names, People) = db_run!(db, |conn| {
        let kinds = conversations::table
            .filter(conversations::id.eq_any(conversations_))
            .select((conversations::id, conversations::kind))
            .load(conn)
            .await?;
        let groups = chat_groups::table
            .filter(chat_groups::conversation_id.eq_any(conversations_))
            .select((chat_groups::conversation_id, chat_groups::name))
            .load(conn)
            .await?;
        let people = conversation_members::table
            .inner_join(users::table)
            .filter(conversation_members::conversation_id.eq_any(conversations_))
            .filter(
                conversation_members::conversation_id.eq_any(
                    conversations::table
                        .filter(conversations::kind.eq("direct"))
                        .filter(conversations::id.eq_any(conversations_))
                        .select(conversations::id),
                ),
            )
            .select((conversation_members::conversation_id, users::username))
            .order((conversation_members::conversation_id, users::username))
            .load(conn)
            .await?;
        Ok::<_, DbError>((kinds, groups, people))
    })?;
    let mut out = HashMap::with_capacity(kinds.len());
    for (id, kind) in kinds {
        let title = if kind == "group" {
            groups
                .iter()
                .find(|(c, _)| *c == id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default()
        } else {
            people
                .iter()
                .filter(|(c, _)| *c == id)
                .map(|(_, n)| n.as_str())
                .collect::<Vec<_>>()
                .join(" · ")
        };
        out.insert(id, (kind, title));
    }
    Ok(out)
}

/// Usernames by id.
pub async fn usernames(db: &Db, ids: &[i64]) -> Result<HashMap<i64, String>, DbError> {
    let rows: Vec<(i64, String)> = db_run!(db, |conn| {
        Ok::<_, DbError>(
            users::table
                .filter(users::id.eq_any(ids))
                .select((users::id, users::username))
                .load(conn)
                .await?,
        )
    })?;
    Ok(rows.into_iter().collect())
}
