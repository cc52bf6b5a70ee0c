//! The data the API returns. Times are Unix epoch milliseconds (UTC).

mod account;
mod admin;
mod admin_content;
mod assistant;
mod bot;
mod contact;
mod group;
mod identity;
mod invite;
mod link;
mod media;
mod message;
mod report;
mod token;

pub use account::*;
pub use admin::*;
pub use admin_content::*;
pub use assistant::*;
pub use bot::*;
pub use contact::*;
pub use group::*;
pub use identity::*;
pub use invite::*;
pub use link::*;
pub use media::*;
pub use message::*;
pub use report::*;
pub use token::*;
