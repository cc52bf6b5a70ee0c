//! A time shown in the reader's time zone.

use crate::ui::{time_text, use_hydrated, use_i18n};
use crate::when::TimeStyle;
use leptos::prelude::*;

/// An epoch-millisecond time, worded for where it is shown ([`TimeStyle`]; by default the full
/// `YYYY-MM-DD HH:MM`).
///
/// The server renders UTC; once hydrated, the browser re-renders it in local time (hydration
/// keeps the server's text, so the re-render is triggered by the hydration flag). The full time
/// is the element's `title` (a tooltip).
#[component]
pub fn LocalTime(
    /// Unix epoch milliseconds.
    ms: i64,
    /// How to word it.
    #[prop(optional)]
    style: TimeStyle,
) -> impl IntoView {
    let hydrated = use_hydrated();
    let i18n = use_i18n();
    view! {
        <time title=move || {
            hydrated.track();
            crate::ui::format_time(ms)
        }>
            {move || {
                hydrated.track();
                time_text(ms, style, i18n.lang.get())
            }}
        </time>
    }
}
