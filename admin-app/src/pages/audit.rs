//! `/admin/audit`: the audit log, newest first, filtered by action, a page of 50 at a time,
//! exported as CSV with the same filter.

use leptos::prelude::*;
use shared::AppError;
use shared::LocalTime;
use shared::api::admin::admin_audit_log;
use shared::i18n::{Key, Lang};
use shared::model::{AUDIT_PAGE_DEFAULT, AUDIT_PAGE_MAX, AuditEntry};
use shared::ui::{format_time, use_hydrated, use_i18n};

use crate::components::export::{ExportButton, Table, by_before};
use crate::components::status::{ErrorPanel, Loading};
use crate::layout::AdminPage;
use crate::session::use_session;

/// The actions the filter offers (the functions' names without `admin_`).
const ACTIONS: [&str; 15] = [
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
    "set_group_status",
    "dissolve_group",
    "transfer_group",
    "delete_message",
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
    let i18n = use_i18n();
    let export = move || {
        let action = action.get_untracked();
        let lang = i18n.lang.get_untracked();
        async move {
            let list = by_before(
                AUDIT_PAGE_MAX,
                |e: &AuditEntry| e.id,
                |before| {
                    let action = action.clone();
                    async move {
                        admin_audit_log(None, action, None, before, Some(AUDIT_PAGE_MAX)).await
                    }
                },
            )
            .await?;
            Ok(export_table(lang, list))
        }
    };
    view! {
        <AdminPage title=Key::AuditLog>
            <div class="toolbar toolbar-split">
                <Filter action before/>
                <ExportButton what="audit" fetch=export/>
            </div>
            <Log entries before/>
        </AdminPage>
    }
    .into_any()
}

/// The exported entries: header and rows in `lang`.
fn export_table(lang: Lang, list: Vec<AuditEntry>) -> Table {
    let header = [
        Key::Id,
        Key::AuditTime,
        Key::AuditActor,
        Key::AuditAction,
        Key::AuditTarget,
        Key::AuditDetail,
        Key::AuditAddress,
    ]
    .iter()
    .map(|k| lang.t(*k).to_owned())
    .collect();
    let rows = list
        .into_iter()
        .map(|e| {
            vec![
                e.id.to_string(),
                format_time(e.created_at),
                e.actor_name.clone(),
                e.action.clone(),
                target_text(&e),
                e.detail.to_string(),
                e.address.clone().unwrap_or_default(),
            ]
        })
        .collect();
    Table { header, rows }
}

/// What an entry acted on: kind, id and name.
fn target_text(entry: &AuditEntry) -> String {
    match entry.target_id {
        Some(id) => format!("{} #{id} {}", entry.target_kind, entry.target_name),
        None => format!("{} {}", entry.target_kind, entry.target_name),
    }
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
    let target = target_text(&entry);
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
