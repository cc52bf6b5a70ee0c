//! Full-text search of messages on both databases: SQLite's FTS5 (`message_fts`, the message id
//! as rowid) and PostgreSQL's `tsvector` with a GIN index (`message_search`). Both are given
//! ready-made terms ([`terms`]), so Chinese is searched by characters and pairs of characters
//! on either. On SQLite the message writer indexes each message it stores in the same
//! transaction (one writer: the index never waits for the write lock, nor holds it from the
//! writer). Everything else — PostgreSQL's messages, notices and greetings stored elsewhere, a
//! database from before — is indexed after it is stored, by [`catch_up`]: a background task
//! every second and each search before it runs, following a cursor kept in `settings` and
//! skipping what is indexed already. A recall removes its message from the index and an edit
//! re-indexes it, in their own unit of work.

pub mod terms;

use std::time::Duration;

use diesel::QueryableByName;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel_async::{AsyncConnection, RunQueryDsl};
use shared::ids::{ConversationId, MessageId, UserId};
use shared::model::MessageBody;

use crate::db::schema::{messages, settings};
use crate::db::{Conn, Db, DbError};
use crate::repo::messages::StoredBody;

/// The `settings` key of the newest message id indexed.
const CURSOR_KEY: &str = "search_indexed_up_to";
/// Messages indexed per transaction (a short hold of SQLite's write lock, which the message
/// writer waits for).
const BATCH: i64 = 200;

/// One indexing run at a time in this process.
static INDEXING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The text of a body that search finds (see [`MessageBody::search_text`]).
pub fn searchable(body: &MessageBody) -> String {
    body.search_text()
}

/// The terms a body is indexed under (empty when there is nothing to find).
pub fn terms_of(body: &MessageBody) -> String {
    terms::index_terms(&searchable(body))
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    message_id: i64,
}

/// Moves the index cursor (`settings`), inside the indexing transaction.
macro_rules! set_cursor {
    ($c:expr, $cursor:expr) => {
        diesel::insert_into(settings::table)
            .values((
                settings::key_name.eq(CURSOR_KEY),
                settings::value.eq($cursor),
            ))
            .on_conflict(settings::key_name)
            .do_update()
            .set(settings::value.eq($cursor))
            .execute($c)
            .await
            .map(|_| ())
    };
}

/// Indexes up to `limit` messages stored since the last run and not indexed yet; how many were
/// looked at.
pub async fn catch_up(db: &Db, limit: i64) -> Result<usize, DbError> {
    let _running = INDEXING.lock().await;
    // On SQLite the message writer indexes what it stores; what is left is every other
    // message (notices, the assistant's greeting, a database from before).
    let not_indexed = match db {
        Db::Sqlite(_) => {
            "NOT EXISTS (SELECT 1 FROM message_fts WHERE message_fts.rowid = messages.id)"
        }
        Db::Postgres(_) => "TRUE",
    };
    let mut done = 0usize;
    while (done as i64) < limit {
        let cursor: i64 = crate::repo::settings::get(db, CURSOR_KEY)
            .await?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let rows: Vec<(i64, i64, String)> = crate::db_run!(db, |conn| {
            Ok::<_, DbError>(
                messages::table
                    .filter(messages::id.gt(cursor))
                    .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(not_indexed))
                    .select((messages::id, messages::conversation_id, messages::body))
                    .order(messages::id.asc())
                    .limit(BATCH.min(limit - done as i64))
                    .load(conn)
                    .await?,
            )
        })?;
        let (newest, last_round) = match rows.last() {
            Some(r) => (r.0, false),
            // Everything past the cursor was indexed by the writer: move the cursor past it,
            // once (under load there is always more).
            None => match newest_past(db, cursor, not_indexed).await? {
                Some(id) => (id, true),
                None => break,
            },
        };
        done += rows.len();
        let entries: Vec<(i64, i64, String)> = rows
            .into_iter()
            .filter_map(|(id, conversation, body)| {
                let stored: StoredBody = serde_json::from_str(&body).ok()?;
                let terms = terms::index_terms(&searchable(&stored.body));
                (!terms.is_empty()).then_some((id, conversation, terms))
            })
            .collect();
        let cursor = newest.to_string();
        match db {
            Db::Sqlite(pool) => {
                let mut conn = pool.get().await?;
                // `BEGIN IMMEDIATE`: FTS5 reads its own tables before it writes, and a deferred
                // transaction that must upgrade after the message writer committed fails at once
                // with "database is locked" (the busy timeout does not apply to an upgrade).
                conn.immediate_transaction::<_, diesel::result::Error, _>(async |c| {
                    for (id, conversation, terms) in &entries {
                        sqlite_put(c, *id, *conversation, terms).await?;
                    }
                    set_cursor!(c, &cursor)
                })
                .await?;
            }
            Db::Postgres(pool) => {
                let mut conn = pool.get().await?;
                conn.transaction::<_, diesel::result::Error, _>(async |c| {
                    for (id, conversation, terms) in &entries {
                        postgres_put(c, *id, *conversation, terms).await?;
                    }
                    set_cursor!(c, &cursor)
                })
                .await?;
            }
        }
        if last_round {
            break;
        }
    }
    Ok(done)
}

/// The newest message past `cursor` when every one of them is indexed already, else `None`
/// (nothing past it, or a message stored meanwhile that is not indexed: the next round takes it).
async fn newest_past(db: &Db, cursor: i64, not_indexed: &str) -> Result<Option<i64>, DbError> {
    let newest: Option<i64> = crate::db_run!(db, |conn| {
        Ok::<_, DbError>(
            messages::table
                .filter(messages::id.gt(cursor))
                .select(diesel::dsl::max(messages::id))
                .first(conn)
                .await?,
        )
    })?;
    let Some(newest) = newest else {
        return Ok(None);
    };
    // Stored between the two reads and not indexed: leave it to the next round.
    let missed: i64 = crate::db_run!(db, |conn| {
        Ok::<_, DbError>(
            messages::table
                .filter(messages::id.gt(cursor))
                .filter(messages::id.le(newest))
                .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(not_indexed))
                .count()
                .get_result(conn)
                .await?,
        )
    })?;
    Ok((missed == 0).then_some(newest))
}

async fn sqlite_put(
    c: &mut crate::db::SqliteConn,
    id: i64,
    conversation: i64,
    terms: &str,
) -> QueryResult<()> {
    diesel::sql_query(
        "INSERT OR REPLACE INTO message_fts (rowid, terms, conversation_id) VALUES (?, ?, ?)",
    )
    .bind::<BigInt, _>(id)
    .bind::<Text, _>(terms)
    .bind::<BigInt, _>(conversation)
    .execute(c)
    .await?;
    Ok(())
}

async fn postgres_put(
    c: &mut diesel_async::AsyncPgConnection,
    id: i64,
    conversation: i64,
    terms: &str,
) -> QueryResult<()> {
    diesel::sql_query(
        "INSERT INTO message_search (message_id, conversation_id, terms) \
         VALUES ($1, $2, array_to_tsvector(string_to_array($3, ' '))) \
         ON CONFLICT (message_id) DO UPDATE SET terms = EXCLUDED.terms",
    )
    .bind::<BigInt, _>(id)
    .bind::<BigInt, _>(conversation)
    .bind::<Text, _>(terms)
    .execute(c)
    .await?;
    Ok(())
}

/// Puts message `id`'s current text in the index (an edit), inside the caller's unit.
pub async fn reindex(
    conn: &mut Conn<'_>,
    id: MessageId,
    conversation: ConversationId,
    body: &MessageBody,
) -> Result<(), DbError> {
    let terms = terms::index_terms(&searchable(body));
    match conn {
        Conn::Sqlite(c) => {
            sqlite_forget(c, id.0).await?;
            if !terms.is_empty() {
                sqlite_put(c, id.0, conversation.0, &terms).await?;
            }
        }
        Conn::Postgres(c) => {
            postgres_forget(c, id.0).await?;
            if !terms.is_empty() {
                postgres_put(c, id.0, conversation.0, &terms).await?;
            }
        }
    }
    Ok(())
}

/// Takes message `id` out of the index (a recall), inside the caller's unit.
pub async fn forget(conn: &mut Conn<'_>, id: MessageId) -> Result<(), DbError> {
    match conn {
        Conn::Sqlite(c) => sqlite_forget(c, id.0).await?,
        Conn::Postgres(c) => postgres_forget(c, id.0).await?,
    }
    Ok(())
}

async fn sqlite_forget(c: &mut crate::db::SqliteConn, id: i64) -> QueryResult<()> {
    diesel::sql_query("DELETE FROM message_fts WHERE rowid = ?")
        .bind::<BigInt, _>(id)
        .execute(c)
        .await?;
    Ok(())
}

async fn postgres_forget(c: &mut diesel_async::AsyncPgConnection, id: i64) -> QueryResult<()> {
    diesel::sql_query("DELETE FROM message_search WHERE message_id = $1")
        .bind::<BigInt, _>(id)
        .execute(c)
        .await?;
    Ok(())
}

/// Whose search it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A member's: the conversations they belong to, without what they deleted for themselves.
    Reader(UserId),
    /// An administrator's: every conversation; only `sender`'s messages when given.
    Anyone {
        /// The one sender asked for.
        sender: Option<UserId>,
    },
}

/// The ids of messages matching every term of `query`, newest first, in the conversations of
/// `scope` (one of them when `conversation` is given), older than `before` when given.
pub async fn find(
    db: &Db,
    scope: Scope,
    query: &[terms::QueryTerm],
    conversation: Option<ConversationId>,
    before: Option<MessageId>,
    limit: i64,
) -> Result<Vec<MessageId>, DbError> {
    if query.is_empty() {
        return Ok(Vec::new());
    }
    let before = before.map_or(i64::MAX, |m| m.0);
    let conversation = conversation.map(|c| c.0);
    let ids: Vec<Id> = match db {
        Db::Sqlite(pool) => {
            let matcher = query
                .iter()
                .map(|t| {
                    if t.prefix {
                        format!("\"{}\"*", t.text)
                    } else {
                        format!("\"{}\"", t.text)
                    }
                })
                .collect::<Vec<_>>()
                .join(" ");
            let mut c = pool.get().await?;
            match scope {
                Scope::Reader(user) => {
                    diesel::sql_query(
                        "SELECT f.rowid AS message_id FROM message_fts AS f \
                         WHERE message_fts MATCH ? \
                         AND f.conversation_id IN \
                           (SELECT conversation_id FROM conversation_members WHERE user_id = ?) \
                         AND (? IS NULL OR f.conversation_id = ?) AND f.rowid < ? \
                         AND NOT EXISTS (SELECT 1 FROM hidden_messages AS h \
                           WHERE h.user_id = ? AND h.message_id = f.rowid) \
                         ORDER BY f.rowid DESC LIMIT ?",
                    )
                    .bind::<Text, _>(matcher)
                    .bind::<BigInt, _>(user.0)
                    .bind::<Nullable<BigInt>, _>(conversation)
                    .bind::<Nullable<BigInt>, _>(conversation)
                    .bind::<BigInt, _>(before)
                    .bind::<BigInt, _>(user.0)
                    .bind::<BigInt, _>(limit)
                    .load(&mut *c)
                    .await?
                }
                Scope::Anyone { sender } => {
                    let sender = sender.map(|s| s.0);
                    diesel::sql_query(
                        "SELECT f.rowid AS message_id FROM message_fts AS f \
                         WHERE message_fts MATCH ? \
                         AND (? IS NULL OR f.conversation_id = ?) AND f.rowid < ? \
                         AND (? IS NULL OR EXISTS (SELECT 1 FROM messages AS m \
                           WHERE m.id = f.rowid AND m.sender_id = ?)) \
                         ORDER BY f.rowid DESC LIMIT ?",
                    )
                    .bind::<Text, _>(matcher)
                    .bind::<Nullable<BigInt>, _>(conversation)
                    .bind::<Nullable<BigInt>, _>(conversation)
                    .bind::<BigInt, _>(before)
                    .bind::<Nullable<BigInt>, _>(sender)
                    .bind::<Nullable<BigInt>, _>(sender)
                    .bind::<BigInt, _>(limit)
                    .load(&mut *c)
                    .await?
                }
            }
        }
        Db::Postgres(pool) => {
            let matcher = query
                .iter()
                .map(|t| {
                    if t.prefix {
                        format!("'{}':*", t.text)
                    } else {
                        format!("'{}'", t.text)
                    }
                })
                .collect::<Vec<_>>()
                .join(" & ");
            let mut c = pool.get().await?;
            postgres_find(&mut c, &matcher, scope, conversation, before, limit).await?
        }
    };
    Ok(ids.into_iter().map(|i| MessageId(i.message_id)).collect())
}

/// Ids searched per PostgreSQL window at first; each further window is four times wider.
const FIRST_WINDOW: i64 = 16_384;

/// [`find`] on PostgreSQL, newest first, in windows of message ids going back from `before`.
///
/// One query over the whole history would make PostgreSQL choose between two bad plans: walk
/// the primary key backwards testing each row (fast for a common word, a full scan for a rare
/// one) or fetch every row the GIN index matches and sort them (fast for a rare word, tens of
/// thousands of rows for a common one). A window bounds both: the GIN index gives the matches,
/// only those inside the window are fetched (`ORDER BY message_id + 0` keeps the planner off
/// the backward walk), and a window that holds enough ends the search. A rare word costs a few
/// cheap windows, a common one a single small one.
async fn postgres_find(
    c: &mut diesel_async::AsyncPgConnection,
    matcher: &str,
    scope: Scope,
    conversation: Option<i64>,
    before: i64,
    limit: i64,
) -> Result<Vec<Id>, DbError> {
    #[derive(QueryableByName)]
    struct Newest {
        #[diesel(sql_type = Nullable<BigInt>)]
        newest: Option<i64>,
    }
    let newest: Newest = diesel::sql_query(
        "SELECT max(message_id) AS newest FROM message_search WHERE message_id < $1",
    )
    .bind::<BigInt, _>(before)
    .get_result(&mut *c)
    .await?;
    let Some(newest) = newest.newest else {
        return Ok(Vec::new());
    };
    let mut found: Vec<Id> = Vec::new();
    let mut high = newest + 1;
    let mut width = FIRST_WINDOW;
    while high > 0 && (found.len() as i64) < limit {
        let low = high.saturating_sub(width).max(0);
        let wanted = limit - found.len() as i64;
        let page: Vec<Id> = match scope {
            Scope::Reader(user) => {
                diesel::sql_query(
                    "SELECT s.message_id FROM message_search AS s \
                     WHERE s.terms @@ $1::tsquery \
                     AND s.message_id >= $4 AND s.message_id < $5 \
                     AND s.conversation_id IN \
                       (SELECT conversation_id FROM conversation_members WHERE user_id = $2) \
                     AND ($3::bigint IS NULL OR s.conversation_id = $3) \
                     AND NOT EXISTS (SELECT 1 FROM hidden_messages AS h \
                       WHERE h.user_id = $2 AND h.message_id = s.message_id) \
                     ORDER BY s.message_id + 0 DESC LIMIT $6",
                )
                .bind::<Text, _>(matcher)
                .bind::<BigInt, _>(user.0)
                .bind::<Nullable<BigInt>, _>(conversation)
                .bind::<BigInt, _>(low)
                .bind::<BigInt, _>(high)
                .bind::<BigInt, _>(wanted)
                .load(&mut *c)
                .await?
            }
            Scope::Anyone { sender } => {
                diesel::sql_query(
                    "SELECT s.message_id FROM message_search AS s \
                     WHERE s.terms @@ $1::tsquery \
                     AND s.message_id >= $4 AND s.message_id < $5 \
                     AND ($2::bigint IS NULL OR EXISTS (SELECT 1 FROM messages AS m \
                       WHERE m.id = s.message_id AND m.sender_id = $2)) \
                     AND ($3::bigint IS NULL OR s.conversation_id = $3) \
                     ORDER BY s.message_id + 0 DESC LIMIT $6",
                )
                .bind::<Text, _>(matcher)
                .bind::<Nullable<BigInt>, _>(sender.map(|s| s.0))
                .bind::<Nullable<BigInt>, _>(conversation)
                .bind::<BigInt, _>(low)
                .bind::<BigInt, _>(high)
                .bind::<BigInt, _>(wanted)
                .load(&mut *c)
                .await?
            }
        };
        found.extend(page);
        high = low;
        width = width.saturating_mul(4);
    }
    Ok(found)
}

/// Indexes new messages every second until the process ends.
pub fn spawn_indexer(db: Db) {
    tokio::spawn(async move {
        loop {
            if let Err(e) = catch_up(&db, 20_000).await {
                tracing::warn!(error = %e, "search indexing failed; retrying");
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
}
