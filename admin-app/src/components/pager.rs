//! Previous / next page buttons.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use shared::i18n::Key;
use shared::ui::{use_hydrated, use_i18n};

/// Previous / next buttons (disabled at the ends and until hydrated) and the page position;
/// `url` gives the URL of a page.
#[component]
pub fn Pager(page: u32, pages: u64, url: Callback<u32, String>) -> AnyView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let hydrated = use_hydrated();
    let go = move |to: u32| {
        navigate(&url.run(to), NavigateOptions::default());
    };
    let go_prev = go.clone();
    let has_prev = page > 1;
    let has_next = u64::from(page) < pages;
    view! {
        <nav class="pagination" aria-label=i18n.tr(Key::Pagination)>
            <button
                type="button"
                class="btn"
                disabled=move || !hydrated.get() || !has_prev
                on:click=move |_| go_prev(page.saturating_sub(1).max(1))
            >
                {i18n.tr(Key::PrevPage)}
            </button>
            <span class="page-position">
                <span class="current-page">{page}</span>
                " / "
                <span class="page-count">{pages}</span>
            </span>
            <button
                type="button"
                class="btn"
                disabled=move || !hydrated.get() || !has_next
                on:click=move |_| go(page.saturating_add(1))
            >
                {i18n.tr(Key::NextPage)}
            </button>
        </nav>
    }
    .into_any()
}
