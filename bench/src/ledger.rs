//! Correctness: every acknowledged message must be stored exactly once and reach every
//! intended receiver exactly once, in `seq` order.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::api::Api;
use crate::client::Conn;

/// A message the server acknowledged: `(conversation, seq, message id)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Acked {
    /// Its conversation.
    pub conversation_id: i64,
    /// Its seq.
    pub seq: i64,
    /// Its id.
    pub id: i64,
}

/// What a check found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// Acknowledged messages missing from the database or from a receiver's stream.
    pub lost: u64,
    /// Messages stored or received more than once.
    pub duplicated: u64,
    /// Messages a receiver got after one with a higher seq of the same conversation.
    pub out_of_order: u64,
    /// Messages received or stored that nobody acknowledged (or with a different id).
    pub unexpected: u64,
    /// Acknowledged messages checked.
    pub checked: u64,
}

impl Outcome {
    /// Adds another check's counts.
    pub fn add(&mut self, other: Outcome) {
        self.lost += other.lost;
        self.duplicated += other.duplicated;
        self.out_of_order += other.out_of_order;
        self.unexpected += other.unexpected;
        self.checked += other.checked;
    }

    /// Whether nothing went wrong.
    pub fn is_clean(&self) -> bool {
        self.lost == 0 && self.duplicated == 0 && self.out_of_order == 0 && self.unexpected == 0
    }
}

/// The acknowledged messages of each conversation, by seq.
pub fn by_conversation(acked: &[Acked]) -> BTreeMap<i64, BTreeMap<i64, i64>> {
    let mut out: BTreeMap<i64, BTreeMap<i64, i64>> = BTreeMap::new();
    for a in acked {
        out.entry(a.conversation_id)
            .or_default()
            .insert(a.seq, a.id);
    }
    out
}

/// Checks what `conn` received of `conversation` against the acknowledged `expected`
/// (seq → id). Only the seqs in `expected`'s range count: a connection may have seen older or
/// newer traffic of the same conversation from another scenario.
pub fn check_stream(conn: &Conn, conversation: i64, expected: &BTreeMap<i64, i64>) -> Outcome {
    let (Some((&low, _)), Some((&high, _))) =
        (expected.first_key_value(), expected.last_key_value())
    else {
        return Outcome::default();
    };
    let mut outcome = Outcome {
        checked: expected.len() as u64,
        ..Outcome::default()
    };
    let mut seen: HashMap<i64, u32> = HashMap::new();
    let mut last = i64::MIN;
    for r in conn.received() {
        if r.conversation_id != conversation || r.seq < low || r.seq > high {
            continue;
        }
        if r.seq <= last {
            outcome.out_of_order += 1;
        }
        last = last.max(r.seq);
        match expected.get(&r.seq) {
            Some(&id) if id == r.id => {
                let count = seen.entry(r.seq).or_default();
                *count += 1;
                if *count > 1 {
                    outcome.duplicated += 1;
                    // A repeat is counted as a duplicate, not also as out of order.
                    outcome.out_of_order = outcome.out_of_order.saturating_sub(1);
                }
            }
            _ => outcome.unexpected += 1,
        }
    }
    outcome.lost = expected.keys().filter(|s| !seen.contains_key(s)).count() as u64;
    outcome
}

/// Checks the database (through `list_messages` as `token`) holds each acknowledged message of
/// `conversation` exactly once.
pub async fn check_stored(
    api: &Api,
    token: &str,
    conversation: i64,
    expected: &BTreeMap<i64, i64>,
) -> anyhow::Result<Outcome> {
    let (Some((&low, _)), Some((&high, _))) =
        (expected.first_key_value(), expected.last_key_value())
    else {
        return Ok(Outcome::default());
    };
    let stored = api.range(token, conversation, low, high).await?;
    let mut outcome = Outcome {
        checked: expected.len() as u64,
        ..Outcome::default()
    };
    let mut by_id: HashMap<i64, u32> = HashMap::new();
    let mut by_seq: HashMap<i64, u32> = HashMap::new();
    for m in &stored {
        *by_id.entry(m.id.0).or_default() += 1;
        *by_seq.entry(m.seq).or_default() += 1;
    }
    for (seq, id) in expected {
        match by_id.get(id) {
            None => outcome.lost += 1,
            Some(&n) => outcome.duplicated += u64::from(n.saturating_sub(1)),
        }
        if by_seq.get(seq).is_some_and(|&n| n > 1) {
            outcome.duplicated += 1;
        }
    }
    outcome.unexpected = stored
        .iter()
        .filter(|m| expected.get(&m.seq) != Some(&m.id.0))
        .count() as u64;
    Ok(outcome)
}

/// Checks every conversation in `acked`: stored once (read as `reader_token(conversation)`),
/// and received once and in order by every connection in `receivers(conversation)`.
pub async fn check_all<'a>(
    api: &Api,
    acked: &[Acked],
    reader_token: impl Fn(i64) -> Option<&'a str>,
    receivers: impl Fn(i64) -> Vec<&'a Conn>,
) -> anyhow::Result<Outcome> {
    let mut total = Outcome::default();
    for (conversation, expected) in by_conversation(acked) {
        let Some(token) = reader_token(conversation) else {
            anyhow::bail!("no reader for conversation {conversation}");
        };
        total.add(check_stored(api, token, conversation, &expected).await?);
        for conn in receivers(conversation) {
            total.add(check_stream(conn, conversation, &expected));
        }
    }
    Ok(total)
}
