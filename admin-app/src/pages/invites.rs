//! `/admin/invites`: the invite codes registration by invitation needs. A form creates one
//! (a note, how many accounts it may make, how long it lasts); the table lists them newest
//! first, of one status (`?status=`; usable ones by default, `all` for every status), with the
//! sign-up link to copy, its uses and who signed up with it; a usable code can be revoked
//! after a confirmation. Older codes load below.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::AppError;
use shared::LocalTime;
use shared::api::invites::{
    admin_create_invite_code, admin_list_invite_codes, admin_revoke_invite_code,
};
use shared::i18n::{Key, Lang};
use shared::model::{INVITE_CODE_MAX_USES, INVITE_NOTE_MAX, InviteCode, InviteStatus};
use shared::ui::{use_hydrated, use_i18n};

use crate::components::confirm::{ConfirmDialog, Confirmation};
use crate::components::status::{ErrorPanel, Loading};
use crate::layout::AdminPage;
use crate::pages::users::{UserFilters, users_url};
use crate::routes;
use crate::session::use_session;

/// Codes per page.
pub const PAGE: u32 = 50;

/// How long a new code may last, in hours (`None`: until revoked), with its label.
pub const VALIDITY: [(Option<u32>, Key); 4] = [
    (Some(24), Key::DurationDay),
    (Some(7 * 24), Key::DurationWeek),
    (Some(30 * 24), Key::DurationMonth),
    (None, Key::DurationForever),
];

/// Which codes the table shows (`?status=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteFilter {
    /// Of one status.
    Only(InviteStatus),
    /// Every code.
    All,
}

/// The filter's choices, in the order they are offered, and their labels.
pub const FILTERS: [(InviteFilter, Key); 5] = [
    (
        InviteFilter::Only(InviteStatus::Active),
        Key::InviteStatusActive,
    ),
    (
        InviteFilter::Only(InviteStatus::UsedUp),
        Key::InviteStatusUsedUp,
    ),
    (
        InviteFilter::Only(InviteStatus::Expired),
        Key::InviteStatusExpired,
    ),
    (
        InviteFilter::Only(InviteStatus::Revoked),
        Key::InviteStatusRevoked,
    ),
    (InviteFilter::All, Key::ReportStatusAll),
];

impl InviteFilter {
    /// The filter of the URL's `status` parameter: usable codes when it is absent or unknown.
    pub fn from_query(value: Option<&str>) -> Self {
        match value.map(str::trim) {
            Some("all") => InviteFilter::All,
            Some(s) => InviteStatus::parse(s)
                .map_or(InviteFilter::Only(InviteStatus::Active), InviteFilter::Only),
            None => InviteFilter::Only(InviteStatus::Active),
        }
    }

    /// What `admin_list_invite_codes` is asked for (`None`: every status).
    pub fn status(self) -> Option<String> {
        match self {
            InviteFilter::Only(s) => Some(s.as_str().to_owned()),
            InviteFilter::All => None,
        }
    }

    /// The page's URL with this filter.
    pub fn url(self) -> String {
        match self {
            InviteFilter::Only(InviteStatus::Active) => routes::INVITES.to_owned(),
            InviteFilter::Only(s) => format!("{}?status={}", routes::INVITES, s.as_str()),
            InviteFilter::All => format!("{}?status=all", routes::INVITES),
        }
    }

    /// Whether a code of `status` belongs in the table.
    fn shows(self, status: InviteStatus) -> bool {
        match self {
            InviteFilter::Only(s) => s == status,
            InviteFilter::All => true,
        }
    }
}

/// A status's badge: its label and class.
pub fn status_badge(status: InviteStatus) -> (Key, &'static str) {
    match status {
        InviteStatus::Active => (Key::InviteStatusActive, "status status-ok"),
        InviteStatus::UsedUp => (Key::InviteStatusUsedUp, "status status-dissolved"),
        InviteStatus::Expired => (Key::InviteStatusExpired, "status status-muted"),
        InviteStatus::Revoked => (Key::InviteStatusRevoked, "status status-banned"),
    }
}

/// Uses so far out of the limit: "2 / 5", or "2 / ∞" without one.
pub fn uses_text(code: &InviteCode) -> String {
    match code.max_uses {
        Some(max) => format!("{} / {max}", code.uses),
        None => format!("{} / ∞", code.uses),
    }
}

/// The accessible name of a row's revoke button, and the dialog's title: "Revoke code Ab3…".
pub fn revoke_label(lang: Lang, code: &str) -> String {
    lang.t(Key::RevokeInviteCodeNamed).replace("{code}", code)
}

/// The limit typed in the form: blank is no limit; otherwise 1–10,000.
pub fn parse_max_uses(raw: &str) -> Result<Option<u32>, ()> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    match raw.parse::<u32>() {
        Ok(n) if (1..=INVITE_CODE_MAX_USES).contains(&n) => Ok(Some(n)),
        _ => Err(()),
    }
}

/// Puts `text` on the clipboard (where the browser allows it).
#[cfg(feature = "hydrate")]
fn copy_to_clipboard(text: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}

/// Puts `text` on the clipboard (nothing outside a browser).
#[cfg(not(feature = "hydrate"))]
fn copy_to_clipboard(_text: &str) {}

/// The invite codes page (behind the admin gate).
#[component]
pub fn InvitesPage() -> AnyView {
    let session = use_session();
    let query = use_query_map();
    let filter = Memo::new(move |_| InviteFilter::from_query(query.read().get_str("status")));
    // Created above the session gate's `<Suspense>` (see `OverviewPage`).
    let first = Resource::new(
        move || filter.get(),
        move |f| async move {
            session.require_admin().await?;
            admin_list_invite_codes(f.status(), None, Some(PAGE)).await
        },
    );
    view! {
        <AdminPage title=Key::InviteCodes>
            <Invites first filter/>
        </AdminPage>
    }
    .into_any()
}

#[component]
fn Invites(
    first: Resource<Result<Vec<InviteCode>, AppError>>,
    filter: Memo<InviteFilter>,
) -> AnyView {
    let table = move || {
        Suspend::new(async move {
            match first.await {
                Ok(list) => view! { <InvitesTable list filter=filter.get_untracked()/> }.into_any(),
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
fn StatusTabs(filter: Memo<InviteFilter>) -> AnyView {
    let i18n = use_i18n();
    view! {
        <nav class="segmented" aria-label=i18n.tr(Key::InviteStatusFilter)>
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

/// The code whose revocation is being confirmed (shared with the rows).
#[derive(Clone, Copy)]
struct Revoking(RwSignal<Option<InviteCode>>);

/// The form, the rows shown (the first page and every older page loaded), "Load older" and
/// the confirmation.
#[component]
fn InvitesTable(list: Vec<InviteCode>, filter: InviteFilter) -> AnyView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let more = RwSignal::new(list.len() >= PAGE as usize);
    let rows = RwSignal::new(list);
    let older = Action::new(move |before: &i64| {
        let before = *before;
        async move { admin_list_invite_codes(filter.status(), Some(before), Some(PAGE)).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(page)) = older.value().get() {
            more.set(page.len() >= PAGE as usize);
            rows.update(|rows| {
                for c in page {
                    if !rows.iter().any(|row| row.id == c.id) {
                        rows.push(c);
                    }
                }
            });
        }
    });
    let created: RwSignal<Option<InviteCode>> = RwSignal::new(None);
    let revoke = Action::new(move |id: &i64| admin_revoke_invite_code(*id));
    Effect::new(move |_| {
        if let Some(Ok(updated)) = revoke.value().get() {
            rows.update(|rows| {
                if filter.shows(updated.status) {
                    if let Some(row) = rows.iter_mut().find(|r| r.id == updated.id) {
                        *row = updated;
                    }
                } else {
                    rows.retain(|r| r.id != updated.id);
                }
            });
        }
    });
    let on_created = Callback::new(move |code: InviteCode| {
        if filter.shows(code.status) {
            rows.update(|rows| rows.insert(0, code.clone()));
        }
        created.set(Some(code));
    });
    let revoking: RwSignal<Option<InviteCode>> = RwSignal::new(None);
    provide_context(Revoking(revoking));
    let ask = Signal::derive(move || {
        revoking.get().map(|code| {
            let lang = i18n.lang.get();
            Confirmation {
                title: revoke_label(lang, &code.code),
                message: lang.t(Key::ConfirmRevokeInviteCode).to_owned(),
                action: lang.t(Key::RevokeInviteCode).to_owned(),
                danger: true,
                reason: None,
            }
        })
    });
    let toast = move || {
        revoke
            .value()
            .get()
            .and_then(Result::ok)
            .map(|_| i18n.t(Key::InviteCodeRevokedToast))
    };
    let error = move || {
        revoke
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
        <NewCodeForm on_created/>
        {move || created.get().map(|code| view! { <CreatedCode code/> })}
        <p class="toast" role="status">{toast}</p>
        {move || error().map(|e| view! { <p class="error-text" role="alert">{e}</p> })}
        <Show
            when=move || !empty()
            fallback=move || {
                view! {
                    <p class="empty-state" role="status">
                        {i18n.tr(Key::NoInviteCodes)}
                    </p>
                }
            }
        >
            <div class="table-wrap">
                <table class="data-table invites-table" aria-label=i18n.tr(Key::InviteCodes)>
                    <thead>
                        <tr>
                            <th scope="col">{i18n.tr(Key::InviteCodeCol)}</th>
                            <th scope="col">{i18n.tr(Key::InviteNoteCol)}</th>
                            <th scope="col">{i18n.tr(Key::InviteUsesCol)}</th>
                            <th scope="col">{i18n.tr(Key::InviteExpiresCol)}</th>
                            <th scope="col">{i18n.tr(Key::StatusCol)}</th>
                            <th scope="col">{i18n.tr(Key::InviteCreatedCol)}</th>
                            <th scope="col">{i18n.tr(Key::InviteUsedByCol)}</th>
                            <th scope="col">{i18n.tr(Key::ReportActionsCol)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=move || rows.get()
                            key=|c| (c.id, c.status, c.uses)
                            children=|code| view! { <InviteRow code/> }
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
                        if more.get() { i18n.t(Key::LoadOlderInviteCodes) } else { i18n.t(Key::NoOlderInviteCodes) }
                    }}
                </button>
            </div>
        </Show>
        <ConfirmDialog
            ask
            on_confirm=move |_reason: String| {
                if let Some(code) = revoking.get_untracked() {
                    revoking.set(None);
                    revoke.dispatch(code.id);
                }
            }
            on_cancel=move || revoking.set(None)
        />
    }
    .into_any()
}

/// "New invite code": a note, the most accounts it may make (blank: no limit) and how long it
/// lasts.
#[component]
fn NewCodeForm(on_created: Callback<InviteCode>) -> AnyView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let note = RwSignal::new(String::new());
    let max_uses = RwSignal::new(String::new());
    // A week unless another length is chosen.
    let validity = RwSignal::new(1_usize);
    let local_error = RwSignal::new(None::<String>);
    let create = Action::new(
        move |(note, max, hours): &(String, Option<u32>, Option<u32>)| {
            let (note, max, hours) = (note.clone(), *max, *hours);
            async move { admin_create_invite_code(note, max, hours).await }
        },
    );
    Effect::new(move |_| {
        if let Some(Ok(code)) = create.value().get() {
            note.set(String::new());
            max_uses.set(String::new());
            on_created.run(code);
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match parse_max_uses(&max_uses.get_untracked()) {
            Err(()) => local_error.set(Some(i18n.t(Key::InviteMaxUsesInvalid).to_owned())),
            Ok(max) => {
                local_error.set(None);
                let hours = VALIDITY
                    .get(validity.get_untracked())
                    .and_then(|(hours, _)| *hours);
                create.dispatch((note.get_untracked().trim().to_owned(), max, hours));
            }
        }
    };
    let error = move || {
        local_error.get().or_else(|| {
            create
                .value()
                .get()
                .and_then(Result::err)
                .map(|e: AppError| i18n.error(&e))
        })
    };
    view! {
        <form class="card-form invite-form" aria-label=i18n.tr(Key::NewInviteCode) on:submit=submit>
            <h2 class="card-title">{i18n.tr(Key::NewInviteCode)}</h2>
            <div class="form-row">
                <label class="field">
                    <span>{i18n.tr(Key::InviteNoteLabel)}</span>
                    <input
                        type="text"
                        name="note"
                        maxlength=INVITE_NOTE_MAX.to_string()
                        placeholder=move || i18n.t(Key::InviteNotePlaceholder)
                        prop:value=move || note.get()
                        on:input=move |ev| note.set(event_target_value(&ev))
                    />
                </label>
                <label class="field">
                    <span>{i18n.tr(Key::InviteMaxUsesLabel)}</span>
                    <input
                        type="number"
                        name="max_uses"
                        min="1"
                        max=INVITE_CODE_MAX_USES.to_string()
                        placeholder=move || i18n.t(Key::InviteNoLimit)
                        prop:value=move || max_uses.get()
                        on:input=move |ev| max_uses.set(event_target_value(&ev))
                    />
                </label>
                <label class="field">
                    <span>{i18n.tr(Key::InviteValidityLabel)}</span>
                    <select
                        name="validity"
                        on:change=move |ev| {
                            if let Ok(i) = event_target_value(&ev).parse() {
                                validity.set(i);
                            }
                        }
                    >
                        {VALIDITY
                            .iter()
                            .enumerate()
                            .map(|(i, (_, key))| {
                                view! {
                                    <option value=i.to_string() selected=move || validity.get() == i>
                                        {i18n.tr(*key)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
            </div>
            {move || error().map(|e| view! { <p class="error-text" role="alert">{e}</p> })}
            <div class="form-actions">
                <button
                    type="submit"
                    class="btn btn-primary"
                    disabled=move || !hydrated.get() || create.pending().get()
                >
                    {i18n.tr(Key::CreateInviteCode)}
                </button>
            </div>
        </form>
    }
    .into_any()
}

/// The code just created: its link to copy and hand out.
#[component]
fn CreatedCode(code: InviteCode) -> AnyView {
    let i18n = use_i18n();
    let copied = RwSignal::new(false);
    let url = code.url.clone();
    view! {
        <div class="notice-card created-invite" role="status" data-testid="created-invite">
            <p>
                {i18n.tr(Key::InviteCodeCreated)} " "
                <strong class="mono" data-testid="created-invite-code">{code.code.clone()}</strong>
            </p>
            <div class="copy-row">
                <input
                    type="text"
                    readonly
                    class="mono"
                    aria-label=i18n.tr(Key::InviteLinkLabel)
                    value=code.url.clone()
                />
                <button
                    type="button"
                    class="btn"
                    on:click=move |_| {
                        copy_to_clipboard(&url);
                        copied.set(true);
                    }
                >
                    {move || if copied.get() { i18n.t(Key::Copied) } else { i18n.t(Key::CopyLink) }}
                </button>
            </div>
        </div>
    }
    .into_any()
}

/// One code as a table row.
#[component]
fn InviteRow(code: InviteCode) -> AnyView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let revoking = use_context::<Revoking>();
    let (status_key, status_class) = status_badge(code.status);
    let note = if code.note.trim().is_empty() {
        view! { <span class="muted">"—"</span> }.into_any()
    } else {
        view! { <span class="pre-wrap">{code.note.clone()}</span> }.into_any()
    };
    let expires = match code.expires_at {
        Some(ms) => view! { <LocalTime ms/> }.into_any(),
        None => view! { <span class="muted">{i18n.tr(Key::InviteNeverExpires)}</span> }.into_any(),
    };
    let used_by = if code.used_by.is_empty() {
        view! { <span class="muted">"—"</span> }.into_any()
    } else {
        code.used_by
            .iter()
            .map(|u| {
                let href = users_url(
                    &UserFilters {
                        q: Some(u.username.clone()),
                        ..UserFilters::default()
                    },
                    1,
                );
                view! { <a href=href class="mono used-by">{format!("@{}", u.username)}</a> " " }
            })
            .collect_view()
            .into_any()
    };
    let creator = (!code.created_by_name.is_empty()).then(|| format!("@{}", code.created_by_name));
    let url = code.url.clone();
    let copy_label = {
        let c = code.code.clone();
        move || format!("{} {c}", i18n.t(Key::CopyLink))
    };
    let revoke = (code.status == InviteStatus::Active).then(|| {
        let label = {
            let c = code.code.clone();
            move || revoke_label(i18n.lang.get(), &c)
        };
        let for_dialog = code.clone();
        view! {
            <button
                type="button"
                class="btn btn-small btn-danger"
                aria-label=label
                disabled=move || !hydrated.get()
                on:click=move |_| {
                    if let Some(r) = revoking {
                        r.0.set(Some(for_dialog.clone()));
                    }
                }
            >
                {i18n.tr(Key::RevokeInviteCode)}
            </button>
        }
    });
    view! {
        <tr data-invite-id=code.id.to_string()>
            <td class="nowrap">
                <span class="mono invite-code">{code.code.clone()}</span>
            </td>
            <td>{note}</td>
            <td class="nowrap">{uses_text(&code)}</td>
            <td class="nowrap">{expires}</td>
            <td class="nowrap">
                <span class=status_class data-status=code.status.as_str()>{i18n.tr(status_key)}</span>
            </td>
            <td class="nowrap">
                <LocalTime ms=code.created_at/>
                {creator.map(|c| view! { <span class="muted">" " {c}</span> })}
            </td>
            <td>{used_by}</td>
            <td>
                <div class="row-actions">
                    <button
                        type="button"
                        class="btn btn-small"
                        aria-label=copy_label
                        disabled=move || !hydrated.get()
                        on:click=move |_| copy_to_clipboard(&url)
                    >
                        {i18n.tr(Key::CopyLink)}
                    </button>
                    {revoke}
                </div>
            </td>
        </tr>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(max_uses: Option<u32>, uses: u32) -> InviteCode {
        InviteCode {
            id: 3,
            code: "Ab3dEf6hIj9k".into(),
            url: "http://x/signup?invite=Ab3dEf6hIj9k".into(),
            note: String::new(),
            max_uses,
            uses,
            expires_at: None,
            revoked_at: None,
            status: InviteStatus::Active,
            created_by: None,
            created_by_name: String::new(),
            created_at: 0,
            used_by: Vec::new(),
        }
    }

    #[test]
    fn the_filter_follows_the_url() {
        let active = InviteFilter::Only(InviteStatus::Active);
        assert_eq!(InviteFilter::from_query(None), active);
        assert_eq!(InviteFilter::from_query(Some("bogus")), active);
        assert_eq!(InviteFilter::from_query(Some("all")), InviteFilter::All);
        assert_eq!(active.url(), "/admin/invites");
        assert_eq!(InviteFilter::All.status(), None);
        for (filter, _) in FILTERS {
            let url = filter.url();
            let status = url.split_once("status=").map(|(_, s)| s);
            assert_eq!(InviteFilter::from_query(status), filter);
        }
        assert!(InviteFilter::All.shows(InviteStatus::Revoked));
        assert!(!active.shows(InviteStatus::Revoked));
    }

    #[test]
    fn uses_show_against_the_limit() {
        assert_eq!(uses_text(&code(Some(5), 2)), "2 / 5");
        assert_eq!(uses_text(&code(None, 7)), "7 / ∞");
    }

    #[test]
    fn the_typed_limit_is_checked_as_the_server_does() {
        assert_eq!(parse_max_uses(""), Ok(None));
        assert_eq!(parse_max_uses(" 5 "), Ok(Some(5)));
        assert_eq!(parse_max_uses("10000"), Ok(Some(10_000)));
        assert_eq!(parse_max_uses("0"), Err(()));
        assert_eq!(parse_max_uses("10001"), Err(()));
        assert_eq!(parse_max_uses("-1"), Err(()));
        assert_eq!(parse_max_uses("many"), Err(()));
    }

    #[test]
    fn labels_name_the_code() {
        assert_eq!(
            revoke_label(Lang::En, "Ab3dEf6hIj9k"),
            "Revoke code Ab3dEf6hIj9k"
        );
        assert_eq!(revoke_label(Lang::Zh, "Ab3"), "撤销邀请码 Ab3");
    }
}
