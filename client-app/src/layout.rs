//! The logged-in app frame: the page above, the WeChat-style tab bar below, and the chat store
//! with its realtime connection.

use leptos::prelude::*;
use leptos_router::components::{A, Outlet, Redirect};
use leptos_router::hooks::use_location;
use shared::api::contacts::list_friend_requests;
use shared::api::groups::list_pending_group_requests;
use shared::api::messages::list_conversations;
use shared::i18n::Key;
use shared::ui::use_i18n;

use crate::components::badge::CountBadge;
use crate::components::icons::{ChatsIcon, ContactsIcon, DiscoverIcon, MeIcon};
use crate::components::status::{ErrorPanel, LoadingPanel};
use crate::session::use_session;
use crate::store::provide_store;

/// Shows the current tab's page with the tab bar, or sends a logged-out visitor to log in.
/// Provides the chat store (seeded with the conversation list and friend requests) and opens
/// the realtime connection once hydrated.
#[component]
pub fn AppShell() -> impl IntoView {
    let session = use_session();
    let store = provide_store();
    let location = use_location();
    let lists = Resource::new(
        || (),
        |_| async {
            let conversations = list_conversations().await;
            let requests = list_friend_requests().await;
            let group_requests = list_pending_group_requests().await;
            let digest = rendered_digest(&conversations, &requests, &group_requests);
            (conversations, requests, group_requests, digest)
        },
    );
    let seeded = RwSignal::new(false);
    // This device's drafts, once hydrated (the server renders none).
    Effect::new(move |loaded: Option<bool>| {
        if loaded == Some(true) || !seeded.get() {
            return loaded.unwrap_or(false);
        }
        if let Some(me) = store.state.with_untracked(|s| s.me) {
            store.drafts.set(crate::drafts::load(me));
        }
        true
    });
    // This device's notification switches, once hydrated.
    Effect::new(move |loaded: Option<bool>| {
        if loaded != Some(true) {
            #[cfg(feature = "hydrate")]
            store.notify.set(crate::notify::load());
        }
        true
    });
    // The unread count in the document's title: "(3) Parley".
    let i18n = shared::ui::use_i18n();
    let title = move || {
        // `try_with`: while a signed-out visitor is redirected on the server, the shell (and
        // the store with it) may be disposed before the title is rendered.
        let unread = store.state.try_with(|s| s.total_unread()).unwrap_or(0);
        crate::notify::title(i18n.lang.get().t(shared::i18n::Key::AppName), unread)
    };
    // Connect once the store holds the lists, so `resume` carries their cursors.
    Effect::new(move |connected: Option<bool>| {
        if connected == Some(true) || !seeded.get() {
            return connected.unwrap_or(false);
        }
        crate::realtime::connect(store, session);
        true
    });
    view! {
        <leptos_meta::Title text=title/>
        <Transition fallback=|| view! { <LoadingPanel/> }>
            {move || Suspend::new(async move {
                let me = session.me.await;
                let (conversations, requests, group_requests, digest) = lists.await;
                match me {
                    Ok(Some(me)) => {
                        if !seeded.get_untracked() {
                            seeded.set(true);
                            store.state.update_untracked(|s| s.me = Some(me.id));
                            store.seed(
                                conversations.unwrap_or_default(),
                                requests.unwrap_or_default(),
                                group_requests.unwrap_or_default(),
                            );
                            store.seed_digest.set(digest);
                        }
                        view! {
                            <div class="app">
                                <div class="app-page">
                                    <Outlet/>
                                </div>
                                <TabBar/>
                            </div>
                        }
                            .into_any()
                    }
                    Ok(None) => {
                        // Back to the page asked for after signing in (an invite link, say).
                        let here = location.pathname.get_untracked();
                        let path = if here != "/" && shared::validate::is_return_path(&here) {
                            format!("/login?next={here}")
                        } else {
                            "/login".to_owned()
                        };
                        view! { <Redirect path/> }.into_any()
                    }
                    Err(err) => {
                        view! { <ErrorPanel error=err on_retry=move || session.refresh()/> }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// The digest of the lists as the server renders them (it travels to the browser with them),
/// which the first realtime connection checks instead of fetching the lists again; `None` for
/// lists fetched in the browser (after logging in, say), which are fetched again once the
/// connection is up. Only the server computes it: the browser never serializes the lists.
fn rendered_digest(
    conversations: &Result<Vec<shared::model::ConversationSummary>, shared::AppError>,
    requests: &Result<Vec<shared::model::FriendRequest>, shared::AppError>,
    group_requests: &Result<Vec<shared::model::GroupRequest>, shared::AppError>,
) -> Option<String> {
    #[cfg(feature = "ssr")]
    if let (Ok(conversations), Ok(requests), Ok(group_requests)) =
        (conversations, requests, group_requests)
    {
        return Some(shared::event::lists_digest(
            conversations,
            requests,
            group_requests,
        ));
    }
    #[cfg(not(feature = "ssr"))]
    let _ = (conversations, requests, group_requests);
    None
}

/// The bottom tab bar: Chats (with the total unread count), Contacts (with the pending friend
/// and join requests), Discover, Me. Hidden inside a chat.
#[component]
pub fn TabBar() -> impl IntoView {
    let i18n = use_i18n();
    let store = crate::store::use_store();
    let location = use_location();
    let hidden = move || location.pathname.get().starts_with("/chat/");
    let unread = Signal::derive(move || store.state.try_with(|s| s.total_unread()).unwrap_or(0));
    let requests = Signal::derive(move || store.pending_total());
    view! {
        <nav class="tabbar" class:hidden=hidden aria-label=i18n.tr(Key::Tabs)>
            <A href="/" exact=true>
                <span class="tab-icon">
                    <ChatsIcon/>
                    <CountBadge count=unread label=Key::Unread/>
                </span>
                <span>{i18n.tr(Key::TabChats)}</span>
            </A>
            <A href="/contacts">
                <span class="tab-icon">
                    <ContactsIcon/>
                    <CountBadge count=requests label=Key::PendingRequestsLabel/>
                </span>
                <span>{i18n.tr(Key::TabContacts)}</span>
            </A>
            <A href="/discover">
                <span class="tab-icon">
                    <DiscoverIcon/>
                </span>
                <span>{i18n.tr(Key::TabDiscover)}</span>
            </A>
            <A href="/me">
                <span class="tab-icon">
                    <MeIcon/>
                </span>
                <span>{i18n.tr(Key::TabMe)}</span>
            </A>
        </nav>
    }
}
