//! `/me/tokens`: the user's personal access tokens for scripts. Make one (a name, its scopes
//! and how long it lasts, checked here with the server's limits first), see its secret once with
//! a `curl` example, see the others (scopes, dates, last use) and revoke one.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::AppError;
use shared::LocalTime;
use shared::api::accounts::{create_personal_token, list_personal_tokens, revoke_personal_token};
use shared::error::Invalid;
use shared::i18n::{Key, Lang};
use shared::ids::SessionId;
use shared::model::{
    PersonalToken, PersonalTokenWithSecret, TOKEN_DAYS_MAX, TOKEN_NAME_MAX, TOKENS_PER_USER_MAX,
    TokenScope,
};
use shared::rights;
use shared::ui::{use_hydrated, use_i18n};
use shared::validate;
use shared::when::TimeStyle;

use crate::components::confirm::InlineConfirm;
use crate::components::secret_card::{SecretCard, SecretWords};
use crate::components::status::{EmptyState, ErrorAlert, ErrorPanel, LoadingPanel};
use crate::session::use_session;

/// The validity choices, in days (`None`: until revoked), and the one chosen at first.
const EXPIRY_DAYS: [Option<u32>; 5] = [Some(7), Some(30), Some(90), Some(365), None];
const DEFAULT_DAYS: Option<u32> = Some(30);

/// The access tokens page.
#[component]
pub fn TokensPage() -> impl IntoView {
    let i18n = use_i18n();
    let tokens = Resource::new(|| (), |_| list_personal_tokens());
    view! {
        <header class="page-header sub-header">
            <A href="/me" attr:class="back-link" attr:aria-label=i18n.tr(Key::Back)>
                "‹"
            </A>
            <h1>{i18n.tr(Key::AccessTokens)}</h1>
        </header>
        <Transition fallback=|| view! { <LoadingPanel/> }>
            {move || Suspend::new(async move {
                match tokens.await {
                    Ok(list) => view! { <MyTokens list/> }.into_any(),
                    Err(err) => {
                        view! { <ErrorPanel error=err on_retry=move || tokens.refetch()/> }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// What the browser found wrong with the new-token form before asking the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Problem {
    NameRequired,
    NameTooLong,
    TooMany,
}

impl Problem {
    /// The sentence shown for it in `lang`.
    fn text(self, lang: Lang) -> String {
        let (key, max) = match self {
            Problem::NameRequired => (Key::TokenNameRequired, 0),
            Problem::NameTooLong => (Key::TokenNameTooLong, TOKEN_NAME_MAX),
            Problem::TooMany => (Key::TokensTooMany, TOKENS_PER_USER_MAX),
        };
        lang.t(key).replace("{max}", &max.to_string())
    }
}

/// Checks the new-token form as the server will (`held` tokens so far): the trimmed name,
/// 1–64 characters on one line, or what is wrong with it.
fn check(name: &str, held: usize) -> Result<String, Problem> {
    if held >= TOKENS_PER_USER_MAX {
        return Err(Problem::TooMany);
    }
    let name = validate::text("name", name, TOKEN_NAME_MAX, true).map_err(|err| match err {
        AppError::Validation {
            reason: Invalid::Required,
            ..
        } => Problem::NameRequired,
        _ => Problem::NameTooLong,
    })?;
    if name.contains('\n') {
        return Err(Problem::NameTooLong);
    }
    Ok(name)
}

/// The scopes sent for the boxes ticked: `read` always, in order.
fn scopes(write: bool, admin: bool) -> Vec<TokenScope> {
    let mut list = vec![TokenScope::Read];
    if write {
        list.push(TokenScope::Write);
    }
    if admin {
        list.push(TokenScope::Admin);
    }
    list
}

/// The word for a scope.
fn scope_key(scope: TokenScope) -> Key {
    match scope {
        TokenScope::Read => Key::ScopeRead,
        TokenScope::Write => Key::ScopeWrite,
        TokenScope::Admin => Key::ScopeAdmin,
    }
}

/// An expiry choice as the `<select>` holds it.
fn days_value(days: Option<u32>) -> String {
    days.map_or_else(|| "never".to_owned(), |d| d.to_string())
}

/// A `<select>` value back as an expiry choice (only the offered ones).
fn parse_days(value: &str) -> Option<Option<u32>> {
    EXPIRY_DAYS
        .into_iter()
        .find(|d| days_value(*d) == value)
        .filter(|d| d.is_none_or(|n| n <= TOKEN_DAYS_MAX))
}

/// The one-line `curl` call that tries a token against this server.
fn curl_example(origin: &str, secret: &str) -> String {
    format!(
        "curl -H \"Authorization: Bearer {secret}\" -X POST {origin}/api/list_conversations \
         -H 'content-type: application/json' -d '{{}}'"
    )
}

/// This page's origin (`https://chat.example.com`), known in the browser.
fn origin() -> String {
    #[cfg(feature = "hydrate")]
    if let Some(origin) = web_sys::window().and_then(|w| w.location().origin().ok()) {
        return origin;
    }
    String::new()
}

/// The form, the secret just issued (if any) and the list of tokens.
#[component]
fn MyTokens(list: Vec<PersonalToken>) -> impl IntoView {
    let i18n = use_i18n();
    let tokens = RwSignal::new(list);
    // The token made last, with its secret: shown until dismissed, replaced or revoked.
    let fresh: RwSignal<Option<PersonalTokenWithSecret>> = RwSignal::new(None);
    let empty = Memo::new(move |_| tokens.with(Vec::is_empty));
    view! {
        <p class="cell-hint tokens-intro">{i18n.tr(Key::AccessTokensIntro)}</p>
        <NewTokenForm tokens fresh/>
        {move || fresh.get().map(|made| view! { <SecretPanel made fresh/> })}
        <h2 id="tokens-title" class="cell-group-title">{i18n.tr(Key::YourTokens)}</h2>
        {move || {
            if empty.get() {
                view! { <EmptyState title=Key::NoTokens hint=Key::NoTokensHint/> }.into_any()
            } else {
                view! {
                    <ul class="bot-list token-list" aria-labelledby="tokens-title">
                        <For each=move || tokens.get() key=|t| t.id let:token>
                            <TokenRow token tokens fresh/>
                        </For>
                    </ul>
                }
                    .into_any()
            }
        }}
    }
}

/// "New access token": name, scopes (Admin only for holders of the `admin` right) and expiry.
#[component]
fn NewTokenForm(
    tokens: RwSignal<Vec<PersonalToken>>,
    fresh: RwSignal<Option<PersonalTokenWithSecret>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let session = use_session();
    let name = RwSignal::new(String::new());
    let write = RwSignal::new(false);
    let admin = RwSignal::new(false);
    let days = RwSignal::new(DEFAULT_DAYS);
    let problem: RwSignal<Option<Problem>> = RwSignal::new(None);
    let is_admin = move || {
        session
            .me
            .get()
            .and_then(Result::ok)
            .flatten()
            .is_some_and(|me| me.has_right(rights::ADMIN))
    };
    let create = Action::new(|(n, s, d): &(String, Vec<TokenScope>, Option<u32>)| {
        create_personal_token(n.clone(), s.clone(), *d)
    });
    Effect::new(move |_| {
        if let Some(Ok(made)) = create.value().get() {
            name.set(String::new());
            tokens.update(|l| {
                l.retain(|t| t.id != made.token.id);
                l.insert(0, made.token.clone());
            });
            fresh.set(Some(made));
        }
    });
    // A problem found here hides an older answer of the server.
    let error: Signal<Option<AppError>> = Signal::derive(move || {
        if problem.get().is_some() {
            None
        } else {
            create.value().get().and_then(Result::err)
        }
    });
    view! {
        <form
            class="card-form bot-form token-form"
            aria-labelledby="new-token-title"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                let held = tokens.with_untracked(Vec::len);
                match check(&name.get_untracked(), held) {
                    Ok(n) => {
                        problem.set(None);
                        let admin = admin.get_untracked() && is_admin();
                        create.dispatch((n, scopes(write.get_untracked(), admin), days.get_untracked()));
                    }
                    Err(p) => problem.set(Some(p)),
                }
            }
        >
            <h2 id="new-token-title" class="bot-form-title">{i18n.tr(Key::NewAccessToken)}</h2>
            <label for="token-name">{i18n.tr(Key::TokenName)}</label>
            <input
                id="token-name"
                name="name"
                autocomplete="off"
                aria-invalid=move || problem.get().is_some_and(|p| p != Problem::TooMany).to_string()
                bind:value=name
            />
            <p class="field-hint bot-count">
                {move || format!("{}/{TOKEN_NAME_MAX}", name.with(|t| t.trim().chars().count()))}
            </p>
            <fieldset class="token-scopes">
                <legend>{i18n.tr(Key::TokenScopes)}</legend>
                <label class="check-row token-scope">
                    <input id="token-scope-read" type="checkbox" name="scope" value="read" checked disabled/>
                    <span class="token-scope-text">
                        <span class="token-scope-name">{i18n.tr(Key::ScopeRead)}</span>
                        <span class="field-hint">{i18n.tr(Key::ScopeReadHint)}</span>
                    </span>
                </label>
                <label class="check-row token-scope">
                    <input
                        id="token-scope-write"
                        type="checkbox"
                        name="scope"
                        value="write"
                        prop:checked=move || write.get()
                        on:change=move |ev| write.set(event_target_checked(&ev))
                    />
                    <span class="token-scope-text">
                        <span class="token-scope-name">{i18n.tr(Key::ScopeWrite)}</span>
                        <span class="field-hint">{i18n.tr(Key::ScopeWriteHint)}</span>
                    </span>
                </label>
                <Show when=is_admin>
                    <label class="check-row token-scope">
                        <input
                            id="token-scope-admin"
                            type="checkbox"
                            name="scope"
                            value="admin"
                            prop:checked=move || admin.get()
                            on:change=move |ev| admin.set(event_target_checked(&ev))
                        />
                        <span class="token-scope-text">
                            <span class="token-scope-name">{i18n.tr(Key::ScopeAdmin)}</span>
                            <span class="field-hint">{i18n.tr(Key::ScopeAdminHint)}</span>
                        </span>
                    </label>
                </Show>
            </fieldset>
            <label for="token-expiry">{i18n.tr(Key::TokenExpiry)}</label>
            <select
                id="token-expiry"
                name="expires_in_days"
                on:change=move |ev| {
                    if let Some(d) = parse_days(&event_target_value(&ev)) {
                        days.set(d);
                    }
                }
            >
                {EXPIRY_DAYS
                    .into_iter()
                    .map(|d| {
                        let text = move || match d {
                            Some(n) => i18n.t(Key::TokenDays).replace("{n}", &n.to_string()),
                            None => i18n.t(Key::TokenNever).to_owned(),
                        };
                        view! {
                            <option value=days_value(d) selected=d == DEFAULT_DAYS>
                                {text}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            {move || {
                problem
                    .get()
                    .map(|p| {
                        view! {
                            <p class="form-error" role="alert">{move || p.text(i18n.lang.get())}</p>
                        }
                    })
            }}
            <ErrorAlert error/>
            <button
                type="submit"
                class="button primary block bot-create token-create"
                disabled=move || !hydrated.get() || create.pending().get()
            >
                {i18n.tr(Key::CreateToken)}
            </button>
        </form>
    }
}

/// The secret just issued, shown this once, with "Copy" and a `curl` call that uses it.
#[component]
fn SecretPanel(
    made: PersonalTokenWithSecret,
    fresh: RwSignal<Option<PersonalTokenWithSecret>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let title = i18n
        .t(Key::TokenSecretFor)
        .replace("{name}", &made.token.name);
    let usage = curl_example(&origin(), &made.secret);
    view! {
        <SecretCard
            title
            value=made.secret
            usage
            words=SecretWords {
                warning: Key::BotTokenOnce,
                label: Key::AccessToken,
                usage: Key::TokenUsage,
                done: Key::BotTokenDone,
            }
            id="token-secret"
            on_done=move || fresh.set(None)
        />
    }
}

/// One token: its name, scopes, dates and last use, with Revoke (asked in the row first).
#[component]
fn TokenRow(
    token: PersonalToken,
    tokens: RwSignal<Vec<PersonalToken>>,
    fresh: RwSignal<Option<PersonalTokenWithSecret>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let id: SessionId = token.id;
    let confirming = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let revoke = move || {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = revoke_personal_token(id).await;
            busy.try_set(false);
            match result {
                Ok(()) => {
                    let shown = fresh
                        .try_with_untracked(|f| f.as_ref().is_some_and(|t| t.token.id == id))
                        .unwrap_or(false);
                    if shown {
                        fresh.try_set(None);
                    }
                    tokens.try_update(|l| l.retain(|t| t.id != id));
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    let scope_badges = token
        .scopes
        .iter()
        .map(|s| {
            view! {
                <span class="badge token-scope-badge" data-scope=s.as_str()>
                    {i18n.tr(scope_key(*s))}
                </span>
            }
        })
        .collect_view();
    let expires = match token.expires_at {
        Some(ms) => view! { <LocalTime ms/> }.into_any(),
        None => view! { <span class="token-never">{i18n.tr(Key::TokenNever)}</span> }.into_any(),
    };
    // A new token's last use is its creation.
    let last_used = if token.last_used_at > token.created_at {
        view! { <LocalTime ms=token.last_used_at style=TimeStyle::Chat/> }.into_any()
    } else {
        view! { <span>{i18n.tr(Key::TokenNotUsed)}</span> }.into_any()
    };
    let name = token.name.clone();
    let revoke_label = move || i18n.t(Key::TokenRevokeNamed).replace("{name}", &name);
    view! {
        <li class="bot token" data-testid="token">
            <p class="person-name token-name">{token.name.clone()}</p>
            <p class="token-scopes-list" aria-label=i18n.tr(Key::TokenScopes)>
                {scope_badges}
            </p>
            <p class="device-meta token-dates">
                <span class="token-created">
                    {i18n.tr(Key::TokenCreatedAt)} " " <LocalTime ms=token.created_at/>
                </span>
                " · "
                <span class="token-expires">{i18n.tr(Key::TokenExpiresAt)} " " {expires}</span>
            </p>
            <p class="device-meta token-last-used">{i18n.tr(Key::TokenLastUsed)} " " {last_used}</p>
            <div class="bot-actions token-actions" hidden=move || confirming.get()>
                <button
                    type="button"
                    class="button small danger token-revoke"
                    aria-label=revoke_label
                    disabled=move || !hydrated.get() || busy.get()
                    on:click=move |_| {
                        error.set(None);
                        confirming.set(true);
                    }
                >
                    {i18n.tr(Key::TokenRevoke)}
                </button>
            </div>
            <Show when=move || confirming.get()>
                <InlineConfirm
                    question=Key::ConfirmRevokeToken
                    class="bot-confirm token-confirm"
                    busy
                    on_cancel=Callback::new(move |()| confirming.set(false))
                    on_confirm=Callback::new(move |()| revoke())
                />
            </Show>
            <ErrorAlert error/>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_is_checked_with_the_servers_limits() {
        assert_eq!(check("  deploy script ", 0), Ok("deploy script".to_owned()));
        assert_eq!(check("   ", 0), Err(Problem::NameRequired));
        assert!(check(&"令".repeat(TOKEN_NAME_MAX), 0).is_ok());
        assert_eq!(
            check(&"x".repeat(TOKEN_NAME_MAX + 1), 0),
            Err(Problem::NameTooLong)
        );
        assert_eq!(check("a\nb", 0), Err(Problem::NameTooLong));
        assert_eq!(check("ok", TOKENS_PER_USER_MAX), Err(Problem::TooMany));
        assert!(Problem::NameTooLong.text(Lang::En).contains("64"));
    }

    #[test]
    fn scopes_always_read() {
        assert_eq!(scopes(false, false), vec![TokenScope::Read]);
        assert_eq!(
            scopes(true, true),
            vec![TokenScope::Read, TokenScope::Write, TokenScope::Admin]
        );
    }

    #[test]
    fn expiry_choices_round_trip() {
        for d in EXPIRY_DAYS {
            assert_eq!(parse_days(&days_value(d)), Some(d));
        }
        assert_eq!(parse_days("12"), None);
        assert!(EXPIRY_DAYS.iter().flatten().all(|d| *d <= TOKEN_DAYS_MAX));
    }

    #[test]
    fn the_curl_example_is_one_line() {
        let line = curl_example("https://chat.example.com", "pat_abc");
        assert_eq!(
            line,
            "curl -H \"Authorization: Bearer pat_abc\" -X POST \
             https://chat.example.com/api/list_conversations -H 'content-type: application/json' \
             -d '{}'"
        );
    }
}
