//! The state every request handler shares.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::auth::limits::Limits;
use crate::config::Config;
use crate::db::Db;

/// Shared server state (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    /// The database pool.
    pub db: Db,
    /// The configuration.
    pub config: Arc<Config>,
    /// Login and sign-up limiters.
    pub limits: Arc<Limits>,
    /// Live WebSocket connections, and their link to the other nodes.
    pub hub: Arc<crate::realtime::Realtime>,
    /// Stores sent messages with group commit.
    pub writer: crate::repo::message_batch::MessageWriter,
    /// Leptos options of the client app (site root `target/site`, pkg `/pkg`); shared, as the
    /// state is cloned for every request.
    pub client_options: Arc<LeptosOptions>,
    /// Leptos options of the admin app (its own site root, pkg `/admin/pkg`).
    pub admin_options: Arc<LeptosOptions>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        LeptosOptions::clone(&state.client_options)
    }
}

impl AppState {
    /// Builds the state for `config` on an open database and a realtime layer, and starts the
    /// message writer (call from within the Tokio runtime).
    pub fn new(config: Config, db: Db, realtime: crate::realtime::Realtime) -> Self {
        let reload_port = std::env::var("LEPTOS_RELOAD_PORT")
            .ok()
            .and_then(|p| p.parse().ok())
            .unwrap_or(3001);
        let options = |root: &std::path::Path, pkg: &str| {
            LeptosOptions::builder()
                .output_name("parley")
                .site_root(root.to_string_lossy().into_owned())
                .site_pkg_dir(pkg)
                .site_addr(config.addr)
                .reload_port(reload_port)
                .build()
        };
        let client_options = options(&config.site_root, "pkg");
        let admin_options = options(&config.admin_site_root, "admin/pkg");
        Self {
            writer: crate::repo::message_batch::MessageWriter::start(db.clone()),
            db,
            limits: Arc::new(Limits::new(config.limits)),
            hub: Arc::new(realtime),
            config: Arc::new(config),
            client_options: Arc::new(client_options),
            admin_options: Arc::new(admin_options),
        }
    }
}
