//! The Me tab: profile, password, devices, blocked users, bots, access tokens, language,
//! log-out.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::api::accounts::{change_password, log_out, update_profile};
use shared::i18n::Key;
use shared::model::Me;
use shared::ui::{use_hydrated, use_i18n};

use super::sessions::SessionsSection;
use crate::components::avatar::face;
use crate::components::avatar_picker::AvatarPicker;
use crate::components::lang_toggle::LangToggle;
use crate::components::status::{ErrorAlert, LoadingPanel};
use crate::session::use_session;

/// `/me`.
#[component]
pub fn MePage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    view! {
        <header class="page-header">
            <h1>{i18n.tr(Key::TabMe)}</h1>
        </header>
        <Transition fallback=|| view! { <LoadingPanel/> }>
            {move || Suspend::new(async move {
                session
                    .me
                    .await
                    .ok()
                    .flatten()
                    .map(|me| {
                        let username = me.username.clone();
                        let presence = me.presence;
                        view! {
                            <ProfileCard me/>
                            <PasswordSection username/>
                            <PresenceSection current=presence/>
                        }
                    })
            })}
        </Transition>
        <SessionsSection/>
        <nav class="cell-group">
            <a class="cell" href="/me/qr">
                <span>{i18n.tr(Key::MyQrCode)}</span>
            </a>
            <a class="cell" href="/me/blocked">
                <span>{i18n.tr(Key::BlockedUsers)}</span>
            </a>
            <a class="cell" href="/me/bots">
                <span>{i18n.tr(Key::MyBots)}</span>
            </a>
            <a class="cell" href="/me/tokens">
                <span>{i18n.tr(Key::AccessTokens)}</span>
            </a>
            <a class="cell" href="/me/sign-in">
                <span>{i18n.tr(Key::SignInMethods)}</span>
            </a>
        </nav>
        <NotifySection/>
        <section class="cell-group">
            <div class="cell">
                <span>{i18n.tr(Key::Language)}</span>
                <LangToggle/>
            </div>
        </section>
        <LogOutButton/>
    }
}

/// The first character of a name, for the letter avatar.
fn initial(name: &str) -> String {
    name.chars().next().map(String::from).unwrap_or_default()
}

/// Shows the profile; "Edit" turns it into a form for nickname and signature.
#[component]
fn ProfileCard(me: Me) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let hydrated = use_hydrated();
    let editing = RwSignal::new(false);
    let nickname = RwSignal::new(me.nickname.clone());
    let avatar = RwSignal::new(me.avatar_url.clone());
    let nickname_for_face = me.nickname.clone();
    let signature = RwSignal::new(me.signature.clone());
    let save = Action::new(|(n, s): &(String, String)| update_profile(n.clone(), s.clone()));
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            editing.set(false);
            session.refresh();
        }
    });
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let shown_signature = if me.signature.is_empty() {
        None
    } else {
        Some(me.signature.clone())
    };
    view! {
        <section class="profile-card" aria-labelledby="profile-name">
            <div class="avatar-column">
                <div class="avatar avatar-large" aria-hidden="true">
                    {move || face(avatar.get(), initial(&nickname_for_face))}
                </div>
                <AvatarPicker changed=Callback::new(move |url: Option<String>| {
                    avatar.set(url);
                    session.refresh();
                })/>
            </div>
            <div class="profile-text">
                <h2 id="profile-name">{me.nickname.clone()}</h2>
                <p class="profile-username">{i18n.tr(Key::Username)} ": " {me.username.clone()}</p>
                <p class="profile-signature">
                    {match shown_signature {
                        Some(s) => s.into_any(),
                        None => view! { <span class="muted">{i18n.tr(Key::NoSignature)}</span> }.into_any(),
                    }}
                </p>
            </div>
            <Show when=move || !editing.get()>
                <button
                    type="button"
                    class="button small"
                    disabled=move || !hydrated.get()
                    on:click=move |_| editing.set(true)
                >
                    {i18n.tr(Key::Edit)}
                </button>
            </Show>
        </section>
        <Show when=move || editing.get()>
            <form
                class="card-form"
                on:submit=move |ev| {
                    ev.prevent_default();
                    save.dispatch((nickname.get_untracked(), signature.get_untracked()));
                }
            >
                <label for="me-nickname">{i18n.tr(Key::Nickname)}</label>
                <input id="me-nickname" name="nickname" maxlength="32" required bind:value=nickname/>
                <label for="me-signature">{i18n.tr(Key::Signature)}</label>
                <textarea id="me-signature" name="signature" maxlength="120" rows="2" bind:value=signature></textarea>
                <ErrorAlert error/>
                <div class="form-actions">
                    <button type="button" class="button" on:click=move |_| editing.set(false)>
                        {i18n.tr(Key::Cancel)}
                    </button>
                    <button type="submit" class="button primary" disabled=move || save.pending().get()>
                        {move || if save.pending().get() { i18n.t(Key::Saving) } else { i18n.t(Key::Save) }}
                    </button>
                </div>
            </form>
        </Show>
    }
}

/// Change the password (other devices are logged out by the server).
#[component]
fn PasswordSection(
    /// The account's username (password managers pair the form with it).
    username: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let change = Action::new(|(c, n): &(String, String)| change_password(c.clone(), n.clone()));
    Effect::new(move |_| {
        if let Some(Ok(())) = change.value().get() {
            current.set(String::new());
            new.set(String::new());
        }
    });
    let error = Signal::derive(move || change.value().get().and_then(Result::err));
    let done = move || matches!(change.value().get(), Some(Ok(())));
    view! {
        <details class="cell-group">
            <summary class="cell">{i18n.tr(Key::ChangePassword)}</summary>
            <form
                class="card-form"
                on:submit=move |ev| {
                    ev.prevent_default();
                    change.dispatch((current.get_untracked(), new.get_untracked()));
                }
            >
                <input
                    type="text"
                    class="visually-hidden"
                    name="username"
                    autocomplete="username"
                    tabindex="-1"
                    aria-hidden="true"
                    readonly
                    value=username
                />
                <label for="pw-current">{i18n.tr(Key::CurrentPassword)}</label>
                <input id="pw-current" type="password" autocomplete="current-password" required bind:value=current/>
                <label for="pw-new">{i18n.tr(Key::NewPassword)}</label>
                <input id="pw-new" type="password" autocomplete="new-password" required bind:value=new/>
                <p class="field-hint">{i18n.tr(Key::PasswordHint)}</p>
                <ErrorAlert error/>
                <Show when=done>
                    <p class="form-ok" role="status">{i18n.tr(Key::PasswordChanged)}</p>
                </Show>
                <button
                    type="submit"
                    class="button primary"
                    disabled=move || !hydrated.get() || change.pending().get()
                >
                    {i18n.tr(Key::ChangePassword)}
                </button>
            </form>
        </details>
    }
}

/// Ends this device's session and returns to the log-in page.
#[component]
fn LogOutButton() -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let session = use_session();
    let navigate = use_navigate();
    let action = Action::new(|_: &()| log_out());
    Effect::new(move |_| {
        if action.value().get().is_some() {
            session.refresh();
            navigate("/login", Default::default());
        }
    });
    view! {
        <div class="cell-group">
            <button
                type="button"
                class="button danger block"
                disabled=move || !hydrated.get() || action.pending().get()
                on:click=move |_| {
                    action.dispatch(());
                }
            >
                {i18n.tr(Key::LogOut)}
            </button>
        </div>
    }
}

/// This device's notification switches: system notifications (asking the browser's permission
/// when turned on) and sound.
#[component]
fn NotifySection() -> impl IntoView {
    let i18n = use_i18n();
    let store = crate::store::use_store();
    let hydrated = shared::ui::use_hydrated();
    // The browser's answer, known once hydrated.
    let permission = RwSignal::new(String::new());
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        permission.set(crate::notify::permission());
    });
    let set = move |change: &dyn Fn(&mut crate::notify::NotifySettings)| {
        store.notify.update(|n| change(n));
        #[cfg(feature = "hydrate")]
        crate::notify::save(store.notify.get_untracked());
    };
    let on_system = move |on: bool| {
        if on {
            #[cfg(feature = "hydrate")]
            crate::notify::request(move |answer| {
                let granted = answer == "granted";
                permission.try_set(answer);
                store.notify.try_update(|n| n.system = granted);
                crate::notify::save(store.notify.get_untracked());
            });
        } else {
            set(&|n| n.system = false);
        }
    };
    let hint = move || match permission.get().as_str() {
        "denied" => Some(Key::NotifyBlocked),
        "unsupported" => Some(Key::NotifyUnsupported),
        _ => None,
    };
    view! {
        <section class="cell-group" aria-label=i18n.tr(Key::NotificationsHeading)>
            <h2 class="cell-group-title">{i18n.tr(Key::NotificationsHeading)}</h2>
            <label class="cell switch-cell">
                <span>{i18n.tr(Key::NotifySystem)}</span>
                <input
                    type="checkbox"
                    role="switch"
                    prop:checked=move || store.notify.get().system && permission.get() == "granted"
                    disabled=move || !hydrated.get() || permission.get() == "unsupported"
                    on:change=move |ev| on_system(event_target_checked(&ev))
                />
            </label>
            {move || hint().map(|k| view! { <p class="cell-hint" role="note">{i18n.tr(k)}</p> })}
            <label class="cell switch-cell">
                <span>{i18n.tr(Key::NotifySound)}</span>
                <input
                    type="checkbox"
                    role="switch"
                    prop:checked=move || store.notify.get().sound
                    disabled=move || !hydrated.get()
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        set(&|n| n.sound = on);
                    }
                />
            </label>
        </section>
    }
}

/// Who may see when the user is online: everyone, friends only, nobody.
#[component]
fn PresenceSection(current: shared::model::PresenceVisibility) -> impl IntoView {
    use shared::model::PresenceVisibility as V;
    let i18n = use_i18n();
    let hydrated = shared::ui::use_hydrated();
    let chosen = RwSignal::new(current);
    let error: RwSignal<Option<shared::AppError>> = RwSignal::new(None);
    let choose = move |v: V| {
        let before = chosen.get_untracked();
        chosen.set(v);
        leptos::task::spawn_local(async move {
            match shared::api::accounts::set_presence_visibility(v).await {
                Ok(me) => {
                    chosen.try_set(me.presence);
                    error.try_set(None);
                }
                Err(e) => {
                    chosen.try_set(before);
                    error.try_set(Some(e));
                }
            }
        });
    };
    view! {
        <fieldset class="cell-group presence-setting">
            <legend class="cell-group-title">{i18n.tr(Key::PresenceHeading)}</legend>
            {[(V::Everyone, Key::PresenceEveryone), (V::Friends, Key::PresenceFriends), (V::Nobody, Key::PresenceNobody)]
                .into_iter()
                .map(|(v, key)| {
                    view! {
                        <label class="cell switch-cell">
                            <span>{i18n.tr(key)}</span>
                            <input
                                type="radio"
                                name="presence"
                                prop:checked=move || chosen.get() == v
                                disabled=move || !hydrated.get()
                                on:change=move |_| choose(v)
                            />
                        </label>
                    }
                })
                .collect_view()}
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{i18n.error(&e)}</p> })}
        </fieldset>
    }
}
