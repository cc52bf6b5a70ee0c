//! An inline confirmation: a question with Cancel and Confirm, shown in place of the action that
//! asked for it (revoking a token, deleting a bot or a webhook, …).

use leptos::prelude::*;
use shared::i18n::Key;
use shared::ui::use_i18n;

/// `question` with Cancel and a danger Confirm, both held while `busy`.
#[component]
pub fn InlineConfirm(
    /// What is asked (also the dialog's accessible name).
    question: Key,
    /// Whether the confirmed action is running.
    #[prop(into)]
    busy: Signal<bool>,
    /// Classes added after `confirm`.
    #[prop(optional)]
    class: &'static str,
    /// Called on Cancel.
    on_cancel: Callback<()>,
    /// Called on Confirm.
    on_confirm: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class=format!("confirm {class}") role="alertdialog" aria-label=i18n.tr(question)>
            <p>{i18n.tr(question)}</p>
            <div class="form-actions">
                <button
                    type="button"
                    class="button small"
                    disabled=move || busy.get()
                    on:click=move |_| on_cancel.run(())
                >
                    {i18n.tr(Key::Cancel)}
                </button>
                <button
                    type="button"
                    class="button small danger"
                    disabled=move || busy.get()
                    on:click=move |_| on_confirm.run(())
                >
                    {i18n.tr(Key::Confirm)}
                </button>
            </div>
        </div>
    }
}
