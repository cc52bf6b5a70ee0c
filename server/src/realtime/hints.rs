//! Throttles for the light events that would otherwise flood: "typing" notices (one per user
//! and conversation every [`TYPING_EVERY`], the rest ignored) and read-receipt hints (one per
//! recipient and conversation every [`RECEIPTS_EVERY`]; those in between are coalesced into one
//! sent when the interval ends). Memory is bounded: entries older than both intervals are
//! dropped once the maps grow past [`PRUNE_AT`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use shared::ids::{ConversationId, UserId};

/// The shortest interval between two typing notices of one user in one conversation.
pub const TYPING_EVERY: Duration = Duration::from_secs(2);
/// The shortest interval between two read-receipt hints to one user about one conversation.
pub const RECEIPTS_EVERY: Duration = Duration::from_secs(2);
/// Entries kept before old ones are pruned.
const PRUNE_AT: usize = 4096;

type Key = (UserId, ConversationId);

/// What to do with a read-receipt hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// Send it now.
    Now,
    /// Send one after this delay (none is scheduled yet).
    After(Duration),
    /// One is already scheduled: it covers this.
    Covered,
}

/// The throttles' state (shared by every request of this node).
#[derive(Default)]
pub struct Hints {
    typing: Mutex<HashMap<Key, Instant>>,
    /// When the last hint was sent, and whether one is scheduled.
    receipts: Mutex<HashMap<Key, (Instant, bool)>>,
}

impl Hints {
    /// Whether a typing notice of `user` in `conversation` goes out now.
    pub fn typing(&self, user: UserId, conversation: ConversationId) -> bool {
        let now = Instant::now();
        let Ok(mut map) = self.typing.lock() else {
            return false;
        };
        if map.len() > PRUNE_AT {
            map.retain(|_, at| now.duration_since(*at) < TYPING_EVERY);
        }
        match map.get(&(user, conversation)) {
            Some(at) if now.duration_since(*at) < TYPING_EVERY => false,
            _ => {
                map.insert((user, conversation), now);
                true
            }
        }
    }

    /// What to do with a read-receipt hint for `recipient` about `conversation`.
    pub fn receipt(&self, recipient: UserId, conversation: ConversationId) -> Hint {
        let now = Instant::now();
        let Ok(mut map) = self.receipts.lock() else {
            return Hint::Covered;
        };
        if map.len() > PRUNE_AT {
            map.retain(|_, (at, pending)| *pending || now.duration_since(*at) < RECEIPTS_EVERY);
        }
        match map.get_mut(&(recipient, conversation)) {
            Some((_, true)) => Hint::Covered,
            Some((at, pending)) if now.duration_since(*at) < RECEIPTS_EVERY => {
                *pending = true;
                Hint::After(RECEIPTS_EVERY - now.duration_since(*at))
            }
            _ => {
                map.insert((recipient, conversation), (now, false));
                Hint::Now
            }
        }
    }

    /// Records that the scheduled hint for `recipient` about `conversation` went out.
    pub fn receipt_sent(&self, recipient: UserId, conversation: ConversationId) {
        if let Ok(mut map) = self.receipts.lock() {
            map.insert((recipient, conversation), (Instant::now(), false));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_goes_out_once_per_interval() {
        let hints = Hints::default();
        let (u, c) = (UserId(1), ConversationId(2));
        assert!(hints.typing(u, c));
        assert!(!hints.typing(u, c));
        assert!(hints.typing(UserId(3), c), "another user is counted apart");
    }

    #[test]
    fn receipt_hints_coalesce() {
        let hints = Hints::default();
        let (u, c) = (UserId(1), ConversationId(2));
        assert_eq!(hints.receipt(u, c), Hint::Now);
        assert!(matches!(hints.receipt(u, c), Hint::After(d) if d <= RECEIPTS_EVERY));
        assert_eq!(hints.receipt(u, c), Hint::Covered);
        hints.receipt_sent(u, c);
        assert!(matches!(hints.receipt(u, c), Hint::After(_)));
    }
}
