//! Cross-node fan-out. Every node delivers to its own connections through its [`Hub`]; with
//! Redis configured, it also publishes each delivery on a Redis channel, and applies what the
//! other nodes publish there. Pub/sub is at-most-once: a node or Redis restart loses events in
//! flight, never messages (the database is the source of truth and clients resume from their
//! cursors).

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::Utf8Bytes;
use futures_util::StreamExt;
use redis::AsyncCommands;
use serde::{Deserialize, Serialize};
use shared::event::ServerEvent;
use shared::ids::{SessionId, UserId};
use tokio::sync::mpsc;

use super::hub::{Hub, Registration};
use crate::cache::{Caches, Invalidation};

/// Publications waiting for Redis; when Redis stalls, further ones are dropped (and counted).
const PUBLISH_QUEUE: usize = 10_000;

/// One delivery, as it crosses nodes.
#[derive(Debug, Serialize, Deserialize)]
enum Envelope {
    /// A serialized event for every connection of `users`.
    Event { users: Vec<UserId>, frame: String },
    /// Close these sessions' connections.
    CloseSessions {
        user: UserId,
        sessions: Vec<SessionId>,
    },
    /// Close every connection of `user` but those of `keep`.
    CloseUserExcept {
        user: UserId,
        keep: Option<SessionId>,
    },
    /// Drop cached entries.
    Invalidate(Invalidation),
    /// The sending node could not publish for a while: what it sent then never arrived, so
    /// every node drops its caches and has its clients resync.
    ResyncAll,
}

#[derive(Debug, Serialize, Deserialize)]
struct Wire {
    node: u64,
    envelope: Envelope,
}

/// The realtime layer of one node: its hub, its caches, and the link to the other nodes when
/// configured (which carries events, ended sessions and cache invalidations).
pub struct Realtime {
    hub: Arc<Hub>,
    caches: Arc<Caches>,
    node: u64,
    publish: Option<mpsc::Sender<String>>,
    /// Who is online on any node (with Redis).
    presence: Option<crate::realtime::presence::SharedPresence>,
}

impl Realtime {
    /// A single-node realtime layer (no Redis).
    pub fn local() -> Self {
        Self {
            hub: Arc::default(),
            caches: Arc::default(),
            node: 0,
            publish: None,
            presence: None,
        }
    }

    /// Connects to Redis at `url` and starts the publisher and subscriber tasks on `channel`.
    pub async fn with_redis(url: &str, channel: &str) -> Result<Self, redis::RedisError> {
        let client = redis::Client::open(url)?;
        let conn = client.get_multiplexed_async_connection().await?;
        let conn_for_presence = conn.clone();
        let node = rand::random::<u64>();
        let hub: Arc<Hub> = Arc::default();
        let caches: Arc<Caches> = Arc::default();
        let (tx, rx) = mpsc::channel::<String>(PUBLISH_QUEUE);
        let publisher = Publisher {
            client: client.clone(),
            channel: channel.to_owned(),
            node,
        };
        tokio::spawn(publisher.run(conn, rx));
        let subscriber = Subscriber {
            client,
            channel: channel.to_owned(),
            hub: hub.clone(),
            caches: caches.clone(),
            node,
        };
        // Subscribe before returning, so nothing published after start-up is missed.
        let pubsub = subscriber.subscribe().await?;
        tokio::spawn(subscriber.run(pubsub));
        let presence = crate::realtime::presence::SharedPresence::start(
            conn_for_presence,
            format!("{channel}:presence"),
            hub.clone(),
        );
        tracing::info!(node, channel, "realtime fan-out through redis");
        Ok(Self {
            hub,
            caches,
            node,
            publish: Some(tx),
            presence: Some(presence),
        })
    }

    fn share(&self, envelope: Envelope) {
        let Some(tx) = &self.publish else { return };
        let wire = Wire {
            node: self.node,
            envelope,
        };
        match serde_json::to_string(&wire) {
            Ok(payload) => {
                if tx.try_send(payload).is_err() {
                    tracing::warn!("redis publish queue full; event not shared");
                }
            }
            Err(e) => tracing::error!(error = %e, "envelope does not serialize"),
        }
    }

    /// Registers a connection of this node; the user's oldest one here is closed when they
    /// would have more than `max_per_user`.
    pub fn register(&self, user: UserId, session: SessionId, max_per_user: usize) -> Registration {
        if let Some(presence) = &self.presence {
            presence.arrived(user);
        }
        self.hub.register(user, session, max_per_user)
    }

    /// Which of `users` are connected, on this node or (with Redis) any other.
    pub async fn online(&self, users: &[UserId]) -> Vec<bool> {
        let mut online = self.hub.connected(users);
        if let Some(presence) = &self.presence
            && online.iter().any(|o| !o)
        {
            let elsewhere = presence.online(users).await;
            for (here, there) in online.iter_mut().zip(elsewhere) {
                *here |= there;
            }
        }
        online
    }

    /// Everyone connected, on this node or (with Redis) any other; at most `limit`, sorted.
    pub async fn online_users(&self, limit: usize) -> Vec<UserId> {
        let mut users = self.hub.connected_users();
        if let Some(presence) = &self.presence {
            users.extend(presence.everyone(limit).await);
        }
        users.sort_unstable();
        users.dedup();
        users.truncate(limit);
        users
    }

    /// Delivers `event` to every connection of `users`, on every node.
    pub fn send_to(&self, users: &[UserId], event: &ServerEvent) {
        let Ok(json) = serde_json::to_string(event) else {
            tracing::error!(?event, "event does not serialize");
            return;
        };
        if self.publish.is_some() {
            self.hub.send_frame(users, Utf8Bytes::from(json.clone()));
            self.share(Envelope::Event {
                users: users.to_vec(),
                frame: json,
            });
        } else {
            // One node: the serialized event moves into the frame every connection shares.
            self.hub.send_frame(users, Utf8Bytes::from(json));
        }
    }

    /// Ends these sessions on every node: their cached lookups and their connections.
    pub fn close_sessions(&self, user: UserId, sessions: &[SessionId]) {
        self.caches.apply(&Invalidation::Sessions {
            user,
            sessions: sessions.to_vec(),
        });
        self.hub.close_sessions(user, sessions);
        self.share(Envelope::CloseSessions {
            user,
            sessions: sessions.to_vec(),
        });
    }

    /// Ends every session of `user` except `keep` on every node: their cached lookups and
    /// their connections.
    pub fn close_user_except(&self, user: UserId, keep: Option<SessionId>) {
        self.caches
            .apply(&Invalidation::UserSessionsExcept { user, keep });
        self.hub.close_user_except(user, keep);
        self.share(Envelope::CloseUserExcept { user, keep });
    }

    /// The node's caches (sessions, conversation access).
    pub fn caches(&self) -> &Caches {
        &self.caches
    }

    /// Drops cached entries that `change` makes stale, on every node. Call after the commit
    /// of the change, before telling anyone about it.
    pub fn invalidate(&self, change: Invalidation) {
        self.caches.apply(&change);
        if self.publish.is_some() {
            self.share(Envelope::Invalidate(change));
        }
    }

    /// Live connections on this node.
    pub fn connection_count(&self) -> usize {
        self.hub.connection_count()
    }

    /// Connection tasks running on this node (the figure the connection limit bounds).
    pub fn live_count(&self) -> usize {
        self.hub.live_count()
    }
}

/// The task that publishes this node's envelopes, in order, on one connection; it reconnects
/// (with backoff) when Redis goes away, and once it can publish again it tells the other nodes
/// that what it sent meanwhile was lost.
struct Publisher {
    client: redis::Client,
    channel: String,
    node: u64,
}

impl Publisher {
    async fn run(self, first: redis::aio::MultiplexedConnection, mut rx: mpsc::Receiver<String>) {
        let mut conn = Some(first);
        let mut lost = false;
        let mut backoff = Duration::from_millis(200);
        while let Some(payload) = rx.recv().await {
            if conn.is_none() {
                match self.client.get_multiplexed_async_connection().await {
                    Ok(c) => {
                        tracing::info!("redis publisher reconnected");
                        conn = Some(c);
                        backoff = Duration::from_millis(200);
                    }
                    Err(e) => {
                        // This envelope is lost; wait a little before the next attempt (the
                        // queue meanwhile fills and then drops, it does not grow).
                        tracing::warn!(error = %e, "redis unreachable; event not shared");
                        lost = true;
                        tokio::time::sleep(backoff).await;
                        backoff = (backoff * 2).min(Duration::from_secs(5));
                        continue;
                    }
                }
            }
            let Some(c) = conn.as_mut() else { continue };
            if lost {
                let resync = serde_json::to_string(&Wire {
                    node: self.node,
                    envelope: Envelope::ResyncAll,
                });
                if let Ok(resync) = resync {
                    let sent: Result<i64, _> = c.publish(&self.channel, resync).await;
                    if sent.is_ok() {
                        tracing::info!(
                            "events were lost while redis was away; nodes told to resync"
                        );
                        lost = false;
                    }
                }
            }
            let sent: Result<i64, _> = c.publish(&self.channel, payload).await;
            if let Err(e) = sent {
                tracing::warn!(error = %e, "redis publish failed; event not shared");
                conn = None;
                lost = true;
            }
        }
    }
}

struct Subscriber {
    client: redis::Client,
    channel: String,
    hub: Arc<Hub>,
    caches: Arc<Caches>,
    node: u64,
}

impl Subscriber {
    async fn subscribe(&self) -> Result<redis::aio::PubSub, redis::RedisError> {
        let mut pubsub = self.client.get_async_pubsub().await?;
        pubsub.subscribe(&self.channel).await?;
        Ok(pubsub)
    }

    /// Applies other nodes' deliveries; resubscribes with backoff when Redis goes away.
    async fn run(self, first: redis::aio::PubSub) {
        let mut pubsub = Some(first);
        let mut backoff = Duration::from_millis(200);
        loop {
            let current = match pubsub.take() {
                Some(p) => p,
                None => match self.subscribe().await {
                    Ok(p) => {
                        // Invalidations and events published while the link was down are
                        // lost: drop the caches, and have every client here resync.
                        self.caches.clear();
                        let dropped = self.hub.resync_all();
                        tracing::info!(
                            connections = dropped,
                            "redis subscription restored; clients resync"
                        );
                        backoff = Duration::from_millis(200);
                        p
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "redis subscribe failed; retrying");
                        tokio::time::sleep(backoff).await;
                        backoff = (backoff * 2).min(Duration::from_secs(10));
                        continue;
                    }
                },
            };
            let mut stream = current.into_on_message();
            while let Some(msg) = stream.next().await {
                match serde_json::from_slice::<Wire>(msg.get_payload_bytes()) {
                    Ok(wire) if wire.node == self.node => {}
                    Ok(wire) => self.apply(wire.envelope),
                    Err(e) => tracing::warn!(error = %e, "unreadable envelope from redis"),
                }
            }
            tracing::warn!("redis subscription ended; reconnecting");
        }
    }

    fn apply(&self, envelope: Envelope) {
        match envelope {
            Envelope::Event { users, frame } => self.hub.send_frame(&users, Utf8Bytes::from(frame)),
            Envelope::CloseSessions { user, sessions } => {
                self.caches.apply(&Invalidation::Sessions {
                    user,
                    sessions: sessions.clone(),
                });
                self.hub.close_sessions(user, &sessions);
            }
            Envelope::CloseUserExcept { user, keep } => {
                self.caches
                    .apply(&Invalidation::UserSessionsExcept { user, keep });
                self.hub.close_user_except(user, keep);
            }
            Envelope::Invalidate(change) => self.caches.apply(&change),
            Envelope::ResyncAll => {
                self.caches.clear();
                let dropped = self.hub.resync_all();
                tracing::info!(
                    connections = dropped,
                    "another node lost events; clients resync"
                );
            }
        }
    }
}
