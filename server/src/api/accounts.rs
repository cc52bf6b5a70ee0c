//! Accounts: sign-up, log-in, sessions, profile and password.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use async_trait::async_trait;
use shared::api::accounts::AccountsApi;
use shared::api::{Auth, Caller};
use shared::error::Invalid;
use shared::ids::{SessionId, UserId};
use shared::model::{
    INVITE_CODE_LEN, Me, PersonalToken, PersonalTokenWithSecret, Registration, SessionInfo,
    SignInMethods, TOKEN_DAYS_MAX, TOKEN_NAME_MAX, TOKENS_PER_USER_MAX, TokenScope,
};
use shared::{AppError, rights, validate};

use super::Api;
use crate::auth::{password, token};
use crate::db::{DbError, Failure};
use crate::http::cookies;
use crate::repo::{invite_codes, rbac, sessions, users};
use crate::state::AppState;
use crate::time::now_ms;

/// Resolves a session token to the authenticated caller, and whether its expiry was just
/// extended (the cookie should then be re-sent). A session of a user who lost the `login`
/// right (disabled) no longer authenticates anyone.
pub async fn authenticate(state: &AppState, token: &str) -> Result<Option<(Auth, bool)>, DbError> {
    authenticate_hash(state, token::hash_token(token)).await
}

/// [`authenticate`] for a token already hashed (a WebSocket re-checking its session).
pub async fn authenticate_hash(
    state: &AppState,
    hash: String,
) -> Result<Option<(Auth, bool)>, DbError> {
    let now = now_ms();
    let cache = &state.hub.caches().sessions;
    let session = match cache.get(&hash) {
        Some(session) if session.recheck_at > now => session,
        _ => {
            let epoch = cache.epoch();
            let Some(live) = sessions::find_live(&state.db, &hash, now).await? else {
                return Ok(None);
            };
            let user = UserId(live.user_id);
            let (rights, changes_at) = rbac::effective_rights(&state.db, user, now).await?;
            let scopes = live.scopes.as_deref().map(sessions::parse_scopes);
            // A token without the admin scope holds no admin right, whatever its user holds.
            let rights = match &scopes {
                Some(s) if !s.contains(&TokenScope::Admin) => {
                    rights.into_iter().filter(|r| r != rights::ADMIN).collect()
                }
                _ => rights,
            };
            // A lasting session's end (a personal token's expiry) makes the entry stale too.
            let ends_at = if live.lasting {
                live.expires_at
            } else {
                i64::MAX
            };
            let session = Arc::new(sessions::CachedSession {
                session_id: SessionId(live.id),
                user_id: user,
                username: live.username,
                rights: state.hub.caches().intern_rights(rights),
                last_seen_at: AtomicI64::new(live.last_seen_at),
                recheck_at: changes_at.unwrap_or(i64::MAX).min(ends_at),
                lasting: live.lasting,
                scopes: scopes.map(Into::into),
            });
            cache.insert(hash, session.clone(), epoch);
            session
        }
    };
    let last_seen_at = session.last_seen_at.load(Ordering::Relaxed);
    let idle_expired = !session.lasting && last_seen_at + sessions::TTL_MS <= now;
    if idle_expired || !session.rights.iter().any(|r| r == rights::LOGIN) {
        return Ok(None);
    }
    let touched = now - last_seen_at > sessions::TOUCH_EVERY_MS;
    if touched {
        sessions::touch(&state.db, session.session_id.0, now).await?;
        session.last_seen_at.store(now, Ordering::Relaxed);
    }
    let auth = Auth {
        user_id: session.user_id,
        session_id: session.session_id,
        username: session.username.clone(),
        rights: session.rights.to_vec(),
        scopes: session.scopes.as_ref().map(|s| s.to_vec()),
    };
    Ok(Some((auth, touched)))
}

/// The full "me" view of a user.
pub async fn load_me(state: &AppState, user: UserId) -> Result<Me, AppError> {
    let profile = users::profile(&state.db, user)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let (roles, rights) = rbac::roles_and_rights(&state.db, user).await?;
    Ok(Me {
        id: UserId(profile.id),
        username: profile.username,
        nickname: profile.nickname,
        avatar_url: shared::model::avatar_url(profile.avatar),
        signature: profile.signature,
        roles,
        rights,
        presence: shared::model::PresenceVisibility::parse(&profile.presence),
    })
}

/// What a sign-up asks for, as received.
struct SignUpForm<'a> {
    /// The username wanted.
    username: &'a str,
    /// The password.
    password: &'a str,
    /// The display name, if any.
    nickname: Option<&'a str>,
    /// The invite code, if any.
    invite_code: Option<&'a str>,
}

impl Api {
    /// Validates a sign-up: registration open (or by invitation with a usable code), rate
    /// limit, username and password rules. The invite code to use up, if registration needs
    /// one.
    async fn check_sign_up(
        &self,
        caller: &Caller,
        form: &SignUpForm<'_>,
    ) -> Result<(String, String, Option<String>), AppError> {
        let username = validate::username(form.username)?;
        validate::new_password("password", form.password, &username)?;
        // A blank nickname is no nickname: the username stands in for it.
        let nickname = match form.nickname.map(str::trim) {
            None | Some("") => username.clone(),
            Some(raw) => validate::nickname(raw)?,
        };
        let code = match self.registration().await? {
            Registration::Closed => return Err(AppError::RegistrationClosed),
            Registration::Open => {
                self.state.limits.check_signup(caller.ip)?;
                None
            }
            Registration::Invite => {
                let code = form.invite_code.map(str::trim).unwrap_or_default();
                if code.is_empty() {
                    return Err(AppError::InviteRequired);
                }
                // Every guess counts against the address before the code is looked up.
                self.state.limits.check_signup(caller.ip)?;
                if code.len() != INVITE_CODE_LEN || !code.chars().all(|c| c.is_ascii_alphanumeric())
                {
                    return Err(AppError::InviteInvalid);
                }
                let usable = crate::db_conn!(&self.state.db, |conn| invite_codes::is_usable(
                    conn,
                    code,
                    now_ms()
                )
                .await)?;
                if !usable {
                    return Err(AppError::InviteInvalid);
                }
                Some(code.to_owned())
            }
        };
        Ok((username, nickname, code))
    }

    /// Creates the account with the role new accounts get (`user` unless an administrator
    /// chose another), using up `code` by one in the same unit of work when there is one.
    async fn do_sign_up(
        &self,
        username: &str,
        nickname: &str,
        password: String,
        code: Option<&str>,
    ) -> Result<UserId, AppError> {
        let hash = password::hash(password).await?;
        let role = self.default_role().await?;
        let now = now_ms();
        let Some(code) = code else {
            return users::create(&self.state.db, username, &hash, nickname, &role, now)
                .await
                .map_err(|e| e.unique_as(AppError::UsernameTaken));
        };
        let user = crate::db_transaction!(&self.state.db, |tx| {
            // A code used up or revoked since the check loses here, atomically.
            let invite = invite_codes::consume(tx, code, now)
                .await?
                .ok_or(AppError::InviteInvalid)?;
            let user = users::create_in(tx, username, &hash, nickname, &role, now)
                .await
                .map_err(|e| e.unique_as(AppError::UsernameTaken))?;
            invite_codes::record_use(tx, invite, user, now).await?;
            Ok::<_, Failure>(user)
        })?;
        tracing::info!(user = %user, "signed up with an invite code");
        Ok(user)
    }

    /// Opens a session for `user` on the calling device and sets its cookie. A session the
    /// device already had (logging in again, or as someone else) ends: one device, one session.
    async fn do_open_session(&self, caller: &Caller, user: UserId) -> Result<(), AppError> {
        let token = self.new_session(caller, user).await?;
        cookies::set_cookie(&cookies::session_cookie(
            &token,
            self.state.config.secure_cookies,
        ));
        Ok(())
    }

    /// Opens a session for `user` on the calling device, ending the one it had; the new
    /// session's token (for its cookie).
    pub(crate) async fn new_session(
        &self,
        caller: &Caller,
        user: UserId,
    ) -> Result<String, AppError> {
        if let Some(old) = &caller.auth {
            sessions::delete(&self.state.db, old.user_id, old.session_id).await?;
            self.state
                .hub
                .close_sessions(old.user_id, &[old.session_id]);
        }
        let (token, hash) = token::new_token();
        sessions::create(
            &self.state.db,
            user,
            &hash,
            &caller.user_agent,
            caller.ip.map(|ip| ip.to_string()),
            now_ms(),
        )
        .await?;
        Ok(token)
    }

    /// Checks a log-in: rate limits, then the password, then the `login` right.
    async fn check_log_in(
        &self,
        caller: &Caller,
        username: &str,
        password: String,
    ) -> Result<UserId, AppError> {
        // A name that cannot exist is refused before it becomes a rate-limiter key (bounded
        // memory), after counting against the address.
        let Ok(username) = validate::username(username) else {
            self.state.limits.check_login_ip(caller.ip)?;
            return Err(AppError::InvalidCredentials);
        };
        let slow_down = self.state.limits.check_login(&username, caller.ip)?;
        if !slow_down.is_zero() {
            tokio::time::sleep(slow_down).await;
        }
        // No password is longer than sign-up allows: a longer one is wrong without hashing it.
        if password.len() > validate::PASSWORD_MAX * 4 {
            return Err(AppError::InvalidCredentials);
        }
        let creds = users::credentials(&self.state.db, &username).await?;
        // An account made by signing in elsewhere has no password: it answers like an
        // unknown name, after the same work.
        let hash = creds
            .as_ref()
            .map(|c| c.password_hash.clone())
            .filter(|h| !h.is_empty());
        if !password::verify(password, hash).await? {
            return Err(AppError::InvalidCredentials);
        }
        let user = UserId(creds.map(|c| c.id).ok_or(AppError::InvalidCredentials)?);
        let (_, rights) = rbac::roles_and_rights(&self.state.db, user).await?;
        if !rights.iter().any(|r| r == rights::LOGIN) {
            return Err(AppError::AccountDisabled);
        }
        Ok(user)
    }
}

#[async_trait]
impl AccountsApi for Api {
    async fn set_presence_visibility(
        &self,
        caller: &Caller,
        visibility: shared::model::PresenceVisibility,
    ) -> Result<Me, AppError> {
        self.set_presence(caller, visibility).await
    }

    async fn sign_up(
        &self,
        caller: &Caller,
        username: String,
        password: String,
        nickname: Option<String>,
        invite_code: Option<String>,
    ) -> Result<Me, AppError> {
        let form = SignUpForm {
            username: &username,
            password: &password,
            nickname: nickname.as_deref(),
            invite_code: invite_code.as_deref(),
        };
        let (username, nickname, code) = self.check_sign_up(caller, &form).await?;
        let user = self
            .do_sign_up(&username, &nickname, password, code.as_deref())
            .await?;
        self.do_open_session(caller, user).await?;
        tracing::info!(user = %user, %username, "signed up");
        load_me(&self.state, user).await
    }

    async fn log_in(
        &self,
        caller: &Caller,
        username: String,
        password: String,
    ) -> Result<Me, AppError> {
        let user = self.check_log_in(caller, &username, password).await?;
        self.do_open_session(caller, user).await?;
        tracing::info!(user = %user, "logged in");
        load_me(&self.state, user).await
    }

    async fn site_info(&self) -> Result<shared::model::SiteInfo, AppError> {
        self.do_site_info().await
    }

    async fn log_out(&self, caller: &Caller) -> Result<(), AppError> {
        if let Some(auth) = &caller.auth {
            sessions::delete(&self.state.db, auth.user_id, auth.session_id).await?;
            self.state
                .hub
                .close_sessions(auth.user_id, &[auth.session_id]);
        }
        cookies::set_cookie(&cookies::cleared_session_cookie(
            self.state.config.secure_cookies,
        ));
        Ok(())
    }

    async fn current_user(&self, caller: &Caller) -> Result<Option<Me>, AppError> {
        match &caller.auth {
            Some(auth) => load_me(&self.state, auth.user_id).await.map(Some),
            None => Ok(None),
        }
    }

    async fn update_profile(
        &self,
        caller: &Caller,
        nickname: String,
        signature: String,
    ) -> Result<Me, AppError> {
        let auth = caller.auth()?;
        let nickname = validate::nickname(&nickname)?;
        let signature = validate::signature(&signature)?;
        users::update_profile(
            &self.state.db,
            auth.user_id,
            &nickname,
            &signature,
            now_ms(),
        )
        .await?;
        load_me(&self.state, auth.user_id).await
    }

    async fn change_password(
        &self,
        caller: &Caller,
        current_password: String,
        new_password: String,
    ) -> Result<(), AppError> {
        let auth = caller.auth()?;
        validate::new_password("new_password", &new_password, &auth.username)?;
        // Guessing the current password through a stolen session is rate-limited like log-in.
        let slow_down = self.state.limits.check_login(&auth.username, caller.ip)?;
        if !slow_down.is_zero() {
            tokio::time::sleep(slow_down).await;
        }
        if current_password.len() > validate::PASSWORD_MAX * 4 {
            return Err(AppError::WrongPassword);
        }
        let hash = users::password_hash(&self.state.db, auth.user_id).await?;
        // An account made by signing in elsewhere sets its first password without one.
        let first = hash.as_deref() == Some("");
        if !first && !password::verify(current_password, hash).await? {
            return Err(AppError::WrongPassword);
        }
        let new_hash = password::hash(new_password).await?;
        users::set_password(
            &self.state.db,
            auth.user_id,
            &new_hash,
            Some(auth.session_id.0),
            now_ms(),
        )
        .await?;
        self.state
            .hub
            .close_user_except(auth.user_id, Some(auth.session_id));
        tracing::info!(user = %auth.user_id, "password changed; other sessions ended");
        Ok(())
    }

    async fn list_sessions(&self, caller: &Caller) -> Result<Vec<SessionInfo>, AppError> {
        let auth = caller.auth()?;
        Ok(sessions::list(&self.state.db, auth.user_id, auth.session_id).await?)
    }

    async fn revoke_session(&self, caller: &Caller, session_id: SessionId) -> Result<(), AppError> {
        let auth = caller.auth()?;
        if !sessions::delete(&self.state.db, auth.user_id, session_id).await? {
            return Err(AppError::NotFound);
        }
        self.state.hub.close_sessions(auth.user_id, &[session_id]);
        if session_id == auth.session_id {
            cookies::set_cookie(&cookies::cleared_session_cookie(
                self.state.config.secure_cookies,
            ));
        }
        Ok(())
    }

    async fn create_personal_token(
        &self,
        caller: &Caller,
        name: String,
        scopes: Vec<TokenScope>,
        expires_in_days: Option<u32>,
    ) -> Result<PersonalTokenWithSecret, AppError> {
        let auth = caller.require(rights::LOGIN)?;
        let (name, scopes) = self.check_personal_token(auth, &name, scopes, expires_in_days)?;
        self.do_create_personal_token(auth, name, scopes, expires_in_days)
            .await
    }

    async fn list_personal_tokens(&self, caller: &Caller) -> Result<Vec<PersonalToken>, AppError> {
        let auth = caller.auth()?;
        Ok(sessions::list_tokens(&self.state.db, auth.user_id, now_ms()).await?)
    }

    async fn revoke_personal_token(
        &self,
        caller: &Caller,
        token_id: SessionId,
    ) -> Result<(), AppError> {
        let auth = caller.auth()?;
        if !sessions::delete_token(&self.state.db, auth.user_id, token_id).await? {
            return Err(AppError::NotFound);
        }
        // Its cached lookups and sockets end on every node.
        self.state.hub.close_sessions(auth.user_id, &[token_id]);
        tracing::info!(user = %auth.user_id, token = %token_id, "personal token revoked");
        Ok(())
    }

    async fn list_sign_in_methods(&self, caller: &Caller) -> Result<SignInMethods, AppError> {
        let auth = caller.auth()?;
        self.sign_in_methods(auth.user_id).await
    }

    async fn unlink_sign_in(
        &self,
        caller: &Caller,
        provider: String,
    ) -> Result<SignInMethods, AppError> {
        let auth = caller.auth()?;
        self.do_unlink_sign_in(auth.user_id, &provider).await
    }
}

impl Api {
    /// Validates a personal token's terms: its name, scopes (`read` added; `admin` only for a
    /// holder of the right) and validity in days.
    fn check_personal_token(
        &self,
        auth: &Auth,
        name: &str,
        scopes: Vec<TokenScope>,
        expires_in_days: Option<u32>,
    ) -> Result<(String, Vec<TokenScope>), AppError> {
        if auth.scopes.is_some() {
            // Only the person's own log-in makes tokens (the middleware refuses this first).
            return Err(AppError::Forbidden);
        }
        let name = validate::text("name", name, TOKEN_NAME_MAX, true)?;
        if scopes.len() > TokenScope::ALL.len() * 2 {
            return Err(AppError::invalid("scopes", Invalid::TooLong));
        }
        let mut scopes = scopes;
        scopes.push(TokenScope::Read);
        scopes.sort();
        scopes.dedup();
        if scopes.contains(&TokenScope::Admin) && !auth.rights.iter().any(|r| r == rights::ADMIN) {
            return Err(AppError::Forbidden);
        }
        if let Some(days) = expires_in_days
            && !(1..=TOKEN_DAYS_MAX).contains(&days)
        {
            return Err(AppError::invalid("expires_in_days", Invalid::OutOfRange));
        }
        Ok((name, scopes))
    }

    /// `create_personal_token`: stores the token (a lasting session with a name and scopes)
    /// unless the user already holds the most allowed.
    pub(crate) async fn do_create_personal_token(
        &self,
        auth: &Auth,
        name: String,
        scopes: Vec<TokenScope>,
        expires_in_days: Option<u32>,
    ) -> Result<PersonalTokenWithSecret, AppError> {
        let me = auth.user_id;
        let db = &self.state.db;
        if crate::db_conn!(db, |conn| crate::repo::bots::is_bot(conn, me).await)? {
            return Err(AppError::Forbidden);
        }
        let now = now_ms();
        let expires_at = expires_in_days.map(|d| now + i64::from(d) * 24 * 3600 * 1000);
        let (secret, hash) = token::new_token();
        let id = crate::db_transaction!(db, |tx| {
            if sessions::count_tokens(tx, me, now).await? >= TOKENS_PER_USER_MAX as i64 {
                return Err(AppError::invalid("name", Invalid::OutOfRange).into());
            }
            Ok::<_, Failure>(
                sessions::create_token(tx, me, &hash, &name, &scopes, expires_at, now).await?,
            )
        })?;
        tracing::info!(user = %me, token = %id, "personal token created");
        Ok(PersonalTokenWithSecret {
            token: PersonalToken {
                id,
                name,
                scopes,
                created_at: now,
                expires_at,
                last_used_at: now,
            },
            secret,
        })
    }
}
