//! A secret shown once (a bot's token, a webhook's URL): a warning, the value in a read-only
//! field that selects itself, "Copy", how a program uses it, and a button to put it away.

use leptos::prelude::*;
use shared::i18n::Key;
use shared::ui::{use_hydrated, use_i18n};

use crate::components::share::copy_to_clipboard;

/// The words of one kind of secret.
#[derive(Debug, Clone, Copy)]
pub struct SecretWords {
    /// "Copy this … now: it is shown only once."
    pub warning: Key,
    /// The field's label.
    pub label: Key,
    /// What the usage line below is.
    pub usage: Key,
    /// The button that puts the card away.
    pub done: Key,
}

/// The card. `id` names the field (and, with `-title`, the heading); it is also the field's
/// `data-testid`.
#[component]
pub fn SecretCard(
    /// The heading.
    title: String,
    /// The secret.
    value: String,
    /// How a program uses it (shown as code).
    usage: String,
    /// The words around it.
    words: SecretWords,
    /// The field's id.
    id: &'static str,
    /// Runs when the user is done with it.
    #[prop(into)]
    on_done: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let copied = RwSignal::new(false);
    let card = NodeRef::<leptos::html::Section>::new();
    let input = NodeRef::<leptos::html::Input>::new();
    // Bring the card into view: a secret issued far down a list appears up here.
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(el) = card.get() {
            el.scroll_into_view();
        }
    });
    // Select the whole value, so that it can be copied by hand too.
    let select = move || {
        #[cfg(feature = "hydrate")]
        if let Some(el) = input.get_untracked() {
            el.select();
        }
    };
    let copy_value = value.clone();
    let title_id = format!("{id}-title");
    let labelled_by = title_id.clone();
    view! {
        <section class="bot-token-card" node_ref=card aria-labelledby=labelled_by>
            <h2 id=title_id class="bot-token-title">{title}</h2>
            <p class="bot-token-warning" role="status">{i18n.tr(words.warning)}</p>
            <label for=id>{i18n.tr(words.label)}</label>
            <div class="bot-token-row">
                <input
                    id=id
                    node_ref=input
                    class="bot-token-value"
                    data-testid=id
                    readonly
                    autocomplete="off"
                    spellcheck="false"
                    prop:value=value
                    on:focus=move |_| select()
                />
                <button
                    type="button"
                    class="button primary small"
                    disabled=move || !hydrated.get()
                    on:click=move |_| {
                        select();
                        copy_to_clipboard(&copy_value);
                        copied.set(true);
                    }
                >
                    {move || if copied.get() { i18n.t(Key::Copied) } else { i18n.t(Key::ActionCopy) }}
                </button>
            </div>
            <p class="field-hint">{i18n.tr(words.usage)}</p>
            <code class="bot-token-usage">{usage}</code>
            <div class="form-actions">
                <button type="button" class="button small" on:click=move |_| on_done.run(())>
                    {i18n.tr(words.done)}
                </button>
            </div>
        </section>
    }
}
