//! Realtime delivery: the hub of live connections and the `/ws` endpoint.

pub mod broker;
pub mod hints;
pub mod hub;
pub mod presence;
pub mod socket;

pub use broker::Realtime;
pub use hub::Hub;
