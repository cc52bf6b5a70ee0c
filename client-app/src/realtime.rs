//! The realtime connection: one WebSocket per app at `/ws`, feeding every server event into the
//! [`Store`]. Reconnects with exponential backoff (1 s doubling to 30 s) unless the server closed
//! it because the session ended (code 4001) or because the account opened too many connections
//! and this was the oldest (code 4003: reconnecting would close another device's). After every (re)connect it sends `resume` with the
//! store's cursors; resume covers messages only, so the lists are fetched again, except after
//! the first connect when the server says the page's lists are still current. On the server this
//! does nothing.

use crate::session::Session;
use crate::store::Store;

/// Starts the connection loop for this page (browser only). When the server ends the session
/// (signed out elsewhere, banned, disabled), `session` is asked again, and the app shell sends
/// the user to the log-in page.
pub fn connect(store: Store, session: Session) {
    let pwa = crate::pwa::use_pwa();
    #[cfg(feature = "hydrate")]
    imp::start(store, session, pwa);
    #[cfg(not(feature = "hydrate"))]
    let _ = (store, session, pwa);
}

#[cfg(feature = "hydrate")]
mod imp {
    use futures::future::{Either, select};
    use futures::{SinkExt, StreamExt};
    use gloo_net::websocket::futures::WebSocket;
    use gloo_net::websocket::{Message as WsMessage, WebSocketError};
    use leptos::prelude::*;
    use shared::event::{ClientFrame, MAX_CURSORS, ServerEvent};
    use shared::state::apply_event;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    use crate::pwa::Pwa;
    use crate::session::Session;
    use crate::store::Store;

    /// Close code: the session ended; reconnecting with it is pointless.
    const SESSION_ENDED: u16 = 4001;
    /// Close code: too many connections on this account and this one was the oldest.
    const REPLACED: u16 = 4003;
    const FIRST_DELAY_MS: u32 = 1_000;
    const MAX_DELAY_MS: u32 = 30_000;
    const PING_EVERY_MS: u32 = 25_000;

    enum Outcome {
        /// Stop for good (replaced by another connection, or the app shell is gone).
        Stop,
        /// The server ended the session: stop, and find out who is signed in now.
        SessionEnded,
        /// The connection was up for a while: retry soon.
        WasOpen,
        /// It never got going: back off further.
        Failed,
    }

    pub fn start(store: Store, session: Session, pwa: Option<Pwa>) {
        leptos::task::spawn_local(async move {
            let mut delay = FIRST_DELAY_MS;
            loop {
                match run(store, pwa).await {
                    Outcome::Stop => return,
                    Outcome::SessionEnded => {
                        session.refresh();
                        return;
                    }
                    Outcome::WasOpen => delay = FIRST_DELAY_MS,
                    Outcome::Failed => {}
                }
                sleep(delay).await;
                delay = delay.saturating_mul(2).min(MAX_DELAY_MS);
            }
        });
    }

    fn ws_url() -> Option<String> {
        let location = web_sys::window()?.location();
        let scheme = if location.protocol().ok()? == "https:" {
            "wss"
        } else {
            "ws"
        };
        Some(format!("{scheme}://{}/ws", location.host().ok()?))
    }

    async fn run(store: Store, pwa: Option<Pwa>) -> Outcome {
        let Some(url) = ws_url() else {
            return Outcome::Stop;
        };
        let Ok(ws) = WebSocket::open(&url) else {
            return Outcome::Failed;
        };
        let (mut tx, mut rx) = ws.split();
        let mut opened = false;
        let mut nonce = 0u64;
        loop {
            let tick = Box::pin(sleep(PING_EVERY_MS));
            match select(rx.next(), tick).await {
                Either::Left((Some(Ok(WsMessage::Text(text))), _)) => {
                    let Ok(event) = serde_json::from_str::<ServerEvent>(&text) else {
                        continue;
                    };
                    if matches!(event, ServerEvent::Ready { .. }) {
                        opened = true;
                        if let Some(pwa) = pwa {
                            pwa.connected();
                        }
                        let Some(mut cursors) = store.state.try_with_untracked(|s| s.cursors())
                        else {
                            return Outcome::Stop;
                        };
                        cursors.truncate(MAX_CURSORS);
                        // Things other than messages (requests, new friends) may have changed
                        // since the lists were fetched, and resume only covers messages. The
                        // first connection asks whether the lists the page was rendered with are
                        // still current (`lists_checked` says; usually they are, and nothing is
                        // fetched again); later ones fetch them again.
                        let lists = store
                            .seed_digest
                            .try_update_untracked(Option::take)
                            .flatten();
                        if lists.is_none() {
                            store.state.try_update(|s| s.needs_refetch = true);
                        }
                        let resume = ClientFrame::Resume { cursors, lists };
                        if let Ok(json) = serde_json::to_string(&resume) {
                            let _ = tx.send(WsMessage::Text(json)).await;
                        }
                    }
                    let alert = match &event {
                        ServerEvent::Message { message } => Some(message.clone()),
                        _ => None,
                    };
                    let fresh = alert.as_ref().is_some_and(|m| {
                        store
                            .state
                            .try_with_untracked(|s| {
                                s.messages
                                    .get(&m.conversation_id)
                                    .is_none_or(|l| !l.contains_key(&m.seq))
                            })
                            .unwrap_or(false)
                    });
                    if store.state.try_update(|s| apply_event(s, event)).is_none() {
                        return Outcome::Stop;
                    }
                    // A message seen for the first time (not a resume's repeat) may alert.
                    if let Some(message) = alert.filter(|_| fresh) {
                        crate::notify::on_message(store, &message);
                    }
                    if store.state.with_untracked(|s| s.needs_refetch) {
                        store.refetch();
                    }
                }
                Either::Left((Some(Ok(WsMessage::Bytes(_))), _)) => {}
                Either::Left((Some(Err(WebSocketError::ConnectionClose(close))), _)) => {
                    if close.code == SESSION_ENDED {
                        return Outcome::SessionEnded;
                    }
                    if close.code == REPLACED {
                        return Outcome::Stop;
                    }
                    return if opened {
                        Outcome::WasOpen
                    } else {
                        Outcome::Failed
                    };
                }
                Either::Left((Some(Err(_)), _)) => {}
                Either::Left((None, _)) => {
                    return if opened {
                        Outcome::WasOpen
                    } else {
                        Outcome::Failed
                    };
                }
                Either::Right(_) => {
                    if store.state.try_with_untracked(|_| ()).is_none() {
                        return Outcome::Stop;
                    }
                    nonce += 1;
                    if let Ok(json) = serde_json::to_string(&ClientFrame::Ping { nonce }) {
                        let _ = tx.send(WsMessage::Text(json)).await;
                    }
                }
            }
        }
    }

    /// Resolves after `ms` milliseconds.
    pub async fn sleep(ms: u32) {
        let (done, wait) = futures::channel::oneshot::channel::<()>();
        let callback = Closure::once_into_js(move || {
            let _ = done.send(());
        });
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                callback.unchecked_ref(),
                i32::try_from(ms).unwrap_or(i32::MAX),
            );
        }
        let _ = wait.await;
    }
}
