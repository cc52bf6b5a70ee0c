//! Group chats: the group row, members' roles and mutes, join requests.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use shared::ids::{ConversationId, GroupId, GroupRequestId, UserId};
use shared::model::{GroupMember, GroupRole};

use crate::conn_run;
use crate::db::schema::{chat_groups, conversation_members, conversations, group_requests, users};
use crate::db::{Conn, DbError};

/// A group as stored.
#[derive(Debug, Clone, Queryable)]
pub struct GroupRow {
    /// The group.
    pub id: i64,
    /// Its conversation.
    pub conversation_id: i64,
    /// Name.
    pub name: String,
    /// Owner.
    pub owner_id: i64,
    /// Introduction.
    pub introduction: String,
    /// Notice.
    pub notice: String,
    /// Group-wide mute.
    pub muted_all: bool,
    /// When dissolved.
    pub dissolved_at: Option<i64>,
    /// Created at.
    pub created_at: i64,
    /// Avatar media id.
    pub avatar: Option<String>,
    /// An administrator's hold (`active`, `muted`, `disabled`).
    pub status: String,
}

impl GroupRow {
    /// An administrator's hold on the group.
    pub fn hold(&self) -> shared::model::GroupStatus {
        shared::model::GroupStatus::parse(&self.status).unwrap_or_default()
    }
}

const GROUP_COLUMNS: (
    chat_groups::id,
    chat_groups::conversation_id,
    chat_groups::name,
    chat_groups::owner_id,
    chat_groups::introduction,
    chat_groups::notice,
    chat_groups::muted_all,
    chat_groups::dissolved_at,
    chat_groups::created_at,
    chat_groups::avatar,
    chat_groups::status,
) = (
    chat_groups::id,
    chat_groups::conversation_id,
    chat_groups::name,
    chat_groups::owner_id,
    chat_groups::introduction,
    chat_groups::notice,
    chat_groups::muted_all,
    chat_groups::dissolved_at,
    chat_groups::created_at,
    chat_groups::avatar,
    chat_groups::status,
);

/// A join request as stored: `(id, group_id, user_id, note, status, created_at)`.
pub type RequestRow = (i64, i64, i64, String, String, i64);

/// Creates a group, its conversation and its members (the owner first); part of the caller's
/// unit of work.
pub async fn create(
    conn: &mut Conn<'_>,
    owner: UserId,
    name: &str,
    members: &[UserId],
    now: i64,
) -> Result<(GroupId, ConversationId), DbError> {
    conn_run!(conn, |conn| {
        {
            let conversation: i64 = diesel::insert_into(conversations::table)
                .values((
                    conversations::kind.eq("group"),
                    conversations::created_at.eq(now),
                ))
                .returning(conversations::id)
                .get_result(conn)
                .await?;
            let group: i64 = diesel::insert_into(chat_groups::table)
                .values((
                    chat_groups::conversation_id.eq(conversation),
                    chat_groups::name.eq(name),
                    chat_groups::owner_id.eq(owner.0),
                    chat_groups::created_at.eq(now),
                ))
                .returning(chat_groups::id)
                .get_result(conn)
                .await?;
            let everyone = std::iter::once((owner, GroupRole::Owner))
                .chain(members.iter().map(|m| (*m, GroupRole::Member)));
            for (user, role) in everyone {
                diesel::insert_into(conversation_members::table)
                    .values((
                        conversation_members::conversation_id.eq(conversation),
                        conversation_members::user_id.eq(user.0),
                        conversation_members::joined_at.eq(now),
                        conversation_members::role.eq(role.as_str()),
                    ))
                    .on_conflict_do_nothing()
                    .execute(conn)
                    .await?;
            }
            Ok::<_, DbError>((GroupId(group), ConversationId(conversation)))
        }
    })
}

/// One group.
pub async fn get(conn: &mut Conn<'_>, id: GroupId) -> Result<Option<GroupRow>, DbError> {
    conn_run!(conn, |conn| {
        Ok(chat_groups::table
            .find(id.0)
            .select(GROUP_COLUMNS)
            .first(conn)
            .await
            .optional()?)
    })
}

/// The members of a group's conversation, owner first, then admins, then by join time.
pub async fn members(
    conn: &mut Conn<'_>,
    conversation: ConversationId,
) -> Result<Vec<GroupMember>, DbError> {
    type Row = (
        i64,
        String,
        String,
        String,
        Option<i64>,
        i64,
        Option<String>,
        String,
    );
    let rows: Vec<Row> = conn_run!(conn, |conn| {
        Ok::<_, DbError>(
            conversation_members::table
                .inner_join(users::table)
                .filter(conversation_members::conversation_id.eq(conversation.0))
                .select((
                    users::id,
                    users::username,
                    users::nickname,
                    conversation_members::role,
                    conversation_members::muted_until,
                    conversation_members::joined_at,
                    users::avatar,
                    conversation_members::group_nickname,
                ))
                .order((conversation_members::joined_at, users::id))
                .load(conn)
                .await?,
        )
    })?;
    let now = crate::time::now_ms();
    let mut members: Vec<GroupMember> = rows
        .into_iter()
        .map(
            |(id, username, nickname, role, muted_until, joined_at, avatar, group_nickname)| {
                GroupMember {
                    user_id: UserId(id),
                    username,
                    nickname,
                    group_nickname,
                    avatar_url: shared::model::avatar_url(avatar),
                    role: GroupRole::parse(&role),
                    muted_until: muted_until.filter(|t| *t > now),
                    joined_at,
                }
            },
        )
        .collect();
    members.sort_by_key(|m| (m.role, m.joined_at));
    Ok(members)
}

/// `user`'s role in a group's conversation, if a member.
pub async fn role(
    conn: &mut Conn<'_>,
    conversation: ConversationId,
    user: UserId,
) -> Result<Option<GroupRole>, DbError> {
    conn_run!(conn, |conn| {
        let role: Option<String> = conversation_members::table
            .filter(conversation_members::conversation_id.eq(conversation.0))
            .filter(conversation_members::user_id.eq(user.0))
            .select(conversation_members::role)
            .first(conn)
            .await
            .optional()?;
        Ok(role.map(|r| GroupRole::parse(&r)))
    })
}

/// Which of `conversations` `user` is a member of.
pub async fn member_of(
    conn: &mut Conn<'_>,
    user: UserId,
    conversations_: &[i64],
) -> Result<Vec<i64>, DbError> {
    conn_run!(conn, |conn| {
        Ok(conversation_members::table
            .filter(conversation_members::user_id.eq(user.0))
            .filter(conversation_members::conversation_id.eq_any(conversations_))
            .select(conversation_members::conversation_id)
            .load(conn)
            .await?)
    })
}

/// Which of `users_` are members of `conversation` (their ids).
pub async fn member_of_users(
    conn: &mut Conn<'_>,
    conversation: ConversationId,
    users_: &[UserId],
) -> Result<Vec<i64>, DbError> {
    let ids: Vec<i64> = users_.iter().map(|u| u.0).collect();
    conn_run!(conn, |conn| {
        Ok(conversation_members::table
            .filter(conversation_members::conversation_id.eq(conversation.0))
            .filter(conversation_members::user_id.eq_any(&ids))
            .select(conversation_members::user_id)
            .load(conn)
            .await?)
    })
}

/// Adds members (existing members are left as they are).
pub async fn add_members(
    conn: &mut Conn<'_>,
    conversation: ConversationId,
    users_: &[UserId],
    now: i64,
) -> Result<(), DbError> {
    conn_run!(conn, |conn| {
        for user in users_ {
            diesel::insert_into(conversation_members::table)
                .values((
                    conversation_members::conversation_id.eq(conversation.0),
                    conversation_members::user_id.eq(user.0),
                    conversation_members::joined_at.eq(now),
                    conversation_members::role.eq(GroupRole::Member.as_str()),
                ))
                .on_conflict_do_nothing()
                .execute(conn)
                .await?;
        }
        Ok(())
    })
}

/// Removes a member; `false` if not a member.
pub async fn remove_member(
    conn: &mut Conn<'_>,
    conversation: ConversationId,
    user: UserId,
) -> Result<bool, DbError> {
    conn_run!(conn, |conn| {
        let n = diesel::delete(
            conversation_members::table
                .filter(conversation_members::conversation_id.eq(conversation.0))
                .filter(conversation_members::user_id.eq(user.0)),
        )
        .execute(conn)
        .await?;
        Ok(n == 1)
    })
}

/// Sets a member's speaking mute.
pub async fn set_muted_until(
    conn: &mut Conn<'_>,
    conversation: ConversationId,
    user: UserId,
    until: Option<i64>,
) -> Result<(), DbError> {
    conn_run!(conn, |conn| {
        diesel::update(
            conversation_members::table
                .filter(conversation_members::conversation_id.eq(conversation.0))
                .filter(conversation_members::user_id.eq(user.0)),
        )
        .set(conversation_members::muted_until.eq(until))
        .execute(conn)
        .await?;
        Ok(())
    })
}

/// Sets a member's role.
pub async fn set_role(
    conn: &mut Conn<'_>,
    conversation: ConversationId,
    user: UserId,
    role: GroupRole,
) -> Result<(), DbError> {
    conn_run!(conn, |conn| {
        diesel::update(
            conversation_members::table
                .filter(conversation_members::conversation_id.eq(conversation.0))
                .filter(conversation_members::user_id.eq(user.0)),
        )
        .set(conversation_members::role.eq(role.as_str()))
        .execute(conn)
        .await?;
        Ok(())
    })
}

/// Hands the group to `new_owner` (the old owner becomes an admin), if `old_owner` still owns
/// it: `false` (nothing changed) when the group changed hands in the meantime. Every statement
/// is conditional on the owner the caller checked, so of two transfers racing from one owner
/// exactly one wins: the second waits for the first's row lock and then matches nothing.
pub async fn transfer(
    conn: &mut Conn<'_>,
    group: GroupId,
    conversation: ConversationId,
    old_owner: UserId,
    new_owner: UserId,
) -> Result<bool, DbError> {
    conn_run!(conn, |conn| {
        let moved = diesel::update(
            chat_groups::table
                .filter(chat_groups::id.eq(group.0))
                .filter(chat_groups::owner_id.eq(old_owner.0)),
        )
        .set(chat_groups::owner_id.eq(new_owner.0))
        .execute(conn)
        .await?;
        if moved != 1 {
            return Ok(false);
        }
        let members = |user: UserId| {
            conversation_members::table
                .filter(conversation_members::conversation_id.eq(conversation.0))
                .filter(conversation_members::user_id.eq(user.0))
        };
        diesel::update(members(old_owner))
            .set(conversation_members::role.eq(GroupRole::Admin.as_str()))
            .execute(conn)
            .await?;
        let promoted = diesel::update(members(new_owner))
            .set(conversation_members::role.eq(GroupRole::Owner.as_str()))
            .execute(conn)
            .await?;
        Ok::<_, DbError>(promoted == 1)
    })
}

/// Sets name, introduction and notice.
pub async fn update_info(
    conn: &mut Conn<'_>,
    id: GroupId,
    name: &str,
    introduction: &str,
    notice: &str,
) -> Result<(), DbError> {
    conn_run!(conn, |conn| {
        diesel::update(chat_groups::table.find(id.0))
            .set((
                chat_groups::name.eq(name),
                chat_groups::introduction.eq(introduction),
                chat_groups::notice.eq(notice),
            ))
            .execute(conn)
            .await?;
        Ok(())
    })
}

/// Sets the group-wide mute.
pub async fn set_muted_all(conn: &mut Conn<'_>, id: GroupId, muted: bool) -> Result<(), DbError> {
    conn_run!(conn, |conn| {
        diesel::update(chat_groups::table.find(id.0))
            .set(chat_groups::muted_all.eq(muted))
            .execute(conn)
            .await?;
        Ok(())
    })
}

/// Marks the group dissolved.
pub async fn dissolve(conn: &mut Conn<'_>, id: GroupId, now: i64) -> Result<(), DbError> {
    conn_run!(conn, |conn| {
        diesel::update(chat_groups::table.find(id.0))
            .set(chat_groups::dissolved_at.eq(now))
            .execute(conn)
            .await?;
        Ok(())
    })
}

/// Groups (not dissolved, not disabled) whose name matches `pattern`, with member counts, at
/// most `limit`.
pub async fn search(
    conn: &mut Conn<'_>,
    pattern: &str,
    limit: i64,
) -> Result<Vec<(GroupRow, i64)>, DbError> {
    conn_run!(conn, |conn| {
        let groups: Vec<GroupRow> = chat_groups::table
            .filter(
                super::users::lower(chat_groups::name)
                    .like(pattern)
                    .escape('\\'),
            )
            .filter(chat_groups::dissolved_at.is_null())
            .filter(chat_groups::status.ne("disabled"))
            .select(GROUP_COLUMNS)
            .order(chat_groups::name)
            .limit(limit)
            .load(conn)
            .await?;
        let conversations_: Vec<i64> = groups.iter().map(|g| g.conversation_id).collect();
        let counts: Vec<(i64, i64)> = conversation_members::table
            .filter(conversation_members::conversation_id.eq_any(&conversations_))
            .group_by(conversation_members::conversation_id)
            .select((
                conversation_members::conversation_id,
                diesel::dsl::count_star(),
            ))
            .load(conn)
            .await?;
        Ok(groups
            .into_iter()
            .map(|g| {
                let count = counts
                    .iter()
                    .find(|(c, _)| *c == g.conversation_id)
                    .map_or(0, |(_, n)| *n);
                (g, count)
            })
            .collect())
    })
}

/// Stores a pending join request (a second pending one is a unique violation).
pub async fn create_request(
    conn: &mut Conn<'_>,
    group: GroupId,
    user: UserId,
    note: &str,
    now: i64,
) -> Result<GroupRequestId, DbError> {
    conn_run!(conn, |conn| {
        let id: i64 = diesel::insert_into(group_requests::table)
            .values((
                group_requests::group_id.eq(group.0),
                group_requests::user_id.eq(user.0),
                group_requests::note.eq(note),
                group_requests::status.eq("pending"),
                group_requests::created_at.eq(now),
            ))
            .returning(group_requests::id)
            .get_result(conn)
            .await?;
        Ok(GroupRequestId(id))
    })
}

const REQUEST_COLUMNS: (
    group_requests::id,
    group_requests::group_id,
    group_requests::user_id,
    group_requests::note,
    group_requests::status,
    group_requests::created_at,
) = (
    group_requests::id,
    group_requests::group_id,
    group_requests::user_id,
    group_requests::note,
    group_requests::status,
    group_requests::created_at,
);

/// One join request.
pub async fn request(
    conn: &mut Conn<'_>,
    id: GroupRequestId,
) -> Result<Option<RequestRow>, DbError> {
    conn_run!(conn, |conn| {
        Ok(group_requests::table
            .find(id.0)
            .select(REQUEST_COLUMNS)
            .first(conn)
            .await
            .optional()?)
    })
}

/// Whether `user` has a pending request for `group`.
pub async fn has_pending(
    conn: &mut Conn<'_>,
    group: GroupId,
    user: UserId,
) -> Result<bool, DbError> {
    conn_run!(conn, |conn| {
        let n: i64 = group_requests::table
            .filter(group_requests::group_id.eq(group.0))
            .filter(group_requests::user_id.eq(user.0))
            .filter(group_requests::status.eq("pending"))
            .count()
            .get_result(conn)
            .await?;
        Ok(n > 0)
    })
}

/// Pending requests to join the live groups `user` owns or administers (newest first, at most 100).
pub async fn pending_for_manager(
    conn: &mut Conn<'_>,
    user: UserId,
) -> Result<Vec<RequestRow>, DbError> {
    conn_run!(conn, |conn| {
        let managed = conversation_members::table
            .filter(conversation_members::user_id.eq(user.0))
            .filter(conversation_members::role.eq_any(["owner", "admin"]))
            .select(conversation_members::conversation_id);
        let groups = chat_groups::table
            .filter(chat_groups::conversation_id.eq_any(managed))
            .filter(chat_groups::dissolved_at.is_null())
            .select(chat_groups::id);
        Ok(group_requests::table
            .filter(group_requests::status.eq("pending"))
            .filter(group_requests::group_id.eq_any(groups))
            .select(REQUEST_COLUMNS)
            .order((group_requests::created_at.desc(), group_requests::id.desc()))
            .limit(100)
            .load(conn)
            .await?)
    })
}

/// A group's last 100 requests, newest first.
pub async fn requests_of(conn: &mut Conn<'_>, group: GroupId) -> Result<Vec<RequestRow>, DbError> {
    conn_run!(conn, |conn| {
        Ok(group_requests::table
            .filter(group_requests::group_id.eq(group.0))
            .select(REQUEST_COLUMNS)
            .order((group_requests::created_at.desc(), group_requests::id.desc()))
            .limit(100)
            .load(conn)
            .await?)
    })
}

/// Answers a pending request; accepting adds the member (in the caller's unit of work). `false`
/// if it was not pending.
pub async fn answer_request(
    conn: &mut Conn<'_>,
    id: GroupRequestId,
    accept: bool,
    by: UserId,
    conversation: ConversationId,
    user: UserId,
    now: i64,
) -> Result<bool, DbError> {
    let status = if accept { "accepted" } else { "declined" };
    conn_run!(conn, |conn| {
        {
            let n = diesel::update(
                group_requests::table
                    .filter(group_requests::id.eq(id.0))
                    .filter(group_requests::status.eq("pending")),
            )
            .set((
                group_requests::status.eq(status),
                group_requests::handled_at.eq(now),
                group_requests::handled_by.eq(by.0),
            ))
            .execute(conn)
            .await?;
            if n == 1 && accept {
                diesel::insert_into(conversation_members::table)
                    .values((
                        conversation_members::conversation_id.eq(conversation.0),
                        conversation_members::user_id.eq(user.0),
                        conversation_members::joined_at.eq(now),
                        conversation_members::role.eq(GroupRole::Member.as_str()),
                    ))
                    .on_conflict_do_nothing()
                    .execute(conn)
                    .await?;
            }
            Ok::<_, DbError>(n == 1)
        }
    })
}

/// Sets the name `user` goes by in the group of `conversation`.
pub async fn set_group_nickname(
    conn: &mut Conn<'_>,
    conversation: ConversationId,
    user: UserId,
    nickname: &str,
) -> Result<(), DbError> {
    conn_run!(conn, |conn| {
        diesel::update(
            conversation_members::table
                .filter(conversation_members::conversation_id.eq(conversation.0))
                .filter(conversation_members::user_id.eq(user.0)),
        )
        .set(conversation_members::group_nickname.eq(nickname))
        .execute(conn)
        .await?;
        Ok(())
    })
}

/// Lists or unlists group `id` in the public directory.
pub async fn set_listed(conn: &mut Conn<'_>, id: GroupId, listed: bool) -> Result<(), DbError> {
    conn_run!(conn, |conn| {
        diesel::update(chat_groups::table.find(id.0))
            .set(chat_groups::listed.eq(listed))
            .execute(conn)
            .await?;
        Ok(())
    })
}

/// Whether group `id` is listed in the directory.
pub async fn is_listed(conn: &mut Conn<'_>, id: GroupId) -> Result<bool, DbError> {
    conn_run!(conn, |conn| {
        Ok(chat_groups::table
            .find(id.0)
            .select(chat_groups::listed)
            .first(conn)
            .await
            .optional()?
            .unwrap_or(false))
    })
}

/// A page of the directory: listed groups that are neither dissolved nor disabled, the
/// largest first (then by id), with their member counts.
pub async fn directory(
    conn: &mut Conn<'_>,
    offset: i64,
    limit: i64,
) -> Result<Vec<(GroupRow, i64)>, DbError> {
    conn_run!(conn, |conn| {
        let sizes: Vec<(i64, i64)> = conversation_members::table
            .inner_join(
                chat_groups::table
                    .on(chat_groups::conversation_id.eq(conversation_members::conversation_id)),
            )
            .filter(chat_groups::listed.eq(true))
            .filter(chat_groups::dissolved_at.is_null())
            .filter(chat_groups::status.ne("disabled"))
            .group_by(chat_groups::id)
            .select((chat_groups::id, diesel::dsl::count_star()))
            .order((diesel::dsl::count_star().desc(), chat_groups::id.asc()))
            .offset(offset)
            .limit(limit)
            .load(conn)
            .await?;
        let ids: Vec<i64> = sizes.iter().map(|(id, _)| *id).collect();
        let groups: Vec<GroupRow> = chat_groups::table
            .filter(chat_groups::id.eq_any(&ids))
            .select(GROUP_COLUMNS)
            .load(conn)
            .await?;
        Ok(sizes
            .into_iter()
            .filter_map(|(id, count)| {
                groups
                    .iter()
                    .find(|g| g.id == id)
                    .cloned()
                    .map(|g| (g, count))
            })
            .collect())
    })
}
