//! `/admin/roles`: every role with its rights and number of users (read-only for now).

use leptos::prelude::*;
use shared::AppError;
use shared::api::admin::admin_list_roles;
use shared::i18n::Key;
use shared::model::RoleInfo;
use shared::ui::use_i18n;

use crate::components::badges::{BadgeKind, Badges};
use crate::components::status::{ErrorPanel, Loading};
use crate::layout::AdminPage;
use crate::names::role_name;
use crate::session::use_session;

/// The roles page (behind the admin gate).
#[component]
pub fn RolesPage() -> AnyView {
    let session = use_session();
    // Created above the session gate's `<Suspense>` (see `OverviewPage`).
    let roles = Resource::new(
        || (),
        move |_| async move {
            session.require_admin().await?;
            admin_list_roles().await
        },
    );
    view! {
        <AdminPage title=Key::Roles>
            <Roles roles/>
        </AdminPage>
    }
    .into_any()
}

/// The roles table.
#[component]
fn Roles(roles: Resource<Result<Vec<RoleInfo>, AppError>>) -> AnyView {
    let i18n = use_i18n();
    let table = move || {
        Suspend::new(async move {
            match roles.await {
                Ok(roles) if roles.is_empty() => view! {
                    <p class="empty-state" role="status">
                        {i18n.tr(Key::NoResults)}
                    </p>
                }
                .into_any(),
                Ok(roles) => view! {
                    <div class="table-wrap">
                        <table class="data-table" aria-label=i18n.tr(Key::Roles)>
                            <thead>
                                <tr>
                                    <th scope="col">{i18n.tr(Key::Key)}</th>
                                    <th scope="col">{i18n.tr(Key::Name)}</th>
                                    <th scope="col">{i18n.tr(Key::Rights)}</th>
                                    <th scope="col" class="num">{i18n.tr(Key::UserCount)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {roles.into_iter().map(|role| view! { <RoleRow role/> }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                .into_any(),
                Err(error) => {
                    view! { <ErrorPanel error on_retry=move || roles.refetch()/> }.into_any()
                }
            }
        })
    };
    view! { <Transition fallback=Loading>{table}</Transition> }.into_any()
}

/// One role as a table row.
#[component]
fn RoleRow(role: RoleInfo) -> AnyView {
    let i18n = use_i18n();
    let RoleInfo {
        key,
        name,
        rights,
        user_count,
        ..
    } = role;
    let name = {
        let key = key.clone();
        move || role_name(i18n.lang.get(), &key, &name)
    };
    view! {
        <tr>
            <td class="mono">{key}</td>
            <td>{name}</td>
            <td>
                <Badges keys=rights kind=BadgeKind::Right/>
            </td>
            <td class="num">{user_count}</td>
        </tr>
    }
    .into_any()
}
