//! The dashboard's figures: totals, and per-hour and per-day counts over a recent window.
//!
//! `messages` has no index on its time: the first message of the window is found by a binary
//! search over ids (ids grow with time), and only the window's rows are read, by primary key.

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use diesel_async::RunQueryDsl;

use crate::db::schema::{chat_groups, messages, users};
use crate::db::{Db, DbError};
use crate::db_run;

/// Counts per bucket: `(bucket index since the epoch, count)`.
pub type Buckets = Vec<(i64, i64)>;

/// The totals.
#[derive(Debug, Clone, Copy, Default)]
pub struct Totals {
    /// People's accounts (bots and webhooks not counted).
    pub users: i64,
    /// Groups not dissolved.
    pub groups: i64,
    /// Messages.
    pub messages: i64,
    /// Upload bytes.
    pub media_bytes: i64,
    /// Database bytes, when known.
    pub database_bytes: Option<i64>,
}

#[derive(QueryableByName)]
struct Bucket {
    #[diesel(sql_type = BigInt)]
    bucket: i64,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Size {
    #[diesel(sql_type = BigInt)]
    bytes: i64,
}

/// The totals, with the database's size.
pub async fn totals(db: &Db) -> Result<Totals, DbError> {
    let media_sql = "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) AS bytes FROM media";
    let (users_, groups_, messages_, media_bytes): (i64, i64, i64, i64) = db_run!(db, |conn| {
        let u: i64 = users::table
            .filter(users::kind.eq(crate::repo::bots::KIND_PERSON))
            .count()
            .get_result(conn)
            .await?;
        let g: i64 = chat_groups::table
            .filter(chat_groups::dissolved_at.is_null())
            .count()
            .get_result(conn)
            .await?;
        let m: i64 = messages::table.count().get_result(conn).await?;
        let b: Size = diesel::sql_query(media_sql).get_result(conn).await?;
        Ok::<_, DbError>((u, g, m, b.bytes))
    })?;
    let database_bytes = match db {
        Db::Sqlite(pool) => {
            let mut c = pool.get().await?;
            diesel::sql_query(
                "SELECT page_count * page_size AS bytes \
                 FROM pragma_page_count(), pragma_page_size()",
            )
            .get_result::<Size>(&mut *c)
            .await
            .ok()
            .map(|s| s.bytes)
        }
        Db::Postgres(pool) => {
            let mut c = pool.get().await?;
            diesel::sql_query("SELECT pg_database_size(current_database()) AS bytes")
                .get_result::<Size>(&mut *c)
                .await
                .ok()
                .map(|s| s.bytes)
        }
    };
    Ok(Totals {
        users: users_,
        groups: groups_,
        messages: messages_,
        media_bytes,
        database_bytes,
    })
}

/// The id of the first message created at or after `since` (`None`: none is).
async fn first_message_since(db: &Db, since: i64) -> Result<Option<i64>, DbError> {
    // The first message with an id ≥ `id`: (its id, when it was created).
    async fn at_or_after(db: &Db, id: i64) -> Result<Option<(i64, i64)>, DbError> {
        db_run!(db, |conn| {
            Ok::<_, DbError>(
                messages::table
                    .filter(messages::id.ge(id))
                    .order(messages::id.asc())
                    .select((messages::id, messages::created_at))
                    .first(conn)
                    .await
                    .optional()?,
            )
        })
    }
    let newest: Option<(i64, i64)> = db_run!(db, |conn| {
        Ok::<_, DbError>(
            messages::table
                .order(messages::id.desc())
                .select((messages::id, messages::created_at))
                .first(conn)
                .await
                .optional()?,
        )
    })?;
    let Some((high_id, high_at)) = newest else {
        return Ok(None);
    };
    if high_at < since {
        return Ok(None);
    }
    let (mut lo, mut hi) = (0i64, high_id);
    // Invariant: the answer is in (lo, hi]; about 40 point lookups at most.
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        match at_or_after(db, mid).await? {
            Some((id, at)) if at >= since => hi = id.min(hi),
            Some((id, _)) => lo = id.max(mid),
            None => hi = mid,
        }
    }
    Ok(at_or_after(db, hi).await?.map(|(id, _)| id))
}

/// Messages per `bucket_ms` since `since`, and distinct people who sent per `day_ms` since
/// `since`.
pub async fn message_series(
    db: &Db,
    since: i64,
    hour_ms: i64,
    day_ms: i64,
) -> Result<(Buckets, Buckets), DbError> {
    let Some(first) = first_message_since(db, since).await? else {
        return Ok((Vec::new(), Vec::new()));
    };
    let grouped = |sql: &'static str, width: i64| {
        diesel::sql_query(sql)
            .bind::<BigInt, _>(width)
            .bind::<BigInt, _>(first)
            .bind::<BigInt, _>(since)
    };
    let per_hour = "SELECT created_at / $1 AS bucket, COUNT(*) AS n FROM messages \
                    WHERE id >= $2 AND created_at >= $3 GROUP BY 1";
    let senders = "SELECT created_at / $1 AS bucket, COUNT(DISTINCT sender_id) AS n \
                   FROM messages WHERE id >= $2 AND created_at >= $3 \
                   AND sender_id IN (SELECT id FROM users WHERE kind = 'person') GROUP BY 1";
    let (hours, days): (Vec<Bucket>, Vec<Bucket>) = match db {
        Db::Sqlite(pool) => {
            let mut c = pool.get().await?;
            let sqlite = |s: &str| {
                s.replace("$1", "?1")
                    .replace("$2", "?2")
                    .replace("$3", "?3")
            };
            let h = diesel::sql_query(sqlite(per_hour))
                .bind::<BigInt, _>(hour_ms)
                .bind::<BigInt, _>(first)
                .bind::<BigInt, _>(since)
                .load(&mut *c)
                .await?;
            let d = diesel::sql_query(sqlite(senders))
                .bind::<BigInt, _>(day_ms)
                .bind::<BigInt, _>(first)
                .bind::<BigInt, _>(since)
                .load(&mut *c)
                .await?;
            (h, d)
        }
        Db::Postgres(pool) => {
            let mut c = pool.get().await?;
            let h = grouped(per_hour, hour_ms).load(&mut *c).await?;
            let d = grouped(senders, day_ms).load(&mut *c).await?;
            (h, d)
        }
    };
    let pairs = |v: Vec<Bucket>| v.into_iter().map(|b| (b.bucket, b.n)).collect();
    Ok((pairs(hours), pairs(days)))
}

/// People's accounts created per `day_ms` since `since`.
pub async fn sign_ups(db: &Db, since: i64, day_ms: i64) -> Result<Buckets, DbError> {
    let created: Vec<i64> = db_run!(db, |conn| {
        Ok::<_, DbError>(
            users::table
                .filter(users::kind.eq(crate::repo::bots::KIND_PERSON))
                .filter(users::created_at.ge(since))
                .select(users::created_at)
                .load(conn)
                .await?,
        )
    })?;
    let mut out: Buckets = Vec::new();
    for at in created {
        let bucket = at / day_ms;
        match out.iter_mut().find(|(b, _)| *b == bucket) {
            Some((_, n)) => *n += 1,
            None => out.push((bucket, 1)),
        }
    }
    Ok(out)
}
