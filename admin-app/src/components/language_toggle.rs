//! The button that switches between Chinese and English.

use leptos::prelude::*;
use shared::i18n::Key;
use shared::ui::use_i18n;

/// A button labelled with the *other* language's name; clicking it switches to that language
/// and remembers the choice in the language cookie.
#[component]
pub fn LanguageToggle() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button
            type="button"
            class="btn btn-ghost lang-toggle"
            lang=move || i18n.lang.get().other().tag()
            on:click=move |_| i18n.set(i18n.lang.get_untracked().other())
        >
            {i18n.tr(Key::LanguageToggle)}
        </button>
    }
}
