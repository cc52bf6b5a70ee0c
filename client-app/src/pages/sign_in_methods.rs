//! `/me/sign-in`: how the user signs in. Their password (set or not, and a form to set a first
//! one for an account made by signing in elsewhere), and each outside provider the server
//! offers: linked (with the handle there, and Unlink, confirmed) or not (Link, a round trip to
//! the provider that comes back here with `?linked=` or `?auth_error=`).

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use shared::AppError;
use shared::api::accounts::{change_password, list_sign_in_methods, unlink_sign_in};
use shared::i18n::Key;
use shared::model::{SignInMethods, SignInProvider};
use shared::ui::{use_hydrated, use_i18n};

use crate::components::confirm::InlineConfirm;
use crate::components::status::{ErrorAlert, ErrorPanel, LoadingPanel};

/// The error a provider round trip came back with (`?auth_error=<code>`), when it names one.
pub(crate) fn auth_error_in_url() -> Signal<Option<AppError>> {
    let query = use_query_map();
    Signal::derive(move || {
        query
            .with(|q| q.get("auth_error"))
            .filter(|code| {
                code.len() <= 40 && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
            })
            .and_then(|code| serde_json::from_value(serde_json::json!({ "code": code })).ok())
    })
}

/// The page.
#[component]
pub fn SignInMethodsPage() -> impl IntoView {
    let i18n = use_i18n();
    let methods = Resource::new(|| (), |_| list_sign_in_methods());
    let query = use_query_map();
    let linked_now = move || query.with(|q| q.get("linked")).is_some();
    let returned_error = auth_error_in_url();
    view! {
        <header class="page-header sub-header">
            <A href="/me" attr:class="back-link" attr:aria-label=i18n.tr(Key::Back)>
                "‹"
            </A>
            <h1>{i18n.tr(Key::SignInMethods)}</h1>
        </header>
        <p class="page-hint">{i18n.tr(Key::SignInMethodsHint)}</p>
        <Show when=linked_now>
            <p class="form-ok banner" role="status">{i18n.tr(Key::AccountLinked)}</p>
        </Show>
        <ErrorAlert error=returned_error/>
        <Transition fallback=|| view! { <LoadingPanel/> }>
            {move || Suspend::new(async move {
                match methods.await {
                    Ok(current) => view! { <Methods current methods/> }.into_any(),
                    Err(err) => {
                        view! { <ErrorPanel error=err on_retry=move || methods.refetch()/> }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// The password row and one row per provider.
#[component]
fn Methods(
    current: SignInMethods,
    methods: Resource<Result<SignInMethods, AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let SignInMethods {
        has_password,
        linked,
        providers,
    } = current;
    let none = providers.is_empty().then(|| {
        view! { <p class="empty-note">{i18n.tr(Key::NoProvidersConfigured)}</p> }
    });
    let rows = providers
        .into_iter()
        .map(|provider| {
            let login = linked
                .iter()
                .find(|l| l.provider == provider.key)
                .map(|l| l.login.clone());
            view! { <ProviderRow provider login methods/> }
        })
        .collect_view();
    view! {
        <section class="cell-group sign-in-methods">
            <div class="cell method-row">
                <span class="method-name">{i18n.tr(Key::PasswordMethod)}</span>
                <span class="method-state">
                    {i18n.tr(if has_password { Key::PasswordSet } else { Key::PasswordNotSet })}
                </span>
            </div>
            {rows}
        </section>
        {none}
        {(!has_password).then(|| view! { <FirstPassword methods/> })}
    }
}

/// One provider: its name, the linked handle or "not linked", and Link or Unlink.
#[component]
fn ProviderRow(
    provider: SignInProvider,
    login: Option<String>,
    methods: Resource<Result<SignInMethods, AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let asking = RwSignal::new(false);
    let key = provider.key.clone();
    let unlink = Action::new(move |_: &()| unlink_sign_in(key.clone()));
    Effect::new(move |_| {
        if let Some(Ok(_)) = unlink.value().get() {
            asking.set(false);
            methods.refetch();
        }
    });
    let error = Signal::derive(move || unlink.value().get().and_then(Result::err));
    let link_href = format!("{}?mode=link", provider.start_path());
    let name = provider.name.clone();
    let state = match &login {
        Some(login) => format!("{}{login}", i18n.t(Key::LinkedAs)),
        None => i18n.t(Key::NotLinked).to_owned(),
    };
    let action = if login.is_some() {
        view! {
            <button
                type="button"
                class="button small"
                disabled=move || !hydrated.get() || unlink.pending().get()
                on:click=move |_| asking.set(true)
            >
                {i18n.tr(Key::UnlinkAccount)}
            </button>
        }
        .into_any()
    } else {
        // A plain link: the browser leaves for the provider, with or without the app loaded.
        view! {
            <a class="button small primary" href=link_href rel="external">
                {i18n.tr(Key::LinkAccount)}
            </a>
        }
        .into_any()
    };
    view! {
        <div class="cell method-row" data-provider=provider.key.clone()>
            <span class="method-name">{name}</span>
            <span class="method-state">{state}</span>
            {action}
        </div>
        <Show when=move || asking.get()>
            <InlineConfirm
                question=Key::ConfirmUnlink
                busy=unlink.pending()
                on_cancel=Callback::new(move |()| asking.set(false))
                on_confirm=Callback::new(move |()| {
                    unlink.dispatch(());
                })
            />
        </Show>
        <ErrorAlert error/>
    }
}

/// Setting a first password on an account that has none.
#[component]
fn FirstPassword(methods: Resource<Result<SignInMethods, AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let new = RwSignal::new(String::new());
    let set = Action::new(|n: &String| change_password(String::new(), n.clone()));
    Effect::new(move |_| {
        if let Some(Ok(())) = set.value().get() {
            new.set(String::new());
            methods.refetch();
        }
    });
    let error = Signal::derive(move || set.value().get().and_then(Result::err));
    view! {
        <form
            class="card-form cell-group"
            on:submit=move |ev| {
                ev.prevent_default();
                set.dispatch(new.get_untracked());
            }
        >
            <label for="first-password">{i18n.tr(Key::SetPasswordLink)}</label>
            <input
                id="first-password"
                type="password"
                autocomplete="new-password"
                required
                bind:value=new
            />
            <p class="field-hint">{i18n.tr(Key::PasswordHint)}</p>
            <ErrorAlert error/>
            <button
                type="submit"
                class="button primary"
                disabled=move || !hydrated.get() || set.pending().get()
            >
                {i18n.tr(Key::SetPasswordLink)}
            </button>
        </form>
    }
}
