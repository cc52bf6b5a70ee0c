//! The document title of a page outside the signed-in shell (log-in, sign-up): "<page> ·
//! Parley", in the reader's language. Inside the shell the title counts unread messages.

use leptos::prelude::*;
use leptos_meta::Title;
use shared::i18n::Key;
use shared::ui::use_i18n;

/// Sets the tab's title to the page named `key` and the app's name.
#[component]
pub fn PageTitle(
    /// The page's name.
    key: Key,
) -> impl IntoView {
    let i18n = use_i18n();
    view! { <Title text=move || format!("{} · {}", i18n.t(key), i18n.t(Key::AppName))/> }
}
