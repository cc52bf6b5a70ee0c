//! P8: a page of 50 messages from a conversation holding a large history.

use std::time::Instant;

use anyhow::Context;

use super::Ctx;
use crate::ledger::Outcome;
use crate::stats::percentile_ms;

/// What P8 measured.
#[derive(Debug, Clone, serde::Serialize)]
pub struct P8 {
    /// Messages in the conversation.
    pub history: usize,
    /// Pages read.
    pub pages: usize,
    /// Median request time (ms).
    pub p50_ms: Option<f64>,
    /// 99th percentile (ms).
    pub p99_ms: Option<f64>,
    /// Pages that were not the 50 consecutive messages asked for (their missing messages
    /// count as lost).
    pub bad_pages: usize,
    /// The correctness check.
    pub outcome: Outcome,
}

/// Reads `pages` pages one after the other: every other one the newest, the rest at
/// pseudo-random depths.
pub async fn run(ctx: &Ctx, pages: usize) -> anyhow::Result<P8> {
    let history = ctx
        .fixture
        .history
        .as_ref()
        .context("the fixture has no history conversation")?;
    let total = i64::try_from(history.messages)?;
    anyhow::ensure!(total > 50, "the history is too short");
    let token = ctx.token(history.pair.a);
    let mut samples = Vec::with_capacity(pages);
    let mut outcome = Outcome::default();
    let mut bad_pages = 0;
    // A fixed linear congruential sequence: the same depths every run.
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    for n in 0..pages {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let before = if n % 2 == 0 {
            None
        } else {
            Some(51 + i64::try_from((state >> 33) % u64::try_from(total - 50)?)?)
        };
        let started = Instant::now();
        let page = ctx
            .api
            .page(token, history.pair.conversation_id, before, 50)
            .await?;
        samples.push(u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX));
        let end = before.unwrap_or(total + 1);
        let expected: Vec<i64> = (end - 50..end).collect();
        let got: Vec<i64> = page.iter().map(|m| m.seq).collect();
        outcome.checked += 50;
        if got != expected {
            bad_pages += 1;
            let missing = expected.iter().filter(|s| !got.contains(s)).count();
            outcome.lost += missing as u64;
            outcome.duplicated += got.len().saturating_sub(50 - missing) as u64;
        }
    }
    Ok(P8 {
        history: history.messages,
        pages,
        p50_ms: percentile_ms(&mut samples, 50.0),
        p99_ms: percentile_ms(&mut samples, 99.0),
        bad_pages,
        outcome,
    })
}
