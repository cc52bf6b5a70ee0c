//! Whether the integration tests also run on PostgreSQL.

use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::error::{Error, Result};

/// The variable the server's integration tests read to also run on PostgreSQL.
pub const URL_VAR: &str = "PARLEY_TEST_POSTGRES_URL";
/// The local PostgreSQL used when it answers (trust authentication, user `postgres`).
pub const LOCAL_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";
const LOCAL_ADDR: ([u8; 4], u16) = ([127, 0, 0, 1], 5432);

/// Which databases the integration tests run on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// SQLite and the PostgreSQL at this URL.
    Both(String),
    /// SQLite only: no PostgreSQL answered.
    SqliteOnly,
}

impl Plan {
    /// Decides from `PARLEY_TEST_POSTGRES_URL` (used as given when set), whether the local
    /// PostgreSQL answers, and whether this is CI (where a missing PostgreSQL is an error).
    pub fn decide(
        from_env: Option<String>,
        local_reachable: impl FnOnce() -> bool,
        ci: bool,
    ) -> Result<Self> {
        if let Some(url) = from_env.filter(|url| !url.trim().is_empty()) {
            return Ok(Self::Both(url));
        }
        if local_reachable() {
            return Ok(Self::Both(LOCAL_URL.to_owned()));
        }
        if ci {
            return Err(Error::new(format!(
                "PostgreSQL is not reachable at 127.0.0.1:5432 and CI is set: the integration \
                 tests must run on PostgreSQL in CI (start it, or set {URL_VAR})"
            )));
        }
        Ok(Self::SqliteOnly)
    }

    /// The line that tells the reader which databases are tested.
    pub fn describe(&self) -> &'static str {
        match self {
            Self::Both(_) => "PostgreSQL: running integration tests on SQLite and PostgreSQL",
            Self::SqliteOnly => "PostgreSQL not reachable: SKIPPING the PostgreSQL run",
        }
    }
}

/// Whether the local PostgreSQL accepts connections (`pg_isready`, or a TCP connect when
/// `pg_isready` is not installed).
pub fn local_reachable() -> bool {
    let status = Command::new("pg_isready")
        .args(["-h", "127.0.0.1", "-p", "5432", "-q"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    match status {
        Ok(status) => status.success(),
        Err(_) => TcpStream::connect_timeout(&SocketAddr::from(LOCAL_ADDR), Duration::from_secs(2))
            .is_ok(),
    }
}

/// Whether the environment says this is a CI run (`CI` set to anything but empty, `0` or `false`).
pub fn is_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| !matches!(value.trim(), "" | "0" | "false"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_from_the_environment_wins() {
        let plan = Plan::decide(Some("postgres://x@h/db".into()), || false, true);
        assert_eq!(plan, Ok(Plan::Both("postgres://x@h/db".into())));
    }

    #[test]
    fn the_local_server_is_used_when_it_answers() {
        assert_eq!(
            Plan::decide(None, || true, false),
            Ok(Plan::Both(LOCAL_URL.into()))
        );
        assert_eq!(
            Plan::decide(Some(" ".into()), || true, true),
            Ok(Plan::Both(LOCAL_URL.into()))
        );
    }

    #[test]
    fn missing_postgres_is_skipped_locally_and_fatal_in_ci() {
        assert_eq!(Plan::decide(None, || false, false), Ok(Plan::SqliteOnly));
        assert!(Plan::decide(None, || false, true).is_err());
    }
}
