//! Incoming webhooks as stored: a group's secret URLs, each posting as its own bot.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use shared::ids::{ConversationId, GroupId, UserId};
use shared::model::IncomingWebhook;

use crate::conn_run;
use crate::db::schema::{chat_groups, incoming_webhooks, users};
use crate::db::{Conn, DbError};

/// A hook found by its token: `(id, conversation, bot)`.
#[derive(Debug, Clone, Copy)]
pub struct Hook {
    /// Its id.
    pub id: i64,
    /// Where it posts.
    pub conversation: ConversationId,
    /// As whom.
    pub bot: UserId,
}

/// The group whose conversation is `conversation`, if it is a group's.
pub async fn group_of(
    conn: &mut Conn<'_>,
    conversation: ConversationId,
) -> Result<Option<GroupId>, DbError> {
    conn_run!(conn, |conn| {
        Ok::<_, DbError>(
            chat_groups::table
                .filter(chat_groups::conversation_id.eq(conversation.0))
                .select(chat_groups::id)
                .first::<i64>(conn)
                .await
                .optional()?
                .map(GroupId),
        )
    })
}

/// Stores a hook; its id.
pub async fn insert(
    conn: &mut Conn<'_>,
    conversation: ConversationId,
    bot: UserId,
    name: &str,
    token_hash: &str,
    by: UserId,
    at: i64,
) -> Result<i64, DbError> {
    conn_run!(conn, |conn| {
        Ok::<_, DbError>(
            diesel::insert_into(incoming_webhooks::table)
                .values((
                    incoming_webhooks::conversation_id.eq(conversation.0),
                    incoming_webhooks::bot_id.eq(bot.0),
                    incoming_webhooks::name.eq(name),
                    incoming_webhooks::token_hash.eq(token_hash),
                    incoming_webhooks::created_by.eq(by.0),
                    incoming_webhooks::created_at.eq(at),
                ))
                .returning(incoming_webhooks::id)
                .get_result(conn)
                .await?,
        )
    })
}

type Row = (i64, i64, String, i64, Option<i64>, i64, Option<String>);

/// The hooks of `conversation` (only `id` when given), oldest first.
pub async fn list(
    conn: &mut Conn<'_>,
    conversation: Option<ConversationId>,
    id: Option<i64>,
) -> Result<Vec<IncomingWebhook>, DbError> {
    let rows: Vec<Row> = conn_run!(conn, |conn| {
        let mut query = incoming_webhooks::table
            .left_join(users::table.on(users::id.nullable().eq(incoming_webhooks::created_by)))
            .select((
                incoming_webhooks::id,
                incoming_webhooks::conversation_id,
                incoming_webhooks::name,
                incoming_webhooks::bot_id,
                incoming_webhooks::created_by,
                incoming_webhooks::created_at,
                users::username.nullable(),
            ))
            .order(incoming_webhooks::id.asc())
            .into_boxed();
        if let Some(conversation) = conversation {
            query = query.filter(incoming_webhooks::conversation_id.eq(conversation.0));
        }
        if let Some(id) = id {
            query = query.filter(incoming_webhooks::id.eq(id));
        }
        Ok::<_, DbError>(query.load(conn).await?)
    })?;
    Ok(rows
        .into_iter()
        .map(
            |(id, conversation, name, bot, by, at, by_name)| IncomingWebhook {
                id,
                conversation_id: ConversationId(conversation),
                name,
                bot_id: UserId(bot),
                created_by: by.map(UserId),
                created_by_name: by_name.unwrap_or_default(),
                created_at: at,
                url: None,
            },
        )
        .collect())
}

/// The hook whose token hashes to `hash`.
pub async fn find(conn: &mut Conn<'_>, hash: &str) -> Result<Option<Hook>, DbError> {
    let row: Option<(i64, i64, i64)> = conn_run!(conn, |conn| {
        Ok::<_, DbError>(
            incoming_webhooks::table
                .filter(incoming_webhooks::token_hash.eq(hash))
                .select((
                    incoming_webhooks::id,
                    incoming_webhooks::conversation_id,
                    incoming_webhooks::bot_id,
                ))
                .first(conn)
                .await
                .optional()?,
        )
    })?;
    Ok(row.map(|(id, conversation, bot)| Hook {
        id,
        conversation: ConversationId(conversation),
        bot: UserId(bot),
    }))
}

/// Deletes hook `id`.
pub async fn delete(conn: &mut Conn<'_>, id: i64) -> Result<(), DbError> {
    conn_run!(conn, |conn| {
        diesel::delete(incoming_webhooks::table.find(id))
            .execute(conn)
            .await?;
        Ok::<_, DbError>(())
    })
}
