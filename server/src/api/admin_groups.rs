//! The admin console's group functions: the table, one group, an administrator's hold
//! (`active`, `muted`, `disabled`), dissolving and handing a group to another member. Each
//! change is one unit of work with its notice to the members and its audit entry; the
//! members are told after the commit.

use serde_json::json;
use shared::api::Caller;
use shared::api::admin::offset_and_limit;
use shared::api::admin_content::GroupFilter;
use shared::error::Invalid;
use shared::ids::{GroupId, UserId};
use shared::model::{AdminGroup, AdminGroupDetail, GroupStatus, Page, SystemNotice};
use shared::{AppError, rights};

use super::Api;
use super::groups::{conversation, write_notice};
use super::moderation::{Audited, record};
use crate::db::{Conn, Failure};
use crate::repo::admin_groups::{self as repo, Standing};
use crate::repo::groups::{self, GroupRow};
use crate::repo::users::like_pattern;
use crate::time::now_ms;

/// The group, or `not_found`.
async fn load(tx: &mut Conn<'_>, id: GroupId) -> Result<GroupRow, Failure> {
    Ok(groups::get(tx, id).await?.ok_or(AppError::NotFound)?)
}

/// The group as the audit log names it.
fn audited<'a>(action: &'a str, group: &'a GroupRow, detail: serde_json::Value) -> Audited<'a> {
    Audited {
        action,
        target_kind: "group",
        target_id: Some(group.id),
        target_name: &group.name,
        detail,
    }
}

/// A dissolved group takes no further change (`validation` on `group_id`).
fn check_live(group: &GroupRow) -> Result<(), Failure> {
    if group.dissolved_at.is_some() {
        return Err(AppError::invalid("group_id", Invalid::OutOfRange).into());
    }
    Ok(())
}

impl Api {
    /// `admin_list_groups`.
    pub(crate) async fn do_admin_list_groups(
        &self,
        caller: &Caller,
        filter: GroupFilter,
        offset: Option<u32>,
        limit: Option<u32>,
    ) -> Result<Page<AdminGroup>, AppError> {
        caller.require(rights::ADMIN)?;
        let (offset, limit) = offset_and_limit(offset, limit)?;
        let pattern = match filter.query.as_deref().map(str::trim) {
            Some(q) if q.chars().count() > 64 => {
                return Err(AppError::invalid("query", Invalid::TooLong));
            }
            Some(q) if !q.is_empty() => Some(like_pattern(q)),
            _ => None,
        };
        let standing = match filter.status.as_deref() {
            None | Some("") => None,
            Some("dissolved") => Some(Standing::Dissolved),
            Some(other) => Some(Standing::Hold(
                GroupStatus::parse(other)
                    .ok_or_else(|| AppError::invalid("status", Invalid::OutOfRange))?,
            )),
        };
        let (items, total) = crate::db_conn!(&self.state.db, |conn| {
            repo::list(conn, pattern.as_deref(), standing, offset, limit).await
        })?;
        Ok(Page {
            items,
            total,
            page: offset / limit + 1,
            per_page: limit,
        })
    }

    /// `admin_get_group`: the drawer's view of a group.
    pub(crate) async fn do_admin_get_group(
        &self,
        caller: &Caller,
        id: GroupId,
    ) -> Result<AdminGroupDetail, AppError> {
        caller.require(rights::ADMIN)?;
        self.admin_group_detail(id).await
    }

    /// Everything the console shows about group `id`.
    async fn admin_group_detail(&self, id: GroupId) -> Result<AdminGroupDetail, AppError> {
        crate::db_conn!(&self.state.db, |conn| {
            let group = groups::get(conn, id).await?.ok_or(AppError::NotFound)?;
            let row = repo::row(conn, id).await?.ok_or(AppError::NotFound)?;
            let members = groups::members(conn, conversation(&group)).await?;
            let message_count = repo::message_count(conn, conversation(&group)).await?;
            Ok::<_, AppError>(AdminGroupDetail {
                group: row,
                introduction: group.introduction,
                notice: group.notice,
                muted_all: group.muted_all,
                message_count,
                members,
            })
        })
    }

    /// `admin_set_group_status`.
    pub(crate) async fn do_admin_set_group_status(
        &self,
        caller: &Caller,
        id: GroupId,
        status: String,
    ) -> Result<AdminGroupDetail, AppError> {
        caller.require(rights::ADMIN)?;
        let status = GroupStatus::parse(&status)
            .ok_or_else(|| AppError::invalid("status", Invalid::OutOfRange))?;
        let done = crate::db_transaction!(&self.state.db, |tx| {
            let group = load(tx, id).await?;
            check_live(&group)?;
            let before = group.hold();
            if before == status {
                return Ok(None);
            }
            repo::set_status(tx, id, status).await?;
            let notice = write_notice(tx, &group, SystemNotice::StatusChanged { status }).await?;
            let detail = json!({"before": before.as_str(), "after": status.as_str()});
            record(tx, caller, audited("set_group_status", &group, detail)).await?;
            Ok::<_, Failure>(Some((group, notice)))
        })?;
        if let Some((group, notice)) = done {
            tracing::info!(group = %id, status = status.as_str(), "group hold changed");
            self.publish(&group, notice, &[]);
        }
        self.admin_group_detail(id).await
    }

    /// `admin_dissolve_group`.
    pub(crate) async fn do_admin_dissolve_group(
        &self,
        caller: &Caller,
        id: GroupId,
    ) -> Result<AdminGroupDetail, AppError> {
        caller.require(rights::ADMIN)?;
        let (group, notice) = crate::db_transaction!(&self.state.db, |tx| {
            let group = load(tx, id).await?;
            check_live(&group)?;
            groups::dissolve(tx, id, now_ms()).await?;
            let notice = write_notice(tx, &group, SystemNotice::DissolvedByAdmin).await?;
            record(tx, caller, audited("dissolve_group", &group, json!({}))).await?;
            Ok::<_, Failure>((group, notice))
        })?;
        tracing::info!(group = %id, "group dissolved by an administrator");
        self.publish(&group, notice, &[]);
        self.admin_group_detail(id).await
    }

    /// `admin_transfer_group`.
    pub(crate) async fn do_admin_transfer_group(
        &self,
        caller: &Caller,
        id: GroupId,
        user: UserId,
    ) -> Result<AdminGroupDetail, AppError> {
        caller.require(rights::ADMIN)?;
        let (group, notice) = crate::db_transaction!(&self.state.db, |tx| {
            let group = load(tx, id).await?;
            check_live(&group)?;
            if groups::role(tx, conversation(&group), user)
                .await?
                .is_none()
            {
                return Err(AppError::NotFound.into());
            }
            if group.owner_id == user.0 {
                return Err(AppError::invalid("user_id", Invalid::OutOfRange).into());
            }
            let owner = UserId(group.owner_id);
            // The owner read above is re-checked by the update itself.
            if !groups::transfer(tx, id, conversation(&group), owner, user).await? {
                return Err(AppError::invalid("user_id", Invalid::OutOfRange).into());
            }
            let notice =
                write_notice(tx, &group, SystemNotice::OwnerChangedByAdmin { user }).await?;
            let detail = json!({"before": owner.0, "after": user.0});
            record(tx, caller, audited("transfer_group", &group, detail)).await?;
            Ok::<_, Failure>((group, notice))
        })?;
        self.publish(&group, notice, &[]);
        self.admin_group_detail(id).await
    }
}
