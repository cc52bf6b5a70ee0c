//! Parley's server: an axum application serving the client app at `/`, the admin console at
//! `/admin`, every API server function under `/api/`, over SQLite or PostgreSQL.

pub mod api;
pub mod assistant;
pub mod auth;
pub mod bench_fixture;
pub mod cache;
pub mod config;
pub mod db;
pub mod http;
pub mod media;
pub mod realtime;
pub mod repo;
pub mod search;
pub mod seed;
pub mod serve;
pub mod sign_in;
pub mod sort_key;
pub mod state;
pub mod time;
pub mod webhooks;
