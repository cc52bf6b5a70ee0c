//! Who takes part in a scenario, from the fixture: the devices (every user of a pair or of the
//! group, the same number of devices each, plus the receiver that stalls) and the senders
//! (the first user of the first pairs, the first members of the group).

use std::collections::BTreeMap;

use super::device::DevicePlan;
use super::sender::SenderPlan;
use super::shape::Shape;
use crate::fixture::Fixture;

/// The fixture's conversations and online users.
#[derive(Debug, Clone, Default)]
pub struct Cast {
    /// A member's token per conversation (to read it back).
    pub readers: BTreeMap<i64, String>,
    /// Each online user's token and conversations, by user index.
    pub users: BTreeMap<usize, (String, Vec<i64>)>,
    /// The group's conversation, if there is a group.
    pub group: Option<i64>,
}

impl Cast {
    /// Everyone in a pair or in the group.
    pub fn of(fixture: &Fixture) -> Self {
        let token = |u: usize| {
            fixture
                .users
                .get(u)
                .map(|user| user.token.clone())
                .unwrap_or_default()
        };
        let mut cast = Cast::default();
        let join = |cast: &mut Cast, user: usize, conversation: i64| {
            cast.users
                .entry(user)
                .or_insert_with(|| (token(user), Vec::new()))
                .1
                .push(conversation);
        };
        for pair in &fixture.pairs {
            cast.readers.insert(pair.conversation_id, token(pair.a));
            join(&mut cast, pair.a, pair.conversation_id);
            join(&mut cast, pair.b, pair.conversation_id);
        }
        if let Some(group) = &fixture.group
            && let Some(&owner) = group.members.first()
        {
            cast.group = Some(group.conversation_id);
            cast.readers.insert(group.conversation_id, token(owner));
            for &member in &group.members {
                join(&mut cast, member, group.conversation_id);
            }
        }
        cast
    }

    fn token(&self, user: usize) -> String {
        self.users
            .get(&user)
            .map(|(token, _)| token.clone())
            .unwrap_or_default()
    }

    /// The devices, spread over `nodes` nodes, starting from `baselines`; the index of the
    /// receiver that stalls (a further device of the first pair's second user), if any.
    pub fn devices(
        &self,
        fixture: &Fixture,
        shape: &Shape,
        baselines: &BTreeMap<i64, i64>,
        nodes: usize,
    ) -> (Vec<DevicePlan>, Option<usize>) {
        let device = |index: usize, token: &str, conversations: &[i64]| DevicePlan {
            index,
            token: token.to_owned(),
            baselines: conversations
                .iter()
                .map(|c| (*c, baselines.get(c).copied().unwrap_or(0)))
                .collect(),
            node: index % nodes.max(1),
            random_reconnect: shape.random_reconnect,
            storm: shape.storm_after.is_some(),
            slow: None,
            record_latency: shape.slow.is_some(),
        };
        let mut plans: Vec<DevicePlan> = Vec::new();
        for (token, conversations) in self.users.values() {
            for _ in 0..shape.devices_per_user {
                plans.push(device(plans.len(), token, conversations));
            }
        }
        let stalled = shape
            .slow
            .zip(fixture.pairs.first())
            .and_then(|(slow, pair)| {
                let (token, conversations) = self.users.get(&pair.b)?;
                let mut plan = device(plans.len(), token, conversations);
                plan.slow = Some(slow.after);
                plan.record_latency = false;
                plans.push(plan);
                Some(plans.len() - 1)
            });
        (plans, stalled)
    }

    /// The senders; `number` keeps this scenario's client ids apart from the others'.
    pub fn senders(
        &self,
        fixture: &Fixture,
        shape: &Shape,
        number: usize,
        nodes: usize,
    ) -> Vec<SenderPlan> {
        let mut plans = Vec::new();
        for (i, pair) in fixture.pairs.iter().take(shape.pair_senders).enumerate() {
            let stalled = shape.slow.filter(|_| i == 0);
            plans.push(SenderPlan {
                tag: format!("chaos{number}-p{i}"),
                token: self.token(pair.a),
                conversation: pair.conversation_id,
                rate: stalled.map_or(shape.pair_rate, |s| s.rate),
                node: i % nodes.max(1),
                text_len: stalled.map_or(shape.text_len, |s| s.text_len),
                abort: shape.abort_sends,
                seed: (number * 1000 + i) as u64,
            });
        }
        if let Some(group) = &fixture.group {
            for (j, &member) in group.members.iter().take(shape.group_senders).enumerate() {
                plans.push(SenderPlan {
                    tag: format!("chaos{number}-g{j}"),
                    token: self.token(member),
                    conversation: group.conversation_id,
                    rate: shape.group_rate,
                    node: j % nodes.max(1),
                    text_len: shape.text_len,
                    abort: shape.abort_sends,
                    seed: (number * 1000 + 500 + j) as u64,
                });
            }
        }
        plans
    }
}
