//! Media: receiving uploads, processing images, keeping the bytes in the store, serving them
//! back, and removing what nothing refers to.

pub mod download;
pub mod picture;
pub mod receive;
pub mod store;

use std::time::Duration;

use shared::AppError;
use shared::ids::UserId;
use shared::model::MediaKind;
use tokio::sync::Semaphore;

use crate::config::MediaConfig;
use crate::repo::media::MediaRow;
use crate::time::now_ms;
use receive::{ReceiveLimits, Received};
pub use store::MediaStore;

/// Uploads received at once on this node; more get `503 unavailable`.
const UPLOADS_AT_ONCE: usize = 64;
/// Images decoded at once (each may need up to a few hundred MiB).
const PICTURES_AT_ONCE: usize = 2;
/// Media that nothing refers to is removed this long after its upload.
pub const UNREFERENCED_TTL_MS: i64 = 24 * 60 * 60 * 1000;
/// Media removed per clean-up round.
const GC_BATCH: i64 = 500;

/// The media service of one node.
pub struct Media {
    store: MediaStore,
    limits: ReceiveLimits,
    uploads: Semaphore,
    pictures: Semaphore,
}

impl Media {
    /// The service over `store`, with `config`'s limits; a client that sends nothing for
    /// `idle` loses its upload.
    pub fn new(store: MediaStore, config: &MediaConfig, idle: Duration) -> Self {
        Self {
            store,
            limits: ReceiveLimits {
                max_upload: config.max_upload,
                max_image: config.max_image,
                idle,
            },
            uploads: Semaphore::new(UPLOADS_AT_ONCE),
            pictures: Semaphore::new(PICTURES_AT_ONCE),
        }
    }

    /// The store.
    pub fn store(&self) -> &MediaStore {
        &self.store
    }

    /// Receives an upload of at most `cap` bytes (and never more than configured), processes
    /// it if it is an image, and keeps it in the store. The caller records the returned row;
    /// nothing is kept when this fails.
    pub async fn accept(
        &self,
        multipart: multer::Multipart<'static>,
        uploader: UserId,
        cap: u64,
    ) -> Result<MediaRow, AppError> {
        let _slot = self.upload_slot()?;
        let limits = ReceiveLimits {
            max_upload: self.limits.max_upload.min(cap),
            max_image: self.limits.max_image.min(cap),
            ..self.limits
        };
        let received = receive::receive(multipart, self.store.tmp_dir(), limits).await?;
        self.keep_received(received, uploader).await
    }

    /// A place among the uploads being processed, or `unavailable` when all are taken.
    fn upload_slot(&self) -> Result<tokio::sync::SemaphorePermit<'_>, AppError> {
        self.uploads
            .try_acquire()
            .map_err(|_| AppError::Unavailable {
                retry_after_secs: 2,
            })
    }

    /// Keeps `bytes` as an image uploaded by `uploader` (a profile picture brought from a
    /// sign-in provider): refused unless they are a picture Parley decodes, within the image
    /// limit.
    pub async fn accept_picture(
        &self,
        bytes: Vec<u8>,
        uploader: UserId,
    ) -> Result<MediaRow, AppError> {
        let _slot = self.upload_slot()?;
        let size = bytes.len() as u64;
        if size > self.limits.max_image {
            return Err(AppError::TooLarge);
        }
        let (kind, mime) = receive::sniff(&bytes[..bytes.len().min(8192)], "image/*");
        if kind != MediaKind::Image {
            return Err(AppError::invalid("file", shared::error::Invalid::WrongKind));
        }
        let tmp = self.store.tmp_dir().to_path_buf();
        let file = tokio::task::spawn_blocking(move || {
            let mut file = tempfile::NamedTempFile::new_in(tmp)?;
            std::io::Write::write_all(&mut file, &bytes)?;
            Ok::<_, std::io::Error>(file.into_temp_path())
        })
        .await
        .map_err(|_| AppError::Internal)?
        .map_err(|e| {
            tracing::error!(error = %e, "writing a picture to the temporary folder failed");
            AppError::Internal
        })?;
        let received = Received {
            file,
            size,
            name: "avatar".to_owned(),
            kind,
            mime,
        };
        self.keep_received(received, uploader).await
    }

    /// Processes a received file (an image is decoded, re-encoded when needed and given a
    /// thumbnail) and keeps it in the store.
    async fn keep_received(
        &self,
        received: Received,
        uploader: UserId,
    ) -> Result<MediaRow, AppError> {
        let Received {
            file,
            mut size,
            name,
            mut kind,
            mut mime,
        } = received;
        let mut file = file;
        let mut dims = None;
        let mut thumb = None;
        if kind == MediaKind::Image {
            let _turn = self
                .pictures
                .acquire()
                .await
                .map_err(|_| AppError::Internal)?;
            let path = file.to_path_buf();
            let tmp = self.store.tmp_dir().to_path_buf();
            let outcome = tokio::task::spawn_blocking(move || picture::process(&path, &tmp))
                .await
                .map_err(|_| AppError::Internal)??;
            match outcome {
                picture::Outcome::Picture(p) => {
                    if let Some(reencoded) = p.file {
                        size = std::fs::metadata(&reencoded)
                            .map(|m| m.len())
                            .map_err(|_| AppError::Internal)?;
                        file = reencoded;
                    }
                    mime = p.mime.to_owned();
                    dims = Some((p.width, p.height));
                    thumb = Some(p.thumb);
                }
                picture::Outcome::NotAnImage => {
                    kind = MediaKind::File;
                    mime = "application/octet-stream".into();
                }
            }
        }
        let id = new_id();
        let failed = |e: store::StoreError| {
            tracing::error!(error = %e, "keeping an upload failed");
            AppError::Unavailable {
                retry_after_secs: 5,
            }
        };
        if let Some(thumb) = &thumb {
            self.store
                .keep(thumb, &format!("{id}.thumb"))
                .await
                .map_err(failed)?;
        }
        if let Err(e) = self.store.keep(&file, &id).await {
            if thumb.is_some() {
                let _ = self.store.delete(&format!("{id}.thumb")).await;
            }
            return Err(failed(e));
        }
        let as_i32 = |v: u32| i32::try_from(v).ok();
        Ok(MediaRow {
            id,
            uploader_id: uploader.0,
            kind: kind.as_str().to_owned(),
            mime,
            size: i64::try_from(size).unwrap_or(i64::MAX),
            name,
            width: dims.and_then(|d| as_i32(d.0)),
            height: dims.and_then(|d| as_i32(d.1)),
            has_thumb: thumb.is_some(),
            public: false,
            created_at: now_ms(),
        })
    }

    /// Deletes the objects of a media (after its row is gone, or when recording it failed).
    pub async fn discard(&self, id: &str, has_thumb: bool) {
        if let Err(e) = self.store.delete(id).await {
            tracing::warn!(error = %e, id, "deleting media from the store failed");
        }
        if has_thumb && let Err(e) = self.store.delete(&format!("{id}.thumb")).await {
            tracing::warn!(error = %e, id, "deleting a thumbnail from the store failed");
        }
    }
}

/// A new random media id: 16 random bytes, URL-safe base64 (22 characters).
pub fn new_id() -> String {
    use base64::Engine as _;
    let mut bytes = [0u8; 16];
    rand::fill(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Removes media that no message, user or group has referred to for a day (rows, then
/// objects), and temporary files an interrupted upload left behind. Returns how many media
/// were removed.
pub async fn collect_garbage(
    db: &crate::db::Db,
    media: &Media,
) -> Result<usize, crate::db::DbError> {
    let mut removed = 0;
    loop {
        let gone =
            crate::repo::media::remove_unreferenced(db, now_ms() - UNREFERENCED_TTL_MS, GC_BATCH)
                .await?;
        for (id, has_thumb) in &gone {
            media.discard(id, *has_thumb).await;
        }
        removed += gone.len();
        if gone.len() < usize::try_from(GC_BATCH).unwrap_or(0) {
            break;
        }
    }
    media.store.sweep_tmp(Duration::from_secs(3600)).await;
    Ok(removed)
}
