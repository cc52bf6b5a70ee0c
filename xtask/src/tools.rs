//! Installing the build and test tools Parley needs, each step skipped when already satisfied.
//!
//! Everything comes from the package registries: rustup's targets, crates.io (`cargo install`),
//! npm (`npm ci`) and Debian (`apt-get`). No tool downloads a binary of its own.

use std::path::Path;
use std::process::Command;
use std::time::SystemTime;

use crate::error::{Error, Result};
use crate::lockfile;
use crate::paths::Paths;
use crate::process::{self, cargo, names_version, probe};
use crate::ui::note;

/// The Rust target the two front ends compile to.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The cargo-leptos release that builds with the workspace's toolchain.
pub const CARGO_LEPTOS_VERSION: &str = "0.3.10";
/// Where Debian installs Chromium; the Playwright configuration launches this binary.
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// Everything `cargo leptos build` needs; `npm` adds the npm packages (wasm-opt for release
/// builds, Playwright for the end-to-end tests).
pub fn ensure_build_tools(paths: &Paths, npm: bool) -> Result<()> {
    ensure_wasm_target()?;
    ensure_cargo_leptos()?;
    ensure_wasm_bindgen(paths)?;
    if npm {
        ensure_npm_packages(paths)?;
    }
    Ok(())
}

/// The `wasm32-unknown-unknown` standard library, through rustup.
pub fn ensure_wasm_target() -> Result<()> {
    let Some(installed) = probe("rustup", &["target", "list", "--installed"]) else {
        note(&format!(
            "rustup not found: assuming the toolchain has {WASM_TARGET}"
        ));
        return Ok(());
    };
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        note(&format!("{WASM_TARGET}: installed"));
        return Ok(());
    }
    process::run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

/// `cargo leptos` at exactly [`CARGO_LEPTOS_VERSION`].
pub fn ensure_cargo_leptos() -> Result<()> {
    let installed = || process::probe_command(cargo().args(["leptos", "--version"]));
    if installed().is_some_and(|v| names_version(&v, CARGO_LEPTOS_VERSION)) {
        note(&format!("cargo-leptos {CARGO_LEPTOS_VERSION}: installed"));
        return Ok(());
    }
    note("installing cargo-leptos (a one-time build of several minutes)");
    process::run(cargo().args([
        "install",
        "cargo-leptos",
        "--version",
        CARGO_LEPTOS_VERSION,
        "--locked",
    ]))?;
    match installed() {
        Some(v) if names_version(&v, CARGO_LEPTOS_VERSION) => Ok(()),
        other => Err(Error::new(format!(
            "`cargo leptos --version` reports {:?} after installing {CARGO_LEPTOS_VERSION}; \
             is another cargo-leptos earlier on PATH?",
            other.unwrap_or_default()
        ))),
    }
}

/// `wasm-bindgen` at exactly the version of the `wasm-bindgen` crate locked in `Cargo.lock`
/// (the CLI and the library must agree).
pub fn ensure_wasm_bindgen(paths: &Paths) -> Result<()> {
    let wanted = lockfile::locked_version(&paths.cargo_lock(), "wasm-bindgen")?;
    let installed = || probe("wasm-bindgen", &["--version"]);
    if installed().is_some_and(|v| names_version(&v, &wanted)) {
        note(&format!("wasm-bindgen {wanted}: installed"));
        return Ok(());
    }
    note(&format!(
        "installing wasm-bindgen-cli {wanted} (a one-time build of several minutes)"
    ));
    // Not `--locked`: the CLI's own lock file does not build with the current toolchain.
    process::run(cargo().args(["install", "wasm-bindgen-cli", "--version", &wanted]))?;
    match installed() {
        Some(v) if names_version(&v, &wanted) => Ok(()),
        other => Err(Error::new(format!(
            "`wasm-bindgen --version` reports {:?} after installing {wanted}; \
             is another wasm-bindgen earlier on PATH?",
            other.unwrap_or_default()
        ))),
    }
}

/// The npm devDependencies of the workspace (`npm ci`), never downloading a browser.
pub fn ensure_npm_packages(paths: &Paths) -> Result<()> {
    let root = &paths.root;
    let lock = root.join("package-lock.json");
    let modules = root.join("node_modules");
    let complete = modules.join("@playwright/test/package.json").is_file()
        && modules.join(".bin/wasm-opt").exists();
    // npm rewrites node_modules/.package-lock.json on every install: when it is newer than
    // package-lock.json, the installed packages are the locked ones.
    let current = match (
        modified(&modules.join(".package-lock.json")),
        modified(&lock),
    ) {
        (Some(installed), Some(locked)) => installed >= locked,
        (Some(_), None) => true,
        (None, _) => false,
    };
    if complete && current {
        note("npm packages: installed");
        return Ok(());
    }
    let mut npm = Command::new("npm");
    if lock.is_file() {
        npm.arg("ci");
    } else {
        npm.arg("install");
    }
    npm.args(["--no-audit", "--no-fund"])
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .current_dir(root);
    process::run(&mut npm)
}

/// Debian's Chromium (and its driver) at [`CHROMIUM`], installed with apt-get when missing.
pub fn ensure_chromium() -> Result<()> {
    if Path::new(CHROMIUM).exists() {
        note(&format!("chromium: {CHROMIUM}"));
        return Ok(());
    }
    if probe("apt-get", &["--version"]).is_none() {
        return Err(Error::new(format!(
            "{CHROMIUM} not found and apt-get is not available: install Chromium so that \
             {CHROMIUM} starts it"
        )));
    }
    let sudo = probe("id", &["-u"]).is_some_and(|uid| uid != "0");
    process::run(&mut as_root(sudo, "apt-get", &["update"]))?;
    let install = [
        "install",
        "-y",
        "--no-install-recommends",
        "chromium",
        "chromium-driver",
    ];
    if process::run(&mut as_root(sudo, "apt-get", &install)).is_err() {
        note("apt-get install failed; repairing dpkg and trying once more");
        // A failed repair shows up in the retry below.
        let _ = process::run(&mut as_root(sudo, "dpkg", &["--configure", "-a"]));
        process::run(&mut as_root(sudo, "apt-get", &install))?;
    }
    if Path::new(CHROMIUM).exists() {
        Ok(())
    } else {
        Err(Error::new(format!(
            "apt-get installed chromium but {CHROMIUM} is missing"
        )))
    }
}

/// `program args…`, through sudo when `sudo` is set, never asking questions.
fn as_root(sudo: bool, program: &str, args: &[&str]) -> Command {
    let mut cmd = if sudo {
        let mut cmd = Command::new("sudo");
        cmd.arg(program);
        cmd
    } else {
        Command::new(program)
    };
    cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
    cmd
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path)
        .and_then(|meta| meta.modified())
        .ok()
}
