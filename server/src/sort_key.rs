//! Sort keys for names: Chinese characters spelled in pinyin, so that contact lists group
//! "张三" under Z the way phones do, while the browser needs no pinyin table of its own.

use pinyin::ToPinyin;

/// `name` as a lower-case key for sorting and indexing: each Chinese character becomes its
/// pinyin without tones (the first reading of a character with several), followed by a space;
/// every other character is kept, lower-cased.
pub fn of(name: &str) -> String {
    let mut key = String::with_capacity(name.len() * 2);
    for c in name.trim().chars() {
        match c.to_pinyin() {
            Some(p) => {
                key.push_str(p.plain());
                key.push(' ');
            }
            None => key.extend(c.to_lowercase()),
        }
    }
    key
}

#[cfg(test)]
mod tests {
    use super::of;

    #[test]
    fn chinese_names_sort_by_pinyin() {
        assert_eq!(of("张三"), "zhang san ");
        assert_eq!(of("Ann"), "ann");
        assert_eq!(of("小明Q"), "xiao ming q");
        assert_eq!(of("😀"), "😀");
        let mut names = vec!["张三", "bob", "安娜", "李四", "Carl"];
        names.sort_by_key(|n| of(n));
        assert_eq!(names, vec!["安娜", "bob", "Carl", "李四", "张三"]);
    }
}
