//! Soak: the pairs of P5 at a fixed total rate for a long time, watching the server's memory.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::Context;

use super::{Ctx, DRAIN, Pace, SendLog, send_for};
use crate::client::wait_for;
use crate::ledger::{self, Outcome};
use crate::rss;

/// What the soak measured.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Soak {
    /// Target total rate (messages/s).
    pub rate: f64,
    /// Length of the run (s).
    pub seconds: u64,
    /// Messages acknowledged.
    pub sent: usize,
    /// Messages delivered.
    pub delivered: u64,
    /// Failed sends.
    pub errors: u64,
    /// Server RSS when the first tenth of the run had passed (KiB).
    pub rss_start_kib: u64,
    /// Server RSS at the end (KiB).
    pub rss_end_kib: u64,
    /// Growth between the two (%).
    pub rss_growth_pct: f64,
    /// Server RSS at each tenth of the run, from the first to the end (KiB): whether it climbs
    /// all along or levels off.
    pub rss_tenths_kib: Vec<u64>,
    /// Server RSS every sixtieth of the run (at least every second): `(seconds, KiB)`.
    pub rss_readings: Vec<(f64, u64)>,
    /// The least-squares trend of RSS over the second half of the run, in percent of its mean
    /// per hour: what "flat" is judged by (one reading against another is noise).
    pub rss_slope_pct_per_hour: Option<f64>,
    /// The correctness check.
    pub outcome: Outcome,
}

/// The first `pairs` pairs send `rate` messages/s in total for `duration`.
pub async fn run(ctx: &Ctx, pairs: usize, rate: f64, duration: Duration) -> anyhow::Result<Soak> {
    let pid = ctx
        .server_pid
        .context("the soak needs the server's process id")?;
    let pairs = &ctx.fixture.pairs[..pairs.min(ctx.fixture.pairs.len())];
    anyhow::ensure!(!pairs.is_empty(), "the fixture has no pairs");
    let counter = Arc::new(AtomicU64::new(0));
    let receiver_users: Vec<usize> = pairs.iter().map(|p| p.b).collect();
    let receivers = ctx.connect(&receiver_users, &counter).await?;
    let per_pair = rate / pairs.len() as f64;
    let tasks: Vec<_> = pairs
        .iter()
        .enumerate()
        .map(|(i, p)| {
            tokio::spawn(send_for(
                ctx.api.clone(),
                ctx.token(p.a).to_owned(),
                p.conversation_id,
                format!("soak-{i}"),
                Pace::PerSecond(per_pair),
                duration,
            ))
        })
        .collect();
    let started = tokio::time::Instant::now();
    let step = (duration / 60).max(Duration::from_secs(1));
    let mut rss_readings: Vec<(f64, u64)> = Vec::new();
    let mut next = started + step;
    while next <= started + duration {
        tokio::time::sleep_until(next).await;
        rss_readings.push((started.elapsed().as_secs_f64(), rss::kib(pid)?));
        next += step;
    }
    let tenth = duration.as_secs_f64() / 10.0;
    let at = |t: f64| {
        rss_readings
            .iter()
            .find(|(s, _)| *s >= t - 0.5)
            .or(rss_readings.last())
            .map_or(0, |r| r.1)
    };
    let rss_start_kib = at(tenth);
    let mut rss_tenths_kib: Vec<u64> = (1..10).map(|i| at(tenth * f64::from(i))).collect();
    let mut logs = Vec::new();
    for t in tasks {
        logs.push(t.await?);
    }
    let log = SendLog::merge(logs);
    wait_for(&counter, log.acked.len() as u64, DRAIN).await;
    let rss_end_kib = rss::kib(pid)?;
    rss_tenths_kib.push(rss_end_kib);
    let delivered = counter.load(Ordering::Relaxed);
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
        eprintln!("soak: {} sends failed, first: {e}", log.errors);
    }
    Ok(Soak {
        rate,
        seconds: duration.as_secs(),
        sent: log.acked.len(),
        delivered,
        errors: log.errors,
        rss_start_kib,
        rss_end_kib,
        rss_growth_pct: (rss_end_kib as f64 - rss_start_kib as f64) / rss_start_kib.max(1) as f64
            * 100.0,
        rss_tenths_kib,
        rss_slope_pct_per_hour: crate::stats::growth_pct_per_hour(&rss_readings),
        rss_readings,
        outcome,
    })
}
