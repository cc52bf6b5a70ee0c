//! The red count badge (unread messages, new friend and join requests).

use leptos::prelude::*;
use shared::i18n::Key;
use shared::ui::use_i18n;

/// A red badge showing `count` (99+ above 99), labelled "`count` `label`"; nothing at zero.
#[component]
pub fn CountBadge(
    /// The number to show.
    #[prop(into)]
    count: Signal<u64>,
    /// What is counted, read after the number (e.g. "unread").
    label: Key,
) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let n = count.get();
        (n > 0).then(|| {
            view! {
                <span class="unread-badge" aria-label=move || format!("{n} {}", i18n.t(label))>
                    {if n > 99 { "99+".to_owned() } else { n.to_string() }}
                </span>
            }
        })
    }
}
