//! One monotonic clock for the whole process: senders write the send time into the message
//! text, receivers subtract it from the arrival time. Also the run's client message ids.

use std::sync::OnceLock;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

static START: OnceLock<Instant> = OnceLock::new();

/// Nanoseconds since the first call in this process.
pub fn now_ns() -> u64 {
    let start = START.get_or_init(Instant::now);
    u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX)
}

/// A client message id unique to this run of the generator: `<run>-<local>`, where `<run>` is
/// the wall-clock millisecond of the first call. The server answers a repeated id with the
/// message it already stored and sends no new event, so ids that repeated across runs would
/// make a second run on the same fixture see its messages as lost.
pub fn client_id(local: &str) -> String {
    static RUN: OnceLock<u128> = OnceLock::new();
    let run = RUN.get_or_init(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis())
    });
    format!("{run}-{local}")
}

/// The text of a timed message: `t<send time in ns> <tag>`.
pub fn stamp(tag: &str) -> String {
    format!("t{} {tag}", now_ns())
}

/// The send time written by [`stamp`], if the text carries one.
pub fn sent_at(text: &str) -> Option<u64> {
    text.strip_prefix('t')?.split(' ').next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_ids_carry_one_run_prefix() {
        let (a, b) = (client_id("p4-1"), client_id("p4-2"));
        let run = a.strip_suffix("-p4-1").unwrap();
        assert!(!run.is_empty() && run.bytes().all(|c| c.is_ascii_digit()));
        assert_eq!(b, format!("{run}-p4-2"));
        assert!(a.len() <= 64);
    }

    #[test]
    fn stamps_round_trip() {
        let text = stamp("p4-0-1");
        let sent = sent_at(&text);
        assert!(sent.is_some_and(|t| t <= now_ns()));
        assert_eq!(sent_at("hello"), None);
        assert_eq!(sent_at("t12 x"), Some(12));
    }
}
