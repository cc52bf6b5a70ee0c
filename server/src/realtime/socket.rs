//! `GET /ws`: one WebSocket per device. Authenticated by the session cookie (or bearer token)
//! at the handshake, refused when `Origin` says another site; then it carries the hub's events
//! to the client and answers `resume` and `ping` frames.

use std::sync::Arc;
use std::time::Duration;

use axum::Extension;
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message as WsMessage, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::http::HeaderMap;
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use shared::AppError;
use shared::api::Caller;
use shared::event::{ClientFrame, Cursor, MAX_CURSORS, MAX_RESUME_MESSAGES, ServerEvent};
use shared::ids::{SessionId, UserId};

use super::hub::Outgoing;
use crate::db::Db;
use crate::http::errors::error_response;
use crate::http::middleware::is_cross_site;
use crate::realtime::Realtime;
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
    let Some(auth) = caller.auth else {
        return error_response(&AppError::Unauthenticated);
    };
    // The connection task keeps only what it uses: the pool, the node and who is connected.
    let link = Link {
        db: state.db.clone(),
        hub: Arc::clone(&state.hub),
        user: auth.user_id,
        session: auth.session_id,
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
    db: Db,
    hub: Arc<Realtime>,
    user: UserId,
    session: SessionId,
}

fn frame(event: &ServerEvent) -> Option<WsMessage> {
    serde_json::to_string(event)
        .ok()
        .map(|json| WsMessage::Text(Utf8Bytes::from(json)))
}

/// Serves one connection until it closes.
async fn run(link: Link, socket: WebSocket) {
    let mut registration = link.hub.register(link.user, link.session);
    let (mut sink, mut stream) = socket.split();
    if let Some(ready) = frame(&ServerEvent::Ready { user_id: link.user })
        && sink.send(ready).await.is_err()
    {
        return;
    }
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    let mut last_heard = tokio::time::Instant::now();
    loop {
        tokio::select! {
            out = registration.recv() => match out {
                Some(Outgoing::Frame(bytes)) => {
                    if sink.send(WsMessage::Text(bytes)).await.is_err() {
                        break;
                    }
                }
                Some(Outgoing::Close) => {
                    let _ = sink
                        .send(WsMessage::Close(Some(CloseFrame {
                            code: 4001,
                            reason: Utf8Bytes::from_static("session ended"),
                        })))
                        .await;
                    break;
                }
                None => {
                    // Dropped by the hub for falling behind.
                    if let Some(resync) = frame(&ServerEvent::Resync { conversation_id: None }) {
                        let _ = sink.send(resync).await;
                    }
                    let _ = sink
                        .send(WsMessage::Close(Some(CloseFrame {
                            code: 4002,
                            reason: Utf8Bytes::from_static("too slow; resync"),
                        })))
                        .await;
                    break;
                }
            },
            incoming = stream.next() => {
                last_heard = tokio::time::Instant::now();
                match incoming {
                    Some(Ok(WsMessage::Text(text))) => {
                        // Boxed: an idle connection does not carry the answer's state.
                        for reply in Box::pin(answer(&link, text.as_str())).await {
                            if sink.send(reply).await.is_err() {
                                return;
                            }
                        }
                    }
                    Some(Ok(WsMessage::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => {}
                }
            }
            _ = ping.tick() => {
                if last_heard.elapsed() > IDLE_LIMIT {
                    tracing::debug!(user = %link.user, "closing an idle connection");
                    break;
                }
                if sink.send(WsMessage::Ping(Default::default())).await.is_err() {
                    break;
                }
            }
        }
    }
}

/// The frames answering one client frame.
async fn answer(link: &Link, text: &str) -> Vec<WsMessage> {
    let events = match serde_json::from_str::<ClientFrame>(text) {
        Ok(ClientFrame::Ping { nonce }) => vec![ServerEvent::Pong { nonce }],
        Ok(ClientFrame::Resume { cursors }) if cursors.len() > MAX_CURSORS => {
            vec![ServerEvent::Error {
                code: "too_many_cursors".into(),
            }]
        }
        Ok(ClientFrame::Resume { cursors }) => resume(link, &cursors).await,
        Err(_) => vec![ServerEvent::Error {
            code: "bad_frame".into(),
        }],
    };
    events.iter().filter_map(frame).collect()
}

/// Every message newer than each cursor, in seq order, for conversations the user belongs to
/// (others are skipped silently: no membership, no information).
async fn resume(link: &Link, cursors: &[Cursor]) -> Vec<ServerEvent> {
    let mut events = Vec::new();
    for cursor in cursors {
        let access = link
            .hub
            .caches()
            .conversation(&link.db, cursor.conversation_id)
            .await;
        match access {
            Ok(Some(access)) if access.member(link.user).is_some() => {}
            Ok(_) => continue,
            Err(e) => {
                tracing::error!(error = %e, "resume: membership lookup failed");
                events.push(ServerEvent::Resync {
                    conversation_id: Some(cursor.conversation_id),
                });
                continue;
            }
        }
        let limit = MAX_RESUME_MESSAGES + 1;
        match messages::after(&link.db, cursor.conversation_id, cursor.seq, limit).await {
            Ok(missed) if missed.len() > MAX_RESUME_MESSAGES => events.push(ServerEvent::Resync {
                conversation_id: Some(cursor.conversation_id),
            }),
            Ok(missed) => {
                let seq = missed.last().map_or(cursor.seq, |m| m.seq);
                events.extend(
                    missed
                        .into_iter()
                        .map(|message| ServerEvent::Message { message }),
                );
                events.push(ServerEvent::Resumed {
                    conversation_id: cursor.conversation_id,
                    seq,
                });
            }
            Err(e) => {
                tracing::error!(error = %e, "resume: history lookup failed");
                events.push(ServerEvent::Resync {
                    conversation_id: Some(cursor.conversation_id),
                });
            }
        }
    }
    events
}
