//! `parley-bench chaos-load` and `chaos-report`: the client side of `cargo xtask chaos`.
//!
//! `chaos-load` runs one scenario's load against a server the orchestrator started (and
//! harms): senders that retry a failed send with the same client id until it is acknowledged,
//! and devices on WebSockets that reconnect with backoff, resume from their cursors and
//! refetch on `resync`. When stdin says `stop`, it stops sending, lets unacknowledged sends
//! settle, waits for the devices to catch up, and then checks with the ledger that every
//! acknowledged message is stored exactly once (seqs without gaps) and held exactly once by
//! every device of its conversation. The outcome goes into the results file under the
//! scenario's name. `chaos-report` prints the table of that file and fails unless every
//! scenario is clean.

mod cast;
mod check;
mod control;
mod device;
mod fleet;
mod http;
mod ledger;
mod results;
mod rng;
mod sender;
mod shape;
mod tally;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use self::cast::Cast;
use self::check::Observed;
use self::control::Control;
use self::device::{DeviceState, Links};
use self::fleet::Fleet;
use self::http::Nodes;
use self::results::{Results, ScenarioResult};
use self::sender::SenderLog;
pub use self::shape::SCENARIOS;
use self::shape::Shape;
use self::tally::Sends;
use crate::fixture::Fixture;

/// The exit status of `chaos-load` when the scenario ran but is not clean (its entry says why).
pub const NOT_CLEAN: u8 = 3;
/// First handshakes in flight at once.
const PARALLEL_CONNECTS: usize = 64;
/// How long all devices may take to connect for the first time, plus this per device.
const CONNECT_ALL: Duration = Duration::from_secs(60);
const CONNECT_PER_DEVICE: Duration = Duration::from_millis(20);
/// How often the server's memory is read while a receiver stalls.
const RSS_EVERY: Duration = Duration::from_millis(250);

/// What `chaos-load` was asked for.
#[derive(Debug, Clone)]
pub struct LoadArgs {
    /// The scenario (one of [`SCENARIOS`]).
    pub scenario: String,
    /// The server nodes.
    pub addrs: Vec<SocketAddr>,
    /// The file `parley bench-fixture` wrote.
    pub fixture: PathBuf,
    /// The short run.
    pub quick: bool,
    /// The results file to add the outcome to.
    pub results: PathBuf,
    /// The server's process (its memory is read in `slow_consumer`).
    pub server_pid: Option<u32>,
    /// The longest the whole run may take.
    pub limit: Duration,
}

/// Runs one scenario's load and records its outcome.
pub async fn load(args: LoadArgs) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let mut result = match run(&args).await {
        Ok(result) => result,
        Err(e) => ScenarioResult::not_run(&format!("{e:#}")),
    };
    result.extra.insert(
        "seconds".to_owned(),
        json!((started.elapsed().as_secs_f64() * 10.0).round() / 10.0),
    );
    result.judge();
    Results::record(&args.results, &args.scenario, result.clone())?;
    println!(
        "chaos {}: {} — sent {} acked {} lost {} duplicated {}{}",
        args.scenario,
        if result.ok { "clean" } else { "NOT CLEAN" },
        shown(result.sent),
        shown(result.acked),
        shown(result.lost),
        shown(result.duplicated),
        result
            .error
            .iter()
            .chain(&result.failures)
            .map(|why| format!("\n  {why}"))
            .collect::<String>()
    );
    Ok(if result.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(NOT_CLEAN)
    })
}

/// Records a scenario that could not run (`failed`), or prints the table of `results` and
/// fails unless every scenario in `expect` ran clean.
pub fn report(
    results: &Path,
    failed: Option<(String, String)>,
    expect: &[String],
) -> anyhow::Result<ExitCode> {
    if let Some((name, reason)) = failed {
        let mut entry = ScenarioResult::not_run(&reason);
        entry.judge();
        Results::record(results, &name, entry)?;
        return Ok(ExitCode::SUCCESS);
    }
    let all = Results::load(results)?;
    let order: Vec<String> = if expect.is_empty() {
        SCENARIOS.iter().map(|s| (*s).to_owned()).collect()
    } else {
        expect.to_vec()
    };
    println!("{}", all.table(&order));
    println!("results: {}", results.display());
    let problems = all.problems(expect);
    if problems.is_empty() {
        println!("every scenario is clean");
        Ok(ExitCode::SUCCESS)
    } else {
        for problem in &problems {
            eprintln!("chaos: {problem}");
        }
        Ok(ExitCode::FAILURE)
    }
}

fn shown(value: Option<u64>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| v.to_string())
}

async fn run(args: &LoadArgs) -> anyhow::Result<ScenarioResult> {
    let shape = Shape::of(&args.scenario, args.quick)?;
    let fixture = Fixture::load(&args.fixture).context("the fixture")?;
    anyhow::ensure!(
        fixture.pairs.len() >= shape.pair_senders.max(1),
        "the fixture has {} pairs, the scenario needs {}",
        fixture.pairs.len(),
        shape.pair_senders.max(1)
    );
    anyhow::ensure!(
        shape.group_senders == 0
            || fixture
                .group
                .as_ref()
                .is_some_and(|g| g.members.len() >= shape.group_senders),
        "the fixture's group is missing or smaller than {} members",
        shape.group_senders
    );
    let nodes = Nodes::new(&args.addrs)?;
    let control = Control::new(shape.settle, args.limit);
    let cast = Cast::of(&fixture);
    let number = SCENARIOS
        .iter()
        .position(|s| *s == args.scenario)
        .unwrap_or(SCENARIOS.len());
    let baselines = baselines(&nodes, &cast).await?;

    // The devices connect.
    let (plans, stalled) = cast.devices(&fixture, &shape, &baselines, nodes.count());
    let links = Links {
        nodes: nodes.clone(),
        control: control.clone(),
        first_connects: Arc::new(Semaphore::new(PARALLEL_CONNECTS)),
        connected: Arc::new(AtomicUsize::new(0)),
    };
    let states: Vec<Arc<Mutex<DeviceState>>> = plans
        .iter()
        .map(|plan| Arc::new(Mutex::new(DeviceState::new(plan))))
        .collect();
    let devices: Vec<JoinHandle<()>> = plans
        .iter()
        .zip(&states)
        .map(|(plan, state)| tokio::spawn(device::run(plan.clone(), state.clone(), links.clone())))
        .collect();
    let connect_by = Instant::now() + CONNECT_ALL + CONNECT_PER_DEVICE * plans.len() as u32;
    while links.connected.load(Ordering::Relaxed) < plans.len() {
        if Instant::now() >= connect_by {
            control.shut_down();
            for task in &devices {
                task.abort();
            }
            anyhow::bail!(
                "only {} of {} devices could connect",
                links.connected.load(Ordering::Relaxed),
                plans.len()
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    eprintln!("chaos {}: {} devices connected", args.scenario, plans.len());

    // The load, until stdin says stop (or the run's time is nearly up).
    let senders: Vec<JoinHandle<SenderLog>> = cast
        .senders(&fixture, &shape, number, nodes.count())
        .into_iter()
        .map(|plan| tokio::spawn(sender::run(plan, nodes.clone(), control.clone())))
        .collect();
    control::stop_on_stdin(control.clone());
    {
        let control = control.clone();
        let latest = control
            .hard_deadline()
            .checked_sub(shape.settle + shape.drain + Duration::from_secs(15))
            .unwrap_or_else(Instant::now);
        tokio::spawn(async move {
            tokio::time::sleep_until(latest).await;
            control.stop();
        });
    }
    control::marker("ready");
    let storm = shape
        .storm_after
        .map(|after| tokio::spawn(storm_after(after, control.clone())));
    let rss = match (shape.slow, args.server_pid) {
        (Some(slow), Some(pid)) => Some(tokio::spawn(watch_rss(pid, slow.after, control.clone()))),
        _ => None,
    };
    let mut stopped = control.stopped();
    control::until_on(&mut stopped).await;
    eprintln!("chaos {}: load stopped; settling", args.scenario);
    let mut logs = Vec::new();
    for task in senders {
        logs.push(task.await.context("a sender failed")?);
    }
    let sends = Sends::of(&logs);

    // The devices catch up, then end.
    let newest = sends.newest();
    let drain_started = Instant::now();
    let drain_by = (drain_started + shape.drain).min(control.hard_deadline());
    while !check::all_delivered(&states, &newest) && Instant::now() < drain_by {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let drained_ms = drain_started.elapsed().as_millis() as u64;
    control.shut_down();
    for task in devices {
        if tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .is_err()
        {
            eprintln!("chaos {}: a device did not end in time", args.scenario);
        }
    }

    // The ledger.
    let store = check::store(&nodes, &cast.readers, &baselines, &sends.acked, &sends.ours)
        .await
        .context("reading the conversations back")?;
    let held = check::devices(&states, &sends.acked);
    let fleet = Fleet::of(&states, cast.group);
    let mut observed = Observed {
        failed_sends: sends.failures.values().sum(),
        answered_failures: sends.answered_failures(),
        aborted_sends: sends.aborted,
        acked_after_last_failure: sends.acked_after_last_failure,
        ..Observed::default()
    };
    fleet::observe(&mut observed, &plans, &states, nodes.count());
    if let Some(index) = stalled {
        let rss = match rss {
            Some(task) => task.await.ok(),
            None => None,
        };
        observed.slow = Some(fleet::slow(&states, index, rss));
    }
    if let Some(task) = storm {
        observed.storm = Some(fleet::storm(&states, task.await.ok().flatten()));
    }

    let mut result = ScenarioResult {
        sent: Some(sends.sent),
        acked: Some(sends.acked_count),
        lost: Some(store.lost + held.lost),
        duplicated: Some(store.duplicated + held.duplicated),
        failures: check::unmet(&shape.expect, &observed, shape.slow.as_ref()),
        ..ScenarioResult::default()
    };
    if store.gaps > 0 {
        result.failures.push(format!(
            "{} seqs are missing in the stored conversations",
            store.gaps
        ));
    }
    if fleet.conflicts > 0 {
        result
            .failures
            .push("a device got two different messages under one seq".to_owned());
    }
    let extra = &mut result.extra;
    extra.insert("unacked".into(), json!(sends.sent - sends.acked_count));
    extra.insert("attempts".into(), json!(sends.attempts));
    extra.insert("send_errors".into(), json!(sends.failures));
    extra.insert("slowest_failure_ms".into(), json!(sends.slowest_failure_ms));
    extra.insert("aborted_attempts".into(), json!(sends.aborted));
    extra.insert("reconnects".into(), json!(fleet.reconnects()));
    if let Ok(Value::Object(figures)) = serde_json::to_value(&fleet) {
        extra.extend(figures);
    }
    extra.insert(
        "lost_at_devices".into(),
        tally::lost_by_history(&held.missing, &logs),
    );
    extra.insert("store".into(), json!(store));
    extra.insert("devices_check".into(), json!(held));
    extra.insert("drain_ms".into(), json!(drained_ms));
    extra.insert(
        "observed".into(),
        serde_json::to_value(&observed).unwrap_or(Value::Null),
    );
    Ok(result)
}

/// Where every conversation stands before the load: its newest seq.
async fn baselines(nodes: &Nodes, cast: &Cast) -> anyhow::Result<BTreeMap<i64, i64>> {
    futures_util::stream::iter(cast.readers.iter())
        .map(|(&conversation, token)| async move {
            (conversation, nodes.newest_seq(token, conversation).await)
        })
        .buffer_unordered(16)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .map(|(conversation, newest)| newest.map(|seq| (conversation, seq)))
        .collect::<anyhow::Result<_>>()
        .context("reading where the conversations stand")
}

/// Sets off the reconnect storm `after` the load started (unless the load stopped first);
/// when it went off (ms into the run).
async fn storm_after(after: Duration, control: Arc<Control>) -> Option<u64> {
    let mut stopped = control.stopped();
    tokio::select! {
        () = tokio::time::sleep(after) => {
            let at = control.elapsed_ms();
            control.storm();
            control::marker("storm");
            Some(at)
        }
        () = control::until_on(&mut stopped) => None,
    }
}

/// The server's resident memory (MiB) when the receiver stalls, and the highest reading until
/// the load stops.
async fn watch_rss(pid: u32, after: Duration, control: Arc<Control>) -> (Option<f64>, Option<f64>) {
    let mib = |pid| crate::rss::kib(pid).ok().map(|k| k as f64 / 1024.0);
    tokio::time::sleep(after).await;
    let before = mib(pid);
    let mut peak = before;
    while !control.is_stopped() && Instant::now() < control.hard_deadline() {
        tokio::time::sleep(RSS_EVERY).await;
        if let Some(now) = mib(pid) {
            peak = Some(peak.map_or(now, |p: f64| p.max(now)));
        }
    }
    (before, peak)
}
