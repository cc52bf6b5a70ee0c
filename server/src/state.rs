//! The state every request handler shares.

use std::ops::Deref;
use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::auth::limits::Limits;
use crate::config::Config;
use crate::db::Db;

/// Shared server state: one reference-counted allocation, cloned for every request by each
/// layer and handler that takes it (one counter update per clone, not one per part). Its
/// parts are reached through [`Deref`]: `state.db`, `state.hub`, ….
#[derive(Clone)]
pub struct AppState(Arc<Parts>);

/// What [`AppState`] holds.
pub struct Parts {
    /// The database pool.
    pub db: Db,
    /// The configuration.
    pub config: Arc<Config>,
    /// Login and sign-up limiters.
    pub limits: Arc<Limits>,
    /// Live WebSocket connections, and their link to the other nodes.
    pub hub: Arc<crate::realtime::Realtime>,
    /// Uploads: receiving, processing, storing and serving them.
    pub media: crate::media::Media,
    /// Throttles for typing notices and read-receipt hints.
    pub hints: Arc<crate::realtime::hints::Hints>,
    /// Stores sent messages with group commit.
    pub writer: crate::repo::message_batch::MessageWriter,
    /// The outgoing webhook worker.
    pub webhooks: Arc<crate::webhooks::Webhooks>,
    /// The assistant bot.
    pub assistant: Arc<crate::assistant::Assistant>,
    /// The outside providers people sign in with.
    pub sign_in: Arc<crate::sign_in::SignIn>,
    /// Leptos options of the client app (site root `target/site`, pkg `/pkg`); shared, as
    /// leptos_axum takes its own copy.
    pub client_options: Arc<LeptosOptions>,
    /// Leptos options of the admin app (its own site root, pkg `/admin/pkg`).
    pub admin_options: Arc<LeptosOptions>,
}

impl Deref for AppState {
    type Target = Parts;

    fn deref(&self) -> &Parts {
        &self.0
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        LeptosOptions::clone(&state.client_options)
    }
}

impl AppState {
    /// Builds the state for `config` on an open database and a realtime layer, and starts the
    /// message writer (call from within the Tokio runtime). Uploads are kept in `store`.
    pub fn new(
        config: Config,
        db: Db,
        realtime: crate::realtime::Realtime,
        store: crate::media::MediaStore,
    ) -> Self {
        let reload_port = std::env::var("LEPTOS_RELOAD_PORT")
            .ok()
            .and_then(|p| p.parse().ok())
            .unwrap_or(3001);
        let options = |root: &std::path::Path, pkg: &str| {
            let hashes = crate::http::caching::hash_file(root);
            LeptosOptions::builder()
                .output_name("parley")
                .site_root(root.to_string_lossy().into_owned())
                .site_pkg_dir(pkg)
                .site_addr(config.addr)
                .reload_port(reload_port)
                .hash_files(hashes.is_some())
                .hash_file(
                    hashes
                        .map(|p| p.to_string_lossy().into_owned())
                        .unwrap_or_else(|| crate::http::caching::HASH_FILE.to_owned())
                        .into(),
                )
                .build()
        };
        let client_options = options(&config.site_root, "pkg");
        let admin_options = options(&config.admin_site_root, "admin/pkg");
        let hub = Arc::new(realtime);
        crate::search::spawn_indexer(db.clone());
        let webhooks = crate::webhooks::spawn(db.clone(), config.webhook_allow_private);
        Self(Arc::new(Parts {
            webhooks,
            assistant: Arc::new(crate::assistant::Assistant::new(&config.assistant)),
            sign_in: Arc::new(crate::sign_in::SignIn::new(
                &config.sign_in,
                config.webhook_allow_private,
            )),
            writer: crate::repo::message_batch::MessageWriter::start(db.clone(), hub.clone()),
            db,
            hints: Arc::default(),
            limits: Arc::new(Limits::new(config.limits)),
            media: crate::media::Media::new(store, &config.media, config.connections.read_timeout),
            hub,
            config: Arc::new(config),
            client_options: Arc::new(client_options),
            admin_options: Arc::new(admin_options),
        }))
    }
}
