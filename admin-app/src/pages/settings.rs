//! `/admin/settings`: the system settings (registration open or closed).

use leptos::prelude::*;
use shared::AppError;
use shared::api::admin::{admin_get_settings, admin_update_settings};
use shared::i18n::Key;
use shared::model::AdminSettings;
use shared::ui::{use_hydrated, use_i18n};

use crate::components::status::{ErrorPanel, Loading};
use crate::layout::AdminPage;
use crate::session::use_session;

/// The settings page (behind the admin gate).
#[component]
pub fn SettingsPage() -> AnyView {
    let session = use_session();
    let settings = Resource::new(
        || (),
        move |_| async move {
            session.require_admin().await?;
            admin_get_settings().await
        },
    );
    let body = move || {
        Suspend::new(async move {
            match settings.await {
                Ok(current) => view! { <SettingsForm current/> }.into_any(),
                Err(error) => {
                    view! { <ErrorPanel error on_retry=move || settings.refetch()/> }.into_any()
                }
            }
        })
    };
    view! {
        <AdminPage title=Key::SystemSettings>
            <Transition fallback=Loading>{body}</Transition>
        </AdminPage>
    }
    .into_any()
}

#[component]
fn SettingsForm(current: AdminSettings) -> AnyView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let registration = RwSignal::new(current.registration);
    let save =
        Action::new(move |(): &()| admin_update_settings(Some(registration.get_untracked())));
    let saved = move || save.value().get().is_some_and(|r| r.is_ok());
    let error = move || {
        save.value()
            .get()
            .and_then(Result::err)
            .map(|e: AppError| i18n.error(&e))
    };
    let option = move |value: &'static str, label: Key| {
        view! {
            <label class="check">
                <input
                    type="radio"
                    name="registration"
                    value=value
                    prop:checked=move || registration.get() == value
                    on:change=move |_| registration.set(value.to_owned())
                />
                {i18n.tr(label)}
            </label>
        }
    };
    view! {
        <form
            class="card-form"
            on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(());
            }
        >
            <fieldset class="radio-group">
                <legend>{i18n.tr(Key::RegistrationLabel)}</legend>
                {option("open", Key::RegistrationOpenOption)}
                {option("closed", Key::RegistrationClosedOption)}
            </fieldset>
            {move || error().map(|e| view! { <p class="error-text" role="alert">{e}</p> })}
            <p class="toast" role="status">{move || saved().then(|| i18n.t(Key::Saved))}</p>
            <button
                type="submit"
                class="btn btn-primary"
                disabled=move || !hydrated.get() || save.pending().get()
            >
                {i18n.tr(Key::Save)}
            </button>
        </form>
    }
    .into_any()
}
