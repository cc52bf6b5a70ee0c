//! The browser's round trip to an outside provider.
//!
//! - `GET /auth/<provider>/start?next=/path` begins a sign-in; `GET
//!   /auth/<provider>/start?mode=link` from one of Parley's own signed-in pages (a browser's
//!   `Sec-Fetch-Site` must say `same-origin`) begins linking the caller's account. Either
//!   stores the state's hash with
//!   the PKCE verifier and nonce, sets the state in a short-lived cookie bound to `/auth`, and
//!   redirects to the provider.
//! - `GET /auth/<provider>/callback?code&state` accepts only the state this browser was given
//!   (the cookie) and still stored (it is taken away, so a replay fails), exchanges the code,
//!   and signs in (session cookie, then `next`) or links. Failures redirect to the log-in page
//!   (or the Me page's sign-in methods) with `?auth_error=<code>`, which the page translates.

use axum::Extension;
use axum::extract::{Path, RawQuery, State};
use axum::http::header::{CACHE_CONTROL, LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use shared::AppError;
use shared::api::Caller;

use super::cookies::{read_cookie, session_cookie};
use super::errors::error_response;
use super::middleware::token;
use crate::api::Api;
use crate::auth::token as tokens;
use crate::repo::identities::{self, SignInState};
use crate::state::AppState;
use crate::time::now_ms;

/// The cookie holding the state of the sign-in under way.
const STATE_COOKIE: &str = "parley_sign_in";
/// How long a sign-in may take at the provider.
const STATE_TTL_MS: i64 = 10 * 60 * 1000;
/// Where linking returns to.
const LINK_PAGE: &str = "/me/sign-in";
/// Longest query string read.
const QUERY_MAX: usize = 8 * 1024;
/// Longest authorization code accepted.
const CODE_MAX: usize = 2048;

/// The query's value of `key`.
fn param(query: Option<&str>, key: &str) -> Option<String> {
    let query = query.filter(|q| q.len() <= QUERY_MAX)?;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// The state cookie, or its removal (`max_age` 0).
fn state_cookie(value: &str, max_age: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{STATE_COOKIE}={value}; Path=/auth; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

/// A `303 See Other` to `location`, never cached, setting `cookies`.
fn see_other(location: &str, cookies: &[String]) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    let headers = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(location) {
        headers.insert(LOCATION, v);
    }
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(c) {
            headers.append(SET_COOKIE, v);
        }
    }
    res
}

/// Back to `page` with the error's code for it to show.
fn failed(page: &str, error: &AppError, cookies: &[String]) -> Response {
    see_other(&format!("{page}?auth_error={}", error.code()), cookies)
}

/// `GET|POST /auth/<provider>/start`.
pub async fn start(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(provider): Path<String>,
    method: Method,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    if !state.sign_in.config.has(&provider) {
        return error_response(&AppError::NotFound);
    }
    let query = query.as_deref();
    let linking = param(query, "mode").as_deref() == Some("link");
    let back = if linking { LINK_PAGE } else { "/login" };
    let link_user = if linking {
        // Linking changes the account: only from this site's own pages (a browser says where
        // a navigation came from in `Sec-Fetch-Site`; a POST passed the cross-site guard),
        // with the browser's own log-in, never a token's.
        let from_cookie = token(&headers).is_some_and(|(_, cookie)| cookie);
        let same_site = method == Method::POST
            || headers
                .get("sec-fetch-site")
                .and_then(|v| v.to_str().ok())
                .is_none_or(|v| v == "same-origin" || v == "none");
        match &caller.auth {
            Some(auth) if same_site && from_cookie && auth.scopes.is_none() => Some(auth.user_id.0),
            Some(_) => return error_response(&AppError::Forbidden),
            None => return see_other("/login", &[]),
        }
    } else {
        None
    };
    if let Err(e) = state.limits.check_login_ip(caller.ip) {
        return failed(back, &e, &[]);
    }
    let next = match param(query, "next") {
        _ if linking => LINK_PAGE.to_owned(),
        Some(path) if shared::validate::is_return_path(&path) => path,
        _ => "/".to_owned(),
    };
    let (state_value, state_hash) = tokens::new_token();
    let redirect_uri = format!("{}/auth/{provider}/callback", caller.origin);
    let authorization = match state
        .sign_in
        .authorize(&provider, &state_value, &redirect_uri)
        .await
    {
        Ok(a) => a,
        Err(e) => {
            tracing::warn!(provider, error = %e, "sign-in could not start");
            return failed(back, &AppError::SignInFailed, &[]);
        }
    };
    let now = now_ms();
    let row = SignInState {
        state_hash,
        provider: provider.clone(),
        pkce_verifier: authorization.pkce_verifier,
        nonce: authorization.nonce,
        redirect_uri,
        next_path: next,
        link_user_id: link_user,
        expires_at: now + STATE_TTL_MS,
    };
    if let Err(e) = identities::put_state(&state.db, &row, now).await {
        return failed(back, &AppError::from(e), &[]);
    }
    let cookie = state_cookie(
        &state_value,
        STATE_TTL_MS / 1000,
        state.config.secure_cookies,
    );
    see_other(&authorization.url, &[cookie])
}

/// `GET /auth/<provider>/callback`.
pub async fn callback(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(provider): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    if !state.sign_in.config.has(&provider) {
        return error_response(&AppError::NotFound);
    }
    let secure = state.config.secure_cookies;
    let clear = state_cookie("", 0, secure);
    let query = query.as_deref();
    // Only the state this browser was given, and only once.
    let given = param(query, "state").unwrap_or_default();
    let kept = read_cookie(&headers, STATE_COOKIE).unwrap_or_default();
    if given.is_empty()
        || given.len() > 64
        || tokens::hash_token(&given) != tokens::hash_token(kept)
    {
        tracing::warn!(provider, "sign-in callback with a wrong or missing state");
        return failed("/login", &AppError::SignInExpired, &[clear]);
    }
    let taken = identities::take_state(&state.db, &tokens::hash_token(&given)).await;
    let row = match taken {
        Ok(Some(row)) if row.provider == provider && row.expires_at > now_ms() => row,
        Ok(_) => {
            tracing::warn!(provider, "sign-in callback with a used or expired state");
            return failed("/login", &AppError::SignInExpired, &[clear]);
        }
        Err(e) => return failed("/login", &AppError::from(e), &[clear]),
    };
    let back = if row.link_user_id.is_some() {
        LINK_PAGE
    } else {
        "/login"
    };
    let code = param(query, "code").unwrap_or_default();
    if code.is_empty() || code.len() > CODE_MAX {
        // The person declined at the provider (`error=access_denied`), or it sent nothing.
        return failed(back, &AppError::SignInFailed, &[clear]);
    }
    let profile = match state
        .sign_in
        .finish(
            &provider,
            &code,
            &row.pkce_verifier,
            &row.nonce,
            &row.redirect_uri,
        )
        .await
    {
        Ok(profile) => crate::api::sign_in::bounded(profile),
        Err(e) => {
            tracing::warn!(provider, error = %e, "sign-in refused");
            None
        }
    };
    let Some(profile) = profile else {
        return failed(back, &AppError::SignInFailed, &[clear]);
    };
    let api = Api {
        state: state.clone(),
    };
    if let Some(user) = row.link_user_id {
        return match api
            .do_link_identity(shared::ids::UserId(user), &provider, &profile)
            .await
        {
            Ok(()) => see_other(&format!("{LINK_PAGE}?linked={provider}"), &[clear]),
            Err(e) => failed(LINK_PAGE, &e, &[clear]),
        };
    }
    let user = match api.sign_in_with(&caller, &provider, &profile).await {
        Ok(user) => user,
        Err(e) => return failed("/login", &e, &[clear]),
    };
    match api.new_session(&caller, user).await {
        Ok(token) => {
            tracing::info!(user = %user, provider, "signed in with a provider");
            see_other(&row.next_path, &[clear, session_cookie(&token, secure)])
        }
        Err(e) => failed("/login", &e, &[clear]),
    }
}
