//! The Parley Assistant: a built-in bot in every user's chats. Each text a person sends it is
//! answered after the send commits: from the table administrators keep (`matcher`), or, when
//! an endpoint is configured, by forwarding the recent conversation to it (`llm`), with the
//! table's answer as a hint and a translated apology when it fails. Replies go through the
//! message writer like any send, keyed `assistant-<message id>` so a reply is stored once.

pub mod llm;
pub mod matcher;

use shared::ids::UserId;

use tokio::sync::{OnceCell, Semaphore};

use crate::db::{Db, DbError};

/// Answers worked on at once; more wait their turn.
const AT_ONCE: usize = 8;

/// Where the assistant's answers come from, as configured.
#[derive(Clone, Default)]
pub struct AssistantConfig {
    /// The chat-completions endpoint (`PARLEY_ASSISTANT_URL`), if any.
    pub url: Option<String>,
    /// The model asked for (`PARLEY_ASSISTANT_MODEL`).
    pub model: String,
    /// The endpoint's key (`PARLEY_ASSISTANT_API_KEY`).
    pub api_key: Option<String>,
}

impl std::fmt::Debug for AssistantConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AssistantConfig")
            .field("url", &self.url.as_deref().map(crate::config::redact))
            .field("model", &self.model)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// The assistant's runtime state.
pub struct Assistant {
    user: OnceCell<UserId>,
    /// The endpoint, when one is configured.
    pub endpoint: Option<llm::Endpoint>,
    /// Bounds the answers in progress.
    pub slots: Semaphore,
}

impl Assistant {
    /// The assistant for `config` (an endpoint that cannot be set up is logged and left out).
    pub fn new(config: &AssistantConfig) -> Self {
        let endpoint = config
            .url
            .as_deref()
            .filter(|u| !u.is_empty())
            .and_then(|url| {
                llm::Endpoint::new(url, &config.model, config.api_key.clone())
                    .inspect_err(|e| tracing::error!(error = %e, "assistant endpoint not usable"))
                    .ok()
            });
        Self {
            user: OnceCell::new(),
            endpoint,
            slots: Semaphore::new(AT_ONCE),
        }
    }

    /// The assistant's user id (made on first use).
    pub async fn user(&self, db: &Db) -> Result<UserId, DbError> {
        self.user
            .get_or_try_init(|| async {
                crate::db_transaction!(db, |tx| {
                    Ok::<_, crate::db::Failure>(
                        crate::repo::assistant::ensure_user(tx, crate::time::now_ms()).await?,
                    )
                })
                .map_err(|f| match f {
                    crate::db::Failure::Db(e) => e,
                    crate::db::Failure::Refused(e) => DbError::Pool(e.to_string()),
                })
            })
            .await
            .copied()
    }
}

/// Accounts looked at per round of [`backfill`].
const BACKFILL_BATCH: usize = 100;

/// Gives every person who has no chat with the assistant yet (accounts made before every new
/// account got one) theirs, a round of at most a hundred at a time, each in its own unit of
/// work; how many were given one. Run once at start-up: when nothing is missing it is two
/// queries. Two nodes doing it at once collide harmlessly (the chat's key is unique).
pub async fn backfill(db: &Db, assistant: &Assistant) -> Result<usize, DbError> {
    let me = assistant.user(db).await?;
    let mut given = 0;
    loop {
        let missing = crate::db_conn!(db, |conn| {
            crate::repo::assistant::without_chat(conn, me, BACKFILL_BATCH).await
        })?;
        if missing.is_empty() {
            return Ok(given);
        }
        let mut progressed = false;
        for user in missing {
            let done = crate::db_transaction!(db, |tx| {
                Ok::<_, crate::db::Failure>(
                    crate::repo::assistant::welcome(tx, user, crate::time::now_ms()).await?,
                )
            });
            match done {
                Ok(Some(_)) => {
                    given += 1;
                    progressed = true;
                }
                Ok(None) => progressed = true,
                Err(crate::db::Failure::Db(e)) if e.is_unique_violation() => progressed = true,
                Err(crate::db::Failure::Db(e)) => return Err(e),
                Err(crate::db::Failure::Refused(e)) => return Err(DbError::Pool(e.to_string())),
            }
        }
        if !progressed {
            return Ok(given);
        }
    }
}

/// The reply when nothing in the table fits, in the message's language.
pub fn unknown(zh: bool) -> &'static str {
    if zh {
        "抱歉，我还不知道怎么回答这个问题。可以换个说法再问我，或者联系管理员。"
    } else {
        "Sorry, I don't know the answer to that yet. Try asking another way, or ask your administrator."
    }
}

/// The reply when the endpoint failed, in the message's language.
pub fn unavailable(zh: bool) -> &'static str {
    if zh {
        "抱歉，助手暂时无法回答，请稍后再试。"
    } else {
        "Sorry, the assistant cannot answer right now. Please try again later."
    }
}

/// The first message of a user's chat with the assistant.
pub const WELCOME: &str = "你好！我是 Parley 助手，可以问我 Parley 怎么用。\nHi! I'm Parley Assistant: ask me how Parley works.";

/// The reply to a message without text.
pub const TEXT_ONLY: &str = "我只能读懂文字消息。 I can only read text messages.";

/// The instructions given to the endpoint.
pub const SYSTEM_PROMPT: &str = "You are Parley Assistant, the helper built into Parley, a \
self-hosted messenger (chats, groups, contacts, bots). Answer briefly and kindly, in the \
language of the user's last message.";
