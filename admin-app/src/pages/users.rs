//! `/admin/users`: the users table with search (`?q=`) and pagination (`?page=`).

use leptos::ev::SubmitEvent;
use leptos::html::Input;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::AppError;
use shared::api::admin::{admin_list_roles, admin_list_users};
use shared::i18n::{Key, Lang};
use shared::ids::UserId;
use shared::model::{AdminUser, Page, RoleInfo};
use shared::ui::{format_time, use_hydrated, use_i18n};
use shared::when::TimeStyle;

use crate::components::badges::{BadgeKind, Badges};
use crate::components::export::{ExportButton, Table, by_offset};
use crate::components::pager::Pager;
use crate::components::status::{ErrorPanel, Loading};
use crate::layout::AdminPage;
use crate::names::{builtin_role_name, role_name};
use crate::pages::user_drawer::UserDrawer;
use crate::routes;
use crate::session::use_session;
use shared::LocalTime;

/// Users per page.
pub const PER_PAGE: u32 = 20;

/// Users per request while exporting.
const EXPORT_PAGE: u32 = 100;

/// The status filter's values (`admin_list_users`' `status`) and their labels.
pub const STATUSES: [(&str, Key); 4] = [
    ("active", Key::StatusNormal),
    ("banned", Key::StatusBanned),
    ("muted", Key::StatusMutedUser),
    ("online", Key::Online),
];

/// The sort orders (`admin_list_users`' `sort`) and their labels; the first is the default.
pub const SORTS: [(&str, Key); 4] = [
    ("newest", Key::SortNewest),
    ("oldest", Key::SortOldest),
    ("username", Key::SortUsername),
    ("last_seen", Key::SortLastSeen),
];

/// What the users table shows, as its URL carries it (`?q=&role=&status=&sort=`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserFilters {
    /// Part of the username or nickname.
    pub q: Option<String>,
    /// A role key.
    pub role: Option<String>,
    /// One of [`STATUSES`].
    pub status: Option<String>,
    /// One of [`SORTS`] but the default.
    pub sort: Option<String>,
}

/// A trimmed, non-empty value.
fn present(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

impl UserFilters {
    /// The filters of a URL's query (`get` reads one parameter). Unknown statuses and sorts,
    /// and the default sort, are left out.
    pub fn from_query<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Self {
        let known = |value: Option<String>, list: &[(&str, Key)]| {
            value.filter(|v| list.iter().any(|(k, _)| k == v))
        };
        UserFilters {
            q: present(get("q")),
            role: present(get("role")),
            status: known(present(get("status")), &STATUSES),
            sort: known(present(get("sort")), &SORTS).filter(|s| s != SORTS[0].0),
        }
    }
}

/// The URL of the users table with `filters` at page `page`.
pub fn users_url(filters: &UserFilters, page: u32) -> String {
    let mut params = Vec::new();
    let fields = [
        ("q", &filters.q),
        ("role", &filters.role),
        ("status", &filters.status),
        ("sort", &filters.sort),
    ];
    for (name, value) in fields {
        if let Some(value) = present(value.as_deref()) {
            params.push(format!("{name}={}", routes::escape(&value)));
        }
    }
    if page > 1 {
        params.push(format!("page={page}"));
    }
    if params.is_empty() {
        routes::USERS.to_owned()
    } else {
        format!("{}?{}", routes::USERS, params.join("&"))
    }
}

/// How many pages `total` items fill (at least one).
pub fn page_count(total: u64, per_page: u32) -> u64 {
    total.div_ceil(u64::from(per_page.max(1))).max(1)
}

/// The users page (behind the admin gate). The table follows the URL's `?q=`, `?role=`,
/// `?status=`, `?sort=` and `?page=`.
#[component]
pub fn UsersPage() -> AnyView {
    let session = use_session();
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        let query = query.read();
        UserFilters::from_query(|name| query.get_str(name))
    });
    let page = Memo::new(move |_| {
        query
            .read()
            .get_str("page")
            .and_then(|p| p.parse::<u32>().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1)
    });
    // Created above the session gate's `<Suspense>` (see `OverviewPage`).
    let users = Resource::new(
        move || (filters.get(), page.get()),
        move |(f, page)| async move {
            session.require_admin().await?;
            admin_list_users(
                f.q,
                f.role,
                f.status,
                f.sort,
                None,
                None,
                Some(page),
                Some(PER_PAGE),
            )
            .await
        },
    );
    // The role filter's options.
    let roles = Resource::new(
        || (),
        move |_| async move {
            session.require_admin().await?;
            admin_list_roles().await
        },
    );
    let selected = SelectedUser(RwSignal::new(None));
    provide_context(selected);
    let drawer = move || {
        selected.0.get().map(|user| {
            view! {
                <UserDrawer
                    user
                    on_changed=move || users.refetch()
                    on_close=move || selected.0.set(None)
                />
            }
        })
    };
    view! {
        <AdminPage title=Key::Users>
            <Users users roles filters/>
            {drawer}
        </AdminPage>
    }
    .into_any()
}

/// The user whose drawer is open.
#[derive(Clone, Copy)]
struct SelectedUser(RwSignal<Option<UserId>>);

/// Filters, export, table and pagination.
#[component]
fn Users(
    users: Resource<Result<Page<AdminUser>, AppError>>,
    roles: Resource<Result<Vec<RoleInfo>, AppError>>,
    filters: Memo<UserFilters>,
) -> AnyView {
    let table = move || {
        Suspend::new(async move {
            match users.await {
                Ok(result) => {
                    view! { <UsersTable result filters=filters.get_untracked()/> }.into_any()
                }
                Err(error) => {
                    view! { <ErrorPanel error on_retry=move || users.refetch()/> }.into_any()
                }
            }
        })
    };
    let i18n = use_i18n();
    let export = move || {
        let f = filters.get_untracked();
        let lang = i18n.lang.get_untracked();
        async move {
            let list = by_offset(EXPORT_PAGE, |offset| {
                let f = f.clone();
                async move {
                    admin_list_users(
                        f.q,
                        f.role,
                        f.status,
                        f.sort,
                        Some(offset),
                        Some(EXPORT_PAGE),
                        None,
                        None,
                    )
                    .await
                }
            })
            .await?;
            Ok(export_table(lang, list))
        }
    };
    view! {
        <div class="toolbar toolbar-split">
            <FilterBar filters roles/>
            <ExportButton what="users" fetch=export/>
        </div>
        <Transition fallback=Loading>{table}</Transition>
    }
    .into_any()
}

/// How a user's standing reads: banned, muted or active.
fn standing_key(user: &AdminUser) -> Key {
    if user.banned_until.is_some() {
        Key::StatusBanned
    } else if user.muted_until.is_some() {
        Key::StatusMutedUser
    } else {
        Key::StatusNormal
    }
}

/// Where an account comes from, translated for the built-in provider.
fn provider_text(lang: Lang, provider: &str) -> String {
    match provider {
        "local" => lang.t(Key::ProviderLocal).to_owned(),
        "github" => "GitHub".to_owned(),
        "oidc" => lang.t(Key::ProviderOidc).to_owned(),
        "" => "—".to_owned(),
        other => other.to_owned(),
    }
}

/// Where the account came from, then the outside accounts linked since (`Local + GitHub`).
pub(crate) fn providers_text(lang: Lang, user: &AdminUser) -> String {
    let mut out = provider_text(lang, &user.provider);
    for linked in user.linked.iter().filter(|l| **l != user.provider) {
        out.push_str(" + ");
        out.push_str(&provider_text(lang, linked));
    }
    out
}

/// The exported users: header and rows in `lang`.
fn export_table(lang: Lang, users: Vec<AdminUser>) -> Table {
    let header = [
        Key::Id,
        Key::Username,
        Key::Nickname,
        Key::Roles,
        Key::StatusCol,
        Key::ProviderLabel,
        Key::Sessions,
        Key::Online,
        Key::LastSeenCol,
        Key::CreatedAt,
    ]
    .iter()
    .map(|k| lang.t(*k).to_owned())
    .collect();
    let rows = users
        .into_iter()
        .map(|u| {
            let roles = u
                .roles
                .iter()
                .map(|r| builtin_role_name(lang, r).map_or_else(|| r.clone(), str::to_owned))
                .collect::<Vec<_>>()
                .join(", ");
            vec![
                u.id.to_string(),
                u.username.clone(),
                u.nickname.clone(),
                roles,
                lang.t(standing_key(&u)).to_owned(),
                providers_text(lang, &u),
                u.session_count.to_string(),
                lang.t(if u.online {
                    Key::YesLabel
                } else {
                    Key::NoLabel
                })
                .to_owned(),
                u.last_seen_at.map(format_time).unwrap_or_default(),
                format_time(u.created_at),
            ]
        })
        .collect();
    Table { header, rows }
}

/// The search box and the role, status and sort filters: submitting the box, or changing a
/// filter, sets the URL (and goes back to page 1).
///
/// Before hydration it is an ordinary GET form to the same URL, so it works without wasm too.
#[component]
fn FilterBar(
    filters: Memo<UserFilters>,
    roles: Resource<Result<Vec<RoleInfo>, AppError>>,
) -> AnyView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let input = NodeRef::<Input>::new();
    // Follow the URL (back/forward) once hydrated; the first run keeps what the user may have
    // typed before the page became interactive.
    Effect::new(move |prev: Option<()>| {
        let current = filters.with(|f| f.q.clone()).unwrap_or_default();
        if prev.is_some()
            && let Some(el) = input.get_untracked()
            && el.value().trim() != current
        {
            el.set_value(&current);
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        navigate(
            &users_url(&current_filters(filters, input), 1),
            NavigateOptions::default(),
        );
    };
    let role_select = move || {
        Suspend::new(async move {
            let list = roles.await.unwrap_or_default();
            view! { <RoleSelect list filters input/> }
        })
    };
    let initial = filters.get_untracked();
    view! {
        <form class="search-bar filter-bar" role="search" method="get" action=routes::USERS on:submit=on_submit>
            <div class="filter-field">
                <label for="user-search">{i18n.tr(Key::Search)}</label>
                <input
                    id="user-search"
                    name="q"
                    type="search"
                    autocomplete="off"
                    placeholder=i18n.tr(Key::SearchUsersPlaceholder)
                    value=initial.q.unwrap_or_default()
                    node_ref=input
                />
            </div>
            <div class="filter-field">
                <label for="user-role">{i18n.tr(Key::RoleFilter)}</label>
                <Transition fallback=move || {
                    view! {
                        <select id="user-role" name="role">
                            <option value="">{i18n.tr(Key::AllRoles)}</option>
                        </select>
                    }
                }>{role_select}</Transition>
            </div>
            <FilterSelect
                id="user-status"
                name="status"
                label=Key::StatusCol
                all=Some(Key::AllStatuses)
                options=&STATUSES
                filters
                input
            />
            <FilterSelect
                id="user-sort"
                name="sort"
                label=Key::SortLabel
                all=None
                options=&SORTS
                filters
                input
            />
            <button type="submit" class="btn btn-primary">
                {i18n.tr(Key::Search)}
            </button>
        </form>
    }
    .into_any()
}

/// The filters the URL holds with the search text as typed now.
fn current_filters(filters: Memo<UserFilters>, input: NodeRef<Input>) -> UserFilters {
    let mut f = filters.get_untracked();
    if let Some(el) = input.get_untracked() {
        f.q = present(Some(&el.value()));
    }
    f
}

/// Which filter a select sets.
fn set_field(filters: &mut UserFilters, name: &str, value: Option<String>) {
    match name {
        "role" => filters.role = value,
        "status" => filters.status = value,
        "sort" => filters.sort = value.filter(|v| v != SORTS[0].0),
        _ => {}
    }
}

/// The value a select shows for field `name`.
fn field(filters: &UserFilters, name: &str) -> Option<String> {
    match name {
        "role" => filters.role.clone(),
        "status" => filters.status.clone(),
        "sort" => filters.sort.clone(),
        _ => None,
    }
}

/// A labelled select of fixed options; changing it applies the filter at once.
#[component]
fn FilterSelect(
    id: &'static str,
    name: &'static str,
    label: Key,
    /// The "all" option's label (`None`: no such option, the first option is the default).
    all: Option<Key>,
    options: &'static [(&'static str, Key)],
    filters: Memo<UserFilters>,
    input: NodeRef<Input>,
) -> AnyView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let is = move |value: &'static str| {
        let current = filters.with(|f| field(f, name));
        match (current.as_deref(), all) {
            (Some(c), _) => c == value,
            (None, None) => value == options[0].0,
            (None, Some(_)) => false,
        }
    };
    let on_change = move |ev| {
        let mut f = current_filters(filters, input);
        set_field(&mut f, name, present(Some(&event_target_value(&ev))));
        navigate(&users_url(&f, 1), NavigateOptions::default());
    };
    view! {
        <div class="filter-field">
            <label for=id>{i18n.tr(label)}</label>
            <select id=id name=name on:change=on_change>
                {all.map(|all| {
                    view! {
                        <option
                            value=""
                            selected=move || filters.with(|f| field(f, name).is_none())
                            prop:selected=move || filters.with(|f| field(f, name).is_none())
                        >
                            {i18n.tr(all)}
                        </option>
                    }
                })}
                {options
                    .iter()
                    .map(|(value, key)| {
                        let value = *value;
                        view! {
                            <option value=value selected=move || is(value) prop:selected=move || is(value)>
                                {i18n.tr(*key)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
    }
    .into_any()
}

/// The role filter, with every role's name in the page's language.
#[component]
fn RoleSelect(list: Vec<RoleInfo>, filters: Memo<UserFilters>, input: NodeRef<Input>) -> AnyView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let on_change = move |ev| {
        let mut f = current_filters(filters, input);
        f.role = present(Some(&event_target_value(&ev)));
        navigate(&users_url(&f, 1), NavigateOptions::default());
    };
    let none = move || filters.with(|f| f.role.is_none());
    view! {
        <select id="user-role" name="role" on:change=on_change>
            <option value="" selected=none prop:selected=none>
                {i18n.tr(Key::AllRoles)}
            </option>
            {list
                .into_iter()
                .map(|role| {
                    let key = role.key.clone();
                    let is = {
                        let key = key.clone();
                        move || filters.with(|f| f.role.as_deref() == Some(key.as_str()))
                    };
                    let name = move || role_name(i18n.lang.get(), &role.key, &role.name);
                    view! {
                        <option value=key selected=is.clone() prop:selected=is>
                            {name}
                        </option>
                    }
                })
                .collect_view()}
        </select>
    }
    .into_any()
}

/// One page of users: the total, the table (or an empty state) and the pagination.
#[component]
fn UsersTable(result: Page<AdminUser>, filters: UserFilters) -> AnyView {
    let i18n = use_i18n();
    let total = result.total;
    let page = result.page;
    let pages = page_count(total, result.per_page);
    let body = if result.items.is_empty() {
        view! {
            <p class="empty-state" role="status">
                {i18n.tr(Key::NoResults)}
            </p>
        }
        .into_any()
    } else {
        view! {
            <div class="table-wrap">
                <table class="data-table" aria-label=i18n.tr(Key::Users)>
                    <thead>
                        <tr>
                            <th scope="col" class="num">{i18n.tr(Key::Id)}</th>
                            <th scope="col">{i18n.tr(Key::Username)}</th>
                            <th scope="col">{i18n.tr(Key::Nickname)}</th>
                            <th scope="col">{i18n.tr(Key::Roles)}</th>
                            <th scope="col" class="num">{i18n.tr(Key::Sessions)}</th>
                            <th scope="col">{i18n.tr(Key::StatusCol)}</th>
                            <th scope="col">{i18n.tr(Key::LastSeenCol)}</th>
                            <th scope="col">{i18n.tr(Key::ProviderLabel)}</th>
                            <th scope="col">{i18n.tr(Key::CreatedAt)}</th>
                            <th scope="col"><span class="visually-hidden">{i18n.tr(Key::ManageUser)}</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        {result.items.into_iter().map(|user| view! { <UserRow user/> }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };
    let show_pager = total > 0 || page > 1;
    let url = Callback::new(move |to: u32| users_url(&filters, to));
    view! {
        <p class="table-summary">
            <span>{i18n.tr(Key::TotalUsers)}</span>
            " "
            <strong class="total-count">{total}</strong>
        </p>
        {body}
        {show_pager.then(|| view! { <Pager page pages url/> })}
    }
    .into_any()
}

/// "Online" with a green dot, or when they were last seen (relative, in local time), or
/// "Never".
#[component]
pub fn LastSeen(online: bool, at: Option<i64>) -> AnyView {
    let i18n = use_i18n();
    match (online, at) {
        (true, _) => view! {
            <span class="presence presence-online">
                <span class="presence-dot" aria-hidden="true"></span>
                {i18n.tr(Key::Online)}
            </span>
        }
        .into_any(),
        (false, Some(ms)) => view! {
            <span class="presence">
                <span class="presence-dot" aria-hidden="true"></span>
                <LocalTime ms style=TimeStyle::Chat/>
            </span>
        }
        .into_any(),
        (false, None) => view! { <span class="muted">{i18n.tr(Key::NeverSeen)}</span> }.into_any(),
    }
}

/// One user as a table row.
#[component]
fn UserRow(user: AdminUser) -> AnyView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let selected = use_context::<SelectedUser>();
    let id = user.id;
    let key = standing_key(&user);
    let class = match key {
        Key::StatusBanned => "status status-banned",
        Key::StatusMutedUser => "status status-muted",
        _ => "status status-ok",
    };
    let status = view! { <span class=class>{i18n.tr(key)}</span> };
    let providers = {
        let user = user.clone();
        move || providers_text(i18n.lang.get(), &user)
    };
    let manage_label = format!("{} {}", i18n.t(Key::ManageUser), user.username);
    view! {
        <tr>
            <td class="num">{user.id.to_string()}</td>
            <td class="mono">{user.username}</td>
            <td>
                <span class="name-with-avatar">
                    <span class="table-avatar" aria-hidden="true">
                        {match user.avatar_url {
                            Some(src) => view! { <img src=src alt="" loading="lazy"/> }.into_any(),
                            None => user.nickname.chars().next().map(String::from).unwrap_or_default().into_any(),
                        }}
                    </span>
                    {user.nickname}
                </span>
            </td>
            <td>
                <Badges keys=user.roles kind=BadgeKind::Role/>
            </td>
            <td class="num">{user.session_count}</td>
            <td>{status}</td>
            <td class="nowrap">
                <LastSeen online=user.online at=user.last_seen_at/>
            </td>
            <td>{providers}</td>
            <td class="nowrap">
                <LocalTime ms=user.created_at/>
            </td>
            <td>
                <button
                    type="button"
                    class="btn btn-small"
                    aria-label=manage_label
                    disabled=move || !hydrated.get()
                    on:click=move |_| {
                        if let Some(s) = selected {
                            s.0.set(Some(id));
                        }
                    }
                >
                    {i18n.tr(Key::ManageUser)}
                </button>
            </td>
        </tr>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn searching(q: &str) -> UserFilters {
        UserFilters {
            q: Some(q.to_owned()),
            ..UserFilters::default()
        }
    }

    #[test]
    fn urls_carry_query_and_page() {
        let none = UserFilters::default();
        assert_eq!(users_url(&none, 1), "/admin/users");
        assert_eq!(users_url(&searching("  "), 1), "/admin/users");
        assert_eq!(users_url(&searching("ali"), 1), "/admin/users?q=ali");
        assert_eq!(users_url(&searching("ali"), 3), "/admin/users?q=ali&page=3");
        assert_eq!(users_url(&none, 2), "/admin/users?page=2");
        assert_eq!(
            users_url(&searching("张 三"), 1),
            "/admin/users?q=%E5%BC%A0%20%E4%B8%89"
        );
    }

    #[test]
    fn urls_carry_role_status_and_sort() {
        let f = UserFilters {
            q: Some("ali".into()),
            role: Some("admin".into()),
            status: Some("banned".into()),
            sort: Some("last_seen".into()),
        };
        assert_eq!(
            users_url(&f, 2),
            "/admin/users?q=ali&role=admin&status=banned&sort=last_seen&page=2"
        );
        let online = UserFilters {
            status: Some("online".into()),
            ..UserFilters::default()
        };
        assert_eq!(users_url(&online, 1), "/admin/users?status=online");
    }

    #[test]
    fn filters_are_read_from_the_query() {
        let query = |pairs: &'static [(&'static str, &'static str)]| {
            UserFilters::from_query(|name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| *v))
        };
        assert_eq!(query(&[]), UserFilters::default());
        assert_eq!(
            query(&[
                ("q", " ali "),
                ("role", "user"),
                ("status", "muted"),
                ("sort", "oldest")
            ]),
            UserFilters {
                q: Some("ali".into()),
                role: Some("user".into()),
                status: Some("muted".into()),
                sort: Some("oldest".into()),
            }
        );
        // Blank, unknown and default values are left out.
        assert_eq!(
            query(&[
                ("q", " "),
                ("role", ""),
                ("status", "gone"),
                ("sort", "newest")
            ]),
            UserFilters::default()
        );
        assert_eq!(query(&[("sort", "sideways")]).sort, None);
    }

    #[test]
    fn exports_translate_statuses_and_times() {
        let user = AdminUser {
            id: UserId(7),
            username: "ann".into(),
            nickname: "=Ann".into(),
            avatar_url: None,
            roles: vec!["admin".into(), "tester".into()],
            created_at: 0,
            session_count: 1,
            banned_until: Some(1),
            muted_until: None,
            provider: "local".into(),
            linked: Vec::new(),
            last_seen_at: None,
            online: true,
        };
        let table = export_table(Lang::En, vec![user]);
        assert_eq!(table.header.len(), table.rows[0].len());
        assert_eq!(table.header[8], "Last seen");
        assert_eq!(
            table.rows[0],
            vec![
                "7",
                "ann",
                "=Ann",
                "Administrator, tester",
                "Banned",
                "Local",
                "1",
                "Yes",
                "",
                "1970-01-01 00:00"
            ]
        );
        let zh = export_table(Lang::Zh, Vec::new());
        assert_eq!(zh.header[0], "ID");
        assert!(zh.rows.is_empty());
    }

    #[test]
    fn page_counts() {
        assert_eq!(page_count(0, 20), 1);
        assert_eq!(page_count(20, 20), 1);
        assert_eq!(page_count(21, 20), 2);
    }
}
