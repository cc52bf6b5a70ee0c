//! Who is online across server nodes: a Redis sorted set (`<channel>:presence`) of user ids
//! scored by when their presence expires. Every node refreshes its connected users every
//! [`REFRESH`] (one command for all of them) and adds a user at once when they connect; a user
//! whose last connection closed drops out within [`TTL`]. Nothing is sent to anyone when a
//! connection opens or closes: apps ask for the people a screen shows.

use std::sync::Arc;
use std::time::Duration;

use redis::aio::MultiplexedConnection;
use shared::ids::UserId;
use tokio::sync::mpsc;

use super::Hub;
use crate::time::now_ms;

/// How often a node refreshes its users' presence.
pub const REFRESH: Duration = Duration::from_secs(20);
/// How long a refresh keeps a user online.
pub const TTL: Duration = Duration::from_secs(60);
/// Users announced at once, queued before the refresher takes them.
const ARRIVALS: usize = 4096;

/// The shared presence set, and this node's link to it.
#[derive(Clone)]
pub struct SharedPresence {
    conn: MultiplexedConnection,
    key: String,
    arrivals: mpsc::Sender<UserId>,
}

impl SharedPresence {
    /// Starts refreshing `hub`'s users into the set `key`.
    pub fn start(conn: MultiplexedConnection, key: String, hub: Arc<Hub>) -> Self {
        let (arrivals, rx) = mpsc::channel(ARRIVALS);
        tokio::spawn(refresh(conn.clone(), key.clone(), hub, rx));
        SharedPresence {
            conn,
            key,
            arrivals,
        }
    }

    /// A user connected to this node: online everywhere at once.
    pub fn arrived(&self, user: UserId) {
        // A full queue only delays them to the next refresh.
        let _ = self.arrivals.try_send(user);
    }

    /// Which of `users` some node has announced and not let expire (all `false` when Redis
    /// does not answer).
    pub async fn online(&self, users: &[UserId]) -> Vec<bool> {
        if users.is_empty() {
            return Vec::new();
        }
        let mut cmd = redis::cmd("ZMSCORE");
        cmd.arg(&self.key);
        for u in users {
            cmd.arg(u.0);
        }
        let mut conn = self.conn.clone();
        let scores: Result<Vec<Option<f64>>, _> = cmd.query_async(&mut conn).await;
        let now = now_ms() as f64;
        match scores {
            Ok(scores) => scores
                .into_iter()
                .map(|s| s.is_some_and(|s| s > now))
                .collect(),
            Err(e) => {
                tracing::warn!(error = %e, "presence lookup failed");
                vec![false; users.len()]
            }
        }
    }

    /// Everyone some node has announced and not let expire, at most `limit` (empty when Redis
    /// does not answer).
    pub async fn everyone(&self, limit: usize) -> Vec<UserId> {
        let mut conn = self.conn.clone();
        let ids: Result<Vec<i64>, _> = redis::cmd("ZRANGEBYSCORE")
            .arg(&self.key)
            .arg(now_ms())
            .arg("+inf")
            .arg("LIMIT")
            .arg(0)
            .arg(limit)
            .query_async(&mut conn)
            .await;
        match ids {
            Ok(ids) => ids.into_iter().map(UserId).collect(),
            Err(e) => {
                tracing::warn!(error = %e, "presence listing failed");
                Vec::new()
            }
        }
    }
}

async fn refresh(
    mut conn: MultiplexedConnection,
    key: String,
    hub: Arc<Hub>,
    mut arrivals: mpsc::Receiver<UserId>,
) {
    let mut tick = tokio::time::interval(REFRESH);
    loop {
        let users: Vec<UserId> = tokio::select! {
            _ = tick.tick() => hub.connected_users(),
            arrived = arrivals.recv() => match arrived {
                Some(user) => vec![user],
                None => return,
            },
        };
        let expires = now_ms() + i64::try_from(TTL.as_millis()).unwrap_or(i64::MAX);
        let mut pipe = redis::pipe();
        pipe.cmd("ZREMRANGEBYSCORE")
            .arg(&key)
            .arg("-inf")
            .arg(now_ms())
            .ignore();
        // At most a thousand users per command.
        for chunk in users.chunks(1000) {
            let mut zadd = redis::cmd("ZADD");
            zadd.arg(&key);
            for u in chunk {
                zadd.arg(expires).arg(u.0);
            }
            pipe.add_command(zadd).ignore();
        }
        let done: Result<(), _> = pipe.query_async(&mut conn).await;
        if let Err(e) = done {
            tracing::warn!(error = %e, "presence refresh failed");
        }
    }
}
