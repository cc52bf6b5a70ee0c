//! Group search results on `/contacts/add`: each group with its size and introduction, and a
//! request to join it (with a note) for groups the user is not in.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::AppError;
use shared::api::groups::request_join_group;
use shared::i18n::Key;
use shared::model::GroupCard;
use shared::ui::{use_hydrated, use_i18n};

use crate::components::avatar::face;
use crate::components::note_form::NoteForm;
use crate::components::status::ErrorAlert;

/// The result list (or "no results").
#[component]
pub fn GroupResults(
    /// What `search_groups` found.
    list: Vec<GroupCard>,
) -> impl IntoView {
    let i18n = use_i18n();
    if list.is_empty() {
        return view! { <p class="panel-status">{i18n.tr(Key::NoResults)}</p> }.into_any();
    }
    view! {
        <ul class="cell-group plain-list" aria-label=i18n.tr(Key::SearchResults)>
            {list.into_iter().map(|card| view! { <GroupResultRow card/> }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn GroupResultRow(card: GroupCard) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let open = RwSignal::new(false);
    let sent = RwSignal::new(false);
    let group_id = card.id;
    let ask = Action::new(move |n: &String| request_join_group(group_id, n.clone()));
    Effect::new(move |_| {
        if let Some(Ok(_)) = ask.value().get() {
            open.set(false);
            sent.set(true);
        }
    });
    let error: Signal<Option<AppError>> =
        Signal::derive(move || ask.value().get().and_then(Result::err));
    let initial: String = card
        .name
        .chars()
        .next()
        .map(String::from)
        .unwrap_or_default();
    let note_id = format!("group-note-{}", card.id);
    let is_member = card.is_member;
    view! {
        <li class="search-result">
            <div class="person">
                <span class="avatar small group-avatar" aria-hidden="true">{face(card.avatar_url.clone(), initial)}</span>
                <div class="person-text">
                    <p class="person-name">{card.name.clone()}</p>
                    <p class="muted">
                        {card.member_count} " " {i18n.tr(Key::MembersUnit)}
                        {(!card.introduction.is_empty()).then(|| format!(" · {}", card.introduction))}
                    </p>
                </div>
                {move || {
                    if is_member {
                        view! {
                            <A href=format!("/group/{group_id}") attr:class="button small">
                                {i18n.tr(Key::JoinedGroup)}
                            </A>
                        }
                            .into_any()
                    } else if sent.get() {
                        view! { <span class="muted relation">{i18n.tr(Key::RelationRequestSent)}</span> }
                            .into_any()
                    } else {
                        view! {
                            <button
                                type="button"
                                class="button small"
                                aria-expanded=move || open.get().to_string()
                                disabled=move || !hydrated.get()
                                on:click=move |_| open.update(|o| *o = !*o)
                            >
                                {i18n.tr(Key::RequestJoin)}
                            </button>
                        }
                            .into_any()
                    }
                }}
            </div>
            <Show when=move || open.get()>
                <NoteForm
                    id=note_id.clone()
                    pending=ask.pending()
                    on_send=Callback::new(move |note| {
                        ask.dispatch(note);
                    })
                />
            </Show>
            <ErrorAlert error/>
        </li>
    }
}
