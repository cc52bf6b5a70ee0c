//! Loading and error states.

use leptos::prelude::*;
use shared::AppError;
use shared::i18n::Key;
use shared::ui::use_i18n;

/// A loading indicator (a polite live region).
#[component]
pub fn Loading() -> AnyView {
    let i18n = use_i18n();
    view! {
        <p class="loading" role="status">
            {i18n.tr(Key::Loading)}
        </p>
    }
    .into_any()
}

/// A translated API error with a Retry button.
#[component]
pub fn ErrorPanel(
    /// The error to explain.
    error: AppError,
    /// What Retry does (usually refetching the failed resource).
    #[prop(into)]
    on_retry: Callback<()>,
) -> AnyView {
    let i18n = use_i18n();
    let text = move || i18n.error(&error);
    view! {
        <div class="error-panel">
            <p class="error-text" role="alert">
                {text}
            </p>
            <button type="button" class="btn" on:click=move |_| on_retry.run(())>
                {i18n.tr(Key::Retry)}
            </button>
        </div>
    }
    .into_any()
}
