//! One pending request to join a group, with Accept/Decline for its owner or admins.

use leptos::prelude::*;
use shared::AppError;
use shared::api::groups::respond_group_request;
use shared::i18n::Key;
use shared::model::GroupRequest;
use shared::ui::use_i18n;

use crate::components::answer::AnswerButtons;
use crate::components::status::ErrorAlert;
use crate::store::use_store;

/// A list row: who asks, for which group, their note, and the two answers. Once answered the
/// request leaves the store (and so the list); the group refetches through the store.
#[component]
pub fn GroupRequestRow(
    /// The pending request.
    request: GroupRequest,
    /// Show the group's name (in lists spanning several groups).
    #[prop(optional)]
    show_group: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let store = use_store();
    let id = request.id;
    let respond = Action::new(move |accept: &bool| respond_group_request(id, *accept));
    Effect::new(move |_| {
        if let Some(Ok(answered)) = respond.value().get() {
            store.forget_group_request(&answered);
            store.refetch();
        }
    });
    let error: Signal<Option<AppError>> =
        Signal::derive(move || respond.value().get().and_then(Result::err));
    let initial: String = request
        .nickname
        .chars()
        .next()
        .map(String::from)
        .unwrap_or_default();
    let note = request.note.clone();
    let group_name = request.group_name.clone();
    view! {
        <li class="request">
            <span class="avatar small" aria-hidden="true">{initial}</span>
            <div class="request-text">
                <p class="person-name">{request.nickname.clone()}</p>
                <p class="muted request-note">
                    {i18n.tr(Key::RequestToJoinGroup)}
                    {show_group.then(|| format!(" {group_name}"))}
                    {(!note.is_empty()).then(|| format!(" · {note}"))}
                </p>
                <ErrorAlert error/>
            </div>
            <AnswerButtons
                pending=respond.pending()
                on_answer=Callback::new(move |accept| {
                    respond.dispatch(accept);
                })
            />
        </li>
    }
}
