//! Uploaded media: photos, videos, voice notes, files and avatars.

use serde::{Deserialize, Serialize};

/// What an upload turned out to be, judged from its bytes (never from its declared type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    /// A photo (JPEG, PNG, GIF or WebP), re-encoded without metadata, with a thumbnail.
    Image,
    /// A video (MP4, WebM, QuickTime …).
    Video,
    /// Audio (a voice note: Opus in WebM or Ogg, AAC, MP3 …).
    Audio,
    /// Anything else, served only as a download.
    File,
}

impl MediaKind {
    /// The kind's wire name (`image`, `video`, `audio`, `file`).
    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::Video => "video",
            MediaKind::Audio => "audio",
            MediaKind::File => "file",
        }
    }

    /// The kind named `name` (as stored), if any.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "image" => MediaKind::Image,
            "video" => MediaKind::Video,
            "audio" => MediaKind::Audio,
            "file" => MediaKind::File,
            _ => return None,
        })
    }
}

/// One stored upload, as `upload_media` answers it and as media messages carry it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Media {
    /// The media's id: random and unguessable (22 URL-safe characters).
    pub id: String,
    /// What it is.
    pub kind: MediaKind,
    /// Its MIME type, as sniffed from its bytes (`application/octet-stream` when unknown).
    pub mime: String,
    /// Its size in bytes, as stored.
    pub size: u64,
    /// The file name given at upload (sanitised; never a path).
    pub name: String,
    /// Width in pixels (images only, from the decoded image).
    pub width: Option<u32>,
    /// Height in pixels (images only, from the decoded image).
    pub height: Option<u32>,
    /// Duration in milliseconds (voice notes: as the sender recorded it).
    pub duration_ms: Option<u32>,
    /// Where the bytes are served (`/media/<id>`): to members of a conversation that contains
    /// the media, to its uploader, and to any signed-in user for avatars.
    pub url: String,
    /// A thumbnail (images only, at most 400 pixels on its longer side).
    pub thumb_url: Option<String>,
}

/// Length of a media id.
pub const MEDIA_ID_LEN: usize = 22;

/// Whether `id` has the shape of a media id (so that nothing else reaches the store).
pub fn is_media_id(id: &str) -> bool {
    id.len() == MEDIA_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The download path of media `id`.
pub fn media_url(id: &str) -> String {
    format!("/media/{id}")
}

/// The thumbnail path of media `id`.
pub fn media_thumb_url(id: &str) -> String {
    format!("/media/{id}/thumb")
}

/// The avatar URL of a stored avatar media id.
pub fn avatar_url(id: Option<String>) -> Option<String> {
    id.as_deref().map(media_thumb_url)
}

/// A short human size: `512 B`, `3.4 KB`, `12.0 MB`.
pub fn human_size(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if b < KB {
        format!("{bytes} B")
    } else if b < KB * KB {
        format!("{:.1} KB", b / KB)
    } else if b < KB * KB * KB {
        format!("{:.1} MB", b / KB / KB)
    } else {
        format!("{:.1} GB", b / KB / KB / KB)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_ids_are_checked_by_shape() {
        assert!(is_media_id("abcdefghijklmnopqrstuv"));
        assert!(is_media_id("AZaz09-_AZaz09-_AZaz09"));
        assert!(!is_media_id("abc"));
        assert!(!is_media_id("../../../../etc/passwd0"));
        assert!(!is_media_id("abcdefghijklmnopqrstu/"));
    }

    #[test]
    fn sizes_read_as_people_expect() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(3 * 1024 + 400), "3.4 KB");
        assert_eq!(human_size(12 * 1024 * 1024), "12.0 MB");
    }

    #[test]
    fn kinds_round_trip_their_names() {
        for kind in [
            MediaKind::Image,
            MediaKind::Video,
            MediaKind::Audio,
            MediaKind::File,
        ] {
            assert_eq!(MediaKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(MediaKind::parse("exe"), None);
    }
}
