//! The end of a chaos run: the database read back and compared with the acknowledged sends,
//! every device's store compared with them, and the scenario's expectations about its fault.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};

use futures_util::StreamExt;
use serde::Serialize;

use super::device::{self, DeviceState};
use super::http::Nodes;
use super::ledger::{self, Acked, Seen};
use super::shape::{Expect, Slow};

/// Conversations read back at once.
const PARALLEL_READS: usize = 16;

/// The database compared with the acknowledged sends, over every conversation.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct StoreTotals {
    /// Acknowledged messages not stored.
    pub lost: u64,
    /// Extra stored copies.
    pub duplicated: u64,
    /// Missing seqs.
    pub gaps: u64,
    /// Stored messages of this run that were never acknowledged.
    pub stored_unacked: u64,
    /// Messages read back.
    pub stored: u64,
}

/// Reads back every conversation in `acked` (as the member `reader[conversation]`) and
/// compares it with what was acknowledged there.
pub async fn store(
    nodes: &Nodes,
    readers: &BTreeMap<i64, String>,
    baselines: &BTreeMap<i64, i64>,
    acked: &BTreeMap<i64, Vec<Acked>>,
    ours: &HashSet<String>,
) -> anyhow::Result<StoreTotals> {
    let reads = futures_util::stream::iter(readers.iter())
        .map(|(&conversation, token)| async move {
            let baseline = baselines.get(&conversation).copied().unwrap_or(0);
            let stored = nodes.since(0, token, conversation, baseline).await?;
            anyhow::Ok((conversation, baseline, stored))
        })
        .buffer_unordered(PARALLEL_READS)
        .collect::<Vec<_>>()
        .await;
    let mut totals = StoreTotals::default();
    for read in reads {
        let (conversation, baseline, stored) = read?;
        let seen: Vec<Seen> = stored
            .iter()
            .map(|m| Seen {
                seq: m.seq,
                id: m.id.0,
                key: m.sender_id.map(|s| s.0).zip(m.client_msg_id.clone()),
            })
            .collect();
        let none = Vec::new();
        let check = ledger::check_store(
            baseline,
            &seen,
            acked.get(&conversation).unwrap_or(&none),
            |cid| ours.contains(cid),
        );
        totals.lost += check.lost;
        totals.duplicated += check.duplicated;
        totals.gaps += check.gaps;
        totals.stored_unacked += check.stored_unacked;
        totals.stored += check.stored;
    }
    Ok(totals)
}

/// The devices compared with the acknowledged sends.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DeviceTotals {
    /// (device, acknowledged message) pairs the device does not hold.
    pub lost: u64,
    /// Sends a device holds under two seqs.
    pub duplicated: u64,
    /// (device, acknowledged message) pairs checked.
    pub checked: u64,
    /// Devices missing at least one message.
    pub devices_missing: u64,
    /// The missing messages, `(conversation, seq)`, with the number of devices missing each.
    #[serde(skip)]
    pub missing: BTreeMap<(i64, i64), u64>,
}

/// Compares every device's store with the acknowledged sends of its conversations.
pub fn devices(
    states: &[Arc<Mutex<DeviceState>>],
    acked: &BTreeMap<i64, Vec<Acked>>,
) -> DeviceTotals {
    let mut totals = DeviceTotals::default();
    for state in states {
        let s = device::lock(state);
        let mut missing = 0;
        for (conversation, held) in &s.held {
            let Some(expected) = acked.get(conversation) else {
                continue;
            };
            let check = ledger::check_device(held, expected);
            for a in expected {
                if held.id_at(a.seq) != Some(a.id) {
                    *totals.missing.entry((*conversation, a.seq)).or_default() += 1;
                }
            }
            totals.checked += expected.len() as u64;
            missing += check.lost;
            totals.duplicated += check.duplicated;
        }
        totals.lost += missing;
        totals.devices_missing += u64::from(missing > 0);
    }
    totals
}

/// Whether every device holds every acknowledged message up to the newest of each of its
/// conversations (by its cursor).
pub fn all_delivered(states: &[Arc<Mutex<DeviceState>>], newest: &BTreeMap<i64, i64>) -> bool {
    states.iter().all(|state| {
        let s = device::lock(state);
        s.held.iter().all(|(conversation, held)| {
            newest
                .get(conversation)
                .is_none_or(|&target| held.cursor() >= target)
        })
    })
}

/// What the run saw of its fault, for the expectations.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Observed {
    /// Devices.
    pub devices: u64,
    /// Connections the devices dropped themselves.
    pub own_drops: u64,
    /// Devices whose connection the server side ended at least once.
    pub devices_dropped_by_server: u64,
    /// Failed send attempts.
    pub failed_sends: u64,
    /// Of those, answered with an error code.
    pub answered_failures: u64,
    /// Attempts cut off by the client.
    pub aborted_sends: u64,
    /// Devices that started on the first node.
    pub started_on_first_node: u64,
    /// Of those, the ones later connected to another node.
    pub moved_node: u64,
    /// Sends acknowledged after the last failed attempt.
    pub acked_after_last_failure: u64,
    /// The stalled receiver.
    pub slow: Option<SlowObserved>,
    /// The reconnect storm.
    pub storm: Option<StormObserved>,
}

/// The stalled receiver (`slow_consumer`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct SlowObserved {
    /// How its stalled connection ended.
    pub ended: Option<String>,
    /// Whether it got `resync` for everything on it.
    pub resync_seen: bool,
    /// When it stopped and started reading again (ms into the run).
    pub paused_ms: Option<u64>,
    /// When it read again.
    pub resumed_ms: Option<u64>,
    /// The other devices' live latency while it stalled.
    pub others_p50_ms: Option<f64>,
    /// The same, 99th percentile.
    pub others_p99_ms: Option<f64>,
    /// Their live arrivals in that time.
    pub others_arrivals: u64,
    /// The server's resident memory when it stopped reading (MiB).
    pub rss_before_mib: Option<f64>,
    /// The highest reading while it stalled (MiB).
    pub rss_peak_mib: Option<f64>,
}

/// The reconnect storm (`reconnect_storm`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct StormObserved {
    /// When it started (ms into the run); `None` when the load stopped first.
    pub at_ms: Option<u64>,
    /// Devices in it.
    pub devices: u64,
    /// Devices that completed a resume after it.
    pub resumed: u64,
    /// From the storm to the last of those resumes (ms).
    pub all_resumed_after_ms: Option<u64>,
}

/// The expectations in `expect` that `observed` does not meet, in words.
pub fn unmet(expect: &[Expect], observed: &Observed, slow: Option<&Slow>) -> Vec<String> {
    let o = observed;
    let mut out = Vec::new();
    for e in expect {
        match e {
            Expect::Reconnects if o.own_drops < o.devices => out.push(format!(
                "the devices reconnected {} times, fewer than once each ({})",
                o.own_drops, o.devices
            )),
            Expect::AbortedSends if o.aborted_sends == 0 => {
                out.push("no send was cut off in flight".to_owned());
            }
            Expect::ServerDropped if o.devices_dropped_by_server < o.devices => out.push(format!(
                "only {} of {} devices lost their connection to the fault",
                o.devices_dropped_by_server, o.devices
            )),
            Expect::FailedSends if o.failed_sends == 0 => {
                out.push("no send failed: the fault had no visible effect".to_owned());
            }
            Expect::CodedFailures if o.answered_failures == 0 => {
                out.push("no send failed with an error code".to_owned());
            }
            Expect::OnlyCodedFailures if o.answered_failures < o.failed_sends => out.push(format!(
                "{} failed sends got no answer (connection lost or timed out) instead of an \
                 error code",
                o.failed_sends - o.answered_failures
            )),
            Expect::MovedNode
                if o.started_on_first_node == 0 || o.moved_node < o.started_on_first_node =>
            {
                out.push(format!(
                    "only {} of the {} devices of the killed node went on on another node",
                    o.moved_node, o.started_on_first_node
                ));
            }
            Expect::AckedAfterFailure if o.acked_after_last_failure == 0 => {
                out.push("no send was acknowledged after the last failure".to_owned());
            }
            Expect::StormResumed => match &o.storm {
                Some(storm) if storm.at_ms.is_some() && storm.resumed == storm.devices => {}
                Some(storm) if storm.at_ms.is_some() => out.push(format!(
                    "only {} of {} devices completed a resume after the storm",
                    storm.resumed, storm.devices
                )),
                _ => out.push("the storm did not happen".to_owned()),
            },
            Expect::SlowConsumerHandled => match (&o.slow, slow) {
                (Some(seen), Some(limits)) => {
                    match seen.ended.as_deref() {
                        Some("eof" | "error") | Some("close 4002") => {}
                        other => out.push(format!(
                            "the stalled receiver was not cut off by the server (its connection \
                             ended: {})",
                            other.unwrap_or("never")
                        )),
                    }
                    match seen.others_p99_ms {
                        Some(p99) if p99 > limits.max_others_p99_ms => out.push(format!(
                            "the other devices were slowed: p99 {p99:.0} ms while it stalled \
                             (at most {:.0})",
                            limits.max_others_p99_ms
                        )),
                        Some(_) => {}
                        None => out.push(
                            "no live arrivals at the other devices while it stalled".to_owned(),
                        ),
                    }
                    if let (Some(before), Some(peak)) = (seen.rss_before_mib, seen.rss_peak_mib)
                        && peak - before > limits.max_rss_growth_mib
                    {
                        out.push(format!(
                            "the server grew by {:.0} MiB while it stalled (at most {:.0})",
                            peak - before,
                            limits.max_rss_growth_mib
                        ));
                    }
                }
                _ => out.push("no receiver stalled".to_owned()),
            },
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_without_effect_is_reported() {
        let calm = Observed {
            devices: 4,
            ..Observed::default()
        };
        let expect = [
            Expect::Reconnects,
            Expect::ServerDropped,
            Expect::FailedSends,
            Expect::CodedFailures,
            Expect::AckedAfterFailure,
            Expect::StormResumed,
        ];
        assert_eq!(unmet(&expect, &calm, None).len(), expect.len());
        let stormy = Observed {
            devices: 4,
            own_drops: 4,
            devices_dropped_by_server: 4,
            failed_sends: 3,
            answered_failures: 3,
            acked_after_last_failure: 1,
            storm: Some(StormObserved {
                at_ms: Some(10),
                devices: 4,
                resumed: 4,
                all_resumed_after_ms: Some(900),
            }),
            ..Observed::default()
        };
        assert!(unmet(&expect, &stormy, None).is_empty());
        let unanswered = Observed {
            failed_sends: 5,
            answered_failures: 3,
            ..stormy
        };
        assert_eq!(
            unmet(&[Expect::OnlyCodedFailures], &unanswered, None).len(),
            1
        );
    }

    #[test]
    fn a_stalled_receiver_must_be_cut_off_without_slowing_the_rest() {
        let limits = Slow {
            after: std::time::Duration::from_secs(1),
            rate: 1.0,
            text_len: 0,
            max_others_p99_ms: 100.0,
            max_rss_growth_mib: 10.0,
        };
        let mut o = Observed {
            slow: Some(SlowObserved {
                ended: Some("close 4002".into()),
                others_p99_ms: Some(20.0),
                rss_before_mib: Some(50.0),
                rss_peak_mib: Some(55.0),
                ..SlowObserved::default()
            }),
            ..Observed::default()
        };
        assert!(unmet(&[Expect::SlowConsumerHandled], &o, Some(&limits)).is_empty());
        o.slow = Some(SlowObserved {
            ended: Some("shutdown".into()),
            others_p99_ms: Some(500.0),
            rss_before_mib: Some(50.0),
            rss_peak_mib: Some(150.0),
            ..SlowObserved::default()
        });
        assert_eq!(
            unmet(&[Expect::SlowConsumerHandled], &o, Some(&limits)).len(),
            3
        );
    }
}
