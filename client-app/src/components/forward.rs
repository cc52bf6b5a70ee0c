//! Forwarding: the multi-select bar, the conversation picker, and merged forwards ("chat
//! history" cards and the page that opens one).

use leptos::prelude::*;
use shared::LocalTime;
use shared::api::messages::forward_messages;
use shared::i18n::{Key, chat_history_title};
use shared::ids::ConversationId;
use shared::model::{FORWARD_SEPARATE_MAX, FORWARD_TARGETS_MAX, ForwardedItem, MessageBody};
use shared::ui::use_i18n;
use shared::when::TimeStyle;

use crate::components::avatar::face;
use crate::components::message_menu::ChatActions;
use crate::store::Store;

/// The bar replacing the input in multi-select mode: the count, forward one by one, forward
/// merged, cancel.
#[component]
pub fn SelectionBar() -> impl IntoView {
    let i18n = use_i18n();
    let actions = expect_context::<ChatActions>();
    let count = move || actions.selected.with(|s| s.as_ref().map_or(0, Vec::len));
    let forward = move |merged: bool| {
        let ids = actions.selected.get_untracked().unwrap_or_default();
        if !ids.is_empty() {
            actions.forwarding.set(Some((ids, merged)));
        }
    };
    view! {
        <div class="selection-bar" role="toolbar">
            <span class="selection-count">
                {move || i18n.lang.get().t(Key::SelectedCount).replace("{n}", &count().to_string())}
            </span>
            <button
                type="button"
                class="button small"
                disabled=move || { count() == 0 || count() > FORWARD_SEPARATE_MAX }
                on:click=move |_| forward(false)
            >
                {i18n.tr(Key::ForwardOneByOne)}
            </button>
            <button
                type="button"
                class="button primary small"
                disabled=move || count() == 0
                on:click=move |_| forward(true)
            >
                {i18n.tr(Key::ForwardMerged)}
            </button>
            <button
                type="button"
                class="link-button"
                on:click=move |_| actions.selected.set(None)
            >
                {i18n.tr(Key::Cancel)}
            </button>
        </div>
    }
}

/// The conversation picker for a forward: tick up to nine conversations, then send.
#[component]
pub fn ForwardSheet(
    /// The app's store (the conversations to pick from).
    store: Store,
) -> impl IntoView {
    let i18n = use_i18n();
    let actions = expect_context::<ChatActions>();
    let chosen: RwSignal<Vec<ConversationId>> = RwSignal::new(Vec::new());
    let busy = RwSignal::new(false);
    let close = move || {
        actions.forwarding.set(None);
        chosen.set(Vec::new());
    };
    let send = move || {
        let Some((ids, merged)) = actions.forwarding.get_untracked() else {
            return;
        };
        let targets = chosen.get_untracked();
        if targets.is_empty() {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match forward_messages(ids, targets, merged).await {
                Ok(sent) => {
                    store.state.try_update(|s| {
                        for m in sent {
                            s.add_message(m);
                        }
                    });
                    actions.selected.try_set(None);
                    actions.forwarding.try_set(None);
                    chosen.try_set(Vec::new());
                    actions.flash(Key::ForwardDone);
                }
                Err(e) => {
                    actions.forwarding.try_set(None);
                    actions.error.try_set(Some(e));
                }
            }
            busy.try_set(false);
        });
    };
    let list = move || store.state.with(|s| s.sorted_conversations());
    view! {
        <Show when=move || actions.forwarding.with(Option::is_some)>
            <div class="sheet-backdrop" on:click=move |_| close()></div>
            <div class="action-sheet forward-sheet" role="dialog" aria-label=i18n.tr(Key::ForwardTo)>
                <h2 class="sheet-title">{i18n.tr(Key::ForwardTo)}</h2>
                <ul class="forward-targets">
                    <For each=list key=|c| c.id let:c>
                        {
                            let id = c.id;
                            let initial = crate::components::avatar::initial_of(&c.title);
                            let checked = move || chosen.with(|l| l.contains(&id));
                            view! {
                                <li>
                                    <label class="forward-target">
                                        <input
                                            type="checkbox"
                                            prop:checked=checked
                                            disabled=move || {
                                                !checked() && chosen.with(|l| l.len() >= FORWARD_TARGETS_MAX)
                                            }
                                            on:change=move |_| {
                                                chosen.update(|l| {
                                                    if let Some(i) = l.iter().position(|x| *x == id) {
                                                        l.remove(i);
                                                    } else {
                                                        l.push(id);
                                                    }
                                                })
                                            }
                                        />
                                        <span class="avatar small" aria-hidden="true">
                                            {face(c.avatar_url.clone(), initial)}
                                        </span>
                                        <span class="forward-title">{c.title.clone()}</span>
                                    </label>
                                </li>
                            }
                        }
                    </For>
                </ul>
                <div class="sheet-actions">
                    <button type="button" class="button small" on:click=move |_| close()>
                        {i18n.tr(Key::Cancel)}
                    </button>
                    <button
                        type="button"
                        class="button primary small"
                        disabled=move || busy.get() || chosen.with(Vec::is_empty)
                        on:click=move |_| send()
                    >
                        {move || {
                            let n = chosen.with(Vec::len);
                            let send = i18n.lang.get().t(Key::Send);
                            if n == 0 { send.to_owned() } else { format!("{send} ({n})") }
                        }}
                    </button>
                </div>
            </div>
        </Show>
    }
}

/// A merged forward in a bubble: its title, the first lines, "Chat history".
#[component]
pub fn ChatHistoryCard(
    /// The merged forward.
    body: MessageBody,
) -> impl IntoView {
    let i18n = use_i18n();
    let actions = use_context::<ChatActions>();
    let MessageBody::Forwarded {
        title,
        people,
        items,
    } = body.clone()
    else {
        return ().into_any();
    };
    let lines: Vec<String> = items
        .iter()
        .take(3)
        .map(|item| {
            format!(
                "{}: {}",
                item.sender_name,
                item.body.preview(i18n.lang.get_untracked())
            )
        })
        .collect();
    view! {
        <button
            type="button"
            class="chat-history-card"
            on:click=move |ev| {
                ev.stop_propagation();
                if let Some(a) = actions {
                    a.history.set(Some(body.clone()));
                }
            }
        >
            <span class="chat-history-title">
                {move || chat_history_title(i18n.lang.get(), &title, &people)}
            </span>
            {lines.into_iter().map(|l| view! { <span class="chat-history-line">{l}</span> }).collect_view()}
            <span class="chat-history-footer">{i18n.tr(Key::ChatHistoryCard)}</span>
        </button>
    }
    .into_any()
}

/// The page a merged forward opens: each message with its sender and time.
#[component]
pub fn ChatHistoryView() -> impl IntoView {
    let i18n = use_i18n();
    let actions = expect_context::<ChatActions>();
    move || {
        let MessageBody::Forwarded {
            title,
            people,
            items,
        } = actions.history.get()?
        else {
            return None;
        };
        Some(view! {
            <div class="history-view" role="dialog" aria-label=move || chat_history_title(i18n.lang.get(), &title, &people)>
                <header class="page-header">
                    <button
                        type="button"
                        class="back-link link-button"
                        aria-label=i18n.tr(Key::Close)
                        on:click=move |_| actions.history.set(None)
                    >
                        "‹"
                    </button>
                    <h1>{
                        let title = title.clone();
                        let people = people.clone();
                        move || chat_history_title(i18n.lang.get(), &title, &people)
                    }</h1>
                </header>
                <ol class="history-items">
                    {items.into_iter().map(|item| view! { <HistoryItem item/> }).collect_view()}
                </ol>
            </div>
        }
        .into_any())
    }
}

#[component]
fn HistoryItem(item: ForwardedItem) -> impl IntoView {
    let initial = crate::components::avatar::initial_of(&item.sender_name);
    let content = match &item.body {
        MessageBody::Text { text } => {
            view! { <p class="history-text">{text.clone()}</p> }.into_any()
        }
        MessageBody::Forwarded { .. } => {
            view! { <ChatHistoryCard body=item.body.clone()/> }.into_any()
        }
        body => crate::components::media::media_view(body).unwrap_or_else(|| ().into_any()),
    };
    view! {
        <li class="history-item">
            <span class="avatar small" aria-hidden="true">{face(None, initial)}</span>
            <div class="history-main">
                <p class="history-meta">
                    <span class="history-name">{item.sender_name.clone()}</span>
                    <span class="history-time">
                        <LocalTime ms=item.created_at style=TimeStyle::Chat/>
                    </span>
                </p>
                {content}
            </div>
        </li>
    }
}
