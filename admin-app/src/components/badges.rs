//! Role and right keys shown as small badges: the built-in name in the page's language, the key
//! as the title.

use leptos::prelude::*;
use shared::ui::use_i18n;

use crate::names::{builtin_right_name, builtin_role_name};

/// What a list of badges names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadgeKind {
    /// Role keys (`admin`, `user`, …).
    Role,
    /// Right keys (`login`, `speak`, …).
    Right,
}

/// A list of keys as badges; a dash when the list is empty.
#[component]
pub fn Badges(
    /// The keys to show, in order.
    keys: Vec<String>,
    /// Whether the keys are roles or rights.
    kind: BadgeKind,
) -> impl IntoView {
    let i18n = use_i18n();
    if keys.is_empty() {
        return view! { <span class="muted">"—"</span> }.into_any();
    }
    let class = match kind {
        BadgeKind::Role => "badges badges-role",
        BadgeKind::Right => "badges badges-right",
    };
    view! {
        <ul class=class>
            {keys
                .into_iter()
                .map(|key| {
                    let name_key = key.clone();
                    // The built-in name in the page's language; a role or right an administrator
                    // made shows its key.
                    let name = move || {
                        let lang = i18n.lang.get();
                        match kind {
                            BadgeKind::Role => builtin_role_name(lang, &name_key),
                            BadgeKind::Right => builtin_right_name(lang, &name_key),
                        }
                        .map_or_else(|| name_key.clone(), str::to_owned)
                    };
                    let builtin = match kind {
                        BadgeKind::Role => builtin_role_name(i18n.lang.get_untracked(), &key),
                        BadgeKind::Right => builtin_right_name(i18n.lang.get_untracked(), &key),
                    }
                        .is_some();
                    view! {
                        <li class="badge" class:badge-builtin=builtin title=key.clone() data-key=key>
                            {name}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}
