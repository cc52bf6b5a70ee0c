//! What the owner and admins do on a group's page: moderate a member (mute for a while, unmute,
//! remove, make or remove admin, hand over the group), mute everyone, and edit the group's
//! name, introduction and notice. Every change goes through one action whose answer is the
//! group as it now stands.

use leptos::prelude::*;
use shared::AppError;
use shared::api::groups::{
    mute_group_member, remove_group_member, set_group_admin, set_group_muted, transfer_group,
    update_group,
};
use shared::i18n::Key;
use shared::ids::{GroupId, UserId};
use shared::model::{GroupInfo, GroupMember, GroupRole};
use shared::ui::{use_hydrated, use_i18n};

/// One management operation on a group.
#[derive(Debug, Clone, PartialEq)]
pub enum GroupOp {
    /// Mute a member for this many minutes (0 lifts the mute).
    Mute(UserId, u32),
    /// Remove a member.
    Remove(UserId),
    /// Make a member an admin (`true`) or a plain member again.
    SetAdmin(UserId, bool),
    /// Hand the group to a member.
    Transfer(UserId),
    /// Mute or unmute everyone but the owner and admins.
    MuteAll(bool),
    /// List the group in the public directory, or take it out (the owner).
    Listed(bool),
    /// The name the user goes by in this group (empty clears it).
    Nickname(String),
    /// New name, introduction and notice.
    Update {
        /// 1–32 characters.
        name: String,
        /// ≤ 200 characters.
        introduction: String,
        /// ≤ 500 characters.
        notice: String,
    },
}

/// Runs `op` on group `id` through its server function.
pub async fn run_op(id: GroupId, op: GroupOp) -> Result<GroupInfo, AppError> {
    match op {
        GroupOp::Mute(user, minutes) => mute_group_member(id, user, minutes).await,
        GroupOp::Remove(user) => remove_group_member(id, user).await,
        GroupOp::SetAdmin(user, admin) => set_group_admin(id, user, admin).await,
        GroupOp::Transfer(user) => transfer_group(id, user).await,
        GroupOp::MuteAll(muted) => set_group_muted(id, muted).await,
        GroupOp::Listed(listed) => shared::api::groups::set_group_listed(id, listed).await,
        GroupOp::Nickname(name) => shared::api::groups::set_group_nickname(id, name).await,
        GroupOp::Update {
            name,
            introduction,
            notice,
        } => update_group(id, name, introduction, notice).await,
    }
}

/// The action every management control dispatches.
pub type OpAction = Action<GroupOp, Result<GroupInfo, AppError>>;

/// Whether someone with role `me` may mute or remove a member with role `target`: the owner
/// anyone else, admins plain members only.
pub fn can_moderate(me: GroupRole, target: GroupRole) -> bool {
    match me {
        GroupRole::Owner => target != GroupRole::Owner,
        GroupRole::Admin => target == GroupRole::Member,
        GroupRole::Member => false,
    }
}

/// Asks the browser to confirm; `false` outside a browser.
fn confirm(text: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(text).ok())
        .unwrap_or(false)
}

/// The moderation buttons for one member, shown under their row.
#[component]
pub fn MemberActions(
    /// The member acted on.
    member: GroupMember,
    /// The acting user's role.
    my_role: GroupRole,
    /// The group's action.
    op: OpAction,
) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let user = member.user_id;
    let busy = move || !hydrated.get() || op.pending().get();
    let button = move |label: Key, danger: bool, make: fn(UserId) -> Option<GroupOp>| {
        view! {
            <button
                type="button"
                class=if danger { "button small danger" } else { "button small" }
                disabled=busy
                on:click=move |_| {
                    if let Some(o) = make(user) {
                        op.dispatch(o);
                    }
                }
            >
                {i18n.tr(label)}
            </button>
        }
    };
    let owner = my_role == GroupRole::Owner;
    let is_admin = member.role == GroupRole::Admin;
    let muted = member.muted_until.is_some();
    view! {
        <div class="member-actions" role="group" aria-label=i18n.tr(Key::ManageMember)>
            {if muted {
                button(Key::Unmute, false, |u| Some(GroupOp::Mute(u, 0))).into_any()
            } else {
                view! {
                    {button(Key::Mute10Minutes, false, |u| Some(GroupOp::Mute(u, 10)))}
                    {button(Key::Mute1Hour, false, |u| Some(GroupOp::Mute(u, 60)))}
                    {button(Key::Mute1Day, false, |u| Some(GroupOp::Mute(u, 24 * 60)))}
                }
                    .into_any()
            }}
            {owner
                .then(|| {
                    if is_admin {
                        button(Key::RevokeAdmin, false, |u| Some(GroupOp::SetAdmin(u, false)))
                            .into_any()
                    } else {
                        button(Key::MakeAdmin, false, |u| Some(GroupOp::SetAdmin(u, true)))
                            .into_any()
                    }
                })}
            {owner
                .then(|| {
                    let ask = i18n.t(Key::ConfirmTransfer);
                    view! {
                        <button
                            type="button"
                            class="button small"
                            disabled=busy
                            on:click=move |_| {
                                if confirm(ask) {
                                    op.dispatch(GroupOp::Transfer(user));
                                }
                            }
                        >
                            {i18n.tr(Key::TransferOwnership)}
                        </button>
                    }
                })}
            {
                let ask = i18n.t(Key::ConfirmRemoveMember);
                view! {
                    <button
                        type="button"
                        class="button small danger"
                        disabled=busy
                        on:click=move |_| {
                            if confirm(ask) {
                                op.dispatch(GroupOp::Remove(user));
                            }
                        }
                    >
                        {i18n.tr(Key::RemoveMember)}
                    </button>
                }
            }
        </div>
    }
}

/// The "mute everyone" switch.
#[component]
pub fn MuteAllSwitch(
    /// Whether everyone is muted now.
    muted: Signal<bool>,
    /// The group's action.
    op: OpAction,
) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    view! {
        <label class="cell switch-cell">
            <span>{i18n.tr(Key::MuteEveryone)}</span>
            <input
                type="checkbox"
                role="switch"
                prop:checked=move || muted.get()
                disabled=move || !hydrated.get() || op.pending().get()
                on:change=move |ev| {
                    op.dispatch(GroupOp::MuteAll(event_target_checked(&ev)));
                }
            />
        </label>
    }
}

/// The owner's switch listing the group in the public directory.
#[component]
pub fn ListedSwitch(
    /// Whether the group is listed.
    listed: Signal<bool>,
    /// The group's action.
    op: OpAction,
) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    view! {
        <label class="cell switch-cell">
            <span>{i18n.tr(Key::ListInDirectory)}</span>
            <input
                type="checkbox"
                role="switch"
                prop:checked=move || listed.get()
                disabled=move || !hydrated.get() || op.pending().get()
                on:change=move |ev| {
                    op.dispatch(GroupOp::Listed(event_target_checked(&ev)));
                }
            />
        </label>
    }
}

/// The form editing name, introduction and notice; `on_done` closes it.
#[component]
pub fn EditGroupForm(
    /// The group as it stands.
    info: GroupInfo,
    /// The group's action.
    op: OpAction,
    /// Called when the user cancels.
    on_cancel: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let name = RwSignal::new(info.name);
    let introduction = RwSignal::new(info.introduction);
    let notice = RwSignal::new(info.notice);
    view! {
        <form
            class="card-form"
            on:submit=move |ev| {
                ev.prevent_default();
                op.dispatch(GroupOp::Update {
                    name: name.get_untracked(),
                    introduction: introduction.get_untracked(),
                    notice: notice.get_untracked(),
                });
            }
        >
            <label for="group-edit-name">{i18n.tr(Key::GroupName)}</label>
            <input
                id="group-edit-name"
                maxlength="32"
                required
                prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev))
            />
            <label for="group-edit-intro">{i18n.tr(Key::FieldIntroduction)}</label>
            <textarea
                id="group-edit-intro"
                maxlength="200"
                rows="2"
                prop:value=move || introduction.get()
                on:input=move |ev| introduction.set(event_target_value(&ev))
            ></textarea>
            <label for="group-edit-notice">{i18n.tr(Key::FieldNotice)}</label>
            <textarea
                id="group-edit-notice"
                maxlength="500"
                rows="4"
                prop:value=move || notice.get()
                on:input=move |ev| notice.set(event_target_value(&ev))
            ></textarea>
            <div class="form-actions">
                <button type="button" class="button" on:click=move |_| on_cancel()>
                    {i18n.tr(Key::Cancel)}
                </button>
                <button
                    type="submit"
                    class="button primary"
                    disabled=move || !hydrated.get() || op.pending().get()
                >
                    {i18n.tr(Key::Save)}
                </button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_moderates_everyone_else_admins_only_members() {
        use GroupRole::*;
        assert!(can_moderate(Owner, Admin));
        assert!(can_moderate(Owner, Member));
        assert!(!can_moderate(Owner, Owner));
        assert!(can_moderate(Admin, Member));
        assert!(!can_moderate(Admin, Admin));
        assert!(!can_moderate(Admin, Owner));
        assert!(!can_moderate(Member, Member));
    }
}

/// The user's alias in this group: shown as a cell; tapping it opens a one-line form.
#[component]
pub fn GroupNicknameCell(
    /// The alias as it stands (empty: none).
    current: Signal<String>,
    /// The group's action.
    op: OpAction,
) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(String::new());
    // A successful save closes the form.
    Effect::new(move |_| {
        if let Some(Ok(_)) = op.value().get() {
            editing.set(false);
        }
    });
    view! {
        <button
            type="button"
            class="cell cell-button"
            disabled=move || !hydrated.get()
            aria-expanded=move || editing.get().to_string()
            on:click=move |_| {
                draft.set(current.get_untracked());
                editing.update(|e| *e = !*e);
            }
        >
            <span>{i18n.tr(Key::MyGroupNickname)}</span>
            <span class="cell-value">
                {move || {
                    let name = current.get();
                    if name.is_empty() { i18n.t(Key::NotSet).to_owned() } else { name }
                }}
            </span>
        </button>
        <Show when=move || editing.get()>
            <form
                class="card-form"
                on:submit=move |ev| {
                    ev.prevent_default();
                    op.dispatch(GroupOp::Nickname(draft.get_untracked()));
                }
            >
                <label for="group-nickname">{i18n.tr(Key::MyGroupNickname)}</label>
                <input
                    id="group-nickname"
                    maxlength="32"
                    prop:value=move || draft.get()
                    on:input=move |ev| draft.set(event_target_value(&ev))
                />
                <p class="muted">{i18n.tr(Key::GroupNicknameHint)}</p>
                <div class="form-actions">
                    <button type="button" class="button" on:click=move |_| editing.set(false)>
                        {i18n.tr(Key::Cancel)}
                    </button>
                    <button
                        type="submit"
                        class="button primary"
                        disabled=move || !hydrated.get() || op.pending().get()
                    >
                        {i18n.tr(Key::Save)}
                    </button>
                </div>
            </form>
        </Show>
    }
}
