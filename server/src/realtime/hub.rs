//! The hub: every live WebSocket connection, keyed by user (all of a user's devices).
//!
//! An event is serialized once and the same bytes are queued for every receiving connection.
//! Each connection has a small bounded queue; a connection whose queue is full has fallen
//! behind: it is dropped from the hub, and its socket task tells the client to resync and
//! closes (the client reconnects and resumes from its cursors; nothing is lost, the database is
//! the source of truth). The queue is `futures-channel`'s, which allocates per queued frame:
//! an idle connection's queue costs a small header, where Tokio's allocates a block of 32
//! slots (about 1.5 KiB with its header) for every connection up front.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::ws::Utf8Bytes;
use futures_channel::mpsc;
use futures_util::StreamExt;
use shared::event::ServerEvent;
use shared::ids::{SessionId, UserId};

/// Frames a connection may have queued before it counts as too slow.
pub const QUEUE: usize = 256;

/// What the hub hands a connection's socket task.
#[derive(Debug)]
pub enum Outgoing {
    /// A serialized event to send.
    Frame(Utf8Bytes),
    /// Close the connection, for this reason.
    Close(CloseReason),
}

/// Why the hub closes a connection; each reason is a WebSocket close code (docs/EVENTS.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseReason {
    /// The session ended (log-out, revoked, expired, password changed, account disabled):
    /// code 4001, the client must not reconnect with it.
    SessionEnded,
    /// The user opened more connections than allowed and this was the oldest: code 4003, the
    /// client should not reconnect on its own.
    Replaced,
}

impl CloseReason {
    /// The close code.
    pub fn code(self) -> u16 {
        match self {
            Self::SessionEnded => 4001,
            Self::Replaced => 4003,
        }
    }

    /// The close frame's reason text.
    pub fn text(self) -> &'static str {
        match self {
            Self::SessionEnded => "session ended",
            Self::Replaced => "too many connections; this one was the oldest",
        }
    }
}

struct Conn {
    id: u64,
    session: SessionId,
    tx: mpsc::Sender<Outgoing>,
}

/// The live connections.
#[derive(Default)]
pub struct Hub {
    conns: Mutex<HashMap<UserId, Vec<Conn>>>,
    next_id: AtomicU64,
    /// Registrations alive (connection tasks running), whether or not still in the map.
    live: AtomicUsize,
}

/// A connection's membership of the hub; dropping it unregisters the connection.
pub struct Registration {
    /// Frames for this connection.
    rx: mpsc::Receiver<Outgoing>,
    hub: Arc<Hub>,
    user: UserId,
    id: u64,
}

impl Registration {
    /// The next frame for this connection, or `None` once the hub has dropped it (it fell
    /// behind). Cancel-safe: a frame is taken only when this resolves.
    pub async fn recv(&mut self) -> Option<Outgoing> {
        self.rx.next().await
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.hub.remove(self.user, |c| c.id == self.id);
        self.hub.live.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Hub {
    fn lock(&self) -> MutexGuard<'_, HashMap<UserId, Vec<Conn>>> {
        // A panic while holding the lock cannot leave the map inconsistent (every change is
        // a single push or retain), so a poisoned lock is still usable.
        self.conns.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn remove(&self, user: UserId, pred: impl Fn(&Conn) -> bool) {
        let mut conns = self.lock();
        if let Some(list) = conns.get_mut(&user) {
            list.retain(|c| !pred(c));
            if list.is_empty() {
                conns.remove(&user);
            }
        }
    }

    /// Registers a new connection of `user` through `session`. When the user already has
    /// `max_per_user` connections here, the oldest is closed ([`CloseReason::Replaced`]).
    pub fn register(
        self: &Arc<Self>,
        user: UserId,
        session: SessionId,
        max_per_user: usize,
    ) -> Registration {
        // The channel holds its buffer plus one frame per sender: QUEUE in all.
        let (tx, rx) = mpsc::channel(QUEUE - 1);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.live.fetch_add(1, Ordering::Relaxed);
        {
            let mut conns = self.lock();
            let list = conns.entry(user).or_default();
            let excess = (list.len() + 1).saturating_sub(max_per_user.max(1));
            for mut oldest in list.drain(..excess) {
                tracing::info!(user = %user, conn = oldest.id, "too many connections; closing the oldest");
                let _ = oldest.tx.try_send(Outgoing::Close(CloseReason::Replaced));
            }
            list.push(Conn { id, session, tx });
        }
        Registration {
            rx,
            hub: self.clone(),
            user,
            id,
        }
    }

    /// Which of `users` have a connection on this node.
    pub fn connected(&self, users: &[UserId]) -> Vec<bool> {
        let conns = self.lock();
        users.iter().map(|u| conns.contains_key(u)).collect()
    }

    /// Every user with a connection on this node.
    pub fn connected_users(&self) -> Vec<UserId> {
        self.lock().keys().copied().collect()
    }

    /// Queues `event` for every connection of every user in `users` (serialized once). Slow
    /// connections are dropped (their socket tasks send `resync` and close).
    pub fn send_to(&self, users: &[UserId], event: &ServerEvent) {
        match serde_json::to_string(event) {
            Ok(json) => self.send_frame(users, Utf8Bytes::from(json)),
            Err(_) => tracing::error!(?event, "event does not serialize"),
        }
    }

    /// Queues an already serialized event (shared, not copied) for every connection of `users`.
    pub fn send_frame(&self, users: &[UserId], frame: Utf8Bytes) {
        let mut conns = self.lock();
        for user in users {
            if let Some(list) = conns.get_mut(user) {
                list.retain_mut(|c| match c.tx.try_send(Outgoing::Frame(frame.clone())) {
                    Ok(()) => true,
                    Err(e) if e.is_full() => {
                        tracing::warn!(user = %user, conn = c.id, "connection too slow; dropping it");
                        false
                    }
                    Err(_) => false,
                });
                if list.is_empty() {
                    conns.remove(user);
                }
            }
        }
    }

    /// Closes the connections made through any of `sessions` of `user`.
    pub fn close_sessions(&self, user: UserId, sessions: &[SessionId]) {
        let mut conns = self.lock();
        if let Some(list) = conns.get_mut(&user) {
            list.retain_mut(|c| {
                if sessions.contains(&c.session) {
                    let _ = c.tx.try_send(Outgoing::Close(CloseReason::SessionEnded));
                    false
                } else {
                    true
                }
            });
            if list.is_empty() {
                conns.remove(&user);
            }
        }
    }

    /// Closes every connection of `user` except those of session `keep`.
    pub fn close_user_except(&self, user: UserId, keep: Option<SessionId>) {
        let mut conns = self.lock();
        if let Some(list) = conns.get_mut(&user) {
            list.retain_mut(|c| {
                if Some(c.session) == keep {
                    true
                } else {
                    let _ = c.tx.try_send(Outgoing::Close(CloseReason::SessionEnded));
                    false
                }
            });
            if list.is_empty() {
                conns.remove(&user);
            }
        }
    }

    /// Drops every connection from the hub: each socket task sends what it had queued, then
    /// `resync` and closes (code 4002); its client refetches, reconnects and resumes from its
    /// cursors. For when events may have been lost on their way here (the link between nodes
    /// was down).
    pub fn resync_all(&self) -> usize {
        let mut conns = self.lock();
        let dropped = conns.values().map(Vec::len).sum();
        conns.clear();
        dropped
    }

    /// How many connections are registered for delivery.
    pub fn connection_count(&self) -> usize {
        self.lock().values().map(Vec::len).sum()
    }

    /// How many connection tasks are running (registered or on their way out); read without
    /// taking the lock, for the limit on connections.
    pub fn live_count(&self) -> usize {
        self.live.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pong(n: u64) -> ServerEvent {
        ServerEvent::Pong { nonce: n }
    }

    #[tokio::test]
    async fn fans_out_to_every_device_and_unregisters_on_drop() {
        let hub = Arc::new(Hub::default());
        let (alice, bob) = (UserId(1), UserId(2));
        let mut a1 = hub.register(alice, SessionId(10), 10);
        let mut a2 = hub.register(alice, SessionId(11), 10);
        let mut b = hub.register(bob, SessionId(20), 10);
        hub.send_to(&[alice], &pong(1));
        for r in [&mut a1, &mut a2] {
            assert!(
                matches!(r.recv().await, Some(Outgoing::Frame(f)) if f.as_str() == r#"{"type":"pong","nonce":1}"#)
            );
        }
        assert!(b.rx.try_recv().is_err(), "bob got nothing");
        assert_eq!(hub.connection_count(), 3);
        drop(a2);
        assert_eq!(hub.connection_count(), 2);
        hub.close_sessions(bob, &[SessionId(20)]);
        assert!(matches!(
            b.recv().await,
            Some(Outgoing::Close(CloseReason::SessionEnded))
        ));
        assert_eq!(hub.connection_count(), 1);
        assert_eq!(hub.live_count(), 2, "b's task has not ended yet");
        drop(b);
        assert_eq!(hub.live_count(), 1);
    }

    #[tokio::test]
    async fn resync_all_lets_queued_frames_out_then_ends_every_connection() {
        let hub = Arc::new(Hub::default());
        let mut a = hub.register(UserId(1), SessionId(1), 10);
        let mut b = hub.register(UserId(2), SessionId(2), 10);
        hub.send_to(&[UserId(1)], &pong(1));
        assert_eq!(hub.resync_all(), 2);
        assert!(matches!(a.recv().await, Some(Outgoing::Frame(_))));
        assert!(a.recv().await.is_none());
        assert!(b.recv().await.is_none());
        assert_eq!(hub.connection_count(), 0);
    }

    #[tokio::test]
    async fn a_user_over_the_limit_loses_the_oldest_connection() {
        let hub = Arc::new(Hub::default());
        let user = UserId(7);
        let mut regs: Vec<Registration> = (0..3)
            .map(|i| hub.register(user, SessionId(i), 3))
            .collect();
        let newest = hub.register(user, SessionId(3), 3);
        assert!(matches!(
            regs[0].recv().await,
            Some(Outgoing::Close(CloseReason::Replaced))
        ));
        assert_eq!(hub.connection_count(), 3);
        hub.send_to(&[user], &pong(1));
        for r in regs.iter_mut().skip(1) {
            assert!(matches!(r.recv().await, Some(Outgoing::Frame(_))));
        }
        drop(newest);
        assert_eq!(hub.connection_count(), 2);
    }

    #[tokio::test]
    async fn a_slow_connection_is_dropped_not_buffered() {
        let hub = Arc::new(Hub::default());
        let mut slow = hub.register(UserId(1), SessionId(1), 10);
        for i in 0..(QUEUE as u64 + 10) {
            hub.send_to(&[UserId(1)], &pong(i));
        }
        assert_eq!(hub.connection_count(), 0, "dropped once its queue was full");
        let mut received = 0;
        while let Some(Outgoing::Frame(_)) = slow.recv().await {
            received += 1;
        }
        assert_eq!(
            received, QUEUE,
            "the queue stayed bounded; then the channel closed"
        );
    }
}
