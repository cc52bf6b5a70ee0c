//! Uploads and avatars.

use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

use super::codec::Json;

use crate::error::AppError;
use crate::ids::GroupId;
use crate::model::Media;

#[cfg(feature = "ssr")]
use super::Caller;

/// The server's implementation of the media area.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait MediaApi: Send + Sync {
    /// See [`upload_media`].
    async fn upload_media(
        &self,
        caller: &Caller,
        data: leptos::server_fn::codec::MultipartData,
    ) -> Result<Media, AppError>;
    /// See [`set_avatar`].
    async fn set_avatar(
        &self,
        caller: &Caller,
        media_id: Option<String>,
    ) -> Result<Option<String>, AppError>;
    /// See [`set_group_avatar`].
    async fn set_group_avatar(
        &self,
        caller: &Caller,
        group_id: GroupId,
        media_id: Option<String>,
    ) -> Result<Option<String>, AppError>;
}

/// Uploads a file: `POST /api/upload_media` with a `multipart/form-data` body holding one part
/// named `file` (its file name and content type as usual). The body is streamed to storage,
/// never held in memory. The kind is judged from the bytes, not the declared type: JPEG, PNG,
/// GIF and WebP are images (decoded within limits, re-encoded without metadata, given a
/// thumbnail), MP4/WebM/QuickTime video, Opus/AAC/MP3 audio, anything else a plain file.
/// The upload can be sent in a message by its uploader; media nothing refers to is removed
/// after a day. Needs the `upload` right.
/// Errors: `too_large` (over `PARLEY_MAX_UPLOAD_MIB`, or `PARLEY_MAX_IMAGE_MIB` for an image;
/// nothing is kept), `validation` on `file` (`required` when empty or missing,
/// `too_many_pixels` for an image too large to decode), `timeout`, `forbidden`,
/// `rate_limited`, `unavailable`.
#[server(endpoint = "upload_media", input = MultipartFormData, output = Json)]
pub async fn upload_media(data: MultipartData) -> Result<Media, AppError> {
    let (ports, caller) = super::request()?;
    ports.media.upload_media(&caller, data).await
}

/// Sets the caller's avatar to an image they uploaded (`null` removes it); answers the new
/// avatar's URL. Any signed-in user may fetch an avatar.
/// Errors: `validation` on `media_id` (`unknown`: not the caller's upload; `wrong_kind`: not
/// an image).
#[server(endpoint = "set_avatar", input = Json, output = Json)]
pub async fn set_avatar(media_id: Option<String>) -> Result<Option<String>, AppError> {
    let (ports, caller) = super::request()?;
    ports.media.set_avatar(&caller, media_id).await
}

/// Sets a group's avatar (owner and admins only) to an image the caller uploaded (`null`
/// removes it); answers the new avatar's URL. Members see it through `group_updated`.
/// Errors: `forbidden` (not the owner or an admin), `not_found`, `validation` on `media_id`.
#[server(endpoint = "set_group_avatar", input = Json, output = Json)]
pub async fn set_group_avatar(
    group_id: GroupId,
    media_id: Option<String>,
) -> Result<Option<String>, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .media
        .set_group_avatar(&caller, group_id, media_id)
        .await
}
