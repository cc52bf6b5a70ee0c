//! Picking an answer from the assistant's table: a keyword found in the message wins (the
//! longest one, so "group chat" beats "group"); otherwise the question most like the message,
//! by the overlap of their character pairs (which works alike for Chinese and English), if it
//! is close enough.

use std::collections::HashSet;

use shared::model::AssistantAnswer;

/// How alike a message and a question must be (Dice coefficient of character pairs).
const SIMILAR_ENOUGH: f64 = 0.45;

/// Lowercase letters and digits (any script), everything else one space.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = true;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    out.trim_end().to_owned()
}

/// The pairs of neighbouring characters of `text`, spaces left out.
fn pairs(text: &str) -> HashSet<(char, char)> {
    let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

/// How alike `a` and `b` are, from 0 to 1.
pub fn similarity(a: &str, b: &str) -> f64 {
    let (pa, pb) = (pairs(a), pairs(b));
    if pa.is_empty() || pb.is_empty() {
        return 0.0;
    }
    let shared = pa.intersection(&pb).count();
    (2 * shared) as f64 / (pa.len() + pb.len()) as f64
}

/// Whether `keyword` (normalized) occurs in `message` (normalized): as whole words for Latin
/// text, anywhere for text without spaces (Chinese).
fn contains_keyword(message: &str, keyword: &str) -> bool {
    if keyword.is_empty() {
        return false;
    }
    let latin = keyword
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == ' ');
    if !latin {
        return message.contains(keyword);
    }
    let padded = format!(" {message} ");
    padded.contains(&format!(" {keyword} "))
        // "friends" for "friend": a plural or verb ending on the last word.
        || ["s", "es", "ed", "ing"]
            .iter()
            .any(|end| padded.contains(&format!(" {keyword}{end} ")))
}

/// The entry answering `message`, if any.
pub fn best<'a>(entries: &'a [AssistantAnswer], message: &str) -> Option<&'a AssistantAnswer> {
    let message = normalize(message);
    if message.is_empty() {
        return None;
    }
    let by_keyword = entries
        .iter()
        .filter_map(|e| {
            e.keywords
                .iter()
                .map(|k| normalize(k))
                .filter(|k| contains_keyword(&message, k))
                .map(|k| k.chars().count())
                .max()
                .map(|len| (len, e))
        })
        .max_by_key(|(len, e)| (*len, std::cmp::Reverse(e.id)));
    if let Some((_, entry)) = by_keyword {
        return Some(entry);
    }
    entries
        .iter()
        .map(|e| (similarity(&message, &normalize(&e.question)), e))
        .filter(|(score, _)| *score >= SIMILAR_ENOUGH)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, e)| e)
}

/// Whether `text` is mostly Chinese (or Japanese) script: the answer's language.
pub fn is_cjk(text: &str) -> bool {
    let (mut cjk, mut latin) = (0usize, 0usize);
    for c in text.chars() {
        match c {
            '\u{3400}'..='\u{9fff}' | '\u{3040}'..='\u{30ff}' | '\u{f900}'..='\u{faff}' => cjk += 1,
            c if c.is_ascii_alphabetic() => latin += 1,
            _ => {}
        }
    }
    cjk > 0 && cjk * 3 >= latin
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: i64, keywords: &[&str], question: &str) -> AssistantAnswer {
        AssistantAnswer {
            id,
            keywords: keywords.iter().map(|k| (*k).to_owned()).collect(),
            question: question.to_owned(),
            answer: format!("answer {id}"),
            updated_at: 0,
        }
    }

    #[test]
    fn keywords_then_questions() {
        let table = vec![
            entry(1, &["group"], "What is a group?"),
            entry(2, &["group chat", "群聊"], "How do I start a group chat?"),
            entry(3, &["password", "密码"], "How do I change my password?"),
            entry(4, &[], "Where are my files stored?"),
        ];
        assert_eq!(best(&table, "How to make a GROUP CHAT?").unwrap().id, 2);
        assert_eq!(best(&table, "groups?").unwrap().id, 1);
        assert_eq!(best(&table, "我想建一个群聊").unwrap().id, 2);
        assert_eq!(best(&table, "忘记密码了怎么办").unwrap().id, 3);
        assert_eq!(best(&table, "where are the files stored").unwrap().id, 4);
        // "passwords" is the keyword's plural; "passage" is not the keyword.
        assert_eq!(best(&table, "passwords!").unwrap().id, 3);
        assert!(best(&table, "passage").is_none());
        assert!(best(&table, "what's the weather like").is_none());
        assert!(best(&table, "   ").is_none());
    }

    #[test]
    fn normalizing_and_language() {
        assert_eq!(normalize("  Hello,  World!! 你好。"), "hello world 你好");
        assert!(is_cjk("怎么加好友"));
        assert!(is_cjk("怎么用 Parley"));
        assert!(!is_cjk("How do I add friends?"));
        assert!(similarity("abc", "abc") > 0.99);
        assert_eq!(similarity("a", "b"), 0.0);
    }
}
