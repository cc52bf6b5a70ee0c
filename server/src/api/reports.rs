//! Reports: filing one (any signed-in user, about what they can see), the console's queue,
//! and resolving one — the action, the report's new state, the audit entry and the notice to
//! the reporter in one unit of work, its effects published after the commit.

use async_trait::async_trait;
use serde_json::json;
use shared::api::Caller;
use shared::api::reports::ReportsApi;
use shared::error::Invalid;
use shared::event::ServerEvent;
use shared::i18n::Lang;
use shared::ids::{GroupId, MessageId, UserId};
use shared::model::{
    FOREVER, GroupStatus, MessageBody, REPORT_NOTE_MAX, REPORTS_PAGE_MAX, Report, ReportAction,
    ReportReason, ReportStatus, ReportTarget, SystemNotice,
};
use shared::{AppError, rights, validate};

use super::Api;
use super::admin::rights_changed;
use super::groups::write_notice;
use super::moderation::{Audited, record};
use crate::auth::limits::Action;
use crate::db::{Conn, Failure};
use crate::repo::reports::{self as repo, NewReport};
use crate::repo::{admin_groups, groups, message_actions, moderation, system_chat, users};
use crate::time::now_ms;

/// Reports a page holds when no limit is asked for.
const REPORTS_PAGE_DEFAULT: u32 = 50;
/// Characters of a reported message kept with the report.
const SUMMARY_MAX: usize = 200;

/// What a resolution changed besides the report, to publish after the commit.
#[derive(Default)]
struct Effects {
    /// A removed message.
    removed: Option<MessageId>,
    /// A user whose rights changed (muted or banned).
    user: Option<UserId>,
    /// A banned user, whose connections close.
    banned: bool,
    /// A group put on hold, with the notice its members get.
    group: Option<(groups::GroupRow, super::groups::Notice)>,
}

/// The user who must not be muted or banned: an administrator (`validation` on `action`).
async fn check_not_admin(tx: &mut Conn<'_>, user: UserId) -> Result<(), Failure> {
    let held = moderation::rights_through_roles(tx, user).await?;
    if held.iter().any(|r| r == rights::ADMIN) {
        return Err(AppError::invalid("action", Invalid::OutOfRange).into());
    }
    Ok(())
}

impl Api {
    /// What is reported, as the reporter may see it: `(summary, user responsible)`;
    /// `not_found` for what does not exist or is hidden from them.
    async fn check_report_target(
        &self,
        me: UserId,
        kind: ReportTarget,
        id: i64,
    ) -> Result<(String, Option<UserId>), AppError> {
        match kind {
            ReportTarget::Message => {
                let message = message_actions::find(&self.state.db, MessageId(id))
                    .await?
                    .ok_or(AppError::NotFound)?;
                match self.access_conversation(me, message.conversation_id).await {
                    Ok(_) => {}
                    Err(AppError::Forbidden) => return Err(AppError::NotFound),
                    Err(e) => return Err(e),
                }
                let Some(sender) = message.sender_id else {
                    return Err(AppError::invalid("target_id", Invalid::WrongKind));
                };
                if sender == me {
                    return Err(AppError::invalid("target_id", Invalid::OutOfRange));
                }
                let summary = match &message.body {
                    MessageBody::Text { text } => text.chars().take(SUMMARY_MAX).collect(),
                    other => other.preview(Lang::En),
                };
                Ok((summary, Some(sender)))
            }
            ReportTarget::User => {
                let user = UserId(id);
                if user == me {
                    return Err(AppError::invalid("target_id", Invalid::OutOfRange));
                }
                let profile = users::profile(&self.state.db, user)
                    .await?
                    .ok_or(AppError::NotFound)?;
                Ok((
                    format!("{} (@{})", profile.nickname, profile.username),
                    Some(user),
                ))
            }
            ReportTarget::Group => {
                let group = crate::db_conn!(&self.state.db, |conn| groups::get(conn, GroupId(id))
                    .await)?
                .ok_or(AppError::NotFound)?;
                Ok((group.name, Some(UserId(group.owner_id))))
            }
        }
    }

    /// One report as the console shows it.
    async fn one_report(&self, id: i64) -> Result<Report, AppError> {
        crate::db_conn!(&self.state.db, |conn| repo::get(conn, id).await)?.ok_or(AppError::NotFound)
    }

    /// The action's effect on what the report names, inside the resolution's unit of work.
    async fn apply_report_action(
        &self,
        tx: &mut Conn<'_>,
        me: UserId,
        report: &Report,
        action: ReportAction,
        until: i64,
        note: &str,
    ) -> Result<Effects, Failure> {
        let mut effects = Effects::default();
        let wrong = || -> Failure { AppError::invalid("action", Invalid::OutOfRange).into() };
        match (action, report.target_kind) {
            (ReportAction::Dismiss, _) => {}
            (ReportAction::DeleteMessage, ReportTarget::Message) => {
                let id = MessageId(report.target_id);
                // Gone already (recalled by its sender, or removed): nothing left to remove.
                if let Some((current, _)) = message_actions::stored(tx, id).await?
                    && !matches!(
                        current.body,
                        MessageBody::Recalled { .. } | MessageBody::System { .. }
                    )
                {
                    message_actions::recall(tx, &current, me, true).await?;
                    crate::search::forget(tx, id).await?;
                    effects.removed = Some(id);
                }
            }
            (ReportAction::DeleteMessage, _) => return Err(wrong()),
            (ReportAction::Mute | ReportAction::Ban, ReportTarget::Group) => {
                let group = groups::get(tx, GroupId(report.target_id))
                    .await?
                    .ok_or(AppError::NotFound)?;
                if group.dissolved_at.is_some() {
                    return Err(wrong());
                }
                let status = if action == ReportAction::Mute {
                    GroupStatus::Muted
                } else {
                    GroupStatus::Disabled
                };
                if group.hold() != status {
                    admin_groups::set_status(tx, GroupId(group.id), status).await?;
                    let notice =
                        write_notice(tx, &group, SystemNotice::StatusChanged { status }).await?;
                    effects.group = Some((group, notice));
                }
            }
            (ReportAction::Mute | ReportAction::Ban, _) => {
                let user = report.target_user_id.ok_or_else(wrong)?;
                check_not_admin(tx, user).await?;
                if action == ReportAction::Mute {
                    moderation::set_mute(tx, user, Some(until)).await?;
                } else {
                    moderation::set_ban(tx, user, Some(until), note).await?;
                    moderation::end_sessions(tx, user).await?;
                    effects.banned = true;
                }
                effects.user = Some(user);
            }
        }
        Ok(effects)
    }

    /// Publishes what a committed resolution changed.
    async fn publish_effects(&self, effects: Effects) -> Result<(), AppError> {
        if let Some(id) = effects.removed
            && let Some(message) = message_actions::find(&self.state.db, id).await?
            && let Some(access) = self
                .state
                .hub
                .caches()
                .conversation(&self.state.db, message.conversation_id)
                .await?
        {
            self.announce_change(id, &access).await?;
        }
        if let Some(user) = effects.user {
            if effects.banned {
                self.state.hub.close_user_except(user, None);
            }
            rights_changed(&self.state, user).await?;
        }
        if let Some((group, notice)) = effects.group {
            self.publish(&group, notice, &[]);
        }
        Ok(())
    }
}

#[async_trait]
impl ReportsApi for Api {
    async fn report(
        &self,
        caller: &Caller,
        target_kind: String,
        target_id: i64,
        reason: String,
        note: String,
    ) -> Result<Report, AppError> {
        let me = caller.auth()?.user_id;
        self.state.limits.check_user(me, Action::Report)?;
        let kind = ReportTarget::parse(&target_kind)
            .ok_or_else(|| AppError::invalid("target_kind", Invalid::OutOfRange))?;
        let reason = ReportReason::parse(&reason)
            .ok_or_else(|| AppError::invalid("reason", Invalid::OutOfRange))?;
        let note = validate::text("note", &note, REPORT_NOTE_MAX, false)?;
        let (summary, target_user) = self.check_report_target(me, kind, target_id).await?;
        let id = crate::db_transaction!(&self.state.db, |tx| {
            if repo::has_open(tx, me, kind, target_id).await? {
                return Err(AppError::RequestPending.into());
            }
            let id = repo::insert(
                tx,
                NewReport {
                    reporter: me,
                    target_kind: kind,
                    target_id,
                    target_user,
                    summary: &summary,
                    reason,
                    note: &note,
                    at: now_ms(),
                },
            )
            .await
            .map_err(|e| e.unique_as(AppError::RequestPending))?;
            Ok::<_, Failure>(id)
        })?;
        tracing::info!(report = id, by = %me, kind = kind.as_str(), "report filed");
        self.one_report(id).await
    }

    async fn list_reports(
        &self,
        caller: &Caller,
        status: Option<String>,
        before_id: Option<i64>,
        limit: Option<u32>,
    ) -> Result<Vec<Report>, AppError> {
        caller.require(rights::ADMIN)?;
        let limit = limit.unwrap_or(REPORTS_PAGE_DEFAULT);
        if !(1..=REPORTS_PAGE_MAX).contains(&limit) {
            return Err(AppError::invalid("limit", Invalid::OutOfRange));
        }
        let status = match status.as_deref() {
            None | Some("") => None,
            Some(s) => Some(
                ReportStatus::parse(s)
                    .ok_or_else(|| AppError::invalid("status", Invalid::OutOfRange))?,
            ),
        };
        Ok(crate::db_conn!(&self.state.db, |conn| repo::list(
            conn,
            status,
            before_id,
            i64::from(limit)
        )
        .await)?)
    }

    async fn resolve_report(
        &self,
        caller: &Caller,
        report_id: i64,
        action: String,
        note: String,
        until: Option<i64>,
    ) -> Result<Report, AppError> {
        let me = caller.require(rights::ADMIN)?.user_id;
        let action = ReportAction::parse(&action)
            .ok_or_else(|| AppError::invalid("action", Invalid::OutOfRange))?;
        let note = validate::text("note", &note, REPORT_NOTE_MAX, false)?;
        let now = now_ms();
        let until = match until {
            None => FOREVER,
            Some(t) if t > now && t <= FOREVER => t,
            Some(_) => return Err(AppError::invalid("until", Invalid::OutOfRange)),
        };
        let (effects, told) = crate::db_transaction!(&self.state.db, |tx| {
            let report = repo::get(tx, report_id).await?.ok_or(AppError::NotFound)?;
            if report.status != ReportStatus::Open {
                return Err(AppError::invalid("report_id", Invalid::OutOfRange).into());
            }
            let effects = self
                .apply_report_action(tx, me, &report, action, until, &note)
                .await?;
            if !repo::resolve(tx, report_id, action, &note, me, now_ms()).await? {
                return Err(AppError::invalid("report_id", Invalid::OutOfRange).into());
            }
            let notice = SystemNotice::ReportHandled {
                target_kind: report.target_kind,
                action,
            };
            let told = system_chat::tell(tx, report.reporter_id, notice, now_ms()).await?;
            record(
                tx,
                caller,
                Audited {
                    action: "resolve_report",
                    target_kind: report.target_kind.as_str(),
                    target_id: Some(report.target_id),
                    target_name: &report.summary,
                    detail: json!({
                        "report_id": report_id,
                        "action": action.as_str(),
                        "user_id": report.target_user_id.map(|u| u.0),
                        "until": (action == ReportAction::Mute || action == ReportAction::Ban)
                            .then_some(until),
                        "note": note,
                    }),
                },
            )
            .await?;
            Ok::<_, Failure>((effects, (report.reporter_id, told)))
        })?;
        tracing::info!(report = report_id, by = %me, action = action.as_str(), "report resolved");
        self.publish_effects(effects).await?;
        let (reporter, message) = told;
        self.state
            .hub
            .send_to(&[reporter], &ServerEvent::Message { message });
        self.one_report(report_id).await
    }
}
