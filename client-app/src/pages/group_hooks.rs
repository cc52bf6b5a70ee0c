//! Incoming webhooks: `/group/:id/hooks` for a group's owner and admins, `/chat/:id/hooks` for
//! either person of a direct chat. Make one (its secret URL is shown this once, with "Copy" and
//! how a program posts), see them, delete one.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use shared::AppError;
use shared::api::bots::{create_incoming_webhook, delete_incoming_webhook, list_incoming_webhooks};
use shared::api::groups::get_group;
use shared::i18n::{Key, Lang};
use shared::ids::{ConversationId, GroupId};
use shared::model::{BOT_NAME_MAX, GroupInfo, GroupRole, IncomingWebhook, WEBHOOKS_PER_GROUP_MAX};
use shared::ui::{use_hydrated, use_i18n};
use shared::validate;

use crate::components::confirm::InlineConfirm;
use crate::components::secret_card::{SecretCard, SecretWords};
use crate::components::status::{EmptyState, ErrorAlert, ErrorPanel, LoadingPanel};
use crate::session::use_session;

/// The incoming webhooks page of the group in the URL.
#[component]
pub fn GroupHooksPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).map(GroupId))
    });
    // The group (its conversation and members), then its webhooks.
    let hooks = Resource::new(
        move || id.get(),
        |id| async move {
            let info = get_group(id.ok_or(AppError::NotFound)?).await?;
            let list = list_incoming_webhooks(info.conversation_id).await?;
            Ok::<_, AppError>((info.conversation_id, Some(info), list))
        },
    );
    let back = Signal::derive(move || {
        id.get()
            .map(|g| format!("/group/{g}"))
            .unwrap_or_else(|| "/contacts".to_owned())
    });
    view! { <HooksFrame back hooks/> }
}

/// What a webhooks page shows: the conversation, its group (none for a direct chat) and its
/// webhooks.
type Loaded = (ConversationId, Option<GroupInfo>, Vec<IncomingWebhook>);

/// A webhooks page: the header with its way back, then the webhooks once loaded.
#[component]
fn HooksFrame(back: Signal<String>, hooks: Resource<Result<Loaded, AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <header class="page-header sub-header">
            <A href=move || back.get() attr:class="back-link" attr:aria-label=i18n.tr(Key::Back)>
                "‹"
            </A>
            <h1>{i18n.tr(Key::IncomingWebhooks)}</h1>
        </header>
        <Transition fallback=|| view! { <LoadingPanel/> }>
            {move || Suspend::new(async move {
                match hooks.await {
                    Ok((conversation, info, list)) => {
                        // A group's owner and admins manage its webhooks; either person a
                        // direct chat's.
                        let manages = match &info {
                            Some(info) => group_manages(info),
                            None => Signal::derive(|| true),
                        };
                        view! { <ConversationHooks conversation manages list/> }.into_any()
                    }
                    Err(err) => {
                        view! { <ErrorPanel error=err on_retry=move || hooks.refetch()/> }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// What the browser found wrong with the new-webhook form before asking the server.
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
            Problem::NameRequired => (Key::WebhookNameRequired, 0),
            Problem::NameTooLong => (Key::WebhookNameTooLong, BOT_NAME_MAX),
            Problem::TooMany => (Key::WebhooksTooMany, WEBHOOKS_PER_GROUP_MAX),
        };
        lang.t(key).replace("{max}", &max.to_string())
    }
}

/// Checks the new-webhook form as the server will (`made` webhooks so far): the trimmed name,
/// 1–32 characters on one line, or what is wrong with it.
fn check(name: &str, made: usize) -> Result<String, Problem> {
    if made >= WEBHOOKS_PER_GROUP_MAX {
        return Err(Problem::TooMany);
    }
    let name = validate::text("name", name, BOT_NAME_MAX, true).map_err(|err| match err {
        AppError::Validation {
            reason: shared::error::Invalid::Required,
            ..
        } => Problem::NameRequired,
        _ => Problem::NameTooLong,
    })?;
    if name.contains('\n') {
        return Err(Problem::NameTooLong);
    }
    Ok(name)
}

/// The incoming webhooks page of the direct chat in the URL (either of its two people).
#[component]
pub fn DirectHooksPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params.with(|p| {
            p.get("id")
                .and_then(|s| s.parse::<i64>().ok())
                .map(ConversationId)
        })
    });
    let hooks = Resource::new(
        move || id.get(),
        |id| async move {
            let id = id.ok_or(AppError::NotFound)?;
            Ok::<_, AppError>((id, None, list_incoming_webhooks(id).await?))
        },
    );
    let back = Signal::derive(move || {
        id.get()
            .map(|c| format!("/chat/{c}"))
            .unwrap_or_else(|| "/".to_owned())
    });
    view! { <HooksFrame back hooks/> }
}

/// Whether the signed-in user may make and delete the group's webhooks: its owner or an admin
/// while it is not dissolved (before the session is known, the server's answer stands).
fn group_manages(info: &GroupInfo) -> Signal<bool> {
    let session = use_session();
    let members = info.members.clone();
    let dissolved = info.dissolved;
    Signal::derive(move || {
        let me = session
            .me
            .get()
            .and_then(|r| r.ok().flatten())
            .map(|m| m.id);
        let role = members
            .iter()
            .find(|m| Some(m.user_id) == me)
            .map_or(GroupRole::Member, |m| m.role);
        me.is_none() || (role.manages() && !dissolved)
    })
}

/// The form (when `manages`), the URL just issued (if any) and the list of webhooks of
/// `conversation` (the server refuses others anyway).
#[component]
fn ConversationHooks(
    conversation: ConversationId,
    manages: Signal<bool>,
    list: Vec<IncomingWebhook>,
) -> impl IntoView {
    let i18n = use_i18n();
    let hooks = RwSignal::new(list);
    // The webhook made last, with its URL: shown until dismissed, replaced or deleted.
    let fresh: RwSignal<Option<IncomingWebhook>> = RwSignal::new(None);
    let empty = Memo::new(move |_| hooks.with(Vec::is_empty));
    view! {
        <p class="cell-hint hooks-intro">{i18n.tr(Key::IncomingWebhooksIntro)}</p>
        <Show when=move || manages.get()>
            <NewHookForm conversation hooks fresh/>
        </Show>
        {move || fresh.get().map(|made| view! { <UrlCard made fresh/> })}
        {move || {
            if empty.get() {
                view! { <EmptyState title=Key::NoWebhooks hint=Key::NoWebhooksHint/> }.into_any()
            } else {
                view! {
                    <ul class="bot-list hook-list" aria-label=i18n.tr(Key::IncomingWebhooks)>
                        <For each=move || hooks.get() key=|h| h.id let:hook>
                            <HookRow hook hooks fresh/>
                        </For>
                    </ul>
                }
                    .into_any()
            }
        }}
    }
}

/// "New webhook": a name, checked here before `create_incoming_webhook`.
#[component]
fn NewHookForm(
    conversation: ConversationId,
    hooks: RwSignal<Vec<IncomingWebhook>>,
    fresh: RwSignal<Option<IncomingWebhook>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let name = RwSignal::new(String::new());
    let problem: RwSignal<Option<Problem>> = RwSignal::new(None);
    let create = Action::new(move |n: &String| create_incoming_webhook(conversation, n.clone()));
    Effect::new(move |_| {
        if let Some(Ok(made)) = create.value().get() {
            name.set(String::new());
            hooks.update(|l| {
                l.retain(|h| h.id != made.id);
                l.push(IncomingWebhook {
                    url: None,
                    ..made.clone()
                });
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
            class="card-form bot-form hook-form"
            aria-labelledby="new-hook-title"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                let made = hooks.with_untracked(Vec::len);
                match check(&name.get_untracked(), made) {
                    Ok(n) => {
                        problem.set(None);
                        create.dispatch(n);
                    }
                    Err(p) => problem.set(Some(p)),
                }
            }
        >
            <h2 id="new-hook-title" class="bot-form-title">{i18n.tr(Key::NewWebhook)}</h2>
            <label for="hook-name">{i18n.tr(Key::WebhookName)}</label>
            <input
                id="hook-name"
                name="name"
                autocomplete="off"
                aria-invalid=move || problem.get().is_some_and(|p| p != Problem::TooMany).to_string()
                bind:value=name
            />
            <p class="field-hint bot-count">
                {move || format!("{}/{BOT_NAME_MAX}", name.with(|t| t.trim().chars().count()))}
            </p>
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
                {i18n.tr(Key::CreateWebhook)}
            </button>
        </form>
    }
}

/// The URL just issued, shown this once, with "Copy" and how a program posts to it.
#[component]
fn UrlCard(made: IncomingWebhook, fresh: RwSignal<Option<IncomingWebhook>>) -> impl IntoView {
    let i18n = use_i18n();
    let title = i18n.t(Key::WebhookCreatedFor).replace("{name}", &made.name);
    let url = made.url.unwrap_or_default();
    let usage = format!(
        "curl -X POST -H 'Content-Type: application/json' -d '{{\"text\":\"Hello\"}}' {url}"
    );
    view! {
        <SecretCard
            title
            value=url
            usage
            words=SecretWords {
                warning: Key::WebhookUrlOnce,
                label: Key::WebhookUrl,
                usage: Key::WebhookUsage,
                done: Key::WebhookDone,
            }
            id="hook-url"
            on_done=move || fresh.set(None)
        />
    }
}

/// One webhook: its name and maker, with Delete (asked in the row first).
#[component]
fn HookRow(
    hook: IncomingWebhook,
    hooks: RwSignal<Vec<IncomingWebhook>>,
    fresh: RwSignal<Option<IncomingWebhook>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let id = hook.id;
    let confirming = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let delete = move || {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = delete_incoming_webhook(id).await;
            busy.try_set(false);
            match result {
                Ok(()) => {
                    let shown = fresh
                        .try_with_untracked(|f| f.as_ref().is_some_and(|h| h.id == id))
                        .unwrap_or(false);
                    if shown {
                        fresh.try_set(None);
                    }
                    hooks.try_update(|l| l.retain(|h| h.id != id));
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    let creator = hook.created_by_name.clone();
    let by = move || i18n.t(Key::WebhookBy).replace("{username}", &creator);
    let delete_label = format!("{} {}", i18n.t(Key::WebhookDelete), hook.name);
    view! {
        <li class="bot hook" data-testid="hook">
            <p class="person-name hook-name">{hook.name.clone()}</p>
            <p class="muted bot-username">{by}</p>
            <div class="bot-actions hook-actions" hidden=move || confirming.get()>
                <button
                    type="button"
                    class="button small danger"
                    aria-label=delete_label
                    disabled=move || !hydrated.get() || busy.get()
                    on:click=move |_| {
                        error.set(None);
                        confirming.set(true);
                    }
                >
                    {i18n.tr(Key::WebhookDelete)}
                </button>
            </div>
            <Show when=move || confirming.get()>
                <InlineConfirm
                    question=Key::ConfirmDeleteWebhook
                    class="bot-confirm hook-confirm"
                    busy
                    on_cancel=Callback::new(move |()| confirming.set(false))
                    on_confirm=Callback::new(move |()| delete())
                />
            </Show>
            <ErrorAlert error/>
        </li>
    }
}
