//! Group commit for sent messages: one writer task stores whatever sends are waiting in one
//! transaction. A lone message is written at once (the writer never waits for company); under
//! load the sends that queued during a commit share the next one, so SQLite's single writer is
//! never contended and PostgreSQL commits (and syncs) once per batch instead of once per message.

use std::collections::HashMap;
use std::sync::Arc;

// Not the prelude: each backend's branch imports its own `RunQueryDsl`.
use diesel::{ExpressionMethods, QueryDsl};
use diesel_async::pooled_connection::deadpool::Object;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use shared::ids::{ConversationId, UserId};
use tokio::sync::{mpsc, oneshot};

use super::messages::{MESSAGE_COLUMNS, MessageRow, Stored, insert_one, stored_from};
use crate::db::schema::{conversations, messages};
use crate::db::{Db, DbError, SqliteConn};

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
    /// Starts the writer task on `db` (call from within the Tokio runtime).
    pub fn start(db: Db) -> Self {
        let (queue, rx) = mpsc::channel(QUEUE);
        tokio::spawn(run(db, rx));
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

async fn run(db: Db, mut rx: mpsc::Receiver<(NewMessage, Reply)>) {
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
            Ok(results) => {
                for (reply, result) in replies.into_iter().zip(results) {
                    let _ = reply.send(Ok(result));
                }
            }
            // Something in the batch failed (a conversation gone, a race with another node):
            // store each send on its own so that only the faulty one sees the error.
            Err(_) => {
                for (message, reply) in items.iter().zip(replies) {
                    let _ = reply.send(insert_one(&db, message).await);
                }
            }
        }
    }
}

/// What one send in a batch turned out to be.
enum Slot {
    /// Stored before this batch.
    Existing(MessageRow),
    /// The same send earlier in this batch (its index).
    SameAs(usize),
    /// New: the `k`-th new message of its conversation in this batch (from 1).
    New(i64),
}

/// How a batch is stored, decided from the sends and the rows their ids already have.
struct Plan {
    slots: Vec<Slot>,
    /// Per conversation: how many new messages, and the newest send time among them.
    new_per_conversation: HashMap<i64, (i64, i64)>,
}

impl Plan {
    fn new(items: &[NewMessage], existing: Vec<MessageRow>) -> Self {
        let mut first_of: HashMap<(i64, &str), usize> = HashMap::new();
        let mut new_per_conversation: HashMap<i64, (i64, i64)> = HashMap::new();
        let mut slots: Vec<Slot> = Vec::with_capacity(items.len());
        for (i, m) in items.iter().enumerate() {
            let key = (m.sender.0, m.client_msg_id.as_str());
            if let Some(row) = existing
                .iter()
                .find(|r| r.3 == Some(key.0) && r.4.as_deref() == Some(key.1))
            {
                slots.push(Slot::Existing(row.clone()));
            } else if let Some(&earlier) = first_of.get(&key) {
                slots.push(Slot::SameAs(earlier));
            } else {
                first_of.insert(key, i);
                let entry = new_per_conversation
                    .entry(m.conversation.0)
                    .or_insert((0, m.now));
                entry.0 += 1;
                entry.1 = entry.1.max(m.now);
                slots.push(Slot::New(entry.0));
            }
        }
        Plan {
            slots,
            new_per_conversation,
        }
    }

    /// The new messages with their seqs, given each conversation's seq before the batch.
    fn new_messages<'a>(
        &'a self,
        items: &'a [NewMessage],
        base: &'a HashMap<i64, i64>,
    ) -> impl Iterator<Item = (&'a NewMessage, i64)> + 'a {
        items
            .iter()
            .zip(&self.slots)
            .filter_map(move |(m, slot)| match slot {
                Slot::New(k) => Some((m, base.get(&m.conversation.0).copied().unwrap_or(0) + k)),
                _ => None,
            })
    }

    /// Every send's row and whether it is new, given the inserted rows in order.
    fn assemble(self, inserted: Vec<MessageRow>) -> Vec<(MessageRow, bool)> {
        let mut inserted = inserted.into_iter();
        let mut rows: Vec<(MessageRow, bool)> = Vec::with_capacity(self.slots.len());
        for slot in self.slots {
            let row = match slot {
                Slot::Existing(row) => (row, false),
                // Earlier in this batch, hence already in `rows`.
                Slot::SameAs(earlier) => (rows[earlier].0.clone(), false),
                Slot::New(_) => match inserted.next() {
                    Some(row) => (row, true),
                    None => break,
                },
            };
            rows.push(row);
        }
        rows
    }
}

/// The statements of one batch, written once for both backends: one duplicate lookup for the
/// batch, one seq reservation per conversation, one insert per new message. Pass `await` as
/// the last argument for an async connection.
macro_rules! store_batch {
    ($conn:ident, $items:expr $(, $aw:tt)?) => {{
        let items: &[NewMessage] = $items;
        let senders: Vec<i64> = items.iter().map(|m| m.sender.0).collect();
        let client_ids: Vec<&str> = items.iter().map(|m| m.client_msg_id.as_str()).collect();
        let existing: Vec<MessageRow> = messages::table
            .filter(messages::sender_id.eq_any(&senders))
            .filter(messages::client_msg_id.eq_any(&client_ids))
            .select(MESSAGE_COLUMNS)
            .load($conn)
            $(.$aw)*?;
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
                .get_result($conn)
                $(.$aw)*?;
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
                .get_result($conn)
                $(.$aw)*?;
            inserted.push(row);
        }
        Ok::<_, diesel::result::Error>(plan.assemble(inserted))
    }};
}

/// Stores `items` in one transaction. On SQLite the whole transaction runs in one call on the
/// blocking pool (one hand-off per batch, not one per statement) and takes the write lock at
/// its start.
async fn write_batch(conn: &mut Held, items: Arc<Vec<NewMessage>>) -> Result<Vec<Stored>, DbError> {
    let rows: Vec<(MessageRow, bool)> = match conn {
        Held::Sqlite(conn) => {
            let items = items.clone();
            conn.spawn_blocking(move |conn| {
                conn.immediate_transaction(|conn| {
                    use diesel::RunQueryDsl;
                    store_batch!(conn, &items)
                })
            })
            .await?
        }
        Held::Postgres(conn) => {
            use diesel_async::RunQueryDsl;
            conn.transaction(async |conn| store_batch!(conn, &items, await))
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
