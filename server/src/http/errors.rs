//! Turning an [`AppError`] into an HTTP response outside server functions, and giving server
//! function errors their proper status.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use shared::AppError;

/// Largest error body the status mapper reads.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// A JSON error response with the error's status.
pub fn error_response(err: &AppError) -> Response {
    let status =
        StatusCode::from_u16(err.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_string(err).unwrap_or_else(|_| r#"{"code":"internal"}"#.into());
    let mut res = (status, body).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    add_retry_after(&mut res, err);
    res
}

fn add_retry_after(res: &mut Response, err: &AppError) {
    if let Some(retry_after_secs) = err.retry_after()
        && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
    {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
}

/// Server functions answer every error with status 500; this middleware reads the error code
/// from the body and sets the status it stands for (401, 403, 409, 422, 429 …).
pub async fn error_status(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    if !is_api || res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        return error_response(&AppError::Internal);
    };
    if let Ok(err) = serde_json::from_slice::<AppError>(&bytes)
        && let Ok(status) = StatusCode::from_u16(err.http_status())
    {
        parts.status = status;
        parts.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        let mut res = Response::from_parts(parts, Body::from(bytes));
        add_retry_after(&mut res, &err);
        return res;
    }
    Response::from_parts(parts, Body::from(bytes))
}
