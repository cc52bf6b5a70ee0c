//! `POST /hooks/<token>`: an incoming webhook posts into its group as its bot. The body is
//! `{"text": "…"}`, or `{"body": <a send_message body>}`, with an optional `client_msg_id` (a
//! retry with the same id posts once). The answer is the stored message, or an error as JSON
//! (`404 not_found` for an unknown token). Calls are limited per address before the token is
//! looked up (`429 rate_limited` with `Retry-After`).

use axum::Extension;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use rand::Rng;
use serde::Deserialize;
use shared::AppError;
use shared::api::Caller;
use shared::api::messages::MessagesApi;
use shared::error::Invalid;
use shared::model::MessageBody;

use super::errors::error_response;
use crate::api::Api;
use crate::auth::token;
use crate::repo::webhooks;
use crate::state::AppState;

/// Longest token accepted before it is hashed (the ones Parley makes are 43 characters).
const TOKEN_MAX: usize = 64;
/// Longest `client_msg_id`.
const CLIENT_MSG_ID_MAX: usize = 64;

/// What a hook call carries.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HookCall {
    /// Plain text to post.
    #[serde(default)]
    text: Option<String>,
    /// Or any message body.
    #[serde(default)]
    body: Option<MessageBody>,
    /// The caller's id for this post (deduplication).
    #[serde(default)]
    client_msg_id: Option<String>,
}

/// A fresh id for a post that came without one.
fn random_id() -> String {
    let suffix: String = rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(16)
        .map(char::from)
        .collect();
    format!("hook-{suffix}")
}

/// The handler.
pub async fn post(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(secret): Path<String>,
    body: Bytes,
) -> Response {
    match handle(state, caller, &secret, &body).await {
        Ok(message) => Json(message).into_response(),
        Err(e) => error_response(&e),
    }
}

async fn handle(
    state: AppState,
    caller: Caller,
    secret: &str,
    body: &[u8],
) -> Result<shared::model::Message, AppError> {
    state.limits.check_hook_call(caller.ip)?;
    if secret.len() > TOKEN_MAX {
        return Err(AppError::NotFound);
    }
    let hash = token::hash_token(secret);
    let hook = crate::db_conn!(&state.db, |conn| webhooks::find(conn, &hash).await)?
        .ok_or(AppError::NotFound)?;
    let call: HookCall = serde_json::from_slice(body).map_err(|e| AppError::BadRequest {
        detail: e.to_string(),
    })?;
    let message = match (call.text, call.body) {
        (Some(text), None) => MessageBody::Text { text },
        (None, Some(body)) => body,
        _ => return Err(AppError::invalid("body", Invalid::Required)),
    };
    let client_msg_id = match call.client_msg_id {
        Some(id) if id.len() > CLIENT_MSG_ID_MAX => {
            return Err(AppError::invalid("client_msg_id", Invalid::TooLong));
        }
        Some(id) => id,
        None => random_id(),
    };
    let api = Api {
        state: state.clone(),
    };
    let as_bot = api.hook_caller(hook, caller.ip, caller.origin).await?;
    api.send_message(
        &as_bot,
        hook.conversation,
        client_msg_id,
        message,
        None,
        Vec::new(),
    )
    .await
}
