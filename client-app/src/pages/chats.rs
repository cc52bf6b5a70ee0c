//! The Chats tab: the caller's conversations, live from the chat store, pinned first, then by
//! last activity.

use leptos::prelude::*;
use shared::LocalTime;
use shared::i18n::{Key, notice_text};
use shared::ids::UserId;
use shared::model::{ConversationSummary, MessageBody};
use shared::ui::use_i18n;
use shared::when::TimeStyle;

use crate::components::avatar::face;
use crate::components::badge::CountBadge;
use crate::components::status::EmptyState;
use crate::store::use_store;

/// The conversation list, or an empty state when there is none yet.
#[component]
pub fn ChatsPage() -> impl IntoView {
    let i18n = use_i18n();
    let store = use_store();
    let list = Memo::new(move |_| store.state.with(|s| s.sorted_conversations()));
    view! {
        <header class="page-header">
            <h1>{i18n.tr(Key::TabChats)}</h1>
        </header>
        <Show
            when=move || list.with(|l| !l.is_empty())
            fallback=|| view! { <EmptyState title=Key::NoChatsYet hint=Key::NoChatsHint/> }
        >
            <ul class="conversation-list" aria-label=i18n.tr(Key::TabChats)>
                <For
                    each=move || list.get()
                    key=|c| (c.id, c.last_seq, c.unread, c.title.clone(), c.pinned)
                    let:conversation
                >
                    <ConversationRow conversation/>
                </For>
            </ul>
        </Show>
    }
}

/// One conversation: avatar, title, last message, time and unread badge; a link to the chat.
#[component]
fn ConversationRow(
    /// The conversation to show.
    conversation: ConversationSummary,
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
    let preview = move || {
        let lang = i18n.lang.get();
        last_body
            .as_ref()
            .map(|body| match body {
                MessageBody::System { notice } if peer.is_some() => {
                    let me = store.state.with_untracked(|s| s.me);
                    let name = |u: UserId| {
                        peer.as_ref()
                            .filter(|(p, _)| *p == u)
                            .map(|(_, title)| title.clone())
                    };
                    notice_text(lang, notice, me, &name)
                }
                MessageBody::Recalled { by } => {
                    let me = store.state.with_untracked(|s| s.me);
                    let name = |u: UserId| {
                        peer.as_ref()
                            .filter(|(p, _)| *p == u)
                            .map(|(_, title)| title.clone())
                    };
                    shared::i18n::recall_text(lang, *by, me, &name)
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
    view! {
        <li class="conversation" class:pinned=conversation.pinned>
            <a class="conversation-link" href=format!("/chat/{}", conversation.id)>
                <div class="avatar" aria-hidden="true">{face(conversation.avatar_url.clone(), initial)}</div>
                <div class="conversation-text">
                    <div class="conversation-top">
                        <span class="conversation-title">{conversation.title.clone()}</span>
                        <span class="conversation-time">
                            <LocalTime ms=conversation.updated_at style=TimeStyle::List/>
                        </span>
                    </div>
                    <p class="conversation-preview">{mention}{line}</p>
                </div>
                <CountBadge count=Signal::stored(unread) label=Key::Unread/>
            </a>
        </li>
    }
}
