//! The Chats tab: the caller's conversations, live from the chat store, pinned first, then by
//! last activity.

use leptos::prelude::*;
use shared::LocalTime;
use shared::i18n::{Key, notice_text};
use shared::ids::UserId;
use shared::model::{ConversationKind, ConversationSummary, MessageBody};
use shared::ui::use_i18n;
use shared::when::TimeStyle;

use crate::components::avatar::face;
use crate::components::badge::CountBadge;
use crate::components::long_press::LongPress;
use crate::components::status::EmptyState;
use crate::store::use_store;

/// The conversation list, or an empty state when there is none yet.
#[component]
pub fn ChatsPage() -> impl IntoView {
    let i18n = use_i18n();
    let store = use_store();
    let list = Memo::new(move |_| store.state.with(|s| s.sorted_conversations()));
    let menu: RwSignal<Option<ConversationSummary>> = RwSignal::new(None);
    view! {
        <header class="page-header">
            <h1>{i18n.tr(Key::TabChats)}</h1>
        </header>
        <a class="search-bar" href="/search">
            <span aria-hidden="true">"🔍 "</span>
            {i18n.tr(Key::Search)}
        </a>
        <Show
            when=move || list.with(|l| !l.is_empty())
            fallback=|| view! { <EmptyState title=Key::NoChatsYet hint=Key::NoChatsHint/> }
        >
            <ul class="conversation-list" aria-label=i18n.tr(Key::TabChats)>
                <For
                    each=move || list.get()
                    key=|c| (c.id, c.last_seq, c.unread, c.title.clone(), c.pinned, c.muted, c.mentioned)
                    let:conversation
                >
                    <ConversationRow conversation menu/>
                </For>
            </ul>
        </Show>
        <ConversationMenu menu/>
    }
}

/// One conversation: avatar, title, last message, time and unread badge; a link to the chat.
#[component]
fn ConversationRow(
    /// The conversation to show.
    conversation: ConversationSummary,
    /// Where a long press puts the conversation whose actions open.
    menu: RwSignal<Option<ConversationSummary>>,
) -> impl IntoView {
    let initial: String = conversation
        .title
        .chars()
        .next()
        .map(String::from)
        .unwrap_or_default();
    let i18n = use_i18n();
    let last_body = conversation.last_message.as_ref().map(|m| m.body.clone());
    let store = crate::store::use_store();
    // A direct chat's notices name the friend by the conversation's title (a group's members
    // are not loaded here: its notices show in the chat only).
    let peer = conversation
        .peer_id
        .map(|p| (p, conversation.title.clone()));
    // The system chat's notices name nobody.
    let system = conversation.kind == ConversationKind::System;
    let preview = move || {
        let lang = i18n.lang.get();
        last_body
            .as_ref()
            .map(|body| match body {
                MessageBody::System { notice } if peer.is_some() || system => {
                    let me = store.state.with_untracked(|s| s.me);
                    let name = |u: UserId| {
                        peer.as_ref()
                            .filter(|(p, _)| *p == u)
                            .map(|(_, title)| title.clone())
                    };
                    notice_text(lang, notice, me, &name)
                }
                MessageBody::Recalled { by, by_admin } => {
                    let me = store.state.with_untracked(|s| s.me);
                    let name = |u: UserId| {
                        peer.as_ref()
                            .filter(|(p, _)| *p == u)
                            .map(|(_, title)| title.clone())
                    };
                    shared::i18n::recall_text(lang, *by, *by_admin, me, &name)
                }
                other => other.preview(lang),
            })
            .unwrap_or_default()
    };
    let unread = conversation.unread;
    let id = conversation.id;
    let draft = move || store.draft(id).filter(|d| !d.trim().is_empty());
    // "[@me]" while an unread message mentions the reader.
    let mentioned = conversation.mentioned && conversation.unread > 0;
    let mention = move || {
        mentioned.then(|| {
            view! {
                <span class="mention-label">{i18n.tr(Key::MentionedMe)}</span>
                " "
            }
        })
    };
    let line = move || match draft() {
        Some(text) => view! {
            <span class="draft-label">{i18n.tr(Key::Draft)}</span>
            " "
            {text}
        }
        .into_any(),
        None => preview().into_any(),
    };
    let muted = conversation.muted;
    let press = LongPress::new();
    let for_menu = conversation.clone();
    let open = move || menu.set(Some(for_menu.clone()));
    let open_ctx = open.clone();
    let badge = if muted {
        (unread > 0)
            .then(|| view! { <span class="muted-dot" aria-label=i18n.tr(Key::Unread)></span> })
            .into_any()
    } else {
        view! { <CountBadge count=Signal::stored(unread) label=Key::Unread/> }.into_any()
    };
    view! {
        <li
            class="conversation"
            class:pinned=conversation.pinned
            class:muted=muted
            on:contextmenu=move |ev| {
                ev.prevent_default();
                open_ctx();
            }
            on:pointerdown=move |ev| press.start(&ev, open.clone())
            on:pointerup=move |_| press.cancel()
            on:pointercancel=move |_| press.cancel()
            on:pointerleave=move |_| press.cancel()
        >
            <a class="conversation-link" href=format!("/chat/{}", conversation.id)>
                <div class="avatar" aria-hidden="true">{face(conversation.avatar_url.clone(), initial)}</div>
                <div class="conversation-text">
                    <div class="conversation-top">
                        <span class="conversation-title">{conversation.title.clone()}</span>
                        <span class="conversation-time">
                            <LocalTime ms=conversation.updated_at style=TimeStyle::List/>
                        </span>
                        {muted.then(|| view! {
                            <span class="muted-icon" role="img" aria-label=i18n.tr(Key::MutedChat)>
                                <crate::components::icons::BellOffIcon/>
                            </span>
                        })}
                    </div>
                    <p class="conversation-preview">{mention}{line}</p>
                </div>
                {badge}
            </a>
        </li>
    }
}

/// The actions a long press on a conversation opens: pin or unpin, mute or unmute, mark read.
#[component]
fn ConversationMenu(menu: RwSignal<Option<ConversationSummary>>) -> impl IntoView {
    let i18n = use_i18n();
    let store = use_store();
    let error: RwSignal<Option<shared::AppError>> = RwSignal::new(None);
    let flags = move |c: &ConversationSummary, pinned: bool, muted: bool| {
        let id = c.id;
        menu.set(None);
        leptos::task::spawn_local(async move {
            match shared::api::messages::set_conversation_flags(id, pinned, muted).await {
                Ok(()) => {
                    store.state.try_update(|s| {
                        shared::state::apply_event(
                            s,
                            shared::event::ServerEvent::ConversationFlags {
                                conversation_id: id,
                                pinned,
                                muted,
                            },
                        )
                    });
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    view! {
        {move || {
            error
                .get()
                .map(|e| {
                    view! {
                        <p class="form-error list-error" role="alert" on:click=move |_| error.set(None)>
                            {i18n.error(&e)}
                        </p>
                    }
                })
        }}
        {move || {
            let c = menu.get()?;
            let (pin, mute, read) = (c.clone(), c.clone(), c.clone());
            let pin_key = if c.pinned { Key::UnpinChat } else { Key::PinChat };
            let mute_key = if c.muted { Key::UnmuteChat } else { Key::MuteChat };
            Some(view! {
                <div class="sheet-backdrop" on:click=move |_| menu.set(None)></div>
                <div class="action-sheet" role="dialog" aria-label=i18n.tr(Key::ConversationActions)>
                    <p class="sheet-question">{c.title.clone()}</p>
                    <div class="sheet-items" role="menu">
                        <button
                            type="button"
                            class="sheet-item"
                            role="menuitem"
                            on:click=move |_| flags(&pin, !pin.pinned, pin.muted)
                        >
                            {i18n.tr(pin_key)}
                        </button>
                        <button
                            type="button"
                            class="sheet-item"
                            role="menuitem"
                            on:click=move |_| flags(&mute, mute.pinned, !mute.muted)
                        >
                            {i18n.tr(mute_key)}
                        </button>
                        {(c.unread > 0).then(|| view! {
                            <button
                                type="button"
                                class="sheet-item"
                                role="menuitem"
                                on:click=move |_| {
                                    let (id, seq) = (read.id, read.last_seq);
                                    menu.set(None);
                                    store.state.update(|s| s.mark_read(id, seq));
                                    leptos::task::spawn_local(async move {
                                        let _ = shared::api::messages::mark_read(id, seq).await;
                                    });
                                }
                            >
                                {i18n.tr(Key::MarkAsRead)}
                            </button>
                        })}
                        <button type="button" class="sheet-item" on:click=move |_| menu.set(None)>
                            {i18n.tr(Key::Cancel)}
                        </button>
                    </div>
                </div>
            })
        }}
    }
}
