//! `/admin/reports`: the report queue, newest first, of one status (`?status=`; open ones by
//! default, `all` for every status); older reports load below. An open report is dismissed
//! or acted on — the reported message removed, the user responsible muted or banned (a
//! group muted or disabled) — each after a confirmation with a note and, for a mute or a
//! ban, a duration. The reporter hears about it in their "Parley" chat.

use leptos::ev::KeyboardEvent;
use leptos::html::Textarea;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::AppError;
use shared::LocalTime;
use shared::api::reports::{admin_list_reports, admin_resolve_report};
use shared::i18n::{Key, Lang};
use shared::model::{
    REPORT_NOTE_MAX, Report, ReportAction, ReportReason, ReportStatus, ReportTarget,
};
use shared::ui::{use_hydrated, use_i18n};

use crate::components::status::{ErrorPanel, Loading};
use crate::layout::AdminPage;
use crate::pages::groups::{GroupFilters, groups_url};
use crate::pages::messages::{MessageFilters, messages_url};
use crate::pages::user_drawer::DURATIONS;
use crate::pages::users::{UserFilters, users_url};
use crate::routes;
use crate::session::use_session;

/// Reports per page.
pub const PAGE: u32 = 50;

/// Which reports the queue shows (`?status=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    /// Of one status.
    Only(ReportStatus),
    /// Every report.
    All,
}

/// The filter's choices, in the order they are offered, and their labels.
pub const FILTERS: [(StatusFilter, Key); 4] = [
    (
        StatusFilter::Only(ReportStatus::Open),
        Key::ReportStatusOpen,
    ),
    (
        StatusFilter::Only(ReportStatus::Resolved),
        Key::ReportStatusResolved,
    ),
    (
        StatusFilter::Only(ReportStatus::Dismissed),
        Key::ReportStatusDismissed,
    ),
    (StatusFilter::All, Key::ReportStatusAll),
];

impl StatusFilter {
    /// The filter of the URL's `status` parameter: open reports when it is absent or unknown.
    pub fn from_query(value: Option<&str>) -> Self {
        match value.map(str::trim) {
            Some("all") => StatusFilter::All,
            Some(s) => ReportStatus::parse(s)
                .map_or(StatusFilter::Only(ReportStatus::Open), StatusFilter::Only),
            None => StatusFilter::Only(ReportStatus::Open),
        }
    }

    /// What `admin_list_reports` is asked for (`None`: every status).
    pub fn status(self) -> Option<String> {
        match self {
            StatusFilter::Only(s) => Some(s.as_str().to_owned()),
            StatusFilter::All => None,
        }
    }

    /// The queue's URL with this filter.
    pub fn url(self) -> String {
        match self {
            StatusFilter::Only(ReportStatus::Open) => routes::REPORTS.to_owned(),
            StatusFilter::Only(s) => format!("{}?status={}", routes::REPORTS, s.as_str()),
            StatusFilter::All => format!("{}?status=all", routes::REPORTS),
        }
    }
}

/// The label of a reason (the phone's words).
pub fn reason_key(reason: ReportReason) -> Key {
    match reason {
        ReportReason::Spam => Key::ReasonSpam,
        ReportReason::Harassment => Key::ReasonHarassment,
        ReportReason::Fraud => Key::ReasonFraud,
        ReportReason::Sexual => Key::ReasonSexual,
        ReportReason::Illegal => Key::ReasonIllegal,
        ReportReason::Other => Key::ReasonOther,
    }
}

/// The label of what is reported.
pub fn target_key(target: ReportTarget) -> Key {
    match target {
        ReportTarget::Message => Key::ReportTargetMessage,
        ReportTarget::User => Key::ReportTargetUser,
        ReportTarget::Group => Key::ReportTargetGroup,
    }
}

/// A status's badge: its label and class.
pub fn status_badge(status: ReportStatus) -> (Key, &'static str) {
    match status {
        ReportStatus::Open => (Key::ReportStatusOpen, "status status-muted"),
        ReportStatus::Resolved => (Key::ReportStatusResolved, "status status-ok"),
        ReportStatus::Dismissed => (Key::ReportStatusDismissed, "status status-dissolved"),
    }
}

/// The name of an action on a target: a group is muted or disabled rather than banned.
pub fn action_key(action: ReportAction, target: ReportTarget) -> Key {
    match (action, target) {
        (ReportAction::Dismiss, _) => Key::ReportDismissAction,
        (ReportAction::DeleteMessage, _) => Key::ReportDeleteAction,
        (ReportAction::Mute, ReportTarget::Group) => Key::MuteGroupAction,
        (ReportAction::Mute, _) => Key::ReportMuteAction,
        (ReportAction::Ban, ReportTarget::Group) => Key::DisableGroupAction,
        (ReportAction::Ban, _) => Key::ReportBanAction,
    }
}

/// What became of a resolved report, as its outcome column says.
pub fn outcome_key(action: ReportAction, target: ReportTarget) -> Key {
    match (action, target) {
        (ReportAction::Dismiss, _) => Key::ReportStatusDismissed,
        (ReportAction::DeleteMessage, _) => Key::OutcomeMessageRemoved,
        (ReportAction::Mute, ReportTarget::Group) => Key::GroupStatusMuted,
        (ReportAction::Mute, _) => Key::StatusMutedUser,
        (ReportAction::Ban, ReportTarget::Group) => Key::GroupStatusDisabled,
        (ReportAction::Ban, _) => Key::StatusBanned,
    }
}

/// The toast once an action is done.
fn toast_key(action: ReportAction) -> Key {
    match action {
        ReportAction::Dismiss => Key::ReportDismissedToast,
        ReportAction::DeleteMessage => Key::ReportMessageRemovedToast,
        ReportAction::Mute => Key::ReportMutedToast,
        ReportAction::Ban => Key::ReportBannedToast,
    }
}

/// What an administrator may do about `report`: nothing once it is closed; otherwise dismiss
/// it, remove a reported message, and mute or ban whoever is responsible (a group itself).
pub fn actions_for(report: &Report) -> Vec<ReportAction> {
    if report.status != ReportStatus::Open {
        return Vec::new();
    }
    let mut list = vec![ReportAction::Dismiss];
    if report.target_kind == ReportTarget::Message {
        list.push(ReportAction::DeleteMessage);
    }
    if report.target_kind == ReportTarget::Group || report.target_user_id.is_some() {
        list.push(ReportAction::Mute);
        list.push(ReportAction::Ban);
    }
    list
}

/// Whether an action lasts (asks for a duration).
fn timed(action: ReportAction) -> bool {
    matches!(action, ReportAction::Mute | ReportAction::Ban)
}

/// The end of a mute or ban of `duration` ms starting at `now` (a duration of 0: for good,
/// `None`).
pub fn until_from(now: i64, duration: i64) -> Option<i64> {
    (duration > 0).then(|| now.saturating_add(duration))
}

/// The accessible name of a row's button, and the dialog's title: "Dismiss (report 12)".
pub fn row_label(lang: Lang, action: ReportAction, target: ReportTarget, id: i64) -> String {
    lang.t(Key::ReportRowAction)
        .replace("{action}", lang.t(action_key(action, target)))
        .replace("{id}", &id.to_string())
}

/// Who a mute or ban falls on, as the confirmation names them.
fn responsible_name(report: &Report) -> String {
    match report.target_kind {
        ReportTarget::Group => report.summary.clone(),
        _ if !report.target_user_name.is_empty() => report.target_user_name.clone(),
        _ => report.summary.clone(),
    }
}

/// What the confirmation says will happen.
fn confirm_message(lang: Lang, action: ReportAction, report: &Report) -> String {
    let key = match (action, report.target_kind) {
        (ReportAction::Dismiss, _) => Key::ConfirmReportDismiss,
        (ReportAction::DeleteMessage, _) => Key::ConfirmReportDelete,
        (ReportAction::Mute, ReportTarget::Group) => Key::ConfirmReportMuteGroup,
        (ReportAction::Mute, _) => Key::ConfirmReportMuteUser,
        (ReportAction::Ban, ReportTarget::Group) => Key::ConfirmReportBanGroup,
        (ReportAction::Ban, _) => Key::ConfirmReportBanUser,
    };
    lang.t(key).replace("{name}", &responsible_name(report))
}

/// Where the reported thing can be looked at: a message among its sender's messages (its
/// conversation is not part of the report), a group in the groups table; a user is shown by
/// name only.
pub fn target_href(report: &Report) -> Option<String> {
    match report.target_kind {
        ReportTarget::Message => report.target_user_id.map(|user| {
            messages_url(&MessageFilters {
                user: Some(user),
                ..MessageFilters::default()
            })
        }),
        ReportTarget::Group => Some(groups_url(
            &GroupFilters {
                q: Some(report.summary.clone()),
                status: None,
            },
            1,
        )),
        ReportTarget::User => None,
    }
}

/// A user in the users table, found by username.
fn user_href(username: &str) -> String {
    users_url(
        &UserFilters {
            q: Some(username.to_owned()),
            ..UserFilters::default()
        },
        1,
    )
}

/// The queue page (behind the admin gate).
#[component]
pub fn ReportsPage() -> AnyView {
    let session = use_session();
    let query = use_query_map();
    let filter = Memo::new(move |_| StatusFilter::from_query(query.read().get_str("status")));
    // Created above the session gate's `<Suspense>` (see `OverviewPage`).
    let first = Resource::new(
        move || filter.get(),
        move |f| async move {
            session.require_admin().await?;
            admin_list_reports(f.status(), None, Some(PAGE)).await
        },
    );
    view! {
        <AdminPage title=Key::AdminReports>
            <Reports first filter/>
        </AdminPage>
    }
    .into_any()
}

#[component]
fn Reports(first: Resource<Result<Vec<Report>, AppError>>, filter: Memo<StatusFilter>) -> AnyView {
    let table = move || {
        Suspend::new(async move {
            match first.await {
                Ok(list) => view! { <ReportsTable list filter=filter.get_untracked()/> }.into_any(),
                Err(error) => {
                    view! { <ErrorPanel error on_retry=move || first.refetch()/> }.into_any()
                }
            }
        })
    };
    view! {
        <div class="toolbar toolbar-split">
            <StatusTabs filter/>
        </div>
        <Transition fallback=Loading>{table}</Transition>
    }
    .into_any()
}

/// The status filter: a row of links (it works before hydration too).
#[component]
fn StatusTabs(filter: Memo<StatusFilter>) -> AnyView {
    let i18n = use_i18n();
    view! {
        <nav class="segmented" aria-label=i18n.tr(Key::ReportStatusFilter)>
            {FILTERS
                .iter()
                .map(|(value, key)| {
                    let value = *value;
                    let current = move || (filter.get() == value).then_some("page");
                    view! {
                        <a href=value.url() class="segmented-item" aria-current=current>
                            {i18n.tr(*key)}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
    .into_any()
}

/// A report and the action whose confirmation is open.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Resolving {
    report: Report,
    action: ReportAction,
}

/// The confirmation being shown (shared with the rows).
#[derive(Clone, Copy)]
struct Asking(RwSignal<Option<Resolving>>);

/// The rows shown (the first page and every older page loaded), "Load older" and the
/// confirmation.
#[component]
fn ReportsTable(list: Vec<Report>, filter: StatusFilter) -> AnyView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let more = RwSignal::new(list.len() >= PAGE as usize);
    let rows = RwSignal::new(list);
    let older = Action::new(move |before: &i64| {
        let before = *before;
        async move { admin_list_reports(filter.status(), Some(before), Some(PAGE)).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(page)) = older.value().get() {
            more.set(page.len() >= PAGE as usize);
            rows.update(|rows| {
                for r in page {
                    if !rows.iter().any(|row| row.id == r.id) {
                        rows.push(r);
                    }
                }
            });
        }
    });
    let resolve = Action::new(
        move |(id, action, note, until): &(i64, ReportAction, String, Option<i64>)| {
            let (id, action, note, until) = (*id, *action, note.clone(), *until);
            async move {
                admin_resolve_report(id, action.as_str().to_owned(), note, until)
                    .await
                    .map(|report| (action, report))
            }
        },
    );
    Effect::new(move |_| {
        if let Some(Ok((_, updated))) = resolve.value().get() {
            rows.update(|rows| {
                if let Some(row) = rows.iter_mut().find(|r| r.id == updated.id) {
                    *row = updated;
                }
            });
        }
    });
    let asking: RwSignal<Option<Resolving>> = RwSignal::new(None);
    provide_context(Asking(asking));
    let toast = move || {
        resolve
            .value()
            .get()
            .and_then(Result::ok)
            .map(|(action, _)| i18n.t(toast_key(action)))
    };
    let error = move || {
        resolve
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| older.value().get().and_then(Result::err))
            .map(|e| i18n.error(&e))
    };
    let empty = move || rows.with(Vec::is_empty);
    let load_older = move |_| {
        if let Some(last) = rows.with_untracked(|r| r.last().map(|r| r.id)) {
            older.dispatch(last);
        }
    };
    view! {
        <p class="toast" role="status">{toast}</p>
        {move || error().map(|e| view! { <p class="error-text" role="alert">{e}</p> })}
        <Show
            when=move || !empty()
            fallback=move || {
                view! {
                    <p class="empty-state" role="status">
                        {i18n.tr(Key::NoReports)}
                    </p>
                }
            }
        >
            <div class="table-wrap">
                <table class="data-table reports-table" aria-label=i18n.tr(Key::AdminReports)>
                    <thead>
                        <tr>
                            <th scope="col">{i18n.tr(Key::AuditTime)}</th>
                            <th scope="col">{i18n.tr(Key::ReporterCol)}</th>
                            <th scope="col">{i18n.tr(Key::ReportedCol)}</th>
                            <th scope="col">{i18n.tr(Key::ReportReasonCol)}</th>
                            <th scope="col">{i18n.tr(Key::ReportNoteCol)}</th>
                            <th scope="col">{i18n.tr(Key::StatusCol)}</th>
                            <th scope="col">{i18n.tr(Key::ReportOutcomeCol)}</th>
                            <th scope="col">{i18n.tr(Key::ReportActionsCol)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=move || rows.get()
                            key=|r| (r.id, r.status)
                            children=|report| view! { <ReportRow report/> }
                        />
                    </tbody>
                </table>
            </div>
            <div class="pagination">
                <button
                    type="button"
                    class="btn"
                    disabled=move || !hydrated.get() || !more.get() || older.pending().get()
                    on:click=load_older
                >
                    {move || {
                        if more.get() { i18n.t(Key::LoadOlderReports) } else { i18n.t(Key::NoOlderReports) }
                    }}
                </button>
            </div>
        </Show>
        <ResolveDialog
            ask=asking
            on_confirm=move |(note, until): (String, Option<i64>)| {
                if let Some(r) = asking.get_untracked() {
                    asking.set(None);
                    resolve.dispatch((r.report.id, r.action, note, until));
                }
            }
            on_cancel=move || asking.set(None)
        />
    }
    .into_any()
}

/// One report as a table row.
#[component]
fn ReportRow(report: Report) -> AnyView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let asking = use_context::<Asking>();
    let id = report.id;
    let kind = report.target_kind;
    let summary = report.summary.clone();
    let target = match target_href(&report) {
        Some(href) => view! { <a href=href class="report-summary">{summary}</a> }.into_any(),
        None => view! { <span class="report-summary">{summary}</span> }.into_any(),
    };
    let responsible = report.target_user_id.map(|_| {
        let name = report.target_user_name.clone();
        view! {
            <span class="report-responsible">
                <span class="muted">{i18n.tr(Key::ResponsibleUser)}</span>
                <a href=user_href(&name) class="mono">{format!("@{name}")}</a>
            </span>
        }
    });
    let reporter = report.reporter_name.clone();
    let note = if report.note.trim().is_empty() {
        view! { <span class="muted">"—"</span> }.into_any()
    } else {
        view! { <span class="pre-wrap report-note">{report.note.clone()}</span> }.into_any()
    };
    let (status_key, status_class) = status_badge(report.status);
    let outcome = match report.action {
        Some(action) => {
            let by = report.resolved_by_name.clone();
            let when = report.resolved_at;
            let remark = report.resolution_note.clone();
            view! {
                <div class="report-outcome">
                    <strong>{i18n.tr(outcome_key(action, kind))}</strong>
                    {(!by.is_empty()).then(|| view! {
                        <span class="muted">{i18n.tr(Key::OutcomeBy)} {format!(" @{by}")}</span>
                    })}
                    {when.map(|ms| view! { <span class="muted nowrap"><LocalTime ms/></span> })}
                    {(!remark.trim().is_empty()).then(|| view! { <span class="pre-wrap">{remark}</span> })}
                </div>
            }
            .into_any()
        }
        None => view! { <span class="muted">"—"</span> }.into_any(),
    };
    let buttons = actions_for(&report)
        .into_iter()
        .map(|action| {
            let label = move || row_label(i18n.lang.get(), action, kind, id);
            let class = if action == ReportAction::Dismiss {
                "btn btn-small"
            } else {
                "btn btn-small btn-danger"
            };
            let for_dialog = report.clone();
            view! {
                <button
                    type="button"
                    class=class
                    aria-label=label
                    disabled=move || !hydrated.get()
                    on:click=move |_| {
                        if let Some(a) = asking {
                            a.0.set(Some(Resolving { report: for_dialog.clone(), action }));
                        }
                    }
                >
                    {i18n.tr(action_key(action, kind))}
                </button>
            }
        })
        .collect_view();
    view! {
        <tr data-report-id=id.to_string()>
            <td class="nowrap"><LocalTime ms=report.created_at/></td>
            <td>
                <a href=user_href(&reporter) class="mono">{format!("@{reporter}")}</a>
            </td>
            <td class="report-target">
                <span class="kind-badge report-kind">{i18n.tr(target_key(kind))}</span>
                " "
                {target}
                {responsible}
            </td>
            <td class="nowrap">{i18n.tr(reason_key(report.reason))}</td>
            <td>{note}</td>
            <td class="nowrap">
                <span class=status_class data-status=report.status.as_str()>{i18n.tr(status_key)}</span>
            </td>
            <td>{outcome}</td>
            <td>
                <div class="row-actions">{buttons}</div>
            </td>
        </tr>
    }
    .into_any()
}

/// The confirmation of an action, shown while `ask` holds one: what will happen, a duration
/// for a mute or a ban, a note for the audit log, and Cancel / the action. `on_confirm` gets
/// the note and the end of the mute or ban (`None`: for good, or not timed).
#[component]
fn ResolveDialog(
    /// The action to confirm (`None`: the dialog is closed).
    #[prop(into)]
    ask: Signal<Option<Resolving>>,
    /// Runs with the note and the end when the action is confirmed.
    #[prop(into)]
    on_confirm: Callback<(String, Option<i64>)>,
    /// Runs when the dialog is dismissed.
    #[prop(into)]
    on_cancel: Callback<()>,
) -> impl IntoView {
    move || {
        ask.get()
            .map(|resolving| view! { <ResolveBox resolving on_confirm on_cancel/> })
    }
}

#[component]
fn ResolveBox(
    resolving: Resolving,
    on_confirm: Callback<(String, Option<i64>)>,
    on_cancel: Callback<()>,
) -> AnyView {
    let i18n = use_i18n();
    let Resolving { report, action } = resolving;
    let kind = report.target_kind;
    let id = report.id;
    let note = RwSignal::new(String::new());
    // A day unless another length is chosen.
    let duration = RwSignal::new(DURATIONS[1].0);
    let textarea = NodeRef::<Textarea>::new();
    Effect::new(move |_| {
        if let Some(el) = textarea.get() {
            let _ = el.focus();
        }
    });
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            on_cancel.run(());
        }
    };
    let title = move || row_label(i18n.lang.get(), action, kind, id);
    let message = {
        let report = report.clone();
        move || confirm_message(i18n.lang.get(), action, &report)
    };
    let class = if action == ReportAction::Dismiss {
        "btn btn-primary"
    } else {
        "btn btn-danger"
    };
    let chosen = duration.get_untracked();
    let duration_field = timed(action).then(|| {
        view! {
            <div class="field">
                <label for="resolve-duration">{i18n.tr(Key::DurationLabel)}</label>
                <select
                    id="resolve-duration"
                    on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse() {
                            duration.set(v);
                        }
                    }
                >
                    {DURATIONS
                        .iter()
                        .map(|(ms, key)| {
                            view! { <option value=ms.to_string() selected=*ms == chosen>{i18n.tr(*key)}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
        }
    });
    let confirm = move |_| {
        let until = if timed(action) {
            until_from(shared::ui::now_ms(), duration.get_untracked())
        } else {
            None
        };
        on_confirm.run((note.get_untracked().trim().to_owned(), until));
    };
    view! {
        <div class="modal-backdrop" on:click=move |_| on_cancel.run(())></div>
        <div
            class="modal"
            role="alertdialog"
            aria-modal="true"
            aria-labelledby="resolve-title"
            aria-describedby="resolve-message"
            on:keydown=on_keydown
        >
            <h2 id="resolve-title" class="modal-title">{title}</h2>
            <p id="resolve-message" class="modal-message">{message}</p>
            <p class="modal-quote">
                <span class="kind-badge report-kind">{i18n.tr(target_key(kind))}</span>
                " "
                {report.summary.clone()}
            </p>
            {duration_field}
            <div class="field">
                <label for="resolve-note">{i18n.tr(Key::ResolutionNoteLabel)}</label>
                <textarea
                    id="resolve-note"
                    rows="3"
                    maxlength=REPORT_NOTE_MAX.to_string()
                    node_ref=textarea
                    prop:value=move || note.get()
                    on:input=move |ev| note.set(event_target_value(&ev))
                ></textarea>
            </div>
            <div class="modal-actions">
                <button type="button" class="btn" on:click=move |_| on_cancel.run(())>
                    {i18n.tr(Key::Cancel)}
                </button>
                <button type="button" class=class on:click=confirm>
                    {i18n.tr(action_key(action, kind))}
                </button>
            </div>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::ids::UserId;

    fn report(kind: ReportTarget, status: ReportStatus) -> Report {
        Report {
            id: 12,
            reporter_id: UserId(1),
            reporter_name: "ann".into(),
            target_kind: kind,
            target_id: 40,
            target_user_id: Some(UserId(2)),
            target_user_name: "bob".into(),
            summary: "Buy cheap watches".into(),
            reason: ReportReason::Spam,
            note: String::new(),
            status,
            action: None,
            resolution_note: String::new(),
            resolved_by_name: String::new(),
            resolved_at: None,
            created_at: 0,
        }
    }

    #[test]
    fn the_filter_follows_the_url() {
        let open = StatusFilter::Only(ReportStatus::Open);
        assert_eq!(StatusFilter::from_query(None), open);
        assert_eq!(StatusFilter::from_query(Some("bogus")), open);
        assert_eq!(StatusFilter::from_query(Some("all")), StatusFilter::All);
        assert_eq!(
            StatusFilter::from_query(Some("dismissed")),
            StatusFilter::Only(ReportStatus::Dismissed)
        );
        assert_eq!(open.url(), "/admin/reports");
        assert_eq!(StatusFilter::All.url(), "/admin/reports?status=all");
        assert_eq!(
            StatusFilter::Only(ReportStatus::Resolved).url(),
            "/admin/reports?status=resolved"
        );
        assert_eq!(StatusFilter::All.status(), None);
        assert_eq!(open.status().as_deref(), Some("open"));
        for (filter, _) in FILTERS {
            let url = filter.url();
            let status = url.split_once("status=").map(|(_, s)| s);
            assert_eq!(StatusFilter::from_query(status), filter);
        }
    }

    #[test]
    fn only_open_reports_offer_actions_that_fit_the_target() {
        use ReportAction::*;
        let message = report(ReportTarget::Message, ReportStatus::Open);
        assert_eq!(
            actions_for(&message),
            vec![Dismiss, DeleteMessage, Mute, Ban]
        );
        let user = report(ReportTarget::User, ReportStatus::Open);
        assert_eq!(actions_for(&user), vec![Dismiss, Mute, Ban]);
        let mut group = report(ReportTarget::Group, ReportStatus::Open);
        group.target_user_id = None;
        assert_eq!(actions_for(&group), vec![Dismiss, Mute, Ban]);
        let closed = report(ReportTarget::Message, ReportStatus::Resolved);
        assert!(actions_for(&closed).is_empty());
    }

    #[test]
    fn durations_end_after_now_or_never() {
        assert_eq!(until_from(1_000, 3_600_000), Some(3_601_000));
        assert_eq!(until_from(1_000, 0), None);
        assert_eq!(until_from(i64::MAX - 1, 10), Some(i64::MAX));
        // Every offered duration: the permanent one has no end.
        let ends: Vec<_> = DURATIONS.iter().map(|(ms, _)| until_from(0, *ms)).collect();
        assert_eq!(
            ends,
            vec![
                Some(3_600_000),
                Some(86_400_000),
                Some(604_800_000),
                Some(2_592_000_000),
                None
            ]
        );
    }

    #[test]
    fn labels_name_the_report_and_fit_the_target() {
        assert_eq!(
            row_label(Lang::En, ReportAction::Dismiss, ReportTarget::User, 12),
            "Dismiss (report 12)"
        );
        assert_eq!(
            row_label(Lang::En, ReportAction::Ban, ReportTarget::Group, 3),
            "Disable group (report 3)"
        );
        assert_eq!(
            row_label(
                Lang::Zh,
                ReportAction::DeleteMessage,
                ReportTarget::Message,
                7
            ),
            "删除消息（投诉 7）"
        );
        let message = report(ReportTarget::Message, ReportStatus::Open);
        assert_eq!(
            confirm_message(Lang::En, ReportAction::Mute, &message),
            "Mute bob: they cannot post until it ends."
        );
        let group = report(ReportTarget::Group, ReportStatus::Open);
        assert!(confirm_message(Lang::En, ReportAction::Ban, &group).contains("Buy cheap watches"));
        assert_eq!(
            outcome_key(ReportAction::Ban, ReportTarget::Group),
            Key::GroupStatusDisabled
        );
    }

    #[test]
    fn targets_link_where_they_can_be_seen() {
        let message = report(ReportTarget::Message, ReportStatus::Open);
        assert_eq!(
            target_href(&message).as_deref(),
            Some("/admin/messages?user=2")
        );
        let mut group = report(ReportTarget::Group, ReportStatus::Open);
        group.summary = "Night owls".into();
        assert_eq!(
            target_href(&group).as_deref(),
            Some("/admin/groups?q=Night%20owls")
        );
        assert_eq!(
            target_href(&report(ReportTarget::User, ReportStatus::Open)),
            None
        );
        assert_eq!(user_href("bob"), "/admin/users?q=bob");
    }
}
