//! P5: sustained throughput of 50 sender → receiver pairs, each sender sending its next
//! message as soon as the previous one is acknowledged.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::{Ctx, DRAIN, Pace, SendLog, send_for};
use crate::client::wait_for;
use crate::cpu;
use crate::ledger::{self, Outcome};

/// What P5 measured.
#[derive(Debug, Clone, serde::Serialize)]
pub struct P5 {
    /// Pairs sending.
    pub pairs: usize,
    /// Messages acknowledged and delivered per second (from the first send until the last
    /// delivery).
    pub msgs_per_s: f64,
    /// Messages acknowledged.
    pub sent: usize,
    /// Messages delivered.
    pub delivered: u64,
    /// Failed sends.
    pub errors: u64,
    /// The server's CPU time (user + system) per message carried, in microseconds: the
    /// figure that tells a slow machine from a slow server (`None` without its process id).
    pub server_cpu_us_per_msg: Option<f64>,
    /// The server's CPU time over the run divided by its length: how many of the machine's
    /// cores the server kept busy.
    pub server_cores_busy: Option<f64>,
    /// The correctness check.
    pub outcome: Outcome,
}

/// The first `pairs` pairs send for `duration`.
pub async fn run(ctx: &Ctx, pairs: usize, duration: Duration) -> anyhow::Result<P5> {
    let pairs = &ctx.fixture.pairs[..pairs.min(ctx.fixture.pairs.len())];
    let counter = Arc::new(AtomicU64::new(0));
    let receiver_users: Vec<usize> = pairs.iter().map(|p| p.b).collect();
    let receivers = ctx.connect(&receiver_users, &counter).await?;
    let cpu_before = ctx.server_pid.and_then(|pid| cpu::seconds(pid).ok());
    let started = Instant::now();
    let tasks: Vec<_> = pairs
        .iter()
        .enumerate()
        .map(|(i, p)| {
            tokio::spawn(send_for(
                ctx.api.clone(),
                ctx.token(p.a).to_owned(),
                p.conversation_id,
                format!("p5-{i}"),
                Pace::Closed,
                duration,
            ))
        })
        .collect();
    let mut logs = Vec::new();
    for t in tasks {
        logs.push(t.await?);
    }
    let log = SendLog::merge(logs);
    wait_for(&counter, log.acked.len() as u64, DRAIN).await;
    let elapsed = started.elapsed().as_secs_f64();
    let delivered = counter.load(Ordering::Relaxed);
    let carried = delivered.min(log.acked.len() as u64);
    let cpu_used = ctx
        .server_pid
        .and_then(|pid| cpu::seconds(pid).ok())
        .zip(cpu_before)
        .map(|(after, before)| after - before);
    let outcome = ledger::check_all(
        &ctx.api,
        &log.acked,
        |c| {
            pairs
                .iter()
                .find(|p| p.conversation_id == c)
                .map(|p| ctx.token(p.a))
        },
        |c| {
            receivers
                .iter()
                .filter(|r| {
                    pairs
                        .iter()
                        .any(|p| p.conversation_id == c && p.b == r.user)
                })
                .collect()
        },
    )
    .await?;
    if let Some(e) = &log.first_error {
        eprintln!("p5: {} sends failed, first: {e}", log.errors);
    }
    Ok(P5 {
        pairs: pairs.len(),
        msgs_per_s: carried as f64 / elapsed,
        sent: log.acked.len(),
        delivered,
        errors: log.errors,
        server_cpu_us_per_msg: cpu_used
            .filter(|_| carried > 0)
            .map(|s| s * 1e6 / carried as f64),
        server_cores_busy: cpu_used.map(|s| s / elapsed),
        outcome,
    })
}
