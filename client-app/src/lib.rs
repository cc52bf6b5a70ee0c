//! Parley's chat client: a mobile-first, WeChat-style Leptos app (server-rendered, then
//! hydrated in the browser).

// The view types of the larger pages nest deeper than the default limit allows in the
// optimised wasm build.
#![recursion_limit = "256"]

pub mod components;
pub mod drafts;
pub mod layout;
pub mod mentions;
pub mod notify;
pub mod pages;
pub mod pwa;
pub mod realtime;
pub mod search_text;
pub mod session;
pub mod store;
pub mod upload;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, Link, Meta, MetaTags, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{SsrMode, path};
use shared::i18n::Key;
use shared::ui::provide_i18n;

use crate::layout::AppShell;
use crate::pages::{
    add_friend::AddFriendPage,
    auth::{LoginPage, SignUpPage},
    blocked::BlockedPage,
    bots::BotsPage,
    chat::ChatPage,
    chats::ChatsPage,
    contacts::ContactsPage,
    discover::DiscoverPage,
    friend::FriendPage,
    group_hooks::{DirectHooksPage, GroupHooksPage},
    group_info::GroupPage,
    group_invite::GroupInvitePage,
    group_links::GroupLinksPage,
    group_new::NewGroupPage,
    links::{AddByLinkPage, JoinByLinkPage, MyQrPage},
    me::MePage,
    new_friends::NewFriendsPage,
    not_found::NotFound,
    report::ReportPage,
    search::SearchPage,
    sign_in_methods::SignInMethodsPage,
    tokens::TokensPage,
};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: leptos::config::LeptosOptions) -> impl IntoView {
    let lang = shared::ui::initial_lang();
    view! {
        <!DOCTYPE html>
        // `data-loading` until the app has taken over (removed by `pwa::start`): a thin bar at
        // the top says the page's controls are coming.
        <html lang=lang.tag() data-loading="">
            <head>
                <meta charset="utf-8"/>
                <meta
                    name="viewport"
                    content="width=device-width, initial-scale=1, viewport-fit=cover"
                />
                <HashedStylesheet options=options.clone() id="leptos"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options=options.clone()/>
                {build_version(&options).map(|build| view! { <meta name="parley-build" content=build/> })}
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The build the page is rendered by, read from the site root's hash file like the bundles'
/// names (`None` when the build does not hash them): the page compares it with the service
/// worker's (see [`pwa`]).
fn build_version(options: &leptos::config::LeptosOptions) -> Option<String> {
    if !options.hash_files {
        return None;
    }
    let text = std::fs::read_to_string(&*options.hash_file).ok()?;
    shared::build::Build::parse(&text).map(|build| build.version())
}

/// The client app: routes and app-wide context (language, session).
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let i18n = provide_i18n();
    session::provide_session();
    let pwa = pwa::provide_pwa();
    Effect::new(move |_| pwa::start(pwa));
    view! {
        <Title text=i18n.tr(Key::AppName)/>
        <Meta name="description" content=i18n.tr(Key::AppDescription)/>
        <Meta property="og:type" content="website"/>
        <Meta property="og:site_name" content=i18n.tr(Key::AppName)/>
        <Meta property="og:title" content=i18n.tr(Key::AppName)/>
        <Meta property="og:description" content=i18n.tr(Key::AppDescription)/>
        <Meta name="theme-color" content="#ededed"/>
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml"/>
        <Link rel="apple-touch-icon" href="/icons/icon-192.png"/>
        <Link rel="manifest" href="/manifest.webmanifest"/>
        <pwa::PwaBanners/>
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/login") view=LoginPage/>
                <Route path=path!("/signup") view=SignUpPage/>
                <ParentRoute path=path!("") view=AppShell ssr=SsrMode::Async>
                    <Route path=path!("") view=ChatsPage/>
                    <Route path=path!("chat/:id") view=ChatPage/>
                    <Route path=path!("search") view=SearchPage/>
                    <Route path=path!("contacts") view=ContactsPage/>
                    <Route path=path!("contacts/new") view=NewFriendsPage/>
                    <Route path=path!("contacts/add") view=AddFriendPage/>
                    <Route path=path!("contacts/:user_id") view=FriendPage/>
                    <Route path=path!("group/new") view=NewGroupPage/>
                    <Route path=path!("group/:id") view=GroupPage/>
                    <Route path=path!("group/:id/invite") view=GroupInvitePage/>
                    <Route path=path!("group/:id/links") view=GroupLinksPage/>
                    <Route path=path!("group/:id/hooks") view=GroupHooksPage/>
                    <Route path=path!("chat/:id/hooks") view=DirectHooksPage/>
                    <Route path=path!("add/:code") view=AddByLinkPage/>
                    <Route path=path!("join/:code") view=JoinByLinkPage/>
                    <Route path=path!("me/qr") view=MyQrPage/>
                    <Route path=path!("discover") view=DiscoverPage/>
                    <Route path=path!("me") view=MePage/>
                    <Route path=path!("me/blocked") view=BlockedPage/>
                    <Route path=path!("me/bots") view=BotsPage/>
                    <Route path=path!("me/tokens") view=TokensPage/>
                    <Route path=path!("me/sign-in") view=SignInMethodsPage/>
                    <Route path=path!("report/:kind/:id") view=ReportPage/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// Browser entry point: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
