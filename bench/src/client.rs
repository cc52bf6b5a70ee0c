//! WebSocket connections to `/ws`: opened from one of several loopback source addresses, then
//! read by a task that records every `message` event.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, bail};
use futures_util::StreamExt;
use shared::event::ServerEvent;
use shared::model::MessageBody;
use tokio::net::TcpSocket;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message as Frame;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::clock;

/// How many loopback source addresses connections are spread over (127.0.0.2 …).
pub const SOURCE_ADDRESSES: u8 = 8;

/// One `message` event as a receiver saw it.
#[derive(Debug, Clone, Copy)]
pub struct Received {
    /// Its conversation.
    pub conversation_id: i64,
    /// Its seq.
    pub seq: i64,
    /// The message id.
    pub id: i64,
    /// Send → arrival in ns, when the text carries a send time.
    pub latency_ns: Option<u64>,
}

/// An open connection and what it has received so far.
#[derive(Debug)]
pub struct Conn {
    /// The user this device belongs to (index into the fixture's users).
    pub user: usize,
    received: Arc<Mutex<Vec<Received>>>,
    task: JoinHandle<()>,
}

impl Conn {
    /// A copy of the events received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// Whether the server closed the connection (or it failed).
    pub fn is_closed(&self) -> bool {
        self.task.is_finished()
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The source address for the `n`-th connection: 127.0.0.2, 127.0.0.3 … in turn.
pub fn source_address(n: usize) -> IpAddr {
    let offset = u8::try_from(n % usize::from(SOURCE_ADDRESSES)).unwrap_or(0);
    IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2 + offset))
}

/// Opens `/ws` at `server` as `token` from `source`, waits for `ready`, and starts the reading
/// task; every `message` event adds one to `counter`.
pub async fn connect(
    server: SocketAddr,
    source: IpAddr,
    user: usize,
    token: &str,
    counter: Arc<AtomicU64>,
) -> anyhow::Result<Conn> {
    let socket = TcpSocket::new_v4().context("creating a socket")?;
    socket
        .bind(SocketAddr::new(source, 0))
        .with_context(|| format!("binding to {source}"))?;
    let stream = tokio::time::timeout(Duration::from_secs(10), socket.connect(server))
        .await
        .context("connecting timed out")?
        .with_context(|| format!("connecting to {server} from {source}"))?;
    stream.set_nodelay(true)?;
    let mut request = format!("ws://{server}/ws").into_client_request()?;
    request
        .headers_mut()
        .insert("authorization", format!("Bearer {token}").parse()?);
    let (mut ws, _) = tokio::time::timeout(
        Duration::from_secs(10),
        tokio_tungstenite::client_async(request, stream),
    )
    .await
    .context("the WebSocket handshake timed out")?
    .context("the WebSocket handshake")?;
    let first = tokio::time::timeout(Duration::from_secs(10), ws.next())
        .await
        .context("no ready frame within 10 s")?;
    match first {
        Some(Ok(Frame::Text(text))) => match serde_json::from_str(text.as_str())? {
            ServerEvent::Ready { .. } => {}
            other => bail!("expected ready, got {other:?}"),
        },
        other => bail!("expected ready, got {other:?}"),
    }
    let received = Arc::new(Mutex::new(Vec::new()));
    let sink = received.clone();
    let task = tokio::spawn(async move {
        // Reading also answers the server's pings.
        while let Some(Ok(frame)) = ws.next().await {
            let Frame::Text(text) = frame else {
                continue;
            };
            let arrived = clock::now_ns();
            let Ok(ServerEvent::Message { message }) = serde_json::from_str(text.as_str()) else {
                continue;
            };
            let latency_ns = match &message.body {
                MessageBody::Text { text } => {
                    clock::sent_at(text).map(|sent| arrived.saturating_sub(sent))
                }
                _ => None,
            };
            if let Ok(mut log) = sink.lock() {
                log.push(Received {
                    conversation_id: message.conversation_id.0,
                    seq: message.seq,
                    id: message.id.0,
                    latency_ns,
                });
            }
            counter.fetch_add(1, Ordering::Relaxed);
        }
    });
    Ok(Conn {
        user,
        received,
        task,
    })
}

/// Opens one connection per `(user, token)` with at most `parallel` handshakes at a time,
/// spreading them over the source addresses.
pub async fn connect_many(
    server: SocketAddr,
    devices: Vec<(usize, String)>,
    parallel: usize,
    counter: Arc<AtomicU64>,
) -> anyhow::Result<Vec<Conn>> {
    let results: Vec<anyhow::Result<Conn>> =
        futures_util::stream::iter(devices.into_iter().enumerate())
            .map(|(n, (user, token))| {
                let counter = counter.clone();
                async move {
                    connect(server, source_address(n), user, &token, counter)
                        .await
                        .with_context(|| format!("connection {n} (user {user})"))
                }
            })
            .buffer_unordered(parallel.max(1))
            .collect()
            .await;
    results.into_iter().collect()
}

/// Waits until `counter` reaches `target` or `timeout` passes; whether it was reached.
pub async fn wait_for(counter: &AtomicU64, target: u64, timeout: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + timeout;
    while counter.load(Ordering::Relaxed) < target {
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    true
}
