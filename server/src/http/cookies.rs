//! The session cookie: HttpOnly, SameSite=Lax, `Secure` when configured.

use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "parley_session";

/// The `Set-Cookie` value carrying a new session token.
pub fn session_cookie(token: &str, secure: bool) -> String {
    let max_age = crate::repo::sessions::TTL_MS / 1000;
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

/// The `Set-Cookie` value that deletes the session cookie.
pub fn cleared_session_cookie(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
}

/// The value of cookie `name` in the request headers.
pub fn read_cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Adds a `Set-Cookie` header to the response of the current server function.
pub fn set_cookie(value: &str) {
    if let (Some(res), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(value),
    ) {
        res.append_header(SET_COOKIE, value);
    } else {
        tracing::error!("cannot set a cookie outside a server function response");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_attributes() {
        let c = session_cookie("abc", false);
        assert!(c.starts_with("parley_session=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age="));
        assert!(!c.contains("Secure"));
        assert!(session_cookie("abc", true).ends_with("; Secure"));
        assert!(cleared_session_cookie(false).contains("Max-Age=0"));
    }

    #[test]
    fn reads_cookies() {
        let mut h = HeaderMap::new();
        h.insert(
            COOKIE,
            HeaderValue::from_static("a=1; parley_session=tok; b=2"),
        );
        assert_eq!(read_cookie(&h, SESSION_COOKIE), Some("tok"));
        assert_eq!(read_cookie(&h, "c"), None);
    }
}
