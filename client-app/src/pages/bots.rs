//! `/me/bots`: the user's bots. Make one (a name and a description, checked here with the
//! server's limits first), see its token once, open its chat, give it a new token, delete it,
//! and set its outgoing webhook (see [`super::bot_webhook`]).

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use shared::AppError;
use shared::api::bots::{create_bot, delete_bot, list_bots, open_bot_chat, regenerate_bot_token};
use shared::error::Invalid;
use shared::i18n::{Key, Lang};
use shared::ids::UserId;
use shared::model::{BOT_DESCRIPTION_MAX, BOT_NAME_MAX, BOTS_PER_OWNER_MAX, Bot, BotWithToken};
use shared::rights;
use shared::ui::{use_hydrated, use_i18n};
use shared::validate;

use super::bot_webhook::{BotWebhookPanel, FreshSecret};
use crate::components::avatar::{face, initial_of};
use crate::components::confirm::InlineConfirm;
use crate::components::secret_card::{SecretCard, SecretWords};
use crate::components::status::{EmptyState, ErrorAlert, ErrorPanel, LoadingPanel};
use crate::session::use_session;
use crate::store::use_store;

/// The My bots page.
#[component]
pub fn BotsPage() -> impl IntoView {
    let i18n = use_i18n();
    let bots = Resource::new(|| (), |_| list_bots());
    view! {
        <header class="page-header sub-header">
            <A href="/me" attr:class="back-link" attr:aria-label=i18n.tr(Key::Back)>
                "‹"
            </A>
            <h1>{i18n.tr(Key::MyBots)}</h1>
        </header>
        <Transition fallback=|| view! { <LoadingPanel/> }>
            {move || Suspend::new(async move {
                match bots.await {
                    Ok(list) => view! { <MyBots list/> }.into_any(),
                    Err(err) => {
                        view! { <ErrorPanel error=err on_retry=move || bots.refetch()/> }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// What the browser found wrong with the new-bot form before asking the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Problem {
    NameRequired,
    NameTooLong,
    NameBadCharacters,
    DescriptionTooLong,
    DescriptionBadCharacters,
    TooMany,
}

impl Problem {
    /// The sentence shown for it in `lang`.
    fn text(self, lang: Lang) -> String {
        let (key, max) = match self {
            Problem::NameRequired => (Key::BotNameRequired, 0),
            Problem::NameTooLong => (Key::BotNameTooLong, BOT_NAME_MAX),
            Problem::NameBadCharacters => (Key::BotNameBadCharacters, 0),
            Problem::DescriptionTooLong => (Key::BotDescriptionTooLong, BOT_DESCRIPTION_MAX),
            Problem::DescriptionBadCharacters => (Key::BotDescriptionBadCharacters, 0),
            Problem::TooMany => (Key::BotsTooMany, BOTS_PER_OWNER_MAX),
        };
        lang.t(key).replace("{max}", &max.to_string())
    }

    /// Whether it is about the name field (else the description, or neither).
    fn is_name(self) -> bool {
        matches!(
            self,
            Problem::NameRequired | Problem::NameTooLong | Problem::NameBadCharacters
        )
    }
}

/// Checks the new-bot form as the server will (`owned` bots so far): the trimmed name (1–32
/// characters) and description (at most 200), or what is wrong with them.
fn check(name: &str, description: &str, owned: usize) -> Result<(String, String), Problem> {
    if owned >= BOTS_PER_OWNER_MAX {
        return Err(Problem::TooMany);
    }
    let name =
        validate::text("name", name, BOT_NAME_MAX, true).map_err(|err| match reason(&err) {
            Some(Invalid::Required) => Problem::NameRequired,
            Some(Invalid::TooLong) => Problem::NameTooLong,
            _ => Problem::NameBadCharacters,
        })?;
    if name.contains('\n') {
        return Err(Problem::NameBadCharacters);
    }
    let description = validate::text("description", description, BOT_DESCRIPTION_MAX, false)
        .map_err(|err| match reason(&err) {
            Some(Invalid::TooLong) => Problem::DescriptionTooLong,
            _ => Problem::DescriptionBadCharacters,
        })?;
    Ok((name, description))
}

/// Why a validation error rejected its field.
fn reason(err: &AppError) -> Option<Invalid> {
    match err {
        AppError::Validation { reason, .. } => Some(*reason),
        _ => None,
    }
}

/// The form, the token just issued (if any) and the list of bots.
#[component]
fn MyBots(list: Vec<Bot>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let bots = RwSignal::new(list);
    // The token issued last (creation or a new token): shown until the user dismisses it, a
    // new one replaces it or its bot is deleted. It is never fetched again.
    let fresh: RwSignal<Option<BotWithToken>> = RwSignal::new(None);
    // The webhook signing secret issued last, shown in its bot's row the same way.
    let hook_secret: RwSignal<FreshSecret> = RwSignal::new(None);
    let may_create = move || {
        session
            .me
            .get()
            .and_then(Result::ok)
            .flatten()
            .is_none_or(|me| me.has_right(rights::CREATE_BOT))
    };
    // Only a change between none and some redraws the list; rows come and go through `For`.
    let empty = Memo::new(move |_| bots.with(Vec::is_empty));
    view! {
        <p class="cell-hint bots-intro">{i18n.tr(Key::BotsIntro)}</p>
        <Show
            when=may_create
            fallback=move || view! { <p class="cell-hint" role="note">{i18n.tr(Key::BotsNotAllowed)}</p> }
        >
            <NewBotForm bots fresh/>
        </Show>
        {move || fresh.get().map(|issued| view! { <TokenCard issued fresh/> })}
        {move || {
            if empty.get() {
                view! { <EmptyState title=Key::NoBots hint=Key::NoBotsHint/> }.into_any()
            } else {
                view! {
                    <ul class="bot-list" aria-label=i18n.tr(Key::MyBots)>
                        <For each=move || bots.get() key=|b| (b.bot_id, b.conversation_id) let:bot>
                            <BotRow bot bots fresh hook_secret/>
                        </For>
                    </ul>
                }
                    .into_any()
            }
        }}
    }
}

/// "New bot": name and description, checked here before `create_bot`.
#[component]
fn NewBotForm(bots: RwSignal<Vec<Bot>>, fresh: RwSignal<Option<BotWithToken>>) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let store = use_store();
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let problem: RwSignal<Option<Problem>> = RwSignal::new(None);
    let create = Action::new(|(n, d): &(String, String)| create_bot(n.clone(), d.clone()));
    Effect::new(move |_| {
        if let Some(Ok(made)) = create.value().get() {
            name.set(String::new());
            description.set(String::new());
            bots.update(|l| {
                l.retain(|b| b.bot_id != made.bot.bot_id);
                l.push(made.bot.clone());
            });
            fresh.set(Some(made));
            // The bot's chat is new: the Chats list should show it.
            store.refetch();
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
    let count = |s: RwSignal<String>, max: usize| {
        move || format!("{}/{max}", s.with(|t| t.trim().chars().count()))
    };
    view! {
        <form
            class="card-form bot-form"
            aria-labelledby="new-bot-title"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                let owned = bots.with_untracked(Vec::len);
                match check(&name.get_untracked(), &description.get_untracked(), owned) {
                    Ok((n, d)) => {
                        problem.set(None);
                        create.dispatch((n, d));
                    }
                    Err(p) => problem.set(Some(p)),
                }
            }
        >
            <h2 id="new-bot-title" class="bot-form-title">{i18n.tr(Key::NewBot)}</h2>
            <label for="bot-name">{i18n.tr(Key::BotName)}</label>
            <input
                id="bot-name"
                name="name"
                autocomplete="off"
                aria-invalid=move || problem.get().is_some_and(Problem::is_name).to_string()
                bind:value=name
            />
            <p class="field-hint bot-count">{count(name, BOT_NAME_MAX)}</p>
            <label for="bot-description">{i18n.tr(Key::BotDescription)}</label>
            <textarea
                id="bot-description"
                name="description"
                rows="3"
                aria-invalid=move || {
                    problem.get().is_some_and(|p| !p.is_name() && p != Problem::TooMany).to_string()
                }
                bind:value=description
            ></textarea>
            <p class="field-hint bot-count">{count(description, BOT_DESCRIPTION_MAX)}</p>
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
                class="button primary block bot-create"
                disabled=move || !hydrated.get() || create.pending().get()
            >
                {i18n.tr(Key::CreateBot)}
            </button>
        </form>
    }
}

/// The token just issued, shown this once, with "Copy" and how a program sends it.
#[component]
fn TokenCard(issued: BotWithToken, fresh: RwSignal<Option<BotWithToken>>) -> impl IntoView {
    let i18n = use_i18n();
    let title = i18n.t(Key::BotTokenFor).replace("{name}", &issued.bot.name);
    let usage = format!("Authorization: Bearer {}", issued.token);
    view! {
        <SecretCard
            title
            value=issued.token
            usage
            words=SecretWords {
                warning: Key::BotTokenOnce,
                label: Key::BotToken,
                usage: Key::BotTokenUsage,
                done: Key::BotTokenDone,
            }
            id="bot-token"
            on_done=move || fresh.set(None)
        />
    }
}

/// What a bot row is asking the user to confirm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Confirming {
    Nothing,
    NewToken,
    Delete,
}

/// One bot: its name, @username and description, with Open chat, New token and Delete.
#[component]
fn BotRow(
    bot: Bot,
    bots: RwSignal<Vec<Bot>>,
    fresh: RwSignal<Option<BotWithToken>>,
    hook_secret: RwSignal<FreshSecret>,
) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let store = use_store();
    let navigate = use_navigate();
    let id: UserId = bot.bot_id;
    let confirming = RwSignal::new(Confirming::Nothing);
    let busy = RwSignal::new(false);
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);

    let new_token = move || {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = regenerate_bot_token(id).await;
            busy.try_set(false);
            match result {
                Ok(issued) => {
                    confirming.try_set(Confirming::Nothing);
                    error.try_set(None);
                    bots.try_update(|l| {
                        if let Some(b) = l.iter_mut().find(|b| b.bot_id == id) {
                            *b = issued.bot.clone();
                        }
                    });
                    fresh.try_set(Some(issued));
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    let delete = move || {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = delete_bot(id).await;
            busy.try_set(false);
            match result {
                Ok(()) => {
                    let shown = fresh
                        .try_with_untracked(|f| f.as_ref().is_some_and(|t| t.bot.bot_id == id))
                        .unwrap_or(false);
                    if shown {
                        fresh.try_set(None);
                    }
                    let hook_shown = hook_secret
                        .try_with_untracked(|s| s.as_ref().is_some_and(|(_, h)| h.bot_id == id))
                        .unwrap_or(false);
                    if hook_shown {
                        hook_secret.try_set(None);
                    }
                    bots.try_update(|l| l.retain(|b| b.bot_id != id));
                    store.refetch();
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };

    let name = bot.name.clone();
    let labelled = move |key: Key| {
        let name = name.clone();
        move || format!("{} {name}", i18n.t(key))
    };
    let open_chat = match bot.conversation_id {
        Some(conversation) => view! {
            <a
                class="button small"
                href=format!("/chat/{conversation}")
                aria-label=labelled(Key::BotOpenChat)
            >
                {i18n.tr(Key::BotOpenChat)}
            </a>
        }
        .into_any(),
        None => {
            let open = move |_| {
                busy.set(true);
                let navigate = navigate.clone();
                leptos::task::spawn_local(async move {
                    let result = open_bot_chat(id).await;
                    busy.try_set(false);
                    match result {
                        Ok(conversation) => {
                            store.refetch();
                            navigate(&format!("/chat/{conversation}"), Default::default());
                        }
                        Err(e) => {
                            error.try_set(Some(e));
                        }
                    }
                });
            };
            view! {
                <button
                    type="button"
                    class="button small"
                    aria-label=labelled(Key::BotOpenChat)
                    disabled=move || !hydrated.get() || busy.get()
                    on:click=open
                >
                    {i18n.tr(Key::BotOpenChat)}
                </button>
            }
            .into_any()
        }
    };
    let token_label = labelled(Key::BotNewToken);
    let delete_label = labelled(Key::BotDelete);
    let confirm = move || match confirming.get_untracked() {
        Confirming::NewToken => new_token(),
        Confirming::Delete => delete(),
        Confirming::Nothing => {}
    };
    let description = (!bot.description.is_empty())
        .then(|| view! { <p class="bot-description">{bot.description.clone()}</p> });
    view! {
        <li class="bot" data-testid="bot">
            <div class="person">
                <span class="avatar small" aria-hidden="true">
                    {face(bot.avatar_url.clone(), initial_of(&bot.name))}
                </span>
                <div class="person-text">
                    <p class="person-name">{bot.name.clone()}</p>
                    <p class="muted bot-username">"@" {bot.username.clone()}</p>
                    {description}
                </div>
            </div>
            // Hidden rather than removed while a question is asked: Open chat is built once.
            <div class="bot-actions" hidden=move || confirming.get() != Confirming::Nothing>
                {open_chat}
                <button
                    type="button"
                    class="button small"
                    aria-label=token_label
                    disabled=move || !hydrated.get() || busy.get()
                    on:click=move |_| {
                        error.set(None);
                        confirming.set(Confirming::NewToken);
                    }
                >
                    {i18n.tr(Key::BotNewToken)}
                </button>
                <button
                    type="button"
                    class="button small danger"
                    aria-label=delete_label
                    disabled=move || !hydrated.get() || busy.get()
                    on:click=move |_| {
                        error.set(None);
                        confirming.set(Confirming::Delete);
                    }
                >
                    {i18n.tr(Key::BotDelete)}
                </button>
            </div>
            {move || {
                let question = match confirming.get() {
                    Confirming::Nothing => return None,
                    Confirming::NewToken => Key::ConfirmBotNewToken,
                    Confirming::Delete => Key::ConfirmDeleteBot,
                };
                Some(view! {
                    <InlineConfirm
                        question
                        class="bot-confirm"
                        busy
                        on_cancel=Callback::new(move |()| confirming.set(Confirming::Nothing))
                        on_confirm=Callback::new(move |()| confirm())
                    />
                })
            }}
            <ErrorAlert error/>
            {view! {
                <BotWebhookPanel
                    bot_id=id
                    name=bot.name.clone()
                    url=bot.webhook_url.clone()
                    bots
                    secret=hook_secret
                />
            }
                .into_any()}
        </li>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_is_checked_with_the_servers_limits() {
        assert_eq!(
            check("  Weather 天气 ", " Forecasts ", 0),
            Ok(("Weather 天气".to_owned(), "Forecasts".to_owned()))
        );
        assert_eq!(check("   ", "", 0), Err(Problem::NameRequired));
        let longest = "机".repeat(BOT_NAME_MAX);
        assert!(check(&longest, "", 0).is_ok());
        assert_eq!(
            check(&format!("{longest}x"), "", 0),
            Err(Problem::NameTooLong)
        );
        assert_eq!(check("a\u{7}b", "", 0), Err(Problem::NameBadCharacters));
        assert_eq!(check("a\nb", "", 0), Err(Problem::NameBadCharacters));
        assert!(check("Bot", &"d".repeat(BOT_DESCRIPTION_MAX), 0).is_ok());
        assert_eq!(
            check("Bot", &"d".repeat(BOT_DESCRIPTION_MAX + 1), 0),
            Err(Problem::DescriptionTooLong)
        );
        assert_eq!(check("Bot", "", BOTS_PER_OWNER_MAX), Err(Problem::TooMany));
    }

    #[test]
    fn limits_are_filled_in() {
        assert_eq!(
            Problem::NameTooLong.text(Lang::En),
            format!("A bot name has at most {BOT_NAME_MAX} characters")
        );
        assert!(
            Problem::DescriptionTooLong
                .text(Lang::Zh)
                .contains(&BOT_DESCRIPTION_MAX.to_string())
        );
    }
}
