//! The assistant: opening a user's chat with it, answering what they send it, and the table
//! administrators keep (each change with its audit entry, in one unit of work).

use async_trait::async_trait;
use serde_json::json;
use shared::api::Caller;
use shared::api::assistant::AssistantApi;
use shared::error::Invalid;
use shared::ids::{ConversationId, UserId};
use shared::model::{
    ASSISTANT_ANSWER_MAX, ASSISTANT_ANSWERS_MAX, ASSISTANT_KEYWORD_MAX, ASSISTANT_KEYWORDS_MAX,
    ASSISTANT_QUESTION_MAX, AssistantAnswer, Message, MessageBody,
};
use shared::{AppError, rights, validate};

use super::Api;
use super::moderation::{Audited, record};
use crate::assistant::llm::Turn;
use crate::assistant::{self, matcher};
use crate::db::Failure;
use crate::repo::assistant::{self as repo, Fields};
use crate::repo::message_batch::NewMessage;
use crate::repo::messages::{ConversationAccess, StoredBody};
use crate::repo::{bots, contacts};
use crate::time::now_ms;

/// Messages of the conversation sent to the endpoint with the newest.
const HISTORY: i64 = 10;
/// How often "typing…" is repeated while the endpoint thinks.
const TYPING_EVERY: std::time::Duration = std::time::Duration::from_secs(3);

/// An entry's fields checked: trimmed, within the limits, keywords without repeats.
fn check_fields(
    keywords: Vec<String>,
    question: &str,
    answer: &str,
) -> Result<(Vec<String>, String, String), AppError> {
    if keywords.len() > ASSISTANT_KEYWORDS_MAX {
        return Err(AppError::invalid("keywords", Invalid::TooLong));
    }
    let mut kept: Vec<String> = Vec::with_capacity(keywords.len());
    for k in keywords {
        let k = validate::text("keywords", &k, ASSISTANT_KEYWORD_MAX, false)?;
        if k.contains(['\n', '\r']) {
            return Err(AppError::invalid("keywords", Invalid::BadCharacters));
        }
        if !k.is_empty() && !kept.iter().any(|x| x.to_lowercase() == k.to_lowercase()) {
            kept.push(k);
        }
    }
    let question = validate::text("question", question, ASSISTANT_QUESTION_MAX, false)?;
    let answer = validate::text("answer", answer, ASSISTANT_ANSWER_MAX, true)?;
    if kept.is_empty() && question.is_empty() {
        return Err(AppError::invalid("question", Invalid::Required));
    }
    Ok((kept, question, answer))
}

impl Api {
    /// After a send committed: if it went to the assistant (a direct chat with it, from the
    /// other side), answers it in the background.
    pub(crate) async fn after_send(&self, access: &ConversationAccess, message: &Message) {
        if !access.is_direct() {
            return;
        }
        let Ok(me) = self.state.assistant.user(&self.state.db).await else {
            return;
        };
        if message.sender_id == Some(me) || access.member(me).is_none() {
            return;
        }
        let api = self.clone();
        let message = message.clone();
        tokio::spawn(async move {
            if let Err(e) = api.answer(me, &message).await {
                tracing::warn!(error = %e, message = %message.id, "assistant did not answer");
            }
        });
    }

    /// Works out the answer to `message` and posts it as the assistant.
    async fn answer(&self, me: UserId, message: &Message) -> Result<(), AppError> {
        let conversation = message.conversation_id;
        let _slot = self
            .state
            .assistant
            .slots
            .acquire()
            .await
            .map_err(|_| AppError::Internal)?;
        if let Err(e) = self.typing(me, conversation).await {
            tracing::warn!(error = %e, "assistant typing failed");
        }
        let text = match &message.body {
            MessageBody::Text { text } => self.reply_to(me, conversation, text).await?,
            _ => assistant::TEXT_ONLY.to_owned(),
        };
        self.post_as_assistant(
            me,
            conversation,
            &format!("assistant-{}", message.id.0),
            &text,
        )
        .await
    }

    /// Stores `text` from the assistant through the message writer (delivered to the members
    /// after the commit); `key` makes a repeat a no-op.
    async fn post_as_assistant(
        &self,
        me: UserId,
        conversation: ConversationId,
        key: &str,
        text: &str,
    ) -> Result<(), AppError> {
        let text: String = text.chars().take(validate::TEXT_MAX).collect();
        let body = MessageBody::Text { text };
        let search_terms = crate::search::terms_of(&body);
        let body_json = StoredBody {
            body,
            reply_to: None,
            edited_at: None,
            mentions: Vec::new(),
        }
        .to_json()?;
        self.state
            .writer
            .insert(NewMessage {
                conversation,
                sender: me,
                client_msg_id: key.to_owned(),
                body_json,
                media_ids: Vec::new(),
                mentions: Vec::new(),
                quote: None,
                now: now_ms(),
                search_terms,
            })
            .await?;
        Ok(())
    }

    /// The reply to `text`: the endpoint's when one is configured (falling back to the table,
    /// then to an apology), else the table's, else "I don't know".
    async fn reply_to(
        &self,
        me: UserId,
        conversation: ConversationId,
        text: &str,
    ) -> Result<String, AppError> {
        let table = crate::db_conn!(&self.state.db, |conn| repo::list(conn, None).await)?;
        let found = matcher::best(&table, text).map(|e| e.answer.clone());
        let zh = matcher::is_cjk(text);
        let Some(endpoint) = &self.state.assistant.endpoint else {
            return Ok(found.unwrap_or_else(|| assistant::unknown(zh).to_owned()));
        };
        let mut turns = vec![Turn {
            role: "system",
            content: match &found {
                Some(hint) => format!(
                    "{}\nAn administrator's answer to a similar question: {hint}",
                    assistant::SYSTEM_PROMPT
                ),
                None => assistant::SYSTEM_PROMPT.to_owned(),
            },
        }];
        let history =
            crate::repo::messages::history(&self.state.db, me, conversation, None, HISTORY).await?;
        for m in history {
            if let MessageBody::Text { text } = m.body {
                let role = if m.sender_id == Some(me) {
                    "assistant"
                } else {
                    "user"
                };
                turns.push(Turn {
                    role,
                    content: text,
                });
            }
        }
        // "Typing…" lasts a few seconds on the phone: said again until the answer is in.
        let asked = endpoint.complete(&turns);
        tokio::pin!(asked);
        let mut every = tokio::time::interval(TYPING_EVERY);
        every.tick().await;
        let answer = loop {
            tokio::select! {
                answer = &mut asked => break answer,
                _ = every.tick() => {
                    let _ = self.typing(me, conversation).await;
                }
            }
        };
        Ok(match answer {
            Ok(answer) => answer,
            Err(why) => {
                tracing::warn!(error = %why, "assistant endpoint failed; answering without it");
                found.unwrap_or_else(|| assistant::unavailable(zh).to_owned())
            }
        })
    }
}

#[async_trait]
impl AssistantApi for Api {
    async fn open_assistant_chat(&self, caller: &Caller) -> Result<ConversationId, AppError> {
        let me = caller.auth()?.user_id;
        let db = &self.state.db;
        if crate::db_conn!(db, |conn| bots::is_bot(conn, me).await)? {
            return Err(AppError::Forbidden);
        }
        let assistant = self.state.assistant.user(db).await?;
        let now = now_ms();
        let conversation = crate::db_transaction!(db, |tx| {
            Ok::<_, Failure>(contacts::connect(tx, me, assistant, now).await?)
        })?;
        self.notify_contacts(&[me, assistant]);
        // A new chat starts with a greeting (stored once: its key is fixed).
        if crate::repo::messages::last_seq(db, conversation).await? == 0 {
            let key = format!("assistant-welcome-{}", conversation.0);
            self.post_as_assistant(assistant, conversation, &key, assistant::WELCOME)
                .await?;
        }
        Ok(conversation)
    }

    async fn list_assistant_answers(
        &self,
        caller: &Caller,
    ) -> Result<Vec<AssistantAnswer>, AppError> {
        caller.require(rights::ADMIN)?;
        Ok(crate::db_conn!(&self.state.db, |conn| repo::list(
            conn, None
        )
        .await)?)
    }

    async fn save_assistant_answer(
        &self,
        caller: &Caller,
        id: Option<i64>,
        keywords: Vec<String>,
        question: String,
        answer: String,
    ) -> Result<AssistantAnswer, AppError> {
        caller.require(rights::ADMIN)?;
        let (keywords, question, answer) = check_fields(keywords, &question, &answer)?;
        let fields = Fields {
            keywords: &keywords,
            question: &question,
            answer: &answer,
        };
        let now = now_ms();
        let saved = crate::db_transaction!(&self.state.db, |tx| {
            let id = match id {
                Some(id) => {
                    if !repo::update(tx, id, fields, now).await? {
                        return Err(AppError::NotFound.into());
                    }
                    id
                }
                None => {
                    if repo::count(tx).await? >= ASSISTANT_ANSWERS_MAX as i64 {
                        return Err(AppError::invalid("answer", Invalid::OutOfRange).into());
                    }
                    repo::insert(tx, fields, now).await?
                }
            };
            record(
                tx,
                caller,
                Audited {
                    action: "save_assistant_answer",
                    target_kind: "assistant_answer",
                    target_id: Some(id),
                    target_name: &question,
                    detail: json!({"after": {"keywords": keywords, "question": question, "answer": answer}}),
                },
            )
            .await?;
            Ok::<_, Failure>(repo::list(tx, Some(id)).await?)
        })?;
        saved.into_iter().next().ok_or(AppError::Internal)
    }

    async fn delete_assistant_answer(&self, caller: &Caller, id: i64) -> Result<(), AppError> {
        caller.require(rights::ADMIN)?;
        crate::db_transaction!(&self.state.db, |tx| {
            let before = repo::list(tx, Some(id)).await?;
            let Some(before) = before.into_iter().next() else {
                return Err(AppError::NotFound.into());
            };
            repo::delete(tx, id).await?;
            record(
                tx,
                caller,
                Audited {
                    action: "delete_assistant_answer",
                    target_kind: "assistant_answer",
                    target_id: Some(id),
                    target_name: &before.question,
                    detail: json!({"before": {"keywords": before.keywords, "question": before.question, "answer": before.answer}}),
                },
            )
            .await?;
            Ok::<_, Failure>(())
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_checked() {
        let (k, q, a) = check_fields(
            vec![
                " invite ".into(),
                "Invite".into(),
                "邀请".into(),
                String::new(),
            ],
            " How? ",
            "Like this.",
        )
        .unwrap();
        assert_eq!(k, ["invite", "邀请"]);
        assert_eq!((q.as_str(), a.as_str()), ("How?", "Like this."));
        assert!(check_fields(vec![], "", "answer").is_err());
        assert!(check_fields(vec!["k".into()], "", "").is_err());
        assert!(check_fields(vec!["x".repeat(33)], "", "a").is_err());
        assert!(check_fields(vec!["a\nb".into()], "", "a").is_err());
        assert!(check_fields(vec!["k".into(); 21], "", "a").is_err());
    }
}
