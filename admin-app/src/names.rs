//! Display names of roles and rights: built-in ones have a Chinese name in
//! [`shared::rights`], shown when the console is in Chinese.

use shared::i18n::Lang;
use shared::rights::{BUILTIN_RIGHTS, BUILTIN_ROLES};

/// The built-in name of role `key` in `lang`, if it is a built-in role.
pub fn builtin_role_name(lang: Lang, key: &str) -> Option<&'static str> {
    BUILTIN_ROLES
        .iter()
        .find(|(k, ..)| *k == key)
        .map(|(_, en, zh, _)| pick(lang, en, zh))
}

/// The built-in name of right `key` in `lang`, if it is a built-in right.
pub fn builtin_right_name(lang: Lang, key: &str) -> Option<&'static str> {
    BUILTIN_RIGHTS
        .iter()
        .find(|(k, ..)| *k == key)
        .map(|(_, en, zh)| pick(lang, en, zh))
}

/// The name to show for role `key` whose stored name is `stored`.
pub fn role_name(lang: Lang, key: &str, stored: &str) -> String {
    display_name(lang, stored, builtin_role_name(lang, key), key)
}

/// The name to show for right `key` whose stored name is `stored`.
pub fn right_name(lang: Lang, key: &str, stored: &str) -> String {
    display_name(lang, stored, builtin_right_name(lang, key), key)
}

fn pick(lang: Lang, en: &'static str, zh: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// In Chinese a built-in name wins over the stored (English) one; otherwise the stored name is
/// shown, falling back to the built-in name and finally to the key.
fn display_name(lang: Lang, stored: &str, builtin: Option<&'static str>, key: &str) -> String {
    let stored = stored.trim();
    let chosen = match (lang, builtin) {
        (Lang::Zh, Some(b)) => b,
        _ if !stored.is_empty() => stored,
        (_, Some(b)) => b,
        _ => key,
    };
    chosen.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_names_follow_the_language() {
        assert_eq!(role_name(Lang::Zh, "admin", "Administrator"), "管理员");
        assert_eq!(
            role_name(Lang::En, "admin", "Administrator"),
            "Administrator"
        );
        assert_eq!(right_name(Lang::Zh, "speak", "Speak"), "发言");
        assert_eq!(right_name(Lang::En, "speak", ""), "Speak");
    }

    #[test]
    fn custom_names_are_shown_as_stored() {
        assert_eq!(role_name(Lang::Zh, "tester", "测试员"), "测试员");
        assert_eq!(role_name(Lang::En, "tester", "Tester"), "Tester");
        assert_eq!(right_name(Lang::En, "beta", " "), "beta");
    }
}
