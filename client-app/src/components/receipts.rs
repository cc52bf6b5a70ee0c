//! Read receipts under the reader's own messages: "Read"/"Unread" in a direct chat, "N unread"
//! in a group (tap: who has and has not read), from the other members' read cursors.

use leptos::prelude::*;
use shared::api::messages::list_message_readers;
use shared::i18n::Key;
use shared::ids::{MessageId, UserId};
use shared::ui::use_i18n;

use crate::components::message_menu::ChatActions;

/// The other members' read cursors of the open chat, ascending (empty: no receipts shown).
#[derive(Clone, Copy)]
pub struct Receipts(pub RwSignal<Option<Vec<i64>>>);

/// The receipt under one of the reader's messages.
#[component]
pub fn ReceiptLabel(
    /// The message.
    id: MessageId,
    /// Its seq.
    seq: i64,
) -> impl IntoView {
    let i18n = use_i18n();
    let Some(receipts) = use_context::<Receipts>() else {
        return ().into_any();
    };
    let actions = expect_context::<ChatActions>();
    (move || {
        let cursors = receipts.0.get()?;
        if cursors.is_empty() {
            return None;
        }
        let lang = i18n.lang.get();
        if !actions.is_group {
            let read = cursors.iter().all(|c| *c >= seq);
            let key = if read {
                Key::ReadLabel
            } else {
                Key::UnreadLabel
            };
            return Some(
                view! { <span class="receipt" class:read=read>{lang.t(key)}</span> }.into_any(),
            );
        }
        let unread = cursors.iter().filter(|c| **c < seq).count();
        let text = if unread == 0 {
            lang.t(Key::AllRead).to_owned()
        } else {
            lang.t(Key::UnreadCount).replace("{n}", &unread.to_string())
        };
        Some(
            view! {
                <button
                    type="button"
                    class="receipt link-button"
                    class:read=unread == 0
                    on:click=move |ev| {
                        ev.stop_propagation();
                        actions.readers.set(Some(id));
                    }
                >
                    {text}
                </button>
            }
            .into_any(),
        )
    })
    .into_any()
}

/// Who has and has not read the message in `actions.readers`.
#[component]
pub fn ReadersSheet(
    /// Display names of the group's members.
    names: Signal<Vec<(UserId, String)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let actions = expect_context::<ChatActions>();
    let readers = LocalResource::new(move || {
        let id = actions.readers.get();
        async move {
            match id {
                Some(id) => list_message_readers(id).await.map(Some),
                None => Ok(None),
            }
        }
    });
    let name = move |u: UserId| {
        names.with(|l| {
            l.iter()
                .find(|(id, _)| *id == u)
                .map(|(_, n)| n.clone())
                .unwrap_or_else(|| i18n.lang.get_untracked().t(Key::NoticeSomeone).to_owned())
        })
    };
    let close = move || actions.readers.set(None);
    move || {
        actions.readers.get()?;
        let list = match readers.get() {
            Some(Ok(Some(r))) => view! {
                <h3 class="readers-heading">{i18n.tr(Key::NotReadBy)} " (" {r.unread.len()} ")"</h3>
                <ul class="readers-list" aria-label=i18n.tr(Key::NotReadBy)>
                    {r.unread.iter().map(|u| view! { <li>{name(*u)}</li> }).collect_view()}
                </ul>
                <h3 class="readers-heading">{i18n.tr(Key::ReadBy)} " (" {r.read.len()} ")"</h3>
                <ul class="readers-list" aria-label=i18n.tr(Key::ReadBy)>
                    {r.read.iter().map(|u| view! { <li>{name(*u)}</li> }).collect_view()}
                </ul>
            }
            .into_any(),
            Some(Err(e)) => {
                view! { <p class="form-error" role="alert">{i18n.error(&e)}</p> }.into_any()
            }
            _ => view! { <p class="muted">"…"</p> }.into_any(),
        };
        Some(view! {
            <div class="sheet-backdrop" on:click=move |_| close()></div>
            <div class="action-sheet readers-sheet" role="dialog" aria-label=i18n.tr(Key::Readers)>
                <h2 class="sheet-title">{i18n.tr(Key::Readers)}</h2>
                {list}
                <button type="button" class="sheet-item" on:click=move |_| close()>
                    {i18n.tr(Key::Close)}
                </button>
            </div>
        })
    }
}
