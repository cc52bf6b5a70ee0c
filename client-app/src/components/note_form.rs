//! The short note sent with a friend request or a request to join a group.

use leptos::prelude::*;
use shared::i18n::Key;
use shared::ui::{use_hydrated, use_i18n};

/// A labelled note field (≤ 100 characters) with a Send button.
#[component]
pub fn NoteForm(
    /// The input's element id (unique on the page).
    id: String,
    /// A send is on its way.
    #[prop(into)]
    pending: Signal<bool>,
    /// Called with the note when the user sends it.
    on_send: Callback<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let note = RwSignal::new(String::new());
    view! {
        <form
            class="note-form"
            on:submit=move |ev| {
                ev.prevent_default();
                on_send.run(note.get_untracked());
            }
        >
            <label for=id.clone()>{i18n.tr(Key::FieldNote)}</label>
            <input
                id=id
                maxlength="100"
                prop:value=move || note.get()
                on:input=move |ev| note.set(event_target_value(&ev))
            />
            <div class="form-actions">
                <button
                    type="submit"
                    class="button primary small"
                    disabled=move || !hydrated.get() || pending.get()
                >
                    {i18n.tr(Key::Send)}
                </button>
            </div>
        </form>
    }
}
