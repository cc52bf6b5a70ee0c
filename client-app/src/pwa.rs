//! Parley as an installed app: the service worker (`/sw.js`, see the server's
//! `http::service_worker`), the offline banner and the offer to reload into a newer build; and
//! the end of the loading bar (`<html data-loading>`) once the app has taken over.
//!
//! The page knows its own build from `<meta name="parley-build">`. The worker announces its
//! build whenever it takes over; when that differs from the page's, a newer release has been
//! deployed and the page offers to reload. The page counts as offline while the browser says
//! so, and when it is the worker's kept copy (`<html data-offline>`) until the realtime
//! connection is up again.

use leptos::prelude::*;
use shared::i18n::Key;
use shared::ui::use_i18n;

/// How often an open page asks whether a newer build has been deployed.
pub const UPDATE_CHECK_MS: u32 = 30 * 60 * 1000;

/// The page's standing with the network and with newer builds.
#[derive(Debug, Clone, Copy)]
pub struct Pwa {
    /// Parley is out of reach: the page shows what was last loaded.
    pub offline: RwSignal<bool>,
    /// A newer build has taken over: reloading the page loads it.
    pub update_ready: RwSignal<bool>,
}

impl Pwa {
    /// The realtime connection is up: the page is live again, whatever it was loaded from.
    pub fn connected(self) {
        #[cfg(feature = "hydrate")]
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.remove_attribute(imp::OFFLINE_ATTR);
        }
        self.offline.try_set(false);
    }
}

/// Creates the page's [`Pwa`] state and provides it as context.
pub fn provide_pwa() -> Pwa {
    let pwa = Pwa {
        offline: RwSignal::new(false),
        update_ready: RwSignal::new(false),
    };
    provide_context(pwa);
    pwa
}

/// The state provided by [`provide_pwa`], if any.
pub fn use_pwa() -> Option<Pwa> {
    use_context::<Pwa>()
}

/// Registers the service worker and follows the network (browser only; call once per page).
pub fn start(pwa: Pwa) {
    #[cfg(feature = "hydrate")]
    imp::start(pwa);
    #[cfg(not(feature = "hydrate"))]
    let _ = pwa;
}

/// The offline banner and the offer to reload into a newer build, shown above every page.
#[component]
pub fn PwaBanners() -> impl IntoView {
    let i18n = use_i18n();
    let pwa = use_pwa().unwrap_or_else(provide_pwa);
    let reload = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    };
    view! {
        <Show when=move || pwa.offline.get()>
            <div class="offline-banner" role="status">
                {i18n.tr(Key::OfflineBanner)}
            </div>
        </Show>
        <Show when=move || pwa.update_ready.get()>
            <div class="update-banner" role="alert">
                <span>{i18n.tr(Key::UpdateReady)}</span>
                <button type="button" on:click=reload>
                    {i18n.tr(Key::UpdateReload)}
                </button>
            </div>
        </Show>
    }
}

#[cfg(feature = "hydrate")]
mod imp {
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{MessageEvent, ServiceWorkerRegistration};

    use super::{Pwa, UPDATE_CHECK_MS};

    /// Set on `<html>` by the worker on a kept copy served without the network.
    pub const OFFLINE_ATTR: &str = "data-offline";
    /// Set on `<html>` by the server until the app has taken over.
    const LOADING_ATTR: &str = "data-loading";
    const SCRIPT: &str = "/sw.js";

    pub fn start(pwa: Pwa) {
        let Some(window) = web_sys::window() else {
            return;
        };
        // The app has taken over: the controls work now.
        if let Some(root) = window.document().and_then(|d| d.document_element()) {
            let _ = root.remove_attribute(LOADING_ATTR);
        }
        let from_copy = served_from_copy();
        pwa.offline.set(from_copy || !window.navigator().on_line());
        listen(&window, "offline", move || pwa.offline.set(true));
        listen(&window, "online", move || {
            // A kept copy stays stale until the realtime connection has caught up.
            if !served_from_copy() {
                pwa.offline.set(false);
            }
        });
        register(&window, pwa);
    }

    /// Whether this page is the worker's kept copy, shown without the network.
    fn served_from_copy() -> bool {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .is_some_and(|root| root.has_attribute(OFFLINE_ATTR))
    }

    /// The build this page was rendered by (`<meta name="parley-build">`).
    fn page_build() -> Option<String> {
        web_sys::window()?
            .document()?
            .query_selector("meta[name=parley-build]")
            .ok()??
            .get_attribute("content")
    }

    fn listen(window: &web_sys::Window, event: &str, f: impl Fn() + 'static) {
        let callback = Closure::<dyn Fn()>::new(f);
        let _ = window.add_event_listener_with_callback(event, callback.as_ref().unchecked_ref());
        // Lives as long as the page.
        callback.forget();
    }

    fn register(window: &web_sys::Window, pwa: Pwa) {
        let navigator = window.navigator();
        // Browsers offer service workers on secure origins (https, localhost) only.
        let supported = js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false);
        if !supported {
            return;
        }
        let container = navigator.service_worker();
        let own = page_build();
        let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            let data = event.data();
            let field = |name: &str| {
                js_sys::Reflect::get(&data, &name.into())
                    .ok()
                    .and_then(|v| v.as_string())
            };
            if field("type").as_deref() != Some("parley-build") {
                return;
            }
            if let (Some(build), Some(own)) = (field("build"), own.as_ref())
                && &build != own
            {
                pwa.update_ready.try_set(true);
            }
        });
        container.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        let promise = container.register(SCRIPT);
        leptos::task::spawn_local(async move {
            let Ok(registration) = JsFuture::from(promise).await else {
                return;
            };
            let Ok(registration) = registration.dyn_into::<ServiceWorkerRegistration>() else {
                return;
            };
            // A page left open for days still hears of new releases.
            let _ = set_interval_with_handle(
                move || {
                    let _ = registration.update();
                },
                std::time::Duration::from_millis(u64::from(UPDATE_CHECK_MS)),
            );
        });
    }
}
