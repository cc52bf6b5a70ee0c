//! Accounts: sign up, log in and out, the current user, profile, password and sessions.

use leptos::prelude::*;

use super::codec::Json;

use crate::error::AppError;
use crate::ids::SessionId;
use crate::model::{
    Me, PersonalToken, PersonalTokenWithSecret, PresenceVisibility, SessionInfo, SignInMethods,
    SiteInfo, TokenScope,
};

#[cfg(feature = "ssr")]
use super::Caller;

/// The server's implementation of the accounts area.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait AccountsApi: Send + Sync {
    /// See [`sign_up`].
    async fn sign_up(
        &self,
        caller: &Caller,
        username: String,
        password: String,
        nickname: Option<String>,
        invite_code: Option<String>,
    ) -> Result<Me, AppError>;
    /// See [`log_in`].
    async fn log_in(
        &self,
        caller: &Caller,
        username: String,
        password: String,
    ) -> Result<Me, AppError>;
    /// See [`log_out`].
    async fn log_out(&self, caller: &Caller) -> Result<(), AppError>;
    /// See [`get_site_info`].
    async fn site_info(&self) -> Result<SiteInfo, AppError>;
    /// See [`current_user`].
    async fn current_user(&self, caller: &Caller) -> Result<Option<Me>, AppError>;
    /// See [`update_profile`].
    async fn update_profile(
        &self,
        caller: &Caller,
        nickname: String,
        signature: String,
    ) -> Result<Me, AppError>;
    /// See [`set_presence_visibility`].
    async fn set_presence_visibility(
        &self,
        caller: &Caller,
        visibility: PresenceVisibility,
    ) -> Result<Me, AppError>;
    /// See [`change_password`].
    async fn change_password(
        &self,
        caller: &Caller,
        current_password: String,
        new_password: String,
    ) -> Result<(), AppError>;
    /// See [`list_sessions`].
    async fn list_sessions(&self, caller: &Caller) -> Result<Vec<SessionInfo>, AppError>;
    /// See [`revoke_session`].
    async fn revoke_session(&self, caller: &Caller, session_id: SessionId) -> Result<(), AppError>;
    /// See [`create_personal_token`].
    async fn create_personal_token(
        &self,
        caller: &Caller,
        name: String,
        scopes: Vec<TokenScope>,
        expires_in_days: Option<u32>,
    ) -> Result<PersonalTokenWithSecret, AppError>;
    /// See [`list_personal_tokens`].
    async fn list_personal_tokens(&self, caller: &Caller) -> Result<Vec<PersonalToken>, AppError>;
    /// See [`revoke_personal_token`].
    async fn revoke_personal_token(
        &self,
        caller: &Caller,
        token_id: SessionId,
    ) -> Result<(), AppError>;
    /// See [`list_sign_in_methods`].
    async fn list_sign_in_methods(&self, caller: &Caller) -> Result<SignInMethods, AppError>;
    /// See [`unlink_sign_in`].
    async fn unlink_sign_in(
        &self,
        caller: &Caller,
        provider: String,
    ) -> Result<SignInMethods, AppError>;
}

/// Creates an account with the `user` role and logs it in on this device (sets the session
/// cookie). `nickname` may be omitted, `null` or blank: the username is the display name until
/// the user changes it. While registration is `invite`, `invite_code` must be a valid invite
/// code (it is ignored otherwise), and the account uses it up by one. Errors: `validation`
/// (username, password or nickname), `username_taken`, `registration_closed`,
/// `invite_required` (no code given), `invite_invalid` (unknown, expired, used up or revoked),
/// `rate_limited`.
#[server(endpoint = "sign_up", input = Json, output = Json)]
pub async fn sign_up(
    username: String,
    password: String,
    #[server(default)] nickname: Option<String>,
    #[server(default)] invite_code: Option<String>,
) -> Result<Me, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .accounts
        .sign_up(&caller, username, password, nickname, invite_code)
        .await
}

/// Logs in on this device: a new session, its cookie set. Errors: `invalid_credentials`,
/// `account_disabled` (no `login` right), `rate_limited`.
#[server(endpoint = "log_in", input = Json, output = Json)]
pub async fn log_in(username: String, password: String) -> Result<Me, AppError> {
    let (ports, caller) = super::request()?;
    ports.accounts.log_in(&caller, username, password).await
}

/// Ends this device's session and clears its cookie. Succeeds when not logged in.
#[server(endpoint = "log_out", input = Json, output = Json)]
pub async fn log_out() -> Result<(), AppError> {
    let (ports, caller) = super::request()?;
    ports.accounts.log_out(&caller).await
}

/// The logged-in user, or `null` when the request carries no valid session.
#[server(endpoint = "current_user", input = Json, output = Json)]
pub async fn current_user() -> Result<Option<Me>, AppError> {
    let (ports, caller) = super::request()?;
    ports.accounts.current_user(&caller).await
}

/// Sets the caller's nickname (1–32 characters) and signature (≤ 120 characters).
#[server(endpoint = "update_profile", input = Json, output = Json)]
pub async fn update_profile(nickname: String, signature: String) -> Result<Me, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .accounts
        .update_profile(&caller, nickname, signature)
        .await
}

/// Sets who may see when the caller is online or was last seen: `everyone` (who may see their
/// profile), `friends` (the default) or `nobody`.
#[server(endpoint = "set_presence_visibility", input = Json, output = Json)]
pub async fn set_presence_visibility(visibility: PresenceVisibility) -> Result<Me, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .accounts
        .set_presence_visibility(&caller, visibility)
        .await
}

/// Changes the caller's password after checking the current one, and logs out every other
/// device. Errors: `wrong_password`, `validation` on `new_password`.
#[server(endpoint = "change_password", input = Json, output = Json)]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    let (ports, caller) = super::request()?;
    ports
        .accounts
        .change_password(&caller, current_password, new_password)
        .await
}

/// The caller's logged-in devices, most recently seen first.
#[server(endpoint = "list_sessions", input = Json, output = Json)]
pub async fn list_sessions() -> Result<Vec<SessionInfo>, AppError> {
    let (ports, caller) = super::request()?;
    ports.accounts.list_sessions(&caller).await
}

/// Logs out one of the caller's devices. Errors: `not_found` (not one of the caller's sessions).
#[server(endpoint = "revoke_session", input = Json, output = Json)]
pub async fn revoke_session(session_id: SessionId) -> Result<(), AppError> {
    let (ports, caller) = super::request()?;
    ports.accounts.revoke_session(&caller, session_id).await
}

/// What anyone may know before signing in: the site's name, the log-in notice, whether
/// sign-up is open, the recall window and the upload limit. No session needed.
#[server(endpoint = "site_info", input = Json, output = Json)]
pub async fn get_site_info() -> Result<SiteInfo, AppError> {
    let (ports, _caller) = super::request()?;
    ports.accounts.site_info().await
}

/// Creates a personal access token for scripts: `name` (1–64), `scopes` (`read` is always
/// included; `write` to change things; `admin` for `admin_*`, holders of `admin` only),
/// valid `expires_in_days` (1–366, `null` for until revoked). It is used as
/// `Authorization: Bearer <secret>` on `/api/*` and `/ws`; the secret is shown this once. No
/// token can manage the account (password, sessions, tokens, bots). At most 20 per user; only
/// the person's own log-in may make one. Errors: `unauthenticated`, `forbidden` (called with a
/// token, or `admin` without the right), `validation`.
#[server(endpoint = "create_personal_token", input = Json, output = Json)]
pub async fn create_personal_token(
    name: String,
    scopes: Vec<TokenScope>,
    #[server(default)] expires_in_days: Option<u32>,
) -> Result<PersonalTokenWithSecret, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .accounts
        .create_personal_token(&caller, name, scopes, expires_in_days)
        .await
}

/// The caller's live personal tokens, newest first. Errors: `unauthenticated`.
#[server(endpoint = "list_personal_tokens", input = Json, output = Json)]
pub async fn list_personal_tokens() -> Result<Vec<PersonalToken>, AppError> {
    let (ports, caller) = super::request()?;
    ports.accounts.list_personal_tokens(&caller).await
}

/// Revokes one of the caller's personal tokens: it stops working at once, its sockets close.
/// Errors: `unauthenticated`, `not_found`.
#[server(endpoint = "revoke_personal_token", input = Json, output = Json)]
pub async fn revoke_personal_token(token_id: SessionId) -> Result<(), AppError> {
    let (ports, caller) = super::request()?;
    ports
        .accounts
        .revoke_personal_token(&caller, token_id)
        .await
}

/// How the caller can sign in: whether they have a password, the outside accounts linked
/// (GitHub, OpenID Connect) and the providers this server offers. Linking one is a browser
/// round trip: `GET /auth/<provider>/start?mode=link` from a signed-in page of this site. Errors:
/// `unauthenticated`.
#[server(endpoint = "list_sign_in_methods", input = Json, output = Json)]
pub async fn list_sign_in_methods() -> Result<SignInMethods, AppError> {
    let (ports, caller) = super::request()?;
    ports.accounts.list_sign_in_methods(&caller).await
}

/// Unlinks the caller's account at `provider` (`github` or `oidc`): it no longer signs them
/// in. Refused with `last_sign_in_method` when it is the only way left (no password and no
/// other linked account). Answers the methods left. Errors: `unauthenticated`, `not_found`
/// (nothing linked there), `last_sign_in_method`.
#[server(endpoint = "unlink_sign_in", input = Json, output = Json)]
pub async fn unlink_sign_in(provider: String) -> Result<SignInMethods, AppError> {
    let (ports, caller) = super::request()?;
    ports.accounts.unlink_sign_in(&caller, provider).await
}
