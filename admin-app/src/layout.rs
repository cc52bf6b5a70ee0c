//! The frame of every console page: the session gate and the sidebar layout.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use shared::i18n::Key;
use shared::model::Me;
use shared::rights::ADMIN;
use shared::ui::use_i18n;

use crate::components::not_admin::NotAdminPanel;
use crate::components::sidebar::Sidebar;
use crate::components::status::{ErrorPanel, Loading};
use crate::routes;
use crate::session::use_session;

/// A console page behind the session gate.
///
/// - nobody logged in → redirect to `/admin/login` (a `302` when rendered on the server, as the
///   session resource is blocking);
/// - logged in without the `admin` right → [`NotAdminPanel`] (the children never render);
/// - admin → the sidebar [`Layout`] around the children.
///
/// The server renders a `<Suspense>`'s children several times, so a page creates its resources
/// *before* this gate (in the route component) and passes them in; each resource awaits
/// [`crate::session::Session::require_admin`] first, so nobody but an admin triggers an
/// `admin_*` call.
#[component]
pub fn AdminPage(
    /// The page's heading (also used in the document title).
    title: Key,
    /// The page's content, rendered only for admins.
    children: ChildrenFn,
) -> AnyView {
    let session = use_session();
    let gate = move || {
        let children = children.clone();
        Suspend::new(async move {
            match session.me.await {
                Ok(Some(me)) if me.has_right(ADMIN) => view! {
                    <Layout me title>
                        {children()}
                    </Layout>
                }
                .into_any(),
                Ok(Some(me)) => view! { <NotAdminPanel me/> }.into_any(),
                Ok(None) => view! { <Redirect path=routes::LOGIN/> }.into_any(),
                Err(error) => view! {
                    <main class="auth-screen">
                        <section class="auth-card">
                            <ErrorPanel error on_retry=move || session.me.refetch()/>
                        </section>
                    </main>
                }
                .into_any(),
            }
        })
    };
    view! {
        <Transition fallback=|| {
            view! {
                <main class="auth-screen">
                    <Loading/>
                </main>
            }
        }>{gate}</Transition>
    }
    .into_any()
}

/// The desktop layout: the sidebar on the left, the page with its heading on the right.
#[component]
pub fn Layout(
    /// The signed-in admin.
    me: Me,
    /// The page's heading.
    title: Key,
    /// The page's content.
    children: Children,
) -> AnyView {
    let i18n = use_i18n();
    let document_title = move || format!("{} · {}", i18n.t(title), i18n.t(Key::AdminConsole));
    view! {
        <Title text=document_title/>
        <div class="admin-shell">
            <Sidebar me/>
            <main class="admin-main">
                <header class="page-header">
                    <h1>{i18n.tr(title)}</h1>
                </header>
                <div class="page-body">{children()}</div>
            </main>
        </div>
    }
    .into_any()
}
