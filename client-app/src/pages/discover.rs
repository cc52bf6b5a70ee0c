//! The Discover tab.

use leptos::prelude::*;
use shared::i18n::Key;
use shared::ui::use_i18n;

use crate::components::status::EmptyState;

/// The discover page (nothing to discover yet).
#[component]
pub fn DiscoverPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <header class="page-header">
            <h1>{i18n.tr(Key::TabDiscover)}</h1>
        </header>
        <EmptyState title=Key::DiscoverEmpty hint=Key::DiscoverHint/>
    }
}
