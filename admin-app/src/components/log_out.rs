//! The log-out button.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use shared::api::accounts::log_out;
use shared::i18n::Key;
use shared::ui::{use_hydrated, use_i18n};

use crate::routes;
use crate::session::use_session;

/// Logs out this device, then shows the log-in page. A failure is shown translated next to the
/// button. Disabled until hydrated and while the request is in flight.
#[component]
pub fn LogOutButton() -> AnyView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let hydrated = use_hydrated();
    let action = Action::new(move |_: &()| {
        let navigate = navigate.clone();
        async move {
            let result = log_out().await;
            if result.is_ok() {
                navigate(routes::LOGIN, NavigateOptions::default());
                session.changed();
            }
            result
        }
    });
    let pending = action.pending();
    let error = move || {
        action.value().get().and_then(Result::err).map(|err| {
            view! {
                <p class="error-text" role="alert">
                    {move || i18n.error(&err)}
                </p>
            }
        })
    };
    view! {
        <button
            type="button"
            class="btn btn-logout"
            disabled=move || !hydrated.get() || pending.get()
            on:click=move |_| {
                action.dispatch(());
            }
        >
            {i18n.tr(Key::LogOut)}
        </button>
        {error}
    }
    .into_any()
}
