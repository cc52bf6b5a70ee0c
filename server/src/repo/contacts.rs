//! Contacts, friend requests and blocks.

use std::collections::HashSet;

use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use shared::ids::{ConversationId, FriendRequestId, UserId};
use shared::model::{
    Friend, Message, MessageBody, Relation, RequestStatus, SystemNotice, UserCard, avatar_url,
};

use crate::db::schema::{
    blocks, contacts, conversation_members, conversations, friend_requests, users,
};
use crate::db::{Conn, Db, DbError, Failure};
use crate::db_run;

/// A friend request as stored.
#[derive(Debug, Clone, Queryable)]
pub struct RequestRow {
    /// The request.
    pub id: i64,
    /// Requester.
    pub from_id: i64,
    /// Target.
    pub to_id: i64,
    /// The note.
    pub note: String,
    /// `pending`, `accepted` or `declined`.
    pub status: String,
    /// Sent at.
    pub created_at: i64,
}

impl RequestRow {
    /// The status as the API type.
    pub fn status(&self) -> RequestStatus {
        match self.status.as_str() {
            "accepted" => RequestStatus::Accepted,
            "declined" => RequestStatus::Declined,
            _ => RequestStatus::Pending,
        }
    }
}

const REQUEST_COLUMNS: (
    friend_requests::id,
    friend_requests::from_id,
    friend_requests::to_id,
    friend_requests::note,
    friend_requests::status,
    friend_requests::created_at,
) = (
    friend_requests::id,
    friend_requests::from_id,
    friend_requests::to_id,
    friend_requests::note,
    friend_requests::status,
    friend_requests::created_at,
);

/// The key of the direct conversation between two users (smaller id first).
pub fn direct_key(a: UserId, b: UserId) -> String {
    let (lo, hi) = if a.0 < b.0 { (a.0, b.0) } else { (b.0, a.0) };
    format!("{lo}:{hi}")
}

/// Ids of users whose username or nickname contains `pattern` (a `LIKE` pattern), at most `limit`.
pub async fn search(db: &Db, pattern: &str, limit: i64) -> Result<Vec<i64>, DbError> {
    db_run!(db, |conn| {
        Ok(users::table
            .filter(
                super::users::lower(users::username)
                    .like(pattern)
                    .escape('\\')
                    .or(super::users::lower(users::nickname)
                        .like(pattern)
                        .escape('\\')),
            )
            .select(users::id)
            .order(users::username)
            .limit(limit)
            .load(conn)
            .await?)
    })
}

/// Cards for `ids` (in that order) with their relation to `me`.
pub async fn cards(db: &Db, me: UserId, ids: &[i64]) -> Result<Vec<UserCard>, DbError> {
    let (rows, friends, sent, received, blocked) = db_run!(db, |conn| {
        let rows: Vec<(i64, String, String, String, Option<String>)> = users::table
            .filter(users::id.eq_any(ids))
            .select((
                users::id,
                users::username,
                users::nickname,
                users::signature,
                users::avatar,
            ))
            .load(conn)
            .await?;
        let friends: Vec<i64> = contacts::table
            .filter(contacts::owner_id.eq(me.0))
            .filter(contacts::friend_id.eq_any(ids))
            .select(contacts::friend_id)
            .load(conn)
            .await?;
        let sent: Vec<i64> = friend_requests::table
            .filter(friend_requests::from_id.eq(me.0))
            .filter(friend_requests::to_id.eq_any(ids))
            .filter(friend_requests::status.eq("pending"))
            .select(friend_requests::to_id)
            .load(conn)
            .await?;
        let received: Vec<i64> = friend_requests::table
            .filter(friend_requests::to_id.eq(me.0))
            .filter(friend_requests::from_id.eq_any(ids))
            .filter(friend_requests::status.eq("pending"))
            .select(friend_requests::from_id)
            .load(conn)
            .await?;
        let blocked: Vec<i64> = blocks::table
            .filter(blocks::owner_id.eq(me.0))
            .filter(blocks::blocked_id.eq_any(ids))
            .select(blocks::blocked_id)
            .load(conn)
            .await?;
        Ok::<_, DbError>((rows, friends, sent, received, blocked))
    })?;
    let set = |v: Vec<i64>| v.into_iter().collect::<HashSet<i64>>();
    let (friends, sent, received, blocked) = (set(friends), set(sent), set(received), set(blocked));
    Ok(ids
        .iter()
        .filter_map(|id| rows.iter().find(|r| r.0 == *id))
        .map(|(id, username, nickname, signature, avatar)| UserCard {
            id: UserId(*id),
            username: username.clone(),
            nickname: nickname.clone(),
            avatar_url: avatar_url(avatar.clone()),
            signature: signature.clone(),
            relation: if *id == me.0 {
                Relation::Myself
            } else if blocked.contains(id) {
                Relation::Blocked
            } else if friends.contains(id) {
                Relation::Friend
            } else if sent.contains(id) {
                Relation::RequestSent
            } else if received.contains(id) {
                Relation::RequestReceived
            } else {
                Relation::Stranger
            },
        })
        .collect())
}

/// Whether either user blocks the other.
pub async fn blocked_either(db: &Db, a: UserId, b: UserId) -> Result<bool, DbError> {
    db_run!(db, |conn| {
        let n: i64 = blocks::table
            .filter(
                blocks::owner_id
                    .eq(a.0)
                    .and(blocks::blocked_id.eq(b.0))
                    .or(blocks::owner_id.eq(b.0).and(blocks::blocked_id.eq(a.0))),
            )
            .count()
            .get_result(conn)
            .await?;
        Ok(n > 0)
    })
}

/// The ids of `owner`'s friends.
pub async fn friend_ids(db: &Db, owner: UserId) -> Result<Vec<UserId>, DbError> {
    db_run!(db, |conn| {
        let ids: Vec<i64> = contacts::table
            .filter(contacts::owner_id.eq(owner.0))
            .select(contacts::friend_id)
            .load(conn)
            .await?;
        Ok(ids.into_iter().map(UserId).collect())
    })
}

/// Whether `friend` is in `owner`'s contacts.
pub async fn are_friends(db: &Db, owner: UserId, friend: UserId) -> Result<bool, DbError> {
    db_run!(db, |conn| {
        let n: i64 = contacts::table
            .filter(contacts::owner_id.eq(owner.0))
            .filter(contacts::friend_id.eq(friend.0))
            .count()
            .get_result(conn)
            .await?;
        Ok(n > 0)
    })
}

/// The pending request from `from` to `to`, if any.
pub async fn pending(db: &Db, from: UserId, to: UserId) -> Result<Option<RequestRow>, DbError> {
    db_run!(db, |conn| {
        Ok(friend_requests::table
            .filter(friend_requests::from_id.eq(from.0))
            .filter(friend_requests::to_id.eq(to.0))
            .filter(friend_requests::status.eq("pending"))
            .select(REQUEST_COLUMNS)
            .first(conn)
            .await
            .optional()?)
    })
}

/// One request by id.
pub async fn request(db: &Db, id: FriendRequestId) -> Result<Option<RequestRow>, DbError> {
    db_run!(db, |conn| {
        Ok(friend_requests::table
            .find(id.0)
            .select(REQUEST_COLUMNS)
            .first(conn)
            .await
            .optional()?)
    })
}

/// Stores a pending request. A second pending request for the same pair is a unique violation.
pub async fn create_request(
    db: &Db,
    from: UserId,
    to: UserId,
    note: &str,
    now: i64,
) -> Result<FriendRequestId, DbError> {
    db_run!(db, |conn| {
        let id: i64 = diesel::insert_into(friend_requests::table)
            .values((
                friend_requests::from_id.eq(from.0),
                friend_requests::to_id.eq(to.0),
                friend_requests::note.eq(note),
                friend_requests::status.eq("pending"),
                friend_requests::created_at.eq(now),
            ))
            .returning(friend_requests::id)
            .get_result(conn)
            .await?;
        Ok(FriendRequestId(id))
    })
}

/// The caller's last 100 requests, both directions, newest first.
pub async fn list_requests(db: &Db, me: UserId) -> Result<Vec<RequestRow>, DbError> {
    db_run!(db, |conn| {
        Ok(friend_requests::table
            .filter(
                friend_requests::from_id
                    .eq(me.0)
                    .or(friend_requests::to_id.eq(me.0)),
            )
            .select(REQUEST_COLUMNS)
            .order((
                friend_requests::created_at.desc(),
                friend_requests::id.desc(),
            ))
            .limit(100)
            .load(conn)
            .await?)
    })
}

/// Declines a pending request; `false` if it was not pending.
pub async fn decline(db: &Db, id: FriendRequestId, now: i64) -> Result<bool, DbError> {
    db_run!(db, |conn| {
        let n = diesel::update(
            friend_requests::table
                .filter(friend_requests::id.eq(id.0))
                .filter(friend_requests::status.eq("pending")),
        )
        .set((
            friend_requests::status.eq("declined"),
            friend_requests::handled_at.eq(now),
        ))
        .execute(conn)
        .await?;
        Ok(n == 1)
    })
}

/// Accepts a pending request in the caller's unit of work: marks it (and any pending request
/// the other way) accepted, finds or creates the pair's direct conversation, makes both members
/// and adds each to the other's contacts. `None` if the request was not pending.
pub async fn accept(
    tx: &mut Conn<'_>,
    id: FriendRequestId,
    from: UserId,
    to: UserId,
    now: i64,
) -> Result<Option<ConversationId>, DbError> {
    crate::conn_run!(tx, |conn| {
        {
            let n = diesel::update(
                friend_requests::table
                    .filter(friend_requests::id.eq(id.0))
                    .filter(friend_requests::status.eq("pending")),
            )
            .set((
                friend_requests::status.eq("accepted"),
                friend_requests::handled_at.eq(now),
            ))
            .execute(conn)
            .await?;
            if n != 1 {
                return Ok(None);
            }
            diesel::update(
                friend_requests::table
                    .filter(friend_requests::from_id.eq(to.0))
                    .filter(friend_requests::to_id.eq(from.0))
                    .filter(friend_requests::status.eq("pending")),
            )
            .set((
                friend_requests::status.eq("accepted"),
                friend_requests::handled_at.eq(now),
            ))
            .execute(conn)
            .await?;
            Ok::<_, DbError>(())
        }
    })?;
    Ok(Some(connect(tx, from, to, now).await?))
}

/// Finds or creates the direct conversation of `from` and `to` in the caller's unit of work,
/// makes both its members and each the other's contact (rows that exist are kept): a friendship
/// accepted, or a chat opened with a bot.
pub async fn connect(
    tx: &mut Conn<'_>,
    from: UserId,
    to: UserId,
    now: i64,
) -> Result<ConversationId, DbError> {
    let key = direct_key(from, to);
    crate::conn_run!(tx, |conn| {
        let existing: Option<i64> = conversations::table
            .filter(conversations::direct_key.eq(&key))
            .select(conversations::id)
            .first(conn)
            .await
            .optional()?;
        let conversation = match existing {
            Some(c) => c,
            None => {
                diesel::insert_into(conversations::table)
                    .values((
                        conversations::kind.eq("direct"),
                        conversations::direct_key.eq(&key),
                        conversations::created_at.eq(now),
                    ))
                    .returning(conversations::id)
                    .get_result(conn)
                    .await?
            }
        };
        for user in [from, to] {
            diesel::insert_into(conversation_members::table)
                .values((
                    conversation_members::conversation_id.eq(conversation),
                    conversation_members::user_id.eq(user.0),
                    conversation_members::joined_at.eq(now),
                ))
                .on_conflict_do_nothing()
                .execute(conn)
                .await?;
        }
        for (owner, friend) in [(from, to), (to, from)] {
            diesel::insert_into(contacts::table)
                .values((
                    contacts::owner_id.eq(owner.0),
                    contacts::friend_id.eq(friend.0),
                    contacts::conversation_id.eq(conversation),
                    contacts::created_at.eq(now),
                ))
                .on_conflict_do_nothing()
                .execute(conn)
                .await?;
        }
        Ok::<_, DbError>(ConversationId(conversation))
    })
}

/// Accepts a pending request ([`accept`]) in a transaction of its own and, with `announce`,
/// writes the "you are friends now" notice into the pair's conversation in the same
/// transaction (read by both: it is no unread message). `None` if the request was not
/// pending; else the conversation and the notice.
pub async fn befriend(
    db: &Db,
    id: FriendRequestId,
    from: UserId,
    to: UserId,
    now: i64,
    announce: bool,
) -> Result<Option<(ConversationId, Option<Message>)>, Failure> {
    crate::db_transaction!(db, |tx| {
        let Some(conversation) = accept(tx, id, from, to, now).await? else {
            return Ok::<_, Failure>(None);
        };
        let notice = if announce {
            let body = MessageBody::System {
                notice: SystemNotice::FriendAdded { user: from, by: to },
            };
            let notice = crate::repo::messages::insert_system(tx, conversation, &body, now).await?;
            // Both saw it happen: the notice is not an unread message for either.
            let seq = notice.seq;
            crate::conn_run!(tx, |conn| {
                diesel::update(
                    conversation_members::table
                        .filter(conversation_members::conversation_id.eq(conversation.0))
                        .filter(conversation_members::user_id.eq_any([from.0, to.0]))
                        .filter(conversation_members::read_seq.lt(seq)),
                )
                .set(conversation_members::read_seq.eq(seq))
                .execute(conn)
                .await
            })?;
            Some(notice)
        } else {
            None
        };
        Ok(Some((conversation, notice)))
    })
}

/// Whether `me` and `other` are members of one conversation (a group chat, or a direct chat
/// kept from an ended friendship).
pub async fn share_a_conversation(db: &Db, me: UserId, other: UserId) -> Result<bool, DbError> {
    db_run!(db, |conn| {
        let theirs = diesel::alias!(conversation_members as theirs);
        let mine = theirs
            .filter(theirs.field(conversation_members::user_id).eq(me.0))
            .select(theirs.field(conversation_members::conversation_id));
        let found: Option<i64> = conversation_members::table
            .filter(conversation_members::user_id.eq(other.0))
            .filter(conversation_members::conversation_id.eq_any(mine))
            .select(conversation_members::conversation_id)
            .first(conn)
            .await
            .optional()?;
        Ok::<_, DbError>(found.is_some())
    })
}

/// The users `me` has blocked, most recently blocked first, at most `limit`.
pub async fn blocked_by(db: &Db, me: UserId, limit: i64) -> Result<Vec<i64>, DbError> {
    db_run!(db, |conn| {
        Ok::<_, DbError>(
            blocks::table
                .filter(blocks::owner_id.eq(me.0))
                .order((blocks::created_at.desc(), blocks::blocked_id.desc()))
                .select(blocks::blocked_id)
                .limit(limit)
                .load(conn)
                .await?,
        )
    })
}

/// The friends of `me` (unordered).
pub async fn friends(db: &Db, me: UserId) -> Result<Vec<Friend>, DbError> {
    type Row = (
        i64,
        String,
        String,
        String,
        String,
        i64,
        i64,
        Option<String>,
    );
    let rows: Vec<Row> = db_run!(db, |conn| {
        Ok::<_, DbError>(
            contacts::table
                .inner_join(users::table.on(users::id.eq(contacts::friend_id)))
                .filter(contacts::owner_id.eq(me.0))
                .select((
                    users::id,
                    users::username,
                    users::nickname,
                    contacts::remark,
                    users::signature,
                    contacts::conversation_id,
                    contacts::created_at,
                    users::avatar,
                ))
                .load(conn)
                .await?,
        )
    })?;
    Ok(rows
        .into_iter()
        .map(
            |(id, username, nickname, remark, signature, conversation, since, avatar)| {
                let sort_key = crate::sort_key::of(if remark.is_empty() {
                    &nickname
                } else {
                    &remark
                });
                Friend {
                    user_id: UserId(id),
                    username,
                    nickname,
                    avatar_url: avatar_url(avatar),
                    remark,
                    signature,
                    conversation_id: ConversationId(conversation),
                    since,
                    sort_key,
                }
            },
        )
        .collect())
}

/// Ends the friendship on both sides; `false` if they were not friends.
pub async fn remove_friendship(db: &Db, a: UserId, b: UserId) -> Result<bool, DbError> {
    db_run!(db, |conn| {
        let n = diesel::delete(
            contacts::table.filter(
                contacts::owner_id
                    .eq(a.0)
                    .and(contacts::friend_id.eq(b.0))
                    .or(contacts::owner_id.eq(b.0).and(contacts::friend_id.eq(a.0))),
            ),
        )
        .execute(conn)
        .await?;
        Ok(n > 0)
    })
}

/// Sets `owner`'s remark for `friend`; `false` if not friends.
pub async fn set_remark(
    db: &Db,
    owner: UserId,
    friend: UserId,
    remark: &str,
) -> Result<bool, DbError> {
    db_run!(db, |conn| {
        let n = diesel::update(
            contacts::table
                .filter(contacts::owner_id.eq(owner.0))
                .filter(contacts::friend_id.eq(friend.0)),
        )
        .set(contacts::remark.eq(remark))
        .execute(conn)
        .await?;
        Ok(n == 1)
    })
}

/// `owner` blocks `other`: the block is stored, any friendship ends and pending requests
/// between the two are declined, in one transaction.
pub async fn block(db: &Db, owner: UserId, other: UserId, now: i64) -> Result<(), DbError> {
    db_run!(db, |conn| {
        conn.transaction(async |conn| {
            diesel::insert_into(blocks::table)
                .values((
                    blocks::owner_id.eq(owner.0),
                    blocks::blocked_id.eq(other.0),
                    blocks::created_at.eq(now),
                ))
                .on_conflict_do_nothing()
                .execute(conn)
                .await?;
            diesel::delete(
                contacts::table.filter(
                    contacts::owner_id
                        .eq(owner.0)
                        .and(contacts::friend_id.eq(other.0))
                        .or(contacts::owner_id
                            .eq(other.0)
                            .and(contacts::friend_id.eq(owner.0))),
                ),
            )
            .execute(conn)
            .await?;
            // One statement per direction: SQLite's planner fails on an OR of the two pairs
            // combined with the partial unique index on pending requests.
            for (from, to) in [(owner, other), (other, owner)] {
                diesel::update(
                    friend_requests::table
                        .filter(friend_requests::from_id.eq(from.0))
                        .filter(friend_requests::to_id.eq(to.0))
                        .filter(friend_requests::status.eq("pending")),
                )
                .set((
                    friend_requests::status.eq("declined"),
                    friend_requests::handled_at.eq(now),
                ))
                .execute(conn)
                .await?;
            }
            Ok::<_, DbError>(())
        })
        .await
    })
}

/// Lifts `owner`'s block of `other`.
pub async fn unblock(db: &Db, owner: UserId, other: UserId) -> Result<(), DbError> {
    db_run!(db, |conn| {
        diesel::delete(
            blocks::table
                .filter(blocks::owner_id.eq(owner.0))
                .filter(blocks::blocked_id.eq(other.0)),
        )
        .execute(conn)
        .await?;
        Ok(())
    })
}

/// Those of `ids` who count `me` as a friend.
pub async fn who_befriended(db: &Db, me: UserId, ids: &[i64]) -> Result<Vec<i64>, DbError> {
    db_run!(db, |conn| {
        Ok::<_, DbError>(
            contacts::table
                .filter(contacts::owner_id.eq_any(ids))
                .filter(contacts::friend_id.eq(me.0))
                .select(contacts::owner_id)
                .load(conn)
                .await?,
        )
    })
}
