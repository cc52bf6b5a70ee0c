//! One monotonic clock for the whole process: senders write the send time into the message
//! text, receivers subtract it from the arrival time.

use std::sync::OnceLock;
use std::time::Instant;

static START: OnceLock<Instant> = OnceLock::new();

/// Nanoseconds since the first call in this process.
pub fn now_ns() -> u64 {
    let start = START.get_or_init(Instant::now);
    u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX)
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
    fn stamps_round_trip() {
        let text = stamp("p4-0-1");
        let sent = sent_at(&text);
        assert!(sent.is_some_and(|t| t <= now_ns()));
        assert_eq!(sent_at("hello"), None);
        assert_eq!(sent_at("t12 x"), Some(12));
    }
}
