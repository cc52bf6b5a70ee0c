//! A batch on SQLite, run synchronously inside one blocking-pool call: one duplicate lookup,
//! one seq reservation per conversation, one insert per new message (and its full-text entry). Each is a statement the
//! connection prepares once and keeps: a statement whose text depended on the batch's size
//! would be parsed again for every batch, so the lookup takes the batch's keys as one JSON
//! array; and diesel never keeps an `UPDATE` it built (its changeset may vary), so the
//! reservation is written as SQL text.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel::sqlite::{Sqlite, SqliteConnection};

use super::NewMessage;
use super::plan::Plan;
use super::statement::{ByName, fixed_statement};
use crate::db::schema::{media_refs, message_mentions, messages};
use crate::repo::messages::{MESSAGE_COLUMNS, MessageRow};

fixed_statement! {
    /// The stored messages whose `(sender_id, client_msg_id)` is one of the pairs of a JSON
    /// array `[[sender, client_msg_id], …]`: one probe of the unique index per pair. (Two `IN`
    /// lists would probe every sender with every id, a cost growing with the square of the
    /// batch, and a statement whose text depends on the batch's size is parsed every time.)
    Existing<'a> on Sqlite,
    "SELECT m.id, m.conversation_id, m.seq, m.sender_id, m.client_msg_id, m.body, m.created_at \
     FROM json_each(",
    keys: Text = &'a str,
    ") AS k CROSS JOIN messages AS m \
     WHERE m.sender_id = k.value ->> 0 AND m.client_msg_id = k.value ->> 1",
}

impl RunQueryDsl<SqliteConnection> for Existing<'_> {}

fixed_statement! {
    /// Adds `count` new messages to a conversation's `last_seq` and returns the new value.
    Reserve<'a> on Sqlite,
    "UPDATE conversations SET last_seq = last_seq + ",
    count: BigInt = &'a i64,
    ", last_message_at = ",
    last_at: BigInt = &'a i64,
    " WHERE id = ",
    id: BigInt = &'a i64,
    " RETURNING last_seq",
}

impl RunQueryDsl<SqliteConnection> for Reserve<'_> {}

fixed_statement! {
    /// Puts a new message in the full-text index (`crate::search`), with its conversation.
    Index<'a> on Sqlite,
    "INSERT OR REPLACE INTO message_fts (rowid, terms, conversation_id) VALUES (",
    id: BigInt = &'a i64,
    ", ",
    terms: Text = &'a str,
    ", ",
    conversation: BigInt = &'a i64,
    ")",
}

impl RunQueryDsl<SqliteConnection> for Index<'_> {}

/// A conversation's `last_seq` after the reservation.
#[derive(QueryableByName)]
struct Reserved {
    #[diesel(sql_type = BigInt)]
    last_seq: i64,
}

/// Stores `items` (the caller holds the transaction); each send's row and whether it is new.
pub(super) fn store(
    conn: &mut SqliteConnection,
    items: &[NewMessage],
) -> QueryResult<Vec<(MessageRow, bool)>> {
    let keys: Vec<(i64, &str)> = items
        .iter()
        .map(|m| (m.sender.0, m.client_msg_id.as_str()))
        .collect();
    let keys = serde_json::to_string(&keys)
        .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    let existing: Vec<MessageRow> = Existing { keys: &keys }
        .load::<ByName>(conn)?
        .into_iter()
        .map(MessageRow::from)
        .collect();
    let plan = Plan::new(items, existing);
    // Reserve each conversation's seqs at once: the k-th new message gets base + k.
    let mut base: HashMap<i64, i64> = HashMap::with_capacity(plan.new_per_conversation.len());
    for (&conversation, &(count, last_at)) in &plan.new_per_conversation {
        let Reserved { last_seq } = Reserve {
            count: &count,
            last_at: &last_at,
            id: &conversation,
        }
        .get_result(conn)?;
        base.insert(conversation, last_seq - count);
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
        for media_id in &m.media_ids {
            diesel::insert_into(media_refs::table)
                .values((
                    media_refs::media_id.eq(media_id),
                    media_refs::conversation_id.eq(m.conversation.0),
                ))
                .on_conflict_do_nothing()
                .execute(conn)?;
        }
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
                .execute(conn)?;
        }
        if !m.search_terms.is_empty() {
            Index {
                id: &row.0,
                terms: &m.search_terms,
                conversation: &row.1,
            }
            .execute(conn)?;
        }
        inserted.push(row);
    }
    Ok(plan.assemble(inserted))
}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;
    use diesel::sql_types::Text;
    use diesel::sqlite::{Sqlite, SqliteConnection};
    use diesel_migrations::MigrationHarness;

    #[derive(QueryableByName)]
    struct Step {
        #[diesel(sql_type = Text)]
        detail: String,
    }

    /// Every statement `store` runs, recorded from the connection's instrumentation: each
    /// statement's SQL as it starts, and the SQL of each statement the connection kept.
    #[derive(Default)]
    struct Seen {
        started: Vec<String>,
        kept: Vec<String>,
    }

    fn send(sender: i64, client_msg_id: &str) -> super::NewMessage {
        super::NewMessage {
            conversation: shared::ids::ConversationId(1),
            sender: shared::ids::UserId(sender),
            client_msg_id: client_msg_id.into(),
            body_json: r#"{"type":"text","text":"hi"}"#.into(),
            media_ids: Vec::new(),
            mentions: Vec::new(),
            quote: None,
            now: 1,
            search_terms: "hi".into(),
        }
    }

    #[test]
    fn a_batch_prepares_its_statements_once_per_connection() {
        use diesel::connection::{InstrumentationEvent, SimpleConnection};
        use std::sync::{Arc, Mutex};

        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        conn.run_pending_migrations(crate::db::migrate::SQLITE)
            .unwrap();
        conn.batch_execute(
            "INSERT INTO users (id, username, password_hash, nickname, created_at, updated_at) \
             VALUES (1, 'a', '', 'a', 0, 0), (2, 'b', '', 'b', 0, 0); \
             INSERT INTO conversations (id, kind, created_at) VALUES (1, 'direct', 0);",
        )
        .unwrap();
        let seen = Arc::new(Mutex::new(Seen::default()));
        let record = Arc::clone(&seen);
        conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
            let mut seen = record.lock().unwrap();
            match event {
                InstrumentationEvent::StartQuery { query, .. } => {
                    let sql = query.to_string();
                    let sql = sql.split(" -- binds:").next().unwrap_or_default();
                    seen.started.push(sql.to_owned());
                }
                InstrumentationEvent::CacheQuery { sql, .. } => seen.kept.push(sql.to_owned()),
                _ => {}
            }
        });

        let first = super::store(&mut conn, &[send(1, "x1"), send(2, "y1")]).unwrap();
        assert!(first.iter().all(|(_, new)| *new));
        let kept_first = std::mem::take(&mut *seen.lock().unwrap()).kept;
        // Two new sends and a repeat: the same statements again, none prepared anew.
        let second =
            super::store(&mut conn, &[send(1, "x2"), send(2, "y2"), send(1, "x1")]).unwrap();
        let seqs: Vec<(i64, bool)> = second.iter().map(|(row, new)| (row.2, *new)).collect();
        assert_eq!(seqs, [(3, true), (4, true), (1, false)]);
        let seen = seen.lock().unwrap();
        assert!(seen.kept.is_empty(), "prepared again: {:?}", seen.kept);
        assert!(!seen.started.is_empty());
        for sql in &seen.started {
            assert!(
                kept_first.contains(sql),
                "not kept by the connection: {sql}"
            );
        }
    }

    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        rowid: i64,
    }

    #[test]
    fn new_messages_are_indexed_with_their_terms_in_the_batch() {
        use diesel::connection::SimpleConnection;

        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        conn.run_pending_migrations(crate::db::migrate::SQLITE)
            .unwrap();
        conn.batch_execute(
            "INSERT INTO users (id, username, password_hash, nickname, created_at, updated_at) \
             VALUES (1, 'a', '', 'a', 0, 0); \
             INSERT INTO conversations (id, kind, created_at) VALUES (1, 'direct', 0);",
        )
        .unwrap();
        let mut picture = send(1, "p1");
        picture.search_terms = String::new();
        let stored = super::store(&mut conn, &[send(1, "t1"), picture, send(1, "t1")]).unwrap();
        let indexed: Vec<i64> =
            diesel::sql_query("SELECT rowid FROM message_fts WHERE message_fts MATCH 'hi'")
                .load::<Row>(&mut conn)
                .unwrap()
                .into_iter()
                .map(|r| r.rowid)
                .collect();
        // The text once (the repeat is the same message), the body without terms not at all.
        assert_eq!(indexed, vec![stored[0].0.0]);
        let all: Vec<Row> = diesel::sql_query("SELECT rowid FROM message_fts")
            .load(&mut conn)
            .unwrap();
        assert_eq!(all.len(), 1);
    }

    #[test]
    fn the_duplicate_lookup_probes_the_unique_index_once_per_pair() {
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        conn.run_pending_migrations(crate::db::migrate::SQLITE)
            .unwrap();
        let lookup = super::Existing {
            keys: r#"[[1,"a"],[2,"b"]]"#,
        };
        let sql = diesel::debug_query::<Sqlite, _>(&lookup).to_string();
        let plan: Vec<String> = diesel::sql_query(format!(
            "EXPLAIN QUERY PLAN {}",
            sql.split(" -- binds:").next().unwrap()
        ))
        .bind::<Text, _>(lookup.keys)
        .load::<Step>(&mut conn)
        .unwrap()
        .into_iter()
        .map(|s| s.detail)
        .collect();
        assert!(
            plan.iter().any(|d| d.starts_with("SCAN k")),
            "the pairs drive the loop: {plan:?}"
        );
        assert!(
            plan.iter().any(|d| d.starts_with("SEARCH m")
                && d.ends_with(
                    "INDEX messages_sender_client_id (sender_id=? AND client_msg_id=?)"
                )),
            "one equality probe of the unique index per pair: {plan:?}"
        );
        assert!(!plan.iter().any(|d| d.starts_with("SCAN m")), "{plan:?}");
    }
}
