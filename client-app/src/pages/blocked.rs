//! `/me/blocked`: the users the caller has blocked, each with Unblock.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::AppError;
use shared::api::contacts::{list_blocked, unblock_user};
use shared::i18n::Key;
use shared::ids::UserId;
use shared::model::UserCard;
use shared::ui::{use_hydrated, use_i18n};

use crate::components::avatar::{face, initial_of};
use crate::components::status::{EmptyState, ErrorAlert, ErrorPanel, LoadingPanel};

/// The blocked users page.
#[component]
pub fn BlockedPage() -> impl IntoView {
    let i18n = use_i18n();
    let unblock = Action::new(|id: &UserId| unblock_user(*id));
    let blocked = Resource::new(move || unblock.version().get(), |_| list_blocked());
    let error: Signal<Option<AppError>> =
        Signal::derive(move || unblock.value().get().and_then(Result::err));
    view! {
        <header class="page-header sub-header">
            <A href="/me" attr:class="back-link" attr:aria-label=i18n.tr(Key::Back)>
                "‹"
            </A>
            <h1>{i18n.tr(Key::BlockedUsers)}</h1>
        </header>
        <ErrorAlert error/>
        <Transition fallback=|| view! { <LoadingPanel/> }>
            {move || Suspend::new(async move {
                match blocked.await {
                    Ok(list) if list.is_empty() => {
                        view! { <EmptyState title=Key::NoBlockedUsers hint=Key::NoBlockedUsersHint/> }
                            .into_any()
                    }
                    Ok(list) => {
                        view! {
                            <ul class="cell-group plain-list" aria-label=i18n.tr(Key::BlockedUsers)>
                                {list
                                    .into_iter()
                                    .map(|card| view! { <BlockedRow card unblock/> })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }
                    Err(err) => {
                        view! { <ErrorPanel error=err on_retry=move || blocked.refetch()/> }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// One blocked user with the Unblock button.
#[component]
fn BlockedRow(card: UserCard, unblock: Action<UserId, Result<(), AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let id = card.id;
    view! {
        <li class="cell person">
            <span class="avatar small" aria-hidden="true">
                {face(card.avatar_url.clone(), initial_of(&card.nickname))}
            </span>
            <div class="person-text">
                <p class="person-name">{card.nickname.clone()}</p>
                <p class="muted">{i18n.tr(Key::UsernameLabel)} {card.username.clone()}</p>
            </div>
            <button
                type="button"
                class="button small"
                aria-label=move || format!("{} {}", i18n.lang.get().t(Key::Unblock), card.nickname)
                disabled=move || !hydrated.get() || unblock.pending().get()
                on:click=move |_| {
                    unblock.dispatch(id);
                }
            >
                {i18n.tr(Key::Unblock)}
            </button>
        </li>
    }
}
