//! How text is cut into search terms, the same way when indexing and when searching, so that
//! both databases' full-text engines see ready-made terms: Latin (and other spaced) scripts as
//! lower-cased words, Chinese, Japanese and Korean characters (written without spaces) as
//! single characters and overlapping pairs of characters. A query of one CJK character finds
//! the character; a longer CJK query finds texts holding each of its pairs.

/// Most terms one query uses.
pub const QUERY_TERMS_MAX: usize = 10;

/// Whether `c` belongs to a script written without spaces between words.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK Compatibility Ideographs
        | 0x20000..=0x2FA1F) // Extensions B… and compatibility supplement
}

/// The runs of a text: words of letters and digits, and runs of CJK characters.
fn runs(text: &str) -> Vec<(bool, String)> {
    let mut out: Vec<(bool, String)> = Vec::new();
    for c in text.chars() {
        let cjk = is_cjk(c);
        if !cjk && !c.is_alphanumeric() {
            out.push((false, String::new()));
            continue;
        }
        match out.last_mut() {
            Some((kind, run)) if *kind == cjk && !run.is_empty() => run.push(c),
            _ => out.push((cjk, c.to_string())),
        }
    }
    out.retain(|(_, r)| !r.is_empty());
    out
}

/// Every term of `text` for the index: lower-cased words, and each CJK character and each pair
/// of neighbouring CJK characters. Terms are separated by spaces.
pub fn index_terms(text: &str) -> String {
    let mut terms: Vec<String> = Vec::new();
    for (cjk, run) in runs(text) {
        if cjk {
            let chars: Vec<char> = run.chars().collect();
            for (i, c) in chars.iter().enumerate() {
                terms.push(c.to_string());
                if let Some(next) = chars.get(i + 1) {
                    terms.push(format!("{c}{next}"));
                }
            }
        } else {
            terms.push(run.to_lowercase());
        }
    }
    terms.join(" ")
}

/// A query term: the text to match and whether it matches as a prefix (the words of spaced
/// scripts do, so that a word being typed already finds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryTerm {
    /// The term.
    pub text: String,
    /// Matches any indexed term starting with it.
    pub prefix: bool,
}

/// The terms a query searches for (all must match), at most [`QUERY_TERMS_MAX`].
pub fn query_terms(query: &str) -> Vec<QueryTerm> {
    let mut terms: Vec<QueryTerm> = Vec::new();
    for (cjk, run) in runs(query) {
        if cjk {
            let chars: Vec<char> = run.chars().collect();
            if chars.len() == 1 {
                terms.push(QueryTerm {
                    text: run,
                    prefix: false,
                });
            } else {
                for pair in chars.windows(2) {
                    terms.push(QueryTerm {
                        text: pair.iter().collect(),
                        prefix: false,
                    });
                }
            }
        } else {
            terms.push(QueryTerm {
                text: run.to_lowercase(),
                prefix: true,
            });
        }
    }
    terms.dedup();
    terms.truncate(QUERY_TERMS_MAX);
    terms
}

/// Where the query's words occur in `text`: character ranges `(start, len)`, in order, merged
/// where they overlap (the parts a result highlights).
pub fn highlights(text: &str, query: &str) -> Vec<(u32, u32)> {
    let haystack: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    // Lower-casing can change the number of characters: only highlight when it does not.
    if haystack.len() != text.chars().count() {
        return Vec::new();
    }
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for (_, run) in runs(query) {
        let needle: Vec<char> = run.chars().flat_map(char::to_lowercase).collect();
        if needle.is_empty() || needle.len() > haystack.len() {
            continue;
        }
        for i in 0..=haystack.len() - needle.len() {
            if haystack[i..].starts_with(&needle) {
                spans.push((i, i + needle.len()));
            }
        }
    }
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in spans {
        match merged.last_mut() {
            Some((_, end)) if s <= *end => *end = (*end).max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
        .into_iter()
        .map(|(s, e)| {
            (
                u32::try_from(s).unwrap_or(u32::MAX),
                u32::try_from(e - s).unwrap_or(u32::MAX),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lower_cased_and_cjk_cut_into_characters_and_pairs() {
        assert_eq!(index_terms("Hello, World!"), "hello world");
        assert_eq!(index_terms("今天开会"), "今 今天 天 天开 开 开会 会");
        assert_eq!(index_terms("Meet 明天 at 3pm"), "meet 明 明天 天 at 3pm");
    }

    #[test]
    fn queries_use_pairs_or_the_single_character() {
        let texts = |q: &str| {
            query_terms(q)
                .into_iter()
                .map(|t| (t.text, t.prefix))
                .collect::<Vec<_>>()
        };
        assert_eq!(texts("开"), [("开".to_owned(), false)]);
        assert_eq!(
            texts("开会了"),
            [("开会".to_owned(), false), ("会了".to_owned(), false)]
        );
        assert_eq!(
            texts("Hel 会"),
            [("hel".to_owned(), true), ("会".to_owned(), false)]
        );
        assert!(texts("  !? ").is_empty());
    }

    #[test]
    fn highlights_mark_each_occurrence() {
        assert_eq!(highlights("明天开会，后天也开会", "开会"), [(2, 2), (8, 2)]);
        assert_eq!(highlights("Hello hello", "HELLO"), [(0, 5), (6, 5)]);
        assert_eq!(highlights("abc", "zz"), []);
    }
}
