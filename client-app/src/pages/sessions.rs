//! The list of the user's logged-in devices, each revocable.

use leptos::prelude::*;
use shared::LocalTime;
use shared::api::accounts::{list_sessions, revoke_session};
use shared::i18n::Key;
use shared::ids::SessionId;
use shared::model::SessionInfo;
use shared::ui::use_i18n;

use crate::components::status::{ErrorAlert, ErrorPanel, LoadingPanel};

/// A short, readable name for a browser from its User-Agent.
fn device_name(user_agent: &str) -> String {
    let browser = ["Edg/", "Firefox/", "Chrome/", "Safari/"]
        .iter()
        .find(|b| user_agent.contains(*b))
        .map(|b| b.trim_end_matches('/'))
        .unwrap_or("");
    let os = ["Android", "iPhone", "iPad", "Windows", "Mac OS X", "Linux"]
        .iter()
        .find(|o| user_agent.contains(*o))
        .copied()
        .unwrap_or("");
    match (browser, os) {
        ("", "") if user_agent.is_empty() => "?".to_owned(),
        ("", "") => user_agent.chars().take(40).collect(),
        (b, "") => b.to_owned(),
        ("", o) => o.to_owned(),
        (b, o) => format!("{b} · {o}"),
    }
}

/// "Logged-in devices".
#[component]
pub fn SessionsSection() -> impl IntoView {
    let i18n = use_i18n();
    let revoke = Action::new(|id: &SessionId| revoke_session(*id));
    let sessions = Resource::new(move || revoke.version().get(), |_| list_sessions());
    let error = Signal::derive(move || revoke.value().get().and_then(Result::err));
    view! {
        <section class="cell-group" aria-labelledby="devices-title">
            <h2 id="devices-title" class="group-title">{i18n.tr(Key::Devices)}</h2>
            <ErrorAlert error/>
            <Transition fallback=|| view! { <LoadingPanel/> }>
                {move || Suspend::new(async move {
                    match sessions.await {
                        Ok(list) => {
                            view! {
                                <ul class="device-list">
                                    {list
                                        .into_iter()
                                        .map(|s| view! { <DeviceRow session=s revoke/> })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                        Err(err) => {
                            view! { <ErrorPanel error=err on_retry=move || sessions.refetch()/> }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

/// One device.
#[component]
fn DeviceRow(
    session: SessionInfo,
    revoke: Action<SessionId, Result<(), shared::AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = session.id;
    view! {
        <li class="device">
            <div class="device-text">
                <p class="device-name">{device_name(&session.user_agent)}</p>
                <p class="device-meta">
                    {i18n.tr(Key::LastActive)} " " <LocalTime ms=session.last_seen_at/>
                    {session.ip.map(|ip| format!(" · {ip}"))}
                </p>
            </div>
            {if session.current {
                view! { <span class="badge">{i18n.tr(Key::ThisDevice)}</span> }.into_any()
            } else {
                view! {
                    <button
                        type="button"
                        class="button small"
                        disabled=move || revoke.pending().get()
                        on:click=move |_| {
                            revoke.dispatch(id);
                        }
                    >
                        {i18n.tr(Key::Revoke)}
                    </button>
                }
                    .into_any()
            }}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::device_name;

    #[test]
    fn names_devices() {
        let pixel = "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Mobile Safari/537.36";
        assert_eq!(device_name(pixel), "Chrome · Android");
        assert_eq!(device_name("curl/8.0"), "curl/8.0");
        assert_eq!(device_name(""), "?");
    }
}
