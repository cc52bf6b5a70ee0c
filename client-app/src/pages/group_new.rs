//! `/group/new`: name a group and choose friends to start it with.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::api::contacts::list_friends;
use shared::api::groups::create_group;
use shared::i18n::Key;
use shared::ids::UserId;
use shared::ui::{use_hydrated, use_i18n};

use crate::components::status::{ErrorAlert, ErrorPanel, LoadingPanel};
use crate::store::use_store;

/// The new-group form.
#[component]
pub fn NewGroupPage() -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let store = use_store();
    let navigate = use_navigate();
    let friends = Resource::new(|| (), |_| list_friends());
    let name = RwSignal::new(String::new());
    let chosen: RwSignal<Vec<UserId>> = RwSignal::new(Vec::new());
    let create = Action::new(|(name, members): &(String, Vec<UserId>)| {
        create_group(name.clone(), None, members.clone())
    });
    Effect::new(move |_| {
        if let Some(Ok(info)) = create.value().get() {
            store.refetch();
            navigate(
                &format!("/chat/{}", info.conversation_id),
                Default::default(),
            );
        }
    });
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    view! {
        <header class="page-header">
            <h1>{i18n.tr(Key::NewGroupChat)}</h1>
        </header>
        <form
            class="card-form"
            on:submit=move |ev| {
                ev.prevent_default();
                create.dispatch((name.get_untracked(), chosen.get_untracked()));
            }
        >
            <label for="group-name">{i18n.tr(Key::GroupName)}</label>
            <input id="group-name" maxlength="32" required bind:value=name/>
            <fieldset class="member-choice">
                <legend>{i18n.tr(Key::ChooseMembers)}</legend>
                <Transition fallback=|| view! { <LoadingPanel/> }>
                    {move || Suspend::new(async move {
                        match friends.await {
                            Ok(list) => {
                                list.into_iter()
                                    .map(|f| {
                                        let id = f.user_id;
                                        let input_id = format!("member-{id}");
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
                                    .collect_view()
                                    .into_any()
                            }
                            Err(err) => {
                                view! { <ErrorPanel error=err on_retry=move || friends.refetch()/> }
                                    .into_any()
                            }
                        }
                    })}
                </Transition>
            </fieldset>
            <ErrorAlert error/>
            <button
                type="submit"
                class="button primary block"
                disabled=move || !hydrated.get() || create.pending().get()
            >
                {i18n.tr(Key::CreateGroup)}
            </button>
        </form>
    }
}
