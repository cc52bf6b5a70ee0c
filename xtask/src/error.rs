//! The error every task returns: one sentence for the person at the terminal.

use std::fmt;

/// Why a task failed, worded for the person who ran it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(String);

impl Error {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }

    /// An I/O failure while doing `what` (e.g. "creating target/e2e").
    pub fn io(what: impl fmt::Display, source: &std::io::Error) -> Self {
        Self(format!("{what}: {source}"))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// The result type of the tasks.
pub type Result<T, E = Error> = std::result::Result<T, E>;
