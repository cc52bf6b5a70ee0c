//! Bots as stored: users of kind `bot` with an owner; their tokens are lasting sessions.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use shared::ids::{ConversationId, UserId};
use shared::model::Bot;
use shared::rights::{ROLE_BOT, ROLE_DISABLED};

use crate::conn_run;
use crate::db::schema::{bot_webhooks, contacts, roles, user_roles, users};
use crate::db::{Conn, DbError};

/// The kind of a person's account.
pub const KIND_PERSON: &str = "person";
/// The kind of a live bot.
pub const KIND_BOT: &str = "bot";
/// The kind of an incoming webhook's bot.
pub const KIND_HOOK: &str = "hook";
/// The kind of a deleted bot (kept: its messages stay).
pub const KIND_DELETED_BOT: &str = "deleted_bot";
/// A password hash no password matches: bots never log in with one.
const NO_PASSWORD: &str = "!";

/// A bot to create.
#[derive(Debug, Clone)]
pub struct NewBot<'a> {
    /// [`KIND_BOT`] or [`KIND_HOOK`].
    pub kind: &'a str,
    /// Its owner.
    pub owner: UserId,
    /// Its username.
    pub username: &'a str,
    /// Its display name.
    pub name: &'a str,
    /// What it does.
    pub description: &'a str,
    /// When.
    pub at: i64,
}

/// Creates the bot with the `bot` role; its user id. A taken username fails on the unique
/// index.
pub async fn create(conn: &mut Conn<'_>, bot: NewBot<'_>) -> Result<UserId, DbError> {
    conn_run!(conn, |conn| {
        let id: i64 = diesel::insert_into(users::table)
            .values((
                users::username.eq(bot.username),
                users::password_hash.eq(NO_PASSWORD),
                users::nickname.eq(bot.name),
                users::signature.eq(bot.description),
                users::provider.eq("bot"),
                users::kind.eq(bot.kind),
                users::owner_id.eq(bot.owner.0),
                users::created_at.eq(bot.at),
                users::updated_at.eq(bot.at),
            ))
            .returning(users::id)
            .get_result(conn)
            .await?;
        let role: i64 = roles::table
            .filter(roles::key_name.eq(ROLE_BOT))
            .select(roles::id)
            .first(conn)
            .await?;
        diesel::insert_into(user_roles::table)
            .values((user_roles::user_id.eq(id), user_roles::role_id.eq(role)))
            .execute(conn)
            .await?;
        Ok::<_, DbError>(UserId(id))
    })
}

/// How many live bots `owner` has.
pub async fn count_owned(conn: &mut Conn<'_>, owner: UserId) -> Result<i64, DbError> {
    conn_run!(conn, |conn| {
        Ok::<_, DbError>(
            users::table
                .filter(users::owner_id.eq(owner.0))
                .filter(users::kind.eq(KIND_BOT))
                .count()
                .get_result(conn)
                .await?,
        )
    })
}

type Row = (i64, String, String, String, Option<String>, i64);

/// `owner`'s live bots (only `bot` when given), oldest first, with the owner's conversation.
pub async fn owned(
    conn: &mut Conn<'_>,
    owner: UserId,
    bot: Option<UserId>,
) -> Result<Vec<Bot>, DbError> {
    let rows: Vec<(Row, Option<i64>, Option<String>)> = conn_run!(conn, |conn| {
        let mut query = users::table
            .left_join(
                contacts::table.on(contacts::friend_id
                    .eq(users::id)
                    .and(contacts::owner_id.eq(owner.0))),
            )
            .left_join(bot_webhooks::table.on(bot_webhooks::bot_id.eq(users::id)))
            .filter(users::owner_id.eq(owner.0))
            .filter(users::kind.eq(KIND_BOT))
            .select((
                (
                    users::id,
                    users::username,
                    users::nickname,
                    users::signature,
                    users::avatar,
                    users::created_at,
                ),
                contacts::conversation_id.nullable(),
                bot_webhooks::url.nullable(),
            ))
            .order(users::id.asc())
            .into_boxed();
        if let Some(bot) = bot {
            query = query.filter(users::id.eq(bot.0));
        }
        Ok::<_, DbError>(query.load(conn).await?)
    })?;
    Ok(rows
        .into_iter()
        .map(
            |((id, username, name, description, avatar, created_at), conversation, webhook)| Bot {
                bot_id: UserId(id),
                username,
                name,
                description,
                avatar_url: shared::model::avatar_url(avatar),
                owner_id: owner,
                conversation_id: conversation.map(ConversationId),
                created_at,
                webhook_url: webhook,
            },
        )
        .collect())
}

/// Whether `user` is a live bot (not a webhook's).
pub async fn is_bot(conn: &mut Conn<'_>, user: UserId) -> Result<bool, DbError> {
    let n: i64 = conn_run!(conn, |conn| {
        Ok::<_, DbError>(
            users::table
                .filter(users::id.eq(user.0))
                .filter(users::kind.eq(KIND_BOT))
                .count()
                .get_result(conn)
                .await?,
        )
    })?;
    Ok(n == 1)
}

/// Deletes bot `bot`: kept as a user of kind `deleted_bot` holding only the `disabled` role
/// (its messages stay; it can do nothing).
pub async fn retire(conn: &mut Conn<'_>, bot: UserId, at: i64) -> Result<(), DbError> {
    conn_run!(conn, |conn| {
        diesel::update(users::table.find(bot.0))
            .set((users::kind.eq(KIND_DELETED_BOT), users::updated_at.eq(at)))
            .execute(conn)
            .await?;
        diesel::delete(user_roles::table.filter(user_roles::user_id.eq(bot.0)))
            .execute(conn)
            .await?;
        let disabled: i64 = roles::table
            .filter(roles::key_name.eq(ROLE_DISABLED))
            .select(roles::id)
            .first(conn)
            .await?;
        diesel::insert_into(user_roles::table)
            .values((
                user_roles::user_id.eq(bot.0),
                user_roles::role_id.eq(disabled),
            ))
            .execute(conn)
            .await?;
        Ok::<_, DbError>(())
    })
}
