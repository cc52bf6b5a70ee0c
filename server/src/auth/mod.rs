//! Authentication: password hashing, session tokens and login rate limits.

pub mod limits;
pub mod password;
pub mod token;
