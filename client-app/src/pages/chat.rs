//! The chat screen `/chat/:id`: header, message bubbles with time separators, older history on
//! demand (pulling past the top loads them too), and the input bar with an emoji picker. Sending is optimistic: the bubble shows at
//! once, is replaced by the stored message on success and offers a retry (same client id) on
//! failure.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use shared::AppError;
use shared::LocalTime;
use shared::api::bots::list_incoming_webhooks;
use shared::api::contacts::list_friends;
use shared::api::groups::get_group;
use shared::api::messages::{
    edit_message, get_read_receipts, list_messages, list_messages_around, mark_read, send_message,
};
use shared::i18n::{Key, Lang, notice_text, recall_text};
use shared::ids::{ConversationId, MessageId, UserId};
use shared::model::{ConversationKind, GroupStatus, Mention, Message, MessageBody, Quote};
use shared::ui::{use_hydrated, use_i18n};
use shared::when::TimeStyle;
use shared::{rights, validate};

use crate::components::attach::{AttachPanel, UploadBubble};
use crate::components::emoji::EmojiPicker;
use crate::components::forward::{ChatHistoryCard, ChatHistoryView, ForwardSheet, SelectionBar};
use crate::components::icons::{KeyboardIcon, MicIcon};
use crate::components::long_press::LongPress;
use crate::components::message_menu::{ChatActions, MessageMenu, actionable, toggle_reaction};
use crate::components::receipts::{ReadersSheet, ReceiptLabel, Receipts};
use crate::components::status::{ErrorPanel, LoadingPanel};
use crate::components::viewer::{Viewer, ViewerOpen};
use crate::components::voice::HoldToTalk;
use crate::store::{Store, use_store};
use crate::upload::Upload;

/// Messages fetched per page.
const PAGE: u32 = 50;
/// Opening a chat with at least this many unread messages offers to jump to the first.
const NEW_MESSAGES_JUMP_AT: u64 = 10;
/// Pages (of the most a page holds) fetched to reach the first unread message.
const NEW_MESSAGES_PAGES: usize = 5;
/// A time separator is shown when more than this passes between two messages.
const GAP_MS: i64 = 5 * 60 * 1000;

/// A message shown before the server stored it.
#[derive(Debug, Clone, PartialEq)]
struct Pending {
    client_msg_id: String,
    text: String,
    /// The message it replies to.
    reply_to: Option<MessageId>,
    /// Its `@mentions`.
    mentions: Vec<Mention>,
    created_at: i64,
    /// Why the server refused it (or why it never arrived), once it failed.
    failed: Option<AppError>,
}

/// One row of the message list.
#[derive(Debug, Clone, PartialEq)]
enum Row {
    Time(i64),
    /// A stored message, and whether it starts a run of one sender's messages (its sender's
    /// name is shown in a group).
    Stored(Box<Message>, bool),
    Pending(Pending),
    Upload(Upload),
}

impl Row {
    fn key(&self) -> String {
        match self {
            Row::Time(ms) => format!("t{ms}"),
            Row::Stored(m, first) => format!("s{}{}{}", m.seq, u8::from(*first), revision(m)),
            Row::Pending(p) => format!("p{}{}", p.client_msg_id, p.failed.is_some()),
            Row::Upload(u) => format!("u{}", u.client_msg_id),
        }
    }

    fn time(&self) -> Option<i64> {
        match self {
            Row::Time(_) => None,
            Row::Stored(m, _) => Some(m.created_at),
            Row::Pending(p) => Some(p.created_at),
            Row::Upload(u) => Some(u.created_at),
        }
    }
}

/// What distinguishes a message's versions (edited, recalled, reacted to), so that a changed
/// message is drawn again.
fn revision(m: &Message) -> String {
    let kind = match m.body {
        MessageBody::Recalled { .. } => "r",
        _ => "",
    };
    let reactions: usize = m
        .reactions
        .iter()
        .map(|r| r.users.len() * 31 + r.emoji.len())
        .sum();
    let who: i64 = m
        .reactions
        .iter()
        .flat_map(|r| r.users.iter())
        .map(|u| u.0)
        .sum();
    format!("{kind}{}-{reactions}-{who}", m.edited_at.unwrap_or(0))
}

/// The chat screen for the conversation in the URL.
#[component]
pub fn ChatPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params.with(|p| {
            p.get("id")
                .and_then(|s| s.parse::<i64>().ok())
                .map(ConversationId)
        })
    });
    move || match id.get() {
        Some(id) => view! { <ChatScreen id/> }.into_any(),
        None => view! { <crate::pages::not_found::NotFound/> }.into_any(),
    }
}

#[component]
fn ChatScreen(id: ConversationId) -> impl IntoView {
    let i18n = use_i18n();
    let store = use_store();
    let title = Memo::new(move |_| {
        store
            .state
            .with(|s| s.conversations.get(&id).map(|c| c.title.clone()))
            .unwrap_or_default()
    });
    let first_page = Resource::new(move || id, |id| list_messages(id, None, Some(PAGE)));
    // Group notices name members: load the group's member names once it is known (in the
    // browser; the server renders notices with "a member" until then).
    let names = NoticeNames(RwSignal::new(Vec::new()));
    provide_context(names);
    let faces = MemberFaces(RwSignal::new(Vec::new()));
    provide_context(faces);
    let group_id = Memo::new(move |_| {
        store
            .state
            .with(|s| s.conversations.get(&id).and_then(|c| c.group_id))
    });
    let standing = GroupStanding(RwSignal::new(None));
    provide_context(standing);
    // A direct chat's notices name the friend as the conversation does.
    Effect::new(move |_| {
        let peer = store.state.with(|s| {
            s.conversations
                .get(&id)
                .filter(|c| c.group_id.is_none())
                .and_then(|c| c.peer_id.map(|p| (p, c.title.clone())))
        });
        if let Some(peer) = peer {
            names.0.set(vec![peer]);
            // Its webhooks post as bots of their own: their names and faces too.
            leptos::task::spawn_local(async move {
                let Ok(hooks) = list_incoming_webhooks(id).await else {
                    return;
                };
                faces
                    .0
                    .update(|f| f.extend(hooks.iter().map(|h| (h.bot_id, None))));
                names
                    .0
                    .update(|n| n.extend(hooks.into_iter().map(|h| (h.bot_id, h.name))));
            });
        }
    });
    Effect::new(move |_| {
        store.groups_version.track();
        if let Some(group) = group_id.get() {
            leptos::task::spawn_local(async move {
                let Ok(info) = get_group(group).await else {
                    return;
                };
                // The reader's remarks for their friends name those members, as elsewhere; else
                // the name each member chose in this group, else their nickname.
                let remarks: Vec<(UserId, String)> = list_friends()
                    .await
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|f| !f.remark.is_empty())
                    .map(|f| (f.user_id, f.remark))
                    .collect();
                let me = store.state.with_untracked(|s| s.me);
                let mine = info.members.iter().find(|m| Some(m.user_id) == me);
                standing.0.set(Some(Standing {
                    muted_all: info.muted_all,
                    status: info.status,
                    manages: mine.is_some_and(|m| m.role.manages()),
                    muted_until: mine.and_then(|m| m.muted_until),
                }));
                faces.0.set(
                    info.members
                        .iter()
                        .map(|m| (m.user_id, m.avatar_url.clone()))
                        .collect(),
                );
                names.0.set(
                    info.members
                        .into_iter()
                        .map(|m| {
                            let remark = remarks.iter().find(|(u, _)| *u == m.user_id);
                            let shown = m.shown_name().to_owned();
                            (m.user_id, remark.map_or(shown, |(_, r)| r.clone()))
                        })
                        .collect(),
                );
            });
        }
    });
    // The friend of a direct chat (whose presence the header shows).
    let peer = Memo::new(move |_| {
        store.state.with(|s| {
            s.conversations
                .get(&id)
                .filter(|c| c.group_id.is_none())
                .and_then(|c| c.peer_id)
        })
    });
    // "typing…" for five seconds after each notice, or until the friend's message arrives.
    let typing = RwSignal::new(false);
    let typing_turn = StoredValue::new(0u64);
    let typing_seen = Memo::new(move |_| {
        store
            .state
            .with(|s| s.typing.get(&id).copied().unwrap_or(0))
    });
    Effect::new(move |previous: Option<u64>| {
        let seen = typing_seen.get();
        if previous.is_some_and(|p| seen > p) {
            typing.set(true);
            typing_turn.update_value(|t| *t += 1);
            let turn = typing_turn.get_value();
            set_timeout(
                move || {
                    if typing_turn.try_get_value() == Some(turn) {
                        typing.try_set(false);
                    }
                },
                std::time::Duration::from_secs(5),
            );
        }
        seen
    });
    Effect::new(move |previous: Option<i64>| {
        let (seq, sender) = store.state.with(|s| {
            s.messages
                .get(&id)
                .and_then(|l| l.values().next_back())
                .map_or((0, None), |m| (m.seq, m.sender_id))
        });
        let me = store.state.with_untracked(|s| s.me);
        if previous.is_some_and(|p| seq > p) && sender.is_some() && sender != me {
            typing.set(false);
        }
        seq
    });
    let has_older = RwSignal::new(false);
    let seeded = StoredValue::new(false);
    view! {
        <div class="chat-screen">
            <header class="page-header chat-header">
                <A href="/" attr:class="back-link" attr:aria-label=i18n.tr(Key::Back)>
                    "‹"
                </A>
                <div class="chat-title">
                    <h1>{move || title.get()}</h1>
                    <Show
                        when=move || typing.get()
                        fallback=move || {
                            peer.get()
                                .map(|user| {
                                    view! {
                                        <p class="chat-subtitle">
                                            <crate::components::presence::PresenceLine user/>
                                        </p>
                                    }
                                })
                        }
                    >
                        <p class="chat-subtitle" role="status">{i18n.tr(Key::Typing)}</p>
                    </Show>
                </div>
                {move || {
                    group_id
                        .get()
                        .map(|g| {
                            view! {
                                <A
                                    href=format!("/group/{g}")
                                    attr:class="header-action"
                                    attr:aria-label=i18n.tr(Key::GroupInfo)
                                >
                                    "⋯"
                                </A>
                            }
                        })
                }}
            </header>
            <Transition fallback=|| view! { <LoadingPanel/> }>
                {move || Suspend::new(async move {
                    match first_page.await {
                        Ok(page) => {
                            if !seeded.get_value() {
                                seeded.set_value(true);
                                has_older.set(page.len() as u32 >= PAGE);
                                store.state.update(|s| s.add_history(id, page));
                            }
                            view! { <Conversation id has_older/> }.into_any()
                        }
                        Err(err) => {
                            view! {
                                <ErrorPanel error=err on_retry=move || first_page.refetch()/>
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </div>
    }
}

/// The loaded conversation: history control, bubbles and the input bar.
#[component]
fn Conversation(id: ConversationId, has_older: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let store = use_store();
    let pending: RwSignal<Vec<Pending>> = RwSignal::new(Vec::new());
    let uploads: RwSignal<Vec<Upload>> = RwSignal::new(Vec::new());
    let peer_initial = move || {
        store.state.with_untracked(|s| {
            s.conversations
                .get(&id)
                .and_then(|c| c.title.chars().next())
                .map(String::from)
                .unwrap_or_default()
        })
    };
    let me = Memo::new(move |_| store.state.with(|s| s.me));
    let is_group = store.state.with_untracked(|s| {
        s.conversations
            .get(&id)
            .is_some_and(|c| c.group_id.is_some())
    });
    let faces = use_context::<MemberFaces>();
    // The avatar beside someone's bubble: the member's in a group, the friend's otherwise.
    let sender_face = move |sender: Option<UserId>| -> Option<String> {
        let group_face = faces.and_then(|f| {
            f.0.with_untracked(|list| {
                list.iter()
                    .find(|(u, _)| Some(*u) == sender)
                    .map(|(_, face)| face.clone())
            })
        });
        group_face.unwrap_or_else(|| {
            store.state.with_untracked(|s| {
                s.conversations
                    .get(&id)
                    .filter(|c| c.group_id.is_none() && sender.is_some() && c.peer_id == sender)
                    .and_then(|c| c.avatar_url.clone())
            })
        })
    };
    // In a direct chat, someone other than the friend (a webhook's bot) is named too.
    let peer_id = store.state.with_untracked(|s| {
        s.conversations
            .get(&id)
            .filter(|c| c.group_id.is_none())
            .and_then(|c| c.peer_id)
    });
    let history = Memo::new(move |_| store.state.with(|s| s.history(id)));
    let rows = Memo::new(move |_| {
        let stored = history.get();
        let mut rows: Vec<Row> = Vec::new();
        let mut last: Option<i64> = None;
        let pending_rows: Vec<Pending> = pending
            .get()
            .into_iter()
            .filter(|p| {
                !stored
                    .iter()
                    .any(|m| m.client_msg_id.as_deref() == Some(p.client_msg_id.as_str()))
            })
            .collect();
        let upload_rows: Vec<Upload> = uploads
            .get()
            .into_iter()
            .filter(|u| {
                !stored
                    .iter()
                    .any(|m| m.client_msg_id.as_deref() == Some(u.client_msg_id.as_str()))
            })
            .collect();
        let mut previous: Option<Option<UserId>> = None;
        let items = stored
            .into_iter()
            .map(|m| Row::Stored(Box::new(m), false))
            .chain(pending_rows.into_iter().map(Row::Pending))
            .chain(upload_rows.into_iter().map(Row::Upload));
        for mut row in items {
            if let Some(t) = row.time() {
                if last.is_none_or(|l| t - l > GAP_MS) {
                    rows.push(Row::Time(t));
                    previous = None;
                }
                last = Some(t);
            }
            if let Row::Stored(m, first) = &mut row {
                let sender = m.sender_id;
                *first = previous != Some(sender);
                previous = Some(sender);
            } else {
                previous = None;
            }
            rows.push(row);
        }
        rows
    });

    // Mark read whenever newer messages are shown.
    let marked = StoredValue::new(0i64);
    Effect::new(move |_| {
        let newest = history.with(|h| h.last().map_or(0, |m| m.seq));
        if newest > marked.get_value() {
            marked.set_value(newest);
            store.state.update(|s| s.mark_read(id, newest));
            leptos::task::spawn_local(async move {
                let _ = mark_read(id, newest).await;
            });
        }
    });
    // Keep the newest message in view when one arrives.
    // (Only when the newest changes: loading older history keeps the reader's place.)
    let newest = Memo::new(move |_| {
        let seq = history.with(|h| h.last().map_or(0, |m| m.seq));
        (seq, pending.with(Vec::len) + uploads.with(Vec::len))
    });
    Effect::new(move |_| {
        newest.get();
        scroll_to_bottom();
    });
    // A resync named this conversation: fetch its newest page again.
    Effect::new(move |_| {
        if store.state.with(|s| s.stale_history.contains(&id)) {
            leptos::task::spawn_local(async move {
                if let Ok(page) = list_messages(id, None, Some(PAGE)).await {
                    store.state.try_update(|s| s.add_history(id, page));
                }
            });
        }
    });

    // Opened with many unread: a "N new messages" button goes up to the first of them.
    let unread_at_open = store.state.with_untracked(|s| {
        s.conversations
            .get(&id)
            .map_or((0, 0), |c| (c.unread, c.read_seq))
    });
    let new_jump =
        RwSignal::new((unread_at_open.0 >= NEW_MESSAGES_JUMP_AT).then_some(unread_at_open));
    let hydrated = use_hydrated();
    let loading_older = RwSignal::new(false);
    let older_error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let load_older = move || {
        let before = history.with_untracked(|h| h.first().map(|m| m.seq));
        let Some(before) = before else {
            has_older.set(false);
            return;
        };
        loading_older.set(true);
        let height = page_height();
        leptos::task::spawn_local(async move {
            match list_messages(id, Some(before), Some(PAGE)).await {
                Ok(page) => {
                    has_older.set(page.len() as u32 >= PAGE);
                    store.state.update(|s| s.add_history(id, page));
                    older_error.set(None);
                    // The older page went in above: keep the message the reader was at in place.
                    keep_place(height);
                }
                Err(err) => older_error.set(Some(err)),
            }
            loading_older.set(false);
        });
    };
    // Pull to load: reaching the top of the history loads the page before it.
    on_scroll_to_top(move || {
        if has_older.get_untracked() && !loading_older.get_untracked() {
            load_older();
        }
    });

    let send = Callback::new(move |outgoing: Pending| {
        pending.update(|p| {
            if let Some(x) = p
                .iter_mut()
                .find(|x| x.client_msg_id == outgoing.client_msg_id)
            {
                x.failed = None;
            }
        });
        deliver(store, pending, id, outgoing);
    });
    let standing = use_context::<GroupStanding>();
    let manages =
        Signal::derive(move || standing.and_then(|s| s.0.get()).is_some_and(|s| s.manages));
    let actions = ChatActions::new(id, manages, is_group);
    // The recall window is the server's setting (asked once, in the browser).
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(info) = shared::api::accounts::get_site_info().await {
                let ms =
                    i64::try_from(info.recall_window_s.saturating_mul(1000)).unwrap_or(i64::MAX);
                actions.recall_window_ms.try_set(ms);
            }
        });
    });
    provide_context(actions);
    // The other members' read cursors, fetched on opening and again on each hint.
    let receipts = Receipts(RwSignal::new(None));
    provide_context(receipts);
    let receipt_hints = Memo::new(move |_| {
        store
            .state
            .with(|s| s.receipts.get(&id).copied().unwrap_or(0))
    });
    Effect::new(move |_| {
        // Read, not just tracked: a memo computes (and follows its sources) only when read.
        receipt_hints.get();
        leptos::task::spawn_local(async move {
            if let Ok(r) = get_read_receipts(id).await {
                receipts.0.try_set(Some(r.cursors));
            }
        });
    });
    // Tapping a quote shows the original: at once when it is loaded, otherwise after loading
    // the history around it.
    let jump = Callback::new(move |seq: i64| {
        if history.with_untracked(|h| h.iter().any(|m| m.seq == seq)) {
            show_message(seq);
            return;
        }
        leptos::task::spawn_local(async move {
            match list_messages_around(id, seq, Some(PAGE)).await {
                Ok(page) => {
                    store.state.try_update(|s| s.add_history(id, page));
                    request_animation_frame(move || show_message(seq));
                }
                Err(e) => {
                    actions.error.try_set(Some(e));
                }
            }
        });
    });
    // Opened from a search result (`?seq=`): show that message.
    let query = leptos_router::hooks::use_query_map();
    let open_at = query.with_untracked(|q| q.get("seq").and_then(|s| s.parse::<i64>().ok()));
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) || !hydrated_now() {
            return done.unwrap_or(false);
        }
        if let Some(seq) = open_at {
            jump.run(seq);
        }
        true
    });
    let retry_upload = Callback::new(move |upload: Upload| {
        crate::upload::run(store, uploads, id, upload);
    });
    let cancel_upload = Callback::new(move |client_msg_id: String| {
        crate::upload::forget(&client_msg_id);
        uploads.update(|u| u.retain(|x| x.client_msg_id != client_msg_id));
    });
    let viewer = ViewerOpen(RwSignal::new(None));
    provide_context(viewer);
    let photos = Signal::derive(move || {
        history.with(|h| {
            h.iter()
                .filter_map(|m| match &m.body {
                    MessageBody::Image {
                        media: Some(media), ..
                    } => Some(media.url.clone()),
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
    });

    view! {
        <div class="message-area">
            <div class="history-control">
                <Show
                    when=move || has_older.get()
                    fallback=move || {
                        view! { <p class="muted history-end">{i18n.tr(Key::NoOlderMessages)}</p> }
                    }
                >
                    <button
                        type="button"
                        class="link-button"
                        on:click=move |_| load_older()
                        disabled=move || !hydrated.get() || loading_older.get()
                    >
                        {i18n.tr(Key::LoadOlder)}
                    </button>
                </Show>
                {move || {
                    older_error
                        .get()
                        .map(|e| view! { <p class="form-error" role="alert">{i18n.error(&e)}</p> })
                }}
            </div>
            <ol class="message-list" aria-label=i18n.tr(Key::ChatHistory)>
                <For each=move || rows.get() key=Row::key let:row>
                    {match row {
                        Row::Time(ms) => {
                            view! {
                                <li class="time-separator">
                                    <LocalTime ms style=TimeStyle::Chat/>
                                </li>
                            }
                                .into_any()
                        }
                        Row::Stored(m, first) => {
                            let mine = m.sender_id.is_some() && m.sender_id == me.get_untracked();
                            let face = sender_face(m.sender_id);
                            let third = peer_id.is_some() && m.sender_id.is_some() && m.sender_id != peer_id;
                            let named = first && !mine && (is_group || third);
                            view! {
                                <Bubble message=*m mine initial=peer_initial() face named jump/>
                            }
                                .into_any()
                        }
                        Row::Pending(p) => view! { <PendingBubble pending=p send/> }.into_any(),
                        Row::Upload(upload) => {
                            view! {
                                <UploadBubble upload retry=retry_upload cancel=cancel_upload/>
                            }
                                .into_any()
                        }
                    }}
                </For>
            </ol>
        </div>
        {move || {
            new_jump
                .get()
                .map(|(unread, read_seq)| {
                    view! {
                        <button
                            type="button"
                            class="new-messages-jump"
                            on:click=move |_| {
                                new_jump.set(None);
                                // Page back to the first unread so the history stays whole.
                                let target = read_seq + 1;
                                leptos::task::spawn_local(async move {
                                    for _ in 0..NEW_MESSAGES_PAGES {
                                        let first = history.with_untracked(|h| h.first().map(|m| m.seq));
                                        let Some(first) = first.filter(|f| *f > target) else {
                                            break;
                                        };
                                        match list_messages(id, Some(first), Some(validate::PAGE_MAX)).await {
                                            Ok(page) if !page.is_empty() => {
                                                has_older.set(page.len() as u32 >= validate::PAGE_MAX);
                                                store.state.try_update(|s| s.add_history(id, page));
                                            }
                                            Ok(_) => break,
                                            Err(e) => {
                                                actions.error.try_set(Some(e));
                                                return;
                                            }
                                        }
                                    }
                                    jump.run(target);
                                });
                            }
                        >
                            "↑ "
                            {move || {
                                i18n.lang.get().t(Key::NewMessagesJump).replace("{n}", &unread.to_string())
                            }}
                        </button>
                    }
                })
        }}
        <div class="chat-feedback">
            {move || {
                actions
                    .error
                    .get()
                    .map(|e| {
                        view! {
                            <p class="form-error action-error" role="alert">
                                {i18n.error(&e)}
                                <button
                                    type="button"
                                    class="link-button"
                                    aria-label=i18n.tr(Key::Close)
                                    on:click=move |_| actions.error.set(None)
                                >
                                    "×"
                                </button>
                            </p>
                        }
                    })
            }}
            {move || {
                actions
                    .toast
                    .get()
                    .map(|k| view! { <p class="toast" role="status">{i18n.tr(k)}</p> })
            }}
        </div>
        <Show
            when=move || actions.selected.with(Option::is_none)
            fallback=|| view! { <SelectionBar/> }
        >
            <InputBar id store pending uploads send/>
        </Show>
        <MessageMenu store me/>
        <ReadersSheet names=Signal::derive(move || {
            use_context::<NoticeNames>().map(|n| n.0.get()).unwrap_or_default()
        })/>
        <ForwardSheet store/>
        <ChatHistoryView/>
        <Viewer open=viewer photos/>
    }
}

/// Sends (or re-sends) a pending message and resolves it into the store.
fn deliver(store: Store, pending: RwSignal<Vec<Pending>>, id: ConversationId, outgoing: Pending) {
    let Pending {
        client_msg_id,
        text,
        reply_to,
        mentions,
        ..
    } = outgoing;
    leptos::task::spawn_local(async move {
        let body = MessageBody::Text { text };
        match send_message(id, client_msg_id.clone(), body, reply_to, mentions).await {
            Ok(message) => {
                store.state.try_update(|s| s.add_message(message));
                pending.try_update(|p| p.retain(|x| x.client_msg_id != client_msg_id));
            }
            Err(err) => {
                pending.try_update(|p| {
                    if let Some(x) = p.iter_mut().find(|x| x.client_msg_id == client_msg_id) {
                        x.failed = Some(err);
                    }
                });
            }
        }
    });
}

/// Display names of a group's members, for wording its notices.
#[derive(Clone, Copy)]
struct NoticeNames(RwSignal<Vec<(UserId, String)>>);

/// Avatars of a group's members, for their bubbles.
#[derive(Clone, Copy)]
struct MemberFaces(RwSignal<Vec<(UserId, Option<String>)>>);

/// The reader's standing in the group of this chat (`None`: a direct chat, or not loaded).
#[derive(Clone, Copy)]
struct GroupStanding(RwSignal<Option<Standing>>);

/// What decides whether the reader may speak in a group.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Standing {
    muted_all: bool,
    status: GroupStatus,
    manages: bool,
    muted_until: Option<i64>,
}

/// Why the reader cannot send here now, if they cannot: the key and, for a timed mute, its end.
fn silenced(can_speak: bool, standing: Option<Standing>, now: i64) -> Option<(Key, Option<i64>)> {
    if !can_speak {
        return Some((Key::SpeakRevoked, None));
    }
    let standing = standing?;
    match standing.status {
        GroupStatus::Disabled => return Some((Key::GroupBannerDisabled, None)),
        GroupStatus::Muted => return Some((Key::GroupBannerMuted, None)),
        GroupStatus::Active => {}
    }
    if let Some(until) = standing.muted_until.filter(|u| *u > now) {
        return Some((Key::MutedUntilTime, Some(until)));
    }
    (standing.muted_all && !standing.manages).then_some((Key::EveryoneMuted, None))
}

/// A stored message: own messages on the right (green), others on the left with an avatar;
/// server notices and recalls centred, worded in the reader's language. A long press (or the
/// context menu) opens the message's actions; in multi-select mode a tap selects it.
#[component]
fn Bubble(
    message: Message,
    mine: bool,
    initial: String,
    face: Option<String>,
    /// Show the sender's name above the bubble (the first of a run in a group).
    named: bool,
    /// Shows the message with this seq (a quote's original).
    jump: Callback<i64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let store = use_store();
    let actions = expect_context::<ChatActions>();
    let names = use_context::<NoticeNames>();
    let session = crate::session::use_session();
    // A member's display name: the reader's own nickname for themselves.
    let name_of = move |u: UserId| -> Option<String> {
        let me = store.state.with_untracked(|s| s.me);
        if Some(u) == me {
            return session
                .me
                .get_untracked()
                .and_then(Result::ok)
                .flatten()
                .map(|m| m.nickname);
        }
        names.and_then(|n| {
            n.0.with(|list| list.iter().find(|(id, _)| *id == u).map(|(_, n)| n.clone()))
        })
    };
    let id = message.id;
    let content = match &message.body {
        MessageBody::Text { text } => {
            let quote = message.quote.clone().map(|q| {
                view! { <QuoteBlock quote=*q jump name_of=Callback::new(name_of)/> }
            });
            let me = store.state.with_untracked(|s| s.me);
            let pieces = crate::mentions::segments(text, &message.mentions)
                .into_iter()
                .map(|(piece, mention)| match mention {
                    None => piece.into_any(),
                    Some(who) => {
                        let mine = who.is_none() || who == me;
                        view! { <span class="mention" class:me=mine>{piece}</span> }.into_any()
                    }
                })
                .collect_view();
            view! { <div class="bubble">{quote}<span class="bubble-text">{pieces}</span></div> }
                .into_any()
        }
        MessageBody::System { notice } => {
            let notice = notice.clone();
            let worded = move || {
                let list = names.map(|n| n.0.get()).unwrap_or_default();
                let lookup =
                    |u: UserId| list.iter().find(|(id, _)| *id == u).map(|(_, n)| n.clone());
                let me = store.state.with_untracked(|s| s.me);
                notice_text(i18n.lang.get(), &notice, me, &lookup)
            };
            return view! { <li class="time-separator system-notice" role="note">{worded}</li> }
                .into_any();
        }
        MessageBody::Recalled { by, by_admin } => {
            let (by, by_admin) = (*by, *by_admin);
            let worded = move || {
                if let Some(n) = names {
                    n.0.track();
                }
                let me = store.state.with_untracked(|s| s.me);
                recall_text(i18n.lang.get(), by, by_admin, me, &name_of)
            };
            let text = move || {
                actions
                    .recalled_texts
                    .with(|r| r.iter().find(|(m, _)| *m == id).map(|(_, t)| t.clone()))
                    .filter(|_| mine)
            };
            let re_edit = move || {
                text().map(|t| {
                    view! {
                        " "
                        <button
                            type="button"
                            class="link-button re-edit"
                            on:click=move |_| {
                                actions.compose.set(Some(t.clone()));
                                crate::components::message_menu::focus_input();
                            }
                        >
                            {i18n.tr(Key::ReEdit)}
                        </button>
                    }
                })
            };
            return view! {
                <li class="time-separator system-notice recalled" role="note" data-seq=message.seq>
                    {worded}
                    {re_edit}
                </li>
            }
            .into_any();
        }
        MessageBody::Forwarded { .. } => {
            let body = message.body.clone();
            view! { <div class="bubble card"><ChatHistoryCard body/></div> }.into_any()
        }
        body => {
            let kind = body.media().map_or("location", |m| m.kind.as_str());
            let inner = crate::components::media::media_view(body);
            view! { <div class="bubble media" data-kind=kind>{inner}</div> }.into_any()
        }
    };
    let sender = message.sender_id;
    let sender_name = move || {
        names.and_then(|n| {
            n.0.with(|list| {
                list.iter()
                    .find(|(u, _)| Some(*u) == sender)
                    .map(|(_, name)| name.clone())
            })
        })
    };
    let profile = sender.map(|u| format!("/contacts/{u}"));
    let edited = message
        .edited_at
        .map(|_| view! { <span class="edited-label">{i18n.tr(Key::Edited)}</span> });
    let reactions = (!message.reactions.is_empty()).then(|| {
        let list = message.reactions.clone();
        view! { <ReactionRow id reactions=list name_of=Callback::new(name_of)/> }
    });
    let selectable = actionable(&message);
    let for_menu = message.clone();
    let open_menu = move || {
        if actions.selected.with_untracked(Option::is_none) && selectable {
            actions.menu.set(Some(for_menu.clone()));
        }
    };
    let open_menu_ctx = open_menu.clone();
    let press = LongPress::new();
    let selecting = move || actions.selected.with(Option::is_some) && selectable;
    let is_selected = move || {
        actions
            .selected
            .with(|s| s.as_ref().is_some_and(|l| l.contains(&id)))
    };
    view! {
        <li
            class="message"
            class:mine=mine
            class:selected=is_selected
            data-seq=message.seq
            on:click=move |ev| {
                if selecting() {
                    ev.prevent_default();
                    actions.toggle_selected(id);
                }
            }
        >
            {move || {
                selecting()
                    .then(|| {
                        view! {
                            <input
                                type="checkbox"
                                class="select-box"
                                aria-label=i18n.tr(Key::ActionMultiSelect)
                                prop:checked=is_selected
                            />
                        }
                    })
            }}
            {(!mine)
                .then(|| {
                    view! {
                        <a
                            class="avatar small sender-avatar"
                            href=profile
                            aria-label=move || sender_name().unwrap_or_default()
                        >
                            {move || {
                                // The sender's own initial once their name is known (in a
                                // group, not the group's).
                                let initial = sender_name()
                                    .map(|n| crate::components::avatar::initial_of(&n))
                                    .filter(|i| !i.is_empty())
                                    .unwrap_or_else(|| initial.clone());
                                crate::components::avatar::face(face.clone(), initial)
                            }}
                        </a>
                    }
                })}
            <div class="message-main">
                {named.then(|| view! { <p class="sender-name">{sender_name}</p> })}
                <div
                    class="bubble-wrap"
                    on:contextmenu=move |ev| {
                        ev.prevent_default();
                        open_menu_ctx();
                    }
                    on:pointerdown=move |ev| press.start(&ev, open_menu.clone())
                    on:pointerup=move |_| press.cancel()
                    on:pointercancel=move |_| press.cancel()
                    on:pointerleave=move |_| press.cancel()
                >
                    {content}
                </div>
                {edited}
                {reactions}
                {(mine && selectable).then(|| view! { <ReceiptLabel id seq=message.seq/> })}
            </div>
        </li>
    }
    .into_any()
}

/// The quoted message above a reply's text; tapping it shows the original.
#[component]
fn QuoteBlock(
    quote: Quote,
    jump: Callback<i64>,
    name_of: Callback<UserId, Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let seq = quote.seq;
    let line = move || {
        let lang = i18n.lang.get();
        let who = quote
            .sender_id
            .and_then(|u| name_of.run(u))
            .unwrap_or_else(|| lang.t(Key::NoticeSomeone).to_owned());
        let what = match &quote.body {
            MessageBody::Text { text } => text.clone(),
            MessageBody::Recalled { .. } => lang.t(Key::QuoteRecalled).to_owned(),
            other => other.preview(lang),
        };
        format!("{who}: {what}")
    };
    view! {
        <button
            type="button"
            class="quote"
            on:click=move |ev| {
                ev.stop_propagation();
                jump.run(seq);
            }
        >
            {line}
        </button>
    }
}

/// The reactions under a bubble: each emoji with who reacted (names for up to three, else the
/// count); tapping one adds or removes the reader's own.
#[component]
fn ReactionRow(
    id: MessageId,
    reactions: Vec<shared::model::Reaction>,
    name_of: Callback<UserId, Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let store = use_store();
    let actions = expect_context::<ChatActions>();
    let me = store.state.with_untracked(|s| s.me);
    view! {
        <div class="reactions">
            {reactions
                .into_iter()
                .map(|r| {
                    let mine = me.is_some_and(|u| r.users.contains(&u));
                    let emoji = r.emoji.clone();
                    let users = r.users.clone();
                    let names = move || {
                        let lang = i18n.lang.get();
                        users
                            .iter()
                            .map(|u| {
                                name_of
                                    .run(*u)
                                    .unwrap_or_else(|| lang.t(Key::NoticeSomeone).to_owned())
                            })
                            .collect::<Vec<_>>()
                            .join(lang.t(Key::NoticeListSeparator))
                    };
                    let count = r.users.len();
                    let shown = {
                        let names = names.clone();
                        move || if count <= 3 { names() } else { count.to_string() }
                    };
                    let label = {
                        let emoji = r.emoji.clone();
                        move || {
                            i18n.lang
                                .get()
                                .t(Key::ReactedBy)
                                .replace("{users}", &names())
                                .replace("{emoji}", &emoji)
                        }
                    };
                    view! {
                        <button
                            type="button"
                            class="reaction"
                            class:mine=mine
                            aria-pressed=mine.to_string()
                            aria-label=label.clone()
                            title=label
                            on:click=move |ev| {
                                ev.stop_propagation();
                                toggle_reaction(store, actions, id, emoji.clone(), !mine);
                            }
                        >
                            <span class="reaction-emoji">{r.emoji.clone()}</span>
                            <span class="reaction-who">{shown}</span>
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// A message not stored yet: "sending", or "not sent" with a retry button.
#[component]
fn PendingBubble(pending: Pending, send: Callback<Pending>) -> impl IntoView {
    let i18n = use_i18n();
    let retry = Pending {
        failed: None,
        ..pending.clone()
    };
    let Pending { text, failed, .. } = pending;
    let is_failed = failed.is_some();
    view! {
        <li class="message mine pending" class:failed=is_failed>
            {match failed {
                Some(err) => {
                    // Retrying helps only when the network or the server's load was in the way.
                    let retry = err.is_transient().then(|| {
                        view! {
                            <button
                                type="button"
                                class="link-button"
                                on:click=move |_| {
                                    send.run(retry.clone())
                                }
                            >
                                {i18n.tr(Key::Retry)}
                            </button>
                        }
                    });
                    view! {
                        <span class="send-state failed" role="alert">
                            <span class="send-reason">
                                {move || {
                                    let lang = i18n.lang.get();
                                    let colon = if lang == Lang::Zh { "：" } else { ": " };
                                    format!("{}{colon}{}", lang.t(Key::SendFailed), i18n.error(&err))
                                }}
                            </span>
                            {retry}
                        </span>
                    }
                        .into_any()
                }
                None => {
                    view! { <span class="send-state">{i18n.tr(Key::SendingMessage)}</span> }
                        .into_any()
                }
            }}
            <div class="bubble">{text}</div>
        </li>
    }
}

/// The input bar: emoji button, the message box (Enter sends, Shift+Enter breaks the line) and
/// the Send button.
#[component]
fn InputBar(
    id: ConversationId,
    store: Store,
    pending: RwSignal<Vec<Pending>>,
    uploads: RwSignal<Vec<Upload>>,
    send: Callback<Pending>,
) -> AnyView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let text = RwSignal::new(String::new());
    // The members picked with `@` for the text being written.
    let picks: RwSignal<Vec<(Option<UserId>, String)>> = RwSignal::new(Vec::new());
    let mention_open = RwSignal::new(false);
    let last_typing = StoredValue::new(0i64);
    let emoji_open = RwSignal::new(false);
    let attach_open = RwSignal::new(false);
    let voice_mode = RwSignal::new(false);
    let close_attach = Callback::new(move |()| attach_open.set(false));
    // A muted member (or a user whose right to speak was revoked) is told before typing.
    let session = crate::session::use_session();
    let standing = use_context::<GroupStanding>();
    let silence = Memo::new(move |_| {
        let can_speak = session
            .me
            .get()
            .and_then(Result::ok)
            .flatten()
            .is_none_or(|me| me.has_right(rights::SPEAK));
        let system = store.state.with(|s| {
            s.conversations
                .get(&id)
                .is_some_and(|c| c.kind == ConversationKind::System)
        });
        if system {
            return Some((Key::SystemChatReadOnly, None));
        }
        silenced(can_speak, standing.and_then(|s| s.0.get()), now_ms())
    });
    let silence_text = move || {
        silence.get().map(|(key, until)| {
            let text = i18n.lang.get().t(key);
            match until {
                Some(until) => text.replace("{until}", &shared::ui::format_time(until)),
                None => text.to_owned(),
            }
        })
    };
    let textarea: NodeRef<leptos::html::Textarea> = NodeRef::new();
    // The box starts from this conversation's draft and keeps it as it changes.
    Effect::new(move |_| {
        if let Some(draft) = store.drafts.with_untracked(|d| d.get(&id).cloned()) {
            text.set(draft);
        }
    });
    Effect::new(move |first: Option<()>| {
        let current = text.get();
        if first.is_some() {
            store.set_draft(id, &current);
        }
    });
    let actions = expect_context::<ChatActions>();
    // Editing puts the message's text in the box; re-editing a recalled text too.
    Effect::new(move |_| {
        if let Some(m) = actions.editing.get()
            && let MessageBody::Text { text: t } = &m.body
        {
            text.set(t.clone());
        }
    });
    Effect::new(move |_| {
        if let Some(t) = actions.compose.get() {
            text.set(t);
            actions.compose.set(None);
        }
    });
    let submit = move || {
        let body = text.get_untracked();
        if body.trim().is_empty() {
            return;
        }
        if let Some(editing) = actions.editing.get_untracked() {
            let message_id = editing.id;
            leptos::task::spawn_local(async move {
                match edit_message(message_id, body).await {
                    Ok(m) => {
                        store.state.try_update(|s| s.replace_message(m));
                        actions.editing.try_set(None);
                        text.try_set(String::new());
                    }
                    Err(e) => {
                        actions.error.try_set(Some(e));
                    }
                }
            });
            return;
        }
        let reply_to = actions.reply_to.get_untracked().map(|m| m.id);
        actions.reply_to.set(None);
        let mentions = crate::mentions::ranges(&body, &picks.get_untracked());
        picks.set(Vec::new());
        let outgoing = Pending {
            client_msg_id: new_client_msg_id(),
            text: body,
            reply_to,
            mentions,
            created_at: now_ms(),
            failed: None,
        };
        pending.update(|p| p.push(outgoing.clone()));
        text.set(String::new());
        emoji_open.set(false);
        send.run(outgoing);
    };
    let names = use_context::<NoticeNames>();
    let session = crate::session::use_session();
    // "Replying to X: …" or "Editing message", with a button that drops it.
    let context_bar = move || {
        let lang = i18n.lang.get();
        if actions.editing.with(Option::is_some) {
            return Some((lang.t(Key::EditingMessage).to_owned(), true));
        }
        let m = actions.reply_to.get()?;
        let me = store.state.with_untracked(|s| s.me);
        let who = m
            .sender_id
            .and_then(|u| {
                if Some(u) == me {
                    session
                        .me
                        .get_untracked()
                        .and_then(Result::ok)
                        .flatten()
                        .map(|m| m.nickname)
                } else {
                    names.and_then(|n| {
                        n.0.with_untracked(|l| {
                            l.iter().find(|(id, _)| *id == u).map(|(_, n)| n.clone())
                        })
                    })
                }
            })
            .unwrap_or_else(|| lang.t(Key::NoticeSomeone).to_owned());
        let what = match &m.body {
            MessageBody::Text { text } => text.chars().take(40).collect(),
            other => other.preview(lang),
        };
        Some((
            format!(
                "{}: {what}",
                lang.t(Key::ReplyingTo).replace("{user}", &who)
            ),
            false,
        ))
    };
    let insert_text = move |s: &str| {
        let current = text.get_untracked();
        let (start, end) = textarea
            .get_untracked()
            .map(|t| {
                (
                    t.selection_start().ok().flatten(),
                    t.selection_end().ok().flatten(),
                )
            })
            .unwrap_or((None, None));
        let (next, caret) = insert_at(&current, start, end, s);
        text.set(next.clone());
        if let Some(t) = textarea.get_untracked() {
            t.set_value(&next);
            let _ = t.focus();
            let _ = t.set_selection_range(caret, caret);
        }
    };
    let insert = move |emoji: &'static str| insert_text(emoji);
    view! {
        <form
            class="input-bar"
            on:submit=move |ev| {
                ev.prevent_default();
                submit();
            }
        >
            <Show when=move || emoji_open.get()>
                <EmojiPicker on_pick=insert/>
            </Show>
            <Show when=move || mention_open.get()>
                <crate::mentions::MentionPicker
                    me=store.state.with_untracked(|s| s.me)
                    members=Signal::derive(move || names.map(|n| n.0.get()).unwrap_or_default())
                    manages=actions.manages
                    on_pick=Callback::new(move |(user, name): (Option<UserId>, String)| {
                        mention_open.set(false);
                        let display = format!("@{name}");
                        // The `@` is typed already: the name and a space follow it.
                        insert_text(&format!("{name} "));
                        picks.update(|p| p.push((user, display)));
                    })
                    on_close=Callback::new(move |()| mention_open.set(false))
                />
            </Show>
            <p class="input-silenced" role="status" hidden=move || silence.get().is_none()>
                {silence_text}
            </p>
            {move || {
                context_bar()
                    .map(|(line, editing)| {
                        view! {
                            <div class="input-context" class:editing=editing>
                                <span class="input-context-text">{line}</span>
                                <button
                                    type="button"
                                    class="link-button"
                                    aria-label=i18n.tr(if editing { Key::Cancel } else { Key::CancelReply })
                                    on:click=move |_| {
                                        if actions.editing.get_untracked().is_some() {
                                            text.set(String::new());
                                        }
                                        actions.editing.set(None);
                                        actions.reply_to.set(None);
                                    }
                                >
                                    "×"
                                </button>
                            </div>
                        }
                    })
            }}
            <div class="input-row" hidden=move || silence.get().is_some()>
                <button
                    type="button"
                    class="voice-toggle"
                    aria-label=move || {
                        let key = if voice_mode.get() { Key::KeyboardInput } else { Key::VoiceInput };
                        i18n.lang.get().t(key)
                    }
                    aria-pressed=move || voice_mode.get().to_string()
                    disabled=move || !hydrated.get()
                    on:click=move |_| {
                        voice_mode.update(|v| *v = !*v);
                        emoji_open.set(false);
                        attach_open.set(false);
                    }
                >
                    {move || {
                        if voice_mode.get() {
                            view! { <KeyboardIcon/> }.into_any()
                        } else {
                            view! { <MicIcon/> }.into_any()
                        }
                    }}
                </button>
                <Show
                    when=move || !voice_mode.get()
                    fallback=move || view! { <HoldToTalk id store uploads/> }
                >
                <button
                    type="button"
                    class="emoji-button"
                    aria-label=i18n.tr(Key::EmojiPicker)
                    aria-expanded=move || emoji_open.get().to_string()
                    disabled=move || !hydrated.get()
                    on:click=move |_| emoji_open.update(|o| *o = !*o)
                >
                    "☺"
                </button>
                <textarea
                    node_ref=textarea
                    rows="1"
                    aria-label=i18n.tr(Key::MessageInput)
                    prop:value=move || text.get()
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        let typed_at = text.with_untracked(|old| value.len() == old.len() + 1);
                        // A fresh `@` in a group opens the member picker.
                        if actions.is_group && typed_at && caret_after_at(textarea) {
                            mention_open.set(true);
                        }
                        text.set(value);
                        // The other side of a direct chat sees "typing…" (a notice every
                        // three seconds at most).
                        if !actions.is_group && now_ms() - last_typing.get_value() > 3000 {
                            last_typing.set_value(now_ms());
                            leptos::task::spawn_local(async move {
                                let _ = shared::api::messages::set_typing(id).await;
                            });
                        }
                    }
                    on:keydown=move |ev| {
                        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
                            ev.prevent_default();
                            submit();
                        }
                    }
                ></textarea>
                </Show>
                <Show
                    when=move || voice_mode.get() || text.with(|t| t.trim().is_empty())
                    fallback=move || {
                        view! {
                            <button
                                type="submit"
                                class="button primary small"
                                disabled=move || !hydrated.get()
                            >
                                {move || {
                                    let key = if actions.editing.with(Option::is_some) {
                                        Key::Save
                                    } else {
                                        Key::Send
                                    };
                                    i18n.lang.get().t(key)
                                }}
                            </button>
                        }
                    }
                >
                    <button
                        type="button"
                        class="attach-button"
                        aria-label=i18n.tr(Key::MoreActions)
                        aria-expanded=move || attach_open.get().to_string()
                        disabled=move || !hydrated.get()
                        on:click=move |_| {
                            attach_open.update(|o| *o = !*o);
                            emoji_open.set(false);
                        }
                    >
                        "+"
                    </button>
                </Show>
            </div>
            <Show when=move || attach_open.get()>
                <AttachPanel id store uploads close=close_attach/>
            </Show>
        </form>
    }
    .into_any()
}

/// Whether the character just before the message box's caret is an `@` (just typed).
#[cfg(feature = "hydrate")]
fn caret_after_at(textarea: NodeRef<leptos::html::Textarea>) -> bool {
    let Some(t) = textarea.get_untracked() else {
        return false;
    };
    let caret = t.selection_start().ok().flatten().unwrap_or(0) as usize;
    let units: Vec<u16> = t.value().encode_utf16().collect();
    caret > 0 && units.get(caret - 1) == Some(&u16::from(b'@'))
}

#[cfg(not(feature = "hydrate"))]
fn caret_after_at(_textarea: NodeRef<leptos::html::Textarea>) -> bool {
    false
}

/// Inserts `s` into `text` replacing the selection given in UTF-16 units (the browser's), or at
/// the end without one; returns the new text and the caret after the insertion (UTF-16).
fn insert_at(text: &str, start: Option<u32>, end: Option<u32>, s: &str) -> (String, u32) {
    let units: Vec<u16> = text.encode_utf16().collect();
    let len = units.len();
    let start = start.map_or(len, |v| (v as usize).min(len));
    let end = end.map_or(start, |v| (v as usize).clamp(start, len));
    let mut out: Vec<u16> = units[..start].to_vec();
    out.extend(s.encode_utf16());
    let caret = out.len();
    out.extend_from_slice(&units[end..]);
    (
        String::from_utf16_lossy(&out),
        u32::try_from(caret).unwrap_or(u32::MAX),
    )
}

/// Whether this runs in the browser (effects run there only after hydration).
fn hydrated_now() -> bool {
    cfg!(feature = "hydrate")
}

#[cfg(feature = "hydrate")]
pub(crate) fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

#[cfg(not(feature = "hydrate"))]
pub(crate) fn now_ms() -> i64 {
    0
}

/// A random id for one send; retries reuse it.
#[cfg(feature = "hydrate")]
pub(crate) fn new_client_msg_id() -> String {
    let random = (js_sys::Math::random() * 9_007_199_254_740_991.0) as u64;
    format!("w{:x}-{random:x}", now_ms())
}

#[cfg(not(feature = "hydrate"))]
pub(crate) fn new_client_msg_id() -> String {
    String::from("server")
}

/// Scrolls the message with `seq` into the middle of the screen and highlights it briefly.
#[cfg(feature = "hydrate")]
fn show_message(seq: i64) {
    let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| {
        d.query_selector(&format!(".message-list [data-seq=\"{seq}\"]"))
            .ok()
            .flatten()
    }) else {
        return;
    };
    let options = web_sys::ScrollIntoViewOptions::new();
    options.set_block(web_sys::ScrollLogicalPosition::Center);
    el.scroll_into_view_with_scroll_into_view_options(&options);
    let _ = el.class_list().add_1("flash");
    set_timeout(
        move || {
            let _ = el.class_list().remove_1("flash");
        },
        std::time::Duration::from_millis(1500),
    );
}

#[cfg(not(feature = "hydrate"))]
fn show_message(_seq: i64) {}

#[cfg(feature = "hydrate")]
fn scroll_to_bottom() {
    if let Some(w) = web_sys::window() {
        w.scroll_to_with_x_and_y(0.0, 1e9);
    }
}

#[cfg(not(feature = "hydrate"))]
fn scroll_to_bottom() {}

/// The document's full height in CSS pixels (0 outside a browser).
#[cfg(feature = "hydrate")]
fn page_height() -> f64 {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .map_or(0.0, |e| f64::from(e.scroll_height()))
}

#[cfg(not(feature = "hydrate"))]
fn page_height() -> f64 {
    0.0
}

/// After the next render, scrolls down by however much the document grew beyond `before`, so
/// that history inserted above leaves the visible messages where they were.
#[cfg(feature = "hydrate")]
fn keep_place(before: f64) {
    request_animation_frame(move || {
        let grown = page_height() - before;
        if let Some(w) = web_sys::window()
            && grown > 0.0
        {
            w.scroll_by_with_x_and_y(0.0, grown);
        }
    });
}

#[cfg(not(feature = "hydrate"))]
fn keep_place(_before: f64) {}

/// Calls `on_top` whenever the reader scrolls the page to its very top (until the page unmounts).
#[cfg(feature = "hydrate")]
fn on_scroll_to_top(on_top: impl Fn() + 'static) {
    let handle = window_event_listener(leptos::ev::scroll, move |_| {
        let at_top = web_sys::window()
            .and_then(|w| w.scroll_y().ok())
            .is_some_and(|y| y <= 0.0);
        if at_top {
            on_top();
        }
    });
    on_cleanup(move || handle.remove());
}

#[cfg(not(feature = "hydrate"))]
fn on_scroll_to_top(_on_top: impl Fn() + 'static) {}

#[cfg(test)]
mod tests {
    use super::insert_at;

    #[test]
    fn inserts_at_the_caret_in_utf16_units() {
        assert_eq!(insert_at("ab", Some(1), Some(1), "😀"), ("a😀b".into(), 3));
        assert_eq!(insert_at("你好", Some(0), Some(2), "x"), ("x".into(), 1));
        assert_eq!(insert_at("😀", None, None, "!"), ("😀!".into(), 3));
    }
}
