//! `/search`: one box finding contacts, group chats and messages, grouped as WeChat groups
//! them. Contacts and groups are matched here from what the app already holds; messages by the
//! server (`search_messages`), with the matched words highlighted. A message opens its chat
//! at that message.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::LocalTime;
use shared::api::contacts::list_friends;
use shared::api::messages::search_messages;
use shared::i18n::Key;
use shared::model::{Friend, SearchHit};
use shared::ui::{use_hydrated, use_i18n};
use shared::when::TimeStyle;

use crate::components::avatar::{face, initial_of};
use crate::store::use_store;

/// Milliseconds of quiet typing before the server is asked.
const DEBOUNCE_MS: u64 = 300;

/// The search page.
#[component]
pub fn SearchPage() -> impl IntoView {
    let i18n = use_i18n();
    let store = use_store();
    let hydrated = use_hydrated();
    let typed = RwSignal::new(String::new());
    let query = RwSignal::new(String::new());
    let turn = StoredValue::new(0u64);
    let on_input = move |value: String| {
        typed.set(value.clone());
        turn.update_value(|t| *t += 1);
        let mine = turn.get_value();
        set_timeout(
            move || {
                if turn.try_get_value() == Some(mine) {
                    query.try_set(value.trim().to_owned());
                }
            },
            std::time::Duration::from_millis(DEBOUNCE_MS),
        );
    };
    let friends = LocalResource::new(|| async { list_friends().await.unwrap_or_default() });
    let messages = LocalResource::new(move || {
        let q = query.get();
        async move {
            if q.is_empty() {
                Ok(Vec::new())
            } else {
                search_messages(q, None, None, Some(20)).await
            }
        }
    });
    let contact_hits = move || {
        let q = query.get().to_lowercase();
        if q.is_empty() {
            return Vec::new();
        }
        friends
            .get()
            .unwrap_or_default()
            .into_iter()
            .filter(|f: &Friend| {
                [&f.remark, &f.nickname, &f.username]
                    .iter()
                    .any(|s| s.to_lowercase().contains(&q))
            })
            .take(20)
            .collect::<Vec<_>>()
    };
    let group_hits = move || {
        let q = query.get().to_lowercase();
        if q.is_empty() {
            return Vec::new();
        }
        store.state.with(|s| {
            s.sorted_conversations()
                .into_iter()
                .filter(|c| c.group_id.is_some() && c.title.to_lowercase().contains(&q))
                .take(20)
                .collect::<Vec<_>>()
        })
    };
    view! {
        <header class="page-header sub-header">
            <A href="/" attr:class="back-link" attr:aria-label=i18n.tr(Key::Back)>
                "‹"
            </A>
            <input
                class="search-input"
                type="search"
                aria-label=i18n.tr(Key::Search)
                placeholder=i18n.tr(Key::Search)
                autofocus
                disabled=move || !hydrated.get()
                prop:value=move || typed.get()
                on:input=move |ev| on_input(event_target_value(&ev))
            />
        </header>
        <Show when=move || !query.get().is_empty()>
            {move || {
                let contacts = contact_hits();
                (!contacts.is_empty())
                    .then(|| {
                        view! {
                            <section class="search-section" aria-label=i18n.tr(Key::SearchContacts)>
                                <h2 class="cell-group-title">{i18n.tr(Key::SearchContacts)}</h2>
                                <ul class="plain-list">
                                    {contacts
                                        .into_iter()
                                        .map(|f| {
                                            let name = if f.remark.is_empty() { f.nickname.clone() } else { f.remark.clone() };
                                            view! {
                                                <li>
                                                    <a class="cell person" href=format!("/chat/{}", f.conversation_id)>
                                                        <span class="avatar small" aria-hidden="true">
                                                            {face(f.avatar_url.clone(), initial_of(&name))}
                                                        </span>
                                                        <span class="person-name">{name}</span>
                                                    </a>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            </section>
                        }
                    })
            }}
            {move || {
                let groups = group_hits();
                (!groups.is_empty())
                    .then(|| {
                        view! {
                            <section class="search-section" aria-label=i18n.tr(Key::SearchGroups)>
                                <h2 class="cell-group-title">{i18n.tr(Key::SearchGroups)}</h2>
                                <ul class="plain-list">
                                    {groups
                                        .into_iter()
                                        .map(|c| {
                                            view! {
                                                <li>
                                                    <a class="cell person" href=format!("/chat/{}", c.id)>
                                                        <span class="avatar small" aria-hidden="true">
                                                            {face(c.avatar_url.clone(), initial_of(&c.title))}
                                                        </span>
                                                        <span class="person-name">{c.title.clone()}</span>
                                                    </a>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            </section>
                        }
                    })
            }}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match messages.await {
                        Ok(hits) if hits.is_empty() => {
                            let nothing = contact_hits().is_empty() && group_hits().is_empty();
                            nothing
                                .then(|| view! { <p class="muted search-empty">{i18n.tr(Key::NoResults)}</p> })
                                .into_any()
                        }
                        Ok(hits) => view! {
                            <section class="search-section" aria-label=i18n.tr(Key::SearchMessages)>
                                <h2 class="cell-group-title">{i18n.tr(Key::SearchMessages)}</h2>
                                <ul class="plain-list">
                                    {hits.into_iter().map(|hit| view! { <MessageHit hit/> }).collect_view()}
                                </ul>
                            </section>
                        }
                        .into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{i18n.error(&e)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </Show>
    }
}

/// One message found: its conversation, the text with the matches marked, its time.
#[component]
fn MessageHit(hit: SearchHit) -> impl IntoView {
    let store = use_store();
    let m = hit.message;
    let (title, avatar) = store.state.with_untracked(|s| {
        s.conversations
            .get(&m.conversation_id)
            .map(|c| (c.title.clone(), c.avatar_url.clone()))
            .unwrap_or_default()
    });
    let text = m.body.search_text();
    let pieces = crate::search_text::marked(&text, &hit.highlights)
        .into_iter()
        .map(|(piece, mark)| {
            if mark {
                view! { <mark>{piece}</mark> }.into_any()
            } else {
                piece.into_any()
            }
        })
        .collect_view();
    view! {
        <li>
            <a
                class="cell person search-hit"
                href=format!("/chat/{}?seq={}", m.conversation_id, m.seq)
            >
                <span class="avatar small" aria-hidden="true">{face(avatar, initial_of(&title))}</span>
                <span class="person-text">
                    <span class="search-hit-top">
                        <span class="person-name">{title}</span>
                        <span class="search-hit-time">
                            <LocalTime ms=m.created_at style=TimeStyle::List/>
                        </span>
                    </span>
                    <span class="search-hit-text">{pieces}</span>
                </span>
            </a>
        </li>
    }
}
