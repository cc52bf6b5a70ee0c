//! `/contacts/add`: find people by username or nickname and send them a friend request, or
//! find groups by name and ask to join them.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::AppError;
use shared::api::contacts::{search_users, send_friend_request};
use shared::api::groups::search_groups;
use shared::i18n::Key;
use shared::model::{Relation, UserCard};
use shared::ui::{use_hydrated, use_i18n};

use crate::components::avatar::face;
use crate::components::note_form::NoteForm;
use crate::components::status::{ErrorAlert, LoadingPanel};
use crate::pages::group_search::GroupResults;
use crate::store::use_store;

/// The search page.
#[component]
pub fn AddFriendPage() -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let query = RwSignal::new(String::new());
    let groups_mode = RwSignal::new(false);
    let search = Action::new(|q: &String| search_users(q.trim().to_owned()));
    let search_g = Action::new(|q: &String| search_groups(q.trim().to_owned()));
    let error: Signal<Option<AppError>> = Signal::derive(move || {
        if groups_mode.get() {
            search_g.value().get().and_then(Result::err)
        } else {
            search.value().get().and_then(Result::err)
        }
    });
    let pending = move || search.pending().get() || search_g.pending().get();
    let mode_button = move |groups: bool, label: Key| {
        view! {
            <button
                type="button"
                class="segment"
                disabled=move || !hydrated.get()
                aria-pressed=move || (groups_mode.get() == groups).to_string()
                on:click=move |_| groups_mode.set(groups)
            >
                {i18n.tr(label)}
            </button>
        }
    };
    view! {
        <header class="page-header sub-header">
            <A href="/contacts" attr:class="back-link" attr:aria-label=i18n.tr(Key::Back)>
                "‹"
            </A>
            <h1>{i18n.tr(Key::AddFriend)}</h1>
        </header>
        <div class="segments" role="group">
            {mode_button(false, Key::FindPeople)}
            {mode_button(true, Key::FindGroups)}
        </div>
        <form
            class="card-form search-form"
            role="search"
            on:submit=move |ev| {
                ev.prevent_default();
                if groups_mode.get_untracked() {
                    search_g.dispatch(query.get_untracked());
                } else {
                    search.dispatch(query.get_untracked());
                }
            }
        >
            <label for="user-search">{i18n.tr(Key::Search)}</label>
            <div class="input-row">
                <input
                    id="user-search"
                    type="search"
                    autocomplete="off"
                    placeholder=move || {
                        i18n.t(
                            if groups_mode.get() {
                                Key::SearchGroupsPlaceholder
                            } else {
                                Key::SearchUsersPlaceholder
                            },
                        )
                    }
                    prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))
                />
                <button
                    type="submit"
                    class="button primary small"
                    disabled=move || !hydrated.get() || pending()
                >
                    {i18n.tr(Key::Search)}
                </button>
            </div>
            <ErrorAlert error/>
        </form>
        <Show when=pending>
            <LoadingPanel/>
        </Show>
        {move || {
            if groups_mode.get() {
                return search_g
                    .value()
                    .get()
                    .and_then(Result::ok)
                    .map(|list| view! { <GroupResults list/> }.into_any());
            }
            search
                .value()
                .get()
                .and_then(Result::ok)
                .map(|list| {
                    if list.is_empty() {
                        view! { <p class="panel-status">{i18n.tr(Key::NoResults)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="cell-group plain-list" aria-label=i18n.tr(Key::SearchResults)>
                                {list.into_iter().map(|card| view! { <ResultRow card/> }).collect_view()}
                            </ul>
                        }
                            .into_any()
                    }
                })
        }}
    }
}

pub(crate) fn relation_key(relation: Relation) -> Option<Key> {
    match relation {
        Relation::Myself => Some(Key::RelationMyself),
        Relation::Friend => Some(Key::RelationFriend),
        Relation::RequestSent => Some(Key::RelationRequestSent),
        Relation::RequestReceived => Some(Key::RelationRequestReceived),
        Relation::Blocked => Some(Key::RelationBlocked),
        Relation::Stranger => None,
    }
}

/// One person found: name, login, their relation to the user, or "Add" with a note.
#[component]
pub fn ResultRow(
    /// The person.
    card: UserCard,
) -> impl IntoView {
    let i18n = use_i18n();
    let store = use_store();
    let hydrated = use_hydrated();
    let relation = RwSignal::new(card.relation);
    let open = RwSignal::new(false);
    let user_id = card.id;
    let send = Action::new(move |n: &String| send_friend_request(user_id, n.clone()));
    Effect::new(move |_| {
        if let Some(Ok(request)) = send.value().get() {
            open.set(false);
            relation.set(Relation::RequestSent);
            store.state.update(|s| s.upsert_request(request));
        }
    });
    let error: Signal<Option<AppError>> =
        Signal::derive(move || send.value().get().and_then(Result::err));
    let initial: String = card
        .nickname
        .chars()
        .next()
        .map(String::from)
        .unwrap_or_default();
    let note_id = format!("note-{}", card.id);
    view! {
        <li class="search-result">
            <div class="person">
                <span class="avatar small" aria-hidden="true">{face(card.avatar_url.clone(), initial)}</span>
                <div class="person-text">
                    <p class="person-name">{card.nickname.clone()}</p>
                    <p class="muted">{i18n.tr(Key::UsernameLabel)} {card.username.clone()}</p>
                </div>
                {move || match relation_key(relation.get()) {
                    Some(key) => view! { <span class="muted relation">{i18n.tr(key)}</span> }.into_any(),
                    None => {
                        view! {
                            <button
                                type="button"
                                class="button small"
                                aria-expanded=move || open.get().to_string()
                                disabled=move || !hydrated.get()
                                on:click=move |_| open.update(|o| *o = !*o)
                            >
                                {i18n.tr(Key::Add)}
                            </button>
                        }
                            .into_any()
                    }
                }}
            </div>
            <Show when=move || open.get()>
                <NoteForm
                    id=note_id.clone()
                    pending=send.pending()
                    on_send=Callback::new(move |note| {
                        send.dispatch(note);
                    })
                />
            </Show>
            <ErrorAlert error/>
        </li>
    }
}
