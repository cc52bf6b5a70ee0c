//! Role and right keys shown as small badges, titled with their display names.

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
                    let title_key = key.clone();
                    let title = move || {
                        let lang = i18n.lang.get();
                        match kind {
                            BadgeKind::Role => builtin_role_name(lang, &title_key),
                            BadgeKind::Right => builtin_right_name(lang, &title_key),
                        }
                    };
                    let builtin = match kind {
                        BadgeKind::Role => builtin_role_name(i18n.lang.get_untracked(), &key),
                        BadgeKind::Right => builtin_right_name(i18n.lang.get_untracked(), &key),
                    }
                        .is_some();
                    view! {
                        <li class="badge" class:badge-builtin=builtin title=title>
                            {key}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}
