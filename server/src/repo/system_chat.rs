//! Each user's "Parley" system chat: a read-only conversation of kind `system` (keyed
//! `system:<user id>`, its only member the user) where announcements and answers to their
//! reports arrive as notices.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use shared::ids::{ConversationId, UserId};
use shared::model::{Message, MessageBody, SystemNotice};

use crate::conn_run;
use crate::db::schema::{conversation_members, conversations};
use crate::db::{Conn, DbError};

/// `user`'s system chat, made on first use; part of the caller's unit of work.
pub async fn conversation_of(
    conn: &mut Conn<'_>,
    user: UserId,
    now: i64,
) -> Result<ConversationId, DbError> {
    let key = format!("system:{}", user.0);
    conn_run!(conn, |conn| {
        let existing: Option<i64> = conversations::table
            .filter(conversations::direct_key.eq(&key))
            .select(conversations::id)
            .first(conn)
            .await
            .optional()?;
        let id = match existing {
            Some(id) => id,
            None => {
                let id: i64 = diesel::insert_into(conversations::table)
                    .values((
                        conversations::kind.eq("system"),
                        conversations::direct_key.eq(&key),
                        conversations::created_at.eq(now),
                    ))
                    .returning(conversations::id)
                    .get_result(conn)
                    .await?;
                diesel::insert_into(conversation_members::table)
                    .values((
                        conversation_members::conversation_id.eq(id),
                        conversation_members::user_id.eq(user.0),
                        conversation_members::joined_at.eq(now),
                    ))
                    .on_conflict_do_nothing()
                    .execute(conn)
                    .await?;
                id
            }
        };
        Ok::<_, DbError>(ConversationId(id))
    })
}

/// Writes `notice` into `user`'s system chat; the stored message, to deliver after the commit.
pub async fn tell(
    conn: &mut Conn<'_>,
    user: UserId,
    notice: SystemNotice,
    now: i64,
) -> Result<Message, DbError> {
    let conversation = conversation_of(conn, user, now).await?;
    super::messages::insert_system(conn, conversation, &MessageBody::System { notice }, now).await
}
