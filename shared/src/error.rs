//! The one error type of the API. It crosses the wire as a JSON object whose `code` field is a
//! stable machine-readable string (never a sentence); the UI translates it (see [`crate::i18n`]).

use crate::api::codec::JsonText;
use serde::{Deserialize, Serialize};
use server_fn_error::{FromServerFnError, ServerFnErrorErr};

mod server_fn_error {
    pub use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
}

/// Why a field was rejected by validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Invalid {
    /// The field is empty but required.
    Required,
    /// The value is shorter than allowed.
    TooShort,
    /// The value is longer than allowed.
    TooLong,
    /// The value contains characters that are not allowed.
    BadCharacters,
    /// The password is too easy to guess.
    Weak,
    /// The value is out of the allowed range.
    OutOfRange,
    /// The referenced item is of the wrong kind (e.g. a video sent as a photo).
    WrongKind,
    /// The referenced item does not exist, or is not the caller's to use.
    Unknown,
    /// Something else already has this name.
    Taken,
    /// An image whose dimensions or decoded size exceed the limits (a decompression bomb is
    /// refused before it is decoded).
    TooManyPixels,
}

/// Every error the API can return.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum AppError {
    /// The request needs a logged-in user (no session, or it was revoked or expired).
    #[error("not logged in")]
    Unauthenticated,
    /// Wrong username or password.
    #[error("wrong username or password")]
    InvalidCredentials,
    /// The account exists but has no `login` right (a disabled user).
    #[error("this account may not log in")]
    AccountDisabled,
    /// The caller lacks the right needed for this call.
    #[error("forbidden")]
    Forbidden,
    /// A state-changing request came from another site (CSRF protection).
    #[error("cross-site request refused")]
    CrossSite,
    /// The username is already registered.
    #[error("username already taken")]
    UsernameTaken,
    /// The current password given to change it was wrong.
    #[error("current password is wrong")]
    WrongPassword,
    /// An input field was rejected; nothing was changed.
    #[error("invalid {field}: {reason:?}")]
    Validation {
        /// The argument's name, as in the request.
        field: String,
        /// Why it was rejected.
        reason: Invalid,
    },
    /// A friend request to oneself.
    #[error("cannot add yourself")]
    CannotAddSelf,
    /// A friend request to someone who is a friend already.
    #[error("already friends")]
    AlreadyFriends,
    /// A friend request that is already waiting for an answer.
    #[error("a request is already pending")]
    RequestPending,
    /// The other user has blocked the caller, or the caller has blocked them.
    #[error("blocked")]
    Blocked,
    /// The caller is muted in this group (until the given time), or the whole group is muted
    /// (`until` is `null`), or the group was dissolved.
    #[error("muted")]
    Muted {
        /// Epoch ms when the member's mute ends; `null` for a group-wide mute.
        until: Option<i64>,
    },
    /// Already a member of the group.
    #[error("already a member")]
    AlreadyMember,
    /// The thing asked for does not exist (or is not visible to the caller).
    #[error("not found")]
    NotFound,
    /// Too many attempts; try again after the given number of seconds.
    #[error("too many attempts, retry in {retry_after_secs}s")]
    RateLimited {
        /// Seconds to wait before trying again.
        retry_after_secs: u64,
    },
    /// The server is too busy to take this request now; try again after the given number of
    /// seconds (e.g. too many log-ins waiting for a password check, or too many connections).
    #[error("server busy, retry in {retry_after_secs}s")]
    Unavailable {
        /// Seconds to wait before trying again.
        retry_after_secs: u64,
    },
    /// The request body is larger than this endpoint accepts; nothing was read further.
    #[error("request too large")]
    TooLarge,
    /// The client took too long to send its request.
    #[error("request timed out")]
    Timeout,
    /// The time allowed for this action has passed (recalling or editing a message).
    #[error("too late")]
    TooLate,
    /// The link has expired, was revoked, has been used as often as allowed, or its group
    /// was dissolved.
    #[error("this link is no longer valid")]
    LinkExpired,
    /// An administrator disabled the group: it is read-only.
    #[error("the group is disabled")]
    GroupDisabled,
    /// Registration of new accounts is closed on this server.
    #[error("registration is closed")]
    RegistrationClosed,
    /// Registration is by invitation and no invite code was given.
    #[error("an invite code is required")]
    InviteRequired,
    /// The invite code is unknown, expired, used up or revoked (one answer for all four, so a
    /// guess learns nothing).
    #[error("this invite code is not valid")]
    InviteInvalid,
    /// Signing in with an outside provider failed: it could not be reached, refused, or its
    /// answer did not pass a check (signature, issuer, audience, expiry, nonce).
    #[error("signing in with the provider failed")]
    SignInFailed,
    /// The sign-in's `state` is missing, wrong, already used or expired: start again.
    #[error("this sign-in has expired; start again")]
    SignInExpired,
    /// That outside account is already linked to another Parley account.
    #[error("that account is linked to another user")]
    IdentityTaken,
    /// The last way to sign in cannot be removed.
    #[error("this is the only way to sign in")]
    LastSignInMethod,
    /// The request itself was malformed (missing or mistyped arguments).
    #[error("bad request: {detail}")]
    BadRequest {
        /// What was wrong, for developers.
        detail: String,
    },
    /// The server could not be reached or answered garbage (client side only).
    #[error("network error: {detail}")]
    Network {
        /// What went wrong, for developers.
        detail: String,
    },
    /// A server-side failure; details are in the server log, not in the response.
    #[error("internal error")]
    Internal,
}

impl AppError {
    /// A validation error for `field`.
    pub fn invalid(field: &str, reason: Invalid) -> Self {
        Self::Validation {
            field: field.to_owned(),
            reason,
        }
    }

    /// Seconds the client should wait before trying again (`Retry-After`), for the errors that
    /// carry one.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::RateLimited { retry_after_secs } | Self::Unavailable { retry_after_secs } => {
                Some(*retry_after_secs)
            }
            _ => None,
        }
    }

    /// Whether trying the same request again may succeed: the network, the server's load or a
    /// rate limit stood in the way, not the request itself or the caller's rights.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::RateLimited { .. }
                | Self::Unavailable { .. }
                | Self::Timeout
                | Self::Network { .. }
                | Self::Internal
        )
    }

    /// The stable code of this error, as it appears on the wire.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated => "unauthenticated",
            Self::InvalidCredentials => "invalid_credentials",
            Self::AccountDisabled => "account_disabled",
            Self::Forbidden => "forbidden",
            Self::CrossSite => "cross_site",
            Self::UsernameTaken => "username_taken",
            Self::WrongPassword => "wrong_password",
            Self::Validation { .. } => "validation",
            Self::CannotAddSelf => "cannot_add_self",
            Self::AlreadyFriends => "already_friends",
            Self::RequestPending => "request_pending",
            Self::Blocked => "blocked",
            Self::Muted { .. } => "muted",
            Self::AlreadyMember => "already_member",
            Self::NotFound => "not_found",
            Self::RateLimited { .. } => "rate_limited",
            Self::Unavailable { .. } => "unavailable",
            Self::TooLarge => "too_large",
            Self::Timeout => "timeout",
            Self::RegistrationClosed => "registration_closed",
            Self::InviteRequired => "invite_required",
            Self::InviteInvalid => "invite_invalid",
            Self::SignInFailed => "sign_in_failed",
            Self::SignInExpired => "sign_in_expired",
            Self::IdentityTaken => "identity_taken",
            Self::LastSignInMethod => "last_sign_in_method",
            Self::TooLate => "too_late",
            Self::LinkExpired => "link_expired",
            Self::GroupDisabled => "group_disabled",
            Self::BadRequest { .. } => "bad_request",
            Self::Network { .. } => "network",
            Self::Internal => "internal",
        }
    }

    /// The HTTP status this error is answered with.
    pub fn http_status(&self) -> u16 {
        match self {
            Self::Unauthenticated | Self::InvalidCredentials => 401,
            Self::AccountDisabled
            | Self::Forbidden
            | Self::CrossSite
            | Self::RegistrationClosed
            | Self::InviteRequired
            | Self::InviteInvalid
            | Self::GroupDisabled => 403,
            Self::NotFound => 404,
            Self::SignInFailed => 502,
            Self::SignInExpired => 400,
            Self::IdentityTaken | Self::LastSignInMethod => 409,
            Self::LinkExpired => 410,
            Self::UsernameTaken | Self::AlreadyFriends | Self::RequestPending => 409,
            Self::CannotAddSelf => 422,
            Self::Blocked | Self::Muted { .. } => 403,
            Self::AlreadyMember | Self::TooLate => 409,
            Self::WrongPassword | Self::Validation { .. } => 422,
            Self::RateLimited { .. } => 429,
            Self::Unavailable { .. } => 503,
            Self::TooLarge => 413,
            Self::Timeout => 408,
            Self::BadRequest { .. } => 400,
            Self::Network { .. } => 502,
            Self::Internal => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonText;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(d)
            | ServerFnErrorErr::MissingArg(d)
            | ServerFnErrorErr::Deserialization(d)
            | ServerFnErrorErr::UnsupportedRequestMethod(d) => Self::BadRequest { detail: d },
            ServerFnErrorErr::Registration(_) => Self::NotFound,
            ServerFnErrorErr::Request(d) | ServerFnErrorErr::Response(d) => {
                Self::Network { detail: d }
            }
            ServerFnErrorErr::ServerError(_)
            | ServerFnErrorErr::MiddlewareError(_)
            | ServerFnErrorErr::Serialization(_) => Self::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_form_is_a_code_object() {
        let json = serde_json::to_string(&AppError::UsernameTaken).unwrap();
        assert_eq!(json, r#"{"code":"username_taken"}"#);
        let json =
            serde_json::to_string(&AppError::invalid("password", Invalid::TooShort)).unwrap();
        assert_eq!(
            json,
            r#"{"code":"validation","field":"password","reason":"too_short"}"#
        );
        let back: AppError = serde_json::from_str(&json).unwrap();
        assert_eq!(back, AppError::invalid("password", Invalid::TooShort));
    }

    #[test]
    fn code_matches_serde_tag() {
        let all = [
            AppError::Unauthenticated,
            AppError::InvalidCredentials,
            AppError::AccountDisabled,
            AppError::Forbidden,
            AppError::CrossSite,
            AppError::UsernameTaken,
            AppError::WrongPassword,
            AppError::invalid("x", Invalid::Required),
            AppError::CannotAddSelf,
            AppError::AlreadyFriends,
            AppError::RequestPending,
            AppError::Blocked,
            AppError::Muted { until: None },
            AppError::AlreadyMember,
            AppError::NotFound,
            AppError::RateLimited {
                retry_after_secs: 3,
            },
            AppError::Unavailable {
                retry_after_secs: 1,
            },
            AppError::TooLarge,
            AppError::Timeout,
            AppError::RegistrationClosed,
            AppError::InviteRequired,
            AppError::InviteInvalid,
            AppError::SignInFailed,
            AppError::SignInExpired,
            AppError::IdentityTaken,
            AppError::LastSignInMethod,
            AppError::BadRequest { detail: "d".into() },
            AppError::Network { detail: "d".into() },
            AppError::Internal,
        ];
        for e in all {
            let v = serde_json::to_value(&e).unwrap();
            assert_eq!(v["code"], e.code(), "{e:?}");
            assert!(e.http_status() >= 400);
        }
    }
}
