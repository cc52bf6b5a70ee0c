//! A time shown in the reader's time zone.

use crate::ui::{format_time, use_hydrated};
use leptos::prelude::*;

/// An epoch-millisecond time as `YYYY-MM-DD HH:MM`.
///
/// The server renders UTC; once hydrated, the browser re-renders it in local time (hydration
/// keeps the server's text, so the re-render is triggered by the hydration flag).
#[component]
pub fn LocalTime(
    /// Unix epoch milliseconds.
    ms: i64,
) -> impl IntoView {
    let hydrated = use_hydrated();
    view! {
        <time>
            {move || {
                hydrated.track();
                format_time(ms)
            }}
        </time>
    }
}
