//! Uploads and avatars, and the media checks of a send.

use async_trait::async_trait;
use shared::api::Caller;
use shared::api::media::MediaApi;
use shared::error::Invalid;
use shared::event::ServerEvent;
use shared::ids::{GroupId, UserId};
use shared::model::{Media, MediaKind, MessageBody, media_thumb_url};
use shared::{AppError, rights, validate};

use super::Api;
use crate::auth::limits::Action;
use crate::db::Failure;
use crate::repo::media::{self as repo, MediaRow};

impl Api {
    /// The caller's own upload `id`, of one of `kinds`. Errors: `validation` on `media_id`
    /// (`unknown` for an id that is not the caller's upload, whoever's it is; `wrong_kind`).
    pub(crate) async fn own_media(
        &self,
        me: UserId,
        id: &str,
        kinds: &[MediaKind],
    ) -> Result<MediaRow, AppError> {
        let unknown = || AppError::invalid("media_id", Invalid::Unknown);
        if !shared::model::is_media_id(id) {
            return Err(unknown());
        }
        let row = repo::get(&self.state.db, id)
            .await?
            .filter(|row| row.uploader_id == me.0)
            .ok_or_else(unknown)?;
        let kind = MediaKind::parse(&row.kind).unwrap_or(MediaKind::File);
        if !kinds.contains(&kind) {
            return Err(AppError::invalid("media_id", Invalid::WrongKind));
        }
        Ok(row)
    }

    /// A media body as it is stored: checked against the sender's upload, with the upload's
    /// metadata filled in (whatever the client sent there is replaced). Other bodies pass.
    pub(crate) async fn check_media_body(
        &self,
        me: UserId,
        body: MessageBody,
    ) -> Result<MessageBody, AppError> {
        Ok(match body {
            MessageBody::Image { media_id, .. } => {
                let row = self.own_media(me, &media_id, &[MediaKind::Image]).await?;
                MessageBody::Image {
                    media: Some(row.to_media(None)),
                    media_id,
                }
            }
            MessageBody::Video { media_id, .. } => {
                let row = self.own_media(me, &media_id, &[MediaKind::Video]).await?;
                MessageBody::Video {
                    media: Some(row.to_media(None)),
                    media_id,
                }
            }
            MessageBody::File { media_id, .. } => {
                let all = [
                    MediaKind::File,
                    MediaKind::Image,
                    MediaKind::Video,
                    MediaKind::Audio,
                ];
                let row = self.own_media(me, &media_id, &all).await?;
                MessageBody::File {
                    media: Some(row.to_media(None)),
                    media_id,
                }
            }
            MessageBody::Voice {
                media_id,
                duration_ms,
                ..
            } => {
                if duration_ms == 0 || duration_ms > shared::model::VOICE_MAX_MS {
                    return Err(AppError::invalid("duration_ms", Invalid::OutOfRange));
                }
                let row = self.own_media(me, &media_id, &[MediaKind::Audio]).await?;
                MessageBody::Voice {
                    media: Some(row.to_media(Some(duration_ms))),
                    media_id,
                    duration_ms,
                }
            }
            MessageBody::Location { title, lat, lng } => {
                let title =
                    validate::text("title", &title, shared::model::LOCATION_TITLE_MAX, true)?;
                if !(lat.is_finite() && (-90.0..=90.0).contains(&lat)) {
                    return Err(AppError::invalid("lat", Invalid::OutOfRange));
                }
                if !(lng.is_finite() && (-180.0..=180.0).contains(&lng)) {
                    return Err(AppError::invalid("lng", Invalid::OutOfRange));
                }
                MessageBody::Location { title, lat, lng }
            }
            other => other,
        })
    }

    /// The avatar the caller chose: their own image upload, or `None`.
    async fn check_avatar(
        &self,
        me: UserId,
        media_id: Option<String>,
    ) -> Result<Option<MediaRow>, AppError> {
        match media_id {
            None => Ok(None),
            Some(id) => Ok(Some(self.own_media(me, &id, &[MediaKind::Image]).await?)),
        }
    }
}

#[async_trait]
impl MediaApi for Api {
    async fn upload_media(
        &self,
        caller: &Caller,
        data: leptos::server_fn::codec::MultipartData,
    ) -> Result<Media, AppError> {
        let me = caller.require(rights::UPLOAD)?.user_id;
        self.state.limits.check_user(me, Action::Upload)?;
        let multipart = data.into_inner().ok_or(AppError::Internal)?;
        let cap = self.max_upload_bytes().await?;
        let row = self.state.media.accept(multipart, me, cap).await?;
        if let Err(e) = repo::insert(&self.state.db, &row).await {
            self.state.media.discard(&row.id, row.has_thumb).await;
            return Err(e.into());
        }
        Ok(row.to_media(None))
    }

    async fn set_avatar(
        &self,
        caller: &Caller,
        media_id: Option<String>,
    ) -> Result<Option<String>, AppError> {
        let me = caller.auth()?.user_id;
        let avatar = self.check_avatar(me, media_id).await?;
        let id = avatar.as_ref().map(|row| row.id.clone());
        crate::db_transaction!(&self.state.db, |tx| {
            if let Some(id) = &id {
                repo::make_public(tx, id).await?;
            }
            repo::set_user_avatar(tx, me, id.as_deref()).await?;
            Ok::<_, Failure>(())
        })?;
        // Friends see the new face in their lists; the caller's other devices too.
        let mut told = crate::repo::contacts::friend_ids(&self.state.db, me).await?;
        told.push(me);
        self.state.hub.send_to(&told, &ServerEvent::ContactsChanged);
        Ok(id.as_deref().map(media_thumb_url))
    }

    async fn set_group_avatar(
        &self,
        caller: &Caller,
        group_id: GroupId,
        media_id: Option<String>,
    ) -> Result<Option<String>, AppError> {
        let me = caller.auth()?.user_id;
        let avatar = self.check_avatar(me, media_id).await?;
        let id = avatar.as_ref().map(|row| row.id.clone());
        let members = crate::db_transaction!(&self.state.db, |tx| {
            let (group, _) = super::groups::check_manage(tx, me, group_id, false).await?;
            if let Some(id) = &id {
                repo::make_public(tx, id).await?;
            }
            repo::set_group_avatar(tx, group_id, id.as_deref()).await?;
            let members = crate::repo::messages::members(
                tx,
                shared::ids::ConversationId(group.conversation_id),
            )
            .await?;
            Ok::<_, Failure>(members)
        })?;
        self.state
            .hub
            .send_to(&members, &ServerEvent::GroupChanged { group_id });
        Ok(id.as_deref().map(media_thumb_url))
    }
}
