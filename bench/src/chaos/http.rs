//! The server functions the chaos clients call, against one or several nodes: a send that
//! tells apart an answered error (with its code) from a lost connection or a timeout, and the
//! history read back after a `resync` and for the final check.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use serde_json::json;
use shared::ids::ConversationId;
use shared::model::{Message, MessageBody};

use crate::api::Api;

/// How long one send may take before the client gives up on it (and retries).
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// Messages per history page.
const PAGE: u32 = 100;
/// Most history pages read for one conversation.
const MAX_PAGES: usize = 2_000;

/// Why a send failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The server answered with an error.
    Answer {
        /// The HTTP status.
        status: u16,
        /// The error code of the body (`internal`, `unavailable` …), or `http_<status>`.
        code: String,
        /// Seconds the server asked to wait.
        retry_after: Option<u64>,
    },
    /// The connection could not be made or broke before an answer.
    Connection,
    /// No answer within the send timeout.
    Timeout,
}

impl Failure {
    /// The name it is counted under in the results.
    pub fn label(&self) -> String {
        match self {
            Failure::Answer { code, .. } => code.clone(),
            Failure::Connection => "connection".to_owned(),
            Failure::Timeout => "timeout".to_owned(),
        }
    }

    /// Whether the server answered (with an error code).
    pub fn answered(&self) -> bool {
        matches!(self, Failure::Answer { .. })
    }
}

/// One server node.
#[derive(Debug, Clone)]
pub struct Node {
    /// Where it listens.
    pub addr: SocketAddr,
    base: String,
    api: Api,
}

/// The nodes of the run and one HTTP client for all sends.
#[derive(Debug, Clone)]
pub struct Nodes {
    http: reqwest::Client,
    nodes: Vec<Node>,
}

impl Nodes {
    /// Clients for the nodes at `addrs` (at least one).
    pub fn new(addrs: &[SocketAddr]) -> anyhow::Result<Self> {
        anyhow::ensure!(!addrs.is_empty(), "no server address given");
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(256)
            .tcp_nodelay(true)
            .build()
            .context("building the HTTP client")?;
        let nodes = addrs
            .iter()
            .map(|addr| {
                let base = format!("http://{addr}");
                Ok(Node {
                    addr: *addr,
                    api: Api::new(&base)?,
                    base,
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(Self { http, nodes })
    }

    /// How many nodes there are (at least one).
    pub fn count(&self) -> usize {
        self.nodes.len()
    }

    /// Node `index` (wrapping around).
    pub fn node(&self, index: usize) -> &Node {
        &self.nodes[index % self.nodes.len()]
    }

    /// Sends a text message through node `node` as `token`.
    pub async fn send(
        &self,
        node: usize,
        token: &str,
        conversation: i64,
        client_msg_id: &str,
        text: String,
    ) -> Result<Message, Failure> {
        let node = self.node(node);
        let body = json!({
            "conversation_id": ConversationId(conversation),
            "client_msg_id": client_msg_id,
            "body": MessageBody::Text { text },
        });
        let response = self
            .http
            .post(format!("{}/api/send_message", node.base))
            .header("origin", &node.base)
            .bearer_auth(token)
            .timeout(SEND_TIMEOUT)
            .json(&body)
            .send()
            .await
            .map_err(|e| classify(&e))?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok());
        let text = response.text().await.map_err(|e| classify(&e))?;
        if status.is_success() {
            return serde_json::from_str(&text).map_err(|_| Failure::Answer {
                status: status.as_u16(),
                code: "unreadable_answer".to_owned(),
                retry_after: None,
            });
        }
        let code = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("code").and_then(|c| c.as_str()).map(str::to_owned))
            .unwrap_or_else(|| format!("http_{}", status.as_u16()));
        Err(Failure::Answer {
            status: status.as_u16(),
            code,
            retry_after,
        })
    }

    /// Every message of `conversation` with a seq above `after`, oldest first, read as
    /// `token` through node `first` (or the next ones when it does not answer), a page at a
    /// time from the newest.
    pub async fn since(
        &self,
        first: usize,
        token: &str,
        conversation: i64,
        after: i64,
    ) -> anyhow::Result<Vec<Message>> {
        let mut last_error = None;
        for n in 0..self.nodes.len() {
            match since_on(&self.node(first + n).api, token, conversation, after).await {
                Ok(messages) => return Ok(messages),
                Err(e) => last_error = Some(e),
            }
        }
        Err(last_error.unwrap_or_else(|| anyhow::anyhow!("no node to read from")))
    }

    /// The newest seq of `conversation` (0 when empty), read as `token`.
    pub async fn newest_seq(&self, token: &str, conversation: i64) -> anyhow::Result<i64> {
        let mut last_error = None;
        for node in &self.nodes {
            match node.api.page(token, conversation, None, 1).await {
                Ok(page) => return Ok(page.last().map_or(0, |m| m.seq)),
                Err(e) => last_error = Some(e),
            }
        }
        Err(last_error.unwrap_or_else(|| anyhow::anyhow!("no node to read from")))
    }
}

async fn since_on(
    api: &Api,
    token: &str,
    conversation: i64,
    after: i64,
) -> anyhow::Result<Vec<Message>> {
    let mut out: Vec<Message> = Vec::new();
    let mut before = None;
    for _ in 0..MAX_PAGES {
        let page = api.page(token, conversation, before, PAGE).await?;
        let Some(oldest) = page.first().map(|m| m.seq) else {
            break;
        };
        let full = page.len() == PAGE as usize;
        out.extend(page.into_iter().filter(|m| m.seq > after));
        if oldest <= after + 1 || !full {
            break;
        }
        anyhow::ensure!(
            before.is_none_or(|b| oldest < b),
            "list_messages did not move backwards from seq {oldest}"
        );
        before = Some(oldest);
    }
    out.sort_by_key(|m| m.seq);
    Ok(out)
}

fn classify(e: &reqwest::Error) -> Failure {
    if e.is_timeout() {
        Failure::Timeout
    } else {
        Failure::Connection
    }
}
