//! Bots' outgoing webhooks as stored: the URL and key per bot, how far each of the bot's
//! conversations has been queued, and the queue of deliveries that doubles as their log.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use shared::ids::{ConversationId, MessageId, UserId};
use shared::model::{DeliveryStatus, WebhookDelivery};

use crate::conn_run;
use crate::db::schema::{
    bot_webhook_cursors, bot_webhooks, conversation_members, conversations, messages,
    webhook_deliveries, webhook_events,
};
use crate::db::{Conn, DbError};

/// A bot's webhook as the delivery worker holds it.
#[derive(Debug, Clone)]
pub struct Target {
    /// The bot.
    pub bot: UserId,
    /// Where to post.
    pub url: String,
    /// The signing key.
    pub secret: String,
    /// Since when it is set (messages before it are not queued).
    pub created_at: i64,
}

/// The webhook of `bot`: `(url, secret)`.
pub async fn get(conn: &mut Conn<'_>, bot: UserId) -> Result<Option<(String, String)>, DbError> {
    conn_run!(conn, |conn| {
        Ok::<_, DbError>(
            bot_webhooks::table
                .find(bot.0)
                .select((bot_webhooks::url, bot_webhooks::secret))
                .first(conn)
                .await
                .optional()?,
        )
    })
}

/// Sets the URL of `bot`'s webhook, keeping its key if it had one (else storing `secret`),
/// and marks every conversation of the bot as queued up to its newest message. The key in
/// force.
pub async fn set(
    conn: &mut Conn<'_>,
    bot: UserId,
    url: &str,
    secret: &str,
    now: i64,
) -> Result<String, DbError> {
    if let Some((_, kept)) = get(conn, bot).await? {
        conn_run!(conn, |conn| {
            diesel::update(bot_webhooks::table.find(bot.0))
                .set((bot_webhooks::url.eq(url), bot_webhooks::updated_at.eq(now)))
                .execute(conn)
                .await?;
            // A new address is tried at once.
            diesel::update(
                webhook_deliveries::table
                    .filter(webhook_deliveries::bot_id.eq(bot.0))
                    .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str())),
            )
            .set(webhook_deliveries::next_attempt_at.eq(now))
            .execute(conn)
            .await?;
            Ok::<_, DbError>(())
        })?;
        return Ok(kept);
    }
    conn_run!(conn, |conn| {
        diesel::insert_into(bot_webhooks::table)
            .values((
                bot_webhooks::bot_id.eq(bot.0),
                bot_webhooks::url.eq(url),
                bot_webhooks::secret.eq(secret),
                bot_webhooks::created_at.eq(now),
                bot_webhooks::updated_at.eq(now),
            ))
            .execute(conn)
            .await?;
        // Only what happens from now on is posted.
        let heads: Vec<(i64, i64)> = conversation_members::table
            .inner_join(conversations::table)
            .filter(conversation_members::user_id.eq(bot.0))
            .select((conversations::id, conversations::last_seq))
            .load(conn)
            .await?;
        diesel::delete(bot_webhook_cursors::table.filter(bot_webhook_cursors::bot_id.eq(bot.0)))
            .execute(conn)
            .await?;
        for (conversation, seq) in heads {
            diesel::insert_into(bot_webhook_cursors::table)
                .values((
                    bot_webhook_cursors::bot_id.eq(bot.0),
                    bot_webhook_cursors::conversation_id.eq(conversation),
                    bot_webhook_cursors::seq.eq(seq),
                ))
                .execute(conn)
                .await?;
        }
        Ok::<_, DbError>(secret.to_owned())
    })
}

/// Removes `bot`'s webhook: its cursors and waiting changes go and the deliveries still queued
/// are given up.
/// Whether it had one.
pub async fn remove(
    conn: &mut Conn<'_>,
    bot: UserId,
    why: &str,
    now: i64,
) -> Result<bool, DbError> {
    conn_run!(conn, |conn| {
        let n = diesel::delete(bot_webhooks::table.find(bot.0))
            .execute(conn)
            .await?;
        diesel::delete(bot_webhook_cursors::table.filter(bot_webhook_cursors::bot_id.eq(bot.0)))
            .execute(conn)
            .await?;
        diesel::delete(webhook_events::table.filter(webhook_events::bot_id.eq(bot.0)))
            .execute(conn)
            .await?;
        diesel::update(
            webhook_deliveries::table
                .filter(webhook_deliveries::bot_id.eq(bot.0))
                .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str())),
        )
        .set((
            webhook_deliveries::status.eq(DeliveryStatus::Failed.as_str()),
            webhook_deliveries::last_error.eq(why),
            webhook_deliveries::finished_at.eq(now),
        ))
        .execute(conn)
        .await?;
        Ok::<_, DbError>(n > 0)
    })
}

/// Takes (or keeps) the lease of every webhook no other node holds, until `until`: the
/// webhooks this node delivers for now.
pub async fn lease(
    conn: &mut Conn<'_>,
    node: &str,
    now: i64,
    until: i64,
) -> Result<Vec<Target>, DbError> {
    let rows: Vec<(i64, String, String, i64)> = conn_run!(conn, |conn| {
        Ok::<_, DbError>(
            diesel::update(
                bot_webhooks::table.filter(
                    bot_webhooks::lease_until
                        .lt(now)
                        .or(bot_webhooks::lease_owner.eq(node)),
                ),
            )
            .set((
                bot_webhooks::lease_owner.eq(node),
                bot_webhooks::lease_until.eq(until),
            ))
            .returning((
                bot_webhooks::bot_id,
                bot_webhooks::url,
                bot_webhooks::secret,
                bot_webhooks::created_at,
            ))
            .get_results(conn)
            .await?,
        )
    })?;
    Ok(rows
        .into_iter()
        .map(|(bot, url, secret, created_at)| Target {
            bot: UserId(bot),
            url,
            secret,
            created_at,
        })
        .collect())
}

/// Hands back every webhook `node` holds.
pub async fn release(conn: &mut Conn<'_>, node: &str) -> Result<(), DbError> {
    conn_run!(conn, |conn| {
        diesel::update(bot_webhooks::table.filter(bot_webhooks::lease_owner.eq(node)))
            .set(bot_webhooks::lease_until.eq(0))
            .execute(conn)
            .await?;
        Ok::<_, DbError>(())
    })
}

/// A conversation of a webhook bot with messages not yet queued.
#[derive(Debug, Clone, Copy)]
pub struct Behind {
    /// The conversation.
    pub conversation: ConversationId,
    /// When the bot joined it.
    pub joined_at: i64,
    /// Its newest seq.
    pub last_seq: i64,
    /// The newest seq queued, if the conversation was seen before.
    pub cursor: Option<i64>,
}

/// The conversations of `bot` with messages after its cursor.
pub async fn behind(conn: &mut Conn<'_>, bot: UserId) -> Result<Vec<Behind>, DbError> {
    let rows: Vec<(i64, i64, i64, Option<i64>)> = conn_run!(conn, |conn| {
        Ok::<_, DbError>(
            conversation_members::table
                .inner_join(conversations::table)
                .left_join(
                    bot_webhook_cursors::table.on(bot_webhook_cursors::conversation_id
                        .eq(conversation_members::conversation_id)
                        .and(bot_webhook_cursors::bot_id.eq(bot.0))),
                )
                .filter(conversation_members::user_id.eq(bot.0))
                .select((
                    conversations::id,
                    conversation_members::joined_at,
                    conversations::last_seq,
                    bot_webhook_cursors::seq.nullable(),
                ))
                .load(conn)
                .await?,
        )
    })?;
    Ok(rows
        .into_iter()
        .filter(|(_, _, last, cursor)| cursor.is_none_or(|c| *last > c))
        .map(|(id, joined_at, last_seq, cursor)| Behind {
            conversation: ConversationId(id),
            joined_at,
            last_seq,
            cursor,
        })
        .collect())
}

/// Messages a newly seen conversation is looked back over for where the bot came in.
const LOOK_BACK: i64 = 200;

/// Where to start queueing a conversation seen for the first time: after its newest message
/// from before `since`, looking back at most [`LOOK_BACK`] messages.
pub async fn start_seq(
    conn: &mut Conn<'_>,
    conversation: ConversationId,
    last_seq: i64,
    since: i64,
) -> Result<i64, DbError> {
    let floor = (last_seq - LOOK_BACK).max(0);
    let found: Option<i64> = conn_run!(conn, |conn| {
        Ok::<_, DbError>(
            messages::table
                .filter(messages::conversation_id.eq(conversation.0))
                .filter(messages::seq.gt(floor))
                .filter(messages::created_at.lt(since))
                .select(messages::seq)
                .order(messages::seq.desc())
                .first(conn)
                .await
                .optional()?,
        )
    })?;
    Ok(found.unwrap_or(floor))
}

/// One event to queue.
#[derive(Debug, Clone)]
pub struct NewDelivery {
    /// The `X-Parley-Delivery` id.
    pub delivery_id: String,
    /// The event's type.
    pub event: &'static str,
    /// Its conversation.
    pub conversation: ConversationId,
    /// Its message.
    pub message: MessageId,
    /// The body to post.
    pub payload: String,
}

/// Queues `deliveries` for `bot`, in order, and moves its `cursors` (conversation, seq).
pub async fn enqueue(
    conn: &mut Conn<'_>,
    bot: UserId,
    cursors: &[(ConversationId, i64)],
    deliveries: &[NewDelivery],
    now: i64,
) -> Result<(), DbError> {
    conn_run!(conn, |conn| {
        for d in deliveries {
            diesel::insert_into(webhook_deliveries::table)
                .values((
                    webhook_deliveries::bot_id.eq(bot.0),
                    webhook_deliveries::delivery_id.eq(&d.delivery_id),
                    webhook_deliveries::event.eq(d.event),
                    webhook_deliveries::conversation_id.eq(d.conversation.0),
                    webhook_deliveries::message_id.eq(d.message.0),
                    webhook_deliveries::payload.eq(&d.payload),
                    webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()),
                    webhook_deliveries::created_at.eq(now),
                    webhook_deliveries::next_attempt_at.eq(now),
                ))
                .execute(conn)
                .await?;
        }
        for (conversation, seq) in cursors {
            diesel::insert_into(bot_webhook_cursors::table)
                .values((
                    bot_webhook_cursors::bot_id.eq(bot.0),
                    bot_webhook_cursors::conversation_id.eq(conversation.0),
                    bot_webhook_cursors::seq.eq(seq),
                ))
                .on_conflict((
                    bot_webhook_cursors::bot_id,
                    bot_webhook_cursors::conversation_id,
                ))
                .do_update()
                .set(bot_webhook_cursors::seq.eq(seq))
                .execute(conn)
                .await?;
        }
        Ok::<_, DbError>(())
    })
}

/// How many deliveries of `bot` wait.
pub async fn pending_count(conn: &mut Conn<'_>, bot: UserId) -> Result<i64, DbError> {
    conn_run!(conn, |conn| {
        Ok::<_, DbError>(
            webhook_deliveries::table
                .filter(webhook_deliveries::bot_id.eq(bot.0))
                .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()))
                .count()
                .get_result(conn)
                .await?,
        )
    })
}

/// The oldest waiting delivery of a bot, next in line.
#[derive(Debug, Clone, Queryable)]
pub struct Head {
    /// Its row.
    pub id: i64,
    /// The `X-Parley-Delivery` id.
    pub delivery_id: String,
    /// The event's type.
    pub event: String,
    /// The body.
    pub payload: String,
    /// Attempts so far.
    pub attempts: i32,
    /// When it was queued.
    pub created_at: i64,
    /// When the next attempt is due.
    pub next_attempt_at: i64,
}

/// The next delivery of `bot` in line, if any.
pub async fn head(conn: &mut Conn<'_>, bot: UserId) -> Result<Option<Head>, DbError> {
    conn_run!(conn, |conn| {
        Ok::<_, DbError>(
            webhook_deliveries::table
                .filter(webhook_deliveries::bot_id.eq(bot.0))
                .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()))
                .select((
                    webhook_deliveries::id,
                    webhook_deliveries::delivery_id,
                    webhook_deliveries::event,
                    webhook_deliveries::payload,
                    webhook_deliveries::attempts,
                    webhook_deliveries::created_at,
                    webhook_deliveries::next_attempt_at,
                ))
                .order(webhook_deliveries::id.asc())
                .first(conn)
                .await
                .optional()?,
        )
    })
}

/// What one attempt came to.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// The receiver's status, if it answered.
    pub status_code: Option<u16>,
    /// Why it failed, if it did.
    pub error: Option<String>,
    /// The delivery's state after it.
    pub status: DeliveryStatus,
    /// When to try again (pending only).
    pub next_attempt_at: i64,
}

/// Records an attempt on delivery `id`.
pub async fn record(
    conn: &mut Conn<'_>,
    id: i64,
    attempt: &Attempt,
    now: i64,
) -> Result<(), DbError> {
    let finished = (attempt.status != DeliveryStatus::Pending).then_some(now);
    conn_run!(conn, |conn| {
        diesel::update(webhook_deliveries::table.find(id))
            .set((
                webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
                webhook_deliveries::status.eq(attempt.status.as_str()),
                webhook_deliveries::last_status_code.eq(attempt.status_code.map(i32::from)),
                webhook_deliveries::last_error.eq(attempt.error.as_deref()),
                webhook_deliveries::next_attempt_at.eq(attempt.next_attempt_at),
                webhook_deliveries::finished_at.eq(finished),
            ))
            .execute(conn)
            .await?;
        Ok::<_, DbError>(())
    })
}

/// Gives up every waiting delivery of `bot` queued before `before` (a day of failures).
pub async fn expire(
    conn: &mut Conn<'_>,
    bot: UserId,
    before: i64,
    now: i64,
) -> Result<usize, DbError> {
    conn_run!(conn, |conn| {
        Ok::<_, DbError>(
            diesel::update(
                webhook_deliveries::table
                    .filter(webhook_deliveries::bot_id.eq(bot.0))
                    .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()))
                    .filter(webhook_deliveries::created_at.lt(before)),
            )
            .set((
                webhook_deliveries::status.eq(DeliveryStatus::Failed.as_str()),
                webhook_deliveries::last_error.eq("given up after a day of failures"),
                webhook_deliveries::finished_at.eq(now),
            ))
            .execute(conn)
            .await?,
        )
    })
}

/// Deletes finished deliveries that ended before `before`; how many.
pub async fn prune(conn: &mut Conn<'_>, before: i64) -> Result<usize, DbError> {
    conn_run!(conn, |conn| {
        Ok::<_, DbError>(
            diesel::delete(
                webhook_deliveries::table
                    .filter(webhook_deliveries::status.ne(DeliveryStatus::Pending.as_str()))
                    .filter(webhook_deliveries::finished_at.lt(before)),
            )
            .execute(conn)
            .await?,
        )
    })
}

type LogRow = (
    i64,
    String,
    String,
    Option<i64>,
    Option<i64>,
    String,
    i32,
    Option<i32>,
    Option<String>,
    i64,
    i64,
    Option<i64>,
);

/// `bot`'s delivery log, newest first: `limit` entries older than `before_id`.
pub async fn log(
    conn: &mut Conn<'_>,
    bot: UserId,
    before_id: Option<i64>,
    limit: i64,
) -> Result<Vec<WebhookDelivery>, DbError> {
    let rows: Vec<LogRow> = conn_run!(conn, |conn| {
        let mut query = webhook_deliveries::table
            .filter(webhook_deliveries::bot_id.eq(bot.0))
            .into_boxed();
        if let Some(before) = before_id {
            query = query.filter(webhook_deliveries::id.lt(before));
        }
        Ok::<_, DbError>(
            query
                .select((
                    webhook_deliveries::id,
                    webhook_deliveries::delivery_id,
                    webhook_deliveries::event,
                    webhook_deliveries::conversation_id,
                    webhook_deliveries::message_id,
                    webhook_deliveries::status,
                    webhook_deliveries::attempts,
                    webhook_deliveries::last_status_code,
                    webhook_deliveries::last_error,
                    webhook_deliveries::created_at,
                    webhook_deliveries::next_attempt_at,
                    webhook_deliveries::finished_at,
                ))
                .order(webhook_deliveries::id.desc())
                .limit(limit)
                .load(conn)
                .await?,
        )
    })?;
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                delivery_id,
                event,
                conversation,
                message,
                status,
                attempts,
                code,
                error,
                created_at,
                next,
                finished_at,
            )| {
                let status = DeliveryStatus::parse(&status);
                WebhookDelivery {
                    id,
                    delivery_id,
                    event,
                    conversation_id: conversation.map(ConversationId),
                    message_id: message.map(MessageId),
                    status,
                    attempts: u32::try_from(attempts).unwrap_or(0),
                    last_status_code: code.and_then(|c| u16::try_from(c).ok()),
                    last_error: error,
                    created_at,
                    next_attempt_at: (status == DeliveryStatus::Pending).then_some(next),
                    finished_at,
                }
            },
        )
        .collect())
}
