//! Signing in with outside providers: GitHub (OAuth 2 with PKCE) and any OpenID Connect issuer
//! (discovery, signed ID tokens, nonce, issuer and audience checks by the `openidconnect`
//! crate). This module talks to the providers; `http::sign_in` runs the browser's round trip
//! and `api::sign_in` finds, makes or links the account.

pub mod client;
pub mod github;
pub mod oidc;

use shared::model::{PROVIDER_GITHUB, PROVIDER_OIDC, SignInProvider};

/// GitHub's OAuth app, as configured.
#[derive(Clone)]
pub struct GithubConfig {
    /// `PARLEY_GITHUB_CLIENT_ID`.
    pub client_id: String,
    /// `PARLEY_GITHUB_CLIENT_SECRET`.
    pub client_secret: String,
    /// The authorization page (`PARLEY_GITHUB_AUTH_URL`).
    pub auth_url: String,
    /// The token endpoint (`PARLEY_GITHUB_TOKEN_URL`).
    pub token_url: String,
    /// The API base, without a trailing slash (`PARLEY_GITHUB_API_URL`).
    pub api_url: String,
}

/// An OpenID Connect issuer, as configured.
#[derive(Clone)]
pub struct OidcConfig {
    /// `PARLEY_OIDC_ISSUER`.
    pub issuer: String,
    /// `PARLEY_OIDC_CLIENT_ID`.
    pub client_id: String,
    /// `PARLEY_OIDC_CLIENT_SECRET` (a public client has none).
    pub client_secret: Option<String>,
    /// The button's label (`PARLEY_OIDC_NAME`).
    pub name: String,
}

/// The providers people may sign in with.
#[derive(Clone, Default)]
pub struct SignInConfig {
    /// GitHub, when configured.
    pub github: Option<GithubConfig>,
    /// An OpenID Connect issuer, when configured.
    pub oidc: Option<OidcConfig>,
}

impl std::fmt::Debug for SignInConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInConfig")
            .field(
                "github",
                &self.github.as_ref().map(|g| (&g.client_id, &g.auth_url)),
            )
            .field(
                "oidc",
                &self
                    .oidc
                    .as_ref()
                    .map(|o| (&o.issuer, &o.client_id, &o.name)),
            )
            .finish()
    }
}

impl SignInConfig {
    /// The configured providers, in the order the log-in page shows them.
    pub fn providers(&self) -> Vec<SignInProvider> {
        let mut out = Vec::new();
        if self.github.is_some() {
            out.push(SignInProvider {
                key: PROVIDER_GITHUB.to_owned(),
                name: "GitHub".to_owned(),
            });
        }
        if let Some(oidc) = &self.oidc {
            out.push(SignInProvider {
                key: PROVIDER_OIDC.to_owned(),
                name: oidc.name.clone(),
            });
        }
        out
    }

    /// Whether `key` names a configured provider.
    pub fn has(&self, key: &str) -> bool {
        match key {
            PROVIDER_GITHUB => self.github.is_some(),
            PROVIDER_OIDC => self.oidc.is_some(),
            _ => false,
        }
    }
}

/// Who the provider says signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// The provider's stable id of the account (GitHub's numeric id, the ID token's `sub`).
    pub subject: String,
    /// Their handle there (GitHub login, `preferred_username`), to derive a username from.
    pub login: String,
    /// Their display name, if they set one.
    pub name: Option<String>,
    /// Their picture's URL, if any.
    pub avatar_url: Option<String>,
}

/// Why a provider's answer was not accepted. Logged in full; the browser sees only
/// `sign_in_failed`.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// The provider could not be reached or answered with an error.
    #[error("provider request failed: {0}")]
    Request(String),
    /// The provider's answer was malformed or did not pass a check (signature, issuer,
    /// audience, expiry, nonce).
    #[error("provider answer refused: {0}")]
    Refused(String),
}

/// What a sign-in sends the browser to the provider with, and keeps to finish it.
pub struct Authorization {
    /// The provider's page to send the browser to.
    pub url: String,
    /// The PKCE verifier (kept server-side until the callback).
    pub pkce_verifier: String,
    /// The OpenID Connect nonce (empty for GitHub).
    pub nonce: String,
}

/// The providers at run time: their configuration, one HTTP client, and the OpenID Connect
/// issuer's discovery document once read.
pub struct SignIn {
    /// The configuration.
    pub config: SignInConfig,
    http: client::ProviderClient,
    oidc: oidc::Discovery,
}

impl SignIn {
    /// The providers of `config`; profile pictures are fetched from private addresses only
    /// when `allow_private` (as outgoing webhooks).
    pub fn new(config: &SignInConfig, allow_private: bool) -> Self {
        Self {
            config: config.clone(),
            http: client::ProviderClient::new(allow_private),
            oidc: oidc::Discovery::default(),
        }
    }

    /// The authorization request for `provider`, with `state` and a new PKCE challenge (and a
    /// nonce for OpenID Connect), answering at `redirect_uri`.
    pub async fn authorize(
        &self,
        provider: &str,
        state: &str,
        redirect_uri: &str,
    ) -> Result<Authorization, ProviderError> {
        match (provider, &self.config.github, &self.config.oidc) {
            (PROVIDER_GITHUB, Some(github), _) => github::authorize(github, state, redirect_uri),
            (PROVIDER_OIDC, _, Some(config)) => {
                let metadata = self.oidc.metadata(config, &self.http).await?;
                oidc::authorize(config, metadata, state, redirect_uri)
            }
            _ => Err(ProviderError::Refused(format!(
                "{provider} is not configured"
            ))),
        }
    }

    /// Exchanges the callback's `code` and returns who signed in, after every check the
    /// provider's protocol has.
    pub async fn finish(
        &self,
        provider: &str,
        code: &str,
        pkce_verifier: &str,
        nonce: &str,
        redirect_uri: &str,
    ) -> Result<Profile, ProviderError> {
        match (provider, &self.config.github, &self.config.oidc) {
            (PROVIDER_GITHUB, Some(github), _) => {
                github::finish(github, &self.http, code, pkce_verifier, redirect_uri).await
            }
            (PROVIDER_OIDC, _, Some(config)) => {
                let metadata = self.oidc.metadata(config, &self.http).await?;
                oidc::finish(
                    config,
                    metadata,
                    &self.http,
                    code,
                    pkce_verifier,
                    nonce,
                    redirect_uri,
                )
                .await
            }
            _ => Err(ProviderError::Refused(format!(
                "{provider} is not configured"
            ))),
        }
    }

    /// The picture at `url` (at most [`client::PICTURE_MAX`] bytes), fetched from public
    /// addresses only unless private ones are allowed; `None` when it cannot be had.
    pub async fn picture(&self, url: &str) -> Option<Vec<u8>> {
        self.http.picture(url).await
    }
}
