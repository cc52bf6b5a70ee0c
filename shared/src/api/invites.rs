//! Invite codes: administrators create, list and revoke them; while registration is `invite`,
//! `sign_up` needs one.

use leptos::prelude::*;

use super::codec::Json;

use crate::error::AppError;
use crate::model;

#[cfg(feature = "ssr")]
use super::Caller;

/// The server's implementation of invite codes.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait InvitesApi: Send + Sync {
    /// See [`admin_create_invite_code`].
    async fn create_invite_code(
        &self,
        caller: &Caller,
        note: String,
        max_uses: Option<u32>,
        expires_in_hours: Option<u32>,
    ) -> Result<model::InviteCode, AppError>;
    /// See [`admin_list_invite_codes`].
    async fn list_invite_codes(
        &self,
        caller: &Caller,
        status: Option<String>,
        before_id: Option<i64>,
        limit: Option<u32>,
    ) -> Result<Vec<model::InviteCode>, AppError>;
    /// See [`admin_revoke_invite_code`].
    async fn revoke_invite_code(
        &self,
        caller: &Caller,
        invite_id: i64,
    ) -> Result<model::InviteCode, AppError>;
}

/// Creates an invite code of 12 letters and digits, with a `note` (≤ 200 characters: whom it is
/// for), admitting at most `max_uses` accounts (1–10,000; no limit when absent) for
/// `expires_in_hours` hours (1–8,784; for good when absent). At most 1,000 codes may be usable
/// at once (beyond, `validation` on `invite_codes`). Audited. Errors: `forbidden`, `validation`.
#[server(endpoint = "admin_create_invite_code", input = Json, output = Json)]
pub async fn admin_create_invite_code(
    #[server(default)] note: String,
    #[server(default)] max_uses: Option<u32>,
    #[server(default)] expires_in_hours: Option<u32>,
) -> Result<model::InviteCode, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .invites
        .create_invite_code(&caller, note, max_uses, expires_in_hours)
        .await
}

/// Invite codes, newest first: of one `status` (`active`, `expired`, `used_up`, `revoked`; all
/// when absent), older than `before_id`; `limit` 1–100 (default 50). Each carries its uses and
/// the latest accounts made with it. Errors: `forbidden`, `validation`.
#[server(endpoint = "admin_list_invite_codes", input = Json, output = Json)]
pub async fn admin_list_invite_codes(
    #[server(default)] status: Option<String>,
    #[server(default)] before_id: Option<i64>,
    #[server(default)] limit: Option<u32>,
) -> Result<Vec<model::InviteCode>, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .invites
        .list_invite_codes(&caller, status, before_id, limit)
        .await
}

/// Revokes an invite code at once: `sign_up` with it answers `invite_invalid` from now on;
/// accounts already made with it stay. Revoking a revoked code changes nothing. Audited.
/// Errors: `forbidden`, `not_found`.
#[server(endpoint = "admin_revoke_invite_code", input = Json, output = Json)]
pub async fn admin_revoke_invite_code(invite_id: i64) -> Result<model::InviteCode, AppError> {
    let (ports, caller) = super::request()?;
    ports.invites.revoke_invite_code(&caller, invite_id).await
}
