//! The fallback for a path under `/admin` that matches no page.

use leptos::prelude::*;
use leptos_meta::Title;
use shared::i18n::Key;
use shared::ui::use_i18n;

use crate::routes;

/// "Not found", with a link back to the overview.
#[component]
pub fn NotFoundPage() -> AnyView {
    let i18n = use_i18n();
    let document_title = move || {
        format!(
            "{} · {}",
            i18n.t(Key::PageNotFound),
            i18n.t(Key::AdminConsole)
        )
    };
    view! {
        <Title text=document_title/>
        <main class="auth-screen">
            <section class="auth-card" aria-labelledby="not-found-title">
                <p class="auth-brand">{i18n.tr(Key::AdminConsole)}</p>
                <h1 id="not-found-title">{i18n.tr(Key::PageNotFound)}</h1>
                <p>
                    <a class="btn" href=routes::OVERVIEW>
                        {i18n.tr(Key::Dashboard)}
                    </a>
                </p>
            </section>
        </main>
    }
    .into_any()
}
