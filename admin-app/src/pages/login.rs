//! `/admin/login`: the administrator log-in form.

use leptos::ev::SubmitEvent;
use leptos::html::Input;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use shared::AppError;
use shared::api::accounts::{log_in, log_out};
use shared::error::Invalid;
use shared::i18n::Key;
use shared::rights::ADMIN;
use shared::ui::{use_hydrated, use_i18n};

use crate::components::language_toggle::LanguageToggle;
use crate::routes;
use crate::session::use_session;

/// Why a log-in attempt did not open the console.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Failure {
    /// The credentials were right but the account has no `admin` right (it was logged out again).
    NotAdmin,
    /// The server (or the form check) refused.
    Api(AppError),
}

/// Checks the form, logs in, and keeps the session only for an admin.
async fn attempt(username: String, password: String) -> Result<(), Failure> {
    if username.is_empty() {
        return Err(Failure::Api(AppError::invalid(
            "username",
            Invalid::Required,
        )));
    }
    if password.is_empty() {
        return Err(Failure::Api(AppError::invalid(
            "password",
            Invalid::Required,
        )));
    }
    let me = log_in(username, password).await.map_err(Failure::Api)?;
    if me.has_right(ADMIN) {
        Ok(())
    } else {
        // Leave no half-session behind: this account may not use the console. The refusal is
        // what matters to the user even if this log-out fails.
        let _ = log_out().await;
        Err(Failure::NotAdmin)
    }
}

/// The log-in page. Labelled username and password fields, a submit button disabled until the
/// page is hydrated and while a request is in flight, and a translated error in `role="alert"`.
/// An admin lands on the users table; any other account is refused with [`Key::NotAdmin`].
#[component]
pub fn LoginPage() -> AnyView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let hydrated = use_hydrated();
    let username_input = NodeRef::<Input>::new();
    let password_input = NodeRef::<Input>::new();

    let action = Action::new(move |(username, password): &(String, String)| {
        let (username, password) = (username.clone(), password.clone());
        let navigate = navigate.clone();
        async move {
            let result = attempt(username, password).await;
            if !matches!(&result, Err(Failure::Api(_))) {
                // A session was created (and, for a non-admin, ended again).
                session.changed();
            }
            if result.is_ok() {
                navigate(routes::AFTER_LOG_IN, NavigateOptions::default());
            }
            result
        }
    });
    let pending = action.pending();

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let username = username_input
            .get_untracked()
            .map(|input| input.value())
            .unwrap_or_default();
        let password = password_input
            .get_untracked()
            .map(|input| input.value())
            .unwrap_or_default();
        action.dispatch((username.trim().to_owned(), password));
    };

    let failure = move || {
        if pending.get() {
            return None;
        }
        action.value().get().and_then(Result::err).map(|failure| {
            let text = move || match &failure {
                Failure::NotAdmin => i18n.t(Key::NotAdmin).to_owned(),
                Failure::Api(err) => i18n.error(err),
            };
            view! {
                <p class="form-error" role="alert">
                    {text}
                </p>
            }
        })
    };

    let document_title = move || {
        format!(
            "{} · {}",
            i18n.t(Key::AdminLogIn),
            i18n.t(Key::AdminConsole)
        )
    };

    view! {
        <Title text=document_title/>
        <main class="auth-screen">
            <section class="auth-card" aria-labelledby="login-title">
                <div class="auth-card-top">
                    <p class="auth-brand">{i18n.tr(Key::AdminConsole)}</p>
                    <LanguageToggle/>
                </div>
                <h1 id="login-title">{i18n.tr(Key::AdminLogIn)}</h1>
                <form class="auth-form" method="post" novalidate on:submit=on_submit>
                    <div class="field">
                        <label for="login-username">{i18n.tr(Key::Username)}</label>
                        <input
                            id="login-username"
                            name="username"
                            type="text"
                            autocomplete="username"
                            autocapitalize="none"
                            spellcheck="false"
                            required
                            node_ref=username_input
                        />
                    </div>
                    <div class="field">
                        <label for="login-password">{i18n.tr(Key::Password)}</label>
                        <input
                            id="login-password"
                            name="password"
                            type="password"
                            autocomplete="current-password"
                            required
                            node_ref=password_input
                        />
                    </div>
                    {failure}
                    <button
                        type="submit"
                        class="btn btn-primary btn-block"
                        disabled=move || !hydrated.get() || pending.get()
                    >
                        {move || {
                            if pending.get() { i18n.t(Key::LoggingIn) } else { i18n.t(Key::LogIn) }
                        }}
                    </button>
                </form>
            </section>
        </main>
    }
    .into_any()
}
