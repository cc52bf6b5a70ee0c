//! The admin console's view of groups: the table (with owner, size and last activity), the
//! administrator's hold, and counts.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use shared::ids::{ConversationId, GroupId, UserId};
use shared::model::{AdminGroup, GroupStatus};

use crate::conn_run;
use crate::db::schema::{chat_groups, conversation_members, conversations, messages, users};
use crate::db::{Conn, DbError};

/// Which groups the table shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Live groups with this hold.
    Hold(GroupStatus),
    /// Dissolved groups.
    Dissolved,
}

/// One page of the table: groups whose name matches `pattern` (a `LIKE` pattern on the
/// lower-cased name), of `standing`, newest first; with the total count of matches.
pub async fn list(
    conn: &mut Conn<'_>,
    pattern: Option<&str>,
    standing: Option<Standing>,
    offset: u32,
    limit: u32,
) -> Result<(Vec<AdminGroup>, u64), DbError> {
    type Row = (
        i64,
        i64,
        String,
        Option<String>,
        i64,
        String,
        String,
        Option<i64>,
        bool,
        i64,
        Option<i64>,
    );
    let (rows, total): (Vec<Row>, i64) = conn_run!(conn, |conn| {
        let filtered = || {
            let mut query = chat_groups::table
                .inner_join(users::table.on(users::id.eq(chat_groups::owner_id)))
                .inner_join(
                    conversations::table.on(conversations::id.eq(chat_groups::conversation_id)),
                )
                .into_boxed();
            if let Some(p) = pattern {
                query = query.filter(
                    super::users::lower(chat_groups::name)
                        .like(p.to_owned())
                        .escape('\\'),
                );
            }
            match standing {
                None => {}
                Some(Standing::Dissolved) => {
                    query = query.filter(chat_groups::dissolved_at.is_not_null());
                }
                Some(Standing::Hold(hold)) => {
                    query = query
                        .filter(chat_groups::dissolved_at.is_null())
                        .filter(chat_groups::status.eq(hold.as_str()));
                }
            }
            query
        };
        let total: i64 = filtered().count().get_result(conn).await?;
        let rows: Vec<Row> = filtered()
            .select((
                chat_groups::id,
                chat_groups::conversation_id,
                chat_groups::name,
                chat_groups::avatar,
                chat_groups::owner_id,
                users::username,
                chat_groups::status,
                chat_groups::dissolved_at,
                chat_groups::listed,
                chat_groups::created_at,
                conversations::last_message_at,
            ))
            .order(chat_groups::id.desc())
            .offset(i64::from(offset))
            .limit(i64::from(limit))
            .load(conn)
            .await?;
        Ok::<_, DbError>((rows, total))
    })?;
    let conversations_: Vec<i64> = rows.iter().map(|r| r.1).collect();
    let sizes = member_counts(conn, &conversations_).await?;
    let groups = rows
        .into_iter()
        .map(
            |(
                id,
                conversation,
                name,
                avatar,
                owner,
                owner_name,
                status,
                dissolved_at,
                listed,
                created_at,
                last_message_at,
            )| AdminGroup {
                id: GroupId(id),
                conversation_id: ConversationId(conversation),
                name,
                avatar_url: shared::model::avatar_url(avatar),
                owner_id: UserId(owner),
                owner_name,
                member_count: super::count_of(&sizes, conversation),
                status: GroupStatus::parse(&status).unwrap_or_default(),
                dissolved: dissolved_at.is_some(),
                listed,
                created_at,
                last_message_at,
            },
        )
        .collect();
    Ok((groups, u64::try_from(total).unwrap_or(0)))
}

/// Members per conversation, for `conversations`.
async fn member_counts(
    conn: &mut Conn<'_>,
    conversations_: &[i64],
) -> Result<Vec<(i64, i64)>, DbError> {
    conn_run!(conn, |conn| {
        Ok::<_, DbError>(
            conversation_members::table
                .filter(conversation_members::conversation_id.eq_any(conversations_))
                .group_by(conversation_members::conversation_id)
                .select((
                    conversation_members::conversation_id,
                    diesel::dsl::count_star(),
                ))
                .load(conn)
                .await?,
        )
    })
}

/// The table's row of one group, or `None`.
pub async fn row(conn: &mut Conn<'_>, id: GroupId) -> Result<Option<AdminGroup>, DbError> {
    let found = super::groups::get(conn, id).await?;
    let Some(group) = found else {
        return Ok(None);
    };
    let (owner_name, last_message_at): (String, Option<i64>) = conn_run!(conn, |conn| {
        let owner: String = users::table
            .find(group.owner_id)
            .select(users::username)
            .first(conn)
            .await
            .optional()?
            .unwrap_or_default();
        let last: Option<i64> = conversations::table
            .find(group.conversation_id)
            .select(conversations::last_message_at)
            .first(conn)
            .await
            .optional()?
            .flatten();
        Ok::<_, DbError>((owner, last))
    })?;
    let sizes = member_counts(conn, &[group.conversation_id]).await?;
    let listed = super::groups::is_listed(conn, id).await?;
    Ok(Some(AdminGroup {
        id,
        conversation_id: ConversationId(group.conversation_id),
        member_count: super::count_of(&sizes, group.conversation_id),
        status: group.hold(),
        dissolved: group.dissolved_at.is_some(),
        name: group.name,
        avatar_url: shared::model::avatar_url(group.avatar),
        owner_id: UserId(group.owner_id),
        owner_name,
        listed,
        created_at: group.created_at,
        last_message_at,
    }))
}

/// How many messages a conversation holds (its notices included).
pub async fn message_count(
    conn: &mut Conn<'_>,
    conversation: ConversationId,
) -> Result<u64, DbError> {
    let count: i64 = conn_run!(conn, |conn| {
        Ok::<_, DbError>(
            messages::table
                .filter(messages::conversation_id.eq(conversation.0))
                .count()
                .get_result(conn)
                .await?,
        )
    })?;
    Ok(u64::try_from(count).unwrap_or(0))
}

/// Sets an administrator's hold on a group.
pub async fn set_status(
    conn: &mut Conn<'_>,
    id: GroupId,
    status: GroupStatus,
) -> Result<(), DbError> {
    conn_run!(conn, |conn| {
        diesel::update(chat_groups::table.find(id.0))
            .set(chat_groups::status.eq(status.as_str()))
            .execute(conn)
            .await?;
        Ok::<_, DbError>(())
    })
}
