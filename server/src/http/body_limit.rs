//! The size and time bounds of API request bodies.
//!
//! Every server function takes a small JSON body: it is read here, at most
//! [`MAX_API_BODY`] bytes within the configured read timeout, before anything else is done
//! with the request. A larger body is refused with `413 {"code":"too_large"}` as soon as its
//! declared length or its first bytes past the limit are seen; a body that trickles in too
//! slowly gets `408 {"code":"timeout"}`.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use shared::AppError;

use super::errors::error_response;
use crate::state::AppState;

/// Largest body a server function accepts.
pub const MAX_API_BODY: usize = 64 * 1024;

/// The one server function whose body is streamed rather than read here.
pub const UPLOAD_PATH: &str = "/api/upload_media";

/// Room for the multipart framing around an upload's bytes (boundaries and part headers).
const MULTIPART_SLACK: u64 = 64 * 1024;

/// Reads an `/api/` request's body within its bounds, then passes the request on.
pub async fn limit_api_body(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    if req.uri().path() == UPLOAD_PATH {
        return limit_upload(&state, req, next).await;
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_API_BODY as u64) {
        return error_response(&AppError::TooLarge);
    }
    let (parts, body) = req.into_parts();
    let read = Limited::new(body, MAX_API_BODY).collect();
    match tokio::time::timeout(state.config.connections.read_timeout, read).await {
        Err(_) => error_response(&AppError::Timeout),
        Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => {
            error_response(&AppError::TooLarge)
        }
        Ok(Err(e)) => error_response(&AppError::BadRequest {
            detail: format!("unreadable body: {e}"),
        }),
        Ok(Ok(collected)) => {
            let req = Request::from_parts(parts, Body::from(collected.to_bytes()));
            next.run(req).await
        }
    }
}

/// An upload's body is passed on as a stream, held to the upload limit (plus the multipart
/// framing); the upload itself counts the file's bytes and the time between chunks. A body that
/// is not `multipart/form-data` with a boundary is refused here, before anything parses it.
async fn limit_upload(state: &AppState, req: Request, next: Next) -> Response {
    let max = state.config.media.max_upload + MULTIPART_SLACK;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max) {
        return error_response(&AppError::TooLarge);
    }
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| multer::parse_boundary(ct).is_ok());
    if !multipart {
        return error_response(&AppError::BadRequest {
            detail: "expected multipart/form-data with a boundary".into(),
        });
    }
    let (parts, body) = req.into_parts();
    let limited = Limited::new(body, usize::try_from(max).unwrap_or(usize::MAX));
    next.run(Request::from_parts(parts, Body::new(limited)))
        .await
}
