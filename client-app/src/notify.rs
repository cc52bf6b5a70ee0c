//! Telling the user about new messages while Parley is open but they are elsewhere: a system
//! notification (the browser's Notification API, after the user turned it on in Me › New
//! message notifications, never on first load), a short sound, and the unread count in the
//! document's title. Muted conversations stay silent unless a message mentions the user.
//!
//! The two switches are this device's, kept in local storage.

use serde::{Deserialize, Serialize};
use shared::ids::UserId;
use shared::model::{ConversationSummary, Message};

/// This device's notification switches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifySettings {
    /// Show system notifications (the browser's permission is asked when turned on).
    pub system: bool,
    /// Play a short sound.
    pub sound: bool,
}

impl Default for NotifySettings {
    fn default() -> Self {
        NotifySettings {
            system: false,
            sound: true,
        }
    }
}

/// Whether a new `message` in `conversation` should alert `me` who is `looking_at` a chat (its
/// path) with the page `visible`: not their own, not a notice, not a muted conversation unless
/// it mentions them, and not the chat they are reading.
pub fn should_alert(
    me: Option<UserId>,
    conversation: Option<&ConversationSummary>,
    message: &Message,
    looking_at: &str,
    visible: bool,
) -> bool {
    let Some(me) = me else {
        return false;
    };
    if message.sender_id.is_none() || message.sender_id == Some(me) {
        return false;
    }
    let muted = conversation.is_some_and(|c| c.muted);
    if muted && !message.mentions_user(me) {
        return false;
    }
    let reading = visible && looking_at == format!("/chat/{}", message.conversation_id);
    !reading
}

/// The document title with `unread` messages waiting: "(3) Parley".
pub fn title(app: &str, unread: u64) -> String {
    if unread == 0 {
        app.to_owned()
    } else {
        format!("({unread}) {app}")
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::wasm_bindgen::JsCast;
    use leptos::wasm_bindgen::prelude::Closure;

    use super::NotifySettings;

    const KEY: &str = "parley_notify";

    /// The switches saved on this device.
    pub fn load() -> NotifySettings {
        web_sys::window()
            .and_then(|w| w.local_storage().ok().flatten())
            .and_then(|s| s.get_item(KEY).ok().flatten())
            .and_then(|raw| serde_json::from_str(&raw).ok())
            .unwrap_or_default()
    }

    /// Saves the switches on this device.
    pub fn save(settings: NotifySettings) {
        if let (Some(storage), Ok(raw)) = (
            web_sys::window().and_then(|w| w.local_storage().ok().flatten()),
            serde_json::to_string(&settings),
        ) {
            let _ = storage.set_item(KEY, &raw);
        }
    }

    /// The browser's answer so far: `granted`, `denied` or `default` (not asked yet);
    /// `unsupported` without the Notification API.
    pub fn permission() -> String {
        let supported = web_sys::window()
            .is_some_and(|w| js_sys::Reflect::has(&w, &"Notification".into()).unwrap_or(false));
        if !supported {
            return "unsupported".into();
        }
        match web_sys::Notification::permission() {
            web_sys::NotificationPermission::Granted => "granted".into(),
            web_sys::NotificationPermission::Denied => "denied".into(),
            _ => "default".into(),
        }
    }

    /// Asks the browser for permission; `then` gets the answer.
    pub fn request(then: impl FnOnce(String) + 'static) {
        if permission() == "unsupported" {
            then("unsupported".into());
            return;
        }
        let Ok(promise) = web_sys::Notification::request_permission() else {
            then(permission());
            return;
        };
        leptos::task::spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
            then(permission());
        });
    }

    /// Where the user is and whether the page is in front.
    pub fn whereabouts() -> (String, bool) {
        let Some(w) = web_sys::window() else {
            return (String::new(), false);
        };
        let path = w.location().pathname().unwrap_or_default();
        let visible = w.document().is_some_and(|d| !d.hidden());
        (path, visible)
    }

    /// Shows a system notification that opens the chat when tapped.
    pub fn show(title: &str, body: &str, path: String, tag: &str) {
        if permission() != "granted" {
            return;
        }
        let options = web_sys::NotificationOptions::new();
        options.set_body(body);
        options.set_tag(tag);
        let Ok(note) = web_sys::Notification::new_with_options(title, &options) else {
            return;
        };
        let onclick = Closure::<dyn FnMut()>::new(move || {
            if let Some(w) = web_sys::window() {
                let _ = w.focus();
                let _ = w.location().set_href(&path);
            }
        });
        note.set_onclick(Some(onclick.as_ref().unchecked_ref()));
        onclick.forget();
    }

    /// A short, quiet two-tone chime.
    pub fn chime() {
        let Ok(ctx) = web_sys::AudioContext::new() else {
            return;
        };
        let now = ctx.current_time();
        for (i, freq) in [880.0_f32, 1320.0].into_iter().enumerate() {
            let (Ok(osc), Ok(gain)) = (ctx.create_oscillator(), ctx.create_gain()) else {
                return;
            };
            let start = now + 0.12 * i as f64;
            osc.frequency().set_value(freq);
            gain.gain().set_value(0.0);
            let _ = gain.gain().linear_ramp_to_value_at_time(0.15, start + 0.01);
            let _ = gain.gain().linear_ramp_to_value_at_time(0.0, start + 0.11);
            let _ = osc.connect_with_audio_node(&gain);
            let _ = gain.connect_with_audio_node(&ctx.destination());
            let _ = osc.start_with_when(start);
            let _ = osc.stop_with_when(start + 0.12);
        }
    }
}

#[cfg(feature = "hydrate")]
pub use browser::{load, permission, request, save};

/// Alerts the user about `message` if they should be (see [`should_alert`]).
#[cfg(feature = "hydrate")]
pub fn on_message(store: crate::store::Store, message: &Message) {
    use leptos::prelude::*;
    let (path, visible) = browser::whereabouts();
    let settings = store.notify.get_untracked();
    let alert = store.state.with_untracked(|s| {
        let conversation = s.conversations.get(&message.conversation_id);
        should_alert(s.me, conversation, message, &path, visible).then(|| {
            let title = conversation.map(|c| c.title.clone()).unwrap_or_default();
            (title, conversation.is_some_and(|c| c.group_id.is_some()))
        })
    });
    let Some((title, _group)) = alert else {
        return;
    };
    if settings.system {
        let lang = use_context::<shared::ui::I18n>()
            .map(|i| i.lang.get_untracked())
            .unwrap_or_default();
        let body = match &message.body {
            shared::model::MessageBody::Text { text } => text.chars().take(100).collect(),
            other => other.preview(lang),
        };
        let id = message.conversation_id;
        browser::show(
            &title,
            &body,
            format!("/chat/{id}"),
            &format!("parley-{id}"),
        );
    }
    if settings.sound {
        browser::chime();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::ids::{ConversationId, MessageId};
    use shared::model::{ConversationKind, Mention, MessageBody};

    fn message(sender: i64, mentions: Vec<Mention>) -> Message {
        Message {
            id: MessageId(1),
            conversation_id: ConversationId(7),
            seq: 3,
            sender_id: Some(UserId(sender)),
            client_msg_id: None,
            body: MessageBody::Text { text: "hi".into() },
            created_at: 0,
            quote: None,
            edited_at: None,
            reactions: Vec::new(),
            mentions,
        }
    }

    fn summary(muted: bool) -> ConversationSummary {
        ConversationSummary {
            id: ConversationId(7),
            kind: ConversationKind::Group,
            title: "team".into(),
            avatar_url: None,
            peer_id: None,
            group_id: None,
            last_message: None,
            last_seq: 3,
            read_seq: 0,
            unread: 1,
            pinned: false,
            muted,
            mentioned: false,
            updated_at: 0,
        }
    }

    #[test]
    fn who_is_alerted() {
        let me = Some(UserId(1));
        let (plain, muted) = (summary(false), summary(true));
        let at = |u: Option<UserId>| Mention {
            user_id: u,
            start: 0,
            len: 2,
        };
        // Someone else's message, the user elsewhere: yes; their own: no.
        assert!(should_alert(
            me,
            Some(&plain),
            &message(2, vec![]),
            "/",
            true
        ));
        assert!(!should_alert(
            me,
            Some(&plain),
            &message(1, vec![]),
            "/",
            true
        ));
        // Reading that chat in front: no; the same chat in a hidden tab: yes.
        assert!(!should_alert(
            me,
            Some(&plain),
            &message(2, vec![]),
            "/chat/7",
            true
        ));
        assert!(should_alert(
            me,
            Some(&plain),
            &message(2, vec![]),
            "/chat/7",
            false
        ));
        // Muted: silent, unless the message mentions the user (by name or everyone).
        assert!(!should_alert(
            me,
            Some(&muted),
            &message(2, vec![]),
            "/",
            true
        ));
        assert!(should_alert(
            me,
            Some(&muted),
            &message(2, vec![at(me)]),
            "/",
            true
        ));
        assert!(should_alert(
            me,
            Some(&muted),
            &message(2, vec![at(None)]),
            "/",
            true
        ));
        assert!(!should_alert(
            me,
            Some(&muted),
            &message(2, vec![at(Some(UserId(9)))]),
            "/",
            true
        ));
        assert_eq!(title("Parley", 0), "Parley");
        assert_eq!(title("Parley", 3), "(3) Parley");
    }
}
