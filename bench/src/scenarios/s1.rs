//! S1: message search over the large history: Chinese pairs and single characters, English
//! words, and message numbers (rare terms), one search after the other.

use std::time::Instant;

use anyhow::Context;

use super::Ctx;
use crate::stats::percentile_ms;

/// What S1 measured.
#[derive(Debug, Clone, serde::Serialize)]
pub struct S1 {
    /// Messages in the searched conversation.
    pub history: usize,
    /// Searches made.
    pub searches: usize,
    /// Median request time (ms).
    pub p50_ms: Option<f64>,
    /// 99th percentile (ms).
    pub p99_ms: Option<f64>,
    /// Searches that found nothing (every query is in the history, so this should be 0).
    pub empty: usize,
}

/// Queries made over and over; every fourth search is a message number instead.
const QUERIES: [&str; 9] = [
    "开会",
    "周报",
    "会",
    "登录页面",
    "release",
    "flaky test",
    "服务器",
    "午饭",
    "meeting notes",
];

/// Makes `searches` searches as the history pair's first user.
pub async fn run(ctx: &Ctx, searches: usize) -> anyhow::Result<S1> {
    let history = ctx
        .fixture
        .history
        .as_ref()
        .context("the fixture has no history conversation")?;
    let total = u64::try_from(history.messages)?;
    anyhow::ensure!(total > 0, "the history is empty");
    let token = ctx.token(history.pair.a);
    let mut samples = Vec::with_capacity(searches);
    let mut empty = 0;
    // A fixed linear congruential sequence: the same numbers every run.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for n in 0..searches {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let query = if n % 4 == 3 {
            (1 + (state >> 33) % total).to_string()
        } else {
            QUERIES[n % QUERIES.len()].to_owned()
        };
        let started = Instant::now();
        let hits = ctx.api.search(token, &query, 20).await?;
        samples.push(u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX));
        if hits.is_empty() {
            empty += 1;
        }
    }
    Ok(S1 {
        history: history.messages,
        searches,
        p50_ms: percentile_ms(&mut samples, 50.0),
        p99_ms: percentile_ms(&mut samples, 99.0),
        empty,
    })
}
