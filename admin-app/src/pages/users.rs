//! `/admin/users`: the users table with search (`?q=`) and pagination (`?page=`).

use leptos::ev::SubmitEvent;
use leptos::html::Input;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::location::Url;
use shared::AppError;
use shared::api::admin::admin_list_users;
use shared::i18n::Key;
use shared::ids::UserId;
use shared::model::{AdminUser, Page};
use shared::ui::{use_hydrated, use_i18n};

use crate::components::badges::{BadgeKind, Badges};
use crate::components::status::{ErrorPanel, Loading};
use crate::layout::AdminPage;
use crate::pages::user_drawer::UserDrawer;
use crate::routes;
use crate::session::use_session;
use shared::LocalTime;

/// Users per page.
pub const PER_PAGE: u32 = 20;

/// The URL of the users table for search `q` (none or blank: everyone) and page `page`.
pub fn users_url(q: Option<&str>, page: u32) -> String {
    let mut params = Vec::new();
    if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
        params.push(format!("q={}", Url::escape(q)));
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

/// The users page (behind the admin gate). The table follows the URL's `?q=` and `?page=`.
#[component]
pub fn UsersPage() -> AnyView {
    let session = use_session();
    let query = use_query_map();
    let q = Memo::new(move |_| {
        query
            .read()
            .get_str("q")
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(str::to_owned)
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
        move || (q.get(), page.get()),
        move |(q, page)| async move {
            session.require_admin().await?;
            admin_list_users(q, Some(page), Some(PER_PAGE)).await
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
            <Users users q/>
            {drawer}
        </AdminPage>
    }
    .into_any()
}

/// The user whose drawer is open.
#[derive(Clone, Copy)]
struct SelectedUser(RwSignal<Option<UserId>>);

/// Search box, table and pagination.
#[component]
fn Users(users: Resource<Result<Page<AdminUser>, AppError>>, q: Memo<Option<String>>) -> AnyView {
    let table = move || {
        Suspend::new(async move {
            match users.await {
                Ok(result) => view! { <UsersTable result q=q.get_untracked()/> }.into_any(),
                Err(error) => {
                    view! { <ErrorPanel error on_retry=move || users.refetch()/> }.into_any()
                }
            }
        })
    };
    view! {
        <SearchForm q/>
        <Transition fallback=Loading>{table}</Transition>
    }
    .into_any()
}

/// The search box: submitting it sets `?q=` (and goes back to page 1).
///
/// Before hydration it is an ordinary GET form to the same URL, so it works without wasm too.
#[component]
fn SearchForm(q: Memo<Option<String>>) -> AnyView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let input = NodeRef::<Input>::new();
    // Follow the URL (back/forward) once hydrated; the first run keeps what the user may have
    // typed before the page became interactive.
    Effect::new(move |prev: Option<()>| {
        let current = q.get().unwrap_or_default();
        if prev.is_some()
            && let Some(el) = input.get_untracked()
            && el.value().trim() != current
        {
            el.set_value(&current);
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let text = input
            .get_untracked()
            .map(|el| el.value())
            .unwrap_or_default();
        navigate(&users_url(Some(&text), 1), NavigateOptions::default());
    };
    view! {
        <form class="search-bar" role="search" method="get" action=routes::USERS on:submit=on_submit>
            <label for="user-search">{i18n.tr(Key::Search)}</label>
            <input
                id="user-search"
                name="q"
                type="search"
                autocomplete="off"
                placeholder=i18n.tr(Key::SearchUsersPlaceholder)
                value=q.get_untracked().unwrap_or_default()
                node_ref=input
            />
            <button type="submit" class="btn btn-primary">
                {i18n.tr(Key::Search)}
            </button>
        </form>
    }
    .into_any()
}

/// One page of users: the total, the table (or an empty state) and the pagination.
#[component]
fn UsersTable(result: Page<AdminUser>, q: Option<String>) -> AnyView {
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
    view! {
        <p class="table-summary">
            <span>{i18n.tr(Key::TotalUsers)}</span>
            " "
            <strong class="total-count">{total}</strong>
        </p>
        {body}
        {show_pager.then(|| view! { <Pager q page pages/> })}
    }
    .into_any()
}

/// One user as a table row.
#[component]
fn UserRow(user: AdminUser) -> AnyView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let selected = use_context::<SelectedUser>();
    let id = user.id;
    let status = if user.banned_until.is_some() {
        view! { <span class="status status-banned">{i18n.tr(Key::StatusBanned)}</span> }.into_any()
    } else if user.muted_until.is_some() {
        view! { <span class="status status-muted">{i18n.tr(Key::StatusMutedUser)}</span> }
            .into_any()
    } else {
        view! { <span class="status status-ok">{i18n.tr(Key::StatusNormal)}</span> }.into_any()
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

/// Previous / next buttons (disabled at the ends and until hydrated) and the page position.
#[component]
fn Pager(q: Option<String>, page: u32, pages: u64) -> AnyView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let hydrated = use_hydrated();
    let go = {
        move |to: u32| {
            let url = users_url(q.as_deref(), to);
            navigate(&url, NavigateOptions::default());
        }
    };
    let go_prev = go.clone();
    let has_prev = page > 1;
    let has_next = u64::from(page) < pages;
    view! {
        <div class="pagination">
            <button
                type="button"
                class="btn"
                disabled=move || !hydrated.get() || !has_prev
                on:click=move |_| go_prev(page.saturating_sub(1).max(1))
            >
                {i18n.tr(Key::PrevPage)}
            </button>
            <span class="page-position">
                <span class="current-page">{page}</span>
                " / "
                <span class="page-count">{pages}</span>
            </span>
            <button
                type="button"
                class="btn"
                disabled=move || !hydrated.get() || !has_next
                on:click=move |_| go(page.saturating_add(1))
            >
                {i18n.tr(Key::NextPage)}
            </button>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_carry_query_and_page() {
        assert_eq!(users_url(None, 1), "/admin/users");
        assert_eq!(users_url(Some("  "), 1), "/admin/users");
        assert_eq!(users_url(Some("ali"), 1), "/admin/users?q=ali");
        assert_eq!(users_url(Some("ali"), 3), "/admin/users?q=ali&page=3");
        assert_eq!(users_url(None, 2), "/admin/users?page=2");
        assert_eq!(
            users_url(Some("张 三"), 1),
            "/admin/users?q=%E5%BC%A0%20%E4%B8%89"
        );
    }

    #[test]
    fn page_counts() {
        assert_eq!(page_count(0, 20), 1);
        assert_eq!(page_count(20, 20), 1);
        assert_eq!(page_count(21, 20), 2);
    }
}
