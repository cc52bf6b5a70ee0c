//! The administrators' audit log (`admin_audit`): written in the transaction of the change it
//! records, read newest first. The table refuses updates and deletes (database triggers).

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use shared::ids::UserId;
use shared::model::AuditEntry;

use crate::conn_run;
use crate::db::schema::admin_audit;
use crate::db::{Conn, Db, DbError};
use crate::db_run;

/// An entry to write.
#[derive(Debug, Clone)]
pub struct NewEntry<'a> {
    /// The administrator.
    pub actor: UserId,
    /// Their username.
    pub actor_name: &'a str,
    /// What they did (`ban_user`, …).
    pub action: &'a str,
    /// What kind of thing it was done to.
    pub target_kind: &'a str,
    /// Its id.
    pub target_id: Option<i64>,
    /// Its name.
    pub target_name: &'a str,
    /// Before, after, reason: a JSON object.
    pub detail: serde_json::Value,
    /// Their address.
    pub address: Option<String>,
    /// When.
    pub at: i64,
}

/// Appends `entry`.
pub async fn insert(conn: &mut Conn<'_>, entry: NewEntry<'_>) -> Result<(), DbError> {
    let detail = entry.detail.to_string();
    conn_run!(conn, |conn| {
        diesel::insert_into(admin_audit::table)
            .values((
                admin_audit::actor_id.eq(entry.actor.0),
                admin_audit::actor_name.eq(entry.actor_name),
                admin_audit::action.eq(entry.action),
                admin_audit::target_kind.eq(entry.target_kind),
                admin_audit::target_id.eq(entry.target_id),
                admin_audit::target_name.eq(entry.target_name),
                admin_audit::detail.eq(&detail),
                admin_audit::address.eq(entry.address.as_deref()),
                admin_audit::created_at.eq(entry.at),
            ))
            .execute(conn)
            .await?;
        Ok(())
    })
}

/// Which entries to read.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Of this administrator.
    pub actor: Option<UserId>,
    /// Of this action.
    pub action: Option<String>,
    /// On this target id.
    pub target: Option<i64>,
    /// Older than this entry.
    pub before_id: Option<i64>,
}

type Row = (
    i64,
    i64,
    String,
    String,
    String,
    Option<i64>,
    String,
    String,
    Option<String>,
    i64,
);

/// Up to `limit` entries matching `filter`, newest first.
pub async fn list(db: &Db, filter: &Filter, limit: i64) -> Result<Vec<AuditEntry>, DbError> {
    let rows: Vec<Row> = db_run!(db, |conn| {
        let mut q = admin_audit::table.into_boxed();
        if let Some(actor) = filter.actor {
            q = q.filter(admin_audit::actor_id.eq(actor.0));
        }
        if let Some(action) = &filter.action {
            q = q.filter(admin_audit::action.eq(action.clone()));
        }
        if let Some(target) = filter.target {
            q = q.filter(admin_audit::target_id.eq(target));
        }
        if let Some(before) = filter.before_id {
            q = q.filter(admin_audit::id.lt(before));
        }
        Ok::<_, DbError>(
            q.select((
                admin_audit::id,
                admin_audit::actor_id,
                admin_audit::actor_name,
                admin_audit::action,
                admin_audit::target_kind,
                admin_audit::target_id,
                admin_audit::target_name,
                admin_audit::detail,
                admin_audit::address,
                admin_audit::created_at,
            ))
            .order(admin_audit::id.desc())
            .limit(limit)
            .load(conn)
            .await?,
        )
    })?;
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                actor_id,
                actor_name,
                action,
                target_kind,
                target_id,
                target_name,
                detail,
                address,
                created_at,
            )| AuditEntry {
                id,
                actor_id: UserId(actor_id),
                actor_name,
                action,
                target_kind,
                target_id,
                target_name,
                detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::Null),
                address,
                created_at,
            },
        )
        .collect())
}
