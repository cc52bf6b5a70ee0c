//! The HTTP layer: the router, middleware (CSRF guard, caller resolution, error statuses),
//! cookies and health endpoints.

pub mod body_limit;
pub mod caching;
pub mod cookies;
pub mod errors;
pub mod health;
pub mod hooks;
pub mod listener;
pub mod middleware;
pub mod router;
pub mod security_headers;
pub mod service_worker;
pub mod sign_in;
