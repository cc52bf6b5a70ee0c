//! Request middleware: the cross-site guard and the resolution of the [`Caller`].

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use shared::AppError;
use shared::api::Caller;

use super::cookies::{SESSION_COOKIE, read_cookie, session_cookie};
use super::errors::error_response;
use crate::state::AppState;

/// Longest User-Agent kept for the session list.
const USER_AGENT_MAX: usize = 200;

/// Whether a request's `Sec-Fetch-Site` / `Origin` headers say it comes from another site.
/// Requests with neither header (curl, bots, old browsers on same-origin GETs) are not
/// cross-site: a browser always sends `Origin` on a cross-origin POST.
pub fn is_cross_site(headers: &HeaderMap, public_origin: Option<&str>) -> bool {
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some("cross-site") => return true,
        Some("same-origin") | Some("none") => return false,
        _ => {}
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    if public_origin.is_some_and(|p| p == origin) {
        return false;
    }
    let origin_host = origin.split_once("://").map(|(_, h)| h);
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    origin_host.is_none() || origin_host != host
}

/// Refuses state-changing requests (anything but GET, HEAD, OPTIONS) that come from another
/// site, with `403 {"code":"cross_site"}`. A request with `Authorization: Bearer` (a bot or a
/// program) is not checked: a browser never adds that header by itself, and another site's
/// script cannot add it without a CORS preflight Parley does not grant. Nor is a post to an
/// incoming webhook's secret URL.
pub async fn csrf_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let bearer = token(req.headers()).is_some_and(|(_, from_cookie)| !from_cookie);
    // An incoming webhook is authorized by its secret URL, never by a cookie.
    let hook = req.uri().path().starts_with("/hooks/");
    if !safe
        && !bearer
        && !hook
        && is_cross_site(req.headers(), state.config.public_origin.as_deref())
    {
        tracing::warn!(path = %req.uri().path(), "cross-site request refused");
        return error_response(&AppError::CrossSite);
    }
    next.run(req).await
}

/// Paths that never need to know the caller (static files, probes).
fn is_static(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path.starts_with("/admin/pkg/")
        || path == "/healthz"
        || path == "/readyz"
        || path == "/favicon.ico"
}

/// Where the request reached Parley: the configured public origin, else `http(s)://<Host>`
/// (`https` when cookies are secure). A `Host` that is not a plain host name (or address) and
/// port gives `localhost`.
pub fn origin_of(headers: &HeaderMap, public_origin: Option<&str>, secure: bool) -> String {
    if let Some(origin) = public_origin {
        return origin.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
        })
        .unwrap_or("localhost");
    let scheme = if secure { "https" } else { "http" };
    format!("{scheme}://{host}")
}

/// The address a reverse proxy appended last to `X-Forwarded-For` (the one it saw connect).
pub fn forwarded_for(headers: &HeaderMap) -> Option<IpAddr> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|part| part.trim().parse::<IpAddr>().ok())
        .next_back()
}

/// The session token of a request, and whether it came in the cookie (rather than as
/// `Authorization: Bearer …`, which wins when both are present).
pub fn token(headers: &HeaderMap) -> Option<(String, bool)> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| (t.trim().to_owned(), false));
    bearer
        .or_else(|| read_cookie(headers, SESSION_COOKIE).map(|t| (t.to_owned(), true)))
        .filter(|(t, _)| !t.is_empty())
}

/// Resolves who is calling from the session token and stores the [`Caller`] in the request's
/// extensions, where every server function finds it.
pub async fn resolve_caller(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    if is_static(path) {
        return next.run(req).await;
    }
    let is_api = path.starts_with("/api/");
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    let forwarded = state
        .config
        .trust_forwarded_for
        .then(|| forwarded_for(req.headers()))
        .flatten();
    let ip = forwarded.or(peer);
    let user_agent: String = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .chars()
        .take(USER_AGENT_MAX)
        .collect();
    let mut refresh_cookie = None;
    let auth = match token(req.headers()) {
        Some((token, from_cookie)) => {
            match crate::api::accounts::authenticate(&state, &token).await {
                Ok(Some((auth, touched))) => {
                    if is_api
                        && let Err(e) = state
                            .limits
                            .check_user(auth.user_id, crate::auth::limits::Action::Call)
                    {
                        return error_response(&e);
                    }
                    // A personal token reaches only the functions its scopes allow.
                    if let (Some(scopes), Some(endpoint)) =
                        (&auth.scopes, path.strip_prefix("/api/"))
                        && !shared::model::scopes_allow(scopes, endpoint)
                    {
                        return error_response(&AppError::Forbidden);
                    }
                    if touched && from_cookie {
                        refresh_cookie = Some(token);
                    }
                    Some(auth)
                }
                Ok(None) => None,
                Err(e) if is_api => return error_response(&AppError::from(e)),
                Err(e) => {
                    tracing::error!(error = %e, "session lookup failed; rendering as anonymous");
                    None
                }
            }
        }
        None => None,
    };
    let origin = origin_of(
        req.headers(),
        state.config.public_origin.as_deref(),
        state.config.secure_cookies,
    );
    req.extensions_mut().insert(Caller {
        auth,
        ip,
        user_agent,
        origin,
    });
    let mut res = next.run(req).await;
    // The session's expiry slid forward: so does the cookie's, unless the response itself
    // sets or clears the session cookie (log-in, log-out).
    if let Some(token) = refresh_cookie {
        let sets_session = res
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .any(|v| v.as_bytes().starts_with(SESSION_COOKIE.as_bytes()));
        if !sets_session
            && let Ok(v) =
                HeaderValue::from_str(&session_cookie(&token, state.config.secure_cookies))
        {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn forwarded_for_takes_the_last_address() {
        let h = headers(&[("x-forwarded-for", "203.0.113.9, 10.0.0.2")]);
        assert_eq!(forwarded_for(&h), Some(IpAddr::from([10, 0, 0, 2])));
        assert_eq!(
            forwarded_for(&headers(&[("x-forwarded-for", "junk")])),
            None
        );
        assert_eq!(forwarded_for(&headers(&[])), None);
    }

    #[test]
    fn origin_comes_from_the_configuration_else_a_clean_host() {
        let h = headers(&[("host", "chat.example.com:8443")]);
        assert_eq!(origin_of(&h, None, true), "https://chat.example.com:8443");
        assert_eq!(origin_of(&h, None, false), "http://chat.example.com:8443");
        assert_eq!(
            origin_of(&h, Some("https://parley.example/"), false),
            "https://parley.example"
        );
        let hostile = headers(&[("host", "a.example/\"><script>")]);
        assert_eq!(origin_of(&hostile, None, false), "http://localhost");
        assert_eq!(origin_of(&headers(&[]), None, false), "http://localhost");
    }

    #[test]
    fn cross_site_detection() {
        assert!(!is_cross_site(&headers(&[]), None));
        assert!(is_cross_site(
            &headers(&[("sec-fetch-site", "cross-site")]),
            None
        ));
        assert!(!is_cross_site(
            &headers(&[("sec-fetch-site", "same-origin")]),
            None
        ));
        assert!(!is_cross_site(
            &headers(&[
                ("origin", "http://localhost:3000"),
                ("host", "localhost:3000")
            ]),
            None
        ));
        assert!(is_cross_site(
            &headers(&[
                ("origin", "http://evil.example"),
                ("host", "localhost:3000")
            ]),
            None
        ));
        assert!(is_cross_site(
            &headers(&[("origin", "null"), ("host", "a")]),
            None
        ));
        assert!(!is_cross_site(
            &headers(&[
                ("origin", "https://chat.example.com"),
                ("host", "internal:3000")
            ]),
            Some("https://chat.example.com")
        ));
    }
}
