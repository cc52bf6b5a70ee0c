//! `GET /ws`: one WebSocket per device. Authenticated by the session cookie (or bearer token)
//! at the handshake, refused when `Origin` says another site; then it carries the hub's events
//! to the client and answers `resume` and `ping` frames.
//!
//! Everything a client can make this task do is bounded: frames are at most 64 KiB and at most
//! [`MAX_FRAMES`] per [`FRAME_WINDOW`]; a `resume` is answered page by page (never collected),
//! replays at most [`MAX_RESUME_TOTAL`] messages in all, and a connection may resume
//! [`MAX_RESUMES`] times per [`RESUME_WINDOW`]; a client that stops reading is cut off after
//! [`SEND_TIMEOUT`]. The session is checked again every 30 seconds (configurable), so a session that
//! ended where no close could reach this node (or simply expired) closes here too.

use std::collections::HashSet;
use std::time::Duration;

use axum::Extension;
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message as WsMessage, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::http::HeaderMap;
use axum::response::Response;
use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use shared::AppError;
use shared::api::Caller;
use shared::event::{
    ClientFrame, Cursor, MAX_CURSORS, MAX_LISTS_DIGEST, MAX_RESUME_MESSAGES, ServerEvent,
    lists_digest,
};
use shared::ids::{SessionId, UserId};
use tokio::time::Instant;

use super::hub::{CloseReason, Outgoing};
use crate::http::errors::error_response;
use crate::http::middleware::{is_cross_site, token};
use crate::repo::messages;
use crate::state::AppState;

/// A connection's read buffer (tungstenite fills it with zeros before each read).
const READ_BUFFER: usize = 1024;
/// Largest frame a client may send.
const MAX_CLIENT_MESSAGE: usize = 64 * 1024;
/// How often the server pings.
const PING_EVERY: Duration = Duration::from_secs(25);
/// A connection silent for this long (no frame, no pong) is closed.
const IDLE_LIMIT: Duration = Duration::from_secs(75);
/// How long one frame may take to leave: a client that stopped reading is cut off.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// Most messages one `resume` replays over all its cursors; cursors past that get `resync`.
pub const MAX_RESUME_TOTAL: usize = 1_000;
/// Messages read from the database at a time while answering a `resume`.
const RESUME_PAGE: usize = 50;
/// Most `resume` frames a connection may send per [`RESUME_WINDOW`].
pub const MAX_RESUMES: u32 = 5;
/// The window [`MAX_RESUMES`] counts in.
pub const RESUME_WINDOW: Duration = Duration::from_secs(60);
/// Most frames a client may send per [`FRAME_WINDOW`]; past that the connection is closed
/// (code 1008).
pub const MAX_FRAMES: u32 = 120;
/// The window [`MAX_FRAMES`] counts in.
pub const FRAME_WINDOW: Duration = Duration::from_secs(10);
/// How long a closing connection waits for the client's close frame.
const CLOSE_GRACE: Duration = Duration::from_secs(2);
/// What a refused handshake is told to wait when the node is full.
const FULL_RETRY_SECS: u64 = 5;

/// The upgrade handler.
pub async fn handler(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if is_cross_site(&headers, state.config.public_origin.as_deref()) {
        return error_response(&AppError::CrossSite);
    }
    let (Some(auth), Some((token, _))) = (caller.auth, token(&headers)) else {
        return error_response(&AppError::Unauthenticated);
    };
    if state.hub.live_count() >= state.config.connections.max_websockets {
        tracing::warn!("websocket limit reached; handshake refused");
        return error_response(&AppError::Unavailable {
            retry_after_secs: FULL_RETRY_SECS,
        });
    }
    let link = Link {
        state: state.clone(),
        user: auth.user_id,
        session: auth.session_id,
        token_hash: crate::auth::token::hash_token(&token).into_boxed_str(),
    };
    // Clients send small frames (pings, resumes); a larger one grows the buffer while it lasts.
    ws.read_buffer_size(READ_BUFFER)
        .write_buffer_size(0)
        .max_message_size(MAX_CLIENT_MESSAGE)
        .max_frame_size(MAX_CLIENT_MESSAGE)
        .on_upgrade(move |socket| run(link, socket))
}

/// What a connection's task holds.
struct Link {
    state: AppState,
    user: UserId,
    session: SessionId,
    /// The session token's stored form, to check the session again.
    token_hash: Box<str>,
}

type Sink = SplitSink<WebSocket, WsMessage>;

/// Why a connection's task stops.
enum End {
    /// The client left, or stopped reading.
    Gone,
    /// Close with this code and reason.
    Close(u16, &'static str),
}

fn frame(event: &ServerEvent) -> Option<WsMessage> {
    serde_json::to_string(event)
        .ok()
        .map(|json| WsMessage::Text(Utf8Bytes::from(json)))
}

/// Sends one frame within [`SEND_TIMEOUT`].
async fn send(sink: &mut Sink, message: WsMessage) -> Result<(), End> {
    match tokio::time::timeout(SEND_TIMEOUT, sink.send(message)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_)) => Err(End::Gone),
        Err(_) => {
            tracing::debug!("client stopped reading; connection dropped");
            Err(End::Gone)
        }
    }
}

async fn send_event(sink: &mut Sink, event: &ServerEvent) -> Result<(), End> {
    match frame(event) {
        Some(message) => send(sink, message).await,
        None => Ok(()),
    }
}

/// Counts events in a fixed window.
struct Window {
    started: Instant,
    count: u32,
    length: Duration,
    max: u32,
}

impl Window {
    fn new(length: Duration, max: u32) -> Self {
        Self {
            started: Instant::now(),
            count: 0,
            length,
            max,
        }
    }

    /// Counts one more; `false` when that is over the window's maximum.
    fn admit(&mut self) -> bool {
        if self.started.elapsed() >= self.length {
            self.started = Instant::now();
            self.count = 0;
        }
        self.count += 1;
        self.count <= self.max
    }
}

/// Serves one connection until it closes.
async fn run(link: Link, socket: WebSocket) {
    let mut registration = link.state.hub.register(
        link.user,
        link.session,
        link.state.config.connections.max_websockets_per_user,
    );
    let (mut sink, mut stream) = socket.split();
    let end: Result<(), End> = async {
        send_event(&mut sink, &ServerEvent::Ready { user_id: link.user }).await?;
        let mut ping = tokio::time::interval(PING_EVERY);
        ping.tick().await;
        let mut recheck = tokio::time::interval(link.state.config.connections.session_recheck);
        recheck.tick().await;
        let mut last_heard = Instant::now();
        let mut frames = Window::new(FRAME_WINDOW, MAX_FRAMES);
        let mut resumes = Window::new(RESUME_WINDOW, MAX_RESUMES);
        loop {
            tokio::select! {
                out = registration.recv() => match out {
                    Some(Outgoing::Frame(bytes)) => send(&mut sink, WsMessage::Text(bytes)).await?,
                    Some(Outgoing::Close(reason)) => return Err(End::Close(reason.code(), reason.text())),
                    None => {
                        // Dropped by the hub for falling behind.
                        send_event(&mut sink, &ServerEvent::Resync { conversation_id: None }).await?;
                        return Err(End::Close(4002, "too slow; resync"));
                    }
                },
                incoming = stream.next() => {
                    last_heard = Instant::now();
                    match incoming {
                        Some(Ok(WsMessage::Text(text))) => {
                            if !frames.admit() {
                                return Err(End::Close(1008, "too many frames"));
                            }
                            // Boxed: an idle connection does not carry the answer's state.
                            Box::pin(answer(&link, &mut sink, &mut resumes, text.as_str())).await?;
                        }
                        Some(Ok(WsMessage::Close(_))) | None | Some(Err(_)) => return Err(End::Gone),
                        Some(Ok(_)) => {
                            if !frames.admit() {
                                return Err(End::Close(1008, "too many frames"));
                            }
                        }
                    }
                }
                _ = ping.tick() => {
                    if last_heard.elapsed() > IDLE_LIMIT {
                        tracing::debug!(user = %link.user, "closing an idle connection");
                        return Err(End::Gone);
                    }
                    send(&mut sink, WsMessage::Ping(Default::default())).await?;
                }
                _ = recheck.tick() => {
                    if !still_valid(&link).await {
                        let reason = CloseReason::SessionEnded;
                        return Err(End::Close(reason.code(), reason.text()));
                    }
                }
            }
        }
    }
    .await;
    if let Err(End::Close(code, reason)) = end {
        let close = WsMessage::Close(Some(CloseFrame {
            code,
            reason: Utf8Bytes::from_static(reason),
        }));
        if let Ok(Ok(())) = tokio::time::timeout(SEND_TIMEOUT, sink.send(close)).await {
            // The closing handshake: let the client's answer (and whatever it was still
            // sending) arrive before the socket is dropped, so the close frame is read rather
            // than lost to a reset. Bounded in time; what arrives is discarded.
            let _ = tokio::time::timeout(CLOSE_GRACE, async {
                while let Some(Ok(frame)) = stream.next().await {
                    if matches!(frame, WsMessage::Close(_)) {
                        break;
                    }
                }
            })
            .await;
        }
    }
}

/// Whether the connection's session still authenticates its user with the `login` right. A
/// database failure keeps the connection (the next check decides).
async fn still_valid(link: &Link) -> bool {
    match crate::api::accounts::authenticate_hash(&link.state, link.token_hash.to_string()).await {
        Ok(Some((auth, _))) => auth.session_id == link.session,
        Ok(None) => {
            tracing::info!(user = %link.user, "session no longer valid; closing its connection");
            false
        }
        Err(e) => {
            tracing::warn!(error = %e, "session re-check failed; keeping the connection");
            true
        }
    }
}

/// Answers one client frame, sending as it goes.
async fn answer(link: &Link, sink: &mut Sink, resumes: &mut Window, text: &str) -> Result<(), End> {
    let error = |code: &str| ServerEvent::Error { code: code.into() };
    match serde_json::from_str::<ClientFrame>(text) {
        Ok(ClientFrame::Ping { nonce }) => send_event(sink, &ServerEvent::Pong { nonce }).await,
        Ok(ClientFrame::Resume { cursors, .. }) if cursors.len() > MAX_CURSORS => {
            send_event(sink, &error("too_many_cursors")).await
        }
        Ok(ClientFrame::Resume { lists: Some(d), .. }) if d.len() > MAX_LISTS_DIGEST => {
            send_event(sink, &error("bad_frame")).await
        }
        Ok(ClientFrame::Resume { cursors, lists }) => {
            if !resumes.admit() {
                return send_event(sink, &error("rate_limited")).await;
            }
            if let Some(digest) = lists {
                check_lists(link, sink, &digest).await?;
            }
            resume(link, sink, &cursors).await
        }
        Err(_) => send_event(sink, &error("bad_frame")).await,
    }
}

/// Answers `lists_checked`: whether `digest` is the digest of the lists the user would be
/// given now. This connection is registered with the hub already, so whatever changes after
/// this reaches the client as an event. When the lists cannot be read, they count as changed
/// (the client fetches them).
async fn check_lists(link: &Link, sink: &mut Sink, digest: &str) -> Result<(), End> {
    use shared::api::contacts::ContactsApi;
    use shared::api::groups::GroupsApi;
    use shared::api::messages::MessagesApi;

    let api = crate::api::Api {
        state: link.state.clone(),
    };
    let lists = async {
        // The session as it is now (rights included), as a request would find it.
        let auth =
            crate::api::accounts::authenticate_hash(&link.state, link.token_hash.to_string())
                .await?
                .map(|(auth, _)| auth)
                .ok_or(AppError::Unauthenticated)?;
        let caller = &Caller {
            auth: Some(auth),
            ip: None,
            user_agent: String::new(),
            origin: String::new(),
        };
        let conversations = api.list_conversations(caller).await?;
        let requests = api.list_friend_requests(caller).await?;
        let group_requests = api.list_pending_group_requests(caller).await?;
        Ok::<_, AppError>(lists_digest(&conversations, &requests, &group_requests))
    }
    .await;
    let current = match lists {
        Ok(now) => now == digest,
        Err(e) => {
            tracing::warn!(error = %e, "could not check a client's lists");
            false
        }
    };
    send_event(sink, &ServerEvent::ListsChecked { current }).await
}

/// Each cursor's conversation once (the first cursor given for it counts).
fn distinct(cursors: &[Cursor]) -> Vec<Cursor> {
    let mut seen = HashSet::with_capacity(cursors.len());
    cursors
        .iter()
        .copied()
        .filter(|c| seen.insert(c.conversation_id))
        .collect()
}

/// Every message newer than each cursor, in seq order, for conversations the user belongs to
/// (others are skipped silently: no membership, no information), sent page by page. A
/// conversation missing more than [`MAX_RESUME_MESSAGES`], or more than what is left of
/// [`MAX_RESUME_TOTAL`], gets `resync` instead.
async fn resume(link: &Link, sink: &mut Sink, cursors: &[Cursor]) -> Result<(), End> {
    let db = &link.state.db;
    let mut budget = MAX_RESUME_TOTAL;
    for cursor in distinct(cursors) {
        let conversation = cursor.conversation_id;
        let resync = ServerEvent::Resync {
            conversation_id: Some(conversation),
        };
        let access = link.state.hub.caches().conversation(db, conversation).await;
        match access {
            Ok(Some(access)) if access.member(link.user).is_some() => {}
            Ok(_) => continue,
            Err(e) => {
                tracing::error!(error = %e, "resume: membership lookup failed");
                send_event(sink, &resync).await?;
                continue;
            }
        }
        let last = match messages::last_seq(db, conversation).await {
            Ok(last) => last,
            Err(e) => {
                tracing::error!(error = %e, "resume: last seq lookup failed");
                send_event(sink, &resync).await?;
                continue;
            }
        };
        let missing = usize::try_from(last.saturating_sub(cursor.seq.max(0))).unwrap_or(usize::MAX);
        if cursor.seq < 0 || missing > MAX_RESUME_MESSAGES || missing > budget {
            send_event(sink, &resync).await?;
            continue;
        }
        let mut seq = cursor.seq;
        let mut sent = 0;
        // At most `missing` messages are read, a page at a time.
        while sent < missing {
            let want = RESUME_PAGE.min(missing - sent);
            let page = match messages::after(db, link.user, conversation, seq, want).await {
                Ok(page) => page,
                Err(e) => {
                    tracing::error!(error = %e, "resume: history lookup failed");
                    budget -= sent.min(budget);
                    send_event(sink, &resync).await?;
                    sent = usize::MAX;
                    break;
                }
            };
            let Some(newest) = page.last().map(|m| m.seq) else {
                break;
            };
            sent += page.len();
            seq = newest;
            for message in page {
                send_event(sink, &ServerEvent::Message { message }).await?;
            }
        }
        if sent == usize::MAX {
            continue;
        }
        budget -= sent.min(budget);
        send_event(
            sink,
            &ServerEvent::Resumed {
                conversation_id: conversation,
                seq,
            },
        )
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::ids::ConversationId;

    #[test]
    fn cursors_are_taken_once_per_conversation() {
        let c = |id, seq| Cursor {
            conversation_id: ConversationId(id),
            seq,
        };
        let many: Vec<Cursor> = (0..500)
            .map(|i| c(1, i))
            .chain([c(2, 5), c(1, 9)])
            .collect();
        assert_eq!(distinct(&many), vec![c(1, 0), c(2, 5)]);
    }

    #[tokio::test]
    async fn a_window_admits_its_maximum_then_starts_over() {
        let mut w = Window::new(Duration::from_millis(50), 3);
        assert!(w.admit() && w.admit() && w.admit());
        assert!(!w.admit());
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert!(w.admit());
    }
}
