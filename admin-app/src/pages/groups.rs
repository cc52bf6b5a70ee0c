//! `/admin/groups`: every group, with search (`?q=`), a status filter (`?status=`) and pages of
//! [`PER_PAGE`] (`?page=`); each row opens the group's drawer.

use leptos::ev::SubmitEvent;
use leptos::html::Input;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::AppError;
use shared::LocalTime;
use shared::api::admin_content::admin_list_groups;
use shared::i18n::Key;
use shared::ids::GroupId;
use shared::model::{AdminGroup, GroupStatus, Page};
use shared::ui::{use_hydrated, use_i18n};

use crate::components::pager::Pager;
use crate::components::status::{ErrorPanel, Loading};
use crate::layout::AdminPage;
use crate::pages::group_drawer::GroupDrawer;
use crate::pages::users::page_count;
use crate::routes;
use crate::session::use_session;

/// Groups per page.
pub const PER_PAGE: u32 = 20;

/// The status filter's values (`admin_list_groups`' `status`) and their labels.
pub const STATUSES: [(&str, Key); 4] = [
    ("active", Key::GroupStatusActive),
    ("muted", Key::GroupStatusMuted),
    ("disabled", Key::GroupStatusDisabled),
    ("dissolved", Key::GroupStatusDissolved),
];

/// What the groups table shows, as its URL carries it (`?q=&status=`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupFilters {
    /// Part of the group's name.
    pub q: Option<String>,
    /// One of [`STATUSES`].
    pub status: Option<String>,
}

/// A trimmed, non-empty value.
fn present(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

impl GroupFilters {
    /// The filters of a URL's query (`get` reads one parameter); an unknown status is left out.
    pub fn from_query<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Self {
        GroupFilters {
            q: present(get("q")),
            status: present(get("status")).filter(|s| STATUSES.iter().any(|(k, _)| k == s)),
        }
    }
}

/// The URL of the groups table with `filters` at page `page`.
pub fn groups_url(filters: &GroupFilters, page: u32) -> String {
    let mut params = Vec::new();
    for (name, value) in [("q", &filters.q), ("status", &filters.status)] {
        if let Some(value) = present(value.as_deref()) {
            params.push(format!("{name}={}", routes::escape(&value)));
        }
    }
    if page > 1 {
        params.push(format!("page={page}"));
    }
    if params.is_empty() {
        routes::GROUPS.to_owned()
    } else {
        format!("{}?{}", routes::GROUPS, params.join("&"))
    }
}

/// The offset of page `page` (from 1).
pub fn offset_of(page: u32) -> u32 {
    page.saturating_sub(1).saturating_mul(PER_PAGE)
}

/// A group's status as its badge shows it: the label and the badge's class.
pub fn status_of(group: &AdminGroup) -> (Key, &'static str) {
    if group.dissolved {
        return (Key::GroupStatusDissolved, "status status-dissolved");
    }
    match group.status {
        GroupStatus::Active => (Key::GroupStatusActive, "status status-ok"),
        GroupStatus::Muted => (Key::GroupStatusMuted, "status status-muted"),
        GroupStatus::Disabled => (Key::GroupStatusDisabled, "status status-banned"),
    }
}

/// A group's status badge.
#[component]
pub fn GroupStatusBadge(
    /// The group.
    group: AdminGroup,
) -> impl IntoView {
    let i18n = use_i18n();
    let (key, class) = status_of(&group);
    view! { <span class=class data-status=key_name(key)>{i18n.tr(key)}</span> }
}

/// The stored name of a status label (for tests and styling hooks).
fn key_name(key: Key) -> &'static str {
    match key {
        Key::GroupStatusMuted => "muted",
        Key::GroupStatusDisabled => "disabled",
        Key::GroupStatusDissolved => "dissolved",
        _ => "active",
    }
}

/// A group's avatar, or its name's first character.
#[component]
pub fn GroupAvatar(
    /// The avatar's URL.
    url: Option<String>,
    /// The group's name.
    name: String,
) -> impl IntoView {
    view! {
        <span class="table-avatar table-avatar-group" aria-hidden="true">
            {match url {
                Some(src) => view! { <img src=src alt="" loading="lazy"/> }.into_any(),
                None => name.chars().next().map(String::from).unwrap_or_default().into_any(),
            }}
        </span>
    }
}

/// The group whose drawer is open.
#[derive(Clone, Copy)]
struct SelectedGroup(RwSignal<Option<GroupId>>);

/// The groups page (behind the admin gate).
#[component]
pub fn GroupsPage() -> AnyView {
    let session = use_session();
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        let query = query.read();
        GroupFilters::from_query(|name| query.get_str(name))
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
    let groups = Resource::new(
        move || (filters.get(), page.get()),
        move |(f, page)| async move {
            session.require_admin().await?;
            admin_list_groups(f.q, f.status, Some(offset_of(page)), Some(PER_PAGE)).await
        },
    );
    let selected = SelectedGroup(RwSignal::new(None));
    provide_context(selected);
    let drawer = move || {
        selected.0.get().map(|group| {
            view! {
                <GroupDrawer
                    group
                    on_changed=move || groups.refetch()
                    on_close=move || selected.0.set(None)
                />
            }
        })
    };
    view! {
        <AdminPage title=Key::AdminGroups>
            <Groups groups filters/>
            {drawer}
        </AdminPage>
    }
    .into_any()
}

/// Filters, table and pagination.
#[component]
fn Groups(
    groups: Resource<Result<Page<AdminGroup>, AppError>>,
    filters: Memo<GroupFilters>,
) -> AnyView {
    let table = move || {
        Suspend::new(async move {
            match groups.await {
                Ok(result) => {
                    view! { <GroupsTable result filters=filters.get_untracked()/> }.into_any()
                }
                Err(error) => {
                    view! { <ErrorPanel error on_retry=move || groups.refetch()/> }.into_any()
                }
            }
        })
    };
    view! {
        <div class="toolbar toolbar-split">
            <FilterBar filters/>
        </div>
        <Transition fallback=Loading>{table}</Transition>
    }
    .into_any()
}

/// The search box and the status filter. Before hydration an ordinary GET form.
#[component]
fn FilterBar(filters: Memo<GroupFilters>) -> AnyView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let input = NodeRef::<Input>::new();
    let typed = move || {
        let mut f = filters.get_untracked();
        if let Some(el) = input.get_untracked() {
            f.q = present(Some(&el.value()));
        }
        f
    };
    // Follow the URL (back/forward) once hydrated.
    Effect::new(move |prev: Option<()>| {
        let current = filters.with(|f| f.q.clone()).unwrap_or_default();
        if prev.is_some()
            && let Some(el) = input.get_untracked()
            && el.value().trim() != current
        {
            el.set_value(&current);
        }
    });
    let submit_to = navigate.clone();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        submit_to(&groups_url(&typed(), 1), NavigateOptions::default());
    };
    let on_status = move |ev| {
        let mut f = typed();
        f.status = present(Some(&event_target_value(&ev)));
        navigate(&groups_url(&f, 1), NavigateOptions::default());
    };
    let is = move |value: &'static str| filters.with(|f| f.status.as_deref() == Some(value));
    let all = move || filters.with(|f| f.status.is_none());
    view! {
        <form class="search-bar filter-bar" role="search" method="get" action=routes::GROUPS on:submit=on_submit>
            <div class="filter-field">
                <label for="group-search">{i18n.tr(Key::Search)}</label>
                <input
                    id="group-search"
                    name="q"
                    type="search"
                    autocomplete="off"
                    placeholder=i18n.tr(Key::SearchGroupsPlaceholder)
                    value=filters.get_untracked().q.unwrap_or_default()
                    node_ref=input
                />
            </div>
            <div class="filter-field">
                <label for="group-status">{i18n.tr(Key::StatusCol)}</label>
                <select id="group-status" name="status" on:change=on_status>
                    <option value="" selected=all prop:selected=all>
                        {i18n.tr(Key::AllStatuses)}
                    </option>
                    {STATUSES
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
            <button type="submit" class="btn btn-primary">
                {i18n.tr(Key::Search)}
            </button>
        </form>
    }
    .into_any()
}

/// One page of groups: the total, the table (or an empty state) and the pagination.
#[component]
fn GroupsTable(result: Page<AdminGroup>, filters: GroupFilters) -> AnyView {
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
                <table class="data-table" aria-label=i18n.tr(Key::AdminGroups)>
                    <thead>
                        <tr>
                            <th scope="col" class="num">{i18n.tr(Key::Id)}</th>
                            <th scope="col">{i18n.tr(Key::GroupName)}</th>
                            <th scope="col">{i18n.tr(Key::RoleOwner)}</th>
                            <th scope="col" class="num">{i18n.tr(Key::GroupMembers)}</th>
                            <th scope="col">{i18n.tr(Key::StatusCol)}</th>
                            <th scope="col">{i18n.tr(Key::ListedCol)}</th>
                            <th scope="col">{i18n.tr(Key::GroupCreatedAt)}</th>
                            <th scope="col">{i18n.tr(Key::LastMessageCol)}</th>
                            <th scope="col"><span class="visually-hidden">{i18n.tr(Key::ManageUser)}</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        {result.items.into_iter().map(|group| view! { <GroupRow group/> }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };
    let show_pager = total > 0 || page > 1;
    let url = Callback::new(move |to: u32| groups_url(&filters, to));
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

/// One group as a table row.
#[component]
fn GroupRow(group: AdminGroup) -> AnyView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let selected = use_context::<SelectedGroup>();
    let id = group.id;
    let manage_label = format!("{} {}", i18n.t(Key::ManageUser), group.name);
    let listed = if group.listed {
        Key::YesLabel
    } else {
        Key::NoLabel
    };
    let badge = group.clone();
    view! {
        <tr>
            <td class="num">{group.id.to_string()}</td>
            <td>
                <span class="name-with-avatar">
                    <GroupAvatar url=group.avatar_url name=group.name.clone()/>
                    <span class="group-name">{group.name}</span>
                </span>
            </td>
            <td class="mono">{group.owner_name}</td>
            <td class="num">{group.member_count}</td>
            <td>
                <GroupStatusBadge group=badge/>
            </td>
            <td>{i18n.tr(listed)}</td>
            <td class="nowrap">
                <LocalTime ms=group.created_at/>
            </td>
            <td class="nowrap">
                {match group.last_message_at {
                    Some(ms) => view! { <LocalTime ms/> }.into_any(),
                    None => view! { <span class="muted">"—"</span> }.into_any(),
                }}
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
    use shared::ids::{ConversationId, UserId};

    #[test]
    fn urls_carry_query_status_and_page() {
        let none = GroupFilters::default();
        assert_eq!(groups_url(&none, 1), "/admin/groups");
        assert_eq!(groups_url(&none, 3), "/admin/groups?page=3");
        let f = GroupFilters {
            q: Some("读书 会".into()),
            status: Some("disabled".into()),
        };
        assert_eq!(
            groups_url(&f, 2),
            "/admin/groups?q=%E8%AF%BB%E4%B9%A6%20%E4%BC%9A&status=disabled&page=2"
        );
    }

    #[test]
    fn filters_are_read_from_the_query() {
        let read = |pairs: &'static [(&'static str, &'static str)]| {
            GroupFilters::from_query(|name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| *v))
        };
        assert_eq!(read(&[]), GroupFilters::default());
        assert_eq!(
            read(&[("q", " hike "), ("status", "dissolved")]),
            GroupFilters {
                q: Some("hike".into()),
                status: Some("dissolved".into()),
            }
        );
        assert_eq!(read(&[("status", "frozen")]).status, None);
    }

    #[test]
    fn pages_start_at_their_offsets() {
        assert_eq!(offset_of(1), 0);
        assert_eq!(offset_of(0), 0);
        assert_eq!(offset_of(3), 40);
    }

    #[test]
    fn dissolution_wins_over_the_hold() {
        let mut group = AdminGroup {
            id: GroupId(1),
            conversation_id: ConversationId(2),
            name: "g".into(),
            avatar_url: None,
            owner_id: UserId(3),
            owner_name: "o".into(),
            member_count: 2,
            status: GroupStatus::Muted,
            dissolved: false,
            listed: false,
            created_at: 0,
            last_message_at: None,
        };
        assert_eq!(status_of(&group).0, Key::GroupStatusMuted);
        group.dissolved = true;
        assert_eq!(status_of(&group).0, Key::GroupStatusDissolved);
    }
}
