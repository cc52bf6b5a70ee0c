//! P1: server memory per idle authenticated WebSocket connection, at 1k, 5k and 10k
//! connections.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use anyhow::Context;

use super::Ctx;
use crate::client::Conn;
use crate::rss;

/// File descriptors kept free for HTTP clients and the rest of the process.
const FD_RESERVE: u64 = 1000;

/// The measurement at one connection count.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Step {
    /// Open connections.
    pub connections: usize,
    /// Server RSS (KiB).
    pub rss_kib: u64,
    /// (RSS − RSS before any connection) / connections.
    pub kib_per_conn: f64,
}

/// What P1 measured.
#[derive(Debug, Clone, serde::Serialize)]
pub struct P1 {
    /// Server RSS before connecting (KiB).
    pub baseline_kib: u64,
    /// One entry per connection count reached.
    pub steps: Vec<Step>,
    /// Why a step was not reached, if one was not.
    pub note: Option<String>,
}

/// Opens connections in steps up to each of `counts`, reading the server's RSS after each step
/// has settled.
pub async fn run(ctx: &Ctx, counts: &[usize]) -> anyhow::Result<P1> {
    let pid = ctx.server_pid.context("P1 needs the server's process id")?;
    let limit = rss::open_files_limit().unwrap_or(1024);
    let capacity = usize::try_from(limit.saturating_sub(FD_RESERVE)).unwrap_or(0);
    let users = ctx.fixture.users.len();
    let counter = Arc::new(AtomicU64::new(0));
    settle().await;
    let baseline_kib = rss::kib(pid)?;
    let mut conns: Vec<Conn> = Vec::new();
    let mut steps = Vec::new();
    let mut note = None;
    for &count in counts {
        if count > users || count > capacity {
            note = Some(format!(
                "stopped before {count} connections: the fixture has {users} users and this \
                 process may open {limit} files"
            ));
            break;
        }
        let more: Vec<usize> = (conns.len()..count).collect();
        let started = std::time::Instant::now();
        let opened = ctx.connect(&more, &counter).await?;
        conns.extend(opened);
        eprintln!(
            "p1: {} connections open ({} new in {:.1} s)",
            conns.len(),
            more.len(),
            started.elapsed().as_secs_f32()
        );
        settle().await;
        let closed = conns.iter().filter(|c| c.is_closed()).count();
        anyhow::ensure!(
            closed == 0,
            "{closed} connections were closed by the server"
        );
        let rss_kib = rss::kib(pid)?;
        steps.push(Step {
            connections: count,
            rss_kib,
            kib_per_conn: rss_kib.saturating_sub(baseline_kib) as f64 / count as f64,
        });
    }
    drop(conns);
    Ok(P1 {
        baseline_kib,
        steps,
        note,
    })
}

async fn settle() {
    tokio::time::sleep(Duration::from_secs(2)).await;
}
