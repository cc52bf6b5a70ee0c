//! The text a search result shows and its highlighted pieces (the server's ranges).

/// `text` cut into pieces, each marked when it lies in one of `ranges` (character ranges,
/// in order); ranges that do not fit are ignored.
pub fn marked(text: &str, ranges: &[(u32, u32)]) -> Vec<(String, bool)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut at = 0usize;
    for &(start, len) in ranges {
        let (start, end) = (start as usize, start as usize + len as usize);
        if start < at || end > chars.len() || start >= end {
            continue;
        }
        if start > at {
            out.push((chars[at..start].iter().collect(), false));
        }
        out.push((chars[start..end].iter().collect(), true));
        at = end;
    }
    if at < chars.len() {
        out.push((chars[at..].iter().collect(), false));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::marked;

    #[test]
    fn marks_the_ranges() {
        let pieces = marked("明天开会，后天也开会", &[(2, 2), (8, 2)]);
        let marks: Vec<(&str, bool)> = pieces.iter().map(|(t, m)| (t.as_str(), *m)).collect();
        assert_eq!(
            marks,
            [
                ("明天", false),
                ("开会", true),
                ("，后天也", false),
                ("开会", true)
            ]
        );
        assert_eq!(marked("ab", &[(1, 5)]), [("ab".to_owned(), false)]);
    }
}
