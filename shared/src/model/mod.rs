//! The data the API returns. Times are Unix epoch milliseconds (UTC).

mod account;
mod admin;
mod contact;
mod group;
mod link;
mod media;
mod message;

pub use account::*;
pub use admin::*;
pub use contact::*;
pub use group::*;
pub use link::*;
pub use media::*;
pub use message::*;
