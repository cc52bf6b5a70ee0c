//! The load of each chaos scenario: who sends how fast, which devices are online, and the
//! faults the generator itself causes (clients dropping connections, a reconnect storm, a
//! receiver that stops reading). Faults outside the generator (killed servers, database and
//! Redis restarts, a full disk) are caused by `cargo xtask chaos` while this load runs.

use std::time::Duration;

/// Every scenario, in the order `cargo xtask chaos` runs them.
pub const SCENARIOS: [&str; 7] = [
    "reconnect_storm_while_sending",
    "server_sigkill_sqlite",
    "postgres_restart",
    "two_nodes_redis_restart",
    "slow_consumer",
    "reconnect_storm",
    "disk_full",
];

/// Something the scenario's fault must have visibly done, checked after the run (a fault
/// that had no effect would make a clean result meaningless).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// The devices reconnected (on their own) at least once each on average.
    Reconnects,
    /// Some sends were cut off in flight by the client and retried.
    AbortedSends,
    /// The server side closed connections (every device lost its connection at least once).
    ServerDropped,
    /// Some sends failed and were retried.
    FailedSends,
    /// Some sends failed with an error code in the answer (not a dropped connection).
    CodedFailures,
    /// Every failed send was answered with an error code: none hung or lost its connection.
    OnlyCodedFailures,
    /// Devices that started on the first node went on on another one.
    MovedNode,
    /// The receiver that stopped reading was cut off by the server, the others were not
    /// slowed, and the server's memory stayed bounded.
    SlowConsumerHandled,
    /// Every device of the reconnect storm completed its resume.
    StormResumed,
    /// Sends were acknowledged again after the first failure.
    AckedAfterFailure,
}

/// The receiver that stops reading (`slow_consumer`).
#[derive(Debug, Clone, Copy)]
pub struct Slow {
    /// How long after the load starts it stops reading (it reads again when the load stops).
    pub after: Duration,
    /// Messages per second sent into its conversation.
    pub rate: f64,
    /// Characters of padding in those messages, to fill the socket buffers sooner.
    pub text_len: usize,
    /// Highest p99 of the other devices' live delivery latency while it stalls.
    pub max_others_p99_ms: f64,
    /// Most the server's resident memory may grow while it stalls.
    pub max_rss_growth_mib: f64,
}

/// One scenario's load.
#[derive(Debug, Clone)]
pub struct Shape {
    /// Friend pairs whose first user sends into their conversation.
    pub pair_senders: usize,
    /// Messages per second of each pair sender.
    pub pair_rate: f64,
    /// Group members (the first ones) who send into the group.
    pub group_senders: usize,
    /// Messages per second of each group sender.
    pub group_rate: f64,
    /// Devices of every online user (users of the fixture's pairs and group).
    pub devices_per_user: usize,
    /// Characters of padding in each message.
    pub text_len: usize,
    /// Mean time between a device's own reconnects (none when `None`).
    pub random_reconnect: Option<Duration>,
    /// Share of send attempts cut off by the client in flight (then retried).
    pub abort_sends: f64,
    /// When every device drops its connection and reconnects within a second.
    pub storm_after: Option<Duration>,
    /// The receiver that stops reading.
    pub slow: Option<Slow>,
    /// How long an unacknowledged send keeps being retried once the load stops.
    pub settle: Duration,
    /// How long devices may take to hold everything once sending ended.
    pub drain: Duration,
    /// What the fault must have visibly done.
    pub expect: Vec<Expect>,
}

impl Shape {
    /// The shape of `scenario` (short with `quick`).
    pub fn of(scenario: &str, quick: bool) -> anyhow::Result<Self> {
        let scale = if quick { 1.0 } else { 2.0 };
        let base = Shape {
            pair_senders: 8,
            pair_rate: 10.0 * scale,
            group_senders: 2,
            group_rate: 5.0 * scale,
            devices_per_user: 2,
            text_len: 0,
            random_reconnect: None,
            abort_sends: 0.0,
            storm_after: None,
            slow: None,
            settle: Duration::from_secs(if quick { 8 } else { 20 }),
            drain: Duration::from_secs(if quick { 10 } else { 30 }),
            expect: Vec::new(),
        };
        Ok(match scenario {
            "reconnect_storm_while_sending" => Shape {
                random_reconnect: Some(Duration::from_millis(1500)),
                abort_sends: 0.2,
                expect: vec![Expect::Reconnects, Expect::AbortedSends],
                ..base
            },
            "server_sigkill_sqlite" => Shape {
                expect: vec![Expect::ServerDropped, Expect::FailedSends],
                ..base
            },
            "postgres_restart" => Shape {
                expect: vec![Expect::CodedFailures, Expect::OnlyCodedFailures],
                ..base
            },
            "two_nodes_redis_restart" => Shape {
                expect: vec![Expect::FailedSends, Expect::MovedNode],
                ..base
            },
            "slow_consumer" => Shape {
                slow: Some(Slow {
                    after: Duration::from_secs(1),
                    rate: 100.0,
                    text_len: 4000,
                    max_others_p99_ms: 2000.0,
                    max_rss_growth_mib: 64.0,
                }),
                expect: vec![Expect::SlowConsumerHandled],
                ..base
            },
            "reconnect_storm" => Shape {
                pair_senders: if quick { 20 } else { 50 },
                pair_rate: 5.0,
                group_senders: 3,
                group_rate: 2.0,
                storm_after: Some(Duration::from_secs(3)),
                expect: vec![Expect::StormResumed],
                ..base
            },
            "disk_full" => Shape {
                expect: vec![Expect::CodedFailures, Expect::AckedAfterFailure],
                ..base
            },
            other => anyhow::bail!(
                "unknown chaos scenario {other:?} (known: {})",
                SCENARIOS.join(", ")
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scenario_has_a_shape_that_checks_its_fault() {
        for quick in [true, false] {
            for name in SCENARIOS {
                let shape = Shape::of(name, quick);
                assert!(shape.as_ref().is_ok_and(|s| !s.expect.is_empty()), "{name}");
            }
        }
        assert!(Shape::of("meteor_strike", true).is_err());
    }
}
