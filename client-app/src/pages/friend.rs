//! `/contacts/:user_id`: a friend's profile with "Send message", "Set remark", "Remove friend"
//! and "Block"; anyone else the user may see (a fellow group member, a pending request) gets
//! their card with "Add to contacts".

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use shared::AppError;
use shared::api::contacts::{
    block_user, get_user, list_friends, remove_friend, send_friend_request, set_remark,
};
use shared::i18n::Key;
use shared::ids::UserId;
use shared::model::{Friend, Relation, UserCard};
use shared::ui::{use_hydrated, use_i18n};

use crate::components::avatar::face;
use crate::components::note_form::NoteForm;
use crate::components::status::{EmptyState, ErrorAlert, ErrorPanel, LoadingPanel};
use crate::pages::add_friend::relation_key;
use crate::store::use_store;

/// The friend profile page.
#[component]
pub fn FriendPage() -> impl IntoView {
    let i18n = use_i18n();
    let store = use_store();
    let params = use_params_map();
    let user_id = Memo::new(move |_| {
        params.with(|p| {
            p.get("user_id")
                .and_then(|s| s.parse::<i64>().ok())
                .map(UserId)
        })
    });
    let friends = Resource::new(move || store.friends_version.get(), |_| list_friends());
    view! {
        <header class="page-header sub-header">
            <A href="/contacts" attr:class="back-link" attr:aria-label=i18n.tr(Key::Back)>
                "‹"
            </A>
            <h1>{i18n.tr(Key::FriendProfile)}</h1>
        </header>
        <Transition fallback=|| view! { <LoadingPanel/> }>
            {move || Suspend::new(async move {
                let wanted = user_id.get();
                match friends.await {
                    Ok(list) => {
                        match (list.into_iter().find(|f| Some(f.user_id) == wanted), wanted) {
                            (Some(friend), _) => view! { <Profile friend/> }.into_any(),
                            (None, Some(user_id)) => view! { <OtherProfile user_id/> }.into_any(),
                            (None, None) => {
                                view! { <EmptyState title=Key::ErrNotFound hint=Key::NoFriendsHint/> }
                                    .into_any()
                            }
                        }
                    }
                    Err(err) => {
                        view! { <ErrorPanel error=err on_retry=move || friends.refetch()/> }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// The card of someone who is not a friend, with "Add to contacts" (a request with a note).
#[component]
fn OtherProfile(user_id: UserId) -> impl IntoView {
    let card = Resource::new(move || user_id, get_user);
    view! {
        <Transition fallback=|| view! { <LoadingPanel/> }>
            {move || Suspend::new(async move {
                match card.await {
                    Ok(card) => view! { <OtherCard card/> }.into_any(),
                    Err(err) => {
                        view! { <ErrorPanel error=err on_retry=move || card.refetch()/> }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn OtherCard(card: UserCard) -> impl IntoView {
    let i18n = use_i18n();
    let store = use_store();
    let hydrated = use_hydrated();
    let user_id = card.id;
    let relation = RwSignal::new(card.relation);
    let open = RwSignal::new(false);
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
    let signature = card.signature.clone();
    view! {
        <section class="profile-card" aria-labelledby="user-name">
            <div class="avatar avatar-large" aria-hidden="true">{face(card.avatar_url.clone(), initial)}</div>
            <div class="profile-text">
                <h2 id="user-name">{card.nickname.clone()}</h2>
                <p class="profile-username">{i18n.tr(Key::UsernameLabel)} {card.username.clone()}</p>
                <p class="profile-signature">
                    {move || {
                        if signature.is_empty() {
                            i18n.t(Key::NoSignature).to_owned()
                        } else {
                            signature.clone()
                        }
                    }}
                </p>
            </div>
        </section>
        <section class="cell-group profile-actions">
            {move || match relation_key(relation.get()) {
                Some(key) => view! { <p class="muted relation">{i18n.tr(key)}</p> }.into_any(),
                None => {
                    view! {
                        <button
                            type="button"
                            class="button primary block"
                            aria-expanded=move || open.get().to_string()
                            disabled=move || !hydrated.get()
                            on:click=move |_| open.update(|o| *o = !*o)
                        >
                            {i18n.tr(Key::AddToContacts)}
                        </button>
                    }
                        .into_any()
                }
            }}
            <Show when=move || open.get()>
                <NoteForm
                    id="profile-note".to_owned()
                    pending=send.pending()
                    on_send=Callback::new(move |note| {
                        send.dispatch(note);
                    })
                />
            </Show>
            <ErrorAlert error/>
        </section>
    }
}

/// What the user is about to confirm.
#[derive(Clone, Copy, PartialEq)]
enum Confirming {
    Nothing,
    Remove,
    Block,
}

#[component]
fn Profile(friend: Friend) -> impl IntoView {
    let i18n = use_i18n();
    let store = use_store();
    let hydrated = use_hydrated();
    let navigate = use_navigate();
    let user_id = friend.user_id;
    let remark = RwSignal::new(friend.remark.clone());
    let editing = RwSignal::new(false);
    let confirming = RwSignal::new(Confirming::Nothing);
    let save = Action::new(move |r: &String| set_remark(user_id, r.trim().to_owned()));
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            editing.set(false);
            store.refetch();
        }
    });
    let end = Action::new(move |c: &Confirming| {
        let c = *c;
        async move {
            if c == Confirming::Block {
                block_user(user_id).await
            } else {
                remove_friend(user_id).await
            }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = end.value().get() {
            store.refetch();
            navigate("/contacts", Default::default());
        }
    });
    let error: Signal<Option<AppError>> = Signal::derive(move || {
        save.value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| end.value().get().and_then(Result::err))
    });
    let name = friend.display_name().to_owned();
    let initial: String = name.chars().next().map(String::from).unwrap_or_default();
    let chat_href = format!("/chat/{}", friend.conversation_id);
    let hooks_href = format!("/chat/{}/hooks", friend.conversation_id);
    view! {
        <section class="profile-card" aria-labelledby="friend-name">
            <div class="avatar avatar-large" aria-hidden="true">{face(friend.avatar_url.clone(), initial)}</div>
            <div class="profile-text">
                <h2 id="friend-name">{name}</h2>
                {(!friend.remark.is_empty())
                    .then(|| {
                        view! {
                            <p class="profile-username">
                                {i18n.tr(Key::Nickname)} ": " {friend.nickname.clone()}
                            </p>
                        }
                    })}
                <p class="profile-username">{i18n.tr(Key::UsernameLabel)} {friend.username.clone()}</p>
                <p class="profile-presence">
                    <crate::components::presence::PresenceLine user=friend.user_id/>
                </p>
                <p class="profile-signature">
                    {
                        let signature = friend.signature.clone();
                        move || {
                            if signature.is_empty() {
                                i18n.t(Key::NoSignature).to_owned()
                            } else {
                                signature.clone()
                            }
                        }
                    }
                </p>
            </div>
        </section>
        <section class="cell-group">
            <Show
                when=move || editing.get()
                fallback=move || {
                    view! {
                        <button
                            type="button"
                            class="cell plain-button"
                            disabled=move || !hydrated.get()
                            on:click=move |_| editing.set(true)
                        >
                            <span>{i18n.tr(Key::SetRemark)}</span>
                            <span class="muted">{move || remark.get()}</span>
                        </button>
                    }
                }
            >
                <form
                    class="card-form"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        save.dispatch(remark.get_untracked());
                    }
                >
                    <label for="remark">{i18n.tr(Key::FieldRemark)}</label>
                    <input
                        id="remark"
                        maxlength="32"
                        prop:value=move || remark.get()
                        on:input=move |ev| remark.set(event_target_value(&ev))
                    />
                    <div class="form-actions">
                        <button type="button" class="button small" on:click=move |_| editing.set(false)>
                            {i18n.tr(Key::Cancel)}
                        </button>
                        <button
                            type="submit"
                            class="button primary small"
                            disabled=move || !hydrated.get() || save.pending().get()
                        >
                            {i18n.tr(Key::Save)}
                        </button>
                    </div>
                </form>
            </Show>
            <a class="cell" href=hooks_href>
                <span>{i18n.tr(Key::IncomingWebhooks)}</span>
            </a>
        </section>
        <section class="cell-group profile-actions">
            <a class="button primary block" href=chat_href>{i18n.tr(Key::SendMessage)}</a>
        </section>
        <ErrorAlert error/>
        <section class="cell-group profile-actions">
            {move || match confirming.get() {
                Confirming::Nothing => {
                    view! {
                        <button
                            type="button"
                            class="button block danger"
                            disabled=move || !hydrated.get()
                            on:click=move |_| confirming.set(Confirming::Remove)
                        >
                            {i18n.tr(Key::RemoveFriend)}
                        </button>
                        <button
                            type="button"
                            class="button block danger"
                            disabled=move || !hydrated.get()
                            on:click=move |_| confirming.set(Confirming::Block)
                        >
                            {i18n.tr(Key::BlockUser)}
                        </button>
                        <a class="button block" href=format!("/report/user/{}", user_id.0)>
                            {i18n.tr(Key::ReportUser)}
                        </a>
                    }
                        .into_any()
                }
                which => {
                    let question = if which == Confirming::Block {
                        Key::ConfirmBlockUser
                    } else {
                        Key::ConfirmRemoveFriend
                    };
                    view! {
                        <div class="confirm" role="alertdialog" aria-label=i18n.tr(question)>
                            <p>{i18n.tr(question)}</p>
                            <div class="form-actions">
                                <button
                                    type="button"
                                    class="button small"
                                    on:click=move |_| confirming.set(Confirming::Nothing)
                                >
                                    {i18n.tr(Key::Cancel)}
                                </button>
                                <button
                                    type="button"
                                    class="button small danger"
                                    disabled=move || end.pending().get()
                                    on:click=move |_| {
                                        end.dispatch(which);
                                    }
                                >
                                    {i18n.tr(Key::Confirm)}
                                </button>
                            </div>
                        </div>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}
