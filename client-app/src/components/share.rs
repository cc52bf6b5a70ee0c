//! Sharing a link: its QR code, the address, "Copy link" and, where the phone offers it, the
//! system share sheet.

use leptos::prelude::*;
use shared::i18n::Key;
use shared::ui::{use_hydrated, use_i18n};

/// Puts `text` on the clipboard (where the browser allows it).
#[cfg(feature = "hydrate")]
pub fn copy_to_clipboard(text: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}

/// Puts `text` on the clipboard (nothing outside a browser).
#[cfg(not(feature = "hydrate"))]
pub fn copy_to_clipboard(_text: &str) {}

/// Whether the browser has a system share sheet (`navigator.share`).
#[cfg(feature = "hydrate")]
fn can_share() -> bool {
    web_sys::window()
        .is_some_and(|w| js_sys::Reflect::has(&w.navigator(), &"share".into()).unwrap_or(false))
}

#[cfg(not(feature = "hydrate"))]
fn can_share() -> bool {
    false
}

/// Opens the system share sheet for `url` titled `title`.
#[cfg(feature = "hydrate")]
fn share(title: &str, url: &str) {
    use wasm_bindgen::JsCast;
    let Some(w) = web_sys::window() else {
        return;
    };
    let navigator = w.navigator();
    let data = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&data, &"title".into(), &title.into());
    let _ = js_sys::Reflect::set(&data, &"url".into(), &url.into());
    if let Ok(f) = js_sys::Reflect::get(&navigator, &"share".into())
        && let Some(f) = f.dyn_ref::<js_sys::Function>()
    {
        // The promise rejects when the user closes the sheet: nothing to do then.
        let _ = f.call1(&navigator, &data);
    }
}

#[cfg(not(feature = "hydrate"))]
fn share(_title: &str, _url: &str) {}

/// A QR code (an SVG document made by the server) with its address and the ways to pass it on.
#[component]
pub fn LinkCard(
    /// The QR code.
    qr_svg: String,
    /// The address it carries.
    url: String,
    /// The share sheet's title.
    title: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let copied = RwSignal::new(false);
    let sharable = RwSignal::new(false);
    Effect::new(move |_| sharable.set(can_share()));
    let copy_url = url.clone();
    let share_url = url.clone();
    view! {
        <div class="link-card">
            <div class="qr" role="img" aria-label=i18n.tr(Key::QrCodeAlt) inner_html=qr_svg></div>
            <p class="link-url" data-testid="link-url">{url}</p>
            <div class="form-actions">
                <button
                    type="button"
                    class="button"
                    disabled=move || !hydrated.get()
                    on:click=move |_| {
                        copy_to_clipboard(&copy_url);
                        copied.set(true);
                    }
                >
                    {move || if copied.get() { i18n.t(Key::LinkCopied) } else { i18n.t(Key::CopyLink) }}
                </button>
                <Show when=move || sharable.get()>
                    <button
                        type="button"
                        class="button primary"
                        on:click={
                            let title = title.clone();
                            let url = share_url.clone();
                            move |_| share(&title, &url)
                        }
                    >
                        {i18n.tr(Key::ShareLink)}
                    </button>
                </Show>
            </div>
        </div>
    }
}
