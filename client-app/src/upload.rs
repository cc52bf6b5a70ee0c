//! Sending media from the chat screen: each picked file (or recorded voice note) becomes an
//! upload bubble with a progress bar; it is uploaded with `upload_media` (over
//! `XMLHttpRequest`, which reports progress and can be cancelled), then sent with
//! `send_message` under its own `client_msg_id`. A failure offers a retry with the same id (an
//! upload that finished is not repeated); cancelling aborts the transfer.

use leptos::prelude::*;
use shared::AppError;
#[cfg(not(feature = "hydrate"))]
use shared::ids::ConversationId;
use shared::model::{Media, MediaKind, MessageBody};

#[cfg(not(feature = "hydrate"))]
use crate::store::Store;

/// What an upload is meant to become.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadKind {
    /// Picked from the album or taken with the camera (a photo or a video: the server decides).
    Picture,
    /// Picked as a file.
    File,
    /// A recorded voice note of this length.
    Voice {
        /// Milliseconds recorded.
        duration_ms: u32,
    },
}

/// One media message on its way: uploading, sending, or failed.
#[derive(Debug, Clone, PartialEq)]
pub struct Upload {
    /// Its `client_msg_id` (a retry reuses it).
    pub client_msg_id: String,
    /// The file's name.
    pub name: String,
    /// What it becomes.
    pub kind: UploadKind,
    /// When it was picked (epoch ms), for ordering among the messages.
    pub created_at: i64,
    /// A local preview URL (`blob:`) for pictures.
    pub preview: Option<String>,
    /// Bytes sent so far, 0.0 … 1.0.
    pub progress: RwSignal<f64>,
    /// The error that stopped it, if any.
    pub failed: RwSignal<Option<AppError>>,
    /// The stored upload, once it arrived (a retry then only sends).
    pub media: RwSignal<Option<Media>>,
}

/// The body to send for an upload, by what the server found the bytes to be.
pub fn body_for(kind: UploadKind, media: &Media) -> MessageBody {
    let media_id = media.id.clone();
    match (kind, media.kind) {
        (UploadKind::Voice { duration_ms }, MediaKind::Audio) => MessageBody::Voice {
            media_id,
            duration_ms,
            media: None,
        },
        (UploadKind::Picture, MediaKind::Image) => MessageBody::Image {
            media_id,
            media: None,
        },
        (UploadKind::Picture, MediaKind::Video) => MessageBody::Video {
            media_id,
            media: None,
        },
        _ => MessageBody::File {
            media_id,
            media: None,
        },
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::RefCell;
    use std::collections::HashMap;

    use leptos::prelude::*;
    use shared::AppError;
    use shared::api::messages::send_message;
    use shared::ids::ConversationId;
    use shared::model::Media;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use web_sys::{Blob, FormData, ProgressEvent, XmlHttpRequest};

    use super::{Upload, UploadKind, body_for};
    use crate::store::Store;

    thread_local! {
        /// The bytes of each upload and its transfer in flight, by `client_msg_id`.
        static FILES: RefCell<HashMap<String, (Blob, Option<XmlHttpRequest>)>> =
            RefCell::new(HashMap::new());
    }

    /// Registers the bytes of a new upload.
    pub fn remember(client_msg_id: &str, blob: Blob) {
        FILES.with(|f| {
            f.borrow_mut()
                .insert(client_msg_id.to_owned(), (blob, None))
        });
    }

    /// Forgets an upload's bytes, aborting its transfer if one is running.
    pub fn forget(client_msg_id: &str) {
        let entry = FILES.with(|f| f.borrow_mut().remove(client_msg_id));
        if let Some((_, Some(xhr))) = entry {
            let _ = xhr.abort();
        }
    }

    /// Uploads (unless done before) and sends `upload`, then resolves it into the store.
    pub fn run(store: Store, uploads: RwSignal<Vec<Upload>>, id: ConversationId, upload: Upload) {
        upload.failed.set(None);
        leptos::task::spawn_local(async move {
            let media = match upload.media.get_untracked() {
                Some(media) => media,
                None => match transfer(&upload).await {
                    Ok(media) => {
                        upload.media.set(Some(media.clone()));
                        media
                    }
                    Err(None) => return, // cancelled
                    Err(Some(e)) => {
                        upload.failed.set(Some(e));
                        return;
                    }
                },
            };
            let body = body_for(upload.kind, &media);
            match send_message(id, upload.client_msg_id.clone(), body, None, Vec::new()).await {
                Ok(message) => {
                    store.state.try_update(|s| s.add_message(message));
                    forget(&upload.client_msg_id);
                    if let Some(url) = &upload.preview {
                        let _ = web_sys::Url::revoke_object_url(url);
                    }
                    uploads.try_update(|u| u.retain(|x| x.client_msg_id != upload.client_msg_id));
                }
                Err(e) => {
                    upload.failed.set(Some(e));
                }
            }
        });
    }

    /// `POST /api/upload_media` with progress: the stored media, `Err(None)` when cancelled.
    async fn transfer(upload: &Upload) -> Result<Media, Option<AppError>> {
        let network = |detail: &str| {
            Some(AppError::Network {
                detail: detail.to_owned(),
            })
        };
        let Some(blob) = FILES.with(|f| f.borrow().get(&upload.client_msg_id).map(|e| e.0.clone()))
        else {
            return Err(network("the file is no longer available"));
        };
        let form = FormData::new().map_err(|_| network("FormData"))?;
        form.append_with_blob_and_filename("file", &blob, &upload.name)
            .map_err(|_| network("FormData"))?;
        let xhr = XmlHttpRequest::new().map_err(|_| network("XMLHttpRequest"))?;
        xhr.open("POST", "/api/upload_media")
            .map_err(|_| network("open"))?;
        let _ = xhr.set_request_header("Accept", "application/json");
        let progress = upload.progress;
        let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |ev: ProgressEvent| {
            if ev.length_computable() && ev.total() > 0.0 {
                progress.try_set(ev.loaded() / ev.total());
            }
        });
        if let Ok(target) = xhr.upload() {
            target.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        }
        let (done, finished) = futures::channel::oneshot::channel::<&'static str>();
        let done = std::rc::Rc::new(RefCell::new(Some(done)));
        let make = |what: &'static str| {
            let done = done.clone();
            Closure::<dyn FnMut()>::new(move || {
                if let Some(tx) = done.borrow_mut().take() {
                    let _ = tx.send(what);
                }
            })
        };
        let (on_load, on_error, on_abort) = (make("load"), make("error"), make("abort"));
        xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
        xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        xhr.set_onabort(Some(on_abort.as_ref().unchecked_ref()));
        xhr.send_with_opt_form_data(Some(&form))
            .map_err(|_| network("send"))?;
        FILES.with(|f| {
            if let Some(entry) = f.borrow_mut().get_mut(&upload.client_msg_id) {
                entry.1 = Some(xhr.clone());
            }
        });
        let how = finished.await.unwrap_or("abort");
        drop((on_progress, on_load, on_error, on_abort));
        FILES.with(|f| {
            if let Some(entry) = f.borrow_mut().get_mut(&upload.client_msg_id) {
                entry.1 = None;
            }
        });
        match how {
            "abort" => Err(None),
            "error" => Err(network("the upload was interrupted")),
            _ => {
                let status = xhr.status().unwrap_or(0);
                let text = xhr.response_text().ok().flatten().unwrap_or_default();
                if (200..300).contains(&status) {
                    serde_json::from_str::<Media>(&text)
                        .map_err(|e| network(&format!("unexpected answer: {e}")))
                } else {
                    Err(Some(serde_json::from_str::<AppError>(&text).unwrap_or(
                        AppError::Network {
                            detail: format!("HTTP {status}"),
                        },
                    )))
                }
            }
        }
    }

    /// Starts uploads for the files an `<input type=file>` holds, then clears it.
    pub fn pick(
        store: Store,
        uploads: RwSignal<Vec<Upload>>,
        id: ConversationId,
        input: &web_sys::HtmlInputElement,
        kind: UploadKind,
    ) {
        let Some(files) = input.files() else { return };
        for i in 0..files.length() {
            let Some(file) = files.get(i) else { continue };
            let is_picture = file.type_().starts_with("image/");
            let preview = if kind == UploadKind::Picture && is_picture {
                web_sys::Url::create_object_url_with_blob(&file).ok()
            } else {
                None
            };
            start(store, uploads, id, file.name(), file.into(), kind, preview);
        }
        input.set_value("");
    }

    /// Adds an upload bubble for `blob` and starts it.
    pub fn start(
        store: Store,
        uploads: RwSignal<Vec<Upload>>,
        id: ConversationId,
        name: String,
        blob: Blob,
        kind: UploadKind,
        preview: Option<String>,
    ) {
        let client_msg_id = crate::pages::chat::new_client_msg_id();
        remember(&client_msg_id, blob);
        let upload = Upload {
            client_msg_id,
            name,
            kind,
            created_at: js_sys::Date::now() as i64,
            preview,
            progress: RwSignal::new(0.0),
            failed: RwSignal::new(None),
            media: RwSignal::new(None),
        };
        uploads.update(|u| u.push(upload.clone()));
        run(store, uploads, id, upload);
    }
}

#[cfg(feature = "hydrate")]
pub use browser::{forget, pick, run, start};

/// Retries a failed upload (server side: nothing to do).
#[cfg(not(feature = "hydrate"))]
pub fn run(_store: Store, _uploads: RwSignal<Vec<Upload>>, _id: ConversationId, _upload: Upload) {}

/// Cancels an upload (server side: nothing to do).
#[cfg(not(feature = "hydrate"))]
pub fn forget(_client_msg_id: &str) {}
