//! Group commit for sent messages: one writer task stores whatever sends are waiting in one
//! transaction. A lone message is written at once (the writer never waits for company); under
//! load the sends that queued during a commit share the next one, so SQLite's single writer is
//! never contended and PostgreSQL commits (and syncs) once per batch instead of once per message.

mod plan;
mod postgres;
mod sqlite;

use std::path::PathBuf;
use std::sync::Arc;

use diesel::sqlite::SqliteConnection;
use diesel_async::pooled_connection::deadpool::Object;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use shared::ids::{ConversationId, UserId};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use super::messages::{MessageRow, Stored, insert_one, stored_from};
use crate::db::{DatabaseUrl, Db, DbError, open_sqlite};

/// At most this many sends share one transaction.
const MAX_BATCH: usize = 256;
/// Sends waiting for the writer beyond this make their senders wait (backpressure).
const QUEUE: usize = 4096;
/// The writer's SQLite connection leaves its write-ahead log to be checkpointed by another
/// connection, off the writer's path, after this many commits or messages, whichever comes
/// first (with a lone message per commit ~5 log pages each, with full batches ~150 per 256
/// messages: about 5,000 pages either way, below SQLite's own 8,000 on the other connections).
const CHECKPOINT_COMMITS: u32 = 1024;
/// See [`CHECKPOINT_COMMITS`].
const CHECKPOINT_MESSAGES: usize = 8192;

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
    /// Server time of the send.
    pub now: i64,
}

type Reply = oneshot::Sender<Result<Stored, DbError>>;

/// The handle senders use; cheap to clone. The writer task ends when every handle is dropped.
#[derive(Clone)]
pub struct MessageWriter {
    queue: mpsc::Sender<(NewMessage, Reply)>,
}

impl MessageWriter {
    /// Starts the writer task on `db`, opened from `url` (call from within the Tokio runtime).
    pub fn start(db: Db, url: &DatabaseUrl) -> Self {
        let (queue, rx) = mpsc::channel(QUEUE);
        let sqlite = match url {
            DatabaseUrl::Sqlite(path) => Some(path.clone()),
            DatabaseUrl::Postgres(_) => None,
        };
        tokio::spawn(run(db, sqlite, rx));
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

/// The connection the writer keeps between batches, so that its page cache (SQLite) or its
/// prepared statements (PostgreSQL) stay warm.
enum Held {
    /// The writer's own connection, opened outside the pool with automatic checkpoints off:
    /// a checkpoint (copying the log into the database file, with its fsyncs) would otherwise
    /// stall the writer, and every send waiting behind it, inside some commit.
    Sqlite(Box<SqliteConnection>),
    Postgres(Box<Object<AsyncPgConnection>>),
}

/// Where the writer stores, and how it checkpoints (SQLite).
struct Target {
    db: Db,
    /// The SQLite file, when that is the backend.
    sqlite: Option<PathBuf>,
    /// Commits and messages since the last checkpoint was started.
    since_checkpoint: (u32, usize),
    /// The checkpoint under way, if any.
    checkpoint: Option<JoinHandle<()>>,
}

impl Target {
    async fn open(&self) -> Result<Held, DbError> {
        Ok(match (&self.db, &self.sqlite) {
            (Db::Sqlite(_), Some(path)) => {
                let path = path.clone();
                let conn = tokio::task::spawn_blocking(move || {
                    open_sqlite(&path, "PRAGMA wal_autocheckpoint = 0;")
                })
                .await
                .map_err(|e| DbError::Connect(e.to_string()))??;
                Held::Sqlite(Box::new(conn))
            }
            (Db::Sqlite(_), None) => {
                return Err(DbError::Connect(
                    "the message writer was given no SQLite file".into(),
                ));
            }
            (Db::Postgres(pool), _) => Held::Postgres(Box::new(pool.get().await?)),
        })
    }

    /// Counts a committed batch and starts a checkpoint on a pooled connection when one is
    /// due and none is under way.
    fn committed(&mut self, messages: usize) {
        if self.sqlite.is_none() {
            return;
        }
        self.since_checkpoint.0 += 1;
        self.since_checkpoint.1 += messages;
        let due = self.since_checkpoint.0 >= CHECKPOINT_COMMITS
            || self.since_checkpoint.1 >= CHECKPOINT_MESSAGES;
        if !due || self.checkpoint.as_ref().is_some_and(|c| !c.is_finished()) {
            return;
        }
        self.since_checkpoint = (0, 0);
        let db = self.db.clone();
        self.checkpoint = Some(tokio::spawn(async move {
            if let Err(e) = db.checkpoint().await {
                tracing::warn!(error = %e, "checkpoint of the write-ahead log failed");
            }
        }));
    }
}

async fn run(db: Db, sqlite: Option<PathBuf>, mut rx: mpsc::Receiver<(NewMessage, Reply)>) {
    let mut target = Target {
        db,
        sqlite,
        since_checkpoint: (0, 0),
        checkpoint: None,
    };
    let mut batch: Vec<(NewMessage, Reply)> = Vec::with_capacity(MAX_BATCH);
    let mut held: Option<Held> = None;
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let (items, replies): (Vec<NewMessage>, Vec<Reply>) = batch.drain(..).unzip();
        let items = Arc::new(items);
        let conn = match held.take() {
            Some(conn) => Ok(conn),
            None => target.open().await,
        };
        let written = match conn {
            Ok(conn) => {
                let (kept, result) = write_batch(conn, items.clone()).await;
                // A failed batch may have left the connection broken: the next opens a new one.
                if result.is_ok() {
                    held = kept;
                    target.committed(items.len());
                }
                result
            }
            Err(e) => Err(e),
        };
        match written {
            Ok(results) => {
                for (reply, result) in replies.into_iter().zip(results) {
                    let _ = reply.send(Ok(result));
                }
            }
            // Something in the batch failed (a conversation gone, a race with another node):
            // store each send on its own so that only the faulty one sees the error.
            Err(_) => {
                for (message, reply) in items.iter().zip(replies) {
                    let _ = reply.send(insert_one(&target.db, message).await);
                }
            }
        }
    }
}

/// Stores `items` in one transaction, and hands back the connection unless it was lost. On
/// SQLite the whole transaction is one call on the blocking pool (one hand-off per batch, not
/// one per statement) that takes the write lock at its start; on PostgreSQL it is three
/// statements whatever the batch's size.
async fn write_batch(
    conn: Held,
    items: Arc<Vec<NewMessage>>,
) -> (Option<Held>, Result<Vec<Stored>, DbError>) {
    let (conn, rows) = match conn {
        // Never on the async workers: `BEGIN IMMEDIATE` waits while another connection holds
        // the write lock.
        Held::Sqlite(mut conn) => {
            let batch = items.clone();
            let stored = tokio::task::spawn_blocking(move || {
                let rows = conn.immediate_transaction(|conn| sqlite::store(conn, &batch));
                (conn, rows)
            })
            .await;
            match stored {
                Ok((conn, rows)) => (Some(Held::Sqlite(conn)), rows.map_err(DbError::from)),
                Err(e) => (
                    None,
                    Err(DbError::Pool(format!("the batch's task failed: {e}"))),
                ),
            }
        }
        Held::Postgres(mut conn) => {
            let rows = conn
                .transaction(async |conn| postgres::store(conn, &items).await)
                .await;
            (Some(Held::Postgres(conn)), rows.map_err(DbError::from))
        }
    };
    match rows {
        Ok(rows) => (conn, assemble(rows, items.len())),
        Err(e) => (conn, Err(e)),
    }
}

/// The answers to a batch's sends from the rows it stored.
fn assemble(rows: Vec<(MessageRow, bool)>, planned: usize) -> Result<Vec<Stored>, DbError> {
    if rows.len() != planned {
        return Err(DbError::Pool(
            "a batch stored fewer rows than it planned".into(),
        ));
    }
    rows.into_iter()
        .map(|(row, new)| stored_from(row, new))
        .collect()
}
