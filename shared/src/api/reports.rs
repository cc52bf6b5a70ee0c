//! Reports: any signed-in user flags a message, a user or a group; administrators work the
//! queue, and the reporter hears what was done in their "Parley" system chat.

use leptos::prelude::*;

use super::codec::Json;

use crate::error::AppError;
use crate::model;

#[cfg(feature = "ssr")]
use super::Caller;

/// The server's implementation of reports.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait ReportsApi: Send + Sync {
    /// See [`report`].
    async fn report(
        &self,
        caller: &Caller,
        target_kind: String,
        target_id: i64,
        reason: String,
        note: String,
    ) -> Result<model::Report, AppError>;
    /// See [`admin_list_reports`].
    async fn list_reports(
        &self,
        caller: &Caller,
        status: Option<String>,
        before_id: Option<i64>,
        limit: Option<u32>,
    ) -> Result<Vec<model::Report>, AppError>;
    /// See [`admin_resolve_report`].
    async fn resolve_report(
        &self,
        caller: &Caller,
        report_id: i64,
        action: String,
        note: String,
        until: Option<i64>,
    ) -> Result<model::Report, AppError>;
}

/// Reports a `message`, `user` or `group` (`target_kind`) by its id, for a `reason` (`spam`,
/// `harassment`, `fraud`, `sexual`, `illegal`, `other`) with an optional `note` (≤ 500
/// characters). Only what the caller can see may be reported: a message of one of their
/// conversations, any user, a group they are in or could find. One open report per caller and
/// target; rate-limited. Errors: `unauthenticated`, `validation`, `not_found`,
/// `request_pending` (reported already and still open), `rate_limited`.
// The generated argument struct of `report` is named `Report`, hence `model::Report`.
#[server(endpoint = "report", input = Json, output = Json)]
pub async fn report(
    target_kind: String,
    target_id: i64,
    reason: String,
    #[server(default)] note: String,
) -> Result<model::Report, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .reports
        .report(&caller, target_kind, target_id, reason, note)
        .await
}

/// The report queue, newest first: of one `status` (`open`, `resolved`, `dismissed`; all when
/// absent), older than `before_id`; `limit` 1–100 (default 50). Errors: `forbidden`,
/// `validation`.
#[server(endpoint = "admin_list_reports", input = Json, output = Json)]
pub async fn admin_list_reports(
    #[server(default)] status: Option<String>,
    #[server(default)] before_id: Option<i64>,
    #[server(default)] limit: Option<u32>,
) -> Result<Vec<model::Report>, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .reports
        .list_reports(&caller, status, before_id, limit)
        .await
}

/// Resolves an open report with an `action`: `dismiss`; `delete_message` (a reported message
/// is removed for everyone); `mute` or `ban` of the user responsible (the message's sender,
/// the user; for a group, the group is muted or disabled) until `until` (epoch ms; for good
/// when absent). `note` (≤ 500) goes to the audit log. The reporter is told in their "Parley"
/// chat. Errors: `forbidden`, `not_found`, `validation` (an action that does not fit the
/// target, a report already resolved, an administrator to mute or ban).
#[server(endpoint = "admin_resolve_report", input = Json, output = Json)]
pub async fn admin_resolve_report(
    report_id: i64,
    action: String,
    #[server(default)] note: String,
    #[server(default)] until: Option<i64>,
) -> Result<model::Report, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .reports
        .resolve_report(&caller, report_id, action, note, until)
        .await
}
