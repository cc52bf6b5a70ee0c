//! Pages of the links that bring people in: `/me/qr` (the user's add-friend QR code),
//! `/add/:code` (whose code it is, and "Add") and `/join/:code` (a group invite, and "Join").

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use shared::AppError;
use shared::LocalTime;
use shared::api::links::{
    get_friend_link, join_group_by_invite, open_friend_link, open_group_invite,
};
use shared::i18n::Key;
use shared::model::{FriendLink, InvitePreview};
use shared::ui::{use_hydrated, use_i18n};

use crate::components::avatar::face;
use crate::components::share::LinkCard;
use crate::components::status::{ErrorAlert, ErrorPanel, LoadingPanel};
use crate::pages::add_friend::ResultRow;
use crate::session::use_session;
use crate::store::use_store;

/// The `:code` of the current route.
fn route_code() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("code").unwrap_or_default()))
}

/// A sub-page header with a back link.
#[component]
fn SubHeader(back: &'static str, title: Key) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <header class="page-header sub-header">
            <A href=back attr:class="back-link" attr:aria-label=i18n.tr(Key::Back)>
                "‹"
            </A>
            <h1>{i18n.tr(title)}</h1>
        </header>
    }
}

/// `/me/qr`: the user's add-friend QR code and link, with a reset.
#[component]
pub fn MyQrPage() -> impl IntoView {
    let link = Resource::new(|| (), |_| get_friend_link(None));
    view! {
        <SubHeader back="/me" title=Key::MyQrCode/>
        <Transition fallback=|| view! { <LoadingPanel/> }>
            {move || Suspend::new(async move {
                match link.await {
                    Ok(link) => view! { <MyQr link/> }.into_any(),
                    Err(err) => {
                        view! { <ErrorPanel error=err on_retry=move || link.refetch()/> }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn MyQr(link: FriendLink) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let session = use_session();
    let current = RwSignal::new(link);
    let reset = Action::new(|_: &()| get_friend_link(Some(true)));
    Effect::new(move |_| {
        if let Some(Ok(fresh)) = reset.value().get() {
            current.set(fresh);
        }
    });
    let error = Signal::derive(move || reset.value().get().and_then(Result::err));
    let me = move || session.me.get().and_then(|r| r.ok().flatten());
    view! {
        <section class="qr-page">
            {move || {
                me().map(|m| {
                    let initial = m.nickname.chars().next().map(String::from).unwrap_or_default();
                    view! {
                        <div class="person qr-person">
                            <span class="avatar" aria-hidden="true">{face(m.avatar_url.clone(), initial)}</span>
                            <div class="person-text">
                                <p class="person-name">{m.nickname.clone()}</p>
                                <p class="muted">{i18n.tr(Key::UsernameLabel)} {m.username.clone()}</p>
                            </div>
                        </div>
                    }
                })
            }}
            {move || {
                let link = current.get();
                let title = i18n.t(Key::MyQrCode).to_owned();
                view! { <LinkCard qr_svg=link.qr_svg url=link.url title/> }
            }}
            <p class="cell-hint qr-hint">{i18n.tr(Key::MyQrHint)}</p>
            <ErrorAlert error/>
            <button
                type="button"
                class="link-button"
                disabled=move || !hydrated.get() || reset.pending().get()
                on:click=move |_| {
                    if confirm(i18n.t(Key::ConfirmResetQrCode)) {
                        reset.dispatch(());
                    }
                }
            >
                {i18n.tr(Key::ResetQrCode)}
            </button>
        </section>
    }
}

/// Asks the browser to confirm; `false` outside a browser.
pub(crate) fn confirm(text: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(text).ok())
        .unwrap_or(false)
}

/// `/add/:code`: the person whose add-friend link this is, with "Add".
#[component]
pub fn AddByLinkPage() -> impl IntoView {
    let code = route_code();
    let card = Resource::new(move || code.get(), open_friend_link);
    view! {
        <SubHeader back="/contacts" title=Key::AddFriend/>
        <Transition fallback=|| view! { <LoadingPanel/> }>
            {move || Suspend::new(async move {
                match card.await {
                    Ok(card) => view! { <ul class="search-results"><ResultRow card/></ul> }.into_any(),
                    Err(err) => {
                        view! { <ErrorPanel error=err on_retry=move || card.refetch()/> }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// `/join/:code`: the group an invite link leads to, with "Join group" (or "Open chat" for a
/// member).
#[component]
pub fn JoinByLinkPage() -> impl IntoView {
    let code = route_code();
    let preview = Resource::new(move || code.get(), open_group_invite);
    view! {
        <SubHeader back="/" title=Key::JoinGroup/>
        <Transition fallback=|| view! { <LoadingPanel/> }>
            {move || Suspend::new(async move {
                match preview.await {
                    Ok(preview) => view! { <InviteCard preview/> }.into_any(),
                    Err(err) => {
                        view! { <ErrorPanel error=err on_retry=move || preview.refetch()/> }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn InviteCard(preview: InvitePreview) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let store = use_store();
    let navigate = use_navigate();
    let code = preview.code.clone();
    let join = Action::new(move |_: &()| join_group_by_invite(code.clone()));
    Effect::new(move |_| {
        if let Some(Ok(group)) = join.value().get() {
            store.refetch();
            navigate(
                &format!("/chat/{}", group.conversation_id),
                Default::default(),
            );
        }
    });
    let error: Signal<Option<AppError>> =
        Signal::derive(move || join.value().get().and_then(Result::err));
    let group = preview.group;
    let initial = group
        .name
        .chars()
        .next()
        .map(String::from)
        .unwrap_or_default();
    let inviter = preview.inviter_name;
    let invited = move || i18n.t(Key::InvitedYouBy).replace("{name}", &inviter);
    let label = if group.is_member {
        Key::OpenGroupChat
    } else {
        Key::JoinGroup
    };
    view! {
        <section class="profile-card invite-card">
            <div class="avatar avatar-large group-avatar" aria-hidden="true">
                {face(group.avatar_url.clone(), initial)}
            </div>
            <div class="profile-text">
                <h2>{group.name.clone()}</h2>
                <p class="muted">{group.member_count} " " {i18n.tr(Key::MembersUnit)}</p>
                <p class="profile-signature">{group.introduction.clone()}</p>
            </div>
        </section>
        <p class="cell-hint">{invited}</p>
        <p class="cell-hint">
            {move || i18n.t(Key::InviteValidUntil).split("{time}").next().unwrap_or("")}
            <LocalTime ms=preview.expires_at/>
            {move || i18n.t(Key::InviteValidUntil).split("{time}").nth(1).unwrap_or("")}
        </p>
        <ErrorAlert error/>
        <div class="form-actions page-actions">
            <button
                type="button"
                class="button primary block"
                disabled=move || !hydrated.get() || join.pending().get()
                on:click=move |_| {
                    join.dispatch(());
                }
            >
                {i18n.tr(label)}
            </button>
        </div>
    }
}
