//! Loading, error and empty states.

use leptos::prelude::*;
use shared::AppError;
use shared::i18n::Key;
use shared::ui::use_i18n;

/// A centred "loading" line.
#[component]
pub fn LoadingPanel() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="panel-status" role="status">{i18n.tr(Key::Loading)}</p> }
}

/// A translated error with a retry button.
#[component]
pub fn ErrorPanel(
    /// The error to show.
    error: AppError,
    /// Called when the user asks to try again.
    on_retry: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="panel-status">
            <p role="alert">{move || i18n.error(&error)}</p>
            <button type="button" class="button" on:click=move |_| on_retry()>
                {i18n.tr(Key::Retry)}
            </button>
        </div>
    }
}

/// An inline, translated error message (nothing when `error` is `None`).
#[component]
pub fn ErrorAlert(
    /// The error to show, if any.
    #[prop(into)]
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        error.get().map(|err| {
            view! { <p class="form-error" role="alert">{i18n.error(&err)}</p> }
        })
    }
}

/// An empty state: a title and a hint.
#[component]
pub fn EmptyState(
    /// The headline.
    title: Key,
    /// The explanation below it.
    hint: Key,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="empty-state">
            <p class="empty-title">{i18n.tr(title)}</p>
            <p class="empty-hint">{i18n.tr(hint)}</p>
        </div>
    }
}
