//! In-memory caches of what almost every request reads and rarely changes: sessions (with the
//! user's rights) and conversation access (members, roles, mutes, friendship).
//!
//! Correctness rules:
//! - every change to what an entry holds invalidates it after its commit, on every node (the
//!   invalidations travel with the realtime layer, see [`crate::realtime::Realtime`]);
//! - a lookup that read the database before an invalidation never stores its (possibly old)
//!   answer: each cache has an epoch, bumped by every invalidation, and an entry is stored only
//!   if the epoch did not move while it was loaded;
//! - entries expire after [`TTL`], which bounds staleness where an invalidation cannot arrive
//!   (another process writing the database, such as `parley create-admin`, or a pub/sub
//!   message lost between nodes); the whole cache is dropped when the link between nodes is
//!   re-established;
//! - a cache holds at most its capacity; when full, it starts over empty.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use shared::ids::{ConversationId, SessionId, UserId};

use crate::db::{Db, DbError};
use crate::repo::messages::ConversationAccess;
use crate::repo::sessions::CachedSession;

/// How long an entry is trusted without an invalidation.
pub const TTL: Duration = Duration::from_secs(30);
/// Most sessions kept.
const SESSION_CAPACITY: usize = 200_000;
/// Most conversations kept.
const CONVERSATION_CAPACITY: usize = 100_000;
/// Distinct sets of rights kept before unused ones are dropped.
const RIGHTS_SETS: usize = 64;

struct Inner<K, V> {
    map: HashMap<K, (Instant, V)>,
    epoch: u64,
}

/// A map with an epoch, a time to live and a capacity; values are cheap to clone (`Arc`s).
pub struct Cache<K, V> {
    inner: Mutex<Inner<K, V>>,
    capacity: usize,
    ttl: Duration,
}

impl<K: Eq + Hash, V: Clone> Cache<K, V> {
    /// An empty cache holding at most `capacity` entries for [`TTL`] each.
    pub fn new(capacity: usize) -> Self {
        Self::with_ttl(capacity, TTL)
    }

    /// An empty cache holding at most `capacity` entries for `ttl` each.
    pub fn with_ttl(capacity: usize, ttl: Duration) -> Self {
        Self {
            inner: Mutex::new(Inner {
                map: HashMap::new(),
                epoch: 0,
            }),
            capacity,
            ttl,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner<K, V>> {
        // Every critical section is a single map operation: a poisoned lock is still consistent.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The live entry for `key`.
    pub fn get(&self, key: &K) -> Option<V> {
        let inner = self.lock();
        let (loaded, value) = inner.map.get(key)?;
        (loaded.elapsed() < self.ttl).then(|| value.clone())
    }

    /// The current epoch: read it before loading an entry, give it to [`Self::insert`].
    pub fn epoch(&self) -> u64 {
        self.lock().epoch
    }

    /// Stores `value` unless something was invalidated since `epoch` was read.
    pub fn insert(&self, key: K, value: V, epoch: u64) {
        let mut inner = self.lock();
        if inner.epoch != epoch {
            return;
        }
        if inner.map.len() >= self.capacity {
            inner.map.clear();
        }
        inner.map.insert(key, (Instant::now(), value));
    }

    /// Drops the entries `stale` selects.
    pub fn invalidate(&self, stale: impl Fn(&K, &V) -> bool) {
        let mut inner = self.lock();
        inner.epoch += 1;
        inner.map.retain(|k, (_, v)| !stale(k, v));
    }

    /// Drops every entry.
    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.epoch += 1;
        inner.map.clear();
    }

    /// Drops the entries past their time to live (they are never served, but would be held
    /// until the cache filled up); returns how many were dropped.
    pub fn purge_expired(&self) -> usize {
        let mut inner = self.lock();
        let before = inner.map.len();
        let ttl = self.ttl;
        inner.map.retain(|_, (loaded, _)| loaded.elapsed() < ttl);
        before - inner.map.len()
    }

    /// How many entries are held (live or expired).
    pub fn len(&self) -> usize {
        self.lock().map.len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One invalidation, as it is applied on this node and shared with the others.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Invalidation {
    /// These sessions of `user` ended.
    Sessions {
        /// Whose.
        user: UserId,
        /// Which.
        sessions: Vec<SessionId>,
    },
    /// Every session of `user` but `keep` ended.
    UserSessionsExcept {
        /// Whose.
        user: UserId,
        /// The one that stays.
        keep: Option<SessionId>,
    },
    /// The roles or rights of `user` changed: their sessions are looked up afresh.
    User(UserId),
    /// A role's rights changed: every session is looked up afresh.
    AllSessions,
    /// Members, roles, mutes or the group's state of a conversation changed.
    Conversation(ConversationId),
    /// Friendships of these users changed (their direct conversations' access).
    Friendships(Vec<UserId>),
}

/// The node's caches.
pub struct Caches {
    /// Live sessions by token hash.
    pub sessions: Cache<String, Arc<CachedSession>>,
    /// Conversation access by conversation.
    pub conversations: Cache<ConversationId, Arc<ConversationAccess>>,
    /// The distinct sets of rights the cached sessions hold (a handful, shared by thousands).
    rights: Mutex<HashSet<Arc<Vec<String>>>>,
}

impl Default for Caches {
    fn default() -> Self {
        Self {
            sessions: Cache::new(SESSION_CAPACITY),
            conversations: Cache::new(CONVERSATION_CAPACITY),
            rights: Mutex::default(),
        }
    }
}

impl Caches {
    /// The shared copy of a set of rights.
    pub fn intern_rights(&self, rights: Vec<String>) -> Arc<Vec<String>> {
        let mut sets = self.rights.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(shared) = sets.get(&rights) {
            return shared.clone();
        }
        // Role edits are rare; a set no session uses any more is dropped when the sets pile up.
        if sets.len() >= RIGHTS_SETS {
            sets.retain(|set| Arc::strong_count(set) > 1);
        }
        let shared = Arc::new(rights);
        sets.insert(shared.clone());
        shared
    }

    /// Drops expired entries from every cache: memory follows the recently active sessions and
    /// conversations, not everything seen since start. Returns how many were dropped.
    pub fn purge_expired(&self) -> usize {
        let dropped = self.sessions.purge_expired() + self.conversations.purge_expired();
        let mut sets = self.rights.lock().unwrap_or_else(|p| p.into_inner());
        sets.retain(|set| Arc::strong_count(set) > 1);
        dropped
    }

    /// Applies `change` to this node's caches.
    pub fn apply(&self, change: &Invalidation) {
        match change {
            Invalidation::Sessions { user, sessions } => self
                .sessions
                .invalidate(|_, s| s.user_id == *user && sessions.contains(&s.session_id)),
            Invalidation::UserSessionsExcept { user, keep } => self
                .sessions
                .invalidate(|_, s| s.user_id == *user && Some(s.session_id) != *keep),
            Invalidation::User(user) => self.sessions.invalidate(|_, s| s.user_id == *user),
            Invalidation::AllSessions => self.sessions.clear(),
            Invalidation::Conversation(id) => self.conversations.invalidate(|k, _| k == id),
            Invalidation::Friendships(users) => self
                .conversations
                .invalidate(|_, c| c.is_direct() && users.iter().any(|u| c.member(*u).is_some())),
        }
    }

    /// The access data of `conversation` (loaded on a miss), or `None` when it does not exist.
    pub async fn conversation(
        &self,
        db: &Db,
        conversation: ConversationId,
    ) -> Result<Option<Arc<ConversationAccess>>, DbError> {
        let cache = &self.conversations;
        if let Some(access) = cache.get(&conversation) {
            return Ok(Some(access));
        }
        let epoch = cache.epoch();
        let Some(access) = crate::repo::messages::access(db, conversation).await? else {
            return Ok(None);
        };
        let access = Arc::new(access);
        cache.insert(conversation, access.clone(), epoch);
        Ok(Some(access))
    }

    /// Drops everything (the link to the other nodes was lost: invalidations may have been).
    pub fn clear(&self) {
        self.sessions.clear();
        self.conversations.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invalidation_during_a_load_keeps_the_old_answer_out() {
        let cache: Cache<u32, u32> = Cache::new(10);
        let epoch = cache.epoch();
        cache.invalidate(|k, _| *k == 1);
        cache.insert(1, 100, epoch);
        assert_eq!(cache.get(&1), None, "loaded before the change: not stored");
        let epoch = cache.epoch();
        cache.insert(1, 101, epoch);
        assert_eq!(cache.get(&1), Some(101));
    }

    #[test]
    fn invalidation_drops_only_what_it_selects() {
        let cache: Cache<u32, u32> = Cache::new(10);
        for k in 0..5 {
            cache.insert(k, k * 10, cache.epoch());
        }
        cache.invalidate(|_, v| *v >= 30);
        assert_eq!(cache.len(), 3);
        assert_eq!(cache.get(&2), Some(20));
        assert_eq!(cache.get(&4), None);
        cache.clear();
        assert!(cache.is_empty());
    }

    #[test]
    fn equal_sets_of_rights_share_one_copy() {
        let caches = Caches::default();
        let a = caches.intern_rights(vec!["login".into(), "speak".into()]);
        let b = caches.intern_rights(vec!["login".into(), "speak".into()]);
        let c = caches.intern_rights(vec!["login".into()]);
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &c));
    }

    #[test]
    fn expired_entries_are_purged() {
        let cache: Cache<u32, u32> = Cache::with_ttl(10, Duration::from_millis(30));
        cache.insert(1, 1, cache.epoch());
        std::thread::sleep(Duration::from_millis(40));
        cache.insert(2, 2, cache.epoch());
        assert_eq!(cache.len(), 2, "expired but still held");
        assert_eq!(cache.purge_expired(), 1);
        assert_eq!(cache.len(), 1);
        assert_eq!(cache.get(&2), Some(2));
    }

    #[test]
    fn a_full_cache_starts_over() {
        let cache: Cache<u32, u32> = Cache::new(3);
        for k in 0..4 {
            cache.insert(k, k, cache.epoch());
        }
        assert_eq!(cache.len(), 1);
        assert_eq!(cache.get(&3), Some(3));
    }
}
