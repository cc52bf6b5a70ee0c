//! A small grid of common emoji for the chat input bar.

use leptos::prelude::*;
use shared::i18n::Key;
use shared::ui::use_i18n;

/// The emoji offered, most used first.
pub const COMMON_EMOJI: &[&str] = &[
    "😀", "😂", "🤣", "😊", "😍", "😘", "😎", "🤔", "😅", "😭", "😡", "😱", "👍", "👎", "👏", "🙏",
    "💪", "🤝", "👌", "✌️", "❤️", "💔", "🎉", "🔥", "🌹", "☕", "🍺", "🎂", "😴", "🙂",
];

/// The emoji grid; `on_pick` gets the chosen emoji.
#[component]
pub fn EmojiPicker(
    /// Called with the emoji the user tapped.
    on_pick: impl Fn(&'static str) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="emoji-grid" role="group" aria-label=i18n.tr(Key::EmojiPicker)>
            {COMMON_EMOJI
                .iter()
                .map(|e| {
                    view! {
                        <button type="button" class="emoji" on:click=move |_| on_pick(e)>
                            {*e}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}
