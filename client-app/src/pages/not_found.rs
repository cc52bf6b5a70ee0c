//! The page shown for unknown paths.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::i18n::Key;
use shared::ui::use_i18n;

/// "Not found", with a way back.
#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="empty-state">
            <p class="empty-title">{i18n.tr(Key::PageNotFound)}</p>
            <A href="/">{i18n.tr(Key::TabChats)}</A>
        </div>
    }
}
