//! Acting on a message in a chat: the long-press menu (quick reactions, reply, copy, forward,
//! select, edit, recall, delete) and the state the chat screen shares with it.

use leptos::prelude::*;
use shared::AppError;
use shared::api::messages::{delete_message_for_me, react_message, recall_message};
use shared::i18n::Key;
use shared::ids::{ConversationId, MessageId, UserId};
use shared::model::{Message, MessageBody, REACTIONS};
use shared::ui::use_i18n;

use crate::store::Store;

/// What the chat screen and its message actions share (provided as context by the chat).
#[derive(Clone, Copy)]
pub struct ChatActions {
    /// The conversation.
    pub conversation: ConversationId,
    /// The message whose menu is open.
    pub menu: RwSignal<Option<Message>>,
    /// The message the next send replies to.
    pub reply_to: RwSignal<Option<Message>>,
    /// The message whose text the input bar is editing.
    pub editing: RwSignal<Option<Message>>,
    /// In multi-select mode, the selected messages.
    pub selected: RwSignal<Option<Vec<MessageId>>>,
    /// Messages about to be forwarded (and whether merged): the conversation picker is open.
    pub forwarding: RwSignal<Option<(Vec<MessageId>, bool)>>,
    /// The merged forward being read.
    pub history: RwSignal<Option<MessageBody>>,
    /// The message whose readers are listed.
    pub readers: RwSignal<Option<MessageId>>,
    /// Texts of the reader's own recalled messages, for "Re-edit" (this page only).
    pub recalled_texts: RwSignal<Vec<(MessageId, String)>>,
    /// Text to put into the input bar (re-edit).
    pub compose: RwSignal<Option<String>>,
    /// The last action's failure, shown above the input bar.
    pub error: RwSignal<Option<AppError>>,
    /// A short confirmation ("Copied", "Forwarded").
    pub toast: RwSignal<Option<Key>>,
    /// Whether the reader owns or administers this group.
    pub manages: Signal<bool>,
    /// Whether this is a group chat.
    pub is_group: bool,
    /// How long after sending its sender may recall a message (the server's setting).
    pub recall_window_ms: RwSignal<i64>,
}

impl ChatActions {
    /// A fresh set for `conversation`.
    pub fn new(conversation: ConversationId, manages: Signal<bool>, is_group: bool) -> Self {
        ChatActions {
            conversation,
            menu: RwSignal::new(None),
            reply_to: RwSignal::new(None),
            editing: RwSignal::new(None),
            selected: RwSignal::new(None),
            forwarding: RwSignal::new(None),
            history: RwSignal::new(None),
            readers: RwSignal::new(None),
            recalled_texts: RwSignal::new(Vec::new()),
            compose: RwSignal::new(None),
            recall_window_ms: RwSignal::new(
                i64::try_from(shared::model::RECALL_WINDOW_DEFAULT_SECS * 1000).unwrap_or(0),
            ),
            error: RwSignal::new(None),
            toast: RwSignal::new(None),
            manages,
            is_group,
        }
    }

    /// Shows a short confirmation for two seconds.
    pub fn flash(self, key: Key) {
        self.toast.set(Some(key));
        set_timeout(
            move || {
                let _ = self.toast.try_update(|t| {
                    if *t == Some(key) {
                        *t = None;
                    }
                });
            },
            std::time::Duration::from_secs(2),
        );
    }

    /// Toggles `message` in multi-select mode.
    pub fn toggle_selected(self, message: MessageId) {
        self.selected.update(|s| {
            if let Some(list) = s {
                if let Some(i) = list.iter().position(|m| *m == message) {
                    list.remove(i);
                } else if list.len() < shared::model::FORWARD_MERGED_MAX {
                    list.push(message);
                }
            }
        });
    }
}

/// Whether a message can be acted on at all (not a notice, not recalled).
pub fn actionable(message: &Message) -> bool {
    !matches!(
        message.body,
        MessageBody::System { .. } | MessageBody::Recalled { .. }
    )
}

/// Adds or removes the reader's reaction and puts the answer in the store.
pub fn toggle_reaction(
    store: Store,
    actions: ChatActions,
    message: MessageId,
    emoji: String,
    on: bool,
) {
    leptos::task::spawn_local(async move {
        match react_message(message, emoji, on).await {
            Ok(m) => {
                store.state.try_update(|s| s.replace_message(m));
            }
            Err(e) => {
                actions.error.try_set(Some(e));
            }
        }
    });
}

/// Which confirmation the menu is showing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Confirm {
    Recall,
    Delete,
}

/// The bottom sheet of actions for the message in `actions.menu`.
#[component]
pub fn MessageMenu(
    /// The app's store.
    store: Store,
    /// The reader.
    me: Memo<Option<UserId>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let actions = expect_context::<ChatActions>();
    let confirm: RwSignal<Option<Confirm>> = RwSignal::new(None);
    let close = move || {
        actions.menu.set(None);
        confirm.set(None);
    };
    let sheet = move || {
        let message = actions.menu.get()?;
        let me = me.get();
        let id = message.id;
        let mine = message.sender_id.is_some() && message.sender_id == me;
        let now = crate::pages::chat::now_ms();
        let window = actions.recall_window_ms.get_untracked();
        let may_recall = (mine && now - message.created_at <= window)
            || (actions.is_group && actions.manages.get_untracked());
        let may_edit = me.is_some_and(|u| message.editable_by(u, now));
        let text = match &message.body {
            MessageBody::Text { text } => Some(text.clone()),
            _ => None,
        };
        let reacted: Vec<String> = message
            .reactions
            .iter()
            .filter(|r| me.is_some_and(|u| r.users.contains(&u)))
            .map(|r| r.emoji.clone())
            .collect();
        let reply_message = message.clone();
        let edit_message = message.clone();
        let recalled_text = text.clone();
        let copy_text = text.clone();
        Some(view! {
            <div class="sheet-backdrop" on:click=move |_| close()></div>
            <div class="action-sheet message-menu" role="dialog" aria-label=i18n.tr(Key::MessageActions)>
                <Show
                    when=move || confirm.get().is_none()
                    fallback=move || {
                        let which = confirm.get();
                        let question = match which {
                            Some(Confirm::Recall) => Key::ConfirmRecall,
                            _ => Key::ConfirmDeleteForMe,
                        };
                        let action = match which {
                            Some(Confirm::Recall) => Key::ActionRecall,
                            _ => Key::ActionDelete,
                        };
                        let recalled_text = recalled_text.clone();
                        view! {
                            <p class="sheet-question">{i18n.tr(question)}</p>
                            <button
                                type="button"
                                class="sheet-item danger"
                                on:click=move |_| {
                                    close();
                                    // Kept before asking: the recall's event may arrive first.
                                    if which == Some(Confirm::Recall)
                                        && let Some(t) = recalled_text.clone()
                                    {
                                        actions.recalled_texts.update(|r| r.push((id, t)));
                                    }
                                    leptos::task::spawn_local(async move {
                                        let done = match which {
                                            Some(Confirm::Recall) => match recall_message(id).await {
                                                Ok(m) => {
                                                    store.state.try_update(|s| s.replace_message(m));
                                                    Ok(())
                                                }
                                                Err(e) => {
                                                    actions.recalled_texts.try_update(|r| r.retain(|(m, _)| *m != id));
                                                    Err(e)
                                                }
                                            },
                                            _ => match delete_message_for_me(id).await {
                                                Ok(()) => {
                                                    store.state.try_update(|s| s.hide_message(actions.conversation, id));
                                                    Ok(())
                                                }
                                                Err(e) => Err(e),
                                            },
                                        };
                                        if let Err(e) = done {
                                            actions.error.try_set(Some(e));
                                        }
                                    });
                                }
                            >
                                {i18n.tr(action)}
                            </button>
                            <button type="button" class="sheet-item" on:click=move |_| close()>
                                {i18n.tr(Key::Cancel)}
                            </button>
                        }
                    }
                >
                    <div class="reaction-picker" role="group" aria-label=i18n.tr(Key::MessageActions)>
                        {REACTIONS
                            .iter()
                            .map(|emoji| {
                                let on = !reacted.iter().any(|r| r == emoji);
                                let label = move || i18n.lang.get().t(Key::ReactWith).replace("{emoji}", emoji);
                                view! {
                                    <button
                                        type="button"
                                        class="reaction-choice"
                                        class:chosen=!on
                                        aria-label=label
                                        on:click=move |_| {
                                            close();
                                            toggle_reaction(store, actions, id, (*emoji).to_owned(), on);
                                        }
                                    >
                                        {*emoji}
                                    </button>
                                }
                            })
                            .collect_view()}
                    </div>
                    <div class="sheet-items" role="menu">
                        {
                            let reply_message = reply_message.clone();
                            view! {
                                <button
                                    type="button"
                                    class="sheet-item"
                                    role="menuitem"
                                    on:click=move |_| {
                                        actions.editing.set(None);
                                        actions.reply_to.set(Some(reply_message.clone()));
                                        close();
                                        focus_input();
                                    }
                                >
                                    {i18n.tr(Key::ActionReply)}
                                </button>
                            }
                        }
                        {copy_text.clone().map(|t| view! {
                            <button
                                type="button"
                                class="sheet-item"
                                role="menuitem"
                                on:click=move |_| {
                                    crate::components::share::copy_to_clipboard(&t);
                                    close();
                                    actions.flash(Key::Copied);
                                }
                            >
                                {i18n.tr(Key::ActionCopy)}
                            </button>
                        })}
                        <button
                            type="button"
                            class="sheet-item"
                            role="menuitem"
                            on:click=move |_| {
                                close();
                                actions.forwarding.set(Some((vec![id], false)));
                            }
                        >
                            {i18n.tr(Key::ActionForward)}
                        </button>
                        <button
                            type="button"
                            class="sheet-item"
                            role="menuitem"
                            on:click=move |_| {
                                close();
                                actions.selected.set(Some(vec![id]));
                            }
                        >
                            {i18n.tr(Key::ActionMultiSelect)}
                        </button>
                        {may_edit.then(|| {
                            let edit_message = edit_message.clone();
                            view! {
                                <button
                                    type="button"
                                    class="sheet-item"
                                    role="menuitem"
                                    on:click=move |_| {
                                        actions.reply_to.set(None);
                                        actions.editing.set(Some(edit_message.clone()));
                                        close();
                                        focus_input();
                                    }
                                >
                                    {i18n.tr(Key::ActionEdit)}
                                </button>
                            }
                        })}
                        {may_recall.then(|| view! {
                            <button
                                type="button"
                                class="sheet-item"
                                role="menuitem"
                                on:click=move |_| confirm.set(Some(Confirm::Recall))
                            >
                                {i18n.tr(Key::ActionRecall)}
                            </button>
                        })}
                        {(!mine && message.sender_id.is_some()).then(|| view! {
                            <a
                                class="sheet-item"
                                role="menuitem"
                                href=format!("/report/message/{}", id.0)
                                on:click=move |_| close()
                            >
                                {i18n.tr(Key::ActionReport)}
                            </a>
                        })}
                        <button
                            type="button"
                            class="sheet-item danger"
                            role="menuitem"
                            on:click=move |_| confirm.set(Some(Confirm::Delete))
                        >
                            {i18n.tr(Key::ActionDelete)}
                        </button>
                        <button type="button" class="sheet-item" on:click=move |_| close()>
                            {i18n.tr(Key::Cancel)}
                        </button>
                    </div>
                </Show>
            </div>
        }
        .into_any())
    };
    view! { {sheet} }
}

/// Focuses the chat's message box.
#[cfg(feature = "hydrate")]
pub fn focus_input() {
    use leptos::wasm_bindgen::JsCast;
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(".input-bar textarea").ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// Focuses the chat's message box (nothing outside a browser).
#[cfg(not(feature = "hydrate"))]
pub fn focus_input() {}
