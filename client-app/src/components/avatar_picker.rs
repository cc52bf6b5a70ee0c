//! Choosing a new avatar: the picked photo is cropped to a centred square (at most 512 pixels)
//! in the browser, uploaded with `upload_media` and set with `set_avatar` (or
//! `set_group_avatar` for a group).

use leptos::prelude::*;
use shared::AppError;
use shared::i18n::Key;
use shared::ids::GroupId;
use shared::ui::use_i18n;

/// Side of the uploaded square.
#[cfg(feature = "hydrate")]
const SIDE: u32 = 512;

/// A "Change avatar" button with its hidden file input; `changed` runs with the new avatar URL.
#[component]
pub fn AvatarPicker(
    /// A group's avatar instead of the caller's.
    #[prop(optional)]
    group: Option<GroupId>,
    /// Runs after the avatar changed.
    changed: Callback<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let input = NodeRef::<leptos::html::Input>::new();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let on_change = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let Some(el) = input.get_untracked() else {
                return;
            };
            let Some(file) = el.files().and_then(|f| f.get(0)) else {
                return;
            };
            el.set_value("");
            busy.set(true);
            error.set(None);
            leptos::task::spawn_local(async move {
                let result = browser::crop_and_set(file, group).await;
                busy.try_set(false);
                match result {
                    Ok(url) => changed.run(url),
                    Err(e) => {
                        error.try_set(Some(e));
                    }
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (group, changed, busy, error);
    };
    view! {
        <input
            node_ref=input
            type="file"
            accept="image/*"
            hidden=true
            data-testid="avatar-input"
            on:change=on_change
        />
        <button
            type="button"
            class="link-button avatar-change"
            disabled=move || busy.get()
            on:click=move |_| {
                if let Some(el) = input.get_untracked() {
                    el.click();
                }
            }
        >
            {i18n.tr(Key::ChangeAvatar)}
        </button>
        {move || error.get().map(|e| view! { <p class="form-error" role="alert">{i18n.error(&e)}</p> })}
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use shared::AppError;
    use shared::api::media::{set_avatar, set_group_avatar, upload_media};
    use shared::ids::GroupId;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use web_sys::{Blob, File, HtmlCanvasElement, HtmlImageElement};

    use super::SIDE;

    fn failed(detail: &str) -> AppError {
        AppError::Network {
            detail: detail.to_owned(),
        }
    }

    /// Crops `file` to a centred square, uploads it and makes it the avatar.
    pub async fn crop_and_set(
        file: File,
        group: Option<GroupId>,
    ) -> Result<Option<String>, AppError> {
        let square = crop(&file).await?;
        let form = web_sys::FormData::new().map_err(|_| failed("FormData"))?;
        form.append_with_blob_and_filename("file", &square, "avatar.jpg")
            .map_err(|_| failed("FormData"))?;
        let media = upload_media(form.into()).await?;
        match group {
            Some(group) => set_group_avatar(group, Some(media.id)).await,
            None => set_avatar(Some(media.id)).await,
        }
    }

    /// The picture in `file`, cropped to its centred square and scaled to at most [`SIDE`].
    async fn crop(file: &File) -> Result<Blob, AppError> {
        let url = web_sys::Url::create_object_url_with_blob(file).map_err(|_| failed("URL"))?;
        let img = HtmlImageElement::new().map_err(|_| failed("image"))?;
        let (tx, rx) = futures::channel::oneshot::channel::<bool>();
        let tx = std::rc::Rc::new(std::cell::RefCell::new(Some(tx)));
        let (ok_tx, err_tx) = (tx.clone(), tx);
        let on_load = Closure::once_into_js(move || {
            if let Some(tx) = ok_tx.borrow_mut().take() {
                let _ = tx.send(true);
            }
        });
        let on_error = Closure::once_into_js(move || {
            if let Some(tx) = err_tx.borrow_mut().take() {
                let _ = tx.send(false);
            }
        });
        img.set_onload(Some(on_load.unchecked_ref()));
        img.set_onerror(Some(on_error.unchecked_ref()));
        img.set_src(&url);
        let loaded = rx.await.unwrap_or(false);
        let _ = web_sys::Url::revoke_object_url(&url);
        if !loaded {
            return Err(AppError::invalid("file", shared::error::Invalid::WrongKind));
        }
        let (w, h) = (img.natural_width(), img.natural_height());
        let edge = w.min(h).max(1);
        let side = edge.min(SIDE);
        let document = web_sys::window()
            .and_then(|w| w.document())
            .ok_or_else(|| failed("document"))?;
        let canvas: HtmlCanvasElement = document
            .create_element("canvas")
            .map_err(|_| failed("canvas"))?
            .unchecked_into();
        canvas.set_width(side);
        canvas.set_height(side);
        let ctx: web_sys::CanvasRenderingContext2d = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .ok_or_else(|| failed("canvas"))?
            .unchecked_into();
        ctx.set_fill_style_str("#fff");
        ctx.fill_rect(0.0, 0.0, f64::from(side), f64::from(side));
        ctx.draw_image_with_html_image_element_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
            &img,
            f64::from((w - edge) / 2),
            f64::from((h - edge) / 2),
            f64::from(edge),
            f64::from(edge),
            0.0,
            0.0,
            f64::from(side),
            f64::from(side),
        )
        .map_err(|_| failed("draw"))?;
        let (tx, rx) = futures::channel::oneshot::channel::<Option<Blob>>();
        let on_blob = Closure::once_into_js(move |blob: Option<Blob>| {
            let _ = tx.send(blob);
        });
        canvas
            .to_blob_with_type_and_encoder_options(
                on_blob.unchecked_ref(),
                "image/jpeg",
                &0.9.into(),
            )
            .map_err(|_| failed("toBlob"))?;
        rx.await.ok().flatten().ok_or_else(|| failed("toBlob"))
    }
}
