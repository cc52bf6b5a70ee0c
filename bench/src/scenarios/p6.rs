//! P6: a group with every member online: time from send until the last member received it.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use anyhow::Context;

use super::Ctx;
use crate::client::wait_for;
use crate::clock;
use crate::ledger::{self, Acked, Outcome};
use crate::stats::percentile_ms;

/// What P6 measured.
#[derive(Debug, Clone, serde::Serialize)]
pub struct P6 {
    /// Members online.
    pub members: usize,
    /// Messages sent.
    pub sent: usize,
    /// Median of send → last member (ms).
    pub p50_ms: Option<f64>,
    /// 99th percentile of send → last member (ms).
    pub p99_ms: Option<f64>,
    /// Messages not delivered to every member within 10 s.
    pub incomplete: usize,
    /// The correctness check.
    pub outcome: Outcome,
}

/// The group owner sends `messages` messages one after the other, each once the previous one
/// reached every member.
pub async fn run(ctx: &Ctx, messages: usize) -> anyhow::Result<P6> {
    let group = ctx
        .fixture
        .group
        .as_ref()
        .context("the fixture has no group")?;
    let owner = *group.members.first().context("the group has no members")?;
    let counter = Arc::new(AtomicU64::new(0));
    let conns = ctx.connect(&group.members, &counter).await?;
    let members = conns.len() as u64;
    let mut acked = Vec::new();
    let mut incomplete = 0;
    for n in 1..=messages {
        let client_id = clock::client_id(&format!("p6-{n}"));
        let m = ctx
            .api
            .send_text(
                ctx.token(owner),
                group.conversation_id,
                &client_id,
                clock::stamp(&client_id),
            )
            .await?;
        acked.push(Acked {
            conversation_id: m.conversation_id.0,
            seq: m.seq,
            id: m.id.0,
        });
        if !wait_for(&counter, members * n as u64, Duration::from_secs(10)).await {
            incomplete += 1;
        }
    }
    // Send → last member, per message.
    let mut last: HashMap<i64, u64> = HashMap::new();
    for r in conns.iter().flat_map(|c| c.received()) {
        if r.conversation_id == group.conversation_id
            && let Some(l) = r.latency_ns
        {
            let slot = last.entry(r.seq).or_default();
            *slot = (*slot).max(l);
        }
    }
    let mut samples: Vec<u64> = last.into_values().collect();
    let outcome = ledger::check_all(
        &ctx.api,
        &acked,
        |_| Some(ctx.token(owner)),
        |_| conns.iter().collect(),
    )
    .await?;
    Ok(P6 {
        members: conns.len(),
        sent: acked.len(),
        p50_ms: percentile_ms(&mut samples, 50.0),
        p99_ms: percentile_ms(&mut samples, 99.0),
        incomplete,
        outcome,
    })
}
