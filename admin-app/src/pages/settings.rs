//! `/admin/settings`: the system settings: registration, the site's name and log-in notice,
//! the upload limit, the recall window and the role of new accounts.

use leptos::prelude::*;
use shared::AppError;
use shared::api::admin::{admin_get_settings, admin_list_roles, admin_update_settings};
use shared::i18n::Key;
use shared::model::{AdminSettings, LOGIN_NOTICE_MAX, RoleInfo, SITE_NAME_MAX};
use shared::ui::{use_hydrated, use_i18n};

use crate::components::status::{ErrorPanel, Loading};
use crate::layout::AdminPage;
use crate::routes;
use crate::session::use_session;

/// `now` when it differs from what the server holds, else `None` (left as it is).
pub fn changed<T: PartialEq>(now: T, before: &T) -> Option<T> {
    (now != *before).then_some(now)
}

/// The settings page (behind the admin gate).
#[component]
pub fn SettingsPage() -> AnyView {
    let session = use_session();
    let settings = Resource::new(
        || (),
        move |_| async move {
            session.require_admin().await?;
            let settings = admin_get_settings().await?;
            let roles = admin_list_roles().await?;
            Ok::<_, AppError>((settings, roles))
        },
    );
    let body = move || {
        Suspend::new(async move {
            match settings.await {
                Ok((current, roles)) => view! { <SettingsForm current roles/> }.into_any(),
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

/// The form; `roles` are offered for new accounts (those granting `admin` are not).
#[component]
fn SettingsForm(current: AdminSettings, roles: Vec<RoleInfo>) -> AnyView {
    let i18n = use_i18n();
    // Nothing takes input before the app does: a choice made earlier would be lost on save.
    let hydrated = use_hydrated();
    // What the server last said: only the fields changed since are sent, so two administrators
    // saving different fields at once do not undo each other's change.
    let baseline = StoredValue::new(current.clone());
    let registration = RwSignal::new(current.registration);
    let site_name = RwSignal::new(current.site_name);
    let login_notice = RwSignal::new(current.login_notice);
    let max_upload = RwSignal::new(current.max_upload_mib.to_string());
    let recall = RwSignal::new(current.recall_window_s.to_string());
    let default_role = RwSignal::new(current.default_role);
    let limit = current.max_upload_mib_limit;
    let save = Action::new(move |(): &()| {
        let number = |s: String| s.trim().parse::<u64>().ok();
        let before = baseline.get_value();
        admin_update_settings(
            changed(registration.get_untracked(), &before.registration),
            changed(site_name.get_untracked(), &before.site_name),
            number(max_upload.get_untracked()).and_then(|n| changed(n, &before.max_upload_mib)),
            number(recall.get_untracked()).and_then(|n| changed(n, &before.recall_window_s)),
            changed(default_role.get_untracked(), &before.default_role),
            changed(login_notice.get_untracked(), &before.login_notice),
        )
    });
    Effect::new(move |_| {
        if let Some(Ok(now)) = save.value().get() {
            baseline.set_value(now);
        }
    });
    let role_options: Vec<(String, String)> = roles
        .into_iter()
        .filter(|r| !r.rights.iter().any(|x| x == shared::rights::ADMIN))
        .map(|r| {
            (
                r.key.clone(),
                crate::names::role_name(i18n.lang.get_untracked(), &r.key, &r.name),
            )
        })
        .collect();
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
            <fieldset class="radio-group" disabled=move || !hydrated.get()>
                <legend>{i18n.tr(Key::RegistrationLabel)}</legend>
                {option("open", Key::RegistrationOpenOption)}
                {option("invite", Key::RegistrationInviteOption)}
                {option("closed", Key::RegistrationClosedOption)}
                <a class="field-link" href=routes::INVITES>{i18n.tr(Key::ManageInviteCodes)}</a>
            </fieldset>
            <label class="field">
                <span>{i18n.tr(Key::SiteNameLabel)}</span>
                <input
                    disabled=move || !hydrated.get()
                    type="text"
                    maxlength=SITE_NAME_MAX.to_string()
                    prop:value=move || site_name.get()
                    on:input=move |ev| site_name.set(event_target_value(&ev))
                />
            </label>
            <label class="field">
                <span>{i18n.tr(Key::LoginNoticeLabel)}</span>
                <textarea
                    disabled=move || !hydrated.get()
                    maxlength=LOGIN_NOTICE_MAX.to_string()
                    prop:value=move || login_notice.get()
                    on:input=move |ev| login_notice.set(event_target_value(&ev))
                ></textarea>
            </label>
            <label class="field">
                <span>{i18n.tr(Key::MaxUploadLabel)}</span>
                <input
                    disabled=move || !hydrated.get()
                    type="number"
                    min="1"
                    max=limit.to_string()
                    prop:value=move || max_upload.get()
                    on:input=move |ev| max_upload.set(event_target_value(&ev))
                />
                <small class="hint">{move || i18n.lang.get().t(Key::MaxUploadHint).replace("{limit}", &limit.to_string())}</small>
            </label>
            <label class="field">
                <span>{i18n.tr(Key::RecallWindowLabel)}</span>
                <input
                    disabled=move || !hydrated.get()
                    type="number"
                    min="0"
                    max=shared::model::RECALL_WINDOW_MAX_SECS.to_string()
                    prop:value=move || recall.get()
                    on:input=move |ev| recall.set(event_target_value(&ev))
                />
            </label>
            <label class="field">
                <span>{i18n.tr(Key::DefaultRoleLabel)}</span>
                <select
                    disabled=move || !hydrated.get()
                    prop:value=move || default_role.get()
                    on:change=move |ev| default_role.set(event_target_value(&ev))
                >
                    {role_options
                        .into_iter()
                        .map(|(key, name)| {
                            let selected = key == default_role.get_untracked();
                            view! { <option value=key selected=selected>{name}</option> }
                        })
                        .collect_view()}
                </select>
            </label>
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

#[cfg(test)]
mod tests {
    use super::changed;

    #[test]
    fn only_changed_fields_are_sent() {
        assert_eq!(changed("open".to_owned(), &"open".to_owned()), None);
        assert_eq!(
            changed("invite".to_owned(), &"open".to_owned()),
            Some("invite".to_owned())
        );
        assert_eq!(changed(5_u64, &5), None);
        assert_eq!(changed(6_u64, &5), Some(6));
    }
}
