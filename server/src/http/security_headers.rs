//! Security headers on every response, and the Content Security Policy of the two apps.
//!
//! Each page gets a fresh nonce: the server-rendered hydration and resource scripts carry it
//! (Leptos reads it from the context, see [`provide_page_nonce`]) and the policy allows
//! scripts from Parley's own origin and with that nonce only. WebAssembly compiles under
//! `'wasm-unsafe-eval'`; `eval` stays forbidden. No page may be framed.

use std::sync::Arc;

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// A page's CSP nonce, in the request's extensions while it renders.
#[derive(Debug, Clone)]
pub struct CspNonce(pub Arc<str>);

/// The policy of everything that is not a page (API answers, files): nothing may load, run
/// or frame it.
const NON_PAGE_POLICY: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// The policy of a page whose inline scripts carry `nonce`.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; \
         connect-src 'self'{dev}; font-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'",
        // `cargo leptos watch` reloads the page over its own WebSocket port.
        dev = if std::env::var_os("LEPTOS_WATCH").is_some() {
            " ws:"
        } else {
            ""
        }
    )
}

fn new_nonce() -> Arc<str> {
    let mut bytes = [0u8; 16];
    rand::fill(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes).into()
}

/// Whether a request may render a page (and so needs a nonce).
fn may_render(path: &str) -> bool {
    !(path.starts_with("/api/")
        || path.starts_with("/media/")
        || path.starts_with("/pkg/")
        || path.starts_with("/admin/pkg/")
        || path == "/ws"
        || path == "/sw.js"
        || path == "/healthz"
        || path == "/readyz")
}

/// Gives a page request its nonce and every response its security headers.
pub async fn security_headers(mut req: Request, next: Next) -> Response {
    let nonce = may_render(req.uri().path()).then(new_nonce);
    if let Some(nonce) = &nonce {
        req.extensions_mut().insert(CspNonce(nonce.clone()));
    }
    let mut res = next.run(req).await;
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let headers = res.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        let policy = match (&nonce, is_html) {
            (Some(nonce), true) => HeaderValue::from_str(&page_policy(nonce)).ok(),
            _ => Some(HeaderValue::from_static(NON_PAGE_POLICY)),
        };
        if let Some(policy) = policy {
            headers.insert(header::CONTENT_SECURITY_POLICY, policy);
        }
    }
    res
}

/// Hands the page's nonce to Leptos, which puts it on every inline script it renders. Call
/// from the context closure of the page handlers.
pub fn provide_page_nonce() {
    let nonce = leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CspNonce>().cloned());
    if let Some(CspNonce(nonce)) = nonce {
        leptos::prelude::provide_context(leptos::nonce::Nonce::from_value(nonce));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_policy_allows_the_nonce_and_wasm_but_no_eval() {
        let policy = page_policy("abc");
        assert!(policy.contains("'nonce-abc'"));
        assert!(policy.contains("'wasm-unsafe-eval'"));
        assert!(!policy.contains("'unsafe-eval'"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(!policy.contains("script-src 'self' 'unsafe-inline'"));
    }

    #[test]
    fn nonces_are_fresh_and_url_safe() {
        let (a, b) = (new_nonce(), new_nonce());
        assert_ne!(a, b);
        assert_eq!(a.len(), 22);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
    }
}
