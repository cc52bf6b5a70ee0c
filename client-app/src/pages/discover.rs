//! The Discover tab: "My QR code" (the user's add-friend link), the Parley Assistant (opens the
//! user's chat with the built-in bot that answers questions about Parley) and the public group
//! directory (groups their owners listed), the largest first, each with a request to join.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use shared::api::assistant::open_assistant_chat;
use shared::api::groups::{DIRECTORY_PAGE, list_group_directory};
use shared::i18n::Key;
use shared::model::GroupCard;
use shared::ui::{use_hydrated, use_i18n};

use crate::components::status::{EmptyState, ErrorAlert};
use crate::pages::group_search::GroupResults;
use crate::store::use_store;

/// `/discover`.
#[component]
pub fn DiscoverPage() -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let groups: RwSignal<Vec<GroupCard>> = RwSignal::new(Vec::new());
    let more = RwSignal::new(false);
    let loaded = RwSignal::new(false);
    let error: RwSignal<Option<shared::AppError>> = RwSignal::new(None);
    let load = move || {
        let offset = u32::try_from(groups.with_untracked(Vec::len)).unwrap_or(u32::MAX);
        leptos::task::spawn_local(async move {
            match list_group_directory(Some(offset)).await {
                Ok(page) => {
                    more.try_set(page.len() as u32 >= DIRECTORY_PAGE);
                    groups.try_update(|g| g.extend(page));
                    error.try_set(None);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
            loaded.try_set(true);
        });
    };
    Effect::new(move |_| load());
    view! {
        <header class="page-header">
            <h1>{i18n.tr(Key::TabDiscover)}</h1>
        </header>
        <nav class="cell-group">
            <A href="/me/qr" attr:class="cell">
                <span>{i18n.tr(Key::MyQrCode)}</span>
            </A>
            <AssistantCell/>
        </nav>
        <section aria-label=i18n.tr(Key::GroupDirectory)>
            <h2 class="cell-group-title">{i18n.tr(Key::GroupDirectory)}</h2>
            {move || {
                let list = groups.get();
                if list.is_empty() {
                    loaded
                        .get()
                        .then(|| view! {
                            <EmptyState title=Key::GroupDirectoryEmpty hint=Key::GroupDirectoryHint/>
                        })
                        .into_any()
                } else {
                    view! { <GroupResults list/> }.into_any()
                }
            }}
            <ErrorAlert error=error/>
            <Show when=move || more.get()>
                <button
                    type="button"
                    class="link-button"
                    disabled=move || !hydrated.get()
                    on:click=move |_| load()
                >
                    {i18n.tr(Key::MoreGroups)}
                </button>
            </Show>
        </section>
    }
}

/// "Parley Assistant": opens (or finds) the user's chat with the assistant and goes there.
#[component]
fn AssistantCell() -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let store = use_store();
    let navigate = use_navigate();
    let opening = RwSignal::new(false);
    let error: RwSignal<Option<shared::AppError>> = RwSignal::new(None);
    let open = move |_| {
        opening.set(true);
        error.set(None);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let result = open_assistant_chat().await;
            opening.try_set(false);
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
            class="cell cell-button assistant-cell"
            aria-label=i18n.tr(Key::ParleyAssistant)
            aria-describedby="assistant-cell-hint"
            aria-busy=move || opening.get().then_some("true")
            disabled=move || !hydrated.get() || opening.get()
            on:click=open
        >
            <span>{i18n.tr(Key::ParleyAssistant)}</span>
            <span id="assistant-cell-hint" class="cell-value">
                {i18n.tr(Key::ParleyAssistantHint)}
            </span>
        </button>
        <ErrorAlert error/>
    }
}
