//! `GET /sw.js`: the client app's service worker, filled in with the build the server serves.
//!
//! The script itself (`service_worker.js`) keeps the build's bundles and a copy of the chat
//! list for offline use; see its header. Its caches are named after the build, read from the
//! site root's hash file on every request like the pages do, so a new build deployed beside a
//! running server is a new worker: browsers install it at their next check, it replaces the
//! old one at once, and open pages offer to reload.

use std::path::Path;
use std::sync::LazyLock;

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use shared::build::Build;
use tokio::io::AsyncReadExt;

use super::caching::HASH_FILE;
use crate::state::AppState;

/// The script, with `__PARLEY_BUILD__` and `__PARLEY_ASSETS__` to fill in.
const TEMPLATE: &str = include_str!("service_worker.js");

/// The public files every build keeps, when the site root has them.
const PUBLIC_FILES: [&str; 5] = [
    "/manifest.webmanifest",
    "/favicon.svg",
    "/icons/icon-192.png",
    "/icons/icon-512.png",
    "/icons/icon-maskable-512.png",
];

/// The most of the hash file read (it holds three short lines).
const HASH_FILE_MAX: u64 = 4096;

/// The worker's own policy: it fetches from Parley's origin only.
const WORKER_POLICY: &str = "default-src 'self'";

/// A build without hashed names is named after the server's version and start, so every
/// restart of a development server is a new worker.
static UNHASHED_BUILD: LazyLock<String> = LazyLock::new(|| {
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    format!("dev-{}-{started}", env!("CARGO_PKG_VERSION"))
});

/// Reads the build named by `site_root`'s hash file (`None` without one).
pub async fn read_build(site_root: &Path) -> Option<Build> {
    let file = tokio::fs::File::open(site_root.join(HASH_FILE))
        .await
        .ok()?;
    let mut text = String::new();
    file.take(HASH_FILE_MAX)
        .read_to_string(&mut text)
        .await
        .ok()?;
    Build::parse(&text)
}

/// The worker's build name and the files it caches when it installs.
pub fn manifest(build: Option<&Build>, site_root: &Path) -> (String, Vec<String>) {
    let (version, mut assets) = match build {
        Some(build) => (
            build.version(),
            build.bundles("/pkg", "parley").into_iter().collect(),
        ),
        None => (
            UNHASHED_BUILD.clone(),
            ["js", "wasm", "css"]
                .map(|ext| format!("/pkg/parley.{ext}"))
                .into_iter()
                .collect::<Vec<_>>(),
        ),
    };
    assets.extend(
        PUBLIC_FILES
            .iter()
            .filter(|path| site_root.join(path.trim_start_matches('/')).is_file())
            .map(|path| (*path).to_owned()),
    );
    (version, assets)
}

/// The script for `version` caching `assets` on install.
pub fn script(version: &str, assets: &[String]) -> String {
    let assets = serde_json::to_string(assets).unwrap_or_else(|_| "[]".to_owned());
    let version = serde_json::to_string(version).unwrap_or_else(|_| "\"\"".to_owned());
    TEMPLATE
        .replace("\"__PARLEY_BUILD__\"", &version)
        .replace("__PARLEY_ASSETS__", &assets)
}

/// `GET /sw.js`.
pub async fn handler(State(state): State<AppState>) -> Response {
    let root = &state.config.site_root;
    let build = read_build(root).await;
    let (version, assets) = manifest(build.as_ref(), root);
    let mut res = script(&version, &assets).into_response();
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        // Not `text/javascript`, which the router leaves uncompressed (the bundles come
        // compressed already): the worker is compressed on the way like a page.
        HeaderValue::from_static("application/javascript; charset=utf-8"),
    );
    // Browsers check for a new worker at every visit; it must never come from a cache.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(WORKER_POLICY),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_names_its_caches_after_the_build() {
        let build = Build::parse("js: aaa\nwasm: bbb\ncss: ccc").expect("hashes");
        let (version, assets) = manifest(Some(&build), Path::new("/nonexistent"));
        assert_eq!(version, "aaa.bbb.ccc");
        assert_eq!(
            assets,
            [
                "/pkg/parley.aaa.js",
                "/pkg/parley.bbb.wasm",
                "/pkg/parley.ccc.css"
            ]
        );
        let js = script(&version, &assets);
        assert!(js.contains(r#"const BUILD = "aaa.bbb.ccc";"#));
        assert!(js.contains(r#"const ASSETS = ["/pkg/parley.aaa.js","#));
        assert!(!js.contains("__PARLEY_"));
    }

    #[test]
    fn an_unhashed_build_is_named_after_this_server() {
        let (version, assets) = manifest(None, Path::new("/nonexistent"));
        assert!(version.starts_with("dev-"));
        assert_eq!(assets[1], "/pkg/parley.wasm");
    }
}
