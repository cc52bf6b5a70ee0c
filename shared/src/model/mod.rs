//! The data the API returns. Times are Unix epoch milliseconds (UTC).

mod account;
mod contact;
mod group;
mod media;
mod message;

pub use account::*;
pub use contact::*;
pub use group::*;
pub use media::*;
pub use message::*;
