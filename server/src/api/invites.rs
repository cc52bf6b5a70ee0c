//! Invite codes: administrators create, list and revoke them (each change with its audit
//! entry, in one unit of work); sign-up uses them up (see `accounts`).

use async_trait::async_trait;
use serde_json::json;
use shared::api::Caller;
use shared::api::invites::InvitesApi;
use shared::error::Invalid;
use shared::model::{
    INVITE_CODE_MAX_HOURS, INVITE_CODE_MAX_USES, INVITE_CODES_ACTIVE_MAX, INVITE_CODES_PAGE_MAX,
    INVITE_NOTE_MAX, InviteCode, InviteStatus,
};
use shared::{AppError, rights, validate};

use super::Api;
use super::links::{CODE_ATTEMPTS, new_code};
use super::moderation::{Audited, record};
use crate::db::Failure;
use crate::repo::invite_codes::{self as repo, NewInviteCode};
use crate::time::now_ms;

/// Codes a page holds when no limit is asked for.
const PAGE_DEFAULT: u32 = 50;
/// An hour in milliseconds.
const HOUR_MS: i64 = 3_600_000;

/// `code` with its sign-up URL on the origin the caller used.
fn with_url(origin: &str, mut code: InviteCode) -> InviteCode {
    code.url = format!("{origin}/signup?invite={}", code.code);
    code
}

impl Api {
    /// Validates a new code's terms: `(note, max_uses, expires_at)`.
    fn check_create_invite_code(
        caller: &Caller,
        note: &str,
        max_uses: Option<u32>,
        expires_in_hours: Option<u32>,
        now: i64,
    ) -> Result<(String, Option<u32>, Option<i64>), AppError> {
        caller.require(rights::ADMIN)?;
        let note = validate::text("note", note, INVITE_NOTE_MAX, false)?;
        if max_uses.is_some_and(|n| !(1..=INVITE_CODE_MAX_USES).contains(&n)) {
            return Err(AppError::invalid("max_uses", Invalid::OutOfRange));
        }
        let expires_at = match expires_in_hours {
            None => None,
            Some(hours) if (1..=INVITE_CODE_MAX_HOURS).contains(&hours) => {
                Some(now + i64::from(hours) * HOUR_MS)
            }
            Some(_) => return Err(AppError::invalid("expires_in_hours", Invalid::OutOfRange)),
        };
        Ok((note, max_uses, expires_at))
    }

    /// Creates the code with its audit entry; a fresh code is drawn again on the (1 in 10^21)
    /// clash with an existing one.
    async fn do_create_invite_code(
        &self,
        caller: &Caller,
        note: &str,
        max_uses: Option<u32>,
        expires_at: Option<i64>,
        now: i64,
    ) -> Result<InviteCode, AppError> {
        let me = caller.auth()?.user_id;
        let mut attempts = 0;
        let id = loop {
            attempts += 1;
            let code = new_code();
            let made = crate::db_transaction!(&self.state.db, |tx| {
                if repo::count_active(tx, now).await? >= i64::from(INVITE_CODES_ACTIVE_MAX) {
                    return Err(AppError::invalid("invite_codes", Invalid::OutOfRange).into());
                }
                let id = repo::insert(
                    tx,
                    NewInviteCode {
                        code: &code,
                        note,
                        max_uses,
                        expires_at,
                        created_by: me,
                        at: now,
                    },
                )
                .await?;
                record(
                    tx,
                    caller,
                    Audited {
                        action: "create_invite_code",
                        target_kind: "invite_code",
                        target_id: Some(id),
                        target_name: note,
                        detail: json!({
                            "after": {
                                "note": note,
                                "max_uses": max_uses,
                                "expires_at": expires_at,
                            }
                        }),
                    },
                )
                .await?;
                Ok::<_, Failure>(id)
            });
            match made {
                Ok(id) => break id,
                Err(Failure::Db(e)) if e.is_unique_violation() && attempts < CODE_ATTEMPTS => {}
                Err(e) => return Err(e.into()),
            }
        };
        tracing::info!(invite = id, by = %me, "invite code created");
        self.one_invite_code(caller, id, now).await
    }

    /// One code as the console shows it.
    async fn one_invite_code(
        &self,
        caller: &Caller,
        id: i64,
        now: i64,
    ) -> Result<InviteCode, AppError> {
        let code = crate::db_conn!(&self.state.db, |conn| repo::get(conn, id, now).await)?
            .ok_or(AppError::NotFound)?;
        Ok(with_url(&caller.origin, code))
    }
}

#[async_trait]
impl InvitesApi for Api {
    async fn create_invite_code(
        &self,
        caller: &Caller,
        note: String,
        max_uses: Option<u32>,
        expires_in_hours: Option<u32>,
    ) -> Result<InviteCode, AppError> {
        let now = now_ms();
        let (note, max_uses, expires_at) =
            Self::check_create_invite_code(caller, &note, max_uses, expires_in_hours, now)?;
        self.do_create_invite_code(caller, &note, max_uses, expires_at, now)
            .await
    }

    async fn list_invite_codes(
        &self,
        caller: &Caller,
        status: Option<String>,
        before_id: Option<i64>,
        limit: Option<u32>,
    ) -> Result<Vec<InviteCode>, AppError> {
        caller.require(rights::ADMIN)?;
        let limit = limit.unwrap_or(PAGE_DEFAULT);
        if !(1..=INVITE_CODES_PAGE_MAX).contains(&limit) {
            return Err(AppError::invalid("limit", Invalid::OutOfRange));
        }
        let status = match status.as_deref() {
            None | Some("" | "all") => None,
            Some(s) => Some(
                InviteStatus::parse(s)
                    .ok_or_else(|| AppError::invalid("status", Invalid::OutOfRange))?,
            ),
        };
        let now = now_ms();
        let codes = crate::db_conn!(&self.state.db, |conn| repo::list(
            conn,
            status,
            before_id,
            i64::from(limit),
            now
        )
        .await)?;
        Ok(codes
            .into_iter()
            .map(|c| with_url(&caller.origin, c))
            .collect())
    }

    async fn revoke_invite_code(
        &self,
        caller: &Caller,
        invite_id: i64,
    ) -> Result<InviteCode, AppError> {
        caller.require(rights::ADMIN)?;
        let now = now_ms();
        crate::db_transaction!(&self.state.db, |tx| {
            let before = repo::get(tx, invite_id, now)
                .await?
                .ok_or(AppError::NotFound)?;
            if before.revoked_at.is_some() {
                return Ok(());
            }
            repo::revoke(tx, invite_id, now).await?;
            record(
                tx,
                caller,
                Audited {
                    action: "revoke_invite_code",
                    target_kind: "invite_code",
                    target_id: Some(invite_id),
                    target_name: &before.note,
                    detail: json!({"before": {"status": before.status, "uses": before.uses}}),
                },
            )
            .await?;
            Ok::<_, Failure>(())
        })?;
        tracing::info!(invite = invite_id, "invite code revoked");
        self.one_invite_code(caller, invite_id, now).await
    }
}
