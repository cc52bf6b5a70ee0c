//! Group commit for sent messages: one writer task stores whatever sends are waiting in one
//! transaction. A lone message is written at once (the writer never waits for company); under
//! load the sends that queued during a commit share the next one, so SQLite's single writer is
//! never contended and PostgreSQL commits (and syncs) once per batch instead of once per message.
//!
//! The writer also delivers each new message's event, right after the commit and in seq order:
//! a send whose request is abandoned once it is queued (the client gave up or its connection
//! dropped) is still stored and still delivered, and the members' devices receive a
//! conversation's messages in the order of their seqs.

mod plan;
mod postgres;
mod sqlite;
mod statement;

use std::sync::Arc;

use diesel_async::pooled_connection::deadpool::Object;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use shared::ids::{ConversationId, UserId};
use tokio::sync::{mpsc, oneshot};

use shared::event::ServerEvent;

use super::messages::{MessageRow, Stored, insert_one, stored_from};
use crate::db::{Db, DbError, SqliteConn};
use crate::realtime::Realtime;

/// At most this many sends share one transaction.
const MAX_BATCH: usize = 256;
/// Sends waiting for the writer beyond this make their senders wait (backpressure).
const QUEUE: usize = 4096;

/// A message to store for a sender.
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// Where.
    pub conversation: ConversationId,
    /// Who (the authenticated caller).
    pub sender: UserId,
    /// The sender's id for this send (deduplication key with `sender`).
    pub client_msg_id: String,
    /// The body as stored (JSON).
    pub body_json: String,
    /// The uploads the body carries, recorded in `media_refs` with the message (so that the
    /// conversation's members may fetch them).
    pub media_ids: Vec<String>,
    /// Who the message mentions (0: everyone), recorded in `message_mentions` with it.
    pub mentions: Vec<i64>,
    /// The quote of the message this one replies to, attached to the stored message and its
    /// event.
    pub quote: Option<Box<shared::model::Quote>>,
    /// Server time of the send.
    pub now: i64,
    /// The body's search terms ([`crate::search::terms_of`]; empty when there is nothing to
    /// find). On SQLite the message is indexed in its own transaction with them, so the
    /// search indexer never competes with the writer for the write lock.
    pub search_terms: String,
}

type Reply = oneshot::Sender<Result<Stored, DbError>>;

/// The handle senders use; cheap to clone. The writer task ends when every handle is dropped.
#[derive(Clone)]
pub struct MessageWriter {
    queue: mpsc::Sender<(NewMessage, Reply)>,
}

impl MessageWriter {
    /// Starts the writer task on `db`, delivering events through `realtime` (call from within
    /// the Tokio runtime).
    pub fn start(db: Db, realtime: Arc<Realtime>) -> Self {
        let (queue, rx) = mpsc::channel(QUEUE);
        tokio::spawn(run(db, realtime, rx));
        MessageWriter { queue }
    }

    /// Stores `message` with its conversation's next seq, or returns the message the sender
    /// already stored under the same `client_msg_id`.
    pub async fn insert(&self, message: NewMessage) -> Result<Stored, DbError> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send((message, reply))
            .await
            .map_err(|_| DbError::Pool("the message writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| DbError::Pool("the message writer dropped a send".into()))?
    }
}

/// A pooled connection the writer keeps between batches, so that its page cache (SQLite) or
/// its prepared statements (PostgreSQL) stay warm.
enum Held {
    Sqlite(Object<SqliteConn>),
    Postgres(Box<Object<AsyncPgConnection>>),
}

impl Held {
    async fn take(db: &Db) -> Result<Self, DbError> {
        Ok(match db {
            Db::Sqlite(pool) => Held::Sqlite(pool.get().await?),
            Db::Postgres(pool) => Held::Postgres(Box::new(pool.get().await?)),
        })
    }
}

/// Delivers a newly stored message to every device of every member of its conversation (the
/// sender's other devices too).
async fn deliver(db: &Db, realtime: &Realtime, stored: &Stored) {
    let Stored::New(message) = stored else {
        return;
    };
    match realtime
        .caches()
        .conversation(db, message.conversation_id)
        .await
    {
        Ok(Some(access)) => realtime.send_to(
            access.member_ids(),
            &ServerEvent::Message {
                message: message.clone(),
            },
        ),
        Ok(None) => {}
        // Stored but not pushed: the members find it when they next resume or refetch.
        Err(e) => {
            tracing::error!(error = %e, "members of a conversation not loaded; event not sent")
        }
    }
}

async fn run(db: Db, realtime: Arc<Realtime>, mut rx: mpsc::Receiver<(NewMessage, Reply)>) {
    let mut batch: Vec<(NewMessage, Reply)> = Vec::with_capacity(MAX_BATCH);
    let mut held: Option<Held> = None;
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let (items, replies): (Vec<NewMessage>, Vec<Reply>) = batch.drain(..).unzip();
        let items = Arc::new(items);
        let written = match held.take() {
            Some(conn) => Ok(conn),
            None => Held::take(&db).await,
        };
        let written = match written {
            Ok(mut conn) => {
                let result = write_batch(&mut conn, items.clone()).await;
                // A failed batch may have left the connection broken: the next takes a new one.
                if result.is_ok() {
                    held = Some(conn);
                }
                result
            }
            Err(e) => Err(e),
        };
        match written {
            Ok(mut results) => {
                for (result, item) in results.iter_mut().zip(items.iter()) {
                    attach_quote(result, item);
                }
                // The senders first (they wait), then the members, in seq order.
                let new: Vec<Stored> = results
                    .iter()
                    .filter(|r| matches!(r, Stored::New(_)))
                    .cloned()
                    .collect();
                for (reply, result) in replies.into_iter().zip(results) {
                    let _ = reply.send(Ok(result));
                }
                for stored in &new {
                    deliver(&db, &realtime, stored).await;
                }
            }
            // Something in the batch failed (a conversation gone, a race with another node):
            // store each send on its own so that only the faulty one sees the error.
            Err(_) => {
                for (message, reply) in items.iter().zip(replies) {
                    let mut result = insert_one(&db, message).await;
                    if let Ok(stored) = &mut result {
                        attach_quote(stored, message);
                    }
                    if let Ok(stored) = &result {
                        deliver(&db, &realtime, stored).await;
                    }
                    let _ = reply.send(result);
                }
            }
        }
    }
}

/// Puts the quote a new message carries on its stored form (a repeated send's stored message
/// is answered as it was stored).
fn attach_quote(stored: &mut Stored, item: &NewMessage) {
    if let Stored::New(message) = stored {
        message.quote = item.quote.clone();
    }
}

/// Stores `items` in one transaction. On SQLite the whole transaction runs in one call on the
/// blocking pool (one hand-off per batch, not one per statement) and takes the write lock at
/// its start; on PostgreSQL it is three statements whatever the batch's size.
async fn write_batch(conn: &mut Held, items: Arc<Vec<NewMessage>>) -> Result<Vec<Stored>, DbError> {
    let rows: Vec<(MessageRow, bool)> = match conn {
        Held::Sqlite(conn) => {
            let items = items.clone();
            conn.spawn_blocking(move |conn| {
                conn.immediate_transaction(|conn| sqlite::store(conn, &items))
            })
            .await?
        }
        Held::Postgres(conn) => {
            conn.transaction(async |conn| postgres::store(conn, &items).await)
                .await?
        }
    };
    let planned = items.len();
    if rows.len() != planned {
        return Err(DbError::Pool(
            "a batch stored fewer rows than it planned".into(),
        ));
    }
    rows.into_iter()
        .map(|(row, new)| stored_from(row, new))
        .collect()
}
