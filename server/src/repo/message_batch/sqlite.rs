//! A batch on SQLite, run synchronously inside one blocking-pool call: one duplicate lookup,
//! one seq reservation per conversation, one insert per new message (each a statement the
//! connection prepares once; a statement whose text depended on the batch's size would be
//! parsed again for every batch).

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;

use super::NewMessage;
use super::plan::Plan;
use crate::db::schema::{conversations, messages};
use crate::repo::messages::{MESSAGE_COLUMNS, MessageRow};

/// Stores `items` (the caller holds the transaction); each send's row and whether it is new.
pub(super) fn store(
    conn: &mut SqliteConnection,
    items: &[NewMessage],
) -> QueryResult<Vec<(MessageRow, bool)>> {
    let senders: Vec<i64> = items.iter().map(|m| m.sender.0).collect();
    let client_ids: Vec<&str> = items.iter().map(|m| m.client_msg_id.as_str()).collect();
    let existing: Vec<MessageRow> = messages::table
        .filter(messages::sender_id.eq_any(&senders))
        .filter(messages::client_msg_id.eq_any(&client_ids))
        .select(MESSAGE_COLUMNS)
        .load(conn)?;
    let plan = Plan::new(items, existing);
    // Reserve each conversation's seqs at once: the k-th new message gets base + k.
    let mut base: HashMap<i64, i64> = HashMap::with_capacity(plan.new_per_conversation.len());
    for (&conversation, &(count, last_at)) in &plan.new_per_conversation {
        let last: i64 = diesel::update(conversations::table.find(conversation))
            .set((
                conversations::last_seq.eq(conversations::last_seq + count),
                conversations::last_message_at.eq(last_at),
            ))
            .returning(conversations::last_seq)
            .get_result(conn)?;
        base.insert(conversation, last - count);
    }
    let mut inserted: Vec<MessageRow> = Vec::with_capacity(items.len());
    for (m, seq) in plan.new_messages(items, &base) {
        let row: MessageRow = diesel::insert_into(messages::table)
            .values((
                messages::conversation_id.eq(m.conversation.0),
                messages::seq.eq(seq),
                messages::sender_id.eq(m.sender.0),
                messages::client_msg_id.eq(&m.client_msg_id),
                messages::body.eq(&m.body_json),
                messages::created_at.eq(m.now),
            ))
            .returning(MESSAGE_COLUMNS)
            .get_result(conn)?;
        inserted.push(row);
    }
    Ok(plan.assemble(inserted))
}
