//! What the devices went through, added up after the run: connections, resumes, resyncs,
//! repeats, arrivals out of order, how the server ended connections, and what the scenario's
//! fault did to them (for its expectations).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use serde::Serialize;

use super::check::{Observed, SlowObserved, StormObserved};
use super::device::{self, DevicePlan, DeviceState};

/// The devices' records, added up.
#[derive(Debug, Default, Serialize)]
pub struct Fleet {
    /// Devices.
    pub devices: u64,
    /// Connections opened (the first of each device included).
    pub connects: u64,
    /// Connection attempts that failed.
    pub connect_failures: u64,
    /// `resume` frames sent, and resumes answered in full.
    pub resumes: u64,
    /// Resumes answered in full.
    pub resumes_done: u64,
    /// `resync` events.
    pub resyncs: u64,
    /// Messages a refetch brought.
    pub refetched: u64,
    /// Refetches that failed.
    pub refetch_failures: u64,
    /// Arrivals a device already held (live and replayed).
    pub redelivered: u64,
    /// Arrivals under a held seq with another message.
    pub conflicts: u64,
    /// Live arrivals after a higher seq of their conversation on the same connection.
    pub out_of_order: u64,
    /// The same, by conversation kind (`direct`, `group`).
    pub out_of_order_by_conversation: BTreeMap<&'static str, u64>,
    /// Connections the server side ended, by how.
    pub connections_ended_by_server: BTreeMap<String, u64>,
    /// Devices that stopped for good (4001, 4003), by close code.
    pub devices_stopped: BTreeMap<String, u64>,
}

impl Fleet {
    /// Adds up the devices' records (`group` tells the group's conversation apart).
    pub fn of(states: &[Arc<Mutex<DeviceState>>], group: Option<i64>) -> Self {
        let mut fleet = Fleet {
            devices: states.len() as u64,
            ..Fleet::default()
        };
        for state in states {
            let s = device::lock(state);
            fleet.connects += s.connects;
            fleet.connect_failures += s.connect_failures;
            fleet.resumes += s.resumes;
            fleet.resumes_done += s.resumes_done;
            fleet.resyncs += s.resyncs;
            fleet.refetched += s.refetched;
            fleet.refetch_failures += s.refetch_failures;
            fleet.redelivered += s.repeats;
            fleet.conflicts += s.conflicts;
            for (conversation, n) in &s.out_of_order {
                fleet.out_of_order += n;
                let kind = if group == Some(*conversation) {
                    "group"
                } else {
                    "direct"
                };
                *fleet.out_of_order_by_conversation.entry(kind).or_default() += n;
            }
            for (how, n) in &s.server_ends {
                *fleet
                    .connections_ended_by_server
                    .entry(how.clone())
                    .or_default() += n;
            }
            if let Some(why) = &s.gave_up {
                *fleet.devices_stopped.entry(why.clone()).or_default() += 1;
            }
        }
        fleet
    }

    /// Reconnections: connections beyond each device's first.
    pub fn reconnects(&self) -> u64 {
        self.connects.saturating_sub(self.devices)
    }
}

/// Adds what the devices saw of the fault to `observed`: their own drops, the server's, and
/// moves between nodes (`nodes` of them).
pub fn observe(
    observed: &mut Observed,
    plans: &[DevicePlan],
    states: &[Arc<Mutex<DeviceState>>],
    nodes: usize,
) {
    observed.devices = plans.len() as u64;
    for (plan, state) in plans.iter().zip(states) {
        let s = device::lock(state);
        observed.own_drops += s.own_drops;
        observed.devices_dropped_by_server += u64::from(!s.server_ends.is_empty());
        if plan.node == 0 && nodes > 1 {
            observed.started_on_first_node += 1;
            observed.moved_node += u64::from(s.nodes_used.iter().any(|n| *n != 0));
        }
    }
}

/// The stalled receiver's report, with the other devices' live latency while it stalled and
/// the server's memory (`rss`: before and peak, MiB).
pub fn slow(
    states: &[Arc<Mutex<DeviceState>>],
    index: usize,
    rss: Option<(Option<f64>, Option<f64>)>,
) -> SlowObserved {
    let report = states
        .get(index)
        .map(|s| device::lock(s).slow.clone())
        .unwrap_or_default();
    let (from, to) = (
        report.paused_ms.unwrap_or(u64::MAX),
        report.resumed_ms.unwrap_or(u64::MAX),
    );
    let mut latencies: Vec<u64> = states
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != index)
        .flat_map(|(_, s)| device::lock(s).latencies.clone())
        .filter(|(at, _)| (from..to).contains(at))
        .map(|(_, ns)| ns)
        .collect();
    let (rss_before_mib, rss_peak_mib) = rss.unwrap_or_default();
    SlowObserved {
        ended: report.ended,
        resync_seen: report.resync_seen,
        paused_ms: report.paused_ms,
        resumed_ms: report.resumed_ms,
        others_arrivals: latencies.len() as u64,
        others_p50_ms: crate::stats::percentile_ms(&mut latencies, 50.0),
        others_p99_ms: crate::stats::percentile_ms(&mut latencies, 99.0),
        rss_before_mib,
        rss_peak_mib,
    }
}

/// The reconnect storm at `at_ms` (if it happened): the devices that completed a resume
/// after it, and how long the last one took.
pub fn storm(states: &[Arc<Mutex<DeviceState>>], at_ms: Option<u64>) -> StormObserved {
    let done: Vec<u64> = states
        .iter()
        .filter_map(|s| device::lock(s).last_resume_done_ms)
        .filter(|done| at_ms.is_some_and(|at| *done >= at))
        .collect();
    StormObserved {
        at_ms,
        devices: states.len() as u64,
        resumed: done.len() as u64,
        all_resumed_after_ms: at_ms.and_then(|at| done.iter().max().map(|d| d - at)),
    }
}
