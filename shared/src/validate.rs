//! Input rules shared by the server (which enforces them) and the apps (which show them early).

use crate::error::{AppError, Invalid};

/// Shortest allowed username.
pub const USERNAME_MIN: usize = 3;
/// Longest allowed username.
pub const USERNAME_MAX: usize = 32;
/// Shortest allowed password.
pub const PASSWORD_MIN: usize = 8;
/// Longest allowed password (argon2 input is bounded to keep hashing cheap to reject).
pub const PASSWORD_MAX: usize = 128;
/// Longest nickname, in characters.
pub const NICKNAME_MAX: usize = 32;
/// Longest signature, in characters.
pub const SIGNATURE_MAX: usize = 120;

/// Passwords refused outright because they are the first ones an attacker tries.
const COMMON_PASSWORDS: &[&str] = &[
    "password",
    "password1",
    "12345678",
    "123456789",
    "1234567890",
    "qwertyui",
    "qwerty123",
    "11111111",
    "00000000",
    "abcdefgh",
    "iloveyou",
    "admin123",
    "88888888",
    "abc12345",
    "87654321",
    "passw0rd",
    "letmein1",
    "welcome1",
    "football",
    "baseball",
];

/// Whether `path` may be gone to after signing in: a path of this site made of letters,
/// digits, `/`, `-` and `_` (an add-friend or invite link), never another site.
pub fn is_return_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && path.len() <= 200
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/-_".contains(&b))
}

/// Normalises a username (trimmed, lower-case) and checks it: 3–32 characters of `a-z`, `0-9`,
/// `_`, `.` or `-`, starting with a letter or digit.
pub fn username(raw: &str) -> Result<String, AppError> {
    let name = raw.trim().to_ascii_lowercase();
    let len = name.chars().count();
    if len == 0 {
        return Err(AppError::invalid("username", Invalid::Required));
    }
    if len < USERNAME_MIN {
        return Err(AppError::invalid("username", Invalid::TooShort));
    }
    if len > USERNAME_MAX {
        return Err(AppError::invalid("username", Invalid::TooLong));
    }
    let ok_chars = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-'));
    let ok_start = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    if !ok_chars || !ok_start {
        return Err(AppError::invalid("username", Invalid::BadCharacters));
    }
    Ok(name)
}

/// Checks a new password for `field` (`password` or `new_password`): 8–128 characters, not a
/// well-known password, not a single repeated character and not the username itself.
pub fn new_password(field: &str, password: &str, username: &str) -> Result<(), AppError> {
    let len = password.chars().count();
    if len == 0 {
        return Err(AppError::invalid(field, Invalid::Required));
    }
    if len < PASSWORD_MIN {
        return Err(AppError::invalid(field, Invalid::TooShort));
    }
    if len > PASSWORD_MAX {
        return Err(AppError::invalid(field, Invalid::TooLong));
    }
    let lower = password.to_lowercase();
    let mut chars = password.chars();
    let first = chars.next();
    let single_char = chars.all(|c| Some(c) == first);
    if single_char || COMMON_PASSWORDS.contains(&lower.as_str()) || lower == username {
        return Err(AppError::invalid(field, Invalid::Weak));
    }
    Ok(())
}

/// Invisible formatting characters (bidi overrides, zero-width) that let one name pose as another.
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// Trims and checks a nickname: 1–32 characters, no control characters.
pub fn nickname(raw: &str) -> Result<String, AppError> {
    let nick = raw.trim();
    if nick.is_empty() {
        return Err(AppError::invalid("nickname", Invalid::Required));
    }
    if nick.chars().count() > NICKNAME_MAX {
        return Err(AppError::invalid("nickname", Invalid::TooLong));
    }
    if nick
        .chars()
        .any(|c| c.is_control() || is_invisible_format(c))
    {
        return Err(AppError::invalid("nickname", Invalid::BadCharacters));
    }
    Ok(nick.to_owned())
}

/// Trims and checks a signature: at most 120 characters, no control characters but newlines.
pub fn signature(raw: &str) -> Result<String, AppError> {
    let sig = raw.trim();
    if sig.chars().count() > SIGNATURE_MAX {
        return Err(AppError::invalid("signature", Invalid::TooLong));
    }
    if sig
        .chars()
        .any(|c| (c.is_control() && c != '\n') || is_invisible_format(c))
    {
        return Err(AppError::invalid("signature", Invalid::BadCharacters));
    }
    Ok(sig.to_owned())
}

/// Longest friend-request note, in characters.
pub const NOTE_MAX: usize = 100;
/// Longest remark (alias), in characters.
pub const REMARK_MAX: usize = 32;
/// Longest text message, in characters.
pub const TEXT_MAX: usize = 5000;
/// Longest client message id.
pub const CLIENT_MSG_ID_MAX: usize = 64;
/// Largest history page.
pub const PAGE_MAX: u32 = 100;

/// Trims and bounds free text of `field`: at most `max` characters, no control characters
/// except newlines; `required` rejects empty text.
pub fn text(field: &str, raw: &str, max: usize, required: bool) -> Result<String, AppError> {
    let t = raw.trim();
    if required && t.is_empty() {
        return Err(AppError::invalid(field, Invalid::Required));
    }
    if t.chars().count() > max {
        return Err(AppError::invalid(field, Invalid::TooLong));
    }
    if t.chars()
        .any(|c| (c.is_control() && c != '\n') || is_invisible_format(c))
    {
        return Err(AppError::invalid(field, Invalid::BadCharacters));
    }
    Ok(t.to_owned())
}

/// Checks a client message id: 1–64 visible ASCII characters.
pub fn client_msg_id(raw: &str) -> Result<(), AppError> {
    if raw.is_empty() {
        return Err(AppError::invalid("client_msg_id", Invalid::Required));
    }
    if raw.len() > CLIENT_MSG_ID_MAX {
        return Err(AppError::invalid("client_msg_id", Invalid::TooLong));
    }
    if !raw.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(AppError::invalid("client_msg_id", Invalid::BadCharacters));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_paths_stay_on_this_site() {
        assert!(is_return_path("/add/abc-12_X"));
        assert!(is_return_path("/"));
        for bad in [
            "//evil.example.com",
            "https://evil.example.com",
            "/a?b=c",
            "/a b",
            "x/y",
            "",
        ] {
            assert!(!is_return_path(bad), "{bad}");
        }
        assert!(!is_return_path(&format!("/{}", "a".repeat(200))));
    }

    #[test]
    fn usernames() {
        assert_eq!(username("  Alice_1 ").unwrap(), "alice_1");
        assert_eq!(
            username(""),
            Err(AppError::invalid("username", Invalid::Required))
        );
        assert_eq!(
            username("ab"),
            Err(AppError::invalid("username", Invalid::TooShort))
        );
        assert_eq!(
            username(&"a".repeat(33)),
            Err(AppError::invalid("username", Invalid::TooLong))
        );
        assert_eq!(
            username("_abc"),
            Err(AppError::invalid("username", Invalid::BadCharacters))
        );
        assert_eq!(
            username("张三丰"),
            Err(AppError::invalid("username", Invalid::BadCharacters))
        );
    }

    #[test]
    fn passwords() {
        assert!(new_password("password", "correct horse", "bob").is_ok());
        assert_eq!(
            new_password("password", "short", "bob"),
            Err(AppError::invalid("password", Invalid::TooShort))
        );
        assert_eq!(
            new_password("password", "aaaaaaaaaa", "bob"),
            Err(AppError::invalid("password", Invalid::Weak))
        );
        assert_eq!(
            new_password("password", "Password1", "bob"),
            Err(AppError::invalid("password", Invalid::Weak))
        );
        assert_eq!(
            new_password("new_password", "bobbybobby", "bobbybobby"),
            Err(AppError::invalid("new_password", Invalid::Weak))
        );
    }

    #[test]
    fn free_text_and_client_ids() {
        assert_eq!(text("note", "  hi  ", 10, false).unwrap(), "hi");
        assert_eq!(text("note", "", 10, false).unwrap(), "");
        assert!(text("text", " ", 10, true).is_err());
        assert!(text("text", &"x".repeat(11), 10, true).is_err());
        assert!(text("text", "a\u{0}b", 10, true).is_err());
        assert_eq!(
            text("text", "line1\nline2", 20, true).unwrap(),
            "line1\nline2"
        );
        assert!(client_msg_id("c-1.2_x").is_ok());
        assert!(client_msg_id("").is_err());
        assert!(client_msg_id("has space").is_err());
        assert!(client_msg_id(&"x".repeat(65)).is_err());
    }

    #[test]
    fn profile_fields() {
        assert_eq!(nickname(" 小明 ").unwrap(), "小明");
        assert!(nickname("  ").is_err());
        assert!(nickname(&"字".repeat(33)).is_err());
        assert!(nickname("admin\u{202E}nimda").is_err(), "bidi override");
        assert!(nickname("ad\u{200B}min").is_err(), "zero-width space");
        assert_eq!(signature("").unwrap(), "");
        assert!(signature(&"x".repeat(121)).is_err());
    }
}
