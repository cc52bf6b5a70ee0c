//! Bots: a user makes one (right `create_bot`), holds its token (a lasting session: the same
//! `Authorization: Bearer` path as any session, without idle expiry), regenerates or deletes it;
//! anyone may open a 1:1 chat with a bot without a friend request. Each change is one unit of
//! work; sockets of a replaced token close after the commit.

use async_trait::async_trait;
use rand::Rng;
use shared::api::Caller;
use shared::api::bots::BotsApi;
use shared::error::Invalid;
use shared::ids::{ConversationId, UserId};
use shared::model::{
    BOT_DESCRIPTION_MAX, BOT_NAME_MAX, BOTS_PER_OWNER_MAX, Bot, BotWebhook, BotWithToken,
    DELIVERY_PAGE_MAX, IncomingWebhook, WebhookDelivery,
};
use shared::{AppError, rights, validate};

use super::Api;
use super::links::CODE_ATTEMPTS;
use crate::auth::token;
use crate::db::Failure;
use crate::repo::bots::{self as repo, NewBot};
use crate::repo::{bot_webhooks, contacts, sessions};
use crate::time::now_ms;

/// Random characters after `bot_` in a bot's username.
const USERNAME_SUFFIX: usize = 8;

/// A fresh bot username: `prefix` and eight lowercase letters and digits.
pub(crate) fn new_username(prefix: &str) -> String {
    let suffix: String = rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(USERNAME_SUFFIX)
        .map(|b| char::from(b).to_ascii_lowercase())
        .collect();
    format!("{prefix}{suffix}")
}

/// A bot's display name: 1–32 characters on one line.
pub(crate) fn check_name(name: &str) -> Result<String, AppError> {
    let name = validate::text("name", name, BOT_NAME_MAX, true)?;
    if name.contains(['\n', '\r']) {
        return Err(AppError::invalid("name", Invalid::BadCharacters));
    }
    Ok(name)
}

impl Api {
    /// One of `owner`'s bots, or `not_found`.
    async fn owned_bot(&self, owner: UserId, bot: UserId) -> Result<Bot, AppError> {
        crate::db_conn!(&self.state.db, |conn| repo::owned(conn, owner, Some(bot))
            .await)?
        .pop()
        .ok_or(AppError::NotFound)
    }

    /// Creates the bot, its token and the owner's chat with it; a fresh username is drawn again
    /// on a clash.
    async fn do_create_bot(
        &self,
        owner: UserId,
        name: &str,
        description: &str,
    ) -> Result<BotWithToken, AppError> {
        let now = now_ms();
        let (token, hash) = token::new_token();
        let mut attempts = 0;
        let bot = loop {
            attempts += 1;
            let username = new_username("bot_");
            let made = crate::db_transaction!(&self.state.db, |tx| {
                if repo::count_owned(tx, owner).await? >= BOTS_PER_OWNER_MAX as i64 {
                    return Err(AppError::invalid("bots", Invalid::OutOfRange).into());
                }
                let bot = repo::create(
                    tx,
                    NewBot {
                        kind: repo::KIND_BOT,
                        owner,
                        username: &username,
                        name,
                        description,
                        at: now,
                    },
                )
                .await?;
                sessions::create_lasting(tx, bot, &hash, now).await?;
                contacts::connect(tx, owner, bot, now).await?;
                Ok::<_, Failure>(bot)
            });
            match made {
                Ok(bot) => break bot,
                Err(Failure::Db(e)) if e.is_unique_violation() && attempts < CODE_ATTEMPTS => {}
                Err(e) => return Err(e.into()),
            }
        };
        tracing::info!(bot = %bot, owner = %owner, "bot created");
        self.notify_contacts(&[owner, bot]);
        Ok(BotWithToken {
            bot: self.owned_bot(owner, bot).await?,
            token,
        })
    }
}

impl Api {
    /// Sets or removes a bot's outgoing webhook (the URL already checked) in one unit of work,
    /// then wakes the delivery worker.
    async fn do_set_bot_webhook(
        &self,
        bot: UserId,
        url: Option<String>,
    ) -> Result<Option<BotWebhook>, AppError> {
        let now = now_ms();
        let answer = match url {
            Some(url) => {
                let (fresh, _) = token::new_token();
                let secret = crate::db_transaction!(&self.state.db, |tx| {
                    Ok::<_, Failure>(bot_webhooks::set(tx, bot, &url, &fresh, now).await?)
                })?;
                tracing::info!(bot = %bot, "bot webhook set");
                Some(BotWebhook {
                    bot_id: bot,
                    url,
                    secret,
                })
            }
            None => {
                crate::db_transaction!(&self.state.db, |tx| {
                    Ok::<_, Failure>(bot_webhooks::remove(tx, bot, "webhook removed", now).await?)
                })?;
                tracing::info!(bot = %bot, "bot webhook removed");
                None
            }
        };
        self.state.webhooks.wake();
        Ok(answer)
    }
}

#[async_trait]
impl BotsApi for Api {
    async fn create_bot(
        &self,
        caller: &Caller,
        name: String,
        description: String,
    ) -> Result<BotWithToken, AppError> {
        let me = caller.require(rights::CREATE_BOT)?.user_id;
        let name = check_name(&name)?;
        let description = validate::text("description", &description, BOT_DESCRIPTION_MAX, false)?;
        self.do_create_bot(me, &name, &description).await
    }

    async fn list_bots(&self, caller: &Caller) -> Result<Vec<Bot>, AppError> {
        let me = caller.auth()?.user_id;
        Ok(crate::db_conn!(&self.state.db, |conn| repo::owned(
            conn, me, None
        )
        .await)?)
    }

    async fn regenerate_bot_token(
        &self,
        caller: &Caller,
        bot_id: UserId,
    ) -> Result<BotWithToken, AppError> {
        let me = caller.auth()?.user_id;
        let bot = self.owned_bot(me, bot_id).await?;
        let (token, hash) = token::new_token();
        let now = now_ms();
        let session = crate::db_transaction!(&self.state.db, |tx| {
            sessions::delete_all_in(tx, bot_id).await?;
            Ok::<_, Failure>(sessions::create_lasting(tx, bot_id, &hash, now).await?)
        })?;
        // The old token's cached lookups and sockets end on every node.
        self.state.hub.close_user_except(bot_id, Some(session));
        tracing::info!(bot = %bot_id, "bot token regenerated");
        Ok(BotWithToken { bot, token })
    }

    async fn delete_bot(&self, caller: &Caller, bot_id: UserId) -> Result<(), AppError> {
        let me = caller.auth()?.user_id;
        self.owned_bot(me, bot_id).await?;
        let now = now_ms();
        crate::db_transaction!(&self.state.db, |tx| {
            sessions::delete_all_in(tx, bot_id).await?;
            bot_webhooks::remove(tx, bot_id, "bot deleted", now).await?;
            repo::retire(tx, bot_id, now).await?;
            Ok::<_, Failure>(())
        })?;
        self.state.hub.close_user_except(bot_id, None);
        tracing::info!(bot = %bot_id, "bot deleted");
        Ok(())
    }

    async fn open_bot_chat(
        &self,
        caller: &Caller,
        bot_id: UserId,
    ) -> Result<ConversationId, AppError> {
        let me = caller.auth()?.user_id;
        let db = &self.state.db;
        if !crate::db_conn!(db, |conn| repo::is_bot(conn, bot_id).await)? {
            return Err(AppError::NotFound);
        }
        if crate::db_conn!(db, |conn| repo::is_bot(conn, me).await)? {
            return Err(AppError::invalid("bot_id", Invalid::WrongKind));
        }
        if contacts::blocked_either(db, me, bot_id).await? {
            return Err(AppError::Blocked);
        }
        let now = now_ms();
        let conversation = crate::db_transaction!(db, |tx| {
            Ok::<_, Failure>(contacts::connect(tx, me, bot_id, now).await?)
        })?;
        // Both sides' cached view of their direct conversation changed.
        self.notify_contacts(&[me, bot_id]);
        Ok(conversation)
    }

    async fn set_bot_webhook(
        &self,
        caller: &Caller,
        bot_id: UserId,
        url: Option<String>,
    ) -> Result<Option<BotWebhook>, AppError> {
        let me = caller.auth()?.user_id;
        let url = match url {
            Some(raw) => Some(
                crate::webhooks::guard::check_url(&raw, self.state.config.webhook_allow_private)
                    .await?,
            ),
            None => None,
        };
        self.owned_bot(me, bot_id).await?;
        self.do_set_bot_webhook(bot_id, url.map(String::from)).await
    }

    async fn list_bot_webhook_deliveries(
        &self,
        caller: &Caller,
        bot_id: UserId,
        before_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<WebhookDelivery>, AppError> {
        let me = caller.auth()?.user_id;
        if !(1..=DELIVERY_PAGE_MAX).contains(&limit) {
            return Err(AppError::invalid("limit", Invalid::OutOfRange));
        }
        self.owned_bot(me, bot_id).await?;
        Ok(crate::db_conn!(&self.state.db, |conn| bot_webhooks::log(
            conn,
            bot_id,
            before_id,
            i64::from(limit)
        )
        .await)?)
    }

    async fn create_incoming_webhook(
        &self,
        caller: &Caller,
        conversation_id: ConversationId,
        name: String,
    ) -> Result<IncomingWebhook, AppError> {
        self.do_create_incoming_webhook(caller, conversation_id, name)
            .await
    }

    async fn list_incoming_webhooks(
        &self,
        caller: &Caller,
        conversation_id: ConversationId,
    ) -> Result<Vec<IncomingWebhook>, AppError> {
        self.do_list_incoming_webhooks(caller, conversation_id)
            .await
    }

    async fn delete_incoming_webhook(
        &self,
        caller: &Caller,
        webhook_id: i64,
    ) -> Result<(), AppError> {
        self.do_delete_incoming_webhook(caller, webhook_id).await
    }
}
