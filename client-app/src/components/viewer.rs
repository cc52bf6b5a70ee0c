//! The full-screen photo viewer: opened by tapping a photo in a chat; swipe left and right
//! between the conversation's photos, double-tap (or pinch) to zoom, save, tap to close.

use leptos::prelude::*;
use shared::i18n::Key;
use shared::ui::use_i18n;

/// Which photo the viewer shows (its full-size URL), or `None` when closed. Provided by the
/// chat page.
#[derive(Clone, Copy)]
pub struct ViewerOpen(pub RwSignal<Option<String>>);

/// Swipes shorter than this (CSS pixels) are taps.
const SWIPE: f64 = 50.0;

/// The viewer over the page.
#[component]
pub fn Viewer(
    /// The photo shown, if open.
    open: ViewerOpen,
    /// The conversation's photos in order (full-size URLs).
    photos: Signal<Vec<String>>,
) -> AnyView {
    let i18n = use_i18n();
    let zoomed = RwSignal::new(false);
    let start_x = StoredValue::new(None::<f64>);
    let last_tap = StoredValue::new(0.0_f64);
    let step = move |by: i32| {
        let list = photos.get_untracked();
        let Some(current) = open.0.get_untracked() else {
            return;
        };
        let Some(at) = list.iter().position(|u| *u == current) else {
            return;
        };
        let next = i32::try_from(at).unwrap_or(0) + by;
        if let Some(url) = usize::try_from(next).ok().and_then(|i| list.get(i)) {
            zoomed.set(false);
            open.0.set(Some(url.clone()));
        }
    };
    let position = move || {
        let list = photos.get();
        let current = open.0.get();
        let at = current.and_then(|c| list.iter().position(|u| *u == c));
        at.map(|i| format!("{} / {}", i + 1, list.len()))
            .unwrap_or_default()
    };
    view! {
        <Show when=move || open.0.get().is_some()>
            <div
                class="viewer"
                role="dialog"
                aria-modal="true"
                aria-label=i18n.tr(Key::PreviewPhoto)
                on:touchstart=move |ev: leptos::ev::TouchEvent| {
                    let one = ev.touches().length() == 1;
                    start_x.set_value(
                        ev.touches().get(0).filter(|_| one).map(|t| f64::from(t.client_x())),
                    );
                }
                on:touchend=move |ev: leptos::ev::TouchEvent| {
                    let Some(x0) = start_x.get_value() else { return };
                    let Some(t) = ev.changed_touches().get(0) else { return };
                    let dx = f64::from(t.client_x()) - x0;
                    if !zoomed.get_untracked() && dx.abs() > SWIPE {
                        step(if dx < 0.0 { 1 } else { -1 });
                        ev.prevent_default();
                    }
                }
            >
                <div class="viewer-bar">
                    <span class="viewer-position">{position}</span>
                    <a
                        class="viewer-save"
                        href=move || open.0.get().unwrap_or_default()
                        download=""
                    >
                        {i18n.tr(Key::SavePhoto)}
                    </a>
                    <button
                        type="button"
                        class="viewer-close"
                        aria-label=i18n.tr(Key::Close)
                        on:click=move |_| open.0.set(None)
                    >
                        "×"
                    </button>
                </div>
                <div class="viewer-stage">
                    <img
                        class="viewer-image"
                        class:zoomed=move || zoomed.get()
                        src=move || open.0.get().unwrap_or_default()
                        alt=""
                        on:click=move |ev: leptos::ev::MouseEvent| {
                            let now = ev.time_stamp();
                            if now - last_tap.get_value() < 300.0 {
                                zoomed.update(|z| *z = !*z);
                            }
                            last_tap.set_value(now);
                        }
                        on:dblclick=move |_| zoomed.update(|z| *z = !*z)
                    />
                </div>
                <button
                    type="button"
                    class="viewer-prev"
                    aria-label=i18n.tr(Key::Previous)
                    on:click=move |_| step(-1)
                >
                    "‹"
                </button>
                <button
                    type="button"
                    class="viewer-next"
                    aria-label=i18n.tr(Key::Next)
                    on:click=move |_| step(1)
                >
                    "›"
                </button>
            </div>
        </Show>
    }
    .into_any()
}
