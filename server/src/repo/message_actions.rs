//! What happens to a message after it was sent: quotes and reactions resolved for readers,
//! recall, edit, reactions, "delete for me", and history around one message.

use std::collections::HashMap;

use diesel::dsl::{exists, not};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use shared::ids::{ConversationId, MessageId, UserId};
use shared::model::{Message, MessageBody, Quote, Reaction};

use super::messages::{Decoded, MESSAGE_COLUMNS, MessageRow, StoredBody, decode};
use crate::db::schema::{
    chat_groups, hidden_messages, media_refs, message_mentions, message_reactions, messages,
};
use crate::db::{Conn, Db, DbError};
use crate::{conn_run, db_run};

/// Resolves the quotes and reactions of decoded messages (two queries at most, whatever the
/// number of messages; none for a page without replies or reactions beyond the lookup).
pub async fn decorate(db: &Db, decoded: Vec<Decoded>) -> Result<Vec<Message>, DbError> {
    if decoded.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = decoded.iter().map(|(m, _)| m.id.0).collect();
    let mut quoted: Vec<i64> = decoded.iter().filter_map(|(_, r)| *r).collect();
    quoted.sort_unstable();
    quoted.dedup();
    let (quoted_rows, reactions): (Vec<MessageRow>, Vec<(i64, i64, String)>) =
        db_run!(db, |conn| {
            let quoted_rows: Vec<MessageRow> = if quoted.is_empty() {
                Vec::new()
            } else {
                messages::table
                    .filter(messages::id.eq_any(&quoted))
                    .select(MESSAGE_COLUMNS)
                    .load(conn)
                    .await?
            };
            let reactions: Vec<(i64, i64, String)> = message_reactions::table
                .filter(message_reactions::message_id.eq_any(&ids))
                .select((
                    message_reactions::message_id,
                    message_reactions::user_id,
                    message_reactions::emoji,
                ))
                .order((
                    message_reactions::created_at.asc(),
                    message_reactions::user_id.asc(),
                ))
                .load(conn)
                .await?;
            Ok::<_, DbError>((quoted_rows, reactions))
        })?;
    let quotes: HashMap<i64, Quote> = quoted_rows
        .into_iter()
        .filter_map(decode)
        .map(|(m, _)| (m.id.0, quote_of(&m)))
        .collect();
    let mut by_message: HashMap<i64, Vec<Reaction>> = HashMap::new();
    for (message, user, emoji) in reactions {
        let list = by_message.entry(message).or_default();
        match list.iter_mut().find(|r| r.emoji == emoji) {
            Some(r) => r.users.push(UserId(user)),
            None => list.push(Reaction {
                emoji,
                users: vec![UserId(user)],
            }),
        }
    }
    Ok(decoded
        .into_iter()
        .map(|(mut m, reply_to)| {
            m.quote = reply_to
                .and_then(|id| quotes.get(&id).cloned())
                .map(Box::new);
            m.reactions = by_message.remove(&m.id.0).unwrap_or_default();
            m
        })
        .collect())
}

/// The quote a reply to `m` shows.
pub fn quote_of(m: &Message) -> Quote {
    Quote {
        message_id: m.id,
        seq: m.seq,
        sender_id: m.sender_id,
        body: m.body.snippet(),
    }
}

/// The message `id` with its quote and reactions, or `None`.
pub async fn find(db: &Db, id: MessageId) -> Result<Option<Message>, DbError> {
    let row: Option<MessageRow> = db_run!(db, |conn| {
        Ok::<_, DbError>(
            messages::table
                .find(id.0)
                .select(MESSAGE_COLUMNS)
                .first(conn)
                .await
                .optional()?,
        )
    })?;
    let Some(decoded) = row.and_then(decode) else {
        return Ok(None);
    };
    Ok(decorate(db, vec![decoded]).await?.pop())
}

/// The message `id` as stored (body and reply), inside a unit of work.
pub async fn stored(conn: &mut Conn<'_>, id: MessageId) -> Result<Option<Decoded>, DbError> {
    let row: Option<MessageRow> = conn_run!(conn, |c| {
        Ok::<_, DbError>(
            messages::table
                .find(id.0)
                .select(MESSAGE_COLUMNS)
                .first(c)
                .await
                .optional()?,
        )
    })?;
    Ok(row.and_then(decode))
}

/// Several messages by id, as stored, in seq order per conversation (ids not found are left
/// out).
pub async fn stored_many(db: &Db, ids: &[MessageId]) -> Result<Vec<Message>, DbError> {
    let ids: Vec<i64> = ids.iter().map(|m| m.0).collect();
    let rows: Vec<MessageRow> = db_run!(db, |conn| {
        Ok::<_, DbError>(
            messages::table
                .filter(messages::id.eq_any(&ids))
                .select(MESSAGE_COLUMNS)
                .order((messages::conversation_id.asc(), messages::seq.asc()))
                .load(conn)
                .await?,
        )
    })?;
    Ok(rows
        .into_iter()
        .filter_map(decode)
        .map(|(m, _)| m)
        .collect())
}

/// Writes a new stored body for message `id`.
pub async fn set_body(
    conn: &mut Conn<'_>,
    id: MessageId,
    body: &StoredBody,
) -> Result<(), DbError> {
    let json = body.to_json()?;
    conn_run!(conn, |c| {
        diesel::update(messages::table.find(id.0))
            .set(messages::body.eq(&json))
            .execute(c)
            .await?;
        Ok::<_, DbError>(())
    })
}

/// Empties a recalled message: its body becomes `recalled`, its reactions go, the media it
/// carried is no longer fetchable through its conversation, and its webhook bots are to be told.
pub async fn recall(
    conn: &mut Conn<'_>,
    message: &Message,
    by: UserId,
    by_admin: bool,
) -> Result<(), DbError> {
    let media = message.body.all_media_ids();
    let conversation = message.conversation_id.0;
    super::webhook_events::note_change(conn, message, by).await?;
    set_body(
        conn,
        message.id,
        &StoredBody::plain(MessageBody::Recalled { by, by_admin }),
    )
    .await?;
    conn_run!(conn, |c| {
        diesel::delete(
            message_reactions::table.filter(message_reactions::message_id.eq(message.id.0)),
        )
        .execute(c)
        .await?;
        diesel::delete(
            message_mentions::table.filter(message_mentions::message_id.eq(message.id.0)),
        )
        .execute(c)
        .await?;
        if !media.is_empty() {
            diesel::delete(
                media_refs::table
                    .filter(media_refs::conversation_id.eq(conversation))
                    .filter(media_refs::media_id.eq_any(&media)),
            )
            .execute(c)
            .await?;
        }
        Ok::<_, DbError>(())
    })
}

/// Forgets who message `id` mentioned (its text was replaced).
pub async fn drop_mentions(conn: &mut Conn<'_>, id: MessageId) -> Result<(), DbError> {
    conn_run!(conn, |c| {
        diesel::delete(message_mentions::table.filter(message_mentions::message_id.eq(id.0)))
            .execute(c)
            .await?;
        Ok::<_, DbError>(())
    })
}

/// Adds or removes `user`'s reaction `emoji` to message `id`.
pub async fn react(
    conn: &mut Conn<'_>,
    id: MessageId,
    user: UserId,
    emoji: &str,
    on: bool,
    now: i64,
) -> Result<(), DbError> {
    conn_run!(conn, |c| {
        if on {
            diesel::insert_into(message_reactions::table)
                .values((
                    message_reactions::message_id.eq(id.0),
                    message_reactions::user_id.eq(user.0),
                    message_reactions::emoji.eq(emoji),
                    message_reactions::created_at.eq(now),
                ))
                .on_conflict_do_nothing()
                .execute(c)
                .await?;
        } else {
            diesel::delete(
                message_reactions::table
                    .filter(message_reactions::message_id.eq(id.0))
                    .filter(message_reactions::user_id.eq(user.0))
                    .filter(message_reactions::emoji.eq(emoji)),
            )
            .execute(c)
            .await?;
        }
        Ok::<_, DbError>(())
    })
}

/// Hides message `id` from `user`'s history.
pub async fn hide(db: &Db, id: MessageId, user: UserId, now: i64) -> Result<(), DbError> {
    db_run!(db, |conn| {
        diesel::insert_into(hidden_messages::table)
            .values((
                hidden_messages::user_id.eq(user.0),
                hidden_messages::message_id.eq(id.0),
                hidden_messages::created_at.eq(now),
            ))
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
        Ok::<_, DbError>(())
    })
}

/// Whether `user` deleted message `id` for themselves.
pub async fn is_hidden(db: &Db, id: MessageId, user: UserId) -> Result<bool, DbError> {
    db_run!(db, |conn| {
        Ok::<_, DbError>(
            diesel::select(exists(
                hidden_messages::table
                    .filter(hidden_messages::user_id.eq(user.0))
                    .filter(hidden_messages::message_id.eq(id.0)),
            ))
            .get_result(conn)
            .await?,
        )
    })
}

/// Up to `limit` messages around `seq` (about half before it, the rest from it on), oldest
/// first, as `viewer` sees them.
pub async fn around(
    db: &Db,
    viewer: UserId,
    conversation: ConversationId,
    seq: i64,
    limit: i64,
) -> Result<Vec<Message>, DbError> {
    let before = limit / 2;
    let from = limit - before;
    let (mut older, newer): (Vec<MessageRow>, Vec<MessageRow>) = db_run!(db, |conn| {
        macro_rules! visible {
            () => {
                not(exists(
                    hidden_messages::table
                        .filter(hidden_messages::user_id.eq(viewer.0))
                        .filter(hidden_messages::message_id.eq(messages::id)),
                ))
            };
        }
        let older: Vec<MessageRow> = messages::table
            .filter(messages::conversation_id.eq(conversation.0))
            .filter(messages::seq.lt(seq))
            .filter(visible!())
            .select(MESSAGE_COLUMNS)
            .order(messages::seq.desc())
            .limit(before)
            .load(conn)
            .await?;
        let newer: Vec<MessageRow> = messages::table
            .filter(messages::conversation_id.eq(conversation.0))
            .filter(messages::seq.ge(seq))
            .filter(visible!())
            .select(MESSAGE_COLUMNS)
            .order(messages::seq.asc())
            .limit(from)
            .load(conn)
            .await?;
        Ok::<_, DbError>((older, newer))
    })?;
    older.reverse();
    older.extend(newer);
    decorate(db, older.into_iter().filter_map(decode).collect()).await
}

/// Those of `ids` that `user` deleted for themselves.
pub async fn hidden_among(db: &Db, user: UserId, ids: &[MessageId]) -> Result<Vec<i64>, DbError> {
    let ids: Vec<i64> = ids.iter().map(|m| m.0).collect();
    db_run!(db, |conn| {
        Ok::<_, DbError>(
            hidden_messages::table
                .filter(hidden_messages::user_id.eq(user.0))
                .filter(hidden_messages::message_id.eq_any(&ids))
                .select(hidden_messages::message_id)
                .load(conn)
                .await?,
        )
    })
}

/// The name of the group whose conversation is `conversation`, if it is a group's.
pub async fn group_name(db: &Db, conversation: ConversationId) -> Result<Option<String>, DbError> {
    db_run!(db, |conn| {
        Ok::<_, DbError>(
            chat_groups::table
                .filter(chat_groups::conversation_id.eq(conversation.0))
                .select(chat_groups::name)
                .first(conn)
                .await
                .optional()?,
        )
    })
}
