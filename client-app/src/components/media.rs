//! How media messages look in a chat: photos as thumbnails with their real aspect ratio, videos
//! with a poster frame and controls, voice notes as a bar whose width grows with the length,
//! files as a card that downloads, places as a card that opens an online map.

use leptos::prelude::*;
use shared::i18n::Key;
use shared::model::{Media, MessageBody, human_size};
use shared::ui::use_i18n;

/// The longest side of a photo bubble, in CSS pixels.
const PHOTO_BOX: u32 = 180;

/// The content of a media message's bubble; `None` for text and notices.
pub fn media_view(body: &MessageBody) -> Option<AnyView> {
    Some(match body.clone() {
        MessageBody::Image { media, .. } => {
            let media = media?;
            view! { <Photo media/> }.into_any()
        }
        MessageBody::Video { media, .. } => {
            let media = media?;
            view! { <Video media/> }.into_any()
        }
        MessageBody::Voice {
            media, duration_ms, ..
        } => {
            let media = media?;
            view! { <Voice media duration_ms/> }.into_any()
        }
        MessageBody::File { media, .. } => {
            let media = media?;
            view! { <FileCard media/> }.into_any()
        }
        MessageBody::Location { title, lat, lng } => {
            view! { <LocationCard title lat lng/> }.into_any()
        }
        MessageBody::Text { .. }
        | MessageBody::System { .. }
        | MessageBody::Recalled { .. }
        | MessageBody::Forwarded { .. } => return None,
    })
}

/// The size a photo is shown at before it loads: its aspect ratio within the bubble's box.
pub fn photo_box(width: Option<u32>, height: Option<u32>) -> (u32, u32) {
    match (width, height) {
        (Some(w), Some(h)) if w > 0 && h > 0 => {
            if w >= h {
                (PHOTO_BOX, (PHOTO_BOX * h / w).max(40))
            } else {
                ((PHOTO_BOX * w / h).max(40), PHOTO_BOX)
            }
        }
        _ => (PHOTO_BOX, PHOTO_BOX),
    }
}

/// A photo: its thumbnail, sized before it loads; a tap opens the full-screen viewer.
#[component]
fn Photo(media: Media) -> impl IntoView {
    let i18n = use_i18n();
    let (w, h) = photo_box(media.width, media.height);
    let src = media.thumb_url.clone().unwrap_or_else(|| media.url.clone());
    let full = media.url.clone();
    let open = use_context::<crate::components::viewer::ViewerOpen>();
    view! {
        <button
            type="button"
            class="media-photo"
            data-full=full.clone()
            aria-label=i18n.tr(Key::PreviewPhoto)
            style=format!("width:{w}px;height:{h}px")
            on:click=move |_| {
                if let Some(open) = open {
                    open.0.set(Some(full.clone()));
                }
            }
        >
            <img src=src alt="" loading="lazy" width=w height=h/>
        </button>
    }
}

/// A video: the first frame as its poster, played inline with the browser's controls (and
/// full-screen from them).
#[component]
fn Video(media: Media) -> impl IntoView {
    view! {
        <video
            class="media-video"
            src=media.url
            controls=true
            preload="metadata"
            playsinline=true
        ></video>
    }
}

/// A voice note: a bar as wide as it is long, seconds beside it, a dot until it is first
/// played; a tap plays it (and a second tap stops it).
#[component]
fn Voice(media: Media, duration_ms: u32) -> impl IntoView {
    let i18n = use_i18n();
    let secs = duration_ms.div_ceil(1000).max(1);
    // 30 % of the row for a second, growing to 70 % at a minute.
    let width = 30 + secs * 40 / 60;
    let played = RwSignal::new(false);
    let playing = RwSignal::new(false);
    // Played on this device before (remembered across reloads); checked once in the browser.
    let id = media.id.clone();
    Effect::new(move |_| {
        if played_before(&id) {
            played.set(true);
        }
    });
    let played_id = media.id.clone();
    let audio = NodeRef::<leptos::html::Audio>::new();
    let toggle = move |_| {
        let Some(el) = audio.get() else { return };
        if playing.get_untracked() {
            let _ = el.pause();
            el.set_current_time(0.0);
            playing.set(false);
        } else {
            let _ = el.play();
            played.set(true);
            remember_played(&played_id);
            playing.set(true);
        }
    };
    view! {
        <button
            type="button"
            class="media-voice"
            class:playing=move || playing.get()
            style=format!("width:{width}%")
            aria-label=move || format!("{} {secs}\"", i18n.lang.get().t(Key::PreviewVoice))
            on:click=toggle
        >
            <span class="voice-waves" aria-hidden="true"></span>
            <span class="voice-length">{format!("{secs}\"")}</span>
            <audio
                node_ref=audio
                src=media.url
                preload="none"
                on:ended=move |_| playing.set(false)
            ></audio>
        </button>
        <span class="voice-unplayed" class:hidden=move || played.get() aria-hidden="true"></span>
    }
}

/// The local-storage key listing the voice notes played on this device.
#[cfg(feature = "hydrate")]
const PLAYED_KEY: &str = "parley_played_voice";
/// How many played voice notes are remembered (the oldest are forgotten first).
#[cfg(feature = "hydrate")]
const PLAYED_MAX: usize = 500;

#[cfg(feature = "hydrate")]
fn played_list() -> Vec<String> {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(PLAYED_KEY).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

/// Whether the voice note `id` was played on this device.
#[cfg(feature = "hydrate")]
fn played_before(id: &str) -> bool {
    played_list().iter().any(|p| p == id)
}

#[cfg(not(feature = "hydrate"))]
fn played_before(_id: &str) -> bool {
    false
}

/// Remembers that the voice note `id` was played on this device.
#[cfg(feature = "hydrate")]
fn remember_played(id: &str) {
    let mut list = played_list();
    if list.iter().any(|p| p == id) {
        return;
    }
    list.push(id.to_owned());
    let excess = list.len().saturating_sub(PLAYED_MAX);
    list.drain(..excess);
    if let (Some(storage), Ok(text)) = (
        web_sys::window().and_then(|w| w.local_storage().ok().flatten()),
        serde_json::to_string(&list),
    ) {
        let _ = storage.set_item(PLAYED_KEY, &text);
    }
}

#[cfg(not(feature = "hydrate"))]
fn remember_played(_id: &str) {}

/// A file: icon, name and size; a tap downloads it.
#[component]
fn FileCard(media: Media) -> impl IntoView {
    let ext = media
        .name
        .rsplit_once('.')
        .map(|(_, e)| e.chars().take(4).collect::<String>().to_uppercase())
        .unwrap_or_else(|| "FILE".into());
    view! {
        <a class="media-file" href=media.url.clone() download=media.name.clone()>
            <span class="file-text">
                <span class="file-name">{media.name.clone()}</span>
                <span class="file-size">{human_size(media.size)}</span>
            </span>
            <span class="file-icon" aria-hidden="true">{ext}</span>
        </a>
    }
}

/// A place: its title and coordinates; a tap opens it in OpenStreetMap.
#[component]
fn LocationCard(title: String, lat: f64, lng: f64) -> impl IntoView {
    let href = format!(
        "https://www.openstreetmap.org/?mlat={lat:.6}&mlon={lng:.6}#map=16/{lat:.6}/{lng:.6}"
    );
    view! {
        <a class="media-location" href=href target="_blank" rel="noopener noreferrer">
            <span class="location-title">{title}</span>
            <span class="location-coords">{format!("{lat:.5}, {lng:.5}")}</span>
            <span class="location-map" aria-hidden="true"></span>
        </a>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photos_keep_their_aspect_ratio() {
        assert_eq!(photo_box(Some(4000), Some(3000)), (180, 135));
        assert_eq!(photo_box(Some(1000), Some(2000)), (90, 180));
        assert_eq!(photo_box(Some(10000), Some(10)), (180, 40));
        assert_eq!(photo_box(None, None), (180, 180));
    }
}
