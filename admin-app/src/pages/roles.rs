//! `/admin/roles`: every role with its rights and number of users; new roles with a rights
//! checklist, edits of any role's rights, deletion of the roles administrators made.

use leptos::prelude::*;
use shared::AppError;
use shared::api::admin::{
    admin_create_role, admin_delete_role, admin_list_rights, admin_list_roles, admin_update_role,
};
use shared::i18n::Key;
use shared::model::{RightInfo, RoleInfo};
use shared::ui::{use_hydrated, use_i18n};

use crate::components::badges::{BadgeKind, Badges};
use crate::components::status::{ErrorPanel, Loading};
use crate::layout::AdminPage;
use crate::names::{right_name, role_name};
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
    let rights = Resource::new(
        || (),
        move |_| async move {
            session.require_admin().await?;
            admin_list_rights().await
        },
    );
    provide_context(RolesContext { roles, rights });
    view! {
        <AdminPage title=Key::Roles>
            <NewRole/>
            <Roles roles/>
        </AdminPage>
    }
    .into_any()
}

/// What the forms need: the roles (refetched after a change) and every right.
#[derive(Clone, Copy)]
struct RolesContext {
    roles: Resource<Result<Vec<RoleInfo>, AppError>>,
    rights: Resource<Result<Vec<RightInfo>, AppError>>,
}

/// Asks the browser to confirm; `false` outside a browser.
fn confirm(text: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(text).ok())
        .unwrap_or(false)
}

/// "New role" and its form.
#[component]
fn NewRole() -> AnyView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let open = RwSignal::new(false);
    view! {
        <div class="toolbar">
            <button
                type="button"
                class="btn btn-primary"
                aria-expanded=move || open.get().to_string()
                disabled=move || !hydrated.get()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {i18n.tr(Key::NewRole)}
            </button>
        </div>
        <Show when=move || open.get()>
            <RoleForm editing=None on_done=move || open.set(false)/>
        </Show>
    }
    .into_any()
}

/// The create or edit form: key (new roles only), description and the rights checklist.
#[component]
fn RoleForm(
    /// The role edited (`None`: a new one).
    editing: Option<RoleInfo>,
    /// Runs after a successful save.
    #[prop(into)]
    on_done: Callback<()>,
) -> AnyView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let ctx = use_context::<RolesContext>();
    let key = RwSignal::new(editing.as_ref().map(|r| r.key.clone()).unwrap_or_default());
    let description = RwSignal::new(
        editing
            .as_ref()
            .map(|r| r.description.clone())
            .unwrap_or_default(),
    );
    let chosen = RwSignal::new(
        editing
            .as_ref()
            .map(|r| r.rights.clone())
            .unwrap_or_default(),
    );
    let is_new = editing.is_none();
    let save = Action::new(move |(): &()| {
        let (k, d, r) = (
            key.get_untracked(),
            description.get_untracked(),
            chosen.get_untracked(),
        );
        async move {
            if is_new {
                admin_create_role(k, Some(d), r).await
            } else {
                admin_update_role(k, Some(d), r).await
            }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            if let Some(ctx) = ctx {
                ctx.roles.refetch();
            }
            on_done.run(());
        }
    });
    let error = move || {
        save.value()
            .get()
            .and_then(Result::err)
            .map(|e| i18n.error(&e))
    };
    let checklist = move || {
        Suspend::new(async move {
            let Some(ctx) = ctx else {
                return ().into_any();
            };
            match ctx.rights.await {
                Ok(list) => list
                    .into_iter()
                    .map(|right| {
                        let k = right.key.clone();
                        let k2 = right.key.clone();
                        let label = move || right_name(i18n.lang.get(), &right.key, &right.name);
                        view! {
                            <label class="check">
                                <input
                                    type="checkbox"
                                    prop:checked=move || chosen.with(|c| c.contains(&k))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        let k = k2.clone();
                                        chosen.update(|c| {
                                            c.retain(|x| *x != k);
                                            if on {
                                                c.push(k);
                                            }
                                        });
                                    }
                                />
                                {label}
                            </label>
                        }
                    })
                    .collect_view()
                    .into_any(),
                Err(error) => view! { <p class="error-text">{i18n.error(&error)}</p> }.into_any(),
            }
        })
    };
    view! {
        <form
            class="card-form role-form"
            on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(());
            }
        >
            {is_new
                .then(|| {
                    view! {
                        <div class="field">
                            <label for="role-key">{i18n.tr(Key::RoleKeyLabel)}</label>
                            <input
                                id="role-key"
                                maxlength="32"
                                required
                                prop:value=move || key.get()
                                on:input=move |ev| key.set(event_target_value(&ev))
                            />
                        </div>
                    }
                })}
            <div class="field">
                <label for=if is_new { "role-description" } else { "role-edit-description" }>
                    {i18n.tr(Key::DescriptionLabel)}
                </label>
                <input
                    id=if is_new { "role-description" } else { "role-edit-description" }
                    maxlength="200"
                    prop:value=move || description.get()
                    on:input=move |ev| description.set(event_target_value(&ev))
                />
            </div>
            <fieldset class="checklist">
                <legend>{i18n.tr(Key::Rights)}</legend>
                <Transition fallback=Loading>{checklist}</Transition>
            </fieldset>
            {move || error().map(|e| view! { <p class="error-text" role="alert">{e}</p> })}
            <button
                type="submit"
                class="btn btn-primary"
                disabled=move || !hydrated.get() || save.pending().get()
            >
                {if is_new { i18n.tr(Key::CreateRole) } else { i18n.tr(Key::Save) }}
            </button>
        </form>
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
                                    <th scope="col"><span class="visually-hidden">{i18n.tr(Key::EditRole)}</span></th>
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

/// One role as a table row, with Edit (a form row below it) and, for roles administrators
/// made, Delete.
#[component]
fn RoleRow(role: RoleInfo) -> AnyView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let ctx = use_context::<RolesContext>();
    let editing = RwSignal::new(false);
    let deleting: RwSignal<Option<AppError>> = RwSignal::new(None);
    let edited = role.clone();
    let RoleInfo {
        key,
        name,
        rights,
        user_count,
        description,
        builtin,
        ..
    } = role;
    let name = {
        let key = key.clone();
        move || role_name(i18n.lang.get(), &key, &name)
    };
    let delete_key = key.clone();
    let delete = move |_| {
        if !confirm(i18n.t(Key::ConfirmDeleteRole)) {
            return;
        }
        let key = delete_key.clone();
        leptos::task::spawn_local(async move {
            match admin_delete_role(key).await {
                Ok(()) => {
                    if let Some(ctx) = ctx {
                        ctx.roles.refetch();
                    }
                }
                Err(e) => {
                    deleting.try_set(Some(e));
                }
            }
        });
    };
    let edit_label = format!("{} {key}", i18n.t(Key::EditRole));
    let delete_label = format!("{} {key}", i18n.t(Key::DeleteRole));
    view! {
        <tr>
            <td class="mono">{key.clone()}</td>
            <td>
                {name}
                {builtin.then(|| view! { " " <span class="badge badge-builtin">{i18n.tr(Key::BuiltinRole)}</span> })}
                {(!description.is_empty()).then(|| view! { <p class="muted role-description">{description.clone()}</p> })}
            </td>
            <td>
                <Badges keys=rights kind=BadgeKind::Right/>
            </td>
            <td class="num">{user_count}</td>
            <td class="nowrap">
                <button
                    type="button"
                    class="btn btn-small"
                    aria-label=edit_label
                    aria-expanded=move || editing.get().to_string()
                    disabled=move || !hydrated.get()
                    on:click=move |_| editing.update(|e| *e = !*e)
                >
                    {i18n.tr(Key::EditRole)}
                </button>
                {(!builtin).then(|| view! {
                    " "
                    <button
                        type="button"
                        class="btn btn-small btn-danger"
                        aria-label=delete_label.clone()
                        disabled=move || !hydrated.get()
                        on:click=delete.clone()
                    >
                        {i18n.tr(Key::DeleteRole)}
                    </button>
                })}
                {move || deleting.get().map(|e| view! { <p class="error-text" role="alert">{i18n.error(&e)}</p> })}
            </td>
        </tr>
        <Show when=move || editing.get()>
            <tr class="edit-row">
                <td colspan="5">
                    <RoleForm editing=Some(edited.clone()) on_done=move || editing.set(false)/>
                </td>
            </tr>
        </Show>
    }
    .into_any()
}
