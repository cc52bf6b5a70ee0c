//! The group drawer of `/admin/groups`: the group's details and members, its holds (mute,
//! disable, restore), dissolution and a change of owner, each confirmed first.

use leptos::prelude::*;
use shared::AppError;
use shared::LocalTime;
use shared::api::admin_content::{
    admin_dissolve_group, admin_get_group, admin_set_group_status, admin_transfer_group,
};
use shared::i18n::{Key, Lang};
use shared::ids::{GroupId, UserId};
use shared::model::{AdminGroupDetail, GroupMember, GroupRole, GroupStatus};
use shared::ui::{use_hydrated, use_i18n};

use crate::components::confirm::{ConfirmDialog, Confirmation};
use crate::components::status::{ErrorPanel, Loading};
use crate::pages::groups::{GroupAvatar, GroupStatusBadge};
use crate::pages::messages::{MessageFilters, messages_url};

/// A change the drawer makes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Op {
    /// Put a hold on the group, or lift it.
    Status(GroupStatus),
    /// Dissolve it.
    Dissolve,
    /// Make member `to` (named `name`) the owner.
    Transfer { to: UserId, name: String },
}

impl Op {
    /// What the confirmation dialog asks, in `lang`.
    fn confirmation(&self, lang: Lang) -> Confirmation {
        let (action, message, danger) = match self {
            Op::Status(GroupStatus::Muted) => (Key::MuteGroupAction, Key::ConfirmMuteGroup, true),
            Op::Status(GroupStatus::Disabled) => {
                (Key::DisableGroupAction, Key::ConfirmDisableGroup, true)
            }
            Op::Status(GroupStatus::Active) => {
                (Key::RestoreGroupAction, Key::ConfirmRestoreGroup, false)
            }
            Op::Dissolve => (Key::DissolveGroup, Key::ConfirmAdminDissolve, true),
            Op::Transfer { .. } => (Key::TransferOwnerAction, Key::ConfirmAdminTransfer, false),
        };
        let message = match self {
            Op::Transfer { name, .. } => lang.t(message).replace("{name}", name),
            _ => lang.t(message).to_owned(),
        };
        Confirmation {
            title: lang.t(action).to_owned(),
            message,
            action: lang.t(action).to_owned(),
            danger,
            reason: None,
        }
    }

    /// The toast shown once it is done.
    fn done(&self) -> Key {
        match self {
            Op::Status(GroupStatus::Muted) => Key::GroupMutedToast,
            Op::Status(GroupStatus::Disabled) => Key::GroupDisabledToast,
            Op::Status(GroupStatus::Active) => Key::GroupRestoredToast,
            Op::Dissolve => Key::GroupDissolvedToast,
            Op::Transfer { .. } => Key::OwnerTransferredToast,
        }
    }
}

async fn run(group: GroupId, op: Op) -> Result<AdminGroupDetail, AppError> {
    match op {
        Op::Status(status) => admin_set_group_status(group, status.as_str().to_owned()).await,
        Op::Dissolve => admin_dissolve_group(group).await,
        Op::Transfer { to, .. } => admin_transfer_group(group, to).await,
    }
}

/// A member's role in the group, translated.
pub fn role_key(role: GroupRole) -> Key {
    match role {
        GroupRole::Owner => Key::RoleOwner,
        GroupRole::Admin => Key::RoleAdmin,
        GroupRole::Member => Key::GroupRoleMember,
    }
}

/// The holds an administrator may change to from `status`: every other one.
fn next_statuses(status: GroupStatus) -> Vec<GroupStatus> {
    [
        GroupStatus::Muted,
        GroupStatus::Disabled,
        GroupStatus::Active,
    ]
    .into_iter()
    .filter(|s| *s != status)
    .collect()
}

/// The drawer for `group`; `on_changed` runs after every change (the table refreshes),
/// `on_close` closes it.
#[component]
pub fn GroupDrawer(
    /// The group shown.
    group: GroupId,
    /// Runs after a change was saved.
    #[prop(into)]
    on_changed: Callback<()>,
    /// Closes the drawer.
    #[prop(into)]
    on_close: Callback<()>,
) -> AnyView {
    let i18n = use_i18n();
    let detail = Resource::new(move || group, admin_get_group);
    let body = move || {
        Suspend::new(async move {
            match detail.await {
                Ok(d) => view! { <DrawerBody detail=d on_changed/> }.into_any(),
                Err(error) => {
                    view! { <ErrorPanel error on_retry=move || detail.refetch()/> }.into_any()
                }
            }
        })
    };
    view! {
        <div class="drawer-backdrop" on:click=move |_| on_close.run(())></div>
        <aside class="drawer" role="dialog" aria-modal="true" aria-labelledby="group-drawer-title">
            <header class="drawer-header">
                <h2 id="group-drawer-title">{i18n.tr(Key::GroupDetail)}</h2>
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
fn DrawerBody(detail: AdminGroupDetail, on_changed: Callback<()>) -> AnyView {
    let i18n = use_i18n();
    let group = detail.group.id;
    let conversation = detail.group.conversation_id;
    let current = RwSignal::new(detail);
    let op = Action::new(move |o: &Op| {
        let o = o.clone();
        async move {
            let done = o.done();
            run(group, o).await.map(|fresh| (done, fresh))
        }
    });
    Effect::new(move |_| {
        if let Some(Ok((_, fresh))) = op.value().get() {
            current.set(fresh);
            on_changed.run(());
        }
    });
    let asking: RwSignal<Option<Op>> = RwSignal::new(None);
    let ask = Signal::derive(move || asking.get().map(|o| o.confirmation(i18n.lang.get())));
    let toast = move || {
        op.value()
            .get()
            .and_then(Result::ok)
            .map(|(done, _)| i18n.t(done))
    };
    let error = move || {
        op.value()
            .get()
            .and_then(Result::err)
            .map(|e| i18n.error(&e))
    };
    let d = current.get_untracked();
    let browse = messages_url(&MessageFilters {
        conversation: Some(conversation),
        ..MessageFilters::default()
    });
    let text_or_none = move |text: String| {
        if text.trim().is_empty() {
            view! { <span class="muted">{i18n.tr(Key::NoneYet)}</span> }.into_any()
        } else {
            view! { <span class="pre-wrap">{text}</span> }.into_any()
        }
    };
    let header = view! {
        <section class="drawer-section">
            <p class="drawer-name name-with-avatar">
                <GroupAvatar url=d.group.avatar_url.clone() name=d.group.name.clone()/>
                <strong>{d.group.name.clone()}</strong>
            </p>
            <dl class="facts">
                <dt>{i18n.tr(Key::Id)}</dt>
                <dd>{d.group.id.to_string()}</dd>
                <dt>{i18n.tr(Key::StatusCol)}</dt>
                <dd>
                    {move || view! { <GroupStatusBadge group=current.with(|d| d.group.clone())/> }}
                    {move || {
                        current
                            .with(|d| d.muted_all)
                            .then(|| view! { " " <span class="muted">{i18n.tr(Key::OwnerMutedAll)}</span> })
                    }}
                </dd>
                <dt>{i18n.tr(Key::RoleOwner)}</dt>
                <dd class="mono">{move || current.with(|d| d.group.owner_name.clone())}</dd>
                <dt>{i18n.tr(Key::GroupMembers)}</dt>
                <dd>{move || current.with(|d| d.group.member_count)}</dd>
                <dt>{i18n.tr(Key::GroupMessageCount)}</dt>
                <dd>{move || current.with(|d| d.message_count)}</dd>
                <dt>{i18n.tr(Key::ListedCol)}</dt>
                <dd>
                    {move || {
                        i18n.t(if current.with(|d| d.group.listed) { Key::YesLabel } else { Key::NoLabel })
                    }}
                </dd>
                <dt>{i18n.tr(Key::GroupCreatedAt)}</dt>
                <dd><LocalTime ms=d.group.created_at/></dd>
                <dt>{i18n.tr(Key::FieldIntroduction)}</dt>
                <dd>{text_or_none(d.introduction.clone())}</dd>
                <dt>{i18n.tr(Key::FieldNotice)}</dt>
                <dd>{text_or_none(d.notice.clone())}</dd>
            </dl>
            <p class="drawer-links">
                <a href=browse>{i18n.tr(Key::BrowseMessages)}</a>
            </p>
            <p class="toast" role="status">{toast}</p>
            {move || error().map(|e| view! { <p class="error-text" role="alert">{e}</p> })}
        </section>
    }
    .into_any();
    view! {
        {header}
        <Members current/>
        <Moderation current op asking/>
        <ConfirmDialog
            ask
            on_confirm=move |_reason: String| {
                if let Some(o) = asking.get_untracked() {
                    asking.set(None);
                    op.dispatch(o);
                }
            }
            on_cancel=move || asking.set(None)
        />
    }
    .into_any()
}

/// The members: nickname, username and role.
#[component]
fn Members(current: RwSignal<AdminGroupDetail>) -> AnyView {
    let i18n = use_i18n();
    let rows = move || {
        current
            .with(|d| d.members.clone())
            .into_iter()
            .map(|m| view! { <MemberRow member=m/> })
            .collect_view()
    };
    view! {
        <section class="drawer-section" aria-labelledby="members-title">
            <h3 id="members-title">
                {i18n.tr(Key::GroupMembers)} " (" {move || current.with(|d| d.members.len())} ")"
            </h3>
            <table class="data-table compact-table" aria-labelledby="members-title">
                <thead>
                    <tr>
                        <th scope="col">{i18n.tr(Key::Nickname)}</th>
                        <th scope="col">{i18n.tr(Key::Username)}</th>
                        <th scope="col">{i18n.tr(Key::RoleFilter)}</th>
                        <th scope="col">{i18n.tr(Key::JoinedAt)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
    .into_any()
}

#[component]
fn MemberRow(member: GroupMember) -> impl IntoView {
    let i18n = use_i18n();
    let nickname = if member.group_nickname.is_empty() {
        member.nickname.clone()
    } else {
        format!("{} ({})", member.group_nickname, member.nickname)
    };
    view! {
        <tr>
            <td>{nickname}</td>
            <td class="mono">{member.username}</td>
            <td>{i18n.tr(role_key(member.role))}</td>
            <td class="nowrap"><LocalTime ms=member.joined_at/></td>
        </tr>
    }
}

/// Holds, dissolution and the change of owner; nothing for a dissolved group.
#[component]
fn Moderation(
    current: RwSignal<AdminGroupDetail>,
    op: Action<Op, Result<(Key, AdminGroupDetail), AppError>>,
    asking: RwSignal<Option<Op>>,
) -> AnyView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let busy = move || !hydrated.get() || op.pending().get();
    let dissolved = move || current.with(|d| d.group.dissolved);
    let new_owner: RwSignal<Option<UserId>> = RwSignal::new(None);
    // A transfer done, the chosen member is the owner: nothing is chosen any more.
    Effect::new(move |_| {
        let owner = current.with(|d| d.group.owner_id);
        if new_owner.get_untracked() == Some(owner) {
            new_owner.set(None);
        }
    });
    let status_buttons = move || {
        next_statuses(current.with(|d| d.group.status))
            .into_iter()
            .map(|status| {
                let (label, class) = match status {
                    GroupStatus::Muted => (Key::MuteGroupAction, "btn"),
                    GroupStatus::Disabled => (Key::DisableGroupAction, "btn btn-danger"),
                    GroupStatus::Active => (Key::RestoreGroupAction, "btn btn-primary"),
                };
                view! {
                    <button
                        type="button"
                        class=class
                        disabled=busy
                        on:click=move |_| asking.set(Some(Op::Status(status)))
                    >
                        {i18n.tr(label)}
                    </button>
                }
            })
            .collect_view()
    };
    let candidates = move || {
        current.with(|d| {
            d.members
                .iter()
                .filter(|m| m.user_id != d.group.owner_id)
                .map(|m| (m.user_id, format!("{} (@{})", m.shown_name(), m.username)))
                .collect::<Vec<_>>()
        })
    };
    let transfer = move |_| {
        let Some(to) = new_owner.get_untracked() else {
            return;
        };
        let name = current.with_untracked(|d| {
            d.members
                .iter()
                .find(|m| m.user_id == to)
                .map(|m| m.shown_name().to_owned())
                .unwrap_or_default()
        });
        asking.set(Some(Op::Transfer { to, name }));
    };
    view! {
        <Show when=move || !dissolved()>
            <section class="drawer-section" aria-labelledby="moderation-title">
                <h3 id="moderation-title">{i18n.tr(Key::ModerationHeading)}</h3>
                <div class="button-row">
                    {status_buttons}
                    <button
                        type="button"
                        class="btn btn-danger"
                        disabled=busy
                        on:click=move |_| asking.set(Some(Op::Dissolve))
                    >
                        {i18n.tr(Key::DissolveGroup)}
                    </button>
                </div>
                <div class="field transfer-field">
                    <label for="new-owner">{i18n.tr(Key::NewOwnerLabel)}</label>
                    <select
                        id="new-owner"
                        on:change=move |ev| {
                            new_owner.set(event_target_value(&ev).parse::<i64>().ok().map(UserId));
                        }
                    >
                        <option value="" prop:selected=move || new_owner.get().is_none()>
                            {i18n.tr(Key::ChooseMemberOption)}
                        </option>
                        {move || {
                            candidates()
                                .into_iter()
                                .map(|(id, label)| {
                                    view! {
                                        <option
                                            value=id.to_string()
                                            prop:selected=move || new_owner.get() == Some(id)
                                        >
                                            {label}
                                        </option>
                                    }
                                })
                                .collect_view()
                        }}
                    </select>
                </div>
                <div class="button-row">
                    <button
                        type="button"
                        class="btn"
                        disabled=move || busy() || new_owner.get().is_none()
                        on:click=transfer
                    >
                        {i18n.tr(Key::TransferOwnerAction)}
                    </button>
                </div>
            </section>
        </Show>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_other_hold_is_offered() {
        assert_eq!(
            next_statuses(GroupStatus::Active),
            vec![GroupStatus::Muted, GroupStatus::Disabled]
        );
        assert_eq!(
            next_statuses(GroupStatus::Disabled),
            vec![GroupStatus::Muted, GroupStatus::Active]
        );
    }

    #[test]
    fn confirmations_name_the_new_owner() {
        let op = Op::Transfer {
            to: UserId(5),
            name: "Ann".into(),
        };
        let c = op.confirmation(Lang::En);
        assert_eq!(c.action, "Transfer ownership");
        assert!(c.message.contains("Make Ann the owner"), "{}", c.message);
        let c = Op::Status(GroupStatus::Disabled).confirmation(Lang::Zh);
        assert_eq!(c.action, "停用该群");
        assert!(c.danger);
        assert_eq!(Op::Dissolve.done(), Key::GroupDissolvedToast);
    }
}
