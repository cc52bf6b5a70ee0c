//! The button that switches between Chinese and English.

use leptos::prelude::*;
use shared::i18n::Key;
use shared::ui::{use_hydrated, use_i18n};

/// Shows the other language's name; clicking switches to it and remembers the choice.
/// Disabled until hydrated: before that a click would do nothing.
#[component]
pub fn LangToggle() -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    view! {
        <button
            type="button"
            class="link-button lang-toggle"
            disabled=move || !hydrated.get()
            lang=move || i18n.lang.get().other().tag()
            on:click=move |_| i18n.set(i18n.lang.get_untracked().other())
        >
            {i18n.tr(Key::LanguageToggle)}
        </button>
    }
}
