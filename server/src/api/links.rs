//! Links that bring people in: each user's add-friend link and groups' invite links, with the
//! QR codes that carry them. Joining through an invite counts its use in the same unit of work
//! as the membership and the notice, so a link allowing N joins lets exactly N people in.

use async_trait::async_trait;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use rand::Rng;
use shared::AppError;
use shared::api::Caller;
use shared::api::links::LinksApi;
use shared::error::Invalid;
use shared::ids::{GroupId, GroupInviteId, UserId};
use shared::model::{
    FriendLink, GroupCard, GroupInfo, GroupInvite, GroupStatus, INVITE_DEFAULT_HOURS,
    INVITE_MAX_ACTIVE, INVITE_MAX_HOURS, INVITE_MAX_USES, InvitePreview, LINK_CODE_LEN,
    SystemNotice, UserCard, is_link_code,
};

use super::Api;
use super::groups::{check_manage, conversation, write_notice};
use crate::auth::limits::Action;
use crate::db::Failure;
use crate::repo::links::{self as repo, InviteRow};
use crate::repo::{groups, messages, users};
use crate::time::now_ms;

/// Attempts at drawing a code that no other row holds (a clash is a 1 in 10^21 event).
pub(crate) const CODE_ATTEMPTS: usize = 3;

/// A fresh random link code: [`LINK_CODE_LEN`] letters and digits (71 bits).
pub(crate) fn new_code() -> String {
    rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(LINK_CODE_LEN)
        .map(char::from)
        .collect()
}

/// `url` as a QR code: an SVG document (no XML prolog, so it can be placed inline), with
/// medium error correction so a phone reads it off a screen at an angle.
pub fn qr_svg(url: &str) -> Result<String, AppError> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).map_err(|e| {
        tracing::error!(error = %e, "QR code could not be made");
        AppError::Internal
    })?;
    let svg = code
        .render::<svg::Color>()
        .min_dimensions(240, 240)
        .dark_color(svg::Color("#111111"))
        .light_color(svg::Color("#ffffff"))
        .quiet_zone(true)
        .build();
    Ok(match svg.find("<svg") {
        Some(start) => svg[start..].to_owned(),
        None => svg,
    })
}

/// A code looked up from the outside: anything that cannot be a code is `not_found` unread.
fn check_code(code: &str) -> Result<(), AppError> {
    if is_link_code(code) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

impl Api {
    /// The view of a stored invite for its group's managers.
    async fn invite_view(&self, origin: &str, row: InviteRow) -> Result<GroupInvite, AppError> {
        let creator_name = users::nicknames(&self.state.db, &[row.created_by])
            .await?
            .into_iter()
            .next()
            .map(|(_, name)| name)
            .unwrap_or_default();
        let url = format!("{origin}/join/{}", row.code);
        Ok(GroupInvite {
            id: GroupInviteId(row.id),
            group_id: GroupId(row.group_id),
            qr_svg: qr_svg(&url)?,
            url,
            code: row.code,
            created_by: UserId(row.created_by),
            creator_name,
            created_at: row.created_at,
            expires_at: row.expires_at,
            max_uses: row.max_uses.and_then(|m| u32::try_from(m).ok()),
            uses: u32::try_from(row.uses).unwrap_or(u32::MAX),
        })
    }
}

#[async_trait]
impl LinksApi for Api {
    async fn get_friend_link(&self, caller: &Caller, reset: bool) -> Result<FriendLink, AppError> {
        let me = caller.auth()?.user_id;
        let db = &self.state.db;
        let mut code = match reset {
            true => None,
            false => crate::db_conn!(db, |conn| repo::friend_code(conn, me).await)?,
        };
        let mut attempts = 0;
        while code.is_none() {
            attempts += 1;
            let fresh = new_code();
            let stored = crate::db_conn!(db, |conn| repo::set_friend_code(conn, me, &fresh).await);
            match stored {
                Ok(()) => code = Some(fresh),
                Err(e) if e.is_unique_violation() && attempts < CODE_ATTEMPTS => {}
                Err(e) => return Err(e.into()),
            }
        }
        let code = code.ok_or(AppError::Internal)?;
        if reset {
            tracing::info!(user = %me, "add-friend link reset");
        }
        let url = format!("{}/add/{code}", caller.origin);
        Ok(FriendLink {
            qr_svg: qr_svg(&url)?,
            url,
            code,
        })
    }

    async fn open_friend_link(&self, caller: &Caller, code: String) -> Result<UserCard, AppError> {
        let me = caller.auth()?.user_id;
        check_code(&code)?;
        self.state.limits.check_user(me, Action::Search)?;
        let db = &self.state.db;
        let user = crate::db_conn!(db, |conn| repo::user_by_friend_code(conn, &code).await)?
            .ok_or(AppError::NotFound)?;
        crate::repo::contacts::cards(db, me, &[user.0])
            .await?
            .into_iter()
            .next()
            .ok_or(AppError::NotFound)
    }

    async fn create_group_invite(
        &self,
        caller: &Caller,
        group_id: GroupId,
        expires_in_hours: Option<u32>,
        max_uses: Option<u32>,
    ) -> Result<GroupInvite, AppError> {
        let me = caller.auth()?.user_id;
        let hours = expires_in_hours.unwrap_or(INVITE_DEFAULT_HOURS);
        if !(1..=INVITE_MAX_HOURS).contains(&hours) {
            return Err(AppError::invalid("expires_in_hours", Invalid::OutOfRange));
        }
        if max_uses.is_some_and(|m| !(1..=INVITE_MAX_USES).contains(&m)) {
            return Err(AppError::invalid("max_uses", Invalid::OutOfRange));
        }
        let mut attempts = 0;
        let row = loop {
            attempts += 1;
            let code = new_code();
            let made = crate::db_transaction!(&self.state.db, |tx| {
                check_manage(tx, me, group_id, false).await?;
                let now = now_ms();
                let live: Vec<i64> = repo::unexpired_invites(tx, group_id, now)
                    .await?
                    .into_iter()
                    .filter(|i| i.is_live(now))
                    .map(|i| i.id)
                    .collect();
                // Newest first: everything from the limit on makes room for the new one.
                if live.len() >= INVITE_MAX_ACTIVE {
                    repo::revoke(tx, &live[INVITE_MAX_ACTIVE - 1..], now).await?;
                }
                let expires_at = now + i64::from(hours) * 3_600_000;
                let id = repo::create_invite(
                    tx,
                    group_id,
                    &code,
                    me,
                    now,
                    expires_at,
                    max_uses.map(i64::from),
                )
                .await?;
                let row = repo::invite(tx, id).await?.ok_or(AppError::Internal)?;
                Ok::<_, Failure>(row)
            });
            match made {
                Ok(row) => break row,
                Err(Failure::Db(e)) if e.is_unique_violation() && attempts < CODE_ATTEMPTS => {}
                Err(e) => return Err(e.into()),
            }
        };
        tracing::info!(group = %group_id, by = %me, "invite link created");
        self.invite_view(&caller.origin, row).await
    }

    async fn list_group_invites(
        &self,
        caller: &Caller,
        group_id: GroupId,
    ) -> Result<Vec<GroupInvite>, AppError> {
        let me = caller.auth()?.user_id;
        let rows = crate::db_conn!(&self.state.db, |conn| {
            check_manage(conn, me, group_id, false).await?;
            let now = now_ms();
            let rows: Vec<InviteRow> = repo::unexpired_invites(conn, group_id, now)
                .await?
                .into_iter()
                .filter(|i| i.is_live(now))
                .take(INVITE_MAX_ACTIVE)
                .collect();
            Ok::<_, AppError>(rows)
        })?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            out.push(self.invite_view(&caller.origin, row).await?);
        }
        Ok(out)
    }

    async fn revoke_group_invite(
        &self,
        caller: &Caller,
        invite_id: GroupInviteId,
    ) -> Result<(), AppError> {
        let me = caller.auth()?.user_id;
        crate::db_transaction!(&self.state.db, |tx| {
            let invite = repo::invite(tx, invite_id)
                .await?
                .ok_or(AppError::NotFound)?;
            check_manage(tx, me, GroupId(invite.group_id), false)
                .await
                .map_err(|e| match e {
                    // Someone else's group: the invite does not exist for the caller.
                    AppError::Forbidden => AppError::NotFound,
                    other => other,
                })?;
            repo::revoke(tx, &[invite.id], now_ms()).await?;
            Ok::<_, Failure>(())
        })?;
        tracing::info!(invite = %invite_id, by = %me, "invite link revoked");
        Ok(())
    }

    async fn open_group_invite(
        &self,
        caller: &Caller,
        code: String,
    ) -> Result<InvitePreview, AppError> {
        let me = caller.auth()?.user_id;
        check_code(&code)?;
        self.state.limits.check_user(me, Action::Search)?;
        let (invite, group, count, is_member) = crate::db_conn!(&self.state.db, |conn| {
            let invite = repo::invite_by_code(conn, &code)
                .await?
                .ok_or(AppError::NotFound)?;
            let group = groups::get(conn, GroupId(invite.group_id))
                .await?
                .ok_or(AppError::NotFound)?;
            if group.dissolved_at.is_some()
                || group.hold() == GroupStatus::Disabled
                || !invite.is_live(now_ms())
            {
                return Err(AppError::LinkExpired);
            }
            let members = messages::members(conn, conversation(&group)).await?;
            let is_member = members.contains(&me);
            Ok::<_, AppError>((invite, group, members.len(), is_member))
        })?;
        let inviter_name = users::nicknames(&self.state.db, &[invite.created_by])
            .await?
            .into_iter()
            .next()
            .map(|(_, name)| name)
            .unwrap_or_default();
        Ok(InvitePreview {
            code: invite.code,
            inviter_name,
            expires_at: invite.expires_at,
            group: GroupCard {
                id: GroupId(group.id),
                name: group.name,
                avatar_url: shared::model::avatar_url(group.avatar),
                introduction: group.introduction,
                member_count: u64::try_from(count).unwrap_or(0),
                is_member,
            },
        })
    }

    async fn join_group_by_invite(
        &self,
        caller: &Caller,
        code: String,
    ) -> Result<GroupInfo, AppError> {
        let me = caller.auth()?.user_id;
        check_code(&code)?;
        self.state.limits.check_user(me, Action::JoinRequest)?;
        let (group_id, joined) = crate::db_transaction!(&self.state.db, |tx| {
            let invite = repo::invite_by_code(tx, &code)
                .await?
                .ok_or(AppError::NotFound)?;
            let group_id = GroupId(invite.group_id);
            let group = groups::get(tx, group_id).await?.ok_or(AppError::NotFound)?;
            if group.dissolved_at.is_some() || group.hold() == GroupStatus::Disabled {
                return Err(AppError::LinkExpired.into());
            }
            let conv = conversation(&group);
            if groups::role(tx, conv, me).await?.is_some() {
                return Ok((group_id, None));
            }
            let now = now_ms();
            if !repo::use_invite(tx, GroupInviteId(invite.id), now).await? {
                return Err(AppError::LinkExpired.into());
            }
            groups::add_members(tx, conv, &[me], now).await?;
            let joined = SystemNotice::JoinedByLink {
                user: me,
                by: UserId(invite.created_by),
            };
            let notice = write_notice(tx, &group, joined).await?;
            Ok::<_, Failure>((group_id, Some((group, notice))))
        })?;
        match joined {
            Some((group, notice)) => {
                tracing::info!(group = %group_id, user = %me, "joined through an invite link");
                self.announce(&group, notice).await
            }
            None => self.group_info(group_id).await,
        }
    }
}
