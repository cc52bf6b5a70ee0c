//! The correctness run (`parley-bench check`): a few pairs and a small group for a few
//! seconds, every device of both sides online, plus retries that must not duplicate.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use anyhow::Context;

use super::{Ctx, DRAIN, Pace, SendLog, send_for};
use crate::client::wait_for;
use crate::clock;
use crate::ledger::{self, Acked, Outcome};

/// Runs the check; its outcome must be clean.
pub async fn run(ctx: &Ctx, duration: Duration) -> anyhow::Result<Outcome> {
    let fixture = &ctx.fixture;
    anyhow::ensure!(!fixture.pairs.is_empty(), "the fixture has no pairs");
    let group = fixture.group.as_ref().context("the fixture has no group")?;
    // The log-in path works and its session speaks.
    let first = &fixture.users[fixture.pairs[0].a];
    let logged_in = ctx.api.log_in(&first.username, &fixture.password).await?;

    let counter = Arc::new(AtomicU64::new(0));
    let mut online: Vec<usize> = fixture.pairs.iter().flat_map(|p| [p.a, p.b]).collect();
    online.extend(&group.members);
    online.sort_unstable();
    online.dedup();
    let conns = ctx.connect(&online, &counter).await?;

    let mut tasks = Vec::new();
    for (i, p) in fixture.pairs.iter().enumerate() {
        let token = if i == 0 {
            logged_in.clone()
        } else {
            ctx.token(p.a).to_owned()
        };
        tasks.push(tokio::spawn(send_for(
            ctx.api.clone(),
            token,
            p.conversation_id,
            format!("check-{i}"),
            Pace::Closed,
            duration,
        )));
    }
    // Group members take turns, as fast as acknowledged.
    let group_task = {
        let api = ctx.api.clone();
        let members: Vec<(usize, String)> = group
            .members
            .iter()
            .map(|&m| (m, ctx.token(m).to_owned()))
            .collect();
        let conversation = group.conversation_id;
        tokio::spawn(async move {
            let mut log = SendLog::default();
            let end = tokio::time::Instant::now() + duration;
            let mut n = 0usize;
            while tokio::time::Instant::now() < end {
                let (m, token) = &members[n % members.len()];
                n += 1;
                let client_id = clock::client_id(&format!("check-g{m}-{n}"));
                match api
                    .send_text(token, conversation, &client_id, clock::stamp(&client_id))
                    .await
                {
                    Ok(msg) => log.acked.push(Acked {
                        conversation_id: msg.conversation_id.0,
                        seq: msg.seq,
                        id: msg.id.0,
                    }),
                    Err(e) => {
                        log.errors += 1;
                        log.first_error.get_or_insert(format!("{e:#}"));
                    }
                }
            }
            log
        })
    };
    let mut logs = Vec::new();
    for t in tasks {
        logs.push(t.await?);
    }
    logs.push(group_task.await?);
    let log = SendLog::merge(logs);
    anyhow::ensure!(
        log.errors == 0,
        "{} sends failed, first: {}",
        log.errors,
        log.first_error.unwrap_or_default()
    );

    // A retry with a used client id answers the stored message and stores nothing new.
    for (i, p) in fixture.pairs.iter().enumerate() {
        let token = if i == 0 {
            logged_in.as_str()
        } else {
            ctx.token(p.a)
        };
        let client_id = clock::client_id(&format!("check-{i}-1"));
        let again = ctx
            .api
            .send_text(token, p.conversation_id, &client_id, "retry".to_owned())
            .await?;
        let original = log
            .acked
            .iter()
            .find(|a| a.conversation_id == p.conversation_id && a.seq == again.seq);
        anyhow::ensure!(
            original.is_some_and(|a| a.id == again.id.0),
            "a retry of {client_id} did not answer the original message"
        );
    }

    // Every member of a conversation is a receiver: each pair's two users, the whole group.
    let expected_deliveries: u64 = log
        .acked
        .iter()
        .map(|a| {
            if a.conversation_id == group.conversation_id {
                group.members.len() as u64
            } else {
                2
            }
        })
        .sum();
    wait_for(&counter, expected_deliveries, DRAIN).await;
    let outcome = ledger::check_all(
        &ctx.api,
        &log.acked,
        |c| {
            if c == group.conversation_id {
                Some(ctx.token(group.members[0]))
            } else {
                fixture
                    .pairs
                    .iter()
                    .find(|p| p.conversation_id == c)
                    .map(|p| ctx.token(p.b))
            }
        },
        |c| {
            conns
                .iter()
                .filter(|conn| {
                    if c == group.conversation_id {
                        group.members.contains(&conn.user)
                    } else {
                        fixture.pairs.iter().any(|p| {
                            p.conversation_id == c && (p.a == conn.user || p.b == conn.user)
                        })
                    }
                })
                .collect()
        },
    )
    .await?;
    eprintln!(
        "check: {} messages acknowledged, {} deliveries checked",
        log.acked.len(),
        outcome.checked
    );
    Ok(outcome)
}
