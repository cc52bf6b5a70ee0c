//! A sending client: one message at a time at a steady pace, each retried with the same
//! `client_msg_id` until the server acknowledges it or the run gives up (the server
//! de-duplicates on sender and client id, so a retry must never store a second copy).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::{Instant, MissedTickBehavior};

use super::control::{Control, until_on};
use super::http::{Failure, Nodes};
use super::rng::Rng;
use crate::clock;

/// Most messages one sender starts.
const MAX_MESSAGES: u64 = 1_000_000;
/// Most attempts at one message (the run's time limit ends it sooner).
const MAX_ATTEMPTS: u32 = 100_000;
/// The first wait after a failed attempt; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(50);
/// The longest wait between attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(1);
/// The longest `Retry-After` honoured.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(2);
/// An attempt cut off by the client ends within this.
const MAX_ABORT_DELAY: Duration = Duration::from_millis(20);

/// What one sender does.
#[derive(Debug, Clone)]
pub struct SenderPlan {
    /// Distinguishes its client ids from the other senders'.
    pub tag: String,
    /// Its session.
    pub token: String,
    /// Where it sends.
    pub conversation: i64,
    /// Messages per second.
    pub rate: f64,
    /// The node it sends through first (it moves on when a node does not answer).
    pub node: usize,
    /// Characters of padding per message.
    pub text_len: usize,
    /// Share of attempts it cuts off in flight.
    pub abort: f64,
    /// Seed of its random choices.
    pub seed: u64,
}

/// A message the server acknowledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ack {
    /// Its seq.
    pub seq: i64,
    /// Its id.
    pub id: i64,
    /// When the acknowledgement arrived (ms into the run).
    pub at_ms: u64,
}

/// One message and what became of it.
#[derive(Debug, Clone)]
pub struct SendRecord {
    /// Its conversation.
    pub conversation: i64,
    /// Its client id.
    pub client_msg_id: String,
    /// Attempts made.
    pub attempts: u32,
    /// Of those, cut off by the sender itself.
    pub cut_off: u32,
    /// Of those, failed.
    pub failed: u32,
    /// The acknowledgement, unless the sender gave up.
    pub ack: Option<Ack>,
}

/// Everything one sender did.
#[derive(Debug, Default)]
pub struct SenderLog {
    /// Every message started.
    pub records: Vec<SendRecord>,
    /// Failed attempts by error code (`connection` and `timeout` when nothing answered).
    pub failures: BTreeMap<String, u64>,
    /// Attempts the sender cut off itself.
    pub aborted: u64,
    /// When the first and the last attempt failed (ms into the run).
    pub failed_between_ms: Option<(u64, u64)>,
    /// The longest a failed attempt took to fail, by error code (ms).
    pub slowest_failure_ms: BTreeMap<String, u64>,
}

impl SenderLog {
    fn failed(&mut self, failure: &Failure, at_ms: u64, took_ms: u64) {
        let slowest = self.slowest_failure_ms.entry(failure.label()).or_default();
        *slowest = (*slowest).max(took_ms);
        *self.failures.entry(failure.label()).or_default() += 1;
        self.failed_between_ms = Some(match self.failed_between_ms {
            Some((first, _)) => (first, at_ms),
            None => (at_ms, at_ms),
        });
    }
}

/// Sends until the load stops, then finishes the message in hand (or gives it up).
pub async fn run(plan: SenderPlan, nodes: Nodes, control: Arc<Control>) -> SenderLog {
    let mut log = SenderLog::default();
    let mut rng = Rng::new(plan.seed);
    let mut node = plan.node;
    let mut ticker = tokio::time::interval(Duration::from_secs_f64(1.0 / plan.rate.max(0.01)));
    // After an outage the sender goes on at its pace instead of sending the missed ticks at once.
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut stopped = control.stopped();
    for n in 1..=MAX_MESSAGES {
        tokio::select! {
            _ = ticker.tick() => {}
            () = until_on(&mut stopped) => break,
        }
        if control.is_stopped() {
            break;
        }
        let client_msg_id = clock::client_id(&format!("{}-{n}", plan.tag));
        let mut text = clock::stamp(&client_msg_id);
        text.extend(std::iter::repeat_n('x', plan.text_len));
        let record = deliver(
            &plan,
            &nodes,
            &control,
            &mut rng,
            &mut node,
            &mut log,
            client_msg_id,
            text,
        )
        .await;
        log.records.push(record);
    }
    log
}

/// Sends one message until acknowledged or given up.
#[allow(clippy::too_many_arguments)]
async fn deliver(
    plan: &SenderPlan,
    nodes: &Nodes,
    control: &Control,
    rng: &mut Rng,
    node: &mut usize,
    log: &mut SenderLog,
    client_msg_id: String,
    text: String,
) -> SendRecord {
    let mut record = SendRecord {
        conversation: plan.conversation,
        client_msg_id,
        attempts: 0,
        cut_off: 0,
        failed: 0,
        ack: None,
    };
    let mut backoff = FIRST_BACKOFF;
    while record.attempts < MAX_ATTEMPTS {
        if record.attempts > 0 && control.giving_up() {
            break;
        }
        record.attempts += 1;
        let attempt_started = Instant::now();
        let call = nodes.send(
            *node,
            &plan.token,
            plan.conversation,
            &record.client_msg_id,
            text.clone(),
        );
        let outcome = if plan.abort > 0.0 && rng.chance(plan.abort) {
            let cut = rng.below(MAX_ABORT_DELAY);
            tokio::select! {
                answer = call => Some(answer),
                () = tokio::time::sleep(cut) => None,
            }
        } else {
            Some(call.await)
        };
        let wait = match outcome {
            None => {
                log.aborted += 1;
                record.cut_off += 1;
                rng.below(Duration::from_millis(10))
            }
            Some(Ok(message)) => {
                record.ack = Some(Ack {
                    seq: message.seq,
                    id: message.id.0,
                    at_ms: control.elapsed_ms(),
                });
                return record;
            }
            Some(Err(failure)) => {
                record.failed += 1;
                let took_ms =
                    u64::try_from(attempt_started.elapsed().as_millis()).unwrap_or(u64::MAX);
                log.failed(&failure, control.elapsed_ms(), took_ms);
                control.send_failed();
                if !failure.answered() {
                    // This node may be gone: the next attempt goes to the next one.
                    *node += 1;
                }
                let asked = match &failure {
                    Failure::Answer {
                        retry_after: Some(secs),
                        ..
                    } => Some(Duration::from_secs(*secs).min(MAX_RETRY_AFTER)),
                    _ => None,
                };
                let wait = asked.unwrap_or_else(|| rng.jitter(backoff));
                backoff = (backoff * 2).min(MAX_BACKOFF);
                wait
            }
        };
        let until = (Instant::now() + wait).min(control.give_up_at());
        tokio::time::sleep_until(until).await;
    }
    record
}
