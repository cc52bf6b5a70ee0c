//! Uploaded media: their rows, who may fetch them, avatars and the removal of what nothing
//! references any more.

use diesel::dsl::exists;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use shared::ids::{GroupId, UserId};
use shared::model::{Media, MediaKind, media_thumb_url, media_url};

use crate::db::schema::{chat_groups, conversation_members, media, media_refs, users};
use crate::db::{Conn, Db, DbError};
use crate::db_run;

/// One `media` row.
#[derive(Debug, Clone, PartialEq, Queryable, Insertable)]
#[diesel(table_name = media)]
pub struct MediaRow {
    /// Random id (also the object's key in the store).
    pub id: String,
    /// Who uploaded it.
    pub uploader_id: i64,
    /// `image`, `video`, `audio` or `file`.
    pub kind: String,
    /// Sniffed MIME type.
    pub mime: String,
    /// Bytes stored.
    pub size: i64,
    /// Sanitised file name.
    pub name: String,
    /// Image width.
    pub width: Option<i32>,
    /// Image height.
    pub height: Option<i32>,
    /// Whether `<id>.thumb` exists in the store.
    pub has_thumb: bool,
    /// Used as an avatar at some point: any signed-in user may fetch it.
    pub public: bool,
    /// Upload time (epoch ms).
    pub created_at: i64,
}

impl MediaRow {
    /// The API's view of the row (`duration_ms` is the message's, not the upload's).
    pub fn to_media(&self, duration_ms: Option<u32>) -> Media {
        Media {
            id: self.id.clone(),
            kind: MediaKind::parse(&self.kind).unwrap_or(MediaKind::File),
            mime: self.mime.clone(),
            size: u64::try_from(self.size).unwrap_or(0),
            name: self.name.clone(),
            width: self.width.and_then(|w| u32::try_from(w).ok()),
            height: self.height.and_then(|h| u32::try_from(h).ok()),
            duration_ms,
            url: media_url(&self.id),
            thumb_url: self.has_thumb.then(|| media_thumb_url(&self.id)),
        }
    }
}

/// Records a stored upload.
pub async fn insert(db: &Db, row: &MediaRow) -> Result<(), DbError> {
    db_run!(db, |conn| {
        diesel::insert_into(media::table)
            .values(row)
            .execute(conn)
            .await?;
        Ok(())
    })
}

/// The row of `id`, if it exists.
pub async fn get(db: &Db, id: &str) -> Result<Option<MediaRow>, DbError> {
    db_run!(db, |conn| {
        Ok(media::table
            .find(id)
            .select(media::all_columns)
            .first(conn)
            .await
            .optional()?)
    })
}

/// The row of `id` if `user` may fetch it: its uploader, anyone for an avatar, or a member of
/// a conversation a message carried it into. `None` otherwise, exactly as for a missing id.
pub async fn fetchable(db: &Db, id: &str, user: UserId) -> Result<Option<MediaRow>, DbError> {
    let Some(row) = get(db, id).await? else {
        return Ok(None);
    };
    if row.uploader_id == user.0 || row.public {
        return Ok(Some(row));
    }
    let member: bool = db_run!(db, |conn| {
        Ok::<_, DbError>(
            diesel::select(exists(
                media_refs::table
                    .inner_join(
                        conversation_members::table.on(conversation_members::conversation_id
                            .eq(media_refs::conversation_id)
                            .and(conversation_members::user_id.eq(user.0))),
                    )
                    .filter(media_refs::media_id.eq(id)),
            ))
            .get_result(conn)
            .await?,
        )
    })?;
    Ok(member.then_some(row))
}

/// Marks `id` as an avatar: any signed-in user may fetch it from now on.
pub async fn make_public(conn: &mut Conn<'_>, id: &str) -> Result<(), DbError> {
    crate::conn_run!(conn, |c| {
        diesel::update(media::table.find(id))
            .set(media::public.eq(true))
            .execute(c)
            .await?;
        Ok(())
    })
}

/// Sets (or clears) `user`'s avatar.
pub async fn set_user_avatar(
    conn: &mut Conn<'_>,
    user: UserId,
    id: Option<&str>,
) -> Result<(), DbError> {
    crate::conn_run!(conn, |c| {
        diesel::update(users::table.find(user.0))
            .set(users::avatar.eq(id))
            .execute(c)
            .await?;
        Ok(())
    })
}

/// Sets (or clears) a group's avatar.
pub async fn set_group_avatar(
    conn: &mut Conn<'_>,
    group: GroupId,
    id: Option<&str>,
) -> Result<(), DbError> {
    crate::conn_run!(conn, |c| {
        diesel::update(chat_groups::table.find(group.0))
            .set(chat_groups::avatar.eq(id))
            .execute(c)
            .await?;
        Ok(())
    })
}

/// Removes the rows of up to `limit` media uploaded before `cutoff` that no message, user or
/// group refers to, and returns them as `(id, has_thumb)` so that their objects can be deleted
/// from the store. The conditions are checked again by the `DELETE` itself, so a send that
/// refers to a candidate in between keeps it.
pub async fn remove_unreferenced(
    db: &Db,
    cutoff: i64,
    limit: i64,
) -> Result<Vec<(String, bool)>, DbError> {
    macro_rules! unreferenced {
        () => {
            media::created_at
                .lt(cutoff)
                .and(diesel::dsl::not(exists(
                    media_refs::table.filter(media_refs::media_id.eq(media::id)),
                )))
                .and(diesel::dsl::not(exists(
                    users::table.filter(users::avatar.eq(media::id.nullable())),
                )))
                .and(diesel::dsl::not(exists(
                    chat_groups::table.filter(chat_groups::avatar.eq(media::id.nullable())),
                )))
        };
    }
    db_run!(db, |conn| {
        let candidates: Vec<String> = media::table
            .filter(unreferenced!())
            .select(media::id)
            .order(media::created_at.asc())
            .limit(limit)
            .load(conn)
            .await?;
        if candidates.is_empty() {
            return Ok(Vec::new());
        }
        Ok(diesel::delete(
            media::table
                .filter(media::id.eq_any(&candidates))
                .filter(unreferenced!()),
        )
        .returning((media::id, media::has_thumb))
        .get_results(conn)
        .await?)
    })
}
