//! A receiving device: one WebSocket at a time to `/ws`, reconnecting with backoff (moving to
//! the next node when one does not answer), sending `resume` with its cursors after every
//! `ready`, refetching with `list_messages` on `resync`, and holding what it receives by seq
//! the way a client does. It can also be made to misbehave: drop its connection at random,
//! join a reconnect storm, or stop reading its socket.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use anyhow::{Context, bail};
use futures_util::{SinkExt, StreamExt};
use shared::event::{ClientFrame, Cursor, ServerEvent};
use shared::ids::ConversationId;
use shared::model::{Message, MessageBody};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::Semaphore;
use tokio::time::Instant;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message as Frame;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use super::control::{Control, until_on};
use super::http::Nodes;
use super::ledger::{Held, Insert, Order, Seen};
use super::rng::Rng;
use crate::clock;

/// Most connections one device opens in a run.
const MAX_CONNECTS: u32 = 100_000;
/// The first wait before reconnecting; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
/// The longest wait before reconnecting.
const MAX_BACKOFF: Duration = Duration::from_secs(2);
/// A connection the server ends sooner than this counts as a failed attempt (the wait
/// before the next one grows).
const SHORT_CONNECTION: Duration = Duration::from_secs(1);
/// How long connecting, the handshake and the `ready` frame may each take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How often the device pings.
const PING_EVERY: Duration = Duration::from_secs(20);
/// Storm devices reconnect within this after the storm.
const STORM_SPREAD: Duration = Duration::from_secs(1);
/// Receive buffer of the connection that stops reading, so that the server's side fills up
/// soon.
const SLOW_RECEIVE_BUFFER: u32 = 4096;
/// Attempts at refetching a conversation after `resync`.
const REFETCH_ATTEMPTS: u32 = 5;

type Ws = WebSocketStream<TcpStream>;

/// What one device is.
#[derive(Debug, Clone)]
pub struct DevicePlan {
    /// Its number in the run (also picks its source address and its randomness).
    pub index: usize,
    /// Its user's session.
    pub token: String,
    /// Its conversations with the seq it starts out holding in each.
    pub baselines: Vec<(i64, i64)>,
    /// The node it connects to first.
    pub node: usize,
    /// Mean time between its own reconnects, if it makes any.
    pub random_reconnect: Option<Duration>,
    /// Whether it joins the reconnect storms.
    pub storm: bool,
    /// Stops reading its first connection this long after connecting, until the load stops.
    pub slow: Option<Duration>,
    /// Keeps the latency of live arrivals.
    pub record_latency: bool,
}

/// What happened to the device's stalled connection.
#[derive(Debug, Clone, Default)]
pub struct SlowReport {
    /// When it stopped reading (ms into the run).
    pub paused_ms: Option<u64>,
    /// When it read again.
    pub resumed_ms: Option<u64>,
    /// How that connection ended (`close 4002`, `eof`, `error`, or `shutdown` when it was
    /// still open at the end).
    pub ended: Option<String>,
    /// Whether a `resync` for everything arrived on it.
    pub resync_seen: bool,
}

/// A device's record, shared with the orchestrator.
#[derive(Debug, Default)]
pub struct DeviceState {
    /// What it holds, by conversation.
    pub held: BTreeMap<i64, Held>,
    /// Connections opened (up to `ready`).
    pub connects: u64,
    /// Connection attempts that failed.
    pub connect_failures: u64,
    /// The nodes it was connected to.
    pub nodes_used: BTreeSet<usize>,
    /// Connections it dropped itself (random reconnects, storms).
    pub own_drops: u64,
    /// Connections the server side ended, by how.
    pub server_ends: BTreeMap<String, u64>,
    /// `resume` frames sent.
    pub resumes: u64,
    /// Resumes answered in full (`resumed` or `resync` for every cursor).
    pub resumes_done: u64,
    /// When the latest resume was answered in full (ms into the run).
    pub last_resume_done_ms: Option<u64>,
    /// `resync` events.
    pub resyncs: u64,
    /// Messages new to the device that a refetch brought.
    pub refetched: u64,
    /// Refetches that failed (the next resume covers them).
    pub refetch_failures: u64,
    /// Arrivals it already held (live and replayed, or fetched again).
    pub repeats: u64,
    /// Arrivals under a held seq with another message id.
    pub conflicts: u64,
    /// New live arrivals below a seq the same connection already delivered, by conversation.
    pub out_of_order: BTreeMap<i64, u64>,
    /// `error` events by code.
    pub errors: BTreeMap<String, u64>,
    /// Why the device stopped for good (close 4001 or 4003), if it did.
    pub gave_up: Option<String>,
    /// `(arrival ms into the run, latency ns)` of new live arrivals, when asked for.
    pub latencies: Vec<(u64, u64)>,
    /// The stalled connection, for the device that stops reading.
    pub slow: SlowReport,
}

impl DeviceState {
    /// A device holding everything up to its baselines.
    pub fn new(plan: &DevicePlan) -> Self {
        Self {
            held: plan
                .baselines
                .iter()
                .map(|&(conversation, seq)| (conversation, Held::new(seq)))
                .collect(),
            ..Self::default()
        }
    }

    fn cursors(&self) -> Vec<Cursor> {
        self.held
            .iter()
            .map(|(&conversation, held)| Cursor {
                conversation_id: ConversationId(conversation),
                seq: held.cursor(),
            })
            .collect()
    }

    /// Adds a message; `None` when it is not of the device's conversations.
    fn add(&mut self, message: &Message) -> Option<Insert> {
        let held = self.held.get_mut(&message.conversation_id.0)?;
        let insert = held.insert(&Seen {
            seq: message.seq,
            id: message.id.0,
            key: message
                .sender_id
                .map(|s| s.0)
                .zip(message.client_msg_id.clone()),
        });
        match insert {
            Insert::Repeat => self.repeats += 1,
            Insert::Conflict => self.conflicts += 1,
            Insert::New | Insert::Old => {}
        }
        Some(insert)
    }
}

/// The shared state's lock (a panic elsewhere leaves the record usable).
pub fn lock(state: &Mutex<DeviceState>) -> MutexGuard<'_, DeviceState> {
    state.lock().unwrap_or_else(|p| p.into_inner())
}

/// What the device shares with its tasks.
#[derive(Debug, Clone)]
pub struct Links {
    /// The nodes.
    pub nodes: Nodes,
    /// The run's phases.
    pub control: Arc<Control>,
    /// Bounds the first handshakes in flight.
    pub first_connects: Arc<Semaphore>,
    /// Devices that have connected at least once.
    pub connected: Arc<AtomicUsize>,
}

/// Why a connection ended.
enum End {
    /// The run is over.
    Shutdown,
    /// The device dropped it and reconnects after this wait.
    Dropped(Duration),
    /// The server side ended it (`close <code>`, `eof`, `error`).
    Server(String),
    /// The server said not to reconnect (4001, 4003).
    Final(String),
}

/// Runs the device until shutdown.
pub async fn run(plan: DevicePlan, state: Arc<Mutex<DeviceState>>, links: Links) {
    let mut rng = Rng::from_clock(plan.index as u64);
    let mut node = plan.node;
    let mut backoff = FIRST_BACKOFF;
    let mut first = true;
    let mut shutdown = links.control.shutdown();
    let source = crate::client::source_address(plan.index);
    for _ in 0..MAX_CONNECTS {
        if *shutdown.borrow() || Instant::now() >= links.control.hard_deadline() {
            break;
        }
        let addr = links.nodes.node(node).addr;
        let slow = first && plan.slow.is_some();
        let opened = if first {
            let _permit = links.first_connects.acquire().await;
            open(addr, source, &plan.token, slow).await
        } else {
            open(addr, source, &plan.token, slow).await
        };
        let wait = match opened {
            Err(_) => {
                lock(&state).connect_failures += 1;
                node += 1;
                let wait = rng.jitter(backoff);
                backoff = (backoff * 2).min(MAX_BACKOFF);
                wait
            }
            Ok(ws) => {
                if first {
                    links.connected.fetch_add(1, Ordering::Relaxed);
                    first = false;
                }
                {
                    let mut s = lock(&state);
                    s.connects += 1;
                    s.nodes_used.insert(node % links.nodes.count());
                }
                let pause = if slow { plan.slow } else { None };
                let opened_at = Instant::now();
                let end = session(&plan, &state, &links, node, &mut rng, ws, pause).await;
                // A connection that ended at once is retried with growing waits, like a failed one.
                let wait_after_end = if opened_at.elapsed() < SHORT_CONNECTION {
                    let wait = rng.jitter(backoff);
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                    wait
                } else {
                    backoff = FIRST_BACKOFF;
                    rng.jitter(FIRST_BACKOFF)
                };
                let mut s = lock(&state);
                if slow {
                    s.slow.ended = Some(match &end {
                        End::Shutdown => "shutdown".to_owned(),
                        End::Dropped(_) => "dropped by the device".to_owned(),
                        End::Server(how) | End::Final(how) => how.clone(),
                    });
                }
                match end {
                    End::Shutdown => break,
                    End::Final(how) => {
                        s.gave_up = Some(how);
                        break;
                    }
                    End::Dropped(wait) => {
                        s.own_drops += 1;
                        wait
                    }
                    End::Server(how) => {
                        *s.server_ends.entry(how).or_default() += 1;
                        wait_after_end
                    }
                }
            }
        };
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = until_on(&mut shutdown) => break,
        }
    }
}

/// Connects to `/ws` at `addr` from `source` and waits for `ready`.
async fn open(
    addr: SocketAddr,
    source: IpAddr,
    token: &str,
    small_buffer: bool,
) -> anyhow::Result<Ws> {
    let socket = TcpSocket::new_v4().context("creating a socket")?;
    if small_buffer {
        socket.set_recv_buffer_size(SLOW_RECEIVE_BUFFER)?;
    }
    socket.bind(SocketAddr::new(source, 0))?;
    let stream = tokio::time::timeout(CONNECT_TIMEOUT, socket.connect(addr))
        .await
        .context("connecting timed out")??;
    stream.set_nodelay(true)?;
    let mut request = format!("ws://{addr}/ws").into_client_request()?;
    request
        .headers_mut()
        .insert("authorization", format!("Bearer {token}").parse()?);
    let (mut ws, _) = tokio::time::timeout(
        CONNECT_TIMEOUT,
        tokio_tungstenite::client_async(request, stream),
    )
    .await
    .context("the handshake timed out")??;
    match tokio::time::timeout(CONNECT_TIMEOUT, ws.next()).await {
        Ok(Some(Ok(Frame::Text(text)))) => match serde_json::from_str(text.as_str()) {
            Ok(ServerEvent::Ready { .. }) => Ok(ws),
            other => bail!("expected ready, got {other:?}"),
        },
        other => bail!("expected ready, got {other:?}"),
    }
}

/// Serves one connection: resume, then events until it ends.
async fn session(
    plan: &DevicePlan,
    state: &Mutex<DeviceState>,
    links: &Links,
    node: usize,
    rng: &mut Rng,
    mut ws: Ws,
    pause: Option<Duration>,
) -> End {
    let control = &links.control;
    let cursors = {
        let mut s = lock(state);
        s.resumes += 1;
        s.cursors()
    };
    let mut pending: HashSet<i64> = cursors.iter().map(|c| c.conversation_id.0).collect();
    let mut order = Order::default();
    order.begin_replay(pending.iter().copied());
    if let Ok(json) = serde_json::to_string(&ClientFrame::Resume {
        cursors,
        lists: None,
    }) && ws.send(Frame::text(json)).await.is_err()
    {
        return End::Server("error".to_owned());
    }
    let mut shutdown = control.shutdown();
    let mut storms = control.storms();
    storms.borrow_and_update();
    let mut stopped = control.stopped();
    let mut reconnect_at = plan
        .random_reconnect
        .map(|mean| Instant::now() + rng.exponential(mean));
    let mut pause_at = pause.map(|after| Instant::now() + after);
    let mut paused = false;
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    let mut nonce = 0u64;
    loop {
        tokio::select! {
            biased;
            () = until_on(&mut shutdown) => {
                let _ = tokio::time::timeout(Duration::from_secs(1), ws.close(None)).await;
                return End::Shutdown;
            }
            _ = storms.changed(), if plan.storm => {
                // Dropped without a closing handshake, as a phone losing its network does.
                return End::Dropped(rng.below(STORM_SPREAD));
            }
            () = sleep_until(reconnect_at) => {
                if control.is_stopped() {
                    // The faults end with the load.
                    reconnect_at = None;
                    continue;
                }
                if rng.chance(0.5) {
                    let close = CloseFrame { code: CloseCode::Away, reason: "".into() };
                    let _ = tokio::time::timeout(Duration::from_millis(200), ws.close(Some(close))).await;
                }
                return End::Dropped(rng.below(Duration::from_millis(100)));
            }
            () = sleep_until(pause_at), if !paused => {
                paused = true;
                pause_at = None;
                lock(state).slow.paused_ms = Some(control.elapsed_ms());
            }
            () = until_on(&mut stopped), if paused => {
                paused = false;
                lock(state).slow.resumed_ms = Some(control.elapsed_ms());
            }
            frame = ws.next(), if !paused => match frame {
                None => return End::Server("eof".to_owned()),
                Some(Err(_)) => return End::Server("error".to_owned()),
                Some(Ok(Frame::Close(close))) => {
                    let code = close.map_or(1005, |c| u16::from(c.code));
                    let how = format!("close {code}");
                    return if code == 4001 || code == 4003 { End::Final(how) } else { End::Server(how) };
                }
                Some(Ok(Frame::Text(text))) => {
                    let event = serde_json::from_str::<ServerEvent>(text.as_str());
                    if let Ok(event) = event {
                        handle(plan, state, links, node, &mut order, &mut pending, event).await;
                    }
                }
                Some(Ok(_)) => {}
            },
            _ = ping.tick() => {
                nonce += 1;
                if let Ok(json) = serde_json::to_string(&ClientFrame::Ping { nonce }) {
                    let _ = ws.send(Frame::text(json)).await;
                }
            }
        }
    }
}

/// Sleeps until `at`, or for ever when there is no `at`.
async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// Applies one server event.
async fn handle(
    plan: &DevicePlan,
    state: &Mutex<DeviceState>,
    links: &Links,
    node: usize,
    order: &mut Order,
    pending: &mut HashSet<i64>,
    event: ServerEvent,
) {
    let control = &links.control;
    match event {
        ServerEvent::Message { message } => {
            let arrived = clock::now_ns();
            let conversation = message.conversation_id.0;
            let mut s = lock(state);
            let Some(insert) = s.add(&message) else {
                return;
            };
            let new = insert == Insert::New;
            if order.observe(conversation, message.seq, new) {
                *s.out_of_order.entry(conversation).or_default() += 1;
            }
            if new
                && plan.record_latency
                && !pending.contains(&conversation)
                && let MessageBody::Text { text } = &message.body
                && let Some(sent) = clock::sent_at(text)
            {
                let at = control.elapsed_ms();
                s.latencies.push((at, arrived.saturating_sub(sent)));
            }
        }
        ServerEvent::Resumed {
            conversation_id, ..
        } => {
            order.end_replay(conversation_id.0);
            answered(state, control, pending, Some(conversation_id.0));
        }
        ServerEvent::Resync { conversation_id } => {
            let conversations: Vec<i64> = match conversation_id {
                Some(c) => vec![c.0],
                None => lock(state).held.keys().copied().collect(),
            };
            {
                let mut s = lock(state);
                s.resyncs += 1;
                if conversation_id.is_none() {
                    s.slow.resync_seen = true;
                }
            }
            for conversation in &conversations {
                refetch(plan, state, &links.nodes, node, *conversation).await;
                order.end_replay(*conversation);
            }
            if conversation_id.is_none() {
                order.end_all();
                let all: Vec<i64> = pending.iter().copied().collect();
                for conversation in all {
                    answered(state, control, pending, Some(conversation));
                }
            } else {
                for conversation in conversations {
                    answered(state, control, pending, Some(conversation));
                }
            }
        }
        ServerEvent::Error { code } => {
            *lock(state).errors.entry(code).or_default() += 1;
        }
        _ => {}
    }
}

/// A resume's answer for `conversation` is complete.
fn answered(
    state: &Mutex<DeviceState>,
    control: &Control,
    pending: &mut HashSet<i64>,
    conversation: Option<i64>,
) {
    let before = pending.len();
    if let Some(c) = conversation {
        pending.remove(&c);
    }
    if before > 0 && pending.is_empty() {
        let mut s = lock(state);
        s.resumes_done += 1;
        s.last_resume_done_ms = Some(control.elapsed_ms());
    }
}

/// Reads everything after the device's cursor in `conversation` with `list_messages`.
async fn refetch(
    plan: &DevicePlan,
    state: &Mutex<DeviceState>,
    nodes: &Nodes,
    node: usize,
    conversation: i64,
) {
    let Some(cursor) = lock(state).held.get(&conversation).map(Held::cursor) else {
        return;
    };
    for attempt in 0..REFETCH_ATTEMPTS {
        match nodes.since(node, &plan.token, conversation, cursor).await {
            Ok(messages) => {
                let mut s = lock(state);
                for message in &messages {
                    if s.add(message) == Some(Insert::New) {
                        s.refetched += 1;
                    }
                }
                return;
            }
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt + 1))).await;
            }
        }
    }
    lock(state).refetch_failures += 1;
}
