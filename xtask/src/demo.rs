//! The demo accounts `parley seed-demo` creates, and the banner `cargo xtask run` prints.

use std::fmt::Write;

/// The password of every demo account.
pub const PASSWORD: &str = "parley-demo";
/// The named demo accounts and what each one shows.
pub const ACCOUNTS: [(&str, &str); 4] = [
    ("admin", "role admin: can open the admin console"),
    ("user", "role user: an ordinary account"),
    ("muteuser", "role mute: a muted account"),
    ("disabled", "role disabled: a disabled account"),
];
/// The numbered demo accounts: member1 … member`MEMBERS`.
pub const MEMBERS: u32 = 30;

/// The text printed once Parley answers at `addr` (e.g. `127.0.0.1:3000`).
pub fn banner(addr: &str) -> String {
    let host = browsable(addr);
    let mut text = String::new();
    let rule = "=".repeat(64);
    // Writing to a String cannot fail.
    let _ = writeln!(text, "{rule}");
    let _ = writeln!(text, "Parley is running");
    let _ = writeln!(text, "  Chat client:    http://{host}/");
    let _ = writeln!(text, "  Admin console:  http://{host}/admin");
    let _ = writeln!(text);
    let _ = writeln!(text, "Demo logins (password for all: {PASSWORD})");
    for (name, role) in ACCOUNTS {
        let _ = writeln!(text, "  {name:<18}{role}");
    }
    let _ = writeln!(
        text,
        "  {:<18}role user",
        format!("member1…member{MEMBERS}")
    );
    let _ = writeln!(text);
    let _ = writeln!(text, "Press Ctrl-C to stop the server.");
    let _ = write!(text, "{rule}");
    text
}

/// `addr` as a browser can open it: a server listening on every interface (`0.0.0.0`, `[::]`)
/// is reached through 127.0.0.1.
fn browsable(addr: &str) -> String {
    match addr.parse::<std::net::SocketAddr>() {
        Ok(socket) if socket.ip().is_unspecified() => format!("127.0.0.1:{}", socket.port()),
        _ => addr.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banner_names_both_apps_and_every_login() {
        let text = banner("127.0.0.1:3000");
        assert!(text.contains("http://127.0.0.1:3000/\n"));
        assert!(text.contains("http://127.0.0.1:3000/admin"));
        for name in [
            "admin",
            "user",
            "muteuser",
            "disabled",
            "member1…member30",
            PASSWORD,
        ] {
            assert!(text.contains(name), "{name} missing from the banner");
        }
    }

    #[test]
    fn wildcard_addresses_are_shown_as_loopback() {
        assert_eq!(browsable("0.0.0.0:8080"), "127.0.0.1:8080");
        assert_eq!(browsable("[::]:8080"), "127.0.0.1:8080");
        assert_eq!(browsable("192.0.2.1:80"), "192.0.2.1:80");
    }
}
