//! Parley's admin console: a desktop Leptos app served under `/admin`, rendered on the server and
//! hydrated in the browser from its own wasm bundle (so the chat client never downloads it).
//!
//! Every route is spelled with its full `/admin` prefix (the router has no `base`). Every page but
//! the log-in page is wrapped in `layout::AdminPage`, which sends visitors without a session to
//! `/admin/login` and refuses accounts without the `admin` right.

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, Link, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use shared::i18n::Key;
use shared::ui::provide_i18n;

mod chart;
mod components;
mod csv;
mod layout;
mod names;
mod pages;
mod routes;
mod session;

use pages::{
    assistant::AssistantPage, audit::AuditPage, groups::GroupsPage, invites::InvitesPage,
    login::LoginPage, messages::MessagesPage, not_found::NotFoundPage, overview::OverviewPage,
    reports::ReportsPage, rights::RightsPage, roles::RolesPage, settings::SettingsPage,
    users::UsersPage,
};

/// The whole HTML document of the admin console, rendered on the server.
///
/// The server hands it options whose `site_pkg_dir` is `admin/pkg` and `output_name` is `parley`,
/// so the page loads `/admin/pkg/parley.<hash>.js`, `.wasm` and `.css` (the build's content
/// hashes, from the site root's `hash.txt`; plain names when the build did not hash).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = shared::ui::initial_lang();
    view! {
        <!DOCTYPE html>
        <html lang=lang.tag()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <HashedStylesheet options=options.clone() id="leptos"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The admin console's root component: meta context, language, session and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let i18n = provide_i18n();
    session::provide_session();

    view! {
        <Title text=i18n.tr(Key::AdminConsole)/>
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml"/>
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/admin/login") view=LoginPage/>
                <Route path=path!("/admin") view=OverviewPage/>
                <Route path=path!("/admin/users") view=UsersPage/>
                <Route path=path!("/admin/groups") view=GroupsPage/>
                <Route path=path!("/admin/messages") view=MessagesPage/>
                <Route path=path!("/admin/reports") view=ReportsPage/>
                <Route path=path!("/admin/invites") view=InvitesPage/>
                <Route path=path!("/admin/assistant") view=AssistantPage/>
                <Route path=path!("/admin/roles") view=RolesPage/>
                <Route path=path!("/admin/rights") view=RightsPage/>
                <Route path=path!("/admin/audit") view=AuditPage/>
                <Route path=path!("/admin/settings") view=SettingsPage/>
            </Routes>
        </Router>
    }
}

/// The wasm entry point: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
