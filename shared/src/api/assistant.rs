//! The assistant: every user opens a chat with it; administrators keep the table it answers
//! from.

use leptos::prelude::*;

use super::codec::Json;

use crate::error::AppError;
use crate::ids::ConversationId;
use crate::model::AssistantAnswer;

#[cfg(feature = "ssr")]
use super::Caller;

/// The server's implementation of the assistant.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait AssistantApi: Send + Sync {
    /// See [`open_assistant_chat`].
    async fn open_assistant_chat(&self, caller: &Caller) -> Result<ConversationId, AppError>;
    /// See [`admin_list_assistant_answers`].
    async fn list_assistant_answers(
        &self,
        caller: &Caller,
    ) -> Result<Vec<AssistantAnswer>, AppError>;
    /// See [`admin_save_assistant_answer`].
    async fn save_assistant_answer(
        &self,
        caller: &Caller,
        id: Option<i64>,
        keywords: Vec<String>,
        question: String,
        answer: String,
    ) -> Result<AssistantAnswer, AppError>;
    /// See [`admin_delete_assistant_answer`].
    async fn delete_assistant_answer(&self, caller: &Caller, id: i64) -> Result<(), AppError>;
}

/// Opens (or finds) the caller's chat with the Parley Assistant, a built-in bot that answers
/// each message: from the table administrators keep (a keyword, or a question close enough),
/// else from the configured chat-completions endpoint, else with a short apology in the
/// message's language. It shows as typing while it thinks. New accounts have this chat from the
/// start. Errors: `unauthenticated`, `forbidden` (a bot).
#[server(endpoint = "open_assistant_chat", input = Json, output = Json)]
pub async fn open_assistant_chat() -> Result<ConversationId, AppError> {
    let (ports, caller) = super::request()?;
    ports.assistant.open_assistant_chat(&caller).await
}

/// The assistant's question-and-answer table, oldest first. Errors: `forbidden`.
#[server(endpoint = "admin_list_assistant_answers", input = Json, output = Json)]
pub async fn admin_list_assistant_answers() -> Result<Vec<AssistantAnswer>, AppError> {
    let (ports, caller) = super::request()?;
    ports.assistant.list_assistant_answers(&caller).await
}

/// Adds an entry to the assistant's table (`id` absent) or changes one: `keywords` (0–20, each
/// 1–32 characters), `question` (≤ 200), `answer` (1–2,000); a keyword or a question is needed.
/// At most 500 entries. Audited. Errors: `forbidden`, `not_found`, `validation`.
#[server(endpoint = "admin_save_assistant_answer", input = Json, output = Json)]
pub async fn admin_save_assistant_answer(
    #[server(default)] id: Option<i64>,
    #[server(default)] keywords: Vec<String>,
    #[server(default)] question: String,
    answer: String,
) -> Result<AssistantAnswer, AppError> {
    let (ports, caller) = super::request()?;
    ports
        .assistant
        .save_assistant_answer(&caller, id, keywords, question, answer)
        .await
}

/// Deletes an entry of the assistant's table. Audited. Errors: `forbidden`, `not_found`.
#[server(endpoint = "admin_delete_assistant_answer", input = Json, output = Json)]
pub async fn admin_delete_assistant_answer(id: i64) -> Result<(), AppError> {
    let (ports, caller) = super::request()?;
    ports.assistant.delete_assistant_answer(&caller, id).await
}
