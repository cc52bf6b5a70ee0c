//! Hold-to-talk voice notes: press and hold the bar to record (Opus through `MediaRecorder`),
//! slide up to cancel, release to send. Notes under a second are dropped; recording stops by
//! itself at sixty seconds.

use leptos::prelude::*;
use shared::i18n::Key;
use shared::ids::ConversationId;
use shared::ui::use_i18n;

use crate::store::Store;
use crate::upload::Upload;

/// How far up (CSS pixels) the finger must slide to cancel.
const CANCEL_DISTANCE: i32 = 60;
/// Shortest note sent, in milliseconds.
#[cfg(feature = "hydrate")]
const MIN_MS: u32 = 1000;

/// What the talk bar shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TalkState {
    Idle,
    Recording,
    Cancelling,
    TooShort,
    NoMicrophone,
}

/// The "Hold to talk" bar that replaces the text box in voice mode.
#[component]
pub fn HoldToTalk(
    /// The conversation.
    id: ConversationId,
    /// The store messages resolve into.
    store: Store,
    /// Uploads on their way.
    uploads: RwSignal<Vec<Upload>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let state = RwSignal::new(TalkState::Idle);
    let start_y = StoredValue::new(0i32);
    let label = move || {
        let key = match state.get() {
            TalkState::Idle | TalkState::TooShort | TalkState::NoMicrophone => Key::HoldToTalk,
            TalkState::Recording => Key::ReleaseToSend,
            TalkState::Cancelling => Key::ReleaseToCancel,
        };
        i18n.lang.get().t(key)
    };
    let hint = move || match state.get() {
        TalkState::Recording => Some(Key::SlideUpToCancel),
        TalkState::Cancelling => Some(Key::ReleaseToCancel),
        TalkState::TooShort => Some(Key::TooShort),
        TalkState::NoMicrophone => Some(Key::MicrophoneUnavailable),
        TalkState::Idle => None,
    };
    let finish = move |send: bool| {
        let was = state.get_untracked();
        if !matches!(was, TalkState::Recording | TalkState::Cancelling) {
            return;
        }
        let send = send && was == TalkState::Recording;
        state.set(TalkState::Idle);
        recorder::stop(send, move |outcome| match outcome {
            recorder::Outcome::Sent(blob, duration_ms) => {
                #[cfg(feature = "hydrate")]
                crate::upload::start(
                    store,
                    uploads,
                    id,
                    "voice.webm".into(),
                    blob,
                    crate::upload::UploadKind::Voice { duration_ms },
                    None,
                );
                #[cfg(not(feature = "hydrate"))]
                let _ = (blob, duration_ms, store, uploads, id);
            }
            recorder::Outcome::TooShort => state.set(TalkState::TooShort),
            recorder::Outcome::Dropped => {}
        });
    };
    view! {
        <button
            type="button"
            class="talk-bar"
            class:recording=move || state.get() == TalkState::Recording
            class:cancelling=move || state.get() == TalkState::Cancelling
            on:pointerdown=move |ev: leptos::ev::PointerEvent| {
                ev.prevent_default();
                start_y.set_value(ev.client_y());
                capture(&ev);
                state.set(TalkState::Recording);
                recorder::start(
                    move || state.set(TalkState::NoMicrophone),
                    move || finish(true),
                );
            }
            on:pointermove=move |ev: leptos::ev::PointerEvent| {
                let up = start_y.get_value() - ev.client_y();
                match state.get_untracked() {
                    TalkState::Recording if up > CANCEL_DISTANCE => {
                        state.set(TalkState::Cancelling)
                    }
                    TalkState::Cancelling if up <= CANCEL_DISTANCE => {
                        state.set(TalkState::Recording)
                    }
                    _ => {}
                }
            }
            on:pointerup=move |_| finish(true)
            on:pointercancel=move |_| finish(false)
            on:contextmenu=move |ev| ev.prevent_default()
        >
            {label}
        </button>
        {move || {
            hint()
                .map(|key| {
                    view! {
                        <div
                            class="talk-overlay"
                            class:cancelling=move || state.get() == TalkState::Cancelling
                            role="status"
                        >
                            {move || i18n.lang.get().t(key)}
                        </div>
                    }
                })
        }}
    }
}

/// Keeps the pointer's events on the bar while the finger slides.
fn capture(ev: &leptos::ev::PointerEvent) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(el) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        {
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ev;
}

#[cfg(feature = "hydrate")]
mod recorder {
    use std::cell::RefCell;
    use std::rc::Rc;

    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{Blob, BlobEvent, MediaRecorder, MediaStream};

    /// What became of a recording.
    pub enum Outcome {
        /// Long enough and not cancelled: the note and its length.
        Sent(Blob, u32),
        /// Released under a second.
        TooShort,
        /// Cancelled.
        Dropped,
    }

    struct Recording {
        recorder: Option<MediaRecorder>,
        stream: Option<MediaStream>,
        chunks: Rc<RefCell<Vec<Blob>>>,
        started: f64,
        /// Released before the microphone was ready.
        released: bool,
    }

    thread_local! {
        static CURRENT: RefCell<Option<Recording>> = const { RefCell::new(None) };
    }

    const OPUS: &str = "audio/webm;codecs=opus";

    /// Starts recording; `no_microphone` runs when it cannot, `limit` at sixty seconds.
    pub fn start(no_microphone: impl Fn() + 'static, limit: impl Fn() + 'static) {
        let chunks = Rc::new(RefCell::new(Vec::new()));
        CURRENT.with(|c| {
            *c.borrow_mut() = Some(Recording {
                recorder: None,
                stream: None,
                chunks: chunks.clone(),
                started: js_sys::Date::now(),
                released: false,
            })
        });
        wasm_bindgen_futures::spawn_local(async move {
            let Some(devices) = web_sys::window().and_then(|w| w.navigator().media_devices().ok())
            else {
                no_microphone();
                return;
            };
            let constraints = web_sys::MediaStreamConstraints::new();
            constraints.set_audio(&true.into());
            let Ok(promise) = devices.get_user_media_with_constraints(&constraints) else {
                no_microphone();
                return;
            };
            let Ok(stream) = JsFuture::from(promise)
                .await
                .map(MediaStream::unchecked_from_js)
            else {
                no_microphone();
                return;
            };
            let options = web_sys::MediaRecorderOptions::new();
            if MediaRecorder::is_type_supported(OPUS) {
                options.set_mime_type(OPUS);
            }
            let Ok(recorder) =
                MediaRecorder::new_with_media_stream_and_media_recorder_options(&stream, &options)
            else {
                stop_tracks(&stream);
                no_microphone();
                return;
            };
            let on_data = Closure::<dyn FnMut(BlobEvent)>::new(move |ev: BlobEvent| {
                if let Some(data) = ev.data() {
                    chunks.borrow_mut().push(data);
                }
            });
            recorder.set_ondataavailable(Some(on_data.as_ref().unchecked_ref()));
            on_data.forget();
            let released = CURRENT.with(|c| {
                let mut c = c.borrow_mut();
                match c.as_mut() {
                    Some(r) if !r.released => {
                        r.started = js_sys::Date::now();
                        r.recorder = Some(recorder.clone());
                        r.stream = Some(stream.clone());
                        false
                    }
                    _ => true,
                }
            });
            if released {
                stop_tracks(&stream);
                return;
            }
            let _ = recorder.start();
            leptos::prelude::set_timeout(limit, std::time::Duration::from_millis(60_000));
        });
    }

    /// Stops recording; `done` learns whether a note is to be sent.
    pub fn stop(send: bool, done: impl Fn(Outcome) + 'static) {
        let Some(mut rec) = CURRENT.with(|c| c.borrow_mut().take()) else {
            return;
        };
        let elapsed = (js_sys::Date::now() - rec.started).max(0.0);
        let duration_ms = (elapsed as u32).min(super::MAX_MS);
        let Some(recorder) = rec.recorder.take() else {
            // The microphone was not ready yet: nothing was recorded.
            rec.released = true;
            done(if send {
                Outcome::TooShort
            } else {
                Outcome::Dropped
            });
            return;
        };
        let stream = rec.stream.take();
        let short = duration_ms < super::MIN_MS;
        let chunks = rec.chunks.clone();
        let on_stop = Closure::once_into_js(move || {
            if let Some(stream) = &stream {
                stop_tracks(stream);
            }
            if !send {
                done(Outcome::Dropped);
                return;
            }
            if short {
                done(Outcome::TooShort);
                return;
            }
            let parts = js_sys::Array::new();
            for chunk in chunks.borrow().iter() {
                parts.push(chunk);
            }
            let bag = web_sys::BlobPropertyBag::new();
            bag.set_type("audio/webm");
            match Blob::new_with_blob_sequence_and_options(&parts, &bag) {
                Ok(blob) => done(Outcome::Sent(blob, duration_ms.max(1))),
                Err(_) => done(Outcome::Dropped),
            }
        });
        recorder.set_onstop(Some(on_stop.unchecked_ref()));
        let _ = recorder.stop();
    }

    fn stop_tracks(stream: &MediaStream) {
        for track in stream.get_tracks().iter() {
            if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
                track.stop();
            }
        }
    }
}

#[cfg(not(feature = "hydrate"))]
mod recorder {
    /// What became of a recording (no recording outside a browser: never constructed here).
    #[allow(dead_code)]
    pub enum Outcome {
        Sent((), u32),
        TooShort,
        Dropped,
    }

    pub fn start(_no_microphone: impl Fn() + 'static, _limit: impl Fn() + 'static) {}

    pub fn stop(_send: bool, _done: impl Fn(Outcome) + 'static) {}
}

/// The longest note, in milliseconds.
pub const MAX_MS: u32 = shared::model::VOICE_MAX_MS;
