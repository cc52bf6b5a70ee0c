//! The console's left sidebar: brand, navigation, language and the signed-in admin.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::i18n::Key;
use shared::model::Me;
use shared::ui::use_i18n;

use crate::components::language_toggle::LanguageToggle;
use crate::components::log_out::LogOutButton;
use crate::routes;

/// The sidebar. The link to the current page carries `aria-current="page"` (set by the router's
/// `<A>`), which the stylesheet highlights.
///
/// The `<aside>` is as tall as the page (its dark column never ends mid-page); its contents
/// stay in view while a long page scrolls (`.sidebar-inner` is sticky).
#[component]
pub fn Sidebar(
    /// The signed-in admin.
    me: Me,
) -> AnyView {
    let i18n = use_i18n();
    view! {
        <aside class="sidebar">
            <div class="sidebar-inner">
                <a class="sidebar-brand" href=routes::OVERVIEW>
                    {i18n.tr(Key::AdminConsole)}
                </a>
                <nav class="sidebar-nav" aria-label=i18n.tr(Key::MainNavigation)>
                    <ul>
                        <li>
                            <A href=routes::OVERVIEW exact=true>
                                {i18n.tr(Key::Dashboard)}
                            </A>
                        </li>
                        <li>
                            <A href=routes::USERS>{i18n.tr(Key::Users)}</A>
                        </li>
                        <li>
                            <A href=routes::GROUPS>{i18n.tr(Key::AdminGroups)}</A>
                        </li>
                        <li>
                            <A href=routes::MESSAGES>{i18n.tr(Key::AdminMessages)}</A>
                        </li>
                        <li>
                            <A href=routes::REPORTS>{i18n.tr(Key::AdminReports)}</A>
                        </li>
                        <li>
                            <A href=routes::ROLES>{i18n.tr(Key::Roles)}</A>
                        </li>
                        <li>
                            <A href=routes::RIGHTS>{i18n.tr(Key::Rights)}</A>
                        </li>
                        <li>
                            <A href=routes::AUDIT>{i18n.tr(Key::AuditLog)}</A>
                        </li>
                        <li>
                            <A href=routes::INVITES>{i18n.tr(Key::InviteCodes)}</A>
                        </li>
                        <li>
                            <A href=routes::ASSISTANT>{i18n.tr(Key::Assistant)}</A>
                        </li>
                        <li>
                            <A href=routes::SETTINGS>{i18n.tr(Key::SystemSettings)}</A>
                        </li>
                    </ul>
                </nav>
                <div class="sidebar-footer">
                    <p class="signed-in">
                        <span class="signed-in-label">{i18n.tr(Key::SignedInAs)}</span>
                        <strong class="signed-in-name">{me.nickname}</strong>
                        <span class="signed-in-username">"@" {me.username}</span>
                    </p>
                    <div class="sidebar-actions">
                        <LanguageToggle/>
                        <LogOutButton/>
                    </div>
                </div>
            </div>
        </aside>
    }
    .into_any()
}
