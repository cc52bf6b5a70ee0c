//! The contract between Parley's server and its two front ends.
//!
//! Everything that crosses the wire is declared here once: typed ids, the models returned by the
//! API, the error codes, input validation, the UI text catalogue and the server functions
//! themselves (`api`). The crate compiles both to wasm32 (for the apps) and natively (for the
//! server, with feature `ssr`, which also declares the ports the server implements).

pub mod api;
pub mod build;
pub mod error;
pub mod event;
pub mod i18n;
pub mod ids;
pub mod model;
pub mod rights;
pub mod state;
pub mod ui;
mod ui_time;

pub use ui_time::LocalTime;
pub mod validate;
pub mod when;

pub use error::AppError;
