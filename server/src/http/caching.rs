//! How long browsers may keep what Parley serves, and where the content-hashed file names of a
//! build are found.
//!
//! `cargo leptos build` gives the bundles (`parley.<hash>.js`, `.wasm`, `.css`) names that
//! change with their content and writes the hashes to `hash.txt` in the site root; the pages
//! then ask for those names, and the files are served as immutable for a year. Pages and API
//! answers are never stored (they are one person's); the other public files (icons, the
//! manifest) are kept for an hour.

use std::path::{Path, PathBuf};

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

/// The name of the file in a site root listing the bundles' content hashes.
pub const HASH_FILE: &str = "hash.txt";

/// For content-hashed bundles: a year, never revalidated.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For pages and API answers: never stored anywhere.
const NO_STORE: &str = "no-store";
/// For bundles with plain names (a build without hashes): always revalidated.
const REVALIDATE: &str = "no-cache";
/// For the other public files (icons, the manifest, the favicon).
const ONE_HOUR: &str = "public, max-age=3600";

/// The absolute path of `site_root`'s hash file when the build wrote one (file hashing on);
/// `None` when the bundles have their plain names.
pub fn hash_file(site_root: &Path) -> Option<PathBuf> {
    let path = site_root.join(HASH_FILE);
    if !path.is_file() {
        return None;
    }
    // Leptos reads it relative to the binary's folder: an absolute path is taken as it is.
    std::path::absolute(&path).ok()
}

/// Whether `path` is one of the bundles' folders (every file in them is content-hashed when
/// the build hashes).
fn is_bundle(path: &str) -> bool {
    path.starts_with("/pkg/") || path.starts_with("/admin/pkg/")
}

/// The `Cache-Control` a response to `path` gets, when its handler set none.
fn policy(path: &str, status: StatusCode, content_type: &str, hashed: bool) -> &'static str {
    if !status.is_success() && status != StatusCode::NOT_MODIFIED {
        return NO_STORE;
    }
    if content_type.starts_with("text/html") || path.starts_with("/api/") {
        NO_STORE
    } else if is_bundle(path) {
        if hashed { IMMUTABLE } else { REVALIDATE }
    } else {
        ONE_HOUR
    }
}

/// Sets `Cache-Control` on every response that has none: see the module's documentation.
/// `hashed` says whether the bundles' names carry their content hash (the build hashed).
pub async fn cache_control(hashed: bool, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let mut res = next.run(req).await;
    if res.headers().contains_key(header::CACHE_CONTROL) {
        return res;
    }
    let content_type = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let value = policy(&path, res.status(), content_type, hashed);
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_bundles_are_immutable_and_pages_never_stored() {
        let ok = StatusCode::OK;
        assert_eq!(
            policy("/pkg/parley.abc.wasm", ok, "application/wasm", true),
            IMMUTABLE
        );
        assert_eq!(
            policy("/admin/pkg/parley.abc.js", ok, "text/javascript", true),
            IMMUTABLE
        );
        assert_eq!(
            policy("/pkg/parley.wasm", ok, "application/wasm", false),
            REVALIDATE
        );
        assert_eq!(policy("/", ok, "text/html; charset=utf-8", true), NO_STORE);
        assert_eq!(
            policy("/api/list_conversations", ok, "application/json", true),
            NO_STORE
        );
        assert_eq!(
            policy("/icons/icon-192.png", ok, "image/png", true),
            ONE_HOUR
        );
        assert_eq!(
            policy(
                "/pkg/parley.old.js",
                StatusCode::NOT_FOUND,
                "text/html",
                true
            ),
            NO_STORE
        );
    }
}
