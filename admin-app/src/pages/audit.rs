//! `/admin/audit`: the audit log, newest first, filtered by action, a page of 50 at a time.

use leptos::prelude::*;
use shared::AppError;
use shared::LocalTime;
use shared::api::admin::admin_audit_log;
use shared::i18n::Key;
use shared::model::{AUDIT_PAGE_DEFAULT, AuditEntry};
use shared::ui::{use_hydrated, use_i18n};

use crate::components::status::{ErrorPanel, Loading};
use crate::layout::AdminPage;
use crate::session::use_session;

/// The actions the filter offers (the functions' names without `admin_`).
const ACTIONS: [&str; 11] = [
    "create_user",
    "set_user_roles",
    "ban_user",
    "unban_user",
    "mute_user",
    "unmute_user",
    "reset_password",
    "revoke_sessions",
    "create_role",
    "update_role",
    "delete_role",
];

/// The audit log page (behind the admin gate).
#[component]
pub fn AuditPage() -> AnyView {
    let session = use_session();
    let action: RwSignal<Option<String>> = RwSignal::new(None);
    // Older pages: the id each page starts below (`None`: the newest).
    let before: RwSignal<Option<i64>> = RwSignal::new(None);
    let entries = Resource::new(
        move || (action.get(), before.get()),
        move |(action, before)| async move {
            session.require_admin().await?;
            admin_audit_log(None, action, None, before, Some(AUDIT_PAGE_DEFAULT)).await
        },
    );
    view! {
        <AdminPage title=Key::AuditLog>
            <Filter action before/>
            <Log entries before/>
        </AdminPage>
    }
    .into_any()
}

#[component]
fn Filter(action: RwSignal<Option<String>>, before: RwSignal<Option<i64>>) -> AnyView {
    let i18n = use_i18n();
    view! {
        <div class="search-bar">
            <label for="audit-action">{i18n.tr(Key::AuditAction)}</label>
            <select
                id="audit-action"
                on:change=move |ev| {
                    let value = event_target_value(&ev);
                    before.set(None);
                    action.set((!value.is_empty()).then_some(value));
                }
            >
                <option value="">{i18n.tr(Key::AllActions)}</option>
                {ACTIONS.iter().map(|a| view! { <option value=*a>{*a}</option> }).collect_view()}
            </select>
        </div>
    }
    .into_any()
}

#[component]
fn Log(
    entries: Resource<Result<Vec<AuditEntry>, AppError>>,
    before: RwSignal<Option<i64>>,
) -> AnyView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let table = move || {
        Suspend::new(async move {
            match entries.await {
                Ok(list) if list.is_empty() => view! {
                    <p class="empty-state" role="status">{i18n.tr(Key::NoAuditEntries)}</p>
                }
                .into_any(),
                Ok(list) => {
                    let last = list.last().map(|e| e.id);
                    let full = list.len() as u32 >= AUDIT_PAGE_DEFAULT;
                    view! {
                        <div class="table-wrap">
                            <table class="data-table" aria-label=i18n.tr(Key::AuditLog)>
                                <thead>
                                    <tr>
                                        <th scope="col">{i18n.tr(Key::AuditTime)}</th>
                                        <th scope="col">{i18n.tr(Key::AuditActor)}</th>
                                        <th scope="col">{i18n.tr(Key::AuditAction)}</th>
                                        <th scope="col">{i18n.tr(Key::AuditTarget)}</th>
                                        <th scope="col">{i18n.tr(Key::AuditDetail)}</th>
                                        <th scope="col">{i18n.tr(Key::AuditAddress)}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list.into_iter().map(|entry| view! { <EntryRow entry/> }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <div class="pagination">
                            <button
                                type="button"
                                class="btn"
                                disabled=move || !hydrated.get() || before.get().is_none()
                                on:click=move |_| before.set(None)
                            >
                                {i18n.tr(Key::NewestEntries)}
                            </button>
                            <button
                                type="button"
                                class="btn"
                                disabled=move || !hydrated.get() || !full
                                on:click=move |_| before.set(last)
                            >
                                {i18n.tr(Key::OlderEntries)}
                            </button>
                        </div>
                    }
                    .into_any()
                }
                Err(error) => {
                    view! { <ErrorPanel error on_retry=move || entries.refetch()/> }.into_any()
                }
            }
        })
    };
    view! { <Transition fallback=Loading>{table}</Transition> }.into_any()
}

#[component]
fn EntryRow(entry: AuditEntry) -> AnyView {
    let target = match entry.target_id {
        Some(id) => format!("{} #{id} {}", entry.target_kind, entry.target_name),
        None => format!("{} {}", entry.target_kind, entry.target_name),
    };
    view! {
        <tr>
            <td class="nowrap"><LocalTime ms=entry.created_at/></td>
            <td class="mono">{entry.actor_name}</td>
            <td class="mono">{entry.action}</td>
            <td>{target}</td>
            <td class="mono audit-detail">{entry.detail.to_string()}</td>
            <td class="mono">{entry.address.unwrap_or_default()}</td>
        </tr>
    }
    .into_any()
}
