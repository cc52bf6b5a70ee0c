//! The measured scenarios, each in its own file, and what they share: the run's context and
//! the sending loops.

pub mod check;
pub mod media;
pub mod p1;
pub mod p4;
pub mod p5;
pub mod p6;
pub mod p8;
pub mod s1;
pub mod soak;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use tokio::time::{Instant, MissedTickBehavior};

use crate::api::Api;
use crate::client::{self, Conn};
use crate::clock;
use crate::fixture::Fixture;
use crate::ledger::Acked;

/// Handshakes in flight at once while opening many connections.
pub const PARALLEL_HANDSHAKES: usize = 128;
/// How long receivers may take to get everything once sending stopped.
pub const DRAIN: Duration = Duration::from_secs(30);

/// What every scenario works with.
#[derive(Debug)]
pub struct Ctx {
    /// The server's API.
    pub api: Api,
    /// The server's address (for WebSocket connections).
    pub server: SocketAddr,
    /// The server's process, for its RSS.
    pub server_pid: Option<u32>,
    /// The fixture.
    pub fixture: Fixture,
    /// The short run.
    pub quick: bool,
}

impl Ctx {
    /// The session token of user `index`.
    pub fn token(&self, index: usize) -> &str {
        self.fixture
            .users
            .get(index)
            .map(|u| u.token.as_str())
            .unwrap_or_default()
    }

    /// Opens one connection for each user in `users`, counting messages into `counter`.
    pub async fn connect(
        &self,
        users: &[usize],
        counter: &Arc<AtomicU64>,
    ) -> anyhow::Result<Vec<Conn>> {
        let devices = users
            .iter()
            .map(|&u| (u, self.token(u).to_owned()))
            .collect();
        client::connect_many(self.server, devices, PARALLEL_HANDSHAKES, counter.clone()).await
    }
}

/// How fast a sender goes.
#[derive(Debug, Clone, Copy)]
pub enum Pace {
    /// The next message as soon as the previous one is acknowledged.
    Closed,
    /// This many messages per second (one at a time).
    PerSecond(f64),
}

/// What one sender did.
#[derive(Debug, Default)]
pub struct SendLog {
    /// Acknowledged messages.
    pub acked: Vec<Acked>,
    /// For each acknowledged message, the time from its send to its acknowledgement (ns).
    pub ack_ns: Vec<u64>,
    /// Sends that failed.
    pub errors: u64,
    /// The first failure, for the report.
    pub first_error: Option<String>,
}

impl SendLog {
    /// Merges several senders' logs.
    pub fn merge(logs: Vec<SendLog>) -> SendLog {
        let mut out = SendLog::default();
        for log in logs {
            out.acked.extend(log.acked);
            out.ack_ns.extend(log.ack_ns);
            out.errors += log.errors;
            if out.first_error.is_none() {
                out.first_error = log.first_error;
            }
        }
        out
    }
}

/// Sends timed text messages as `token` into `conversation` at `pace` for `duration`;
/// client ids are `<tag>-<n>`.
pub async fn send_for(
    api: Api,
    token: String,
    conversation: i64,
    tag: String,
    pace: Pace,
    duration: Duration,
) -> SendLog {
    let mut log = SendLog::default();
    let end = Instant::now() + duration;
    let mut ticker = match pace {
        Pace::PerSecond(rate) if rate > 0.0 => {
            let mut t = tokio::time::interval(Duration::from_secs_f64(1.0 / rate));
            // A slow answer is made up for by sending the next ones at once, so the mean rate
            // holds while the server keeps up.
            t.set_missed_tick_behavior(MissedTickBehavior::Burst);
            Some(t)
        }
        _ => None,
    };
    let mut n: u64 = 0;
    while Instant::now() < end {
        if let Some(t) = ticker.as_mut() {
            t.tick().await;
            if Instant::now() >= end {
                break;
            }
        }
        n += 1;
        let client_id = clock::client_id(&format!("{tag}-{n}"));
        let text = clock::stamp(&client_id);
        let sent = Instant::now();
        match api.send_text(&token, conversation, &client_id, text).await {
            Ok(m) => {
                log.ack_ns.push(elapsed_ns(sent));
                log.acked.push(Acked {
                    conversation_id: m.conversation_id.0,
                    seq: m.seq,
                    id: m.id.0,
                });
            }
            Err(e) => {
                log.errors += 1;
                if log.first_error.is_none() {
                    log.first_error = Some(format!("{e:#}"));
                }
            }
        }
    }
    log
}

/// Nanoseconds since `start`.
pub fn elapsed_ns(start: Instant) -> u64 {
    u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX)
}

/// Latencies (ns) of the `conversation` messages `conns` received.
pub fn latencies(conns: &[Conn], conversation: i64) -> Vec<u64> {
    conns
        .iter()
        .flat_map(|c| c.received())
        .filter(|r| r.conversation_id == conversation)
        .filter_map(|r| r.latency_ns)
        .collect()
}
