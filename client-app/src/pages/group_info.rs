//! `/group/:id`: a group's name, introduction, notice and members, with leave (members) and
//! dissolve (owner).

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use shared::api::groups::{dissolve_group, get_group, leave_group};
use shared::i18n::Key;
use shared::ids::GroupId;
use shared::model::{GroupInfo, GroupRole};
use shared::ui::use_i18n;

use crate::components::status::{ErrorAlert, ErrorPanel, LoadingPanel};
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
    view! {
        <header class="page-header">
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

#[component]
fn GroupDetails(info: GroupInfo) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let store = use_store();
    let navigate = use_navigate();
    let me = Signal::derive(move || {
        session
            .me
            .get()
            .and_then(|r| r.ok().flatten())
            .map(|m| m.id)
    });
    let id = info.id;
    let owner = info.owner_id;
    let leave = Action::new(move |_: &()| leave_group(id));
    let dissolve = Action::new(move |_: &()| dissolve_group(id));
    Effect::new(move |_| {
        let left = matches!(leave.value().get(), Some(Ok(())));
        if left || matches!(dissolve.value().get(), Some(Ok(_))) {
            store.refetch();
            if left {
                navigate("/", Default::default());
            }
        }
    });
    let error = Signal::derive(move || {
        leave
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| dissolve.value().get().and_then(Result::err))
    });
    let dissolved = info.dissolved || matches!(dissolve.value().get_untracked(), Some(Ok(_)));
    let members = info.members.clone();
    view! {
        <section class="profile-card">
            <div class="avatar avatar-large" aria-hidden="true">
                {info.name.chars().next().map(String::from).unwrap_or_default()}
            </div>
            <div class="profile-text">
                <h2>{info.name.clone()}</h2>
                <p class="profile-signature">{info.introduction.clone()}</p>
            </div>
        </section>
        {dissolved.then(|| view! { <p class="form-error" role="status">{i18n.tr(Key::GroupDissolved)}</p> })}
        {(!info.notice.is_empty()).then(|| view! {
            <section class="cell-group">
                <h2 class="group-title">{i18n.tr(Key::FieldNotice)}</h2>
                <p class="group-notice">{info.notice.clone()}</p>
            </section>
        })}
        <section class="cell-group" aria-labelledby="members-title">
            <h2 id="members-title" class="group-title">
                {i18n.tr(Key::GroupMembers)} " (" {members.len()} ")"
            </h2>
            <ul class="device-list">
                {members
                    .into_iter()
                    .map(|m| {
                        let role = match m.role {
                            GroupRole::Owner => Some(Key::RoleOwner),
                            GroupRole::Admin => Some(Key::RoleAdmin),
                            GroupRole::Member => None,
                        };
                        view! {
                            <li class="device">
                                <div class="avatar" aria-hidden="true">
                                    {m.nickname.chars().next().map(String::from).unwrap_or_default()}
                                </div>
                                <div class="device-text">
                                    <p class="device-name">{m.nickname.clone()}</p>
                                    <p class="device-meta">{m.username.clone()}</p>
                                </div>
                                {role.map(|k| view! { <span class="badge">{i18n.tr(k)}</span> })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
        <ErrorAlert error/>
        <div class="cell-group">
            {move || {
                let is_owner = me.get() == Some(owner);
                if is_owner && !dissolved {
                    view! {
                        <button
                            type="button"
                            class="button danger block"
                            disabled=move || dissolve.pending().get()
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
                } else if !is_owner || dissolved {
                    view! {
                        <button
                            type="button"
                            class="button danger block"
                            disabled=move || leave.pending().get()
                            on:click=move |_| {
                                leave.dispatch(());
                            }
                        >
                            {i18n.tr(Key::LeaveGroup)}
                        </button>
                    }
                        .into_any()
                } else {
                    ().into_any()
                }
            }}
        </div>
    }
}
