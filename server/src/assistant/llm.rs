//! The optional chat-completions endpoint the assistant forwards conversations to (any server
//! speaking OpenAI's `POST …/chat/completions`), with a timeout and a bounded answer.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Longest wait for the endpoint's answer.
const TIMEOUT: Duration = Duration::from_secs(30);
/// Largest answer body read.
const BODY_MAX: usize = 1024 * 1024;

/// Where and how to ask.
#[derive(Clone)]
pub struct Endpoint {
    url: String,
    model: String,
    api_key: Option<String>,
    client: reqwest_s3::Client,
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint")
            .field("url", &crate::config::redact(&self.url))
            .field("model", &self.model)
            .finish_non_exhaustive()
    }
}

/// One message of the conversation as the endpoint takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Turn {
    /// `system`, `user` or `assistant`.
    pub role: &'static str,
    /// Its text.
    pub content: String,
}

#[derive(Serialize)]
struct Request<'a> {
    model: &'a str,
    messages: &'a [Turn],
}

#[derive(Deserialize)]
struct Response {
    choices: Vec<Choice>,
}

#[derive(Deserialize)]
struct Choice {
    message: Said,
}

#[derive(Deserialize)]
struct Said {
    content: Option<String>,
}

impl Endpoint {
    /// An endpoint at `base` (`https://api.example.com/v1`, or the full `…/chat/completions`).
    pub fn new(base: &str, model: &str, api_key: Option<String>) -> Result<Self, String> {
        let base = base.trim_end_matches('/');
        let url = if base.ends_with("/chat/completions") {
            base.to_owned()
        } else {
            format!("{base}/chat/completions")
        };
        #[allow(deprecated)]
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest_s3::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .user_agent(concat!("Parley-Assistant/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            url,
            model: model.to_owned(),
            api_key: api_key.filter(|k| !k.is_empty()),
            client,
        })
    }

    /// The endpoint's reply to `turns`, or why there is none (never the key).
    pub async fn complete(&self, turns: &[Turn]) -> Result<String, String> {
        let body = serde_json::to_vec(&Request {
            model: &self.model,
            messages: turns,
        })
        .map_err(|_| "request not encoded".to_owned())?;
        let mut request = self
            .client
            .post(&self.url)
            .header("content-type", "application/json")
            .body(body);
        if let Some(key) = &self.api_key {
            request = request.bearer_auth(key);
        }
        let mut res = request.send().await.map_err(|e| {
            if e.is_timeout() {
                "timed out".to_owned()
            } else {
                "could not reach the endpoint".to_owned()
            }
        })?;
        if !res.status().is_success() {
            return Err(format!("HTTP {}", res.status().as_u16()));
        }
        let mut body = Vec::new();
        while let Some(chunk) = res.chunk().await.map_err(|_| "answer cut off".to_owned())? {
            if body.len() + chunk.len() > BODY_MAX {
                return Err("answer too large".to_owned());
            }
            body.extend_from_slice(&chunk);
        }
        let parsed: Response =
            serde_json::from_slice(&body).map_err(|_| "answer not understood".to_owned())?;
        parsed
            .choices
            .into_iter()
            .find_map(|c| c.message.content)
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .ok_or_else(|| "empty answer".to_owned())
    }
}
