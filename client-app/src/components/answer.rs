//! Accept / Decline, the two answers to a friend or join request.

use leptos::prelude::*;
use shared::i18n::Key;
use shared::ui::{use_hydrated, use_i18n};

/// The two buttons; both are disabled until hydrated and while an answer is on its way.
#[component]
pub fn AnswerButtons(
    /// An answer is being sent.
    #[prop(into)]
    pending: Signal<bool>,
    /// Called with `true` for Accept, `false` for Decline.
    on_answer: Callback<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let button = move |accept: bool| {
        view! {
            <button
                type="button"
                class=if accept { "button primary small" } else { "button small" }
                disabled=move || !hydrated.get() || pending.get()
                on:click=move |_| on_answer.run(accept)
            >
                {i18n.tr(if accept { Key::Accept } else { Key::Decline })}
            </button>
        }
    };
    view! { <div class="request-actions">{button(true)} {button(false)}</div> }
}
