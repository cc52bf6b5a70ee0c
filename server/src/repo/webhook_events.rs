//! Changes to stored messages waiting to be posted to webhook bots: written in the unit of work
//! that made the change (so a committed change is never lost to a crash), taken by the delivery
//! worker once the changed message itself has been queued for the bot.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use shared::ids::UserId;
use shared::model::Message;

use crate::conn_run;
use crate::db::schema::{bot_webhook_cursors, bot_webhooks, conversation_members, webhook_events};
use crate::db::{Conn, DbError};

/// The event type of a change to a stored message (edit, recall, reactions, removal).
pub const MESSAGE_CHANGED: &str = "message_changed";

/// A change waiting for one bot.
#[derive(Debug, Clone, Queryable)]
pub struct Waiting {
    /// Its row (the order changes were made in).
    pub id: i64,
    /// The event's type.
    pub event: String,
    /// The conversation.
    pub conversation: i64,
    /// The changed message.
    pub message: i64,
    /// The changed message's seq: the change is posted after the message.
    pub seq: i64,
    /// When the change was made.
    pub created_at: i64,
}

/// Notes, inside the unit of work that changes `message`, that every webhook bot in its
/// conversation other than `actor` is to be told. Costs one indexed lookup when the
/// conversation has no webhook bot.
pub async fn note_change(
    conn: &mut Conn<'_>,
    message: &Message,
    actor: UserId,
) -> Result<(), DbError> {
    let (conversation, seq, now) = (message.conversation_id, message.seq, crate::time::now_ms());
    let message = message.id;
    conn_run!(conn, |conn| {
        let bots: Vec<i64> = conversation_members::table
            .inner_join(
                bot_webhooks::table.on(bot_webhooks::bot_id.eq(conversation_members::user_id)),
            )
            .filter(conversation_members::conversation_id.eq(conversation.0))
            .filter(conversation_members::user_id.ne(actor.0))
            .select(conversation_members::user_id)
            .load(conn)
            .await?;
        for bot in bots {
            diesel::insert_into(webhook_events::table)
                .values((
                    webhook_events::bot_id.eq(bot),
                    webhook_events::event.eq(MESSAGE_CHANGED),
                    webhook_events::conversation_id.eq(conversation.0),
                    webhook_events::message_id.eq(message.0),
                    webhook_events::seq.eq(seq),
                    webhook_events::created_at.eq(now),
                ))
                .execute(conn)
                .await?;
        }
        Ok::<_, DbError>(())
    })
}

/// The oldest `limit` changes waiting for `bot`, in the order they were made.
pub async fn waiting(
    conn: &mut Conn<'_>,
    bot: UserId,
    limit: usize,
) -> Result<Vec<Waiting>, DbError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    conn_run!(conn, |conn| {
        Ok::<_, DbError>(
            webhook_events::table
                .filter(webhook_events::bot_id.eq(bot.0))
                .select((
                    webhook_events::id,
                    webhook_events::event,
                    webhook_events::conversation_id,
                    webhook_events::message_id,
                    webhook_events::seq,
                    webhook_events::created_at,
                ))
                .order(webhook_events::id.asc())
                .limit(limit)
                .load(conn)
                .await?,
        )
    })
}

/// How far `bot`'s conversations among `conversations` have been queued.
pub async fn cursors(
    conn: &mut Conn<'_>,
    bot: UserId,
    conversations: &[i64],
) -> Result<HashMap<i64, i64>, DbError> {
    if conversations.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, i64)> = conn_run!(conn, |conn| {
        Ok::<_, DbError>(
            bot_webhook_cursors::table
                .filter(bot_webhook_cursors::bot_id.eq(bot.0))
                .filter(bot_webhook_cursors::conversation_id.eq_any(conversations))
                .select((
                    bot_webhook_cursors::conversation_id,
                    bot_webhook_cursors::seq,
                ))
                .load(conn)
                .await?,
        )
    })?;
    Ok(rows.into_iter().collect())
}

/// Removes `bot`'s waiting changes up to row `through` (they were queued, or their message is
/// gone).
pub async fn take(conn: &mut Conn<'_>, bot: UserId, through: i64) -> Result<(), DbError> {
    conn_run!(conn, |conn| {
        diesel::delete(
            webhook_events::table
                .filter(webhook_events::bot_id.eq(bot.0))
                .filter(webhook_events::id.le(through)),
        )
        .execute(conn)
        .await?;
        Ok::<_, DbError>(())
    })
}
