//! `/group/:id/invite`: the owner or an admin picks friends who are not in the group yet and
//! adds them.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use shared::AppError;
use shared::api::contacts::list_friends;
use shared::api::groups::{get_group, invite_to_group};
use shared::i18n::Key;
use shared::ids::{GroupId, UserId};
use shared::model::Friend;
use shared::ui::{use_hydrated, use_i18n};

use crate::components::status::{ErrorAlert, ErrorPanel, LoadingPanel};
use crate::store::use_store;

/// The invite page for the group in the URL.
#[component]
pub fn GroupInvitePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).map(GroupId))
    });
    // Friends who are not members yet.
    let candidates = Resource::new(
        move || id.get(),
        |id| async move {
            let id = id.ok_or(AppError::NotFound)?;
            let group = get_group(id).await?;
            let friends = list_friends().await?;
            Ok::<_, AppError>(
                friends
                    .into_iter()
                    .filter(|f| !group.members.iter().any(|m| m.user_id == f.user_id))
                    .collect::<Vec<Friend>>(),
            )
        },
    );
    let back = move || {
        id.get()
            .map(|g| format!("/group/{g}"))
            .unwrap_or_else(|| "/contacts".to_owned())
    };
    view! {
        <header class="page-header sub-header">
            <A href=back attr:class="back-link" attr:aria-label=i18n.tr(Key::Back)>
                "‹"
            </A>
            <h1>{i18n.tr(Key::InviteMembers)}</h1>
        </header>
        <Transition fallback=|| view! { <LoadingPanel/> }>
            {move || Suspend::new(async move {
                match (candidates.await, id.get_untracked()) {
                    (Ok(list), Some(group_id)) => view! { <InviteForm group_id list/> }.into_any(),
                    (Err(err), _) => {
                        view! { <ErrorPanel error=err on_retry=move || candidates.refetch()/> }
                            .into_any()
                    }
                    (Ok(_), None) => {
                        view! {
                            <ErrorPanel error=AppError::NotFound on_retry=move || candidates.refetch()/>
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn InviteForm(group_id: GroupId, list: Vec<Friend>) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let store = use_store();
    let navigate = use_navigate();
    let chosen: RwSignal<Vec<UserId>> = RwSignal::new(Vec::new());
    let invite = Action::new(move |ids: &Vec<UserId>| invite_to_group(group_id, ids.clone()));
    Effect::new(move |_| {
        if let Some(Ok(_)) = invite.value().get() {
            store.refetch();
            navigate(&format!("/group/{group_id}"), Default::default());
        }
    });
    let error = Signal::derive(move || invite.value().get().and_then(Result::err));
    if list.is_empty() {
        return view! { <p class="panel-status">{i18n.tr(Key::NoFriendsToInvite)}</p> }.into_any();
    }
    view! {
        <form
            class="card-form"
            on:submit=move |ev| {
                ev.prevent_default();
                invite.dispatch(chosen.get_untracked());
            }
        >
            <fieldset class="member-choice">
                <legend>{i18n.tr(Key::ChooseMembers)}</legend>
                {list
                    .into_iter()
                    .map(|f| {
                        let id = f.user_id;
                        let input_id = format!("invite-{id}");
                        view! {
                            <div class="check-row">
                                <input
                                    type="checkbox"
                                    id=input_id.clone()
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        chosen.update(|c| {
                                            c.retain(|x| *x != id);
                                            if on {
                                                c.push(id);
                                            }
                                        });
                                    }
                                />
                                <label for=input_id>{f.display_name().to_owned()}</label>
                            </div>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <ErrorAlert error/>
            <button
                type="submit"
                class="button primary block"
                disabled=move || {
                    !hydrated.get() || invite.pending().get() || chosen.with(|c| c.is_empty())
                }
            >
                {i18n.tr(Key::Invite)}
            </button>
        </form>
    }
    .into_any()
}
