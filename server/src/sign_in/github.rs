//! GitHub's OAuth web flow: the authorization page with `state` and a PKCE challenge, the code
//! exchanged (with the verifier) for an access token, and the profile read from `/user`.

use openidconnect::PkceCodeChallenge;
use serde::Deserialize;

use super::client::ProviderClient;
use super::{Authorization, GithubConfig, Profile, ProviderError};

/// What GitHub's token endpoint answers (with status 200 for errors too).
#[derive(Deserialize)]
struct TokenAnswer {
    access_token: Option<String>,
    error: Option<String>,
}

/// The fields of `GET /user` Parley uses.
#[derive(Deserialize)]
struct User {
    id: u64,
    login: String,
    name: Option<String>,
    avatar_url: Option<String>,
}

/// The authorization page for `state`, answering at `redirect_uri`.
pub fn authorize(
    config: &GithubConfig,
    state: &str,
    redirect_uri: &str,
) -> Result<Authorization, ProviderError> {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let url = url::Url::parse_with_params(
        &config.auth_url,
        [
            ("client_id", config.client_id.as_str()),
            ("redirect_uri", redirect_uri),
            ("scope", "read:user"),
            ("state", state),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ],
    )
    .map_err(|e| ProviderError::Refused(format!("authorization URL: {e}")))?;
    Ok(Authorization {
        url: url.into(),
        pkce_verifier: verifier.secret().clone(),
        nonce: String::new(),
    })
}

/// Exchanges `code` and reads the profile.
pub async fn finish(
    config: &GithubConfig,
    http: &ProviderClient,
    code: &str,
    pkce_verifier: &str,
    redirect_uri: &str,
) -> Result<Profile, ProviderError> {
    let (status, body) = http
        .post_form(
            &config.token_url,
            &[
                ("client_id", &config.client_id),
                ("client_secret", &config.client_secret),
                ("code", code),
                ("redirect_uri", redirect_uri),
                ("code_verifier", pkce_verifier),
            ],
        )
        .await?;
    let answer: TokenAnswer = serde_json::from_slice(&body)
        .map_err(|e| ProviderError::Refused(format!("token answer ({status}): {e}")))?;
    let token = match (answer.access_token, answer.error) {
        (Some(token), None) if (200..300).contains(&status) && !token.is_empty() => token,
        (_, error) => {
            return Err(ProviderError::Refused(format!(
                "token endpoint answered {status}: {}",
                error.unwrap_or_default()
            )));
        }
    };
    let (status, body) = http
        .get_json(&format!("{}/user", config.api_url), &token)
        .await?;
    if status != 200 {
        return Err(ProviderError::Refused(format!("/user answered {status}")));
    }
    let user: User = serde_json::from_slice(&body)
        .map_err(|e| ProviderError::Refused(format!("/user answer: {e}")))?;
    Ok(Profile {
        subject: user.id.to_string(),
        login: user.login,
        name: user.name.filter(|n| !n.trim().is_empty()),
        avatar_url: user.avatar_url.filter(|u| !u.is_empty()),
    })
}
