//! argon2id password hashing with OWASP parameters, run off the async runtime.

use std::sync::LazyLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use shared::AppError;
use tokio::sync::Semaphore;

/// OWASP's recommended argon2id setting: 19 MiB of memory, 2 iterations, 1 lane.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A hash of a password nobody has, verified when a username does not exist so that a wrong
/// username takes as long to answer as a wrong password.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_blocking("parley-dummy-password-never-used").unwrap_or_default());

fn hash_blocking(password: &str) -> Result<String, AppError> {
    let mut salt = [0u8; 16];
    rand::fill(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|_| AppError::Internal)?;
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing failed");
            AppError::Internal
        })
}

fn verify_blocking(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            hasher()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// At most this many hashes run at once (each takes 19 MiB): a burst of log-ins queues instead
/// of exhausting memory.
static HASHING: Semaphore = Semaphore::const_new(4);
/// Hashes running or waiting for a slot. Past this, a request is shed with `503 unavailable`
/// at once instead of joining a queue that would keep every later log-in waiting.
const QUEUE: usize = 64;
/// The places in the queue.
static QUEUED: Semaphore = Semaphore::const_new(QUEUE);
/// What a shed request is told to wait.
const SHED_RETRY_SECS: u64 = 2;

/// Runs `f` on the blocking pool once a hashing slot is free; `unavailable` when the queue is
/// full.
async fn limited<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
    let _place = QUEUED.try_acquire().map_err(|_| {
        tracing::warn!("password hashing queue full; request shed");
        AppError::Unavailable {
            retry_after_secs: SHED_RETRY_SECS,
        }
    })?;
    let _slot = HASHING.acquire().await.map_err(|_| AppError::Internal)?;
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| AppError::Internal)
}

/// Hashes `password` (PHC string format) on the blocking pool.
pub async fn hash(password: String) -> Result<String, AppError> {
    limited(move || hash_blocking(&password)).await?
}

/// Checks `password` against `hash` on the blocking pool; with no hash (unknown user) it still
/// spends the same time and answers `false`.
pub async fn verify(password: String, hash: Option<String>) -> Result<bool, AppError> {
    limited(move || match hash {
        Some(hash) => verify_blocking(&password, &hash),
        None => {
            verify_blocking(&password, &DUMMY_HASH);
            false
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_flood_of_checks_is_shed_not_queued() {
        let hash = hash("correct horse".into()).await.unwrap();
        let checks: Vec<_> = (0..QUEUE * 3)
            .map(|_| tokio::spawn(verify("wrong horse".into(), Some(hash.clone()))))
            .collect();
        let mut shed = 0;
        let mut answered = 0;
        for check in checks {
            match check.await.unwrap() {
                Ok(ok) => {
                    assert!(!ok);
                    answered += 1;
                }
                Err(AppError::Unavailable { retry_after_secs }) => {
                    assert_eq!(retry_after_secs, SHED_RETRY_SECS);
                    shed += 1;
                }
                Err(e) => panic!("unexpected {e:?}"),
            }
        }
        assert!(shed >= QUEUE, "most of the flood was shed ({shed})");
        assert!((1..=QUEUE).contains(&answered), "{answered} answered");
        // The queue drains: the next check is answered.
        assert!(verify("correct horse".into(), Some(hash)).await.unwrap());
    }

    #[tokio::test]
    async fn hashes_verify_and_differ() {
        let a = hash("correct horse".into()).await.unwrap();
        let b = hash("correct horse".into()).await.unwrap();
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert_ne!(a, b, "salted");
        assert!(
            verify("correct horse".into(), Some(a.clone()))
                .await
                .unwrap()
        );
        assert!(!verify("wrong horse".into(), Some(a)).await.unwrap());
        assert!(!verify("x".into(), None).await.unwrap());
    }
}
