//! The chaos checks' bookkeeping, free of I/O: how a device holds messages (by seq, the first
//! arrival wins, as a client de-duplicates live events against a resume's replay), its resume
//! cursor, and the comparisons of what was acknowledged with what was stored and held.

use std::collections::{BTreeMap, HashMap, HashSet};

/// The server's de-duplication key of a message: `(sender id, client_msg_id)`.
pub type Key = (i64, String);

/// A message as the checks see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// Its seq in its conversation.
    pub seq: i64,
    /// Its id.
    pub id: i64,
    /// Sender and client id (`None` for system notices).
    pub key: Option<Key>,
}

/// What adding an arrival to a device's store did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Insert {
    /// A seq the device did not hold.
    New,
    /// The same message again (live and in a replay, or fetched again): ignored.
    Repeat,
    /// Another message under a seq the device already holds: the server gave one seq twice.
    Conflict,
    /// At or below the device's starting point: not part of the run.
    Old,
}

/// One device's messages of one conversation.
#[derive(Debug, Clone, Default)]
pub struct Held {
    baseline: i64,
    contiguous: i64,
    by_seq: BTreeMap<i64, (i64, Option<Key>)>,
}

impl Held {
    /// A store that starts out holding everything up to `baseline`.
    pub fn new(baseline: i64) -> Self {
        Self {
            baseline,
            contiguous: baseline,
            by_seq: BTreeMap::new(),
        }
    }

    /// Adds an arrival.
    pub fn insert(&mut self, message: &Seen) -> Insert {
        if message.seq <= self.baseline {
            return Insert::Old;
        }
        if let Some((id, _)) = self.by_seq.get(&message.seq) {
            return if *id == message.id {
                Insert::Repeat
            } else {
                Insert::Conflict
            };
        }
        self.by_seq
            .insert(message.seq, (message.id, message.key.clone()));
        while self.by_seq.contains_key(&(self.contiguous + 1)) {
            self.contiguous += 1;
        }
        Insert::New
    }

    /// The resume cursor: the highest seq up to which the device holds every message.
    pub fn cursor(&self) -> i64 {
        self.contiguous
    }

    /// The id held under `seq`.
    pub fn id_at(&self, seq: i64) -> Option<i64> {
        self.by_seq.get(&seq).map(|(id, _)| *id)
    }

    /// Held messages sharing one de-duplication key, beyond the first of each key: a retried
    /// send that was stored (and delivered) twice.
    pub fn duplicated(&self) -> u64 {
        count_repeats(self.by_seq.values().filter_map(|(_, key)| key.as_ref()))
    }
}

/// Watches one connection's arrivals for a conversation's messages going backwards: a new seq
/// below one this connection already delivered, outside a resume's replay (live events and a
/// replay may interleave; that is allowed and not counted).
#[derive(Debug, Clone, Default)]
pub struct Order {
    replaying: HashSet<i64>,
    highest: HashMap<i64, i64>,
}

impl Order {
    /// A `resume` went out for these conversations.
    pub fn begin_replay(&mut self, conversations: impl IntoIterator<Item = i64>) {
        self.replaying.extend(conversations);
    }

    /// The replay of `conversation` ended (`resumed` or `resync`).
    pub fn end_replay(&mut self, conversation: i64) {
        self.replaying.remove(&conversation);
    }

    /// Every replay ended (`resync` for all).
    pub fn end_all(&mut self) {
        self.replaying.clear();
    }

    /// Records an arrival; `true` when it is a new message arriving live after a higher seq.
    pub fn observe(&mut self, conversation: i64, seq: i64, new: bool) -> bool {
        let highest = self.highest.entry(conversation).or_insert(i64::MIN);
        let backwards = new && seq < *highest && !self.replaying.contains(&conversation);
        *highest = (*highest).max(seq);
        backwards
    }
}

/// An acknowledged send: the message the server answered with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Acked {
    /// Its seq.
    pub seq: i64,
    /// Its id.
    pub id: i64,
}

/// What the database holds of one conversation, compared with what was acknowledged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoreCheck {
    /// Acknowledged messages not stored (or stored under another seq).
    pub lost: u64,
    /// Extra rows for one `(sender, client_msg_id)`, plus extra rows for one seq.
    pub duplicated: u64,
    /// Seqs missing between the baseline and the newest stored message.
    pub gaps: u64,
    /// Stored messages of this run that no sender saw acknowledged (it gave up first).
    pub stored_unacked: u64,
    /// Stored messages checked.
    pub stored: u64,
}

/// Compares a conversation's stored messages above `baseline` with the acknowledged sends.
/// `ours` tells this run's client ids from anyone else's.
pub fn check_store(
    baseline: i64,
    stored: &[Seen],
    acked: &[Acked],
    ours: impl Fn(&str) -> bool,
) -> StoreCheck {
    let stored: Vec<&Seen> = stored.iter().filter(|m| m.seq > baseline).collect();
    let mut check = StoreCheck {
        stored: stored.len() as u64,
        ..StoreCheck::default()
    };
    check.duplicated += count_repeats(stored.iter().filter_map(|m| m.key.as_ref()));
    check.duplicated += count_repeats(stored.iter().map(|m| m.seq));
    let seqs: HashSet<i64> = stored.iter().map(|m| m.seq).collect();
    if let Some(newest) = seqs.iter().max() {
        check.gaps = ((baseline + 1)..=*newest)
            .filter(|s| !seqs.contains(s))
            .count() as u64;
    }
    let by_id: HashMap<i64, i64> = stored.iter().map(|m| (m.id, m.seq)).collect();
    check.lost = acked
        .iter()
        .filter(|a| by_id.get(&a.id) != Some(&a.seq))
        .count() as u64;
    let acked_ids: HashSet<i64> = acked.iter().map(|a| a.id).collect();
    check.stored_unacked = stored
        .iter()
        .filter(|m| !acked_ids.contains(&m.id))
        .filter(|m| m.key.as_ref().is_some_and(|(_, cid)| ours(cid)))
        .count() as u64;
    check
}

/// What one device holds of one conversation, compared with what was acknowledged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeviceCheck {
    /// Acknowledged messages the device does not hold (live, replayed or fetched).
    pub lost: u64,
    /// Messages the device holds twice under different seqs (one send stored twice).
    pub duplicated: u64,
}

/// Compares a device's store with the acknowledged sends of its conversation.
pub fn check_device(held: &Held, acked: &[Acked]) -> DeviceCheck {
    DeviceCheck {
        lost: acked
            .iter()
            .filter(|a| held.id_at(a.seq) != Some(a.id))
            .count() as u64,
        duplicated: held.duplicated(),
    }
}

/// How many items repeat an earlier one.
fn count_repeats<T: std::hash::Hash + Eq>(items: impl Iterator<Item = T>) -> u64 {
    let mut seen = HashSet::new();
    let mut repeats = 0;
    for item in items {
        if !seen.insert(item) {
            repeats += 1;
        }
    }
    repeats
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(seq: i64, id: i64, cid: &str) -> Seen {
        Seen {
            seq,
            id,
            key: Some((7, cid.to_owned())),
        }
    }

    #[test]
    fn live_and_replayed_arrivals_count_once() {
        let mut held = Held::new(0);
        assert_eq!(held.insert(&seen(1, 101, "a")), Insert::New);
        assert_eq!(held.insert(&seen(3, 103, "c")), Insert::New);
        assert_eq!(held.cursor(), 1, "2 is missing: the cursor stops below it");
        // The resume from 1 replays 2 and 3; 3 came live already.
        assert_eq!(held.insert(&seen(2, 102, "b")), Insert::New);
        assert_eq!(held.insert(&seen(3, 103, "c")), Insert::Repeat);
        assert_eq!(held.cursor(), 3);
        let acked = [
            Acked { seq: 1, id: 101 },
            Acked { seq: 2, id: 102 },
            Acked { seq: 3, id: 103 },
        ];
        assert_eq!(check_device(&held, &acked), DeviceCheck::default());
    }

    #[test]
    fn a_device_missing_a_message_has_lost_it() {
        let mut held = Held::new(10);
        assert_eq!(held.insert(&seen(9, 9, "old")), Insert::Old);
        held.insert(&seen(11, 111, "a"));
        held.insert(&seen(13, 113, "c"));
        let acked = [
            Acked { seq: 11, id: 111 },
            Acked { seq: 12, id: 112 },
            Acked { seq: 13, id: 113 },
        ];
        let check = check_device(&held, &acked);
        assert_eq!((check.lost, check.duplicated), (1, 0));
        assert_eq!(held.cursor(), 11);
    }

    #[test]
    fn another_message_under_a_held_seq_is_a_conflict() {
        let mut held = Held::new(0);
        held.insert(&seen(1, 101, "a"));
        assert_eq!(held.insert(&seen(1, 999, "z")), Insert::Conflict);
        assert_eq!(held.id_at(1), Some(101), "the first arrival stays");
        let check = check_device(&held, &[Acked { seq: 1, id: 999 }]);
        assert_eq!(check.lost, 1);
    }

    #[test]
    fn one_send_held_under_two_seqs_is_duplicated() {
        let mut held = Held::new(0);
        held.insert(&seen(1, 101, "a"));
        held.insert(&seen(2, 102, "a"));
        let check = check_device(&held, &[Acked { seq: 1, id: 101 }]);
        assert_eq!((check.lost, check.duplicated), (0, 1));
    }

    #[test]
    fn the_store_check_finds_duplicates_gaps_and_losses() {
        let stored = [
            seen(5, 5, "old"),
            seen(6, 106, "a"),
            seen(7, 107, "a"),
            seen(9, 109, "c"),
            seen(10, 110, "d"),
            Seen {
                seq: 11,
                id: 111,
                key: None,
            },
        ];
        let acked = [
            Acked { seq: 6, id: 106 },
            Acked { seq: 8, id: 108 },
            Acked { seq: 9, id: 109 },
        ];
        let check = check_store(5, &stored, &acked, |cid| cid != "old");
        assert_eq!(check.stored, 5);
        assert_eq!(check.duplicated, 1, "client id a stored twice");
        assert_eq!(check.gaps, 1, "seq 8");
        assert_eq!(check.lost, 1, "message 108");
        assert_eq!(
            check.stored_unacked, 2,
            "107 and 110 (the notice is not ours)"
        );
        let clean = check_store(5, &stored[..2], &acked[..1], |_| true);
        assert_eq!(
            clean,
            StoreCheck {
                stored: 1,
                ..StoreCheck::default()
            }
        );
    }

    #[test]
    fn one_seq_stored_twice_is_duplicated() {
        let stored = [seen(1, 101, "a"), seen(1, 102, "b")];
        let check = check_store(0, &stored, &[Acked { seq: 1, id: 101 }], |_| true);
        assert_eq!(check.duplicated, 1);
    }

    #[test]
    fn only_live_arrivals_going_backwards_are_out_of_order() {
        let mut order = Order::default();
        assert!(!order.observe(1, 5, true));
        assert!(order.observe(1, 4, true), "live 4 after live 5");
        assert!(!order.observe(1, 3, false), "a repeat is not counted");
        order.begin_replay([1]);
        assert!(!order.observe(1, 2, true), "replayed under live ones");
        order.end_replay(1);
        assert!(!order.observe(1, 6, true));
        assert!(!order.observe(2, 1, true), "conversations are apart");
    }
}
