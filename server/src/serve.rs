//! Starting the server: open the database, prepare built-in data, listen.

use std::time::Duration;

use tokio::net::TcpListener;

use crate::config::Config;
use crate::db::Db;
use crate::state::AppState;

/// Opens the database (applying migrations) and makes sure the built-in roles and rights exist.
pub async fn open(config: &Config) -> anyhow::Result<Db> {
    let db = Db::connect(&config.database, config.db_pool)
        .await
        .map_err(|e| anyhow::anyhow!("{} database: {e}", config.database.backend_name()))?;
    crate::repo::rbac::ensure_builtins(&db, crate::time::now_ms()).await?;
    Ok(db)
}

/// The realtime layer `config` asks for: through Redis when `REDIS_URL` is set.
pub async fn realtime(config: &Config) -> anyhow::Result<crate::realtime::Realtime> {
    match &config.redis_url {
        Some(url) => crate::realtime::Realtime::with_redis(url, &config.redis_channel)
            .await
            .map_err(|e| {
                anyhow::anyhow!(
                    "redis at {}: {}",
                    crate::config::redact(url),
                    crate::config::redact(&e.to_string())
                )
            }),
        None => Ok(crate::realtime::Realtime::local()),
    }
}

/// The media store `config` asks for: an S3 bucket, or `<data dir>/media`.
pub fn media_store(config: &Config) -> anyhow::Result<crate::media::MediaStore> {
    crate::media::MediaStore::open(&config.media, &config.data_dir)
}

/// Serves `state` on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    spawn_housekeeping(&state);
    spawn_assistant_backfill(&state);
    let limits = state.config.connections;
    let webhooks = state.webhooks.clone();
    let app = crate::http::router::router(state);
    let served = crate::http::listener::serve(listener, app, limits, shutdown).await;
    // Another node takes over this one's webhooks at once.
    webhooks.stop().await;
    served
}

/// Gives the accounts made before every account got a chat with the assistant theirs.
fn spawn_assistant_backfill(state: &AppState) {
    let state = state.clone();
    tokio::spawn(async move {
        match crate::assistant::backfill(&state.db, &state.assistant).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(count = n, "assistant chats given to existing accounts"),
            Err(e) => tracing::warn!(error = %e, "assistant chats for existing accounts failed"),
        }
    });
}

/// Periodic clean-up: expired sessions, recovered rate-limit keys, expired cache entries,
/// webhook deliveries finished a week ago, media nothing has referred to for a day.
fn spawn_housekeeping(state: &AppState) {
    let state = state.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(300));
        loop {
            tick.tick().await;
            state.limits.shrink();
            let purged = state.hub.caches().purge_expired();
            if purged > 0 {
                tracing::debug!(count = purged, "expired cache entries dropped");
            }
            match crate::repo::sessions::delete_expired(&state.db, crate::time::now_ms()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(count = n, "expired sessions deleted"),
                Err(e) => tracing::warn!(error = %e, "expired session clean-up failed"),
            }
            match crate::webhooks::prune_log(&state.db, crate::time::now_ms()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(count = n, "old webhook deliveries removed from the log"),
                Err(e) => tracing::warn!(error = %e, "webhook log clean-up failed"),
            }
            match crate::media::collect_garbage(&state.db, &state.media).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(count = n, "unreferenced media removed"),
                Err(e) => tracing::warn!(error = %e, "media clean-up failed"),
            }
        }
    });
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
