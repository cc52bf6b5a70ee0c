//! The API: every server function Parley exposes, grouped by area.
//!
//! Each function is served at `POST /api/<name>` and takes a flat JSON object of its named
//! arguments; errors are [`crate::AppError`] with an HTTP status ≥ 400. Under feature `ssr` each
//! area also declares the port (trait) the server implements; the function bodies only fetch the
//! port and the [`Caller`] from the request context and delegate.

// `#[server]` generates one argument struct per function whose fields mirror the function's
// documented parameters; those generated fields carry no doc comments of their own.
#[allow(missing_docs)]
pub mod accounts;
#[allow(missing_docs, clippy::too_many_arguments)]
pub mod admin;
#[allow(missing_docs)]
pub mod admin_content;
#[allow(missing_docs)]
pub mod assistant;
#[allow(missing_docs)]
pub mod bots;
pub mod codec;
#[allow(missing_docs)]
pub mod contacts;
#[allow(missing_docs)]
pub mod groups;
#[allow(missing_docs)]
pub mod invites;
#[allow(missing_docs)]
pub mod links;
#[allow(missing_docs)]
pub mod media;
#[allow(missing_docs)]
pub mod messages;
#[allow(missing_docs)]
pub mod reports;

#[cfg(feature = "ssr")]
mod context;
#[cfg(feature = "ssr")]
pub use context::{Auth, Caller, Ports, request};
