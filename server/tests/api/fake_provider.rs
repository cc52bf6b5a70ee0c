//! A fake sign-in provider on a loopback port: an OpenID Connect issuer (discovery, a JWKS of
//! its own RSA key, ID tokens signed with it) and GitHub's OAuth endpoints and `/user` API. It
//! checks what a real one checks (client credentials, redirect URI, PKCE) and can be told to
//! misbehave: sign with another key, name another issuer or audience, or hand out an expired
//! token.
//!
//! The keys in `fixtures/` are test keys made for these tests only.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use openidconnect::core::{
    CoreIdToken, CoreIdTokenClaims, CoreJsonWebKeySet, CoreJwsSigningAlgorithm,
    CoreRsaPrivateSigningKey,
};
use openidconnect::{
    AccessToken, Audience, EmptyAdditionalClaims, EndUserName, EndUserPictureUrl, EndUserUsername,
    IssuerUrl, JsonWebKeyId, LocalizedClaim, Nonce, PrivateSigningKey, StandardClaims,
    SubjectIdentifier,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::sync::Mutex;

/// The client id and secret Parley is given.
pub const CLIENT_ID: &str = "parley-test-client";
pub const CLIENT_SECRET: &str = "parley-test-secret";

/// How the next ID token is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Good,
    WrongIssuer,
    WrongAudience,
    Expired,
    BadSignature,
}

/// The account the provider says signs in.
#[derive(Debug, Clone)]
pub struct Account {
    pub subject: String,
    pub login: String,
    pub name: String,
    pub with_picture: bool,
}

struct Grant {
    redirect_uri: String,
    challenge: String,
    nonce: Option<String>,
    account: Account,
}

struct Inner {
    base: String,
    mode: Mode,
    account: Account,
    grants: HashMap<String, Grant>,
    tokens: HashMap<String, Account>,
    key: CoreRsaPrivateSigningKey,
    other_key: CoreRsaPrivateSigningKey,
    next: u64,
    exchanges: u32,
}

/// The running fake.
#[derive(Clone)]
pub struct FakeProvider {
    inner: Arc<Mutex<Inner>>,
    pub base: String,
}

impl FakeProvider {
    /// Starts one.
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let key = CoreRsaPrivateSigningKey::from_pem(
            include_str!("fixtures/provider_key.pem"),
            Some(JsonWebKeyId::new("k1".into())),
        )
        .unwrap();
        // Same key id, other key: a token it signs must fail the signature check.
        let other_key = CoreRsaPrivateSigningKey::from_pem(
            include_str!("fixtures/other_key.pem"),
            Some(JsonWebKeyId::new("k1".into())),
        )
        .unwrap();
        let inner = Arc::new(Mutex::new(Inner {
            base: base.clone(),
            mode: Mode::Good,
            account: Account {
                subject: "1001".into(),
                login: "Octo-Cat".into(),
                name: "The Octocat".into(),
                with_picture: true,
            },
            grants: HashMap::new(),
            tokens: HashMap::new(),
            key,
            other_key,
            next: 0,
            exchanges: 0,
        }));
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .route("/login/oauth/authorize", get(authorize))
            .route("/login/oauth/access_token", post(token))
            .route("/api/user", get(github_user))
            .route("/picture.png", get(picture))
            .with_state(inner.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { inner, base }
    }

    /// Makes the next ID tokens this way.
    pub async fn set_mode(&self, mode: Mode) {
        self.inner.lock().await.mode = mode;
    }

    /// Signs the next sign-ins in as `account`.
    pub async fn set_account(&self, account: Account) {
        self.inner.lock().await.account = account;
    }

    /// How many codes were exchanged successfully.
    pub async fn exchanges(&self) -> u32 {
        self.inner.lock().await.exchanges
    }

    /// Parley's configuration for this provider as an OpenID Connect issuer.
    pub fn oidc_config(&self) -> server::sign_in::OidcConfig {
        server::sign_in::OidcConfig {
            issuer: self.base.clone(),
            client_id: CLIENT_ID.into(),
            client_secret: Some(CLIENT_SECRET.into()),
            name: "Fake SSO".into(),
        }
    }

    /// Parley's configuration for this provider as GitHub.
    pub fn github_config(&self) -> server::sign_in::GithubConfig {
        server::sign_in::GithubConfig {
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.into(),
            auth_url: format!("{}/login/oauth/authorize", self.base),
            token_url: format!("{}/login/oauth/access_token", self.base),
            api_url: format!("{}/api", self.base),
        }
    }
}

type Shared = State<Arc<Mutex<Inner>>>;

async fn discovery(State(inner): Shared) -> Json<Value> {
    let base = inner.lock().await.base.clone();
    Json(json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/token"),
        "jwks_uri": format!("{base}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
    }))
}

async fn jwks(State(inner): Shared) -> Json<Value> {
    let inner = inner.lock().await;
    let set = CoreJsonWebKeySet::new(vec![inner.key.as_verification_key()]);
    Json(serde_json::to_value(set).unwrap())
}

/// The person approves at once: back to the redirect URI with a code and the state.
async fn authorize(State(inner): Shared, Query(q): Query<HashMap<String, String>>) -> Response {
    let mut inner = inner.lock().await;
    if q.get("client_id").map(String::as_str) != Some(CLIENT_ID)
        || q.get("code_challenge_method").map(String::as_str) != Some("S256")
    {
        return (StatusCode::BAD_REQUEST, "bad authorization request").into_response();
    }
    let (Some(redirect_uri), Some(state), Some(challenge)) = (
        q.get("redirect_uri").cloned(),
        q.get("state").cloned(),
        q.get("code_challenge").cloned(),
    ) else {
        return (StatusCode::BAD_REQUEST, "missing parameters").into_response();
    };
    inner.next += 1;
    let code = format!("code-{}", inner.next);
    let account = inner.account.clone();
    inner.grants.insert(
        code.clone(),
        Grant {
            redirect_uri: redirect_uri.clone(),
            challenge,
            nonce: q.get("nonce").cloned(),
            account,
        },
    );
    let sep = if redirect_uri.contains('?') { '&' } else { '?' };
    let state = url::form_urlencoded::byte_serialize(state.as_bytes()).collect::<String>();
    Redirect::to(&format!("{redirect_uri}{sep}code={code}&state={state}")).into_response()
}

/// The client's credentials: HTTP Basic, or in the form.
fn client_ok(headers: &HeaderMap, form: &HashMap<String, String>) -> bool {
    let basic = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| STANDARD.decode(b).ok())
        .and_then(|b| String::from_utf8(b).ok());
    let expected = format!("{CLIENT_ID}:{CLIENT_SECRET}");
    basic.as_deref() == Some(expected.as_str())
        || (form.get("client_id").map(String::as_str) == Some(CLIENT_ID)
            && form.get("client_secret").map(String::as_str) == Some(CLIENT_SECRET))
}

async fn token(
    State(inner): Shared,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let mut inner = inner.lock().await;
    let refuse = |what: &str| {
        (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "invalid_grant", "error_description": what})),
        )
            .into_response()
    };
    if !client_ok(&headers, &form) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "invalid_client"})),
        )
            .into_response();
    }
    let Some(grant) = form.get("code").and_then(|c| inner.grants.remove(c)) else {
        return refuse("unknown or used code");
    };
    if form.get("redirect_uri") != Some(&grant.redirect_uri) {
        return refuse("redirect_uri differs");
    }
    let verifier = form.get("code_verifier").cloned().unwrap_or_default();
    if URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != grant.challenge {
        return refuse("PKCE verifier does not match");
    }
    inner.next += 1;
    let access = format!("at-{}", inner.next);
    inner.tokens.insert(access.clone(), grant.account.clone());
    inner.exchanges += 1;
    let Some(nonce) = grant.nonce else {
        // GitHub: no ID token.
        return Json(json!({"access_token": access, "token_type": "bearer", "scope": "read:user"}))
            .into_response();
    };
    let now = chrono::Utc::now();
    let (issuer, audience, expires) = match inner.mode {
        Mode::WrongIssuer => (
            "https://evil.example.com".to_owned(),
            CLIENT_ID.to_owned(),
            now + chrono::Duration::minutes(5),
        ),
        Mode::WrongAudience => (
            inner.base.clone(),
            "someone-else".to_owned(),
            now + chrono::Duration::minutes(5),
        ),
        Mode::Expired => (
            inner.base.clone(),
            CLIENT_ID.to_owned(),
            now - chrono::Duration::minutes(10),
        ),
        Mode::Good | Mode::BadSignature => (
            inner.base.clone(),
            CLIENT_ID.to_owned(),
            now + chrono::Duration::minutes(5),
        ),
    };
    let account = &grant.account;
    let mut standard = StandardClaims::new(SubjectIdentifier::new(account.subject.clone()))
        .set_preferred_username(Some(EndUserUsername::new(account.login.clone())))
        .set_name(Some(LocalizedClaim::from(EndUserName::new(
            account.name.clone(),
        ))));
    if account.with_picture {
        standard = standard.set_picture(Some(LocalizedClaim::from(EndUserPictureUrl::new(
            format!("{}/picture.png", inner.base),
        ))));
    }
    let claims = CoreIdTokenClaims::new(
        IssuerUrl::new(issuer).unwrap(),
        vec![Audience::new(audience)],
        expires,
        now - chrono::Duration::minutes(11),
        standard,
        EmptyAdditionalClaims {},
    )
    .set_nonce(Some(Nonce::new(nonce)));
    let key = if inner.mode == Mode::BadSignature {
        &inner.other_key
    } else {
        &inner.key
    };
    let id_token = CoreIdToken::new(
        claims,
        key,
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        Some(&AccessToken::new(access.clone())),
        None,
    )
    .unwrap();
    Json(json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": 3600,
        "id_token": id_token.to_string(),
    }))
    .into_response()
}

async fn github_user(State(inner): Shared, headers: HeaderMap) -> Response {
    let inner = inner.lock().await;
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let Some(account) = inner.tokens.get(token) else {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"message": "Bad credentials"})),
        )
            .into_response();
    };
    let id: u64 = account.subject.parse().unwrap_or(0);
    let picture = account
        .with_picture
        .then(|| format!("{}/picture.png", inner.base));
    Json(json!({
        "id": id,
        "login": account.login,
        "name": account.name,
        "avatar_url": picture,
    }))
    .into_response()
}

/// A 4×4 red PNG.
async fn picture() -> Response {
    let img = image::RgbImage::from_pixel(4, 4, image::Rgb([200, 30, 30]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    ([("content-type", "image/png")], out.into_inner()).into_response()
}
