//! The list of the user's logged-in devices, each revocable.

use leptos::prelude::*;
use shared::LocalTime;
use shared::api::accounts::{list_sessions, revoke_session};
use shared::i18n::Key;
use shared::ids::SessionId;
use shared::model::SessionInfo;
use shared::ui::use_i18n;
use shared::when::TimeStyle;

use crate::components::status::{ErrorAlert, ErrorPanel, LoadingPanel};

/// A short, readable name for a browser from its User-Agent, with the browser's major version
/// and the system's version ("Chrome 156 · Android 14", "Safari 18.1 · iOS 18.1").
fn device_name(user_agent: &str) -> String {
    let browser = browser_name(user_agent);
    let os = system_name(user_agent);
    match (browser, os) {
        (None, None) if user_agent.is_empty() => "?".to_owned(),
        (None, None) => user_agent.chars().take(40).collect(),
        (Some(b), None) => b,
        (None, Some(o)) => o,
        (Some(b), Some(o)) => format!("{b} · {o}"),
    }
}

/// The version that follows `marker` in `ua`, up to the first character that is not a digit,
/// a dot or an underscore (underscores read as dots).
fn version_after(ua: &str, marker: &str) -> Option<String> {
    let start = ua.find(marker)? + marker.len();
    let version: String = ua[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '_')
        .map(|c| if c == '_' { '.' } else { c })
        .collect();
    let version = version.trim_end_matches('.').to_owned();
    (!version.is_empty()).then_some(version)
}

/// At most the first `parts` dot-separated parts of a version.
fn shorten(version: &str, parts: usize) -> String {
    version.split('.').take(parts).collect::<Vec<_>>().join(".")
}

fn browser_name(ua: &str) -> Option<String> {
    // Order matters: Edge and Chrome on iOS also say "Safari", Edge also says "Chrome".
    let named = [
        ("Edg/", "Edge", 1),
        ("EdgA/", "Edge", 1),
        ("EdgiOS/", "Edge", 1),
        ("SamsungBrowser/", "Samsung Internet", 1),
        ("MicroMessenger/", "WeChat", 3),
        ("Firefox/", "Firefox", 1),
        ("FxiOS/", "Firefox", 1),
        ("CriOS/", "Chrome", 1),
        ("Chrome/", "Chrome", 1),
    ];
    for (marker, name, parts) in named {
        if ua.contains(marker) {
            return Some(match version_after(ua, marker) {
                Some(v) => format!("{name} {}", shorten(&v, parts)),
                None => name.to_owned(),
            });
        }
    }
    if ua.contains("Safari/") {
        return Some(match version_after(ua, "Version/") {
            Some(v) => format!("Safari {}", shorten(&v, 2)),
            None => "Safari".to_owned(),
        });
    }
    None
}

fn system_name(ua: &str) -> Option<String> {
    let with = |name: &str, version: Option<String>, parts: usize| match version {
        Some(v) => format!("{name} {}", shorten(&v, parts)),
        None => name.to_owned(),
    };
    if ua.contains("Android") {
        return Some(with("Android", version_after(ua, "Android "), 2));
    }
    for device in ["iPhone", "iPad", "iPod"] {
        if ua.contains(device) {
            let version = version_after(ua, "OS ").filter(|_| ua.contains(" like Mac OS X"));
            return Some(with("iOS", version, 2));
        }
    }
    if ua.contains("Windows NT") {
        // Windows 11 still reports NT 10.0; the User-Agent cannot tell the two apart.
        let version = version_after(ua, "Windows NT ");
        let name = match version.as_deref() {
            Some("10.0") => "Windows 10/11".to_owned(),
            Some("6.3") => "Windows 8.1".to_owned(),
            Some("6.1") => "Windows 7".to_owned(),
            _ => "Windows".to_owned(),
        };
        return Some(name);
    }
    if ua.contains("Mac OS X") {
        return Some(with("macOS", version_after(ua, "Mac OS X "), 3));
    }
    if ua.contains("CrOS") {
        return Some("ChromeOS".to_owned());
    }
    ua.contains("Linux").then(|| "Linux".to_owned())
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
                    {i18n.tr(Key::LastActive)} " " <LocalTime ms=session.last_seen_at style=TimeStyle::Chat/>
                    {session.ip.map(|ip| format!(" · {ip}"))}
                </p>
                <p class="device-meta">
                    {i18n.tr(Key::LoggedInAt)} " " <LocalTime ms=session.created_at/>
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
        assert_eq!(device_name(pixel), "Chrome 156 · Android 14");
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";
        assert_eq!(device_name(iphone), "Safari 18.1 · iOS 18.1");
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86";
        assert_eq!(device_name(edge), "Edge 131 · Windows 10/11");
        let firefox =
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0";
        assert_eq!(device_name(firefox), "Firefox 133 · macOS 10.15");
        let wechat = "Mozilla/5.0 (Linux; Android 13; V2149A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0 Mobile Safari/537.36 MicroMessenger/8.0.47.2560";
        assert_eq!(device_name(wechat), "WeChat 8.0.47 · Android 13");
        assert_eq!(device_name("curl/8.0"), "curl/8.0");
        assert_eq!(device_name(""), "?");
    }
}
