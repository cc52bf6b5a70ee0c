//! Parley's server functions over HTTP: `POST /api/<name>` with a JSON body, authenticated by
//! `Authorization: Bearer <token>`.

use std::time::Duration;

use anyhow::{Context, bail};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use shared::ids::ConversationId;
use shared::model::{Message, MessageBody};

/// An HTTP client for one server (connections are pooled and shared by every caller).
#[derive(Debug, Clone)]
pub struct Api {
    http: reqwest::Client,
    base: String,
}

impl Api {
    /// A client for the server at `base` (e.g. `http://127.0.0.1:3000`).
    pub fn new(base: &str) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .pool_max_idle_per_host(512)
            .tcp_nodelay(true)
            .build()
            .context("building the HTTP client")?;
        Ok(Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
        })
    }

    /// The pooled HTTP client (for requests that are not JSON, such as uploads).
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The server's base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Calls `name` as the session `token` (or anonymously) and decodes the answer.
    pub async fn call<T: DeserializeOwned>(
        &self,
        name: &str,
        token: Option<&str>,
        body: &Value,
    ) -> anyhow::Result<T> {
        let mut request = self
            .http
            .post(format!("{}/api/{name}", self.base))
            .header("origin", &self.base)
            .json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.with_context(|| name.to_owned())?;
        let status = response.status();
        let text = response
            .text()
            .await
            .with_context(|| format!("{name}: reading the answer"))?;
        if !status.is_success() {
            bail!("{name}: {status}: {text}");
        }
        serde_json::from_str(&text).with_context(|| format!("{name}: unexpected answer {text}"))
    }

    /// Logs in through the real `log_in` server function; returns the session token from the
    /// `Set-Cookie` header.
    pub async fn log_in(&self, username: &str, password: &str) -> anyhow::Result<String> {
        let response = self
            .http
            .post(format!("{}/api/log_in", self.base))
            .header("origin", &self.base)
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .context("log_in")?;
        let status = response.status();
        let token = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix("parley_session="))
            .and_then(|v| v.split(';').next())
            .map(str::to_owned);
        let text = response
            .text()
            .await
            .context("log_in: reading the answer")?;
        if !status.is_success() {
            bail!("log_in as {username}: {status}: {text}");
        }
        token.with_context(|| format!("log_in as {username} set no session cookie"))
    }

    /// `GET /healthz`, which the server answers without any work: the cost of an HTTP round
    /// trip itself.
    pub async fn health(&self) -> anyhow::Result<()> {
        let response = self
            .http
            .get(format!("{}/healthz", self.base))
            .send()
            .await
            .context("healthz")?;
        let status = response.status();
        response
            .bytes()
            .await
            .context("healthz: reading the answer")?;
        if !status.is_success() {
            bail!("healthz: {status}");
        }
        Ok(())
    }

    /// Sends a text message; the stored message (with its `seq`) on success.
    pub async fn send_text(
        &self,
        token: &str,
        conversation: i64,
        client_msg_id: &str,
        text: String,
    ) -> anyhow::Result<Message> {
        let body = json!({
            "conversation_id": ConversationId(conversation),
            "client_msg_id": client_msg_id,
            "body": MessageBody::Text { text },
        });
        self.call("send_message", Some(token), &body).await
    }

    /// A message search over everything `token`'s user may read: the hits, newest first.
    pub async fn search(
        &self,
        token: &str,
        query: &str,
        limit: u32,
    ) -> anyhow::Result<Vec<shared::model::SearchHit>> {
        let body = json!({ "query": query, "limit": limit });
        self.call("search_messages", Some(token), &body).await
    }

    /// One page of history: up to `limit` messages before `before_seq` (newest when `None`).
    pub async fn page(
        &self,
        token: &str,
        conversation: i64,
        before_seq: Option<i64>,
        limit: u32,
    ) -> anyhow::Result<Vec<Message>> {
        let body = json!({
            "conversation_id": conversation,
            "before_seq": before_seq,
            "limit": limit,
        });
        self.call("list_messages", Some(token), &body).await
    }

    /// Every stored message of `conversation` with `seq` in `from..=to`, oldest first.
    pub async fn range(
        &self,
        token: &str,
        conversation: i64,
        from: i64,
        to: i64,
    ) -> anyhow::Result<Vec<Message>> {
        let mut out = Vec::new();
        let mut before = to + 1;
        // Each page moves `before` down by at least one, so this ends.
        while before > from {
            let page = self.page(token, conversation, Some(before), 100).await?;
            let Some(first) = page.first() else {
                break;
            };
            let next = first.seq;
            out.extend(page.into_iter().filter(|m| m.seq >= from));
            if next >= before {
                bail!("list_messages did not move backwards from seq {before}");
            }
            before = next;
        }
        out.sort_by_key(|m| m.seq);
        Ok(out)
    }
}
