//! `GET /media/{id}` and `GET /media/{id}/thumb`: the bytes of an upload, to those who may see
//! it, with `Range` support (seeking in a video), long-lived private caching, and headers that
//! keep anything that is not a picture, a sound or a video from running in Parley's origin.
//!
//! These two routes are the only way media leaves the server; they are plain HTTP because a
//! `<img>`, `<video>` or download link fetches them directly. Everyone who may not fetch an id
//! (logged out, not a member, wrong id) gets the same `404`.

use std::num::NonZeroUsize;

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::TryStreamExt;
use object_store::GetRange;
use shared::api::Caller;
use shared::model::{MediaKind, is_media_id};

use crate::repo::media::MediaRow;
use crate::state::AppState;

/// Private to the signed-in user's browser; the bytes under an id never change.
const CACHE: &str = "private, max-age=31536000, immutable";
/// Nothing in a media response may run, load or be framed.
const MEDIA_POLICY: &str = "default-src 'none'; sandbox; frame-ancestors 'none'";

/// `GET /media/{id}`.
pub async fn original(
    State(state): State<AppState>,
    Path(id): Path<String>,
    req: Request,
) -> Response {
    let (parts, _) = req.into_parts();
    serve(&state, &id, false, &parts).await
}

/// `GET /media/{id}/thumb`.
pub async fn thumb(
    State(state): State<AppState>,
    Path(id): Path<String>,
    req: Request,
) -> Response {
    let (parts, _) = req.into_parts();
    serve(&state, &id, true, &parts).await
}

async fn serve(state: &AppState, id: &str, thumb: bool, req: &Parts) -> Response {
    let Some(user) = req
        .extensions
        .get::<Caller>()
        .and_then(|c| c.auth.as_ref())
        .map(|a| a.user_id)
    else {
        return not_found();
    };
    if !is_media_id(id) {
        return not_found();
    }
    let row = match crate::repo::media::fetchable(&state.db, id, user).await {
        Ok(Some(row)) => row,
        Ok(None) => return not_found(),
        Err(e) => {
            tracing::warn!(error = %e, "media lookup failed");
            return status(StatusCode::SERVICE_UNAVAILABLE);
        }
    };
    if thumb && !row.has_thumb {
        return not_found();
    }
    let etag = format!("\"{}{}\"", row.id, if thumb { "t" } else { "" });
    if req
        .headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag))
    {
        let mut res = status(StatusCode::NOT_MODIFIED);
        set(res.headers_mut(), header::ETAG, &etag);
        set(res.headers_mut(), header::CACHE_CONTROL, CACHE);
        return res;
    }
    let key = if thumb {
        format!("{}.thumb", row.id)
    } else {
        row.id.clone()
    };
    let total = if thumb {
        None
    } else {
        u64::try_from(row.size).ok()
    };
    // Ranges are honoured on the original (its size is known); a thumbnail is always whole.
    let range = match (total, req.headers.get(header::RANGE)) {
        (Some(total), Some(value)) => match requested_range(value, total) {
            Ok(range) => range,
            Err(()) => {
                let mut res = status(StatusCode::RANGE_NOT_SATISFIABLE);
                set(
                    res.headers_mut(),
                    header::CONTENT_RANGE,
                    &format!("bytes */{total}"),
                );
                return res;
            }
        },
        _ => None,
    };
    let got = match state
        .media
        .store()
        .get(
            &key,
            range
                .as_ref()
                .map(|r| GetRange::Bounded(*r.start()..r.end() + 1)),
        )
        .await
    {
        Ok(got) => got,
        Err(object_store::Error::NotFound { .. }) => return not_found(),
        Err(e) => {
            tracing::warn!(error = %e, key, "media read failed");
            return status(StatusCode::SERVICE_UNAVAILABLE);
        }
    };
    let object_size = got.meta.size;
    let served = got.range.clone();
    let body = Body::from_stream(got.into_stream().map_err(std::io::Error::other));
    let mut res = Response::new(body);
    let headers = res.headers_mut();
    let mime = if thumb {
        "image/jpeg"
    } else {
        row.mime.as_str()
    };
    set(headers, header::CONTENT_TYPE, mime);
    set(
        headers,
        header::CONTENT_LENGTH,
        &(served.end - served.start).to_string(),
    );
    set(headers, header::CACHE_CONTROL, CACHE);
    set(headers, header::ETAG, &etag);
    set(headers, header::ACCEPT_RANGES, "bytes");
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::CONTENT_SECURITY_POLICY, MEDIA_POLICY);
    set(
        headers,
        header::CONTENT_DISPOSITION,
        &disposition(&row, thumb),
    );
    if range.is_some() {
        *res.status_mut() = StatusCode::PARTIAL_CONTENT;
        set(
            res.headers_mut(),
            header::CONTENT_RANGE,
            &format!(
                "bytes {}-{}/{object_size}",
                served.start,
                served.end.saturating_sub(1)
            ),
        );
    }
    res
}

/// The one range asked for, `None` for the whole object (no header, or several ranges, which
/// are answered whole), `Err` when it cannot be satisfied.
fn requested_range(
    value: &HeaderValue,
    total: u64,
) -> Result<Option<std::ops::RangeInclusive<u64>>, ()> {
    let Ok(text) = value.to_str() else {
        return Ok(None);
    };
    let max = NonZeroUsize::new(8).ok_or(())?;
    let parsed =
        http_range_header::parse_range_header_with_max_ranges(text, max).map_err(|_| ())?;
    let ranges = parsed.validate(total).map_err(|_| ())?;
    match ranges.as_slice() {
        [one] => Ok(Some(one.clone())),
        _ => Ok(None),
    }
}

/// Pictures, sound and video display inline; everything else is a download.
fn disposition(row: &MediaRow, thumb: bool) -> String {
    let inline = thumb
        || matches!(
            MediaKind::parse(&row.kind),
            Some(MediaKind::Image | MediaKind::Video | MediaKind::Audio)
        );
    let ascii: String = row
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._- ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = row
        .name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!(
        "{}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}",
        if inline { "inline" } else { "attachment" }
    )
}

fn set(headers: &mut HeaderMap, name: header::HeaderName, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        headers.insert(name, v);
    }
}

fn status(code: StatusCode) -> Response {
    code.into_response()
}

fn not_found() -> Response {
    status(StatusCode::NOT_FOUND)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_range_is_served_and_bad_ones_refused() {
        let v = |s: &str| HeaderValue::from_str(s).unwrap();
        assert_eq!(requested_range(&v("bytes=0-9"), 100), Ok(Some(0..=9)));
        assert_eq!(requested_range(&v("bytes=90-"), 100), Ok(Some(90..=99)));
        assert_eq!(requested_range(&v("bytes=-10"), 100), Ok(Some(90..=99)));
        assert_eq!(requested_range(&v("bytes=0-1,5-6"), 100), Ok(None));
        assert_eq!(requested_range(&v("bytes=200-300"), 100), Err(()));
        assert_eq!(requested_range(&v("lines=1-2"), 100), Err(()));
    }

    #[test]
    fn only_media_displays_inline() {
        let row = |kind: &str, name: &str| MediaRow {
            id: "a".repeat(22),
            uploader_id: 1,
            kind: kind.into(),
            mime: "x/y".into(),
            size: 1,
            name: name.into(),
            width: None,
            height: None,
            has_thumb: false,
            public: false,
            created_at: 0,
        };
        assert!(disposition(&row("file", "page.html"), false).starts_with("attachment;"));
        assert!(disposition(&row("image", "p.jpg"), false).starts_with("inline;"));
        let d = disposition(&row("file", "报告 \"x\".pdf"), false);
        assert!(
            d.contains("filename*=UTF-8''%E6%8A%A5%E5%91%8A%20%22x%22.pdf"),
            "{d}"
        );
        assert!(!d.contains("\"x\""), "{d}");
    }
}
