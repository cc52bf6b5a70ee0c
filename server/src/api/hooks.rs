//! Incoming webhooks: a group's owner or admins make one (a bot of kind `hook` joins the group,
//! and a secret URL posts as it), list and delete them; `POST /hooks/<token>` posts through the
//! same `send_message` path as any member, with the hook's bot as the caller.

use shared::api::Caller;
use shared::error::Invalid;
use shared::ids::{ConversationId, UserId};
use shared::model::{IncomingWebhook, SystemNotice, WEBHOOKS_PER_GROUP_MAX};
use shared::{AppError, rights};

use super::Api;
use super::bots::{check_name, new_username};
use super::groups::{check_manage, write_notice};
use crate::auth::token;
use crate::db::Failure;
use crate::repo::bots::{self as bots, NewBot};
use crate::repo::{groups, webhooks};
use crate::time::now_ms;

impl Api {
    /// The group of `conversation`, which `me` must own or manage.
    async fn check_hook_group(
        &self,
        me: UserId,
        conversation: ConversationId,
    ) -> Result<shared::ids::GroupId, AppError> {
        let db = &self.state.db;
        let group = crate::db_conn!(db, |conn| webhooks::group_of(conn, conversation).await)?
            .ok_or(AppError::NotFound)?;
        crate::db_conn!(db, |conn| check_manage(conn, me, group, false).await)?;
        Ok(group)
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
        let group_id = self.check_hook_group(me, conversation).await?;
        let (secret, hash) = token::new_token();
        let now = now_ms();
        let username = new_username("hook_");
        let (group, notice, id) = crate::db_transaction!(&self.state.db, |tx| {
            let (group, _) = check_manage(tx, me, group_id, false).await?;
            if webhooks::list(tx, Some(conversation), None).await?.len() >= WEBHOOKS_PER_GROUP_MAX {
                return Err(AppError::invalid("conversation_id", Invalid::OutOfRange).into());
            }
            let bot = bots::create(
                tx,
                NewBot {
                    kind: bots::KIND_HOOK,
                    owner: me,
                    username: &username,
                    name: &name,
                    description: "",
                    at: now,
                },
            )
            .await?;
            groups::add_members(tx, conversation, &[bot], now).await?;
            let joined = SystemNotice::MembersJoined {
                users: vec![bot],
                by: me,
            };
            let notice = write_notice(tx, &group, joined).await?;
            let id = webhooks::insert(tx, conversation, bot, &name, &hash, me, now).await?;
            Ok::<_, Failure>((group, notice, id))
        })?;
        self.announce(&group, notice).await?;
        tracing::info!(hook = id, group = %group_id, by = %me, "incoming webhook created");
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
        self.check_hook_group(me, conversation).await?;
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
        let group_id = self.check_hook_group(me, hook.conversation_id).await?;
        let now = now_ms();
        let (group, notice) = crate::db_transaction!(&self.state.db, |tx| {
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
