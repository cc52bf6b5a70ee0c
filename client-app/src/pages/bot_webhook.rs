//! The outgoing webhook of one bot on `/me/bots`: where Parley posts the bot's events (set,
//! changed or removed here, the signing secret shown once after saving) and the delivery log
//! (newest first, paged, refreshable).

use leptos::prelude::*;
use shared::AppError;
use shared::LocalTime;
use shared::api::bots::{list_bot_webhook_deliveries, set_bot_webhook};
use shared::i18n::{Key, Lang};
use shared::ids::UserId;
use shared::model::{Bot, BotWebhook, DeliveryStatus, WEBHOOK_URL_MAX, WebhookDelivery};
use shared::ui::{use_hydrated, use_i18n};

use crate::components::confirm::InlineConfirm;
use crate::components::secret_card::{SecretCard, SecretWords};
use crate::components::status::ErrorAlert;

/// Deliveries fetched per page of the log.
const DELIVERY_PAGE: u32 = 20;

/// What the browser found wrong with a webhook URL before asking the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Problem {
    Required,
    TooLong,
    Scheme,
}

impl Problem {
    /// The sentence shown for it in `lang`.
    fn text(self, lang: Lang) -> String {
        match self {
            Problem::Required => lang.t(Key::WebhookUrlRequired).to_owned(),
            Problem::TooLong => lang
                .t(Key::WebhookUrlTooLong)
                .replace("{max}", &WEBHOOK_URL_MAX.to_string()),
            Problem::Scheme => lang.t(Key::WebhookUrlScheme).to_owned(),
        }
    }
}

/// Checks a webhook URL as far as the browser can: trimmed, at most 2048 bytes, `http://` or
/// `https://` followed by a host, no spaces or control characters. Which hosts are allowed is
/// the server's to say.
fn check_url(raw: &str) -> Result<String, Problem> {
    let url = raw.trim();
    if url.is_empty() {
        return Err(Problem::Required);
    }
    if url.len() > WEBHOOK_URL_MAX {
        return Err(Problem::TooLong);
    }
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    let has_host = rest.is_some_and(|r| !r.is_empty() && !r.starts_with(['/', '?', '#']));
    if !has_host || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Problem::Scheme);
    }
    Ok(url.to_owned())
}

/// Whether the server refused the URL itself (a bad or private address).
fn refused_url(err: &AppError) -> bool {
    matches!(err, AppError::Validation { field, .. } if field == "url")
}

/// The word for a delivery's status.
fn status_key(status: DeliveryStatus) -> Key {
    match status {
        DeliveryStatus::Pending => Key::DeliveryPending,
        DeliveryStatus::Delivered => Key::DeliveryDelivered,
        DeliveryStatus::Failed => Key::DeliveryFailed,
    }
}

/// The last answer of the receiver: its HTTP status and/or the error, or "No answer yet".
fn last_result(delivery: &WebhookDelivery, lang: Lang) -> String {
    let code = delivery.last_status_code.map(|c| {
        lang.t(Key::DeliveryHttpStatus)
            .replace("{code}", &c.to_string())
    });
    let error = delivery.last_error.clone().filter(|e| !e.is_empty());
    match (code, error) {
        (Some(c), Some(e)) => format!("{c} · {e}"),
        (Some(c), None) => c,
        (None, Some(e)) => e,
        (None, None) => lang.t(Key::DeliveryNoAnswer).to_owned(),
    }
}

/// What the panel is asking the user to confirm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Confirming {
    Nothing,
    Remove,
}

/// A signing secret just issued, with the name of its bot.
pub type FreshSecret = Option<(String, BotWebhook)>;

/// One bot's outgoing webhook: its URL (or "Not set"), a form to set it, Remove, the secret
/// just issued (when `secret` is this bot's) and the delivery log behind a toggle.
#[component]
pub fn BotWebhookPanel(
    /// The bot.
    bot_id: UserId,
    /// Its display name (in labels).
    name: String,
    /// Its webhook URL when the page loaded.
    url: Option<String>,
    /// The page's bots, kept in step.
    bots: RwSignal<Vec<Bot>>,
    /// The secret issued last on the page (one at a time).
    secret: RwSignal<FreshSecret>,
) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let current = RwSignal::new(url.clone());
    let draft = RwSignal::new(url.unwrap_or_default());
    let problem: RwSignal<Option<Problem>> = RwSignal::new(None);
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let done: RwSignal<Option<Key>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let confirming = RwSignal::new(Confirming::Nothing);
    let log_open = RwSignal::new(false);

    // Keeps the page's list and this panel in step with the server's answer.
    let settle = move |url: Option<String>| {
        current.try_set(url.clone());
        bots.try_update(|l| {
            if let Some(b) = l.iter_mut().find(|b| b.bot_id == bot_id) {
                b.webhook_url = url;
            }
        });
    };
    let save = {
        let name = name.clone();
        move |url: String| {
            busy.set(true);
            done.set(None);
            error.set(None);
            let name = name.clone();
            leptos::task::spawn_local(async move {
                let result = set_bot_webhook(bot_id, Some(url)).await;
                busy.try_set(false);
                match result {
                    Ok(Some(hook)) => {
                        settle(Some(hook.url.clone()));
                        draft.try_set(hook.url.clone());
                        done.try_set(Some(Key::WebhookSaved));
                        secret.try_set(Some((name, hook)));
                    }
                    Ok(None) => {
                        settle(None);
                    }
                    Err(e) => {
                        error.try_set(Some(e));
                    }
                }
            });
        }
    };
    let remove = move || {
        busy.set(true);
        done.set(None);
        error.set(None);
        leptos::task::spawn_local(async move {
            let result = set_bot_webhook(bot_id, None).await;
            busy.try_set(false);
            match result {
                Ok(_) => {
                    confirming.try_set(Confirming::Nothing);
                    settle(None);
                    draft.try_set(String::new());
                    done.try_set(Some(Key::WebhookRemoved));
                    let shown = secret
                        .try_with_untracked(|s| s.as_ref().is_some_and(|(_, h)| h.bot_id == bot_id))
                        .unwrap_or(false);
                    if shown {
                        secret.try_set(None);
                    }
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };

    let labelled = |key: Key| {
        let name = name.clone();
        move || format!("{} {name}", i18n.t(key))
    };
    let input_id = format!("bot-webhook-url-{bot_id}");
    let log_id = format!("bot-deliveries-{bot_id}");
    let section_label = {
        let name = name.clone();
        move || i18n.t(Key::OutgoingWebhookFor).replace("{name}", &name)
    };
    let input_label = {
        let name = name.clone();
        move || i18n.t(Key::WebhookUrlFor).replace("{name}", &name)
    };
    let save_label = labelled(Key::WebhookSave);
    let remove_label = labelled(Key::WebhookRemove);
    let log_label = labelled(Key::DeliveryLog);
    // The server's "bad URL" is worded here: its field name alone would read as "url".
    let refused = Signal::derive(move || error.with(|e| e.as_ref().is_some_and(refused_url)));
    let other_error = Signal::derive(move || error.get().filter(|e| !refused_url(e)));
    let log_name = name.clone();
    view! {
        <section class="bot-webhook" data-testid="bot-webhook" aria-label=section_label>
            <h3 class="bot-webhook-title">{i18n.tr(Key::OutgoingWebhook)}</h3>
            <p class="device-meta bot-webhook-current">
                {i18n.tr(Key::WebhookCurrentUrl)} ": "
                <span class="bot-webhook-current-url" data-testid="bot-webhook-current">
                    {move || current.get().unwrap_or_else(|| i18n.t(Key::WebhookNotSet).to_owned())}
                </span>
            </p>
            <p class="field-hint bot-webhook-intro">{i18n.tr(Key::OutgoingWebhookIntro)}</p>
            <form
                class="bot-webhook-form"
                novalidate
                on:submit=move |ev| {
                    ev.prevent_default();
                    match check_url(&draft.get_untracked()) {
                        Ok(url) => {
                            problem.set(None);
                            save(url);
                        }
                        Err(p) => {
                            done.set(None);
                            problem.set(Some(p));
                        }
                    }
                }
            >
                <label class="visually-hidden" for=input_id.clone()>
                    {input_label}
                </label>
                <input
                    id=input_id
                    class="bot-webhook-url"
                    type="url"
                    inputmode="url"
                    autocomplete="off"
                    spellcheck="false"
                    placeholder="https://example.com/parley-webhook"
                    aria-invalid=move || {
                        (problem.get().is_some() || refused.get()).to_string()
                    }
                    bind:value=draft
                />
                {move || {
                    problem
                        .get()
                        .map(|p| {
                            view! {
                                <p class="form-error" role="alert">{move || p.text(i18n.lang.get())}</p>
                            }
                        })
                }}
                <Show when=move || refused.get()>
                    <p class="form-error" role="alert">{i18n.tr(Key::WebhookUrlRefused)}</p>
                </Show>
                <ErrorAlert error=other_error/>
                {move || {
                    done.get()
                        .map(|key| view! { <p class="form-ok" role="status">{i18n.tr(key)}</p> })
                }}
                <div class="bot-actions bot-webhook-actions" hidden=move || confirming.get() != Confirming::Nothing>
                    <button
                        type="submit"
                        class="button small primary bot-webhook-save"
                        aria-label=save_label
                        disabled=move || !hydrated.get() || busy.get()
                    >
                        {i18n.tr(Key::WebhookSave)}
                    </button>
                    <Show when=move || current.with(Option::is_some)>
                        <button
                            type="button"
                            class="button small danger bot-webhook-remove"
                            aria-label=remove_label.clone()
                            disabled=move || !hydrated.get() || busy.get()
                            on:click=move |_| {
                                error.set(None);
                                done.set(None);
                                confirming.set(Confirming::Remove);
                            }
                        >
                            {i18n.tr(Key::WebhookRemove)}
                        </button>
                    </Show>
                    <button
                        type="button"
                        class="button small bot-webhook-log-toggle"
                        aria-label=log_label
                        aria-expanded=move || log_open.get().to_string()
                        aria-controls=log_id.clone()
                        disabled=move || !hydrated.get()
                        on:click=move |_| log_open.update(|o| *o = !*o)
                    >
                        {move || {
                            if log_open.get() {
                                i18n.t(Key::HideDeliveryLog)
                            } else {
                                i18n.t(Key::DeliveryLog)
                            }
                        }}
                    </button>
                </div>
            </form>
            <Show when=move || confirming.get() == Confirming::Remove>
                <InlineConfirm
                    question=Key::ConfirmRemoveBotWebhook
                    class="bot-confirm bot-webhook-confirm"
                    busy
                    on_cancel=Callback::new(move |()| confirming.set(Confirming::Nothing))
                    on_confirm=Callback::new(move |()| remove())
                />
            </Show>
            {move || {
                secret
                    .get()
                    .filter(|(_, hook)| hook.bot_id == bot_id)
                    .map(|(bot_name, hook)| view! { <SecretPanel bot_name hook secret/> })
            }}
            <Show when=move || log_open.get()>
                <DeliveryLog bot_id name=log_name.clone() id=format!("bot-deliveries-{bot_id}")/>
            </Show>
        </section>
    }
}

/// The signing secret just issued, shown this once, with how a receiver checks a post.
#[component]
fn SecretPanel(bot_name: String, hook: BotWebhook, secret: RwSignal<FreshSecret>) -> impl IntoView {
    let i18n = use_i18n();
    let title = i18n.t(Key::WebhookSecretFor).replace("{name}", &bot_name);
    let usage = format!(
        "printf '%s' \"$BODY\" | openssl dgst -sha256 -hmac '{}'",
        hook.secret
    );
    view! {
        <SecretCard
            title
            value=hook.secret
            usage
            words=SecretWords {
                warning: Key::WebhookSecretOnce,
                label: Key::WebhookSecret,
                usage: Key::WebhookSecretUsage,
                done: Key::WebhookDone,
            }
            id="bot-webhook-secret"
            on_done=move || secret.set(None)
        />
    }
}

/// The bot's delivery log, newest first: Refresh, and "Load more" while a page came back full.
#[component]
fn DeliveryLog(bot_id: UserId, name: String, id: String) -> impl IntoView {
    let i18n = use_i18n();
    let entries: RwSignal<Vec<WebhookDelivery>> = RwSignal::new(Vec::new());
    let loaded = RwSignal::new(false);
    let more = RwSignal::new(false);
    let loading = RwSignal::new(false);
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    // `before` None: the newest page, replacing the list; else the page older than it.
    let load = move |before: Option<i64>| {
        loading.set(true);
        leptos::task::spawn_local(async move {
            let result = list_bot_webhook_deliveries(bot_id, before, Some(DELIVERY_PAGE)).await;
            loading.try_set(false);
            match result {
                Ok(page) => {
                    more.try_set(page.len() >= DELIVERY_PAGE as usize);
                    entries.try_update(|l| {
                        if before.is_none() {
                            l.clear();
                        }
                        l.extend(page);
                    });
                    loaded.try_set(true);
                    error.try_set(None);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    // The log opens in the browser only (after a tap), so the first page is fetched here.
    Effect::new(move |_| load(None));
    let title = {
        let name = name.clone();
        move || i18n.t(Key::DeliveryLogFor).replace("{name}", &name)
    };
    let refresh_label = move || format!("{} {name}", i18n.t(Key::Refresh));
    view! {
        <div class="delivery-log" id=id role="region" aria-label=title data-testid="delivery-log">
            <div class="delivery-log-head">
                <h4 class="delivery-log-title">{i18n.tr(Key::DeliveryLog)}</h4>
                <button
                    type="button"
                    class="button small delivery-refresh"
                    aria-label=refresh_label
                    disabled=move || loading.get()
                    on:click=move |_| load(None)
                >
                    {i18n.tr(Key::Refresh)}
                </button>
            </div>
            <ErrorAlert error/>
            {move || {
                (loaded.get() && entries.with(Vec::is_empty))
                    .then(|| view! { <p class="muted delivery-empty">{i18n.tr(Key::NoDeliveries)}</p> })
            }}
            // Keyed with what a refresh may change, so that a row redraws when it moves on.
            <ul class="delivery-list">
                <For each=move || entries.get() key=|d| (d.id, d.status.as_str(), d.attempts) let:delivery>
                    <DeliveryRow delivery/>
                </For>
            </ul>
            <Show when=move || more.get()>
                <button
                    type="button"
                    class="button small block delivery-more"
                    disabled=move || loading.get()
                    on:click=move |_| {
                        let oldest = entries.with_untracked(|l| l.last().map(|d| d.id));
                        if oldest.is_some() {
                            load(oldest);
                        }
                    }
                >
                    {i18n.tr(Key::LoadMore)}
                </button>
            </Show>
        </div>
    }
}

/// One delivery: event, message, status, attempts, the receiver's last answer and times.
#[component]
fn DeliveryRow(delivery: WebhookDelivery) -> impl IntoView {
    let i18n = use_i18n();
    let status = delivery.status;
    let message = delivery.message_id.map(|m| {
        let m = m.to_string();
        view! {
            <span class="delivery-message">
                {move || i18n.t(Key::DeliveryMessage).replace("{id}", &m)}
            </span>
            " · "
        }
    });
    let attempts = delivery.attempts;
    let result = {
        let d = delivery.clone();
        move || last_result(&d, i18n.lang.get())
    };
    let next = delivery
        .next_attempt_at
        .filter(|_| status == DeliveryStatus::Pending)
        .map(|ms| {
            view! {
                " · " {i18n.tr(Key::DeliveryNextAttempt)} " " <LocalTime ms/>
            }
        });
    view! {
        <li class="delivery" data-testid="delivery" data-status=status.as_str()>
            <div class="delivery-head">
                <span class="delivery-event">{delivery.event.clone()}</span>
                <span class=format!("delivery-status delivery-{}", status.as_str())>
                    {i18n.tr(status_key(status))}
                </span>
            </div>
            <p class="device-meta">
                {message}
                <span class="delivery-attempts">
                    {move || i18n.t(Key::DeliveryAttempts).replace("{n}", &attempts.to_string())}
                </span>
                " · "
                <span class="delivery-result">{result}</span>
            </p>
            <p class="device-meta">
                <LocalTime ms=delivery.created_at/>
                {next}
            </p>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::error::Invalid;

    #[test]
    fn urls_are_checked_before_asking_the_server() {
        assert_eq!(
            check_url("  https://example.com/hook "),
            Ok("https://example.com/hook".to_owned())
        );
        assert_eq!(
            check_url("HTTP://Example.com"),
            Ok("HTTP://Example.com".to_owned())
        );
        assert_eq!(check_url("   "), Err(Problem::Required));
        assert_eq!(check_url("ftp://example.com"), Err(Problem::Scheme));
        assert_eq!(check_url("https://"), Err(Problem::Scheme));
        assert_eq!(check_url("https:///path"), Err(Problem::Scheme));
        assert_eq!(check_url("example.com"), Err(Problem::Scheme));
        assert_eq!(check_url("https://a b.com"), Err(Problem::Scheme));
        let long = format!("https://example.com/{}", "a".repeat(WEBHOOK_URL_MAX));
        assert_eq!(check_url(&long), Err(Problem::TooLong));
        assert!(Problem::TooLong.text(Lang::En).contains("2048"));
    }

    #[test]
    fn the_last_result_is_worded() {
        let mut d = WebhookDelivery {
            id: 1,
            delivery_id: "d".into(),
            event: "message".into(),
            conversation_id: None,
            message_id: None,
            status: DeliveryStatus::Pending,
            attempts: 0,
            last_status_code: None,
            last_error: None,
            created_at: 0,
            next_attempt_at: None,
            finished_at: None,
        };
        assert_eq!(last_result(&d, Lang::En), "No answer yet");
        d.last_status_code = Some(500);
        assert_eq!(last_result(&d, Lang::En), "HTTP 500");
        d.last_error = Some("timeout".into());
        assert_eq!(last_result(&d, Lang::En), "HTTP 500 · timeout");
        d.last_status_code = None;
        assert_eq!(last_result(&d, Lang::En), "timeout");
        assert!(refused_url(&AppError::invalid("url", Invalid::Unknown)));
        assert!(!refused_url(&AppError::invalid("name", Invalid::Unknown)));
    }
}
