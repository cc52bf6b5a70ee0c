//! How a batch of sends is stored, decided before any row is written: which sends repeat a
//! stored message or an earlier send of the batch, and which seqs the new ones take.

use std::collections::HashMap;

use super::NewMessage;
use crate::repo::messages::MessageRow;

/// What one send in a batch turned out to be.
pub(super) enum Slot {
    /// Stored before this batch.
    Existing(MessageRow),
    /// The same send earlier in this batch (its index).
    SameAs(usize),
    /// New: the `k`-th new message of its conversation in this batch (from 1).
    New(i64),
}

/// How a batch is stored, decided from the sends and the rows their ids already have.
pub(super) struct Plan {
    slots: Vec<Slot>,
    /// Per conversation: how many new messages, and the newest send time among them.
    pub(super) new_per_conversation: HashMap<i64, (i64, i64)>,
}

impl Plan {
    pub(super) fn new(items: &[NewMessage], existing: Vec<MessageRow>) -> Self {
        let mut first_of: HashMap<(i64, &str), usize> = HashMap::new();
        let mut new_per_conversation: HashMap<i64, (i64, i64)> = HashMap::new();
        let mut slots: Vec<Slot> = Vec::with_capacity(items.len());
        for (i, m) in items.iter().enumerate() {
            let key = (m.sender.0, m.client_msg_id.as_str());
            if let Some(row) = existing
                .iter()
                .find(|r| r.3 == Some(key.0) && r.4.as_deref() == Some(key.1))
            {
                slots.push(Slot::Existing(row.clone()));
            } else if let Some(&earlier) = first_of.get(&key) {
                slots.push(Slot::SameAs(earlier));
            } else {
                first_of.insert(key, i);
                let entry = new_per_conversation
                    .entry(m.conversation.0)
                    .or_insert((0, m.now));
                entry.0 += 1;
                entry.1 = entry.1.max(m.now);
                slots.push(Slot::New(entry.0));
            }
        }
        Plan {
            slots,
            new_per_conversation,
        }
    }

    /// The new messages with their seqs, given each conversation's seq before the batch.
    pub(super) fn new_messages<'a>(
        &'a self,
        items: &'a [NewMessage],
        base: &'a HashMap<i64, i64>,
    ) -> impl Iterator<Item = (&'a NewMessage, i64)> + 'a {
        items
            .iter()
            .zip(&self.slots)
            .filter_map(move |(m, slot)| match slot {
                Slot::New(k) => Some((m, base.get(&m.conversation.0).copied().unwrap_or(0) + k)),
                _ => None,
            })
    }

    /// Every send's row and whether it is new, given the inserted rows in order.
    pub(super) fn assemble(self, inserted: Vec<MessageRow>) -> Vec<(MessageRow, bool)> {
        let mut inserted = inserted.into_iter();
        let mut rows: Vec<(MessageRow, bool)> = Vec::with_capacity(self.slots.len());
        for slot in self.slots {
            let row = match slot {
                Slot::Existing(row) => (row, false),
                // Earlier in this batch, hence already in `rows`.
                Slot::SameAs(earlier) => (rows[earlier].0.clone(), false),
                Slot::New(_) => match inserted.next() {
                    Some(row) => (row, true),
                    None => break,
                },
            };
            rows.push(row);
        }
        rows
    }
}
