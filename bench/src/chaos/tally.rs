//! What the senders did, added up: messages sent and acknowledged (by conversation, for the
//! ledger), failed attempts by error code, and the history of the sends some device missed.

use std::collections::{BTreeMap, HashSet};

use serde_json::{Value, json};

use super::ledger::Acked;
use super::sender::{SendRecord, SenderLog};

/// The senders' logs, added up.
#[derive(Debug, Default)]
pub struct Sends {
    /// Messages started.
    pub sent: u64,
    /// Of those, acknowledged.
    pub acked_count: u64,
    /// Attempts in all.
    pub attempts: u64,
    /// Attempts the senders cut off themselves.
    pub aborted: u64,
    /// The acknowledged messages by conversation.
    pub acked: BTreeMap<i64, Vec<Acked>>,
    /// Every client id sent.
    pub ours: HashSet<String>,
    /// Failed attempts by error code.
    pub failures: BTreeMap<String, u64>,
    /// The longest a failed attempt took, by error code (ms).
    pub slowest_failure_ms: BTreeMap<String, u64>,
    /// Messages acknowledged after the last failed attempt.
    pub acked_after_last_failure: u64,
}

impl Sends {
    /// Adds up `logs`.
    pub fn of(logs: &[SenderLog]) -> Self {
        let mut sends = Sends::default();
        let mut last_failure_ms = None::<u64>;
        for log in logs {
            sends.aborted += log.aborted;
            for (code, n) in &log.failures {
                *sends.failures.entry(code.clone()).or_default() += n;
            }
            for (code, ms) in &log.slowest_failure_ms {
                let slowest = sends.slowest_failure_ms.entry(code.clone()).or_default();
                *slowest = (*slowest).max(*ms);
            }
            if let Some((_, last)) = log.failed_between_ms {
                last_failure_ms = Some(last_failure_ms.map_or(last, |l: u64| l.max(last)));
            }
            for record in &log.records {
                sends.sent += 1;
                sends.attempts += u64::from(record.attempts);
                sends.ours.insert(record.client_msg_id.clone());
                if let Some(ack) = record.ack {
                    sends.acked_count += 1;
                    sends
                        .acked
                        .entry(record.conversation)
                        .or_default()
                        .push(Acked {
                            seq: ack.seq,
                            id: ack.id,
                        });
                }
            }
        }
        sends.acked_after_last_failure = logs
            .iter()
            .flat_map(|log| &log.records)
            .filter_map(|r| r.ack)
            .filter(|ack| last_failure_ms.is_none_or(|last| ack.at_ms > last))
            .count() as u64;
        sends
    }

    /// The newest acknowledged seq of each conversation.
    pub fn newest(&self) -> BTreeMap<i64, i64> {
        self.acked
            .iter()
            .filter_map(|(c, list)| list.iter().map(|a| a.seq).max().map(|s| (*c, s)))
            .collect()
    }

    /// Failed attempts that the server answered with an error code.
    pub fn answered_failures(&self) -> u64 {
        self.failures
            .iter()
            .filter(|(code, _)| !matches!(code.as_str(), "connection" | "timeout"))
            .map(|(_, n)| n)
            .sum()
    }
}

/// The messages some device never held (`(conversation, seq)` → devices missing it), by what
/// their send went through (a cut-off or failed attempt before the acknowledgement, or
/// none), when they were acknowledged, and the first few of them.
pub fn lost_by_history(missing: &BTreeMap<(i64, i64), u64>, logs: &[SenderLog]) -> Value {
    let records: BTreeMap<(i64, i64), &SendRecord> = logs
        .iter()
        .flat_map(|log| &log.records)
        .filter_map(|r| r.ack.map(|ack| ((r.conversation, ack.seq), r)))
        .collect();
    let mut by_history = BTreeMap::<&str, u64>::new();
    let mut examples = Vec::new();
    let mut acked_between: Option<(u64, u64)> = None;
    for (&(conversation, seq), &devices) in missing {
        let record = records.get(&(conversation, seq));
        let history = match record {
            Some(r) if r.cut_off > 0 => "after_a_cut_off_attempt",
            Some(r) if r.failed > 0 => "after_a_failed_attempt",
            Some(_) => "first_attempt",
            None => "unknown",
        };
        *by_history.entry(history).or_default() += devices;
        if let Some(at) = record.and_then(|r| r.ack).map(|a| a.at_ms) {
            acked_between = Some(acked_between.map_or((at, at), |(a, b)| (a.min(at), b.max(at))));
        }
        if examples.len() < 10 {
            examples.push(json!({
                "conversation": conversation,
                "seq": seq,
                "devices": devices,
                "client_msg_id": record.map(|r| r.client_msg_id.clone()),
                "acked_at_ms": record.and_then(|r| r.ack).map(|a| a.at_ms),
                "attempts": record.map(|r| r.attempts),
                "cut_off": record.map(|r| r.cut_off),
                "failed": record.map(|r| r.failed),
            }));
        }
    }
    json!({
        "messages": missing.len(),
        "by_send": by_history,
        "acked_between_ms": acked_between.map(|(a, b)| [a, b]),
        "first": examples,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chaos::sender::Ack;

    fn record(conversation: i64, n: i64, ack: Option<(i64, u64)>, cut_off: u32) -> SendRecord {
        SendRecord {
            conversation,
            client_msg_id: format!("c{n}"),
            attempts: 1 + cut_off,
            cut_off,
            failed: 0,
            ack: ack.map(|(seq, at_ms)| Ack {
                seq,
                id: 100 + seq,
                at_ms,
            }),
        }
    }

    #[test]
    fn sends_add_up_by_conversation() {
        let first = SenderLog {
            records: vec![record(1, 1, Some((1, 10)), 0), record(1, 2, None, 0)],
            failures: BTreeMap::from([("internal".to_owned(), 2)]),
            failed_between_ms: Some((5, 20)),
            ..SenderLog::default()
        };
        let second = SenderLog {
            records: vec![record(2, 3, Some((1, 30)), 1)],
            aborted: 1,
            ..SenderLog::default()
        };
        let sends = Sends::of(&[first, second]);
        assert_eq!((sends.sent, sends.acked_count, sends.attempts), (3, 2, 4));
        assert_eq!(sends.acked[&1], vec![Acked { seq: 1, id: 101 }]);
        assert_eq!(sends.newest(), BTreeMap::from([(1, 1), (2, 1)]));
        assert_eq!(sends.answered_failures(), 2);
        assert_eq!(sends.acked_after_last_failure, 1, "only the one at 30 ms");
        assert!(sends.ours.contains("c2"));
    }

    #[test]
    fn missed_messages_are_told_apart_by_their_send() {
        let log = SenderLog {
            records: vec![
                record(1, 1, Some((1, 10)), 0),
                record(1, 2, Some((2, 40)), 1),
            ],
            ..SenderLog::default()
        };
        let missing = BTreeMap::from([((1, 1), 2), ((1, 2), 3)]);
        let summary = lost_by_history(&missing, &[log]);
        assert_eq!(summary["by_send"]["first_attempt"], json!(2));
        assert_eq!(summary["by_send"]["after_a_cut_off_attempt"], json!(3));
        assert_eq!(summary["acked_between_ms"], json!([10, 40]));
        assert_eq!(summary["messages"], json!(2));
    }
}
