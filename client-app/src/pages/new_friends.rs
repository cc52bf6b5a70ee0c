//! `/contacts/new`: requests to join the groups the user manages, then friend requests —
//! received ones with Accept/Decline, sent ones with their status. Live from the chat store.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::AppError;
use shared::api::contacts::respond_friend_request;
use shared::i18n::Key;
use shared::model::{FriendRequest, RequestStatus};
use shared::ui::use_i18n;

use crate::components::answer::AnswerButtons;
use crate::components::avatar::face;
use crate::components::group_request::GroupRequestRow;
use crate::components::status::{EmptyState, ErrorAlert};
use crate::store::use_store;

/// The friend requests page.
#[component]
pub fn NewFriendsPage() -> impl IntoView {
    let i18n = use_i18n();
    let store = use_store();
    let requests = Memo::new(move |_| store.state.with(|s| s.requests.clone()));
    let me = Memo::new(move |_| store.state.with(|s| s.me));
    view! {
        <header class="page-header sub-header">
            <A href="/contacts" attr:class="back-link" attr:aria-label=i18n.tr(Key::Back)>
                "‹"
            </A>
            <h1>{i18n.tr(Key::NewFriends)}</h1>
        </header>
        <Show when=move || store.group_requests.with(|r| !r.is_empty())>
            <h2 class="group-title">{i18n.tr(Key::GroupJoinRequests)}</h2>
            <ul class="cell-group plain-list" aria-label=i18n.tr(Key::GroupJoinRequests)>
                <For each=move || store.group_requests.get() key=|r| r.id let:request>
                    <GroupRequestRow request show_group=true/>
                </For>
            </ul>
        </Show>
        <Show
            when=move || requests.with(|r| !r.is_empty())
            fallback=move || {
                view! {
                    <Show when=move || store.group_requests.with(|r| r.is_empty())>
                        <EmptyState title=Key::NoFriendRequests hint=Key::NoFriendsHint/>
                    </Show>
                }
            }
        >
            <h2 class="group-title">{i18n.tr(Key::FriendRequests)}</h2>
            <ul class="cell-group plain-list" aria-label=i18n.tr(Key::FriendRequests)>
                <For
                    each=move || requests.get()
                    key=|r| (r.id, r.status as u8)
                    let:request
                >
                    <RequestRow incoming=Some(request.to.id) == me.get_untracked() request/>
                </For>
            </ul>
        </Show>
    }
}

#[component]
fn RequestRow(request: FriendRequest, incoming: bool) -> impl IntoView {
    let i18n = use_i18n();
    let store = use_store();
    let other = if incoming {
        request.from.clone()
    } else {
        request.to.clone()
    };
    let initial: String = other
        .nickname
        .chars()
        .next()
        .map(String::from)
        .unwrap_or_default();
    let id = request.id;
    let respond = Action::new(move |accept: &bool| {
        let accept = *accept;
        async move { respond_friend_request(id, accept).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(updated)) = respond.value().get() {
            store.state.update(|s| s.upsert_request(updated));
            store.refetch();
        }
    });
    let error: Signal<Option<AppError>> =
        Signal::derive(move || respond.value().get().and_then(Result::err));
    let status = request.status;
    let note = request.note.clone();
    view! {
        <li class="request">
            <span class="avatar small" aria-hidden="true">{face(other.avatar_url.clone(), initial)}</span>
            <div class="request-text">
                <p class="person-name">{other.nickname.clone()}</p>
                <p class="muted request-note">
                    {move || i18n.t(if incoming { Key::RequestToYou } else { Key::RequestByYou })}
                    {(!note.is_empty()).then(|| format!(" · {note}"))}
                </p>
                <ErrorAlert error/>
            </div>
            {match (status, incoming) {
                (RequestStatus::Pending, true) => {
                    view! {
                        <AnswerButtons
                            pending=respond.pending()
                            on_answer=Callback::new(move |accept| {
                                respond.dispatch(accept);
                            })
                        />
                    }
                        .into_any()
                }
                (RequestStatus::Pending, false) => {
                    view! { <span class="muted request-status">{i18n.tr(Key::StatusWaiting)}</span> }
                        .into_any()
                }
                (RequestStatus::Accepted, _) => {
                    view! { <span class="muted request-status">{i18n.tr(Key::StatusAccepted)}</span> }
                        .into_any()
                }
                (RequestStatus::Declined, _) => {
                    view! { <span class="muted request-status">{i18n.tr(Key::StatusDeclined)}</span> }
                        .into_any()
                }
            }}
        </li>
    }
}
