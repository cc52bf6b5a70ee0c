//! Signing in with outside providers (GitHub, an OpenID Connect issuer): what the log-in page
//! offers and what an account has linked.

use serde::{Deserialize, Serialize};

/// The key of GitHub sign-in (`/auth/github/…`).
pub const PROVIDER_GITHUB: &str = "github";
/// The key of the OpenID Connect issuer's sign-in (`/auth/oidc/…`).
pub const PROVIDER_OIDC: &str = "oidc";

/// A provider people may sign in with on this server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInProvider {
    /// Its key in the routes: `github` or `oidc`.
    pub key: String,
    /// The label of its button (`GitHub`, or the configured name).
    pub name: String,
}

impl SignInProvider {
    /// Where the browser goes to sign in with it.
    pub fn start_path(&self) -> String {
        format!("/auth/{}/start", self.key)
    }
}

/// An outside account linked to a Parley account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedIdentity {
    /// The provider's key.
    pub provider: String,
    /// The handle there (GitHub login, `preferred_username`).
    pub login: String,
    /// When it was linked (epoch ms).
    pub created_at: i64,
}

/// How the caller can sign in, for the Me page's "Sign-in methods".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInMethods {
    /// Whether the account has a password.
    pub has_password: bool,
    /// The outside accounts linked.
    pub linked: Vec<LinkedIdentity>,
    /// The providers this server offers (linked or not).
    pub providers: Vec<SignInProvider>,
}
