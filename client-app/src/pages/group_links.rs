//! `/group/:id/links`: a group's QR code and invite links, for its owner and admins: make one
//! (how long it works, how many may join through it), share it, revoke it.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use shared::AppError;
use shared::LocalTime;
use shared::api::links::{create_group_invite, list_group_invites, revoke_group_invite};
use shared::i18n::Key;
use shared::ids::{GroupId, GroupInviteId};
use shared::model::{GroupInvite, INVITE_DEFAULT_HOURS};
use shared::ui::{use_hydrated, use_i18n};

use crate::components::share::LinkCard;
use crate::components::status::{EmptyState, ErrorAlert, ErrorPanel, LoadingPanel};
use crate::pages::links::confirm;

/// How long a new link may work, as offered (hours, label).
const VALIDITY: [(u32, Key); 3] = [
    (24, Key::ValidOneDay),
    (INVITE_DEFAULT_HOURS, Key::ValidSevenDays),
    (720, Key::ValidThirtyDays),
];

/// How many may join through a new link, as offered (`0`: no limit).
const USES: [u32; 4] = [0, 1, 10, 100];

/// The invite links page of the group in the URL.
#[component]
pub fn GroupLinksPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).map(GroupId))
    });
    let invites = Resource::new(
        move || id.get(),
        |id| async move { list_group_invites(id.ok_or(AppError::NotFound)?).await },
    );
    let back = move || {
        id.get()
            .map(|g| format!("/group/{g}"))
            .unwrap_or_else(|| "/contacts".to_owned())
    };
    view! {
        <header class="page-header sub-header">
            <A href=back attr:class="back-link" attr:aria-label=i18n.tr(Key::Back)>
                "‹"
            </A>
            <h1>{i18n.tr(Key::InviteLinks)}</h1>
        </header>
        <Transition fallback=|| view! { <LoadingPanel/> }>
            {move || Suspend::new(async move {
                match (invites.await, id.get_untracked()) {
                    (Ok(list), Some(group)) => view! { <InviteLinks group list/> }.into_any(),
                    (Err(err), _) => {
                        view! { <ErrorPanel error=err on_retry=move || invites.refetch()/> }
                            .into_any()
                    }
                    (Ok(_), None) => {
                        view! { <ErrorPanel error=AppError::NotFound on_retry=move || {}/> }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn InviteLinks(group: GroupId, list: Vec<GroupInvite>) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let links = RwSignal::new(list);
    let hours = RwSignal::new(INVITE_DEFAULT_HOURS);
    let uses = RwSignal::new(0_u32);
    let create = Action::new(move |(h, u): &(u32, u32)| {
        let max = (*u > 0).then_some(*u);
        create_group_invite(group, Some(*h), max)
    });
    Effect::new(move |_| {
        if let Some(Ok(invite)) = create.value().get() {
            links.update(|l| {
                l.retain(|x| x.id != invite.id);
                l.insert(0, invite);
            });
        }
    });
    let revoked: RwSignal<Option<AppError>> = RwSignal::new(None);
    let revoke = move |invite: GroupInviteId| {
        if !confirm(i18n.t(Key::ConfirmRevokeLink)) {
            return;
        }
        leptos::task::spawn_local(async move {
            match revoke_group_invite(invite).await {
                Ok(()) => {
                    links.try_update(|l| l.retain(|x| x.id != invite));
                    revoked.try_set(None);
                }
                Err(e) => {
                    revoked.try_set(Some(e));
                }
            }
        });
    };
    let error = Signal::derive(move || {
        create
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| revoked.get())
    });
    view! {
        <p class="cell-hint">{i18n.tr(Key::InviteLinksHint)}</p>
        <form
            class="card-form invite-form"
            on:submit=move |ev| {
                ev.prevent_default();
                create.dispatch((hours.get_untracked(), uses.get_untracked()));
            }
        >
            <label for="invite-valid">{i18n.tr(Key::InviteValidFor)}</label>
            <select
                id="invite-valid"
                on:change=move |ev| {
                    if let Ok(h) = event_target_value(&ev).parse() {
                        hours.set(h);
                    }
                }
            >
                {VALIDITY
                    .iter()
                    .map(|(h, key)| {
                        view! {
                            <option value=h.to_string() selected=*h == INVITE_DEFAULT_HOURS>
                                {i18n.tr(*key)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <label for="invite-uses">{i18n.tr(Key::InviteMaxUses)}</label>
            <select
                id="invite-uses"
                on:change=move |ev| {
                    if let Ok(u) = event_target_value(&ev).parse() {
                        uses.set(u);
                    }
                }
            >
                {USES
                    .iter()
                    .map(|u| {
                        let label = if *u == 0 {
                            i18n.t(Key::UsesUnlimited).to_owned()
                        } else {
                            u.to_string()
                        };
                        view! { <option value=u.to_string()>{label}</option> }
                    })
                    .collect_view()}
            </select>
            <button
                type="submit"
                class="button primary"
                disabled=move || !hydrated.get() || create.pending().get()
            >
                {i18n.tr(Key::NewInviteLink)}
            </button>
        </form>
        <ErrorAlert error/>
        {move || {
            if links.with(Vec::is_empty) {
                view! { <EmptyState title=Key::NoInviteLinks hint=Key::InviteLinksHint/> }.into_any()
            } else {
                view! {
                    <ul class="invite-list">
                        <For each=move || links.get() key=|l| (l.id, l.uses) let:invite>
                            <InviteRow invite revoke/>
                        </For>
                    </ul>
                }
                    .into_any()
            }
        }}
    }
}

#[component]
fn InviteRow(
    invite: GroupInvite,
    revoke: impl Fn(GroupInviteId) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let id = invite.id;
    let used = move || {
        let uses = invite.uses.to_string();
        match invite.max_uses {
            Some(max) => i18n
                .t(Key::InviteUsedOf)
                .replace("{uses}", &uses)
                .replace("{max}", &max.to_string()),
            None => i18n.t(Key::InviteUsedCount).replace("{uses}", &uses),
        }
    };
    let before = move || {
        i18n.t(Key::InviteValidUntil)
            .split("{time}")
            .next()
            .unwrap_or("")
    };
    let after = move || {
        i18n.t(Key::InviteValidUntil)
            .split("{time}")
            .nth(1)
            .unwrap_or("")
    };
    let title = i18n.t(Key::InviteLinks).to_owned();
    view! {
        <li class="invite" data-testid="invite-link">
            <LinkCard qr_svg=invite.qr_svg url=invite.url title/>
            <p class="device-meta">
                {before}
                <LocalTime ms=invite.expires_at/>
                {after}
                " · "
                {used}
                " · "
                {invite.creator_name.clone()}
            </p>
            <button
                type="button"
                class="button small danger"
                disabled=move || !hydrated.get()
                on:click=move |_| revoke(id)
            >
                {i18n.tr(Key::RevokeLink)}
            </button>
        </li>
    }
}
