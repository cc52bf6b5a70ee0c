//! The assistant: a built-in bot every user can chat with, answering from a question-and-answer
//! table administrators keep (or from a configured chat-completions endpoint).

use serde::{Deserialize, Serialize};

/// Most entries the table may hold.
pub const ASSISTANT_ANSWERS_MAX: usize = 500;
/// Most keywords one entry may have.
pub const ASSISTANT_KEYWORDS_MAX: usize = 20;
/// Longest keyword.
pub const ASSISTANT_KEYWORD_MAX: usize = 32;
/// Longest question.
pub const ASSISTANT_QUESTION_MAX: usize = 200;
/// Longest answer.
pub const ASSISTANT_ANSWER_MAX: usize = 2000;

/// One entry of the assistant's table: a message containing one of its `keywords`, or close
/// enough to its `question`, gets its `answer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssistantAnswer {
    /// Its id.
    pub id: i64,
    /// Words or phrases that pick this entry (any language; matched case-insensitively).
    pub keywords: Vec<String>,
    /// The question it answers (matched approximately).
    pub question: String,
    /// The reply.
    pub answer: String,
    /// When it was last changed.
    pub updated_at: i64,
}
