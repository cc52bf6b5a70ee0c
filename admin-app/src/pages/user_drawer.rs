//! The user drawer of `/admin/users`: profile, standing, roles editor, ban and mute with a
//! duration and a reason, sign-out everywhere, password reset, sessions, groups and a link to
//! the messages they sent.

use leptos::prelude::*;
use shared::AppError;
use shared::LocalTime;
use shared::api::admin::{
    admin_ban_user, admin_get_user, admin_list_roles, admin_mute_user, admin_reset_password,
    admin_revoke_sessions, admin_set_user_roles, admin_unban_user, admin_unmute_user,
};
use shared::i18n::Key;
use shared::ids::UserId;
use shared::model::{AdminUserDetail, FOREVER, RoleInfo};
use shared::ui::{use_hydrated, use_i18n};

use crate::components::badges::{BadgeKind, Badges};
use crate::components::status::{ErrorPanel, Loading};
use crate::names::role_name;
use crate::pages::group_drawer::role_key as group_role_key;
use crate::pages::messages::{MessageFilters, messages_url};

/// Durations offered for bans and mutes (ms; 0: for good).
pub(crate) const DURATIONS: [(i64, Key); 5] = [
    (3_600_000, Key::DurationHour),
    (86_400_000, Key::DurationDay),
    (604_800_000, Key::DurationWeek),
    (2_592_000_000, Key::DurationMonth),
    (0, Key::DurationForever),
];

/// A change the drawer makes.
#[derive(Debug, Clone)]
enum Op {
    Roles(Vec<String>),
    Ban { reason: String, duration: i64 },
    Unban,
    Mute { duration: i64 },
    Unmute,
    Revoke,
}

/// The end of a restriction starting now and lasting `duration` (0: for good).
fn until(duration: i64) -> Option<i64> {
    (duration > 0).then(|| shared::ui::now_ms() + duration)
}

async fn run(user: UserId, op: Op) -> Result<AdminUserDetail, AppError> {
    match op {
        Op::Roles(roles) => admin_set_user_roles(user, roles).await,
        Op::Ban { reason, duration } => admin_ban_user(user, reason, until(duration)).await,
        Op::Unban => admin_unban_user(user).await,
        Op::Mute { duration } => admin_mute_user(user, until(duration)).await,
        Op::Unmute => admin_unmute_user(user).await,
        Op::Revoke => admin_revoke_sessions(user).await,
    }
}

/// Asks the browser to confirm; `false` outside a browser.
fn confirm(text: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(text).ok())
        .unwrap_or(false)
}

/// The drawer for `user`; `on_changed` runs after every change (the table refreshes),
/// `on_close` closes it.
#[component]
pub fn UserDrawer(
    /// The user shown.
    user: UserId,
    /// Runs after a change was saved.
    #[prop(into)]
    on_changed: Callback<()>,
    /// Closes the drawer.
    #[prop(into)]
    on_close: Callback<()>,
) -> AnyView {
    let i18n = use_i18n();
    let detail = Resource::new(move || user, admin_get_user);
    let roles = Resource::new(|| (), |_| admin_list_roles());
    let body = move || {
        Suspend::new(async move {
            match (detail.await, roles.await) {
                (Ok(d), Ok(roles)) => view! { <DrawerBody detail=d roles on_changed/> }.into_any(),
                (Err(error), _) | (_, Err(error)) => {
                    view! { <ErrorPanel error on_retry=move || detail.refetch()/> }.into_any()
                }
            }
        })
    };
    view! {
        <div class="drawer-backdrop" on:click=move |_| on_close.run(())></div>
        <aside class="drawer" role="dialog" aria-modal="true" aria-labelledby="drawer-title">
            <header class="drawer-header">
                <h2 id="drawer-title">{i18n.tr(Key::UserDetail)}</h2>
                <button type="button" class="btn btn-ghost" on:click=move |_| on_close.run(())>
                    {i18n.tr(Key::Close)}
                </button>
            </header>
            <Transition fallback=Loading>{body}</Transition>
        </aside>
    }
    .into_any()
}

#[component]
fn DrawerBody(detail: AdminUserDetail, roles: Vec<RoleInfo>, on_changed: Callback<()>) -> AnyView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let user = detail.user.id;
    let current = RwSignal::new(detail);
    let op = Action::new(move |o: &Op| run(user, o.clone()));
    let saved = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(fresh)) = op.value().get() {
            current.set(fresh);
            saved.set(true);
            on_changed.run(());
        }
    });
    let reset = Action::new(move |_: &()| admin_reset_password(user));
    let error = move || {
        op.value()
            .get()
            .and_then(Result::err)
            .or_else(|| reset.value().get().and_then(Result::err))
            .map(|e| i18n.error(&e))
    };
    let password = move || reset.value().get().and_then(Result::ok).map(|p| p.password);
    let busy = move || !hydrated.get() || op.pending().get() || reset.pending().get();

    let d = current.get_untracked();
    let header = view! {
        <section class="drawer-section">
            <p class="drawer-name">
                <strong>{move || current.with(|d| d.user.nickname.clone())}</strong>
                " "
                <span class="mono muted">"@" {d.user.username.clone()}</span>
            </p>
            <dl class="facts">
                <dt>{i18n.tr(Key::StatusCol)}</dt>
                <dd>{move || view! { <Standing detail=current.get()/> }}</dd>
                <dt>{i18n.tr(Key::ProviderLabel)}</dt>
                <dd>
                    {move || current.with(|d| super::users::providers_text(i18n.lang.get(), &d.user))}
                </dd>
                <dt>{i18n.tr(Key::Friends)}</dt>
                <dd>{move || current.with(|d| d.friend_count)}</dd>
                <dt>{i18n.tr(Key::MessageCount)}</dt>
                <dd>{move || current.with(|d| d.message_count)}</dd>
                <dt>{i18n.tr(Key::Rights)}</dt>
                <dd>
                    {move || {
                        view! { <Badges keys=current.with(|d| d.rights.clone()) kind=BadgeKind::Right/> }
                    }}
                </dd>
            </dl>
            <p class="drawer-links">
                <a href=messages_url(&MessageFilters {
                    user: Some(user),
                    ..MessageFilters::default()
                })>{i18n.tr(Key::UserMessagesLink)}</a>
            </p>
            <p class="toast" role="status">
                {move || saved.get().then(|| i18n.t(Key::Saved))}
            </p>
            {move || error().map(|e| view! { <p class="error-text" role="alert">{e}</p> })}
        </section>
    }
    .into_any();

    // Roles: a checklist of every role.
    let chosen = RwSignal::new(d.user.roles.clone());
    let role_list = roles
        .into_iter()
        .map(|role| {
            let key = role.key.clone();
            let key_check = key.clone();
            let label = move || role_name(i18n.lang.get(), &role.key, &role.name);
            view! {
                <label class="check">
                    <input
                        type="checkbox"
                        prop:checked=move || chosen.with(|c| c.contains(&key_check))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            let key = key.clone();
                            chosen.update(|c| {
                                c.retain(|k| *k != key);
                                if on {
                                    c.push(key);
                                }
                            });
                        }
                    />
                    {label}
                </label>
            }
        })
        .collect_view();
    let roles_form = view! {
        <section class="drawer-section" aria-labelledby="roles-title">
            <h3 id="roles-title">{i18n.tr(Key::Roles)}</h3>
            <div class="checklist">{role_list}</div>
            <button
                type="button"
                class="btn btn-primary"
                disabled=busy
                on:click=move |_| {
                    op.dispatch(Op::Roles(chosen.get_untracked()));
                }
            >
                {i18n.tr(Key::SaveRoles)}
            </button>
        </section>
    }
    .into_any();

    // Ban and mute.
    let reason = RwSignal::new(String::new());
    let ban_for = RwSignal::new(DURATIONS[1].0);
    let mute_for = RwSignal::new(DURATIONS[0].0);
    let banned = move || current.with(|d| d.user.banned_until.is_some());
    let muted = move || current.with(|d| d.user.muted_until.is_some());
    let moderation = view! {
        <section class="drawer-section" aria-labelledby="ban-title">
            <h3 id="ban-title">{i18n.tr(Key::BanUser)}</h3>
            <Show
                when=banned
                fallback=move || {
                    view! {
                        <div class="field">
                            <label for="ban-reason">{i18n.tr(Key::BanReason)}</label>
                            <input
                                id="ban-reason"
                                maxlength="200"
                                prop:value=move || reason.get()
                                on:input=move |ev| reason.set(event_target_value(&ev))
                            />
                        </div>
                        <DurationField id="ban-duration" value=ban_for/>
                        <button
                            type="button"
                            class="btn btn-danger"
                            disabled=busy
                            on:click=move |_| {
                                if confirm(i18n.t(Key::ConfirmBanUser)) {
                                    op.dispatch(Op::Ban {
                                        reason: reason.get_untracked(),
                                        duration: ban_for.get_untracked(),
                                    });
                                }
                            }
                        >
                            {i18n.tr(Key::BanUser)}
                        </button>
                    }
                }
            >
                <button type="button" class="btn" disabled=busy on:click=move |_| {
                    op.dispatch(Op::Unban);
                }>
                    {i18n.tr(Key::UnbanUser)}
                </button>
            </Show>
        </section>
        <section class="drawer-section" aria-labelledby="mute-title">
            <h3 id="mute-title">{i18n.tr(Key::MuteUser)}</h3>
            <Show
                when=muted
                fallback=move || {
                    view! {
                        <DurationField id="mute-duration" value=mute_for/>
                        <button
                            type="button"
                            class="btn btn-danger"
                            disabled=busy
                            on:click=move |_| {
                                op.dispatch(Op::Mute { duration: mute_for.get_untracked() });
                            }
                        >
                            {i18n.tr(Key::MuteUser)}
                        </button>
                    }
                }
            >
                <button type="button" class="btn" disabled=busy on:click=move |_| {
                    op.dispatch(Op::Unmute);
                }>
                    {i18n.tr(Key::UnmuteUser)}
                </button>
            </Show>
        </section>
    }
    .into_any();

    let account = view! {
        <section class="drawer-section" aria-labelledby="sessions-title">
            <h3 id="sessions-title">
                {i18n.tr(Key::Sessions)} " (" {move || current.with(|d| d.sessions.len())} ")"
            </h3>
            <ul class="plain-list">
                {move || {
                    current
                        .get()
                        .sessions
                        .into_iter()
                        .map(|s| {
                            view! {
                                <li>
                                    <span>{s.user_agent}</span>
                                    " · "
                                    <span class="mono">{s.ip.unwrap_or_default()}</span>
                                    " · "
                                    <LocalTime ms=s.last_seen_at/>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <div class="button-row">
                <button
                    type="button"
                    class="btn"
                    disabled=busy
                    on:click=move |_| {
                        if confirm(i18n.t(Key::ConfirmRevokeAll)) {
                            op.dispatch(Op::Revoke);
                        }
                    }
                >
                    {i18n.tr(Key::RevokeAllSessions)}
                </button>
                <button
                    type="button"
                    class="btn"
                    disabled=busy
                    on:click=move |_| {
                        if confirm(i18n.t(Key::ConfirmResetPassword)) {
                            reset.dispatch(());
                        }
                    }
                >
                    {i18n.tr(Key::ResetPasswordAction)}
                </button>
            </div>
            {move || {
                password()
                    .map(|p| {
                        view! {
                            <p class="one-time-password" role="status">
                                {i18n.tr(Key::NewPasswordOnce)}
                                <code data-testid="one-time-password">{p}</code>
                            </p>
                        }
                    })
            }}
        </section>
        <section class="drawer-section" aria-labelledby="groups-title">
            <h3 id="groups-title">{i18n.tr(Key::UserGroups)}</h3>
            {if d.groups.is_empty() {
                view! { <p class="muted">{i18n.tr(Key::NoneYet)}</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list">
                        {d
                            .groups
                            .iter()
                            .map(|g| view! { <li>{g.name.clone()} " · " {i18n.tr(group_role_key(g.role))}</li> })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
    }
    .into_any();
    view! { {header} {roles_form} {moderation} {account} }.into_any()
}

/// A labelled choice among [`DURATIONS`].
#[component]
fn DurationField(
    /// The select's id.
    id: &'static str,
    /// The chosen duration (ms; 0: for good).
    value: RwSignal<i64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let chosen = value.get_untracked();
    view! {
        <div class="field">
            <label for=id>{i18n.tr(Key::DurationLabel)}</label>
            <select
                id=id
                on:change=move |ev| {
                    if let Ok(v) = event_target_value(&ev).parse() {
                        value.set(v);
                    }
                }
            >
                {DURATIONS
                    .iter()
                    .map(|(ms, key)| {
                        view! { <option value=ms.to_string() selected=*ms == chosen>{i18n.tr(*key)}</option> }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

/// "Banned until …", "Muted until …" or "Active".
#[component]
fn Standing(detail: AdminUserDetail) -> AnyView {
    let i18n = use_i18n();
    let when = move |t: i64| {
        if t >= FOREVER {
            view! { {i18n.tr(Key::PermanentlyLabel)} }.into_any()
        } else {
            view! { {i18n.tr(Key::Until)} " " <LocalTime ms=t/> }.into_any()
        }
    };
    let banned = detail.user.banned_until.map(|t| {
        view! {
            <span class="status status-banned">{i18n.tr(Key::StatusBanned)} " " {when(t)}</span>
            {(!detail.ban_reason.is_empty()).then(|| view! { <span class="muted">" (" {detail.ban_reason.clone()} ")"</span> })}
        }
    });
    let muted = detail.user.muted_until.map(|t| {
        view! { <span class="status status-muted">{i18n.tr(Key::StatusMutedUser)} " " {when(t)}</span> }
    });
    if banned.is_none() && muted.is_none() {
        view! { <span class="status status-ok">{i18n.tr(Key::StatusNormal)}</span> }.into_any()
    } else {
        view! { {banned} " " {muted} }.into_any()
    }
}
