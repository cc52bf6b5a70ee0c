//! A confirmation dialog in the page (Ant Design's `Modal.confirm`): a title, what will
//! happen, optionally a reason to type, and Cancel / the action's own button. Escape or the
//! backdrop cancels.

use leptos::ev::KeyboardEvent;
use leptos::html::{Button, Textarea};
use leptos::prelude::*;
use shared::i18n::Key;
use shared::model::ADMIN_REASON_MAX;
use shared::ui::use_i18n;

/// What a confirmation asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    /// The question (the dialog's title).
    pub title: String,
    /// What will happen.
    pub message: String,
    /// The confirming button's label (the action's name).
    pub action: String,
    /// The action cannot be undone easily: the button is red.
    pub danger: bool,
    /// Ask for a reason (passed to `on_confirm`; empty otherwise).
    pub reason: Option<String>,
}

/// The dialog, shown while `ask` holds a confirmation. `on_confirm` gets the reason typed
/// (empty when none was asked for); both callbacks should clear `ask`.
#[component]
pub fn ConfirmDialog(
    /// The confirmation shown (`None`: the dialog is closed).
    #[prop(into)]
    ask: Signal<Option<Confirmation>>,
    /// Runs with the reason when the action is confirmed.
    #[prop(into)]
    on_confirm: Callback<String>,
    /// Runs when the dialog is dismissed.
    #[prop(into)]
    on_cancel: Callback<()>,
) -> impl IntoView {
    move || {
        ask.get()
            .map(|confirmation| view! { <ConfirmBox confirmation on_confirm on_cancel/> })
    }
}

#[component]
fn ConfirmBox(
    confirmation: Confirmation,
    on_confirm: Callback<String>,
    on_cancel: Callback<()>,
) -> AnyView {
    let i18n = use_i18n();
    let reason = RwSignal::new(String::new());
    let asks_reason = confirmation.reason.clone();
    let button = NodeRef::<Button>::new();
    let textarea = NodeRef::<Textarea>::new();
    // Focus goes into the dialog: the reason box when there is one, else the action.
    Effect::new(move |_| {
        if let Some(el) = textarea.get() {
            let _ = el.focus();
        } else if let Some(el) = button.get() {
            let _ = el.focus();
        }
    });
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            on_cancel.run(());
        }
    };
    let class = if confirmation.danger {
        "btn btn-danger"
    } else {
        "btn btn-primary"
    };
    view! {
        <div class="modal-backdrop" on:click=move |_| on_cancel.run(())></div>
        <div
            class="modal"
            role="alertdialog"
            aria-modal="true"
            aria-labelledby="confirm-title"
            aria-describedby="confirm-message"
            on:keydown=on_keydown
        >
            <h2 id="confirm-title" class="modal-title">{confirmation.title}</h2>
            <p id="confirm-message" class="modal-message">{confirmation.message}</p>
            {asks_reason.map(|label| {
                view! {
                    <div class="field">
                        <label for="confirm-reason">{label}</label>
                        <textarea
                            id="confirm-reason"
                            rows="3"
                            maxlength=ADMIN_REASON_MAX.to_string()
                            node_ref=textarea
                            prop:value=move || reason.get()
                            on:input=move |ev| reason.set(event_target_value(&ev))
                        ></textarea>
                    </div>
                }
            })}
            <div class="modal-actions">
                <button type="button" class="btn" on:click=move |_| on_cancel.run(())>
                    {i18n.tr(Key::Cancel)}
                </button>
                <button
                    type="button"
                    class=class
                    node_ref=button
                    on:click=move |_| on_confirm.run(reason.get_untracked().trim().to_owned())
                >
                    {confirmation.action}
                </button>
            </div>
        </div>
    }
    .into_any()
}
