//! Bots' outgoing webhooks: a background worker on every node posts each new message in a
//! webhook bot's conversations, and each change to one (edit, recall, reactions), to the bot's
//! URL, signed, in order per bot, retried for a day.
//!
//! Nothing is held in memory between passes. Each pass the node leases the webhooks no other
//! node holds (a lease lasts [`LEASE_MS`] and is renewed while the node lives, so a bot's
//! events are posted by one node at a time, and another node takes over when it dies). For each
//! leased bot it queues the messages past the bot's cursor in each of its conversations (rows in
//! `webhook_deliveries`, the cursor moved in the same transaction) together with the changes
//! noted for it in `webhook_events` by the units of work that made them, then posts the queue's head
//! until it is empty or a post fails; a failed head waits (1 s, doubling to an hour) and holds
//! the rest back, so the receiver sees events in order. A post that succeeded but whose result
//! was not recorded (a crash in between) is posted again with the same `X-Parley-Delivery`.

pub mod guard;
pub mod sign;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use shared::ids::{ConversationId, MessageId, UserId};
use shared::model::{DeliveryStatus, Message, WEBHOOK_RETRY_FOR_MS};
use tokio::sync::Notify;

use crate::db::{Db, DbError};
use crate::repo::bot_webhooks::{self as repo, Attempt, NewDelivery, Target};
use crate::repo::webhook_events as events;
use crate::time::now_ms;

/// How long a node holds the webhooks it leased.
pub const LEASE_MS: i64 = 30_000;
/// The pause between passes when nothing wakes the worker.
const PASS_EVERY: Duration = Duration::from_secs(1);
/// Longest wait for a receiver's answer.
const POST_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest pause between attempts.
const BACKOFF_MAX_MS: i64 = 3_600_000;
/// Most messages queued per conversation per pass.
const QUEUE_BATCH: usize = 100;
/// Most deliveries waiting per bot: past it, queueing pauses (the messages stay in the
/// database and are queued once the receiver catches up).
const PENDING_MAX: i64 = 10_000;
/// Most posts per bot per pass.
const POSTS_PER_PASS: usize = 50;
/// Bots served at once.
const CONCURRENT_BOTS: usize = 8;
/// Finished deliveries are kept in the log this long.
pub const LOG_KEEP_MS: i64 = 7 * 24 * 3_600_000;

/// The pause before attempt `attempts + 1`, after `attempts` failures.
pub fn backoff_ms(attempts: u32) -> i64 {
    let exp = attempts.saturating_sub(1).min(12);
    (1_000_i64 << exp).min(BACKOFF_MAX_MS)
}

/// The worker's handle: wake it to post at once (a webhook was just set), or stop it.
#[derive(Debug)]
pub struct Webhooks {
    wake: Notify,
    stop: tokio::sync::watch::Sender<bool>,
    stopped: tokio::sync::watch::Sender<bool>,
}

impl Webhooks {
    fn new() -> (Self, tokio::sync::watch::Receiver<bool>) {
        let (stop, stopping) = tokio::sync::watch::channel(false);
        let handle = Self {
            wake: Notify::new(),
            stop,
            stopped: tokio::sync::watch::Sender::new(false),
        };
        (handle, stopping)
    }

    /// Asks for a pass now.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Stops the worker at the end of its current pass and hands its webhooks back to the
    /// other nodes at once (a node that dies instead holds them until its lease runs out).
    /// Waits for that, at most `POST_TIMEOUT` and a little.
    pub async fn stop(&self) {
        let _ = self.stop.send(true);
        let mut stopped = self.stopped.subscribe();
        let _ = tokio::time::timeout(
            POST_TIMEOUT + Duration::from_secs(5),
            stopped.wait_for(|s| *s),
        )
        .await;
    }
}

/// Starts the worker (call within the Tokio runtime).
pub fn spawn(db: Db, allow_private: bool) -> Arc<Webhooks> {
    let (handle, mut stopping) = Webhooks::new();
    let handle = Arc::new(handle);
    // The client's TLS (for https receivers) uses the ring provider, as the S3 store does.
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = match reqwest_s3::Client::builder()
        .redirect(reqwest_s3::redirect::Policy::none())
        .no_proxy()
        .timeout(POST_TIMEOUT)
        .connect_timeout(Duration::from_secs(5))
        .dns_resolver(guard::GuardedResolver { allow_private })
        .user_agent(concat!("Parley-Webhook/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(client) => client,
        Err(e) => {
            tracing::error!(error = %e, "webhook client could not be built; outgoing webhooks are off");
            handle.stopped.send_replace(true);
            return handle;
        }
    };
    let node = format!("{:016x}", rand::random::<u64>());
    let worker = Worker {
        db,
        client,
        node,
        allow_private,
    };
    let wake = handle.clone();
    tokio::spawn(async move {
        while !*stopping.borrow() {
            if let Err(e) = worker.pass().await {
                tracing::warn!(error = %e, "webhook pass failed; retrying");
            }
            tokio::select! {
                () = tokio::time::sleep(PASS_EVERY) => {}
                () = wake.wake.notified() => {}
                _ = stopping.changed() => {}
            }
        }
        if let Err(e) = worker.release().await {
            tracing::warn!(error = %e, "webhook leases not released");
        }
        wake.stopped.send_replace(true);
    });
    handle
}

struct Worker {
    db: Db,
    client: reqwest_s3::Client,
    node: String,
    allow_private: bool,
}

impl Worker {
    /// Hands this node's webhooks back.
    async fn release(&self) -> Result<(), DbError> {
        crate::db_conn!(&self.db, |conn| repo::release(conn, &self.node).await)
    }

    /// One pass: lease, queue, post.
    async fn pass(&self) -> Result<(), DbError> {
        let now = now_ms();
        let targets = crate::db_conn!(&self.db, |conn| repo::lease(
            conn,
            &self.node,
            now,
            now + LEASE_MS
        )
        .await)?;
        futures_util::stream::iter(targets)
            .for_each_concurrent(CONCURRENT_BOTS, |target| async move {
                if let Err(e) = self.serve(&target).await {
                    tracing::warn!(bot = %target.bot, error = %e, "webhook delivery pass failed");
                }
            })
            .await;
        Ok(())
    }

    /// Queues what is new for one bot, then posts its queue.
    async fn serve(&self, target: &Target) -> Result<(), DbError> {
        self.queue(target).await?;
        self.post_queue(target).await
    }

    /// Queues the messages past the bot's cursors and the changes made to messages already
    /// queued, in the order they happened.
    async fn queue(&self, target: &Target) -> Result<(), DbError> {
        let bot = target.bot;
        let db = &self.db;
        if crate::db_conn!(db, |conn| repo::pending_count(conn, bot).await)? >= PENDING_MAX {
            return Ok(());
        }
        let behind = crate::db_conn!(db, |conn| repo::behind(conn, bot).await)?;
        let mut cursors = Vec::with_capacity(behind.len());
        let mut messages = Vec::new();
        for b in behind {
            let start = match b.cursor {
                Some(seq) => seq,
                None => {
                    let since = b.joined_at.max(target.created_at);
                    crate::db_conn!(db, |conn| repo::start_seq(
                        conn,
                        b.conversation,
                        b.last_seq,
                        since
                    )
                    .await)?
                }
            };
            let found =
                crate::repo::messages::after(db, bot, b.conversation, start, QUEUE_BATCH).await?;
            cursors.push((b.conversation, found.last().map_or(start, |m| m.seq)));
            messages.extend(found.into_iter().filter(|m| m.sender_id != Some(bot)));
        }
        let (changes, taken) = self.changes(bot, &cursors).await?;
        if cursors.is_empty() && taken.is_none() {
            return Ok(());
        }
        // Across conversations, in the order they happened: a message before the changes made
        // to it (a change is always later than its message).
        let mut items: Vec<(i64, u8, i64, &'static str, Message)> = messages
            .into_iter()
            .map(|m| (m.created_at, 0, m.id.0, "message", m))
            .chain(changes)
            .collect();
        items.sort_by_key(|(at, kind, id, _, _)| (*at, *kind, *id));
        let now = now_ms();
        let deliveries: Vec<NewDelivery> = items
            .into_iter()
            .map(|(_, _, _, event, m)| {
                let delivery_id = delivery_id();
                let payload = serde_json::json!({
                    "type": event,
                    "delivery_id": delivery_id,
                    "bot_id": bot,
                    "timestamp": now,
                    "message": m,
                })
                .to_string();
                NewDelivery {
                    delivery_id,
                    event,
                    conversation: m.conversation_id,
                    message: m.id,
                    payload,
                }
            })
            .collect();
        crate::db_transaction!(db, |tx| {
            repo::enqueue(tx, bot, &cursors, &deliveries, now).await?;
            if let Some(through) = taken {
                events::take(tx, bot, through).await?;
            }
            Ok::<_, crate::db::Failure>(())
        })
        .map_err(|f| match f {
            crate::db::Failure::Db(e) => e,
            crate::db::Failure::Refused(e) => DbError::Pool(e.to_string()),
        })?;
        Ok(())
    }

    /// The changes waiting for `bot` whose messages are queued by now (`cursors` holds this
    /// pass's new cursors), oldest first and stopping at the first that must wait, each with its
    /// message as the bot sees it now; and the last change row they take up.
    async fn changes(
        &self,
        bot: UserId,
        cursors: &[(ConversationId, i64)],
    ) -> Result<(Vec<(i64, u8, i64, &'static str, Message)>, Option<i64>), DbError> {
        let db = &self.db;
        let waiting = crate::db_conn!(db, |conn| events::waiting(conn, bot, QUEUE_BATCH).await)?;
        if waiting.is_empty() {
            return Ok((Vec::new(), None));
        }
        let mut queued: HashMap<i64, i64> = cursors.iter().map(|(c, s)| (c.0, *s)).collect();
        let mut unknown: Vec<i64> = waiting
            .iter()
            .map(|w| w.conversation)
            .filter(|c| !queued.contains_key(c))
            .collect();
        unknown.sort_unstable();
        unknown.dedup();
        let stored = crate::db_conn!(db, |conn| events::cursors(conn, bot, &unknown).await)?;
        queued.extend(stored);
        let mut taken = None;
        let mut changes = Vec::new();
        for w in waiting {
            // Its message is not queued yet: this change and every later one wait.
            if queued.get(&w.conversation).is_some_and(|q| *q < w.seq) {
                break;
            }
            taken = Some(w.id);
            let conversation = ConversationId(w.conversation);
            let now =
                crate::repo::messages::after(db, bot, conversation, w.seq.saturating_sub(1), 1)
                    .await?;
            // A message gone, or hidden by the bot, is not posted.
            if let Some(m) = now.into_iter().find(|m| m.id == MessageId(w.message)) {
                let event = match w.event.as_str() {
                    events::MESSAGE_CHANGED => events::MESSAGE_CHANGED,
                    _ => continue,
                };
                changes.push((w.created_at, 1, w.id, event, m));
            }
        }
        Ok((changes, taken))
    }

    /// Posts the bot's queue in order until it is empty, a post fails, or the pass's share is
    /// used.
    async fn post_queue(&self, target: &Target) -> Result<(), DbError> {
        let bot = target.bot;
        let db = &self.db;
        for _ in 0..POSTS_PER_PASS {
            let Some(head) = crate::db_conn!(db, |conn| repo::head(conn, bot).await)? else {
                return Ok(());
            };
            let now = now_ms();
            if now - head.created_at >= WEBHOOK_RETRY_FOR_MS {
                // A day of failures: this and everything queued as long ago is given up.
                let given_up = crate::db_conn!(db, |conn| repo::expire(
                    conn,
                    bot,
                    now - WEBHOOK_RETRY_FOR_MS + 1,
                    now
                )
                .await)?;
                tracing::warn!(bot = %bot, count = given_up, "webhook deliveries given up");
                continue;
            }
            if head.next_attempt_at > now {
                return Ok(());
            }
            let attempts = u32::try_from(head.attempts).unwrap_or(0) + 1;
            let (status_code, error) = self.post(target, &head).await;
            let delivered = status_code.is_some_and(|c| (200..300).contains(&c));
            let done = now_ms();
            let attempt = Attempt {
                status_code,
                error,
                status: if delivered {
                    DeliveryStatus::Delivered
                } else {
                    DeliveryStatus::Pending
                },
                next_attempt_at: if delivered {
                    done
                } else {
                    done + backoff_ms(attempts)
                },
            };
            crate::db_conn!(db, |conn| repo::record(conn, head.id, &attempt, done).await)?;
            if !delivered {
                tracing::info!(
                    bot = %bot,
                    delivery = %head.delivery_id,
                    attempts,
                    status = ?status_code,
                    "webhook post failed; will retry"
                );
                return Ok(());
            }
        }
        Ok(())
    }

    /// One post: the receiver's status, or why there was none.
    async fn post(&self, target: &Target, head: &repo::Head) -> (Option<u16>, Option<String>) {
        let url = match reqwest_s3::Url::parse(&target.url) {
            Ok(url) if guard::literal_allowed(&url, self.allow_private) => url,
            _ => return (None, Some("address not allowed".to_owned())),
        };
        let body = head.payload.clone().into_bytes();
        let request = self
            .client
            .post(url)
            .header("content-type", "application/json")
            .header("x-parley-event", head.event.as_str())
            .header("x-parley-delivery", head.delivery_id.as_str())
            .header("x-parley-timestamp", now_ms().to_string())
            .header("x-parley-signature", sign::signature(&target.secret, &body))
            .body(body);
        match request.send().await {
            Ok(res) => {
                let code = res.status().as_u16();
                let error = (!res.status().is_success()).then(|| format!("HTTP {code}"));
                (Some(code), error)
            }
            Err(e) => (None, Some(describe(&e))),
        }
    }
}

/// A short reason for a failed post, without the URL (it may carry a secret).
fn describe(e: &reqwest_s3::Error) -> String {
    if e.is_timeout() {
        "timed out".to_owned()
    } else if e.is_connect() {
        "could not connect".to_owned()
    } else {
        "request failed".to_owned()
    }
}

/// A fresh delivery id: 128 random bits in hex.
fn delivery_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// Deletes the log entries of deliveries finished over a week ago; how many.
pub async fn prune_log(db: &Db, now: i64) -> Result<usize, DbError> {
    crate::db_conn!(db, |conn| repo::prune(conn, now - LOG_KEEP_MS).await)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::ids::UserId;

    #[test]
    fn backoff_doubles_to_an_hour() {
        assert_eq!(backoff_ms(1), 1_000);
        assert_eq!(backoff_ms(2), 2_000);
        assert_eq!(backoff_ms(3), 4_000);
        assert_eq!(backoff_ms(40), BACKOFF_MAX_MS);
    }

    #[test]
    fn delivery_ids_differ() {
        assert_ne!(delivery_id(), delivery_id());
        assert_eq!(delivery_id().len(), 32);
    }

    #[test]
    fn user_ids_serialize_as_numbers() {
        assert_eq!(serde_json::json!({ "bot_id": UserId(7) })["bot_id"], 7);
    }
}
