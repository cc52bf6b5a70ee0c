//! P4: send → delivered latency for one pair at 100 messages/s.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use anyhow::Context;

use tokio::time::Instant;

use super::{Ctx, DRAIN, Pace, SendLog, elapsed_ns, latencies, send_for};
use crate::client::wait_for;
use crate::ledger::{self, Outcome};
use crate::stats::percentile_ms;

/// What P4 measured.
#[derive(Debug, Clone, serde::Serialize)]
pub struct P4 {
    /// Median latency (ms).
    pub p50_ms: Option<f64>,
    /// 99th percentile (ms).
    pub p99_ms: Option<f64>,
    /// Median time from a send to its HTTP answer (ms): the stored message's acknowledgement.
    pub ack_p50_ms: Option<f64>,
    /// Median HTTP round trip to `/healthz` at the same pace, measured just before (ms): what
    /// the client, the loopback and the server's HTTP stack cost before any of Parley's work.
    pub http_floor_p50_ms: Option<f64>,
    /// Messages acknowledged.
    pub sent: usize,
    /// Failed sends.
    pub errors: u64,
    /// The correctness check.
    pub outcome: Outcome,
}

/// `/healthz` round trips timed for the HTTP floor.
const FLOOR_SAMPLES: usize = 200;

/// `samples` round trips to `/healthz` at `rate` per second (ns each).
async fn http_floor(ctx: &Ctx, rate: f64, samples: usize) -> anyhow::Result<Vec<u64>> {
    let mut ticker = tokio::time::interval(Duration::from_secs_f64(1.0 / rate));
    let mut out = Vec::with_capacity(samples);
    for _ in 0..samples {
        ticker.tick().await;
        let start = Instant::now();
        ctx.api.health().await?;
        out.push(elapsed_ns(start));
    }
    Ok(out)
}

/// Pair 0 at `rate` messages/s for `duration`, sent with the session `sender_token` (which
/// came from a real log-in).
pub async fn run(
    ctx: &Ctx,
    sender_token: &str,
    rate: f64,
    duration: Duration,
) -> anyhow::Result<P4> {
    let pair = ctx
        .fixture
        .pairs
        .first()
        .context("the fixture has no pair")?;
    let counter = Arc::new(AtomicU64::new(0));
    let receivers = ctx.connect(&[pair.b], &counter).await?;
    let mut floor = http_floor(ctx, rate, FLOOR_SAMPLES).await?;
    let log: SendLog = send_for(
        ctx.api.clone(),
        sender_token.to_owned(),
        pair.conversation_id,
        "p4".to_owned(),
        Pace::PerSecond(rate),
        duration,
    )
    .await;
    wait_for(&counter, log.acked.len() as u64, DRAIN).await;
    let mut samples = latencies(&receivers, pair.conversation_id);
    let outcome = ledger::check_all(
        &ctx.api,
        &log.acked,
        |_| Some(ctx.token(pair.a)),
        |_| receivers.iter().collect(),
    )
    .await?;
    if let Some(e) = &log.first_error {
        eprintln!("p4: {} sends failed, first: {e}", log.errors);
    }
    let mut acks = log.ack_ns;
    Ok(P4 {
        p50_ms: percentile_ms(&mut samples, 50.0),
        p99_ms: percentile_ms(&mut samples, 99.0),
        ack_p50_ms: percentile_ms(&mut acks, 50.0),
        http_floor_p50_ms: percentile_ms(&mut floor, 50.0),
        sent: log.acked.len(),
        errors: log.errors,
        outcome,
    })
}
