//! The `+` panel under the input bar (Album, Camera, File, Location) and the bubbles of media on
//! their way (progress, cancel, retry).

use leptos::prelude::*;
use shared::i18n::Key;
use shared::ids::ConversationId;
use shared::model::MessageBody;
use shared::ui::use_i18n;

use crate::components::icons::{AlbumIcon, CameraIcon, FolderIcon, PinIcon};
use crate::store::Store;
use crate::upload::{Upload, UploadKind};

/// The panel of ways to send something other than text.
#[component]
pub fn AttachPanel(
    /// The conversation.
    id: ConversationId,
    /// The store messages resolve into.
    store: Store,
    /// Uploads on their way.
    uploads: RwSignal<Vec<Upload>>,
    /// Closes the panel.
    close: Callback<()>,
) -> AnyView {
    let i18n = use_i18n();
    let album = NodeRef::<leptos::html::Input>::new();
    let camera = NodeRef::<leptos::html::Input>::new();
    let file = NodeRef::<leptos::html::Input>::new();
    let locating = RwSignal::new(false);
    let place: RwSignal<Option<(f64, f64)>> = RwSignal::new(None);
    let location_error = RwSignal::new(false);
    let picked = move |input: NodeRef<leptos::html::Input>, kind: UploadKind| {
        #[cfg(feature = "hydrate")]
        if let Some(el) = input.get_untracked() {
            crate::upload::pick(store, uploads, id, &el, kind);
            close.run(());
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (input, kind, store, uploads, id);
    };
    let open = move |input: NodeRef<leptos::html::Input>| {
        if let Some(el) = input.get_untracked() {
            el.click();
        }
    };
    let locate = move |_| {
        location_error.set(false);
        locating.set(true);
        current_position(move |found| {
            locating.set(false);
            match found {
                Some(p) => place.set(Some(p)),
                None => location_error.set(true),
            }
        });
    };
    view! {
        <div class="attach-panel" role="group" aria-label=i18n.tr(Key::MoreActions)>
            <input
                node_ref=album
                type="file"
                accept="image/*,video/*"
                multiple=true
                hidden=true
                data-testid="album-input"
                on:change=move |_| picked(album, UploadKind::Picture)
            />
            <input
                node_ref=camera
                type="file"
                accept="image/*"
                capture="environment"
                hidden=true
                on:change=move |_| picked(camera, UploadKind::Picture)
            />
            <input
                node_ref=file
                type="file"
                multiple=true
                hidden=true
                data-testid="file-input"
                on:change=move |_| picked(file, UploadKind::File)
            />
            <button type="button" class="attach-item" on:click=move |_| open(album)>
                <span class="attach-icon" aria-hidden="true"><AlbumIcon/></span>
                {i18n.tr(Key::Album)}
            </button>
            <button type="button" class="attach-item" on:click=move |_| open(camera)>
                <span class="attach-icon" aria-hidden="true"><CameraIcon/></span>
                {i18n.tr(Key::Camera)}
            </button>
            <button type="button" class="attach-item" on:click=move |_| open(file)>
                <span class="attach-icon" aria-hidden="true"><FolderIcon/></span>
                {i18n.tr(Key::FileAction)}
            </button>
            <button
                type="button"
                class="attach-item"
                disabled=move || locating.get()
                on:click=locate
            >
                <span class="attach-icon" aria-hidden="true"><PinIcon/></span>
                {i18n.tr(Key::LocationAction)}
            </button>
            <Show when=move || location_error.get()>
                <p class="form-error" role="alert">{i18n.tr(Key::LocationUnavailable)}</p>
            </Show>
            {move || {
                place
                    .get()
                    .map(|(lat, lng)| {
                        view! { <LocationSheet id store lat lng place close/> }
                    })
            }}
        </div>
    }
    .into_any()
}

/// Names the place found and sends it.
#[component]
fn LocationSheet(
    id: ConversationId,
    store: Store,
    lat: f64,
    lng: f64,
    place: RwSignal<Option<(f64, f64)>>,
    close: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let title = RwSignal::new(i18n.lang.get_untracked().t(Key::MyLocation).to_owned());
    let error = RwSignal::new(None::<shared::AppError>);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = MessageBody::Location {
            title: title.get_untracked(),
            lat,
            lng,
        };
        let client_msg_id = crate::pages::chat::new_client_msg_id();
        leptos::task::spawn_local(async move {
            match shared::api::messages::send_message(id, client_msg_id, body, None, Vec::new())
                .await
            {
                Ok(message) => {
                    store.state.try_update(|s| s.add_message(message));
                    place.try_set(None);
                    close.run(());
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    view! {
        <form class="location-sheet" on:submit=send>
            <p class="location-coords">{format!("{lat:.5}, {lng:.5}")}</p>
            <label>
                {i18n.tr(Key::PlaceName)}
                <input
                    type="text"
                    maxlength="100"
                    prop:value=move || title.get()
                    on:input=move |ev| title.set(event_target_value(&ev))
                />
            </label>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{i18n.error(&e)}</p> })}
            <div class="sheet-actions">
                <button type="button" class="button" on:click=move |_| place.set(None)>
                    {i18n.tr(Key::Cancel)}
                </button>
                <button type="submit" class="button primary">{i18n.tr(Key::SendLocation)}</button>
            </div>
        </form>
    }
}

/// Asks the browser where it is; `found` gets `(lat, lng)` or `None`.
#[cfg(feature = "hydrate")]
fn current_position(found: impl Fn(Option<(f64, f64)>) + Clone + 'static) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    let Some(geo) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
        found(None);
        return;
    };
    let ok = {
        let found = found.clone();
        Closure::once_into_js(move |pos: web_sys::Position| {
            let c = pos.coords();
            found(Some((c.latitude(), c.longitude())));
        })
    };
    let fail = Closure::once_into_js(move |_err: wasm_bindgen::JsValue| found(None));
    let options = web_sys::PositionOptions::new();
    options.set_timeout(15_000);
    if geo
        .get_current_position_with_error_callback_and_options(
            ok.unchecked_ref(),
            Some(fail.unchecked_ref()),
            &options,
        )
        .is_err()
    {
        // The error callback was handed over; nothing more to do.
    }
}

#[cfg(not(feature = "hydrate"))]
fn current_position(found: impl Fn(Option<(f64, f64)>) + Clone + 'static) {
    found(None);
}

/// A media message on its way: a preview or the file's name, a progress bar, and cancel or
/// retry.
#[component]
pub fn UploadBubble(
    /// The upload.
    upload: Upload,
    /// Retries it.
    retry: Callback<Upload>,
    /// Cancels it.
    cancel: Callback<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let progress = upload.progress;
    let failed = upload.failed;
    let percent = move || format!("{:.0}%", progress.get() * 100.0);
    let retry_upload = upload.clone();
    let id = upload.client_msg_id.clone();
    let label = match upload.kind {
        UploadKind::Voice { duration_ms } => format!("{}\"", duration_ms.div_ceil(1000).max(1)),
        _ => upload.name.clone(),
    };
    view! {
        <li class="message mine pending upload" class:failed=move || failed.with(Option::is_some)>
            {move || {
                failed
                    .get()
                    .map(|e| {
                        let retry_upload = retry_upload.clone();
                        view! {
                            <span class="send-state failed" role="alert">
                                {i18n.error(&e)}
                                <button
                                    type="button"
                                    class="link-button"
                                    on:click=move |_| retry.run(retry_upload.clone())
                                >
                                    {i18n.tr(Key::Retry)}
                                </button>
                            </span>
                        }
                    })
            }}
            <div class="bubble media uploading">
                {upload
                    .preview
                    .clone()
                    .map(|src| view! { <img class="upload-preview" src=src alt=""/> })}
                <span class="upload-name">{label}</span>
                <progress
                    class="upload-progress"
                    max="1"
                    value=move || progress.get().to_string()
                    aria-label=i18n.tr(Key::Uploading)
                ></progress>
                <span class="upload-percent">{percent}</span>
                <button
                    type="button"
                    class="link-button upload-cancel"
                    on:click=move |_| cancel.run(id.clone())
                >
                    {i18n.tr(Key::Cancel)}
                </button>
            </div>
        </li>
    }
}
