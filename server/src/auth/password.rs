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

/// Runs `f` on the blocking pool once a hashing slot is free.
async fn limited<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
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
