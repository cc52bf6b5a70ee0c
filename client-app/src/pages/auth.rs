//! Log-in and sign-up pages.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::AppError;
use shared::api::accounts::{get_site_info, log_in, sign_up};
use shared::i18n::Key;
use shared::model::{INVITE_CODE_LEN, Me, SiteInfo};
use shared::ui::{use_hydrated, use_i18n};
use shared::validate;

use crate::components::lang_toggle::LangToggle;
use crate::components::status::ErrorAlert;
use crate::session::use_session;

/// Where to go after signing in: the `next` of the URL when it is a return path, else Chats.
fn next_path() -> Memo<String> {
    let query = use_query_map();
    Memo::new(move |_| {
        query
            .with(|q| q.get("next"))
            .filter(|p| validate::is_return_path(p))
            .unwrap_or_else(|| "/".to_owned())
    })
}

/// After a successful log-in or sign-up: refresh the session and open the page the user came
/// for (an invite link, say), else the Chats tab.
fn on_success<I: Send + Sync + 'static>(action: Action<I, Result<Me, AppError>>) {
    let session = use_session();
    let navigate = use_navigate();
    let next = next_path();
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            session.refresh();
            navigate(&next.get_untracked(), Default::default());
        }
    });
}

/// The link to the other auth page, keeping where to go afterwards.
fn switch_href(page: &'static str) -> impl Fn() -> String + Send + Sync + 'static {
    let next = next_path();
    move || match next.get().as_str() {
        "/" => page.to_owned(),
        path => format!("{page}?next={path}"),
    }
}

/// What the pages know of the site (its name, notice and who may sign up).
type SiteResource = Resource<Result<SiteInfo, AppError>>;

/// Fetches what anyone may know of the site, once per page.
fn site_resource() -> SiteResource {
    Resource::new(|| (), |_| get_site_info())
}

/// The frame of both pages: brand, language switch, the form, a link to the other page.
#[component]
fn AuthFrame(title: Key, site: SiteResource, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    // The site's name and the administrators' notice, when they set one.
    let about = move || {
        Suspend::new(async move {
            site.await.ok().map(|info| {
                let notice = (!info.login_notice.is_empty()).then(|| {
                    view! { <p class="login-notice" role="note">{info.login_notice}</p> }
                });
                view! {
                    <p class="site-name">{info.site_name}</p>
                    {notice}
                }
            })
        })
    };
    view! {
        <div class="auth-page">
            <crate::components::page_title::PageTitle key=title/>
            <header class="auth-top">
                <LangToggle/>
            </header>
            <div class="auth-brand">
                <div class="brand-mark" aria-hidden="true">"P"</div>
                <Suspense fallback=|| ()>{about}</Suspense>
                <h1>{i18n.tr(title)}</h1>
            </div>
            {children()}
        </div>
    }
}

/// `/login`: username and password.
#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let action = Action::new(|(u, p): &(String, String)| log_in(u.clone(), p.clone()));
    on_success(action);
    // A provider's round trip that failed comes back with `?auth_error=`; a new attempt here
    // replaces it.
    let returned = crate::pages::sign_in_methods::auth_error_in_url();
    let error = Signal::derive(move || match action.value().get() {
        Some(result) => result.err(),
        None => returned.get(),
    });
    let site = site_resource();
    view! {
        <AuthFrame title=Key::LogIn site>
            <form
                class="auth-form"
                on:submit=move |ev| {
                    ev.prevent_default();
                    action.dispatch((username.get_untracked(), password.get_untracked()));
                }
            >
                <label for="login-username">{i18n.tr(Key::Username)}</label>
                <input
                    id="login-username"
                    name="username"
                    autocomplete="username"
                    autocapitalize="none"
                    required
                    bind:value=username
                />
                <label for="login-password">{i18n.tr(Key::Password)}</label>
                <input
                    id="login-password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required
                    bind:value=password
                />
                <ErrorAlert error/>
                <button
                    type="submit"
                    class="button primary"
                    disabled=move || !hydrated.get() || action.pending().get()
                >
                    {move || {
                        if action.pending().get() { i18n.t(Key::LoggingIn) } else { i18n.t(Key::LogIn) }
                    }}
                </button>
            </form>
            <ProviderButtons site/>
            <p class="auth-switch">
                {i18n.tr(Key::NoAccountYet)} " " <A href=switch_href("/signup")>{i18n.tr(Key::SignUp)}</A>
            </p>
        </AuthFrame>
    }
}

/// A button per outside provider the server offers (none: nothing). They are plain links, so
/// they work before the page is interactive; the page to return to goes along.
#[component]
fn ProviderButtons(site: SiteResource) -> impl IntoView {
    let i18n = use_i18n();
    let next = next_path();
    let buttons = move || {
        Suspend::new(async move {
            let providers = site.await.map(|s| s.sign_in_providers).unwrap_or_default();
            (!providers.is_empty()).then(|| {
                let links = providers
                    .into_iter()
                    .map(|p| {
                        let start = p.start_path();
                        let href = move || match next.get().as_str() {
                            "/" => start.clone(),
                            path => format!("{start}?next={path}"),
                        };
                        let class = format!("button provider-button provider-{}", p.key);
                        view! {
                            <a class=class href=href rel="external">
                                {p.name}
                            </a>
                        }
                    })
                    .collect_view();
                view! {
                    <div class="auth-providers">
                        <p class="auth-divider">{i18n.tr(Key::OrSignInWith)}</p>
                        {links}
                    </div>
                }
            })
        })
    };
    view! { <Suspense fallback=|| ()>{buttons}</Suspense> }
}

/// The invite code a sign-up link carries (`?invite=`), when it has the shape of one.
fn invite_in_url() -> Option<String> {
    use_query_map()
        .with_untracked(|q| q.get("invite"))
        .map(|code| code.trim().to_owned())
        .filter(|code| {
            code.len() == INVITE_CODE_LEN && code.chars().all(|c| c.is_ascii_alphanumeric())
        })
}

/// What a sign-up sends: username, password, nickname, invite code.
type SignUpInput = (String, String, Option<String>, Option<String>);

/// `/signup`: username, an optional nickname, password twice, and the invite code while
/// registration is by invitation (filled in from a `?invite=` link). Rules are checked in the
/// browser first (same rules as the server, from `shared::validate`), then by the server.
#[component]
pub fn SignUpPage() -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let nickname = RwSignal::new(String::new());
    let linked_invite = invite_in_url();
    let invite = RwSignal::new(linked_invite.clone().unwrap_or_default());
    let local_error = RwSignal::new(None::<String>);
    let site = site_resource();
    let action = Action::new(|(u, p, n, code): &SignUpInput| {
        sign_up(u.clone(), p.clone(), n.clone(), code.clone())
    });
    on_success(action);
    let server_error = Signal::derive(move || action.value().get().and_then(Result::err));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (u, p, c) = (
            username.get_untracked(),
            password.get_untracked(),
            confirm.get_untracked(),
        );
        let nick = nickname.get_untracked();
        let nick = nick.trim();
        let checked = validate::username(&u)
            .and_then(|name| validate::new_password("password", &p, &name).map(|()| name))
            .and_then(|name| {
                let nick = if nick.is_empty() {
                    None
                } else {
                    Some(validate::nickname(nick)?)
                };
                Ok((name, nick))
            });
        match checked {
            Err(err) => local_error.set(Some(i18n.error(&err))),
            Ok(_) if p != c => local_error.set(Some(i18n.t(Key::PasswordsDiffer).to_owned())),
            Ok((name, nick)) => {
                local_error.set(None);
                let code = invite.get_untracked().trim().to_owned();
                action.dispatch((name, p, nick, (!code.is_empty()).then_some(code)));
            }
        }
    };
    // The invite field while registration is by invitation (or the link carried a code), and a
    // note while it is closed.
    let registration = move || {
        let linked = linked_invite.is_some();
        Suspend::new(async move {
            let mode = site.await.ok().map(|info| info.registration);
            match mode.as_deref() {
                Some("closed") => Some(
                    view! {
                        <p class="form-note" role="note" data-testid="registration-closed">
                            {i18n.tr(Key::ErrRegistrationClosed)}
                        </p>
                    }
                    .into_any(),
                ),
                Some("invite") => Some(invite_field(invite).into_any()),
                _ if linked => Some(invite_field(invite).into_any()),
                _ => None,
            }
        })
    };
    view! {
        <AuthFrame title=Key::SignUp site>
            <form class="auth-form" on:submit=submit>
                <Suspense fallback=|| ()>{registration}</Suspense>
                <label for="signup-username">{i18n.tr(Key::Username)}</label>
                <input
                    id="signup-username"
                    name="username"
                    autocomplete="username"
                    autocapitalize="none"
                    aria-describedby="signup-username-hint"
                    required
                    bind:value=username
                />
                <p id="signup-username-hint" class="field-hint">{i18n.tr(Key::UsernameHint)}</p>
                <label for="signup-nickname">{i18n.tr(Key::Nickname)}</label>
                <input
                    id="signup-nickname"
                    name="nickname"
                    autocomplete="nickname"
                    aria-describedby="signup-nickname-hint"
                    bind:value=nickname
                />
                <p id="signup-nickname-hint" class="field-hint">{i18n.tr(Key::NicknameOptional)}</p>
                <label for="signup-password">{i18n.tr(Key::Password)}</label>
                <input
                    id="signup-password"
                    name="password"
                    type="password"
                    autocomplete="new-password"
                    aria-describedby="signup-password-hint"
                    required
                    bind:value=password
                />
                <p id="signup-password-hint" class="field-hint">{i18n.tr(Key::PasswordHint)}</p>
                <label for="signup-confirm">{i18n.tr(Key::ConfirmPassword)}</label>
                <input
                    id="signup-confirm"
                    name="confirm"
                    type="password"
                    autocomplete="new-password"
                    required
                    bind:value=confirm
                />
                {move || {
                    local_error
                        .get()
                        .map(|msg| view! { <p class="form-error" role="alert">{msg}</p> })
                }}
                <ErrorAlert error=server_error/>
                <button
                    type="submit"
                    class="button primary"
                    disabled=move || !hydrated.get() || action.pending().get()
                >
                    {move || {
                        if action.pending().get() { i18n.t(Key::SigningUp) } else { i18n.t(Key::SignUp) }
                    }}
                </button>
            </form>
            <p class="auth-switch">
                {i18n.tr(Key::HaveAccount)} " " <A href=switch_href("/login")>{i18n.tr(Key::LogIn)}</A>
            </p>
        </AuthFrame>
    }
}

/// The invite code field of the sign-up form.
fn invite_field(invite: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label for="signup-invite">{i18n.tr(Key::InviteCode)}</label>
        <input
            id="signup-invite"
            name="invite"
            autocomplete="off"
            autocapitalize="none"
            spellcheck="false"
            maxlength=INVITE_CODE_LEN.to_string()
            aria-describedby="signup-invite-hint"
            required
            bind:value=invite
        />
        <p id="signup-invite-hint" class="field-hint">{i18n.tr(Key::InviteCodeHint)}</p>
    }
}
