//! Whether the two-node (Redis fan-out) integration tests run.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use crate::error::{Error, Result};

/// The variable the server's integration tests read to run the two-node tests.
pub const URL_VAR: &str = "PARLEY_TEST_REDIS_URL";
/// The local Redis used when it answers.
pub const LOCAL_URL: &str = "redis://127.0.0.1:6379";

/// The Redis URL for the tests: `PARLEY_TEST_REDIS_URL` when set, else the local Redis when it
/// answers `PING`; `None` when neither (an error when `ci`).
pub fn decide(from_env: Option<String>, ci: bool) -> Result<Option<String>> {
    if let Some(url) = from_env.filter(|u| !u.trim().is_empty()) {
        return Ok(Some(url));
    }
    if local_reachable() {
        return Ok(Some(LOCAL_URL.to_owned()));
    }
    if ci {
        return Err(Error::new(format!(
            "Redis is not reachable at 127.0.0.1:6379 and CI is set: the two-node tests must run \
             in CI (start it, or set {URL_VAR})"
        )));
    }
    Ok(None)
}

/// Whether the local Redis answers `PING` with `+PONG`.
fn local_reachable() -> bool {
    let addr = SocketAddr::from(([127, 0, 0, 1], 6379));
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_secs(2)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream.write_all(b"PING\r\n").is_err() {
        return false;
    }
    let mut reply = [0u8; 7];
    stream.read_exact(&mut reply).is_ok() && &reply == b"+PONG\r\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_explicit_url_wins() {
        assert_eq!(
            decide(Some("redis://example:1".into()), true).unwrap(),
            Some("redis://example:1".to_owned())
        );
    }
}
