//! Reports as stored, and their queue.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use shared::ids::UserId;
use shared::model::{Report, ReportAction, ReportReason, ReportStatus, ReportTarget};

use crate::conn_run;
use crate::db::schema::{reports, users};
use crate::db::{Conn, DbError};

/// A report to file.
#[derive(Debug, Clone)]
pub struct NewReport<'a> {
    /// Who files it.
    pub reporter: UserId,
    /// What kind of thing.
    pub target_kind: ReportTarget,
    /// Its id.
    pub target_id: i64,
    /// The user responsible.
    pub target_user: Option<UserId>,
    /// What it was.
    pub summary: &'a str,
    /// Why.
    pub reason: ReportReason,
    /// The reporter's note.
    pub note: &'a str,
    /// When.
    pub at: i64,
}

type Row = (
    i64,
    i64,
    String,
    i64,
    Option<i64>,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    Option<i64>,
    Option<i64>,
    i64,
);

/// The columns a report is read with.
type Columns = (
    reports::id,
    reports::reporter_id,
    reports::target_kind,
    reports::target_id,
    reports::target_user_id,
    reports::summary,
    reports::reason,
    reports::note,
    reports::status,
    reports::action,
    reports::resolution_note,
    reports::resolved_by,
    reports::resolved_at,
    reports::created_at,
);

const COLUMNS: Columns = (
    reports::id,
    reports::reporter_id,
    reports::target_kind,
    reports::target_id,
    reports::target_user_id,
    reports::summary,
    reports::reason,
    reports::note,
    reports::status,
    reports::action,
    reports::resolution_note,
    reports::resolved_by,
    reports::resolved_at,
    reports::created_at,
);

/// Files `report`; its id. A second open report of the same target by the same caller fails
/// on the unique index (see [`DbError::unique_as`]).
pub async fn insert(conn: &mut Conn<'_>, report: NewReport<'_>) -> Result<i64, DbError> {
    conn_run!(conn, |conn| {
        Ok::<_, DbError>(
            diesel::insert_into(reports::table)
                .values((
                    reports::reporter_id.eq(report.reporter.0),
                    reports::target_kind.eq(report.target_kind.as_str()),
                    reports::target_id.eq(report.target_id),
                    reports::target_user_id.eq(report.target_user.map(|u| u.0)),
                    reports::summary.eq(report.summary),
                    reports::reason.eq(report.reason.as_str()),
                    reports::note.eq(report.note),
                    reports::created_at.eq(report.at),
                ))
                .returning(reports::id)
                .get_result(conn)
                .await?,
        )
    })
}

/// Whether `reporter` has an open report of this target.
pub async fn has_open(
    conn: &mut Conn<'_>,
    reporter: UserId,
    kind: ReportTarget,
    target: i64,
) -> Result<bool, DbError> {
    let n: i64 = conn_run!(conn, |conn| {
        Ok::<_, DbError>(
            reports::table
                .filter(reports::reporter_id.eq(reporter.0))
                .filter(reports::target_kind.eq(kind.as_str()))
                .filter(reports::target_id.eq(target))
                .filter(reports::status.eq("open"))
                .count()
                .get_result(conn)
                .await?,
        )
    })?;
    Ok(n > 0)
}

/// Reports of `status` (all when `None`) older than `before`, newest first, at most `limit`.
pub async fn list(
    conn: &mut Conn<'_>,
    status: Option<ReportStatus>,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Report>, DbError> {
    let rows: Vec<Row> = conn_run!(conn, |conn| {
        let mut query = reports::table.select(COLUMNS).into_boxed();
        if let Some(status) = status {
            query = query.filter(reports::status.eq(status.as_str()));
        }
        if let Some(before) = before {
            query = query.filter(reports::id.lt(before));
        }
        Ok::<_, DbError>(
            query
                .order(reports::id.desc())
                .limit(limit)
                .load(conn)
                .await?,
        )
    })?;
    views(conn, rows).await
}

/// One report, or `None`.
pub async fn get(conn: &mut Conn<'_>, id: i64) -> Result<Option<Report>, DbError> {
    let rows: Vec<Row> = conn_run!(conn, |conn| {
        Ok::<_, DbError>(reports::table.find(id).select(COLUMNS).load(conn).await?)
    })?;
    Ok(views(conn, rows).await?.pop())
}

/// Marks an open report handled; `false` when it was not open any more (a concurrent
/// resolution won).
pub async fn resolve(
    conn: &mut Conn<'_>,
    id: i64,
    action: ReportAction,
    note: &str,
    by: UserId,
    at: i64,
) -> Result<bool, DbError> {
    let status = if action == ReportAction::Dismiss {
        ReportStatus::Dismissed
    } else {
        ReportStatus::Resolved
    };
    let changed = conn_run!(conn, |conn| {
        Ok::<_, DbError>(
            diesel::update(
                reports::table
                    .filter(reports::id.eq(id))
                    .filter(reports::status.eq("open")),
            )
            .set((
                reports::status.eq(status.as_str()),
                reports::action.eq(action.as_str()),
                reports::resolution_note.eq(note),
                reports::resolved_by.eq(by.0),
                reports::resolved_at.eq(at),
            ))
            .execute(conn)
            .await?,
        )
    })?;
    Ok(changed == 1)
}

/// Rows with the usernames they name.
async fn views(conn: &mut Conn<'_>, rows: Vec<Row>) -> Result<Vec<Report>, DbError> {
    let mut ids: Vec<i64> = rows
        .iter()
        .flat_map(|r| [Some(r.1), r.4, r.11])
        .flatten()
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let names: HashMap<i64, String> = conn_run!(conn, |conn| {
        let pairs: Vec<(i64, String)> = users::table
            .filter(users::id.eq_any(&ids))
            .select((users::id, users::username))
            .load(conn)
            .await?;
        Ok::<_, DbError>(pairs.into_iter().collect())
    })?;
    let name = |id: Option<i64>| id.and_then(|i| names.get(&i).cloned()).unwrap_or_default();
    Ok(rows
        .into_iter()
        .filter_map(
            |(
                id,
                reporter,
                kind,
                target_id,
                target_user,
                summary,
                reason,
                note,
                status,
                action,
                resolution_note,
                resolved_by,
                resolved_at,
                created_at,
            )| {
                Some(Report {
                    id,
                    reporter_id: UserId(reporter),
                    reporter_name: name(Some(reporter)),
                    target_kind: ReportTarget::parse(&kind)?,
                    target_id,
                    target_user_id: target_user.map(UserId),
                    target_user_name: name(target_user),
                    summary,
                    reason: ReportReason::parse(&reason).unwrap_or(ReportReason::Other),
                    note,
                    status: ReportStatus::parse(&status).unwrap_or(ReportStatus::Open),
                    action: action.as_deref().and_then(ReportAction::parse),
                    resolution_note,
                    resolved_by_name: name(resolved_by),
                    resolved_at,
                    created_at,
                })
            },
        )
        .collect())
}
