//! `parley bench-fixture`: fills a fresh database with what the load generator (`parley-bench`)
//! needs, much faster than through the API: users sharing one password hash, a session per user,
//! friend pairs with their direct conversations, one large group and one conversation pre-filled
//! with many messages. Writes the ids and session tokens as JSON for the generator.

use std::path::Path;

use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl, SimpleAsyncConnection};
use serde::Serialize;
use shared::ids::{FriendRequestId, UserId};
use shared::model::MessageBody;
use shared::rights::ROLE_USER;

use crate::auth::{password, token};
use crate::db::schema::{conversations, roles, users};
use crate::db::{Db, DbError};
use crate::db_run;
use crate::repo::{contacts, groups};
use crate::time::now_ms;

/// The password of every fixture user.
pub const PASSWORD: &str = "parley-bench-password";
/// Rows per insert statement.
const BATCH: usize = 1000;
/// Rows per transaction when pre-filling the history.
const ROWS_PER_TRANSACTION: usize = 100_000;

/// What to create.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// Users (`bench0`, `bench1` …), each with one session.
    pub users: usize,
    /// Friend pairs: users `2i` and `2i+1` for `i < pairs`.
    pub pairs: usize,
    /// Members of the group (users `0..group_size`, owned by user 0); 0 for no group.
    pub group_size: usize,
    /// Messages pre-filled into the history conversation (a further pair of users after the
    /// friend pairs); 0 for none.
    pub history: usize,
}

/// One fixture user.
#[derive(Debug, Serialize)]
pub struct FixtureUser {
    /// The user's id.
    pub id: i64,
    /// The login name.
    pub username: String,
    /// A live session token (send as `Authorization: Bearer`).
    pub token: String,
}

/// A friend pair and their direct conversation (indexes into `users`).
#[derive(Debug, Serialize)]
pub struct FixturePair {
    /// The first user's index.
    pub a: usize,
    /// The second user's index.
    pub b: usize,
    /// Their direct conversation.
    pub conversation_id: i64,
}

/// The large group.
#[derive(Debug, Serialize)]
pub struct FixtureGroup {
    /// The group.
    pub group_id: i64,
    /// Its conversation.
    pub conversation_id: i64,
    /// The members' indexes into `users`, the owner first.
    pub members: Vec<usize>,
}

/// The conversation holding the pre-filled history.
#[derive(Debug, Serialize)]
pub struct FixtureHistory {
    /// The pair owning it.
    pub pair: FixturePair,
    /// How many messages it holds (seqs 1 to `messages`).
    pub messages: usize,
}

/// The file `bench-fixture` writes.
#[derive(Debug, Serialize)]
pub struct Fixture {
    /// The password every fixture user has.
    pub password: String,
    /// The users.
    pub users: Vec<FixtureUser>,
    /// The friend pairs.
    pub pairs: Vec<FixturePair>,
    /// The group, when one was asked for.
    pub group: Option<FixtureGroup>,
    /// The history conversation, when one was asked for.
    pub history: Option<FixtureHistory>,
}

/// Creates the fixture in `db` (which should be fresh) and writes it as JSON to `out`.
pub async fn run(db: &Db, spec: Spec, out: &Path) -> anyhow::Result<()> {
    let needed = (spec.pairs * 2)
        .max(spec.group_size)
        .max(if spec.history > 0 {
            spec.pairs * 2 + 2
        } else {
            0
        });
    anyhow::ensure!(
        spec.users >= needed,
        "--users must be at least {needed} for these pairs, group and history"
    );
    let started = std::time::Instant::now();
    let now = now_ms();
    let hash = password::hash(PASSWORD.to_owned())
        .await
        .map_err(|e| anyhow::anyhow!("hashing the fixture password: {e:?}"))?;
    let users = create_users(db, spec.users, &hash, now).await?;
    eprintln!(
        "bench-fixture: {} users with sessions ({:.1} s)",
        users.len(),
        started.elapsed().as_secs_f32()
    );
    // Like every account, each starts with its chat with the assistant.
    let assistant = crate::assistant::Assistant::new(&crate::assistant::AssistantConfig::default());
    let given = crate::assistant::backfill(db, &assistant).await?;
    eprintln!(
        "bench-fixture: {given} assistant chats ({:.1} s)",
        started.elapsed().as_secs_f32()
    );
    let mut pairs = Vec::with_capacity(spec.pairs);
    for i in 0..spec.pairs {
        pairs.push(befriend(db, &users, 2 * i, 2 * i + 1, now).await?);
    }
    let group = if spec.group_size > 0 {
        let owner = UserId(users[0].id);
        let members: Vec<UserId> = users[1..spec.group_size]
            .iter()
            .map(|u| UserId(u.id))
            .collect();
        let (group_id, conversation) = crate::db_transaction!(db, |tx| {
            Ok::<_, crate::db::Failure>(
                groups::create(tx, owner, "bench group", &members, now).await?,
            )
        })
        .map_err(|e| anyhow::anyhow!("creating the group: {}", shared::AppError::from(e)))?;
        Some(FixtureGroup {
            group_id: group_id.0,
            conversation_id: conversation.0,
            members: (0..spec.group_size).collect(),
        })
    } else {
        None
    };
    let history = if spec.history > 0 {
        let (a, b) = (2 * spec.pairs, 2 * spec.pairs + 1);
        let pair = befriend(db, &users, a, b, now).await?;
        let senders = [users[a].id, users[b].id];
        fill_history(db, pair.conversation_id, senders, spec.history, now).await?;
        eprintln!(
            "bench-fixture: {} history messages ({:.1} s)",
            spec.history,
            started.elapsed().as_secs_f32()
        );
        Some(FixtureHistory {
            pair,
            messages: spec.history,
        })
    } else {
        None
    };
    // Indexed for search now (the greetings and the history), so that the server does not
    // catch up while it is measured and S1 measures searching, not catching up.
    crate::search::catch_up(db, i64::MAX).await?;
    eprintln!(
        "bench-fixture: indexed for search ({:.1} s)",
        started.elapsed().as_secs_f32()
    );
    let fixture = Fixture {
        password: PASSWORD.to_owned(),
        users,
        pairs,
        group,
        history,
    };
    let json = serde_json::to_vec(&fixture)?;
    std::fs::write(out, json).map_err(|e| anyhow::anyhow!("writing {}: {e}", out.display()))?;
    eprintln!(
        "bench-fixture: done in {:.1} s, written to {}",
        started.elapsed().as_secs_f32(),
        out.display()
    );
    Ok(())
}

/// Inserts `count` users holding the `user` role, each with one session, in batches.
async fn create_users(
    db: &Db,
    count: usize,
    hash: &str,
    now: i64,
) -> anyhow::Result<Vec<FixtureUser>> {
    let names: Vec<String> = (0..count).map(|i| format!("bench{i}")).collect();
    let hash = quote(hash);
    for chunk in names.chunks(BATCH) {
        let sql = multi_insert(
            "users (username, password_hash, nickname, signature, provider, created_at, updated_at)",
            chunk.iter().map(|name| {
                let name = quote(name);
                format!("({name}, {hash}, {name}, '', 'local', {now}, {now})")
            }),
        );
        execute_in_transaction(db, sql).await?;
    }
    let ids: Vec<(i64, String)> = db_run!(db, |conn| {
        Ok::<_, DbError>(
            users::table
                .filter(users::username.like("bench%"))
                .select((users::id, users::username))
                .load(conn)
                .await?,
        )
    })?;
    let by_name: std::collections::HashMap<String, i64> =
        ids.into_iter().map(|(id, name)| (name, id)).collect();
    let role: i64 = db_run!(db, |conn| {
        Ok::<_, DbError>(
            roles::table
                .filter(roles::key_name.eq(ROLE_USER))
                .select(roles::id)
                .first(conn)
                .await?,
        )
    })?;
    let mut out = Vec::with_capacity(count);
    for name in names {
        let id = *by_name
            .get(&name)
            .ok_or_else(|| anyhow::anyhow!("user {name} was not stored"))?;
        let (token, _) = token::new_token();
        out.push(FixtureUser {
            id,
            username: name,
            token,
        });
    }
    let expires = now + crate::repo::sessions::TTL_MS;
    for chunk in out.chunks(BATCH) {
        let mut sql = multi_insert(
            "user_roles (user_id, role_id)",
            chunk.iter().map(|u| format!("({}, {role})", u.id)),
        );
        sql.push_str(&multi_insert(
            "sessions (user_id, token_hash, created_at, last_seen_at, expires_at, user_agent)",
            chunk.iter().map(|u| {
                format!(
                    "({}, {}, {now}, {now}, {expires}, 'parley-bench')",
                    u.id,
                    quote(&token::hash_token(&u.token))
                )
            }),
        ));
        execute_in_transaction(db, sql).await?;
    }
    Ok(out)
}

/// An SQL string literal.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// One `INSERT INTO <target> VALUES <row>, <row> …;` statement.
fn multi_insert(target: &str, rows: impl Iterator<Item = String>) -> String {
    let rows: Vec<String> = rows.collect();
    format!("INSERT INTO {target} VALUES {};\n", rows.join(", "))
}

/// Runs `sql` (one or more statements) in one transaction.
async fn execute_in_transaction(db: &Db, sql: String) -> anyhow::Result<()> {
    db_run!(db, |conn| {
        conn.transaction(async |conn| {
            conn.batch_execute(&sql).await?;
            Ok::<_, DbError>(())
        })
        .await
    })?;
    Ok(())
}

/// Makes users `a` and `b` friends through the same repo calls the API uses.
async fn befriend(
    db: &Db,
    users: &[FixtureUser],
    a: usize,
    b: usize,
    now: i64,
) -> anyhow::Result<FixturePair> {
    let (from, to) = (UserId(users[a].id), UserId(users[b].id));
    let request: FriendRequestId = contacts::create_request(db, from, to, "", now)
        .await
        .map_err(|e| anyhow::anyhow!("friend request: {e}"))?;
    // No "friends now" notice: the pairs' conversations hold only what the generator sends.
    let (conversation, _) = contacts::befriend(db, request, from, to, now, false)
        .await
        .map_err(|e| anyhow::anyhow!("accepting a friend request: {e:?}"))?
        .ok_or_else(|| anyhow::anyhow!("the fixture friend request was not pending"))?;
    Ok(FixturePair {
        a,
        b,
        conversation_id: conversation.0,
    })
}

/// Everyday phrases the history is made of (Chinese and English), so that search has common
/// and rare terms in both scripts to find.
const PHRASES: [&str; 12] = [
    "明天下午三点开会，记得带上周报",
    "今天的午饭吃什么？食堂还是外卖",
    "项目进度已经更新到共享文档里了",
    "The release build passed on every platform",
    "收到，我马上处理这个问题",
    "Can you review the pull request before lunch?",
    "周末一起去爬山吗？天气预报说是晴天",
    "客户反馈说登录页面加载有点慢",
    "Meeting notes are in the team folder",
    "新版本的安装包已经上传到服务器",
    "请大家在周五之前提交报销单",
    "Thanks, that fixed the flaky test",
];

/// The text of history message `n`: a phrase and the message's number.
pub fn history_text(n: i64) -> String {
    let phrase = PHRASES[usize::try_from(n).unwrap_or(0) % PHRASES.len()];
    format!("{phrase} #{n}")
}

/// Inserts `count` text messages (seqs 1 to `count`, senders alternating) into `conversation`
/// and moves its `last_seq`.
async fn fill_history(
    db: &Db,
    conversation: i64,
    senders: [i64; 2],
    count: usize,
    now: i64,
) -> anyhow::Result<()> {
    let count = i64::try_from(count)?;
    let batch = i64::try_from(BATCH)?;
    let per_transaction = i64::try_from(ROWS_PER_TRANSACTION)?;
    let mut seq: i64 = 1;
    while seq <= count {
        let end = (seq + per_transaction).min(count + 1);
        let mut sql = String::new();
        let mut s = seq;
        while s < end {
            let stop = (s + batch).min(end);
            sql.push_str(&multi_insert(
                "messages (conversation_id, seq, sender_id, client_msg_id, body, created_at)",
                (s..stop).map(|n| {
                    let body = MessageBody::Text {
                        text: history_text(n),
                    };
                    let json = serde_json::to_string(&body).unwrap_or_default();
                    format!(
                        "({conversation}, {n}, {}, 'h{n}', {}, {})",
                        senders[usize::from(n % 2 == 0)],
                        quote(&json),
                        now - count + n
                    )
                }),
            ));
            s = stop;
        }
        execute_in_transaction(db, sql).await?;
        seq = end;
    }
    db_run!(db, |conn| {
        diesel::update(conversations::table.find(conversation))
            .set((
                conversations::last_seq.eq(count),
                conversations::last_message_at.eq(now),
            ))
            .execute(conn)
            .await?;
        Ok::<_, DbError>(())
    })?;
    Ok(())
}
