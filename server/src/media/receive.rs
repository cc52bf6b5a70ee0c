//! Receiving an upload: the multipart part named `file` is streamed into a temporary file,
//! counted against the limits as it arrives, and its real type is sniffed from its first bytes.

use std::path::Path;
use std::time::Duration;

use shared::AppError;
use shared::error::Invalid;
use shared::model::MediaKind;
use tempfile::TempPath;
use tokio::io::AsyncWriteExt;

/// Bytes kept from the start of an upload to sniff its type.
const SNIFF_LEN: usize = 8 * 1024;
/// Longest file name kept, in characters.
const NAME_MAX: usize = 120;

/// What the limits are for one upload.
#[derive(Debug, Clone, Copy)]
pub struct ReceiveLimits {
    /// Largest file.
    pub max_upload: u64,
    /// Largest image.
    pub max_image: u64,
    /// Longest wait for the next chunk.
    pub idle: Duration,
}

/// An upload received into a temporary file (deleted when this is dropped, unless kept).
pub struct Received {
    /// The temporary file.
    pub file: TempPath,
    /// Its size.
    pub size: u64,
    /// The name the client gave, sanitised.
    pub name: String,
    /// The kind judged from the bytes (and, for a container that holds either, the declared
    /// type's `audio/` or `video/`).
    pub kind: MediaKind,
    /// The MIME type judged from the bytes.
    pub mime: String,
}

/// Reads the multipart body: exactly one part named `file`, streamed into a new temporary file
/// in `tmp_dir`. Errors: `too_large` past the limits (nothing is kept), `timeout` when the
/// client stops sending, `bad_request` when there is no `file` part.
pub async fn receive(
    mut multipart: multer::Multipart<'static>,
    tmp_dir: &Path,
    limits: ReceiveLimits,
) -> Result<Received, AppError> {
    let next = tokio::time::timeout(limits.idle, multipart.next_field())
        .await
        .map_err(|_| AppError::Timeout)?
        .map_err(multipart_error)?;
    let field = match next {
        Some(field) if field.name() == Some("file") => field,
        // Other parts are not read: an upload has one.
        Some(_) => {
            return Err(AppError::BadRequest {
                detail: "an upload has one part, named \"file\"".into(),
            });
        }
        None => return Err(AppError::invalid("file", Invalid::Required)),
    };
    let name = sanitize_name(field.file_name().unwrap_or(""));
    let declared = field
        .content_type()
        .map(|m| m.essence_str().to_ascii_lowercase())
        .unwrap_or_default();

    let (file, path) = tempfile::Builder::new()
        .prefix("up-")
        .suffix(".part")
        .tempfile_in(tmp_dir)
        .map_err(|e| internal("temporary file", &e))?
        .into_parts();
    let mut out = tokio::io::BufWriter::with_capacity(64 * 1024, tokio::fs::File::from_std(file));
    let mut field = field;
    let mut size: u64 = 0;
    let mut head: Vec<u8> = Vec::with_capacity(SNIFF_LEN);
    let mut sniffed: Option<(MediaKind, String)> = None;
    loop {
        let chunk = tokio::time::timeout(limits.idle, field.chunk())
            .await
            .map_err(|_| AppError::Timeout)?
            .map_err(multipart_error)?;
        let Some(chunk) = chunk else { break };
        size += chunk.len() as u64;
        if size > limits.max_upload {
            return Err(AppError::TooLarge);
        }
        if sniffed.is_none() {
            let want = SNIFF_LEN - head.len();
            head.extend_from_slice(&chunk[..chunk.len().min(want)]);
            if head.len() >= SNIFF_LEN {
                sniffed = Some(sniff(&head, &declared));
            }
        }
        if let Some((MediaKind::Image, _)) = sniffed
            && size > limits.max_image
        {
            return Err(AppError::TooLarge);
        }
        out.write_all(&chunk)
            .await
            .map_err(|e| internal("writing an upload", &e))?;
    }
    out.flush()
        .await
        .map_err(|e| internal("writing an upload", &e))?;
    drop(out);
    let (kind, mime) = match sniffed {
        Some(s) => s,
        None => sniff(&head, &declared),
    };
    if kind == MediaKind::Image && size > limits.max_image {
        return Err(AppError::TooLarge);
    }
    if size == 0 {
        return Err(AppError::invalid("file", Invalid::Required));
    }
    Ok(Received {
        file: path,
        size,
        name,
        kind,
        mime,
    })
}

/// Types a browser renders or runs (markup, scripts, XML that may carry either).
const ACTIVE_TYPES: &[&str] = &[
    "text/html",
    "application/xhtml+xml",
    "image/svg+xml",
    "text/xml",
    "application/xml",
    "text/javascript",
    "application/javascript",
    "application/x-shockwave-flash",
];

/// The kind and MIME type of bytes starting with `head`. Only the formats Parley decodes
/// count as images; containers that may hold sound or pictures (WebM, Ogg, MP4) follow the
/// declared type's family; anything unrecognised is a plain file.
pub fn sniff(head: &[u8], declared: &str) -> (MediaKind, String) {
    let Some(found) = infer::get(head) else {
        return (MediaKind::File, "application/octet-stream".into());
    };
    let mime = found.mime_type();
    let kind = match mime {
        "image/jpeg" | "image/png" | "image/gif" | "image/webp" => MediaKind::Image,
        "video/webm" | "audio/webm" | "video/mp4" | "audio/mp4" | "audio/m4a" | "audio/ogg"
        | "video/ogg" => {
            if declared.starts_with("audio/") {
                MediaKind::Audio
            } else if declared.starts_with("video/") {
                MediaKind::Video
            } else if mime.starts_with("audio/") {
                MediaKind::Audio
            } else {
                MediaKind::Video
            }
        }
        m if m.starts_with("video/") => MediaKind::Video,
        m if m.starts_with("audio/") => MediaKind::Audio,
        _ => MediaKind::File,
    };
    // Types a browser would render or run are never named: they are served as bytes.
    let mime = if kind == MediaKind::File && ACTIVE_TYPES.contains(&mime) {
        "application/octet-stream"
    } else {
        mime
    };
    let mime = match (kind, mime) {
        (MediaKind::Audio, "video/webm") => "audio/webm",
        (MediaKind::Audio, "video/mp4") => "audio/mp4",
        (MediaKind::Audio, "video/ogg") => "audio/ogg",
        (MediaKind::Video, "audio/webm") => "video/webm",
        (MediaKind::Video, "audio/ogg") => "video/ogg",
        (MediaKind::Video, "audio/mp4" | "audio/m4a") => "video/mp4",
        (_, m) => m,
    };
    (kind, mime.to_owned())
}

/// The last path component of `raw`, without control characters or quotes, at most
/// [`NAME_MAX`] characters; `file` when nothing is left.
pub fn sanitize_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | '\u{202e}'))
        .collect();
    let clean = clean.trim().trim_start_matches('.').trim();
    let kept: String = clean.chars().take(NAME_MAX).collect();
    if kept.is_empty() { "file".into() } else { kept }
}

fn multipart_error(e: multer::Error) -> AppError {
    match e {
        multer::Error::FieldSizeExceeded { .. } | multer::Error::StreamSizeExceeded { .. } => {
            AppError::TooLarge
        }
        other => AppError::BadRequest {
            detail: format!("unreadable upload: {other}"),
        },
    }
}

fn internal(what: &str, e: &dyn std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "{what}");
    AppError::Internal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_paths_and_control_characters() {
        assert_eq!(sanitize_name("../../etc/passwd"), "passwd");
        assert_eq!(sanitize_name("C:\\Users\\me\\report.pdf"), "report.pdf");
        assert_eq!(sanitize_name("a\u{0}b\nc.txt"), "abc.txt");
        assert_eq!(sanitize_name(""), "file");
        assert_eq!(sanitize_name("..."), "file");
        assert_eq!(sanitize_name(&"x".repeat(500)).chars().count(), NAME_MAX);
    }

    #[test]
    fn the_bytes_decide_the_kind_not_the_declaration() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(sniff(png, "text/html").0, MediaKind::Image);
        let html = b"<!doctype html><html><script>alert(1)</script></html>";
        assert_eq!(
            sniff(html, "image/png"),
            (MediaKind::File, "application/octet-stream".into())
        );
        assert_eq!(sniff(b"%PDF-1.4\n", "text/html").1, "application/pdf");
        let webm = [0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01];
        assert_eq!(sniff(&webm, "audio/webm").0, MediaKind::Audio);
        assert_eq!(sniff(&webm, "video/webm").0, MediaKind::Video);
        assert_eq!(sniff(&webm, "audio/webm").1, "audio/webm");
    }
}
