//! `/admin`: the overview, with the number of users, roles and rights.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::AppError;
use shared::api::admin::{admin_list_rights, admin_list_roles, admin_list_users};
use shared::i18n::Key;
use shared::model::{AdminUser, Page, RightInfo, RoleInfo};
use shared::ui::use_i18n;

use crate::components::status::{ErrorPanel, Loading};
use crate::layout::AdminPage;
use crate::routes;
use crate::session::use_session;

/// The overview page (behind the admin gate).
#[component]
pub fn OverviewPage() -> AnyView {
    // Resources are created here, above the session gate's `<Suspense>`: a resource created
    // inside one would be created (and fetched) again each time the server re-renders it.
    let session = use_session();
    let users = Resource::new(
        || (),
        move |_| async move {
            session.require_admin().await?;
            admin_list_users(None, None, None, None, Some(0), Some(1), None, None).await
        },
    );
    let roles = Resource::new(
        || (),
        move |_| async move {
            session.require_admin().await?;
            admin_list_roles().await
        },
    );
    let rights = Resource::new(
        || (),
        move |_| async move {
            session.require_admin().await?;
            admin_list_rights().await
        },
    );
    view! {
        <AdminPage title=Key::Dashboard>
            <Overview users roles rights/>
        </AdminPage>
    }
    .into_any()
}

/// The three counts as cards, each linking to its table.
#[component]
fn Overview(
    users: Resource<Result<Page<AdminUser>, AppError>>,
    roles: Resource<Result<Vec<RoleInfo>, AppError>>,
    rights: Resource<Result<Vec<RightInfo>, AppError>>,
) -> AnyView {
    let retry = move || {
        users.refetch();
        roles.refetch();
        rights.refetch();
    };
    let cards = move || {
        Suspend::new(async move {
            let counts = async {
                let users = users.await?.total;
                let roles = roles.await?.len();
                let rights = rights.await?.len();
                Ok::<_, AppError>((users, roles, rights))
            }
            .await;
            match counts {
                Ok((users, roles, rights)) => view! {
                    <ul class="stat-cards">
                        <StatCard label=Key::UsersTotalLabel value=users.to_string() link=Key::Users href=routes::USERS/>
                        <StatCard label=Key::RolesTotalLabel value=roles.to_string() link=Key::Roles href=routes::ROLES/>
                        <StatCard label=Key::RightsTotalLabel value=rights.to_string() link=Key::Rights href=routes::RIGHTS/>
                    </ul>
                }
                .into_any(),
                Err(error) => view! { <ErrorPanel error on_retry=retry/> }.into_any(),
            }
        })
    };
    view! { <Transition fallback=Loading>{cards}</Transition> }.into_any()
}

/// One count with its label and a link to the full table.
#[component]
fn StatCard(label: Key, value: String, link: Key, href: &'static str) -> AnyView {
    let i18n = use_i18n();
    let id = format!("stat-{}", href.rsplit('/').next().unwrap_or("x"));
    view! {
        <li class="stat-card">
            <h2 class="stat-label" id=id>{i18n.tr(label)}</h2>
            <p class="stat-value">{value}</p>
            <A href=href>{i18n.tr(link)} " →"</A>
        </li>
    }
    .into_any()
}
