//! Running other programs: with the terminal's stdio, or capturing what they print.

use std::ffi::OsString;
use std::io::ErrorKind;
use std::process::{Command, ExitStatus};

use crate::error::{Error, Result};
use crate::ui;

/// A `cargo` command, using the same cargo that runs this xtask.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo")))
}

/// The configuration flag cargo-leptos adds to every build of Parley (`always-erase-components`
/// in the workspace's leptos metadata).
const ERASE_COMPONENTS: &str = "--cfg erase_components";

/// A `cargo` command for native builds of the server, its tests and tools, compiled with the
/// same `RUSTFLAGS` as `cargo leptos build` gives the server. Without them each build would
/// recompile every dependency the other one made (minutes here, and a second copy on disk),
/// and a server built by plain cargo would render pages its wasm does not hydrate.
pub fn cargo_native() -> Command {
    let mut cmd = cargo();
    cmd.env(
        "RUSTFLAGS",
        native_rustflags(std::env::var("RUSTFLAGS").ok()),
    );
    cmd
}

/// What cargo-leptos sets `RUSTFLAGS` to, given the flags already in the environment.
fn native_rustflags(existing: Option<String>) -> String {
    match existing.as_deref().map(str::trim) {
        Some(flags) if !flags.is_empty() => format!("{flags} {ERASE_COMPONENTS}"),
        _ => ERASE_COMPONENTS.to_owned(),
    }
}

/// The command line of `cmd` as a person would type it.
pub fn describe(cmd: &Command) -> String {
    let program = cmd.get_program().to_string_lossy();
    // Show `cargo` rather than the full path of the toolchain's cargo.
    let program = if program.ends_with("/cargo") {
        "cargo".into()
    } else {
        program
    };
    let mut line = program.into_owned();
    for arg in cmd.get_args() {
        let arg = arg.to_string_lossy();
        line.push(' ');
        if arg.is_empty() || arg.contains(char::is_whitespace) {
            line.push('\'');
            line.push_str(&arg);
            line.push('\'');
        } else {
            line.push_str(&arg);
        }
    }
    line
}

/// Runs `cmd` with the terminal's stdin, stdout and stderr; fails unless it exits with 0.
pub fn run(cmd: &mut Command) -> Result<()> {
    let status = status(cmd)?;
    check(cmd, status)
}

/// Runs `cmd` with the terminal's stdio and returns its exit status, whatever it is.
pub fn status(cmd: &mut Command) -> Result<ExitStatus> {
    println!("$ {}", describe(cmd));
    ui::flush();
    cmd.status().map_err(|err| spawn_error(cmd, &err))
}

/// Turns a non-zero exit status of `cmd` into an error.
pub fn check(cmd: &Command, status: ExitStatus) -> Result<()> {
    if status.success() {
        Ok(())
    } else {
        Err(Error::new(format!("`{}` failed ({status})", describe(cmd))))
    }
}

/// What `program args…` prints when it succeeds, or `None` when it is missing or fails.
/// Used to ask tools for their version.
pub fn probe(program: &str, args: &[&str]) -> Option<String> {
    probe_command(Command::new(program).args(args))
}

/// What `cmd` prints when it succeeds, or `None` when it cannot start or fails.
pub fn probe_command(cmd: &mut Command) -> Option<String> {
    let out = cmd.output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Whether a tool's version output (e.g. `cargo-leptos 0.3.10`) names exactly `version`.
pub fn names_version(output: &str, version: &str) -> bool {
    output
        .split_whitespace()
        .any(|word| word.trim_start_matches('v') == version)
}

fn spawn_error(cmd: &Command, err: &std::io::Error) -> Error {
    let program = cmd.get_program().to_string_lossy();
    if err.kind() == ErrorKind::NotFound {
        Error::new(format!(
            "`{program}` was not found on PATH (needed for `{}`)",
            describe(cmd)
        ))
    } else {
        Error::io(format!("could not start `{}`", describe(cmd)), err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn native_flags_match_what_cargo_leptos_sets() {
        assert_eq!(native_rustflags(None), "--cfg erase_components");
        assert_eq!(
            native_rustflags(Some("  ".into())),
            "--cfg erase_components"
        );
        assert_eq!(
            native_rustflags(Some("-C target-cpu=native".into())),
            "-C target-cpu=native --cfg erase_components"
        );
    }

    #[test]
    fn version_is_matched_as_a_whole_word() {
        assert!(names_version("cargo-leptos 0.3.10", "0.3.10"));
        assert!(names_version("wasm-bindgen 0.2.130", "0.2.130"));
        assert!(names_version("Version v1.2.3\n", "1.2.3"));
        assert!(!names_version("cargo-leptos 0.3.100", "0.3.10"));
        assert!(!names_version("cargo-leptos 0.3.1", "0.3.10"));
        assert!(!names_version("", "0.3.10"));
    }

    #[test]
    fn commands_are_described_like_a_shell_line() {
        let mut cmd = Command::new("npx");
        cmd.args(["playwright", "test", "--grep", "two words"]);
        assert_eq!(describe(&cmd), "npx playwright test --grep 'two words'");
    }
}
