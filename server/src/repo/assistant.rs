//! The assistant as stored: its user (a built-in bot, its id kept in `settings`) and the
//! question-and-answer table administrators keep.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use shared::ids::{ConversationId, UserId};
use shared::model::{AssistantAnswer, MessageBody};
use shared::rights::ROLE_BOT;

use crate::conn_run;
use crate::db::schema::{
    assistant_answers, conversation_members, conversations, roles, settings, user_roles, users,
};
use crate::db::{Conn, DbError};

/// The settings key holding the assistant's user id.
const USER_KEY: &str = "assistant_user_id";
/// The assistant's display name.
pub const NAME: &str = "Parley Assistant";
/// Its signature.
const SIGNATURE: &str = "Ask me how Parley works · 问我 Parley 怎么用";

/// The assistant's user, if it was made.
pub async fn find_user(conn: &mut Conn<'_>) -> Result<Option<UserId>, DbError> {
    conn_run!(conn, |conn| {
        let kept: Option<String> = settings::table
            .find(USER_KEY)
            .select(settings::value)
            .first(conn)
            .await
            .optional()?;
        Ok::<_, DbError>(kept.and_then(|v| v.parse::<i64>().ok()).map(UserId))
    })
}

/// The assistant's user, made on first use (username `assistant`, or `assistant_<n>` when a
/// person already has that name).
pub async fn ensure_user(conn: &mut Conn<'_>, now: i64) -> Result<UserId, DbError> {
    conn_run!(conn, |conn| {
        let kept: Option<String> = settings::table
            .find(USER_KEY)
            .select(settings::value)
            .first(conn)
            .await
            .optional()?;
        if let Some(id) = kept.and_then(|v| v.parse::<i64>().ok()) {
            let exists: i64 = users::table
                .filter(users::id.eq(id))
                .count()
                .get_result(conn)
                .await?;
            if exists == 1 {
                return Ok(UserId(id));
            }
        }
        let mut username = "assistant".to_owned();
        for n in 2.. {
            let taken: i64 = users::table
                .filter(users::username.eq(&username))
                .count()
                .get_result(conn)
                .await?;
            if taken == 0 {
                break;
            }
            username = format!("assistant_{n}");
        }
        // Two units of work may make it at the same moment (a sign-up and the start-up's
        // backfill, say): the second waits for the first and then finds it.
        let made: Option<i64> = diesel::insert_into(users::table)
            .values((
                users::username.eq(&username),
                users::password_hash.eq("!"),
                users::nickname.eq(NAME),
                users::signature.eq(SIGNATURE),
                users::provider.eq("bot"),
                users::kind.eq(super::bots::KIND_BOT),
                users::created_at.eq(now),
                users::updated_at.eq(now),
            ))
            .on_conflict(users::username)
            .do_nothing()
            .returning(users::id)
            .get_result(conn)
            .await
            .optional()?;
        let Some(id) = made else {
            let kept: Option<String> = settings::table
                .find(USER_KEY)
                .select(settings::value)
                .first(conn)
                .await
                .optional()?;
            return match kept.and_then(|v| v.parse::<i64>().ok()) {
                Some(id) => Ok(UserId(id)),
                // A person took the name in that moment: this unit of work fails as any
                // other clash on a unique name does, and changes nothing.
                None => Err(DbError::from(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    Box::new(format!("username {username} was taken meanwhile")),
                ))),
            };
        };
        let role: i64 = roles::table
            .filter(roles::key_name.eq(ROLE_BOT))
            .select(roles::id)
            .first(conn)
            .await?;
        diesel::insert_into(user_roles::table)
            .values((user_roles::user_id.eq(id), user_roles::role_id.eq(role)))
            .execute(conn)
            .await?;
        diesel::delete(settings::table.find(USER_KEY))
            .execute(conn)
            .await?;
        diesel::insert_into(settings::table)
            .values((
                settings::key_name.eq(USER_KEY),
                settings::value.eq(id.to_string()),
            ))
            .execute(conn)
            .await?;
        Ok::<_, DbError>(UserId(id))
    })
}

/// Gives `user` (a person) their chat with the assistant, in the caller's unit of work: the
/// assistant made if needed, the pair connected like friends, and the greeting stored as the
/// chat's first message, already read (a new account starts with no unread badge). `None`,
/// changing nothing, when the pair already has a chat: a chat once given is never given again,
/// even after the person removed the assistant from their contacts.
pub async fn welcome(
    conn: &mut Conn<'_>,
    user: UserId,
    now: i64,
) -> Result<Option<(UserId, ConversationId)>, DbError> {
    let assistant = ensure_user(conn, now).await?;
    let key = super::contacts::direct_key(user, assistant);
    let had: i64 = conn_run!(conn, |conn| {
        Ok::<_, DbError>(
            conversations::table
                .filter(conversations::direct_key.eq(&key))
                .count()
                .get_result(conn)
                .await?,
        )
    })?;
    if had > 0 {
        return Ok(None);
    }
    let conversation = super::contacts::connect(conn, user, assistant, now).await?;
    let body = MessageBody::Text {
        text: crate::assistant::WELCOME.to_owned(),
    };
    let client_id = format!("assistant-welcome-{}", conversation.0);
    let greeting = super::messages::insert_in(
        conn,
        conversation,
        Some((assistant, client_id.as_str())),
        &body,
        now,
    )
    .await?;
    conn_run!(conn, |conn| {
        diesel::update(
            conversation_members::table
                .filter(conversation_members::conversation_id.eq(conversation.0))
                .filter(conversation_members::user_id.eq(user.0)),
        )
        .set(conversation_members::read_seq.eq(greeting.seq))
        .execute(conn)
        .await?;
        Ok::<_, DbError>(())
    })?;
    Ok(Some((assistant, conversation)))
}

/// People (not bots or hooks) who have no chat with `assistant` yet, oldest account first,
/// at most `limit`: accounts made before every account got one.
pub async fn without_chat(
    conn: &mut Conn<'_>,
    assistant: UserId,
    limit: usize,
) -> Result<Vec<UserId>, DbError> {
    let (people, keys): (Vec<i64>, Vec<String>) = conn_run!(conn, |conn| {
        let people: Vec<i64> = users::table
            .filter(users::kind.eq(super::bots::KIND_PERSON))
            .select(users::id)
            .order(users::id.asc())
            .load(conn)
            .await?;
        let keys: Vec<String> = conversations::table
            .filter(
                conversations::direct_key
                    .like(format!("{}:%", assistant.0))
                    .or(conversations::direct_key.like(format!("%:{}", assistant.0))),
            )
            .select(conversations::direct_key)
            .load::<Option<String>>(conn)
            .await?
            .into_iter()
            .flatten()
            .collect();
        Ok::<_, DbError>((people, keys))
    })?;
    let had: std::collections::HashSet<&str> = keys.iter().map(String::as_str).collect();
    Ok(people
        .into_iter()
        .map(UserId)
        .filter(|&p| !had.contains(super::contacts::direct_key(p, assistant).as_str()))
        .take(limit)
        .collect())
}

type Row = (i64, String, String, String, i64);

fn to_answer((id, keywords, question, answer, updated_at): Row) -> AssistantAnswer {
    AssistantAnswer {
        id,
        keywords: keywords
            .lines()
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(str::to_owned)
            .collect(),
        question,
        answer,
        updated_at,
    }
}

/// The table, oldest first (only `id` when given).
pub async fn list(conn: &mut Conn<'_>, id: Option<i64>) -> Result<Vec<AssistantAnswer>, DbError> {
    let rows: Vec<Row> = conn_run!(conn, |conn| {
        let mut query = assistant_answers::table
            .select((
                assistant_answers::id,
                assistant_answers::keywords,
                assistant_answers::question,
                assistant_answers::answer,
                assistant_answers::updated_at,
            ))
            .order(assistant_answers::id.asc())
            .into_boxed();
        if let Some(id) = id {
            query = query.filter(assistant_answers::id.eq(id));
        }
        Ok::<_, DbError>(query.load(conn).await?)
    })?;
    Ok(rows.into_iter().map(to_answer).collect())
}

/// How many entries there are.
pub async fn count(conn: &mut Conn<'_>) -> Result<i64, DbError> {
    conn_run!(conn, |conn| {
        Ok::<_, DbError>(assistant_answers::table.count().get_result(conn).await?)
    })
}

/// An entry's fields as stored.
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a> {
    /// Its keywords.
    pub keywords: &'a [String],
    /// Its question.
    pub question: &'a str,
    /// Its answer.
    pub answer: &'a str,
}

/// Adds an entry; its id.
pub async fn insert(conn: &mut Conn<'_>, f: Fields<'_>, now: i64) -> Result<i64, DbError> {
    let keywords = f.keywords.join("\n");
    conn_run!(conn, |conn| {
        Ok::<_, DbError>(
            diesel::insert_into(assistant_answers::table)
                .values((
                    assistant_answers::keywords.eq(&keywords),
                    assistant_answers::question.eq(f.question),
                    assistant_answers::answer.eq(f.answer),
                    assistant_answers::created_at.eq(now),
                    assistant_answers::updated_at.eq(now),
                ))
                .returning(assistant_answers::id)
                .get_result(conn)
                .await?,
        )
    })
}

/// Changes entry `id`; whether it exists.
pub async fn update(
    conn: &mut Conn<'_>,
    id: i64,
    f: Fields<'_>,
    now: i64,
) -> Result<bool, DbError> {
    let keywords = f.keywords.join("\n");
    conn_run!(conn, |conn| {
        let n = diesel::update(assistant_answers::table.find(id))
            .set((
                assistant_answers::keywords.eq(&keywords),
                assistant_answers::question.eq(f.question),
                assistant_answers::answer.eq(f.answer),
                assistant_answers::updated_at.eq(now),
            ))
            .execute(conn)
            .await?;
        Ok::<_, DbError>(n > 0)
    })
}

/// Deletes entry `id`; whether it existed.
pub async fn delete(conn: &mut Conn<'_>, id: i64) -> Result<bool, DbError> {
    conn_run!(conn, |conn| {
        let n = diesel::delete(assistant_answers::table.find(id))
            .execute(conn)
            .await?;
        Ok::<_, DbError>(n > 0)
    })
}
