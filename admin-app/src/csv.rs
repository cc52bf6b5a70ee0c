//! CSV text for the console's exports: RFC 4180 quoting, CRLF line ends, a UTF-8 byte-order
//! mark (so Excel opens Chinese text correctly) and cells that a spreadsheet would read as a
//! formula neutralised.

/// The byte-order mark that starts every export.
pub const BOM: char = '\u{feff}';

/// Most rows an export holds.
pub const EXPORT_MAX_ROWS: usize = 10_000;

/// The characters that make a spreadsheet read a cell as a formula (OWASP's list: `=`, `+`,
/// `-`, `@`, and tab and carriage return, which some spreadsheets skip before one of those).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell made safe for a spreadsheet: text starting with a formula character gets a leading
/// `'`, so it is shown as typed instead of being evaluated.
pub fn neutralise(cell: &str) -> String {
    if cell.starts_with(FORMULA_STARTS) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// One cell as RFC 4180 writes it: neutralised, then quoted (inner quotes doubled) when it
/// holds a comma, a quote or a line break.
pub fn cell(value: &str) -> String {
    let safe = neutralise(value);
    if safe.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", safe.replace('"', "\"\""))
    } else {
        safe
    }
}

/// One record: its cells joined by commas, ended by CRLF.
pub fn record<S: AsRef<str>>(cells: &[S]) -> String {
    let mut line = cells
        .iter()
        .map(|c| cell(c.as_ref()))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

/// A whole file: the byte-order mark, the header record, then one record per row.
pub fn document<S: AsRef<str>>(header: &[S], rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    out.push(BOM);
    out.push_str(&record(header));
    for row in rows {
        out.push_str(&record(row));
    }
    out
}

/// The file name of an export: `parley-<what>-<YYYYMMDD-HHMM>.csv` (the time as `format_time`
/// gives it, digits only).
pub fn file_name(what: &str, time: &str) -> String {
    let stamp: String = time
        .chars()
        .filter_map(|c| match c {
            '0'..='9' => Some(c),
            ' ' => Some('-'),
            _ => None,
        })
        .collect();
    format!("parley-{what}-{stamp}.csv")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_cells_stay_as_they_are() {
        assert_eq!(cell("alice"), "alice");
        assert_eq!(cell("张三"), "张三");
        assert_eq!(cell(""), "");
        assert_eq!(cell("a b"), "a b");
    }

    #[test]
    fn commas_quotes_and_line_breaks_are_quoted() {
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell("cr\r\nlf"), "\"cr\r\nlf\"");
    }

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(cell("=1+1"), "'=1+1");
        assert_eq!(cell("+86 10"), "'+86 10");
        assert_eq!(cell("-2"), "'-2");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tx"), "'\tx");
        // Neutralised first, then quoted: the quote goes inside.
        assert_eq!(
            cell("=HYPERLINK(\"x\",\"y\")"),
            "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\""
        );
        // Only the first character counts.
        assert_eq!(cell("a=b"), "a=b");
        assert_eq!(cell("1-2"), "1-2");
    }

    #[test]
    fn documents_start_with_a_bom_and_end_lines_with_crlf() {
        let doc = document(
            &["ID", "名字"],
            &[
                vec!["1".into(), "小明".into()],
                vec!["2".into(), "a,b".into()],
            ],
        );
        assert!(doc.starts_with('\u{feff}'));
        assert_eq!(doc.as_bytes()[..3], [0xEF, 0xBB, 0xBF]);
        assert_eq!(doc, "\u{feff}ID,名字\r\n1,小明\r\n2,\"a,b\"\r\n");
    }

    #[test]
    fn an_empty_export_still_has_its_header() {
        assert_eq!(document(&["a", "b"], &[]), "\u{feff}a,b\r\n");
    }

    #[test]
    fn file_names_carry_the_time() {
        assert_eq!(
            file_name("users", "2026-11-23 09:05"),
            "parley-users-20261123-0905.csv"
        );
    }
}
