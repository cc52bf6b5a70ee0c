//! A batch on PostgreSQL in three statements whatever its size: the duplicate lookup, every
//! conversation's seq reservation, every insert. The per-row values travel as arrays expanded
//! with `unnest`, so each statement has one fixed text (prepared once per connection and kept)
//! and the batch costs three round trips instead of one per conversation and per message.

use std::collections::HashMap;

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::NewMessage;
use super::plan::Plan;
use super::statement::{ByName, fixed_statement};
use crate::db::schema::{media_refs, message_mentions};
use crate::repo::messages::MessageRow;

fixed_statement! {
    /// The stored messages whose `(sender_id, client_msg_id)` is one of the pairs at the same
    /// position of the two arrays: one probe of the unique index per pair. (`= ANY` on each
    /// column would probe every sender with every id, a cost growing with the square of the
    /// batch.)
    Existing<'a> on Pg,
    "SELECT m.id, m.conversation_id, m.seq, m.sender_id, m.client_msg_id, m.body, m.created_at \
     FROM unnest(",
    senders: Array<BigInt> = Vec<i64>,
    "::bigint[], ",
    client_ids: Array<Text> = Vec<&'a str>,
    "::text[]) AS k(sender_id, client_msg_id) JOIN messages AS m \
     ON m.sender_id = k.sender_id AND m.client_msg_id = k.client_msg_id",
}

fixed_statement! {
    /// Adds each conversation's count of new messages to its `last_seq` and returns the new
    /// value.
    Reserve<'a> on Pg,
    "UPDATE conversations AS c SET last_seq = c.last_seq + v.n, last_message_at = v.at \
     FROM unnest(",
    ids: Array<BigInt> = &'a [i64],
    "::bigint[], ",
    counts: Array<BigInt> = &'a [i64],
    "::bigint[], ",
    last_at: Array<BigInt> = &'a [i64],
    "::bigint[]) AS v(id, n, at) WHERE c.id = v.id RETURNING c.id, c.last_seq",
}

fixed_statement! {
    /// Inserts one row per array position.
    Insert<'a> on Pg,
    "INSERT INTO messages (conversation_id, seq, sender_id, client_msg_id, body, created_at) \
     SELECT * FROM unnest(",
    conversations: Array<BigInt> = Vec<i64>,
    "::bigint[], ",
    seqs: Array<BigInt> = Vec<i64>,
    "::bigint[], ",
    senders: Array<BigInt> = Vec<i64>,
    "::bigint[], ",
    client_ids: Array<Text> = Vec<&'a str>,
    "::text[], ",
    bodies: Array<Text> = Vec<&'a str>,
    "::text[], ",
    created_at: Array<BigInt> = Vec<i64>,
    "::bigint[]) \
     RETURNING id, conversation_id, seq, sender_id, client_msg_id, body, created_at",
}

/// A conversation's `last_seq` after the reservation.
#[derive(QueryableByName)]
struct Reserved {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = BigInt)]
    last_seq: i64,
}

/// Stores `items` (the caller holds the transaction); each send's row and whether it is new.
pub(super) async fn store(
    conn: &mut AsyncPgConnection,
    items: &[NewMessage],
) -> QueryResult<Vec<(MessageRow, bool)>> {
    let senders: Vec<i64> = items.iter().map(|m| m.sender.0).collect();
    let client_ids: Vec<&str> = items.iter().map(|m| m.client_msg_id.as_str()).collect();
    let existing: Vec<MessageRow> = Existing {
        senders,
        client_ids,
    }
    .load::<ByName>(conn)
    .await?
    .into_iter()
    .map(MessageRow::from)
    .collect();
    let plan = Plan::new(items, existing);
    let mut ids = Vec::with_capacity(plan.new_per_conversation.len());
    let mut counts = Vec::with_capacity(ids.capacity());
    let mut last_at = Vec::with_capacity(ids.capacity());
    for (&conversation, &(count, at)) in &plan.new_per_conversation {
        ids.push(conversation);
        counts.push(count);
        last_at.push(at);
    }
    let mut base: HashMap<i64, i64> = HashMap::with_capacity(ids.len());
    if !ids.is_empty() {
        let reserved: Vec<Reserved> = Reserve {
            ids: &ids,
            counts: &counts,
            last_at: &last_at,
        }
        .load(conn)
        .await?;
        // A conversation that is gone fails the batch (its sends are then stored one by one).
        if reserved.len() != ids.len() {
            return Err(diesel::result::Error::NotFound);
        }
        for r in reserved {
            let count = plan.new_per_conversation.get(&r.id).map_or(0, |c| c.0);
            base.insert(r.id, r.last_seq - count);
        }
    }
    let new: Vec<(&NewMessage, i64)> = plan.new_messages(items, &base).collect();
    if new.is_empty() {
        return Ok(plan.assemble(Vec::new()));
    }
    let inserted: Vec<ByName> = Insert {
        conversations: new.iter().map(|(m, _)| m.conversation.0).collect(),
        seqs: new.iter().map(|(_, seq)| *seq).collect(),
        senders: new.iter().map(|(m, _)| m.sender.0).collect(),
        client_ids: new.iter().map(|(m, _)| m.client_msg_id.as_str()).collect(),
        bodies: new.iter().map(|(m, _)| m.body_json.as_str()).collect(),
        created_at: new.iter().map(|(m, _)| m.now).collect(),
    }
    .load(conn)
    .await?;
    // In the order of `new` (matched by conversation and seq, which are unique together).
    let mut by_position: HashMap<(i64, i64), MessageRow> = inserted
        .into_iter()
        .map(|r| {
            let row = MessageRow::from(r);
            ((row.1, row.2), row)
        })
        .collect();
    let rows: Vec<MessageRow> = new
        .iter()
        .filter_map(|(m, seq)| by_position.remove(&(m.conversation.0, *seq)))
        .collect();
    for (m, _) in &new {
        for media_id in &m.media_ids {
            diesel::insert_into(media_refs::table)
                .values((
                    media_refs::media_id.eq(media_id),
                    media_refs::conversation_id.eq(m.conversation.0),
                ))
                .on_conflict_do_nothing()
                .execute(conn)
                .await?;
        }
    }
    // Mentions are rare: a statement per mention of the messages that have any.
    for row in &rows {
        let Some((m, _)) = new
            .iter()
            .find(|(m, seq)| m.conversation.0 == row.1 && *seq == row.2)
        else {
            continue;
        };
        for user in &m.mentions {
            diesel::insert_into(message_mentions::table)
                .values((
                    message_mentions::message_id.eq(row.0),
                    message_mentions::conversation_id.eq(row.1),
                    message_mentions::seq.eq(row.2),
                    message_mentions::user_id.eq(user),
                    message_mentions::sender_id.eq(m.sender.0),
                ))
                .on_conflict_do_nothing()
                .execute(conn)
                .await?;
        }
    }
    Ok(plan.assemble(rows))
}
