//! Incoming webhooks: a group's owner or admins, or either person of a direct chat, make one (a
//! bot of kind `hook` joins the conversation, and a secret URL posts as it), list and delete
//! them; `POST /hooks/<token>` posts through the same `send_message` path as any member, with
//! the hook's bot as the caller.

use shared::api::Caller;
use shared::error::Invalid;
use shared::ids::{ConversationId, GroupId, UserId};
use shared::model::{IncomingWebhook, SystemNotice, WEBHOOKS_PER_GROUP_MAX};
use shared::{AppError, rights};

use super::Api;
use super::bots::{check_name, new_username};
use super::groups::{check_manage, write_notice};
use crate::auth::token;
use crate::cache::Invalidation;
use crate::db::{Conn, Failure};
use crate::repo::bots::{self as bots, NewBot};
use crate::repo::{groups, webhooks};
use crate::time::now_ms;

/// Where a webhook posts.
#[derive(Debug, Clone, Copy)]
enum Target {
    /// A group (managed by its owner and admins).
    Group(GroupId),
    /// A direct chat (managed by either of its two people).
    Direct,
}

/// Makes a hook's bot and stores the hook; the bot's id and the hook's.
async fn make_hook(
    tx: &mut Conn<'_>,
    me: UserId,
    conversation: ConversationId,
    name: &str,
    hash: &str,
    now: i64,
) -> Result<(UserId, i64), Failure> {
    if webhooks::list(tx, Some(conversation), None).await?.len() >= WEBHOOKS_PER_GROUP_MAX {
        return Err(AppError::invalid("conversation_id", Invalid::OutOfRange).into());
    }
    let username = new_username("hook_");
    let bot = bots::create(
        tx,
        NewBot {
            kind: bots::KIND_HOOK,
            owner: me,
            username: &username,
            name,
            description: "",
            at: now,
        },
    )
    .await?;
    groups::add_members(tx, conversation, &[bot], now).await?;
    let id = webhooks::insert(tx, conversation, bot, name, hash, me, now).await?;
    Ok((bot, id))
}

impl Api {
    /// Where `conversation`'s webhooks post, when `me` may manage them: a group `me` owns or
    /// manages, or a direct chat `me` is in while the two are friends. `not_found` otherwise,
    /// whatever the reason.
    async fn check_hook_target(
        &self,
        me: UserId,
        conversation: ConversationId,
    ) -> Result<Target, AppError> {
        let db = &self.state.db;
        if let Some(group) =
            crate::db_conn!(db, |conn| webhooks::group_of(conn, conversation).await)?
        {
            crate::db_conn!(db, |conn| check_manage(conn, me, group, false).await)?;
            return Ok(Target::Group(group));
        }
        let access = self
            .access_conversation(me, conversation)
            .await
            .map_err(|e| match e {
                AppError::Forbidden => AppError::NotFound,
                e => e,
            })?;
        match access.member(me) {
            Some(member) if access.is_direct() && member.friends && !member.hook => {
                Ok(Target::Direct)
            }
            _ => Err(AppError::NotFound),
        }
    }

    /// `create_incoming_webhook`.
    pub(crate) async fn do_create_incoming_webhook(
        &self,
        caller: &Caller,
        conversation: ConversationId,
        name: String,
    ) -> Result<IncomingWebhook, AppError> {
        let me = caller.auth()?.user_id;
        let name = check_name(&name)?;
        let target = self.check_hook_target(me, conversation).await?;
        let (secret, hash) = token::new_token();
        let now = now_ms();
        let db = &self.state.db;
        let id = match target {
            Target::Group(group_id) => {
                let (group, notice, id) = crate::db_transaction!(db, |tx| {
                    let (group, _) = check_manage(tx, me, group_id, false).await?;
                    let (bot, id) = make_hook(tx, me, conversation, &name, &hash, now).await?;
                    let joined = SystemNotice::MembersJoined {
                        users: vec![bot],
                        by: me,
                    };
                    let notice = write_notice(tx, &group, joined).await?;
                    Ok::<_, Failure>((group, notice, id))
                })?;
                self.announce(&group, notice).await?;
                id
            }
            Target::Direct => {
                let (_, id) = crate::db_transaction!(db, |tx| {
                    make_hook(tx, me, conversation, &name, &hash, now).await
                })?;
                self.state
                    .hub
                    .invalidate(Invalidation::Conversation(conversation));
                id
            }
        };
        tracing::info!(hook = id, conversation = %conversation, by = %me, "incoming webhook created");
        let mut hook =
            crate::db_conn!(&self.state.db, |conn| webhooks::list(conn, None, Some(id))
                .await)?
            .pop()
            .ok_or(AppError::Internal)?;
        hook.url = Some(format!("{}/hooks/{secret}", caller.origin));
        Ok(hook)
    }

    /// `list_incoming_webhooks`.
    pub(crate) async fn do_list_incoming_webhooks(
        &self,
        caller: &Caller,
        conversation: ConversationId,
    ) -> Result<Vec<IncomingWebhook>, AppError> {
        let me = caller.auth()?.user_id;
        self.check_hook_target(me, conversation).await?;
        Ok(crate::db_conn!(&self.state.db, |conn| webhooks::list(
            conn,
            Some(conversation),
            None
        )
        .await)?)
    }

    /// `delete_incoming_webhook`: the row goes, its bot leaves the group and is retired.
    pub(crate) async fn do_delete_incoming_webhook(
        &self,
        caller: &Caller,
        id: i64,
    ) -> Result<(), AppError> {
        let me = caller.auth()?.user_id;
        let hook = crate::db_conn!(&self.state.db, |conn| webhooks::list(conn, None, Some(id))
            .await)?
        .pop()
        .ok_or(AppError::NotFound)?;
        let target = self.check_hook_target(me, hook.conversation_id).await?;
        let now = now_ms();
        let db = &self.state.db;
        match target {
            Target::Group(group_id) => {
                let (group, notice) = crate::db_transaction!(db, |tx| {
                    let (group, _) = check_manage(tx, me, group_id, false).await?;
                    webhooks::delete(tx, id).await?;
                    groups::remove_member(tx, hook.conversation_id, hook.bot_id).await?;
                    bots::retire(tx, hook.bot_id, now).await?;
                    let removed = SystemNotice::MemberRemoved {
                        user: hook.bot_id,
                        by: me,
                    };
                    let notice = write_notice(tx, &group, removed).await?;
                    Ok::<_, Failure>((group, notice))
                })?;
                self.state.hub.close_user_except(hook.bot_id, None);
                self.announce(&group, notice).await?;
            }
            Target::Direct => {
                crate::db_transaction!(db, |tx| {
                    webhooks::delete(tx, id).await?;
                    groups::remove_member(tx, hook.conversation_id, hook.bot_id).await?;
                    bots::retire(tx, hook.bot_id, now).await?;
                    Ok::<_, Failure>(())
                })?;
                self.state.hub.close_user_except(hook.bot_id, None);
                self.state
                    .hub
                    .invalidate(Invalidation::Conversation(hook.conversation_id));
            }
        }
        tracing::info!(hook = id, "incoming webhook deleted");
        Ok(())
    }

    /// The caller a hook posts as: its bot, with the bot's rights now.
    pub(crate) async fn hook_caller(
        &self,
        hook: webhooks::Hook,
        ip: Option<std::net::IpAddr>,
        origin: String,
    ) -> Result<Caller, AppError> {
        let (_, rights) = crate::repo::rbac::roles_and_rights(&self.state.db, hook.bot).await?;
        if !rights.iter().any(|r| r == rights::SPEAK) {
            return Err(AppError::NotFound);
        }
        let username = crate::repo::users::profile(&self.state.db, hook.bot)
            .await?
            .map(|p| p.username)
            .unwrap_or_default();
        Ok(Caller {
            auth: Some(shared::api::Auth {
                user_id: hook.bot,
                session_id: shared::ids::SessionId(0),
                username,
                rights,
                scopes: None,
            }),
            ip,
            user_agent: "incoming webhook".to_owned(),
            origin,
        })
    }
}
