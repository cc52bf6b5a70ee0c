//! `/admin/rights`: every right with the roles that grant it (read-only for now).

use leptos::prelude::*;
use shared::AppError;
use shared::api::admin::admin_list_rights;
use shared::i18n::Key;
use shared::model::RightInfo;
use shared::ui::use_i18n;

use crate::components::badges::{BadgeKind, Badges};
use crate::components::status::{ErrorPanel, Loading};
use crate::layout::AdminPage;
use crate::names::right_name;
use crate::session::use_session;

/// The rights page (behind the admin gate).
#[component]
pub fn RightsPage() -> AnyView {
    let session = use_session();
    // Created above the session gate's `<Suspense>` (see `OverviewPage`).
    let rights = Resource::new(
        || (),
        move |_| async move {
            session.require_admin().await?;
            admin_list_rights().await
        },
    );
    view! {
        <AdminPage title=Key::Rights>
            <Rights rights/>
        </AdminPage>
    }
    .into_any()
}

/// The rights table.
#[component]
fn Rights(rights: Resource<Result<Vec<RightInfo>, AppError>>) -> AnyView {
    let i18n = use_i18n();
    let table = move || {
        Suspend::new(async move {
            match rights.await {
                Ok(rights) if rights.is_empty() => view! {
                    <p class="empty-state" role="status">
                        {i18n.tr(Key::NoResults)}
                    </p>
                }
                .into_any(),
                Ok(rights) => view! {
                    <div class="table-wrap">
                        <table class="data-table" aria-label=i18n.tr(Key::Rights)>
                            <thead>
                                <tr>
                                    <th scope="col">{i18n.tr(Key::Key)}</th>
                                    <th scope="col">{i18n.tr(Key::Name)}</th>
                                    <th scope="col">{i18n.tr(Key::GrantedBy)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {rights.into_iter().map(|right| view! { <RightRow right/> }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                .into_any(),
                Err(error) => {
                    view! { <ErrorPanel error on_retry=move || rights.refetch()/> }.into_any()
                }
            }
        })
    };
    view! { <Transition fallback=Loading>{table}</Transition> }.into_any()
}

/// One right as a table row.
#[component]
fn RightRow(right: RightInfo) -> AnyView {
    let i18n = use_i18n();
    let RightInfo {
        key, name, roles, ..
    } = right;
    let name = {
        let key = key.clone();
        move || right_name(i18n.lang.get(), &key, &name)
    };
    view! {
        <tr>
            <td class="mono">{key}</td>
            <td>{name}</td>
            <td>
                <Badges keys=roles kind=BadgeKind::Role/>
            </td>
        </tr>
    }
    .into_any()
}
