//! OpenID Connect: the issuer's discovery document (kept ten minutes), the authorization
//! request with `state`, nonce and PKCE, and the code exchanged for an ID token whose signature
//! (the issuer's published keys), issuer, audience, expiry, nonce and access-token hash are
//! checked by `openidconnect` before anything in it is believed.

use std::time::{Duration, Instant};

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use tokio::sync::Mutex;

use super::client::ProviderClient;
use super::{Authorization, OidcConfig, Profile, ProviderError};

/// How long a discovery document (and the keys it names) is used before it is read again.
const DISCOVERY_TTL: Duration = Duration::from_secs(600);

/// The issuer's discovery document, once read.
#[derive(Default)]
pub struct Discovery {
    cached: Mutex<Option<(Instant, CoreProviderMetadata)>>,
}

impl Discovery {
    /// The document and keys, read again when older than [`DISCOVERY_TTL`].
    pub async fn metadata(
        &self,
        config: &OidcConfig,
        http: &ProviderClient,
    ) -> Result<CoreProviderMetadata, ProviderError> {
        let mut cached = self.cached.lock().await;
        if let Some((at, metadata)) = cached.as_ref()
            && at.elapsed() < DISCOVERY_TTL
        {
            return Ok(metadata.clone());
        }
        let issuer = IssuerUrl::new(config.issuer.clone())
            .map_err(|e| ProviderError::Refused(format!("issuer URL: {e}")))?;
        let metadata = CoreProviderMetadata::discover_async(issuer, http)
            .await
            .map_err(|e| ProviderError::Request(format!("discovery: {}", chain(&e))))?;
        *cached = Some((Instant::now(), metadata.clone()));
        Ok(metadata)
    }
}

/// The error and its sources on one line.
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// The client for this issuer, answering at `redirect_uri`.
fn client(
    config: &OidcConfig,
    metadata: CoreProviderMetadata,
    redirect_uri: &str,
) -> Result<
    CoreClient<
        openidconnect::EndpointSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointMaybeSet,
        openidconnect::EndpointMaybeSet,
    >,
    ProviderError,
> {
    let redirect = RedirectUrl::new(redirect_uri.to_owned())
        .map_err(|e| ProviderError::Refused(format!("redirect URL: {e}")))?;
    Ok(CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(config.client_id.clone()),
        config.client_secret.clone().map(ClientSecret::new),
    )
    .set_redirect_uri(redirect))
}

/// The authorization request for `state`, with a new nonce and PKCE challenge.
pub fn authorize(
    config: &OidcConfig,
    metadata: CoreProviderMetadata,
    state: &str,
    redirect_uri: &str,
) -> Result<Authorization, ProviderError> {
    let client = client(config, metadata, redirect_uri)?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let state = CsrfToken::new(state.to_owned());
    let nonce = Nonce::new_random();
    let kept = nonce.secret().clone();
    let (url, _, _) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            move || state,
            move || nonce,
        )
        .add_scope(Scope::new("profile".to_owned()))
        .set_pkce_challenge(challenge)
        .url();
    Ok(Authorization {
        url: url.into(),
        pkce_verifier: verifier.secret().clone(),
        nonce: kept,
    })
}

/// Exchanges `code`, checks the ID token and reads who signed in from it.
pub async fn finish(
    config: &OidcConfig,
    metadata: CoreProviderMetadata,
    http: &ProviderClient,
    code: &str,
    pkce_verifier: &str,
    nonce: &str,
    redirect_uri: &str,
) -> Result<Profile, ProviderError> {
    let client = client(config, metadata, redirect_uri)?;
    let answer = client
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .map_err(|e| ProviderError::Refused(format!("token endpoint: {e}")))?
        .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
        .request_async(http)
        .await
        .map_err(|e| ProviderError::Request(format!("token request: {}", chain(&e))))?;
    let id_token = answer
        .id_token()
        .ok_or_else(|| ProviderError::Refused("no ID token in the answer".into()))?;
    let verifier = client.id_token_verifier();
    let claims = id_token
        .claims(&verifier, &Nonce::new(nonce.to_owned()))
        .map_err(|e| ProviderError::Refused(format!("ID token: {}", chain(&e))))?;
    if let Some(expected) = claims.access_token_hash() {
        let alg = id_token
            .signing_alg()
            .map_err(|e| ProviderError::Refused(format!("ID token algorithm: {e}")))?;
        let key = id_token
            .signing_key(&verifier)
            .map_err(|e| ProviderError::Refused(format!("ID token key: {e}")))?;
        let actual = AccessTokenHash::from_token(answer.access_token(), alg, key)
            .map_err(|e| ProviderError::Refused(format!("access token hash: {e}")))?;
        if actual != *expected {
            return Err(ProviderError::Refused("access token hash differs".into()));
        }
    }
    let subject = claims.subject().as_str().to_owned();
    let login = claims
        .preferred_username()
        .map(|u| u.as_str().to_owned())
        .or_else(|| {
            claims
                .email()
                .and_then(|e| e.as_str().split('@').next().map(str::to_owned))
        })
        .unwrap_or_else(|| subject.clone());
    Ok(Profile {
        login,
        name: claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.as_str().to_owned())
            .filter(|n| !n.trim().is_empty()),
        avatar_url: claims
            .picture()
            .and_then(|p| p.get(None))
            .map(|p| p.as_str().to_owned()),
        subject,
    })
}
