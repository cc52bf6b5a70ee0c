//! `/group/:id`: a group's name, introduction, notice and members. Everyone can leave (the
//! owner dissolves instead); the owner and admins also answer join requests, invite friends,
//! moderate members, mute everyone and edit the group (see [`crate::pages::group_manage`]).

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use shared::LocalTime;
use shared::api::groups::{dissolve_group, get_group, leave_group};
use shared::i18n::Key;
use shared::ids::{GroupId, UserId};
use shared::model::{GroupInfo, GroupMember, GroupRole, GroupStatus};
use shared::ui::{use_hydrated, use_i18n};

use crate::components::avatar::face;
use crate::components::avatar_picker::AvatarPicker;
use crate::components::group_request::GroupRequestRow;
use crate::components::status::{ErrorAlert, ErrorPanel, LoadingPanel};
use crate::pages::group_manage::{
    EditGroupForm, GroupNicknameCell, GroupOp, ListedSwitch, MemberActions, MuteAllSwitch,
    OpAction, can_moderate, run_op,
};
use crate::session::use_session;
use crate::store::use_store;

/// The group page for the id in the URL.
#[component]
pub fn GroupPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).map(GroupId))
    });
    let group = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_group(id).await,
                None => Err(shared::AppError::NotFound),
            }
        },
    );
    let back = move || {
        group
            .get()
            .and_then(Result::ok)
            .map(|g| format!("/chat/{}", g.conversation_id))
            .unwrap_or_else(|| "/".to_owned())
    };
    view! {
        <header class="page-header sub-header">
            <A href=back attr:class="back-link" attr:aria-label=i18n.tr(Key::Back)>
                "‹"
            </A>
            <h1>{i18n.tr(Key::GroupInfo)}</h1>
        </header>
        <Transition fallback=|| view! { <LoadingPanel/> }>
            {move || Suspend::new(async move {
                match group.await {
                    Ok(info) => view! { <GroupDetails info/> }.into_any(),
                    Err(err) => {
                        view! { <ErrorPanel error=err on_retry=move || group.refetch()/> }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// The group's details; they stay mounted (open panels stay open) while a change made
/// elsewhere, announced by the realtime connection, is fetched in the background.
#[component]
fn GroupDetails(info: GroupInfo) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let session = use_session();
    let store = use_store();
    let id = info.id;
    let info = RwSignal::new(info);
    let me = Signal::derive(move || {
        session
            .me
            .get()
            .and_then(|r| r.ok().flatten())
            .map(|m| m.id)
    });
    let my_role = Memo::new(move |_| {
        let me = me.get();
        info.with(|i| {
            i.members
                .iter()
                .find(|m| Some(m.user_id) == me)
                .map_or(GroupRole::Member, |m| m.role)
        })
    });
    let op: OpAction = Action::new(move |o: &GroupOp| run_op(id, o.clone()));
    let managing: RwSignal<Option<UserId>> = RwSignal::new(None);
    let editing = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(updated)) = op.value().get() {
            info.set(updated);
            managing.set(None);
            editing.set(false);
        }
    });
    let refresh_error = RwSignal::new(None);
    Effect::new(move |seen: Option<u32>| {
        let version = store.groups_version.get();
        if seen.is_some_and(|v| v != version) {
            leptos::task::spawn_local(async move {
                match get_group(id).await {
                    Ok(fresh) => {
                        info.try_set(fresh);
                        refresh_error.try_set(None);
                    }
                    Err(err) => {
                        refresh_error.try_set(Some(err));
                    }
                }
            });
        }
        version
    });
    let op_error = Signal::derive(move || {
        op.value()
            .get()
            .and_then(Result::err)
            .or_else(|| refresh_error.get())
    });
    let dissolved = Memo::new(move |_| info.with(|i| i.dissolved));
    let manages = Memo::new(move |_| my_role.get().manages() && !dissolved.get());
    // A memo: a background refresh with the same value must not reset the switch under a click.
    let muted_all = Memo::new(move |_| info.with(|i| i.muted_all));
    let listed = Memo::new(move |_| info.with(|i| i.listed));
    let owns = Memo::new(move |_| my_role.get() == GroupRole::Owner && !dissolved.get());
    let requests = Memo::new(move |_| {
        store.group_requests.with(|list| {
            list.iter()
                .filter(|r| r.group_id == id)
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let members = Memo::new(move |_| info.with(|i| i.members.clone()));
    let my_alias = Signal::derive(move || {
        let me = me.get();
        info.with(|i| {
            i.members
                .iter()
                .find(|m| Some(m.user_id) == me)
                .map(|m| m.group_nickname.clone())
                .unwrap_or_default()
        })
    });
    let member_now = Memo::new(move |_| {
        let me = me.get();
        !dissolved.get() && info.with(|i| i.members.iter().any(|m| Some(m.user_id) == me))
    });
    // Two halves, each erased to `AnyView`: one nested type for the whole page is too deep
    // for the compiler.
    let top = view! {
        <section class="profile-card">
            <div class="avatar avatar-large group-avatar" aria-hidden="true">
                {move || {
                    info.with(|i| {
                        face(
                            i.avatar_url.clone(),
                            i.name.chars().next().map(String::from).unwrap_or_default(),
                        )
                    })
                }}
            </div>
            <div class="profile-text">
                <h2>{move || info.with(|i| i.name.clone())}</h2>
                <p class="profile-signature">{move || info.with(|i| i.introduction.clone())}</p>
                <Show when=move || manages.get()>
                    <AvatarPicker
                        group=id
                        changed=Callback::new(move |url: Option<String>| {
                            info.update(|i| i.avatar_url = url);
                        })
                    />
                </Show>
            </div>
        </section>
        <Show when=move || dissolved.get()>
            <p class="form-error" role="status">{i18n.tr(Key::GroupDissolved)}</p>
        </Show>
        <Show when=move || muted_all.get() && !dissolved.get()>
            <p class="banner" role="status">{i18n.tr(Key::EveryoneMuted)}</p>
        </Show>
        <Show when=move || !dissolved.get() && info.with(|i| i.status != GroupStatus::Active)>
            <p class="banner group-hold" role="status">
                {move || {
                    let key = if info.with(|i| i.status == GroupStatus::Disabled) {
                        Key::GroupBannerDisabled
                    } else {
                        Key::GroupBannerMuted
                    };
                    i18n.lang.get().t(key)
                }}
            </p>
        </Show>
        <Show when=move || info.with(|i| !i.notice.is_empty())>
            <section class="cell-group" aria-labelledby="notice-title">
                <h2 id="notice-title" class="group-title">{i18n.tr(Key::FieldNotice)}</h2>
                <p class="group-notice">{move || info.with(|i| i.notice.clone())}</p>
            </section>
        </Show>
        <Show when=move || manages.get() && requests.with(|r| !r.is_empty())>
            <section aria-labelledby="join-requests-title">
                <h2 id="join-requests-title" class="group-title">{i18n.tr(Key::GroupJoinRequests)}</h2>
                <ul class="cell-group plain-list">
                    <For each=move || requests.get() key=|r| r.id let:request>
                        <GroupRequestRow request/>
                    </For>
                </ul>
            </section>
        </Show>
        <section class="cell-group" aria-labelledby="members-title">
            <h2 id="members-title" class="group-title">
                {i18n.tr(Key::GroupMembers)} " (" {move || members.with(Vec::len)} ")"
            </h2>
            <ul class="device-list">
                <For
                    each=move || members.get()
                    key=|m| (m.user_id, m.role, m.muted_until, m.group_nickname.clone())
                    let:member
                >
                    <MemberRow member my_role manages managing op/>
                </For>
            </ul>
        </section>
    }
    .into_any();
    let bottom = view! {
        <ErrorAlert error=op_error/>
        <Show when=move || member_now.get()>
            <div class="cell-group">
                <GroupNicknameCell current=my_alias op/>
            </div>
        </Show>
        <Show when=move || manages.get()>
            <nav class="cell-group">
                <A href=format!("/group/{id}/invite") attr:class="cell">
                    <span>{i18n.tr(Key::InviteMembers)}</span>
                </A>
                <A href=format!("/group/{id}/links") attr:class="cell">
                    <span>{i18n.tr(Key::InviteLinks)}</span>
                </A>
                <A href=format!("/group/{id}/hooks") attr:class="cell">
                    <span>{i18n.tr(Key::IncomingWebhooks)}</span>
                </A>
                <MuteAllSwitch muted=muted_all.into() op/>
                <Show when=move || owns.get()>
                    <ListedSwitch listed=listed.into() op/>
                </Show>
                <button
                    type="button"
                    class="cell cell-button"
                    disabled=move || !hydrated.get()
                    aria-expanded=move || editing.get().to_string()
                    on:click=move |_| editing.update(|e| *e = !*e)
                >
                    {i18n.tr(Key::EditGroup)}
                </button>
            </nav>
            <Show when=move || editing.get()>
                <EditGroupForm info=info.get_untracked() op on_cancel=move || editing.set(false)/>
            </Show>
        </Show>
        <LeaveOrDissolve id my_role dissolved info/>
        <section class="cell-group profile-actions">
            <a class="button block" href=format!("/report/group/{}", id.0)>
                {i18n.tr(Key::ReportGroup)}
            </a>
        </section>
    }
    .into_any();
    view! { {top} {bottom} }
}

/// One member: name, login, role badge, mute end; "Manage" for those the user may moderate.
#[component]
fn MemberRow(
    member: GroupMember,
    my_role: Memo<GroupRole>,
    manages: Memo<bool>,
    managing: RwSignal<Option<UserId>>,
    op: OpAction,
) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let user = member.user_id;
    let role = match member.role {
        GroupRole::Owner => Some(Key::RoleOwner),
        GroupRole::Admin => Some(Key::RoleAdmin),
        GroupRole::Member => None,
    };
    let target_role = member.role;
    let can = move || manages.get() && can_moderate(my_role.get(), target_role);
    let open = move || managing.get() == Some(user);
    let shown = member.shown_name().to_owned();
    let initial: String = shown.chars().next().map(String::from).unwrap_or_default();
    let acted_on = member.clone();
    let manage_label = {
        let name = shown.clone();
        move || format!("{} {name}", i18n.t(Key::ManageMember))
    };
    view! {
        <li class="member">
            <div class="device">
                <div class="avatar" aria-hidden="true">{face(member.avatar_url.clone(), initial)}</div>
                <div class="device-text">
                    <p class="device-name">{shown.clone()}</p>
                    <p class="device-meta">
                        {member.username.clone()}
                        {member.muted_until.map(|t| view! {
                            " · " {i18n.tr(Key::MutedUntil)} " " <LocalTime ms=t/>
                        })}
                    </p>
                </div>
                {role.map(|k| view! { <span class="badge">{i18n.tr(k)}</span> })}
                <Show when=can>
                    <button
                        type="button"
                        class="button small"
                        aria-expanded=move || open().to_string()
                        aria-label=manage_label.clone()
                        disabled=move || !hydrated.get()
                        on:click=move |_| {
                            managing.update(|m| *m = if *m == Some(user) { None } else { Some(user) })
                        }
                    >
                        {i18n.tr(Key::ManageMember)}
                    </button>
                </Show>
            </div>
            <Show when=move || open() && can()>
                <MemberActions member=acted_on.clone() my_role=my_role.get_untracked() op/>
            </Show>
        </li>
    }
}

/// "Leave group" for members (and for anyone once dissolved), "Dissolve group" for the owner.
#[component]
fn LeaveOrDissolve(
    id: GroupId,
    my_role: Memo<GroupRole>,
    dissolved: Memo<bool>,
    info: RwSignal<GroupInfo>,
) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let store = use_store();
    let navigate = use_navigate();
    let leave = Action::new(move |_: &()| leave_group(id));
    let dissolve = Action::new(move |_: &()| dissolve_group(id));
    Effect::new(move |_| {
        if matches!(leave.value().get(), Some(Ok(()))) {
            store.refetch();
            navigate("/", Default::default());
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(updated)) = dissolve.value().get() {
            info.set(updated);
            store.refetch();
        }
    });
    let error = Signal::derive(move || {
        leave
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| dissolve.value().get().and_then(Result::err))
    });
    view! {
        <ErrorAlert error/>
        <div class="cell-group">
            {move || {
                if my_role.get() == GroupRole::Owner && !dissolved.get() {
                    view! {
                        <button
                            type="button"
                            class="button danger block"
                            disabled=move || !hydrated.get() || dissolve.pending().get()
                            on:click=move |_| {
                                let sure = web_sys::window()
                                    .and_then(|w| w.confirm_with_message(i18n.t(Key::ConfirmDissolve)).ok())
                                    .unwrap_or(false);
                                if sure {
                                    dissolve.dispatch(());
                                }
                            }
                        >
                            {i18n.tr(Key::DissolveGroup)}
                        </button>
                    }
                        .into_any()
                } else {
                    view! {
                        <button
                            type="button"
                            class="button danger block"
                            disabled=move || !hydrated.get() || leave.pending().get()
                            on:click=move |_| {
                                leave.dispatch(());
                            }
                        >
                            {i18n.tr(Key::LeaveGroup)}
                        </button>
                    }
                        .into_any()
                }
            }}
        </div>
    }
}
