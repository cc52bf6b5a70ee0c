//! "Online" or "Last seen …" for one person, asked of the server when shown and every half
//! minute while it stays on screen (no event is pushed per connection change).

use leptos::prelude::*;
use shared::api::contacts::get_presence;
use shared::i18n::Key;
use shared::ids::UserId;
use shared::model::Presence;
use shared::ui::use_i18n;
use shared::when::TimeStyle;

/// How often a shown presence is asked again.
const EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// The presence line of `user`; nothing when their setting hides it from the reader.
#[component]
pub fn PresenceLine(
    /// The person.
    user: UserId,
) -> impl IntoView {
    let i18n = use_i18n();
    let presence: RwSignal<Option<Presence>> = RwSignal::new(None);
    let fetch = move || {
        leptos::task::spawn_local(async move {
            if let Ok(list) = get_presence(vec![user]).await {
                presence.try_set(list.into_iter().find(|p| p.user_id == user));
            }
        });
    };
    Effect::new(move |_| fetch());
    #[cfg(feature = "hydrate")]
    {
        let handle = set_interval_with_handle(fetch, EVERY).ok();
        on_cleanup(move || {
            if let Some(h) = handle {
                h.clear();
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = EVERY;
    move || {
        let p = presence.get()?;
        let lang = i18n.lang.get();
        let text = if p.online {
            lang.t(Key::Online).to_owned()
        } else {
            let seen = p.last_seen?;
            let when = shared::ui::time_text(seen, TimeStyle::List, lang);
            lang.t(Key::LastSeen).replace("{time}", &when)
        };
        Some(view! { <span class="presence" class:online=p.online>{text}</span> })
    }
}
